"""The keyboard-wedge detector: timed key sequences from scanners and from people."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from till_tui.config import ConfigError, parse_config
from till_tui.hw.wedge import ENTER, Action, Decision, WedgeDetector, is_code_character

EAN = "3760123000017"


def keys(text: str, every_ms: float, start_ms: float = 0.0) -> list[tuple[str, float]]:
    """`text`'s characters `every_ms` apart, from `start_ms`."""
    return [(ch, start_ms + i * every_ms) for i, ch in enumerate(text)]


def feed(detector: WedgeDetector, timed: Sequence[tuple[str, float]]) -> list[Decision]:
    """Feed (key, milliseconds) pairs; the decisions, one per key."""
    return [detector.feed(key, at / 1000) for key, at in timed]


def actions(decisions: list[Decision]) -> list[Action]:
    return [d.action for d in decisions]


def typed(detector: WedgeDetector, timed: Sequence[tuple[str, float]]) -> str:
    """What reaches the focused field: passed keys, released keys before the key released
    with, nothing for held keys or a scan's Enter; a scan is written as [code]."""
    out: list[str] = []
    first = -1  # where the first key of the run under way went
    for (key, _at), decision in zip(timed, feed(detector, timed), strict=True):
        if decision.action is Action.HOLD:
            continue
        if decision.action is Action.SCAN:
            assert first >= 0 and out[first] == decision.code[0]
            out[first] = f"[{decision.code}]"  # the first key is undone, the code used
            continue
        out.append(decision.released)
        if decision.starts_run:
            first = len(out)
        out.append("⏎" if key == ENTER else key if len(key) == 1 else f"<{key}>")
    return "".join(out)


# -- scanners ---------------------------------------------------------------------------------


@pytest.mark.parametrize("every_ms", [5, 10, 15])
def test_a_scanner_typing_5_to_15_ms_apart_is_a_scan(every_ms: int) -> None:
    detector = WedgeDetector()
    timed = [*keys(EAN, every_ms), (ENTER, len(EAN) * every_ms)]
    decisions = feed(detector, timed)
    assert decisions[0].action is Action.PASS and decisions[0].starts_run, "no delay for key 1"
    assert actions(decisions[1:-1]) == [Action.HOLD] * (len(EAN) - 1)
    assert decisions[-1] == Decision(Action.SCAN, code=EAN)
    assert not detector.holding


def test_keys_arriving_together_are_a_burst() -> None:
    # Over SSH a whole scan can arrive in one packet: the same timestamp for every key.
    assert typed(WedgeDetector(), [*keys(EAN, 0), (ENTER, 0)]) == f"[{EAN}]"


def test_two_scans_in_a_row_stay_apart() -> None:
    detector = WedgeDetector()
    first = [*keys("2900000000018", 8), (ENTER, 104)]
    second = [*keys(EAN, 8, start_ms=112), (ENTER, 216)]
    assert typed(detector, first + second) == "[2900000000018]" + f"[{EAN}]"


def test_a_scan_right_after_typing_is_still_a_scan() -> None:
    detector = WedgeDetector()
    human = keys("note", 150)
    scan = [*keys(EAN, 8, start_ms=900), (ENTER, 900 + 8 * len(EAN))]
    assert typed(detector, human + scan) == f"note[{EAN}]"


def test_the_minimum_length_counts_the_first_character() -> None:
    detector = WedgeDetector(min_length=4)
    assert typed(detector, [*keys("1234", 5), (ENTER, 20)]) == "[1234]"
    assert typed(detector, [*keys("123", 5, start_ms=500), (ENTER, 515)]) == "123⏎"


def test_the_gap_is_configurable() -> None:
    timed = [*keys(EAN, 40), (ENTER, 40 * len(EAN))]
    assert typed(WedgeDetector(gap_ms=30), timed) == EAN + "⏎"
    assert typed(WedgeDetector(gap_ms=50), timed) == f"[{EAN}]"


# -- people -----------------------------------------------------------------------------------


@pytest.mark.parametrize("every_ms", [100, 150, 200])
def test_a_person_typing_is_never_held(every_ms: int) -> None:
    detector = WedgeDetector()
    timed = [*keys("3760123000017", every_ms), (ENTER, 13 * every_ms)]
    decisions = feed(detector, timed)
    assert actions(decisions) == [Action.PASS] * 14
    assert all(d.released == "" for d in decisions)


