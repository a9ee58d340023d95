"""The scanner's key events -> codes, on event sequences as evdev reports them.

Each sequence is built from `evdev.ecodes` names the way a USB scanner sends a code: for each
character an EV_MSC scan code, the EV_KEY down, a SYN_REPORT, then the EV_KEY up and another
SYN_REPORT, with Shift held around capitals and symbols, and Enter at the end.
"""

from __future__ import annotations

import logging

import pytest
from evdev import ecodes

from till_tui.hw import keymap
from till_tui.hw.scan_decoder import MAX_LENGTH, ScanDecoder

Event = tuple[int, int, int]

# Where a US keyboard has each character: (key name, with Shift).
US = {
    **{c: (f"KEY_{c.upper()}", False) for c in "abcdefghijklmnopqrstuvwxyz0123456789"},
    **{c: (f"KEY_{c}", True) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
    "-": ("KEY_MINUS", False),
    "_": ("KEY_MINUS", True),
    "/": ("KEY_SLASH", False),
    "?": ("KEY_SLASH", True),
    ".": ("KEY_DOT", False),
    " ": ("KEY_SPACE", False),
    "+": ("KEY_EQUAL", True),
    "$": ("KEY_4", True),
    "%": ("KEY_5", True),
    ":": ("KEY_SEMICOLON", True),
}


def key(name: str, value: int) -> list[Event]:
    """One key event as a scanner reports it: its scan code, the key, a sync."""
    return [
        (ecodes.EV_MSC, ecodes.MSC_SCAN, 0x70000 + ecodes.ecodes[name]),
        (ecodes.EV_KEY, ecodes.ecodes[name], value),
        (ecodes.EV_SYN, ecodes.SYN_REPORT, 0),
    ]


def press(name: str) -> list[Event]:
    return key(name, 1) + key(name, 0)


def typed(text: str, *, shift: str = "KEY_LEFTSHIFT", enter: str = "KEY_ENTER") -> list[Event]:
    """The events of a scanner typing `text` then Enter (Shift held only where needed)."""
    events: list[Event] = []
    for char in text:
        name, shifted = US[char]
        if shifted:
            events += key(shift, 1) + press(name) + key(shift, 0)
        else:
            events += press(name)
    return events + press(enter)


def decode(decoder: ScanDecoder, events: list[Event]) -> list[str]:
    codes = []
    for event in events:
        code = decoder.feed(*event)
        if code is not None:
            codes.append(code)
    return codes


def test_keymap_constants_are_the_kernel_ones() -> None:
    names = [name for name in dir(keymap) if name.startswith(("KEY_", "EV_"))]
    assert len(names) > 80
    for name in names:
        if name in ("KEY_UP", "KEY_DOWN", "KEY_REPEAT"):
            continue  # event values, not key codes
        assert getattr(keymap, name) == ecodes.ecodes[name], name
    assert (keymap.KEY_UP, keymap.KEY_DOWN, keymap.KEY_REPEAT) == (0, 1, 2)


def test_every_mapped_key_types_what_a_us_keyboard_types() -> None:
    for char, (name, shifted) in US.items():
        table = keymap.SHIFTED if shifted else keymap.PLAIN
        assert table[ecodes.ecodes[name]] == char


@pytest.mark.parametrize(
    "code",
    ["3760123000017", "2900000000018", "abc123", "AbC-12/x", "SKU-0042/B", "a_b?c.d", "X"],
)
def test_a_scanned_code_is_delivered_once_at_enter(code: str) -> None:
    assert decode(ScanDecoder(), typed(code)) == [code]


def test_no_code_before_enter() -> None:
    decoder = ScanDecoder()
    assert decode(decoder, typed("3760123000017")[:-6]) == []
    assert decoder.pending


def test_right_shift_and_keypad_enter() -> None:
    events = typed("Lot-42B", shift="KEY_RIGHTSHIFT", enter="KEY_KPENTER")
    assert decode(ScanDecoder(), events) == ["Lot-42B"]


def test_shift_is_tracked_per_side_until_released() -> None:
    # Left Shift released while Right Shift is still held: still capitals.
    events = (
        key("KEY_LEFTSHIFT", 1)
        + key("KEY_RIGHTSHIFT", 1)
        + press("KEY_A")
        + key("KEY_LEFTSHIFT", 0)
        + press("KEY_B")
        + key("KEY_RIGHTSHIFT", 0)
        + press("KEY_C")
        + press("KEY_ENTER")
    )
    assert decode(ScanDecoder(), events) == ["ABc"]


def test_autorepeat_and_key_up_type_nothing() -> None:
    events = key("KEY_1", 1) + key("KEY_1", 2) + key("KEY_1", 2) + key("KEY_1", 0)
    events += key("KEY_ENTER", 2) + press("KEY_2") + press("KEY_ENTER")
    assert decode(ScanDecoder(), events) == ["12"]


def test_keypad_digits_and_symbols() -> None:
    names = ["KEY_KP1", "KEY_KP2", "KEY_KPMINUS", "KEY_KP0", "KEY_KPDOT", "KEY_KPSLASH"]
    events = [event for name in names for event in press(name)] + press("KEY_KPENTER")
    assert decode(ScanDecoder(), events) == ["12-0./"]


def test_the_console_layout_does_not_matter(monkeypatch: pytest.MonkeyPatch) -> None:
    # On an AZERTY console the key KEY_Q types "a" and the number row types "&é\"'(" without
    # Shift. The decoder reads key codes with its own US map: the same events give the same
    # code whatever the console, the keyboard layout or the till's locale is.
    from till_tui.i18n import set_locale

    events = typed("Qa1-2/")
    first = decode(ScanDecoder(), events)
    monkeypatch.setenv("XKB_DEFAULT_LAYOUT", "fr")
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    set_locale("fr_FR")
    try:
        second = decode(ScanDecoder(), events)
    finally:
        set_locale("en_US")
    assert first == second == ["Qa1-2/"]


def test_lock_keys_type_nothing() -> None:
    events = press("KEY_NUMLOCK") + press("KEY_CAPSLOCK") + typed("42")
    assert decode(ScanDecoder(), events) == ["42"]


def test_an_empty_enter_delivers_nothing() -> None:
    assert decode(ScanDecoder(), press("KEY_ENTER") + press("KEY_KPENTER")) == []


def test_prefix_and_suffix_are_stripped() -> None:
    decoder = ScanDecoder(prefix="]E0", suffix="$$")
    # "]" is KEY_RIGHTBRACE without Shift.
    events = press("KEY_RIGHTBRACE") + typed("E03760123000017$$")
    assert decode(decoder, events) == ["3760123000017"]


def test_a_code_without_the_prefix_or_suffix_is_delivered_as_it_is() -> None:
    decoder = ScanDecoder(prefix="A", suffix="Z")
    assert decode(decoder, typed("123") + typed("A1") + typed("2Z")) == ["123", "1", "2"]


def test_a_code_that_is_only_prefix_and_suffix_is_nothing() -> None:
    assert decode(ScanDecoder(prefix="%", suffix=":"), typed("%:")) == []


def test_a_code_cut_by_a_disconnect_is_dropped() -> None:
    decoder = ScanDecoder(source="/dev/input/by-id/usb-scanner")
    half = typed("3760123000017")[:20]
    assert decode(decoder, half) == []
    decoder.reset()  # what the reader does when the read fails with ENODEV
    assert not decoder.pending
    # Plugged back in, the scanner sends the whole code again: only that one comes out.
    assert decode(decoder, typed("2900000000018")) == ["2900000000018"]


def test_reset_forgets_a_held_shift() -> None:
    decoder = ScanDecoder()
    decode(decoder, key("KEY_LEFTSHIFT", 1))
    decoder.reset()
    assert decode(decoder, typed("ab")) == ["ab"]


def test_two_scanners_interleaved_keep_their_codes_apart() -> None:
    first, second = typed("3760123000017"), typed("Room-12/B")
    decoders = {"a": ScanDecoder(source="a"), "b": ScanDecoder(source="b")}
    # Event by event, alternately, as two devices read on one loop would arrive.
    merged: list[tuple[str, Event]] = []
    for index in range(max(len(first), len(second))):
        if index < len(first):
            merged.append(("a", first[index]))
        if index < len(second):
            merged.append(("b", second[index]))
    codes = []
    for source, event in merged:
        code = decoders[source].feed(*event)
        if code is not None:
            codes.append((source, code))
    assert sorted(codes) == [("a", "3760123000017"), ("b", "Room-12/B")]


def test_a_code_longer_than_the_limit_is_refused_and_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    decoder = ScanDecoder(source="scanner-1")
    with caplog.at_level(logging.WARNING, logger="till_tui.hw.scan_decoder"):
        assert decode(decoder, typed("1" * (MAX_LENGTH + 1))) == []
    assert "longer than 64 characters" in caplog.text
    assert "scanner-1" in caplog.text
    # Exactly the limit is fine, and the decoder is ready for the next code.
    assert decode(decoder, typed("2" * MAX_LENGTH)) == ["2" * MAX_LENGTH]


def test_a_control_character_refuses_the_code(caplog: pytest.LogCaptureFixture) -> None:
    # GS1 group separator sent as Ctrl+], between two fields.
    events = (
        typed("0103760123000017")[:-6]
        + key("KEY_LEFTCTRL", 1)
        + press("KEY_RIGHTBRACE")
        + key("KEY_LEFTCTRL", 0)
        + typed("10LOT42")
    )
    decoder = ScanDecoder()
    with caplog.at_level(logging.WARNING, logger="till_tui.hw.scan_decoder"):
        assert decode(decoder, events) == []
    assert "control character" in caplog.text
    assert decode(decoder, typed("42")) == ["42"]  # the next code is fine


def test_each_refusal_is_told_with_its_reason() -> None:
    told: list[str] = []
    decoder = ScanDecoder(on_refused=told.append)
    ctrl_j = key("KEY_LEFTCTRL", 1) + press("KEY_J") + key("KEY_LEFTCTRL", 0)
    assert decode(decoder, typed("1" * (MAX_LENGTH + 1))) == []
    assert decode(decoder, press("KEY_1") + ctrl_j + typed("2")) == []
    assert decode(decoder, press("KEY_1") + press("KEY_TAB") + typed("2")) == []
    assert decode(decoder, typed("42")) == ["42"]
    assert told == ["long", "control", "control"]


@pytest.mark.parametrize("name", ["KEY_TAB", "KEY_ESC", "KEY_BACKSPACE", "KEY_F1", "KEY_LEFT"])
def test_a_key_that_types_no_character_refuses_the_code(name: str) -> None:
    events = press("KEY_1") + press(name) + typed("2")
    assert decode(ScanDecoder(), events) == []


def test_alt_keypad_codes_are_refused() -> None:
    # Alt + keypad digits is how some scanners type characters outside ASCII.
    events = key("KEY_LEFTALT", 1) + press("KEY_KP6") + press("KEY_KP5") + key("KEY_LEFTALT", 0)
    assert decode(ScanDecoder(), events + press("KEY_ENTER")) == []


def test_other_event_types_are_ignored() -> None:
    events = [(ecodes.EV_REL, ecodes.REL_X, 5), (ecodes.EV_LED, ecodes.LED_NUML, 1)]
    assert decode(ScanDecoder(), events + typed("7")) == ["7"]