def test_a_person_typing_at_80_to_250_ms_passes_every_key() -> None:
    detector = WedgeDetector()
    gaps = [80, 250, 120, 95, 210, 80, 130]
    at, timed = 0.0, []
    for ch, gap in zip("4242 ok", gaps, strict=True):
        at += gap
        timed.append((ch, at))
    timed.append((ENTER, at + 90))
    assert actions(feed(detector, timed)) == [Action.PASS] * 8


def test_a_fast_typists_two_key_rolls_are_typed_in_order() -> None:
    # "th", "e " and "ca" rolled within 20 ms, the rest 120 ms apart.
    timed = [("t", 0), ("h", 20), ("e", 140), (" ", 160), ("c", 280), ("a", 300), ("t", 420)]
    timed.append((ENTER, 540))
    decisions = feed(WedgeDetector(), timed)
    assert actions(decisions) == [
        Action.PASS,  # t
        Action.HOLD,  # h: 20 ms after t, a burst may be starting
        Action.RELEASE,  # e: a pause; "h" is released, then "e" passes
        Action.PASS,  # space: no code character
        Action.PASS,  # c
        Action.HOLD,  # a
        Action.RELEASE,  # t
        Action.PASS,  # Enter, 120 ms later
    ]
    assert decisions[2] == Decision(Action.RELEASE, released="h", starts_run=True)
    assert typed(WedgeDetector(), timed) == "the cat⏎"


def test_a_roll_then_enter_at_once_is_typing() -> None:
    # Two quick digits and a quick Enter: below the minimum length.
    assert typed(WedgeDetector(), [("4", 0), ("2", 15), (ENTER, 30)]) == "42⏎"


def test_three_quick_keys_and_enter_are_typing_with_min_length_4() -> None:
    assert typed(WedgeDetector(), [("1", 0), ("2", 10), ("3", 20), (ENTER, 29)]) == "123⏎"


def test_a_held_roll_is_released_when_the_gap_passes() -> None:
    detector = WedgeDetector()
    assert actions(feed(detector, [("a", 0), ("b", 12)])) == [Action.PASS, Action.HOLD]
    assert detector.deadline == pytest.approx(0.042)
    assert detector.expire(0.030).action is Action.HOLD, "not yet"
    assert detector.expire(0.042) == Decision(Action.RELEASE, released="b")
    assert not detector.holding
    assert detector.expire(0.5).action is Action.PASS, "nothing left to release"
    # The next key, later, starts afresh.
    assert detector.feed("c", 0.3) == Decision(Action.PASS, starts_run=True)


# -- runs that are no scan --------------------------------------------------------------------


def test_a_burst_without_enter_is_released_as_typing() -> None:
    detector = WedgeDetector()
    decisions = feed(detector, keys(EAN, 8))
    assert detector.holding
    assert detector.expire(13 * 8 / 1000 + 0.03) == Decision(Action.RELEASE, released=EAN[1:])
    assert decisions[0].action is Action.PASS, "the first key was typed already"


def test_a_burst_ended_by_another_key_is_released_with_it() -> None:
    timed = [*keys(EAN, 8), ("tab", 104)]
    assert typed(WedgeDetector(), timed) == EAN + "<tab>"


def test_a_long_pause_mid_burst_splits_it() -> None:
    # 6 keys, a 400 ms pause, 7 keys and Enter: the first part is typing, the second a scan.
    timed = [*keys(EAN[:6], 8), *keys(EAN[6:], 8, start_ms=440), (ENTER, 440 + 7 * 8)]
    assert typed(WedgeDetector(), timed) == f"{EAN[:6]}[{EAN[6:]}]"


def test_a_pause_just_before_enter_is_typing() -> None:
    timed = [*keys(EAN, 8), (ENTER, 12 * 8 + 60)]
    decisions = feed(WedgeDetector(), timed)
    assert decisions[-1] == Decision(Action.RELEASE, released=EAN[1:])


def test_enter_alone_passes() -> None:
    detector = WedgeDetector()
    assert feed(detector, [(ENTER, 0), (ENTER, 5), (ENTER, 9)]) == [Decision(Action.PASS)] * 3


def test_a_burst_shorter_than_the_minimum_is_typing() -> None:
    detector = WedgeDetector(min_length=6)
    assert typed(detector, [*keys("12345", 5), (ENTER, 25)]) == "12345⏎"
    assert typed(detector, [*keys("123456", 5, start_ms=500), (ENTER, 530)]) == "[123456]"


@pytest.mark.parametrize("control", ["\t", "\x1b", "\x7f", "\x01", "ctrl+a", "backspace", "f2"])
def test_control_characters_and_keys_are_no_part_of_a_code(control: str) -> None:
    timed = [*keys("12345", 5), (control, 25), *keys("6789", 5, start_ms=30), (ENTER, 50)]
    decisions = feed(WedgeDetector(), timed)
    assert decisions[5] == Decision(Action.RELEASE, released="2345")
    assert actions(decisions[6:]) == [Action.PASS] * 5, "no run starts right after it"


def test_a_control_character_alone_between_scans_is_typed() -> None:
    timed = [*keys("1234", 5), (ENTER, 20), ("\x1b", 400), *keys("5678", 5, start_ms=800)]
    timed.append((ENTER, 820))
    assert typed(WedgeDetector(), timed) == "[1234]\x1b[5678]"


def test_words_typed_by_a_machine_are_no_scan() -> None:
    # A paste, or a test driving the terminal: the words after the first blank start no run.
    timed = [*keys("Erreur de rendu", 0), (ENTER, 0)]
    assert Action.SCAN not in actions(feed(WedgeDetector(), timed))
    assert typed(WedgeDetector(), timed) == "Erreur de rendu⏎"


def test_codes_may_hold_letters_and_symbols() -> None:
    timed = [*keys("ABC-123/x", 6), (ENTER, 54)]
    assert typed(WedgeDetector(), timed) == "[ABC-123/x]"


def test_reset_hands_back_what_was_held() -> None:
    detector = WedgeDetector()
    feed(detector, keys("1234", 5))
    assert detector.reset() == "234"
    assert detector.feed("5", 0.018) == Decision(Action.PASS, starts_run=True)


def test_code_characters() -> None:
    assert all(is_code_character(ch) for ch in "0aZ-/.*+é€")
    assert not any(is_code_character(ch) for ch in (" ", "\t", "\r", "\x1b", "", "ab", "enter"))


@pytest.mark.parametrize(("gap", "length"), [(0, 4), (-5, 4), (30, 1)])
def test_settings_out_of_range_are_refused(gap: int, length: int) -> None:
    with pytest.raises(ValueError):
        WedgeDetector(gap_ms=gap, min_length=length)


# -- the settings -----------------------------------------------------------------------------


def test_the_settings_default_to_30_ms_and_4_characters() -> None:
    scanner = parse_config({}, path=None, base_dir=Path()).scanner
    assert (scanner.wedge_gap_ms, scanner.wedge_min_length) == (30, 4)
    custom = parse_config(
        {"scanner": {"wedge_gap_ms": 0, "wedge_min_length": 8}}, path=None, base_dir=Path()
    ).scanner
    assert (custom.wedge_gap_ms, custom.wedge_min_length) == (0, 8)


@pytest.mark.parametrize(
    ("key", "value", "problem"),
    [
        ("wedge_gap_ms", 150, "between 0 (off) and 100 milliseconds"),
        ("wedge_gap_ms", -1, "between 0 (off) and 100 milliseconds"),
        ("wedge_gap_ms", "30", "must be a whole number"),
        ("wedge_min_length", 1, "between 2 and 64"),
        ("wedge_min_length", 65, "between 2 and 64"),
    ],
)
def test_bad_settings_name_the_file_and_the_key(key: str, value: object, problem: str) -> None:
    path = Path("/etc/till/config.toml")
    with pytest.raises(ConfigError) as caught:
        parse_config({"scanner": {key: value}}, path=path, base_dir=path.parent)
    assert caught.value.key == f"[scanner] {key}"
    assert problem in str(caught.value)
    assert str(path) in str(caught.value)


def test_no_run_starts_right_after_a_key_that_was_not_fed() -> None:
    # The payment screen's method digit opens the amount field: the rest of that card's keys
    # are not taken for a burst of their own.
    detector = WedgeDetector()
    detector.skip(0.0)
    rest = [*keys("900000000018", 5, start_ms=5), (ENTER, 70)]
    assert actions(feed(detector, rest)) == [Action.PASS] * 13
    detector.skip(1.0)
    later = [*keys("1234", 5, start_ms=1100), (ENTER, 1120)]
    assert typed(detector, later) == "[1234]", "after a pause, runs start again"
