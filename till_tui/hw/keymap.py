"""Linux input key codes and the US layout a barcode scanner types with.

A USB scanner is a keyboard that "types" each character of the code as the key a US keyboard
has it on, with Shift for capitals and symbols, then Enter. The kernel reports key codes, not
characters, so the till turns them back into characters itself, with this fixed US keymap:
whatever layout the console or the desktop uses (AZERTY in France) does not matter.

The numbers are the kernel's (linux/input-event-codes.h), written here as plain ints so the
decoder needs no evdev; `tests/unit/test_scan_decoder.py` checks them against `evdev.ecodes`.
"""

from __future__ import annotations

from typing import Final

# Event types.
EV_SYN: Final = 0
EV_KEY: Final = 1
EV_MSC: Final = 4

# Key event values.
KEY_UP: Final = 0
KEY_DOWN: Final = 1
KEY_REPEAT: Final = 2

# Keys that end a code or change the next key.
KEY_ENTER: Final = 28
KEY_KPENTER: Final = 96
KEY_LEFTSHIFT: Final = 42
KEY_RIGHTSHIFT: Final = 54
KEY_LEFTCTRL: Final = 29
KEY_RIGHTCTRL: Final = 97
KEY_LEFTALT: Final = 56
KEY_RIGHTALT: Final = 100
KEY_LEFTMETA: Final = 125
KEY_RIGHTMETA: Final = 126
KEY_CAPSLOCK: Final = 58
KEY_NUMLOCK: Final = 69

# Keys that type something, by name (the names evdev.ecodes uses).
KEY_1: Final = 2
KEY_2: Final = 3
KEY_3: Final = 4
KEY_4: Final = 5
KEY_5: Final = 6
KEY_6: Final = 7
KEY_7: Final = 8
KEY_8: Final = 9
KEY_9: Final = 10
KEY_0: Final = 11
KEY_MINUS: Final = 12
KEY_EQUAL: Final = 13
KEY_Q: Final = 16
KEY_W: Final = 17
KEY_E: Final = 18
KEY_R: Final = 19
KEY_T: Final = 20
KEY_Y: Final = 21
KEY_U: Final = 22
KEY_I: Final = 23
KEY_O: Final = 24
KEY_P: Final = 25
KEY_LEFTBRACE: Final = 26
KEY_RIGHTBRACE: Final = 27
KEY_A: Final = 30
KEY_S: Final = 31
KEY_D: Final = 32
KEY_F: Final = 33
KEY_G: Final = 34
KEY_H: Final = 35
KEY_J: Final = 36
KEY_K: Final = 37
KEY_L: Final = 38
KEY_SEMICOLON: Final = 39
KEY_APOSTROPHE: Final = 40
KEY_GRAVE: Final = 41
KEY_BACKSLASH: Final = 43
KEY_Z: Final = 44
KEY_X: Final = 45
KEY_C: Final = 46
KEY_V: Final = 47
KEY_B: Final = 48
KEY_N: Final = 49
KEY_M: Final = 50
KEY_COMMA: Final = 51
KEY_DOT: Final = 52
KEY_SLASH: Final = 53
KEY_KPASTERISK: Final = 55
KEY_SPACE: Final = 57
KEY_KP7: Final = 71
KEY_KP8: Final = 72
KEY_KP9: Final = 73
KEY_KPMINUS: Final = 74
KEY_KP4: Final = 75
KEY_KP5: Final = 76
KEY_KP6: Final = 77
KEY_KPPLUS: Final = 78
KEY_KP1: Final = 79
KEY_KP2: Final = 80
KEY_KP3: Final = 81
KEY_KP0: Final = 82
KEY_KPDOT: Final = 83
KEY_KPSLASH: Final = 98

DIGIT_KEYS: Final = (KEY_0, KEY_1, KEY_2, KEY_3, KEY_4, KEY_5, KEY_6, KEY_7, KEY_8, KEY_9)
"""The number row, 0 to 9: a scanner that types EAN codes has all of them."""
ENTER_KEYS: Final = frozenset({KEY_ENTER, KEY_KPENTER})
"""Either Enter ends a code."""
SHIFT_KEYS: Final = frozenset({KEY_LEFTSHIFT, KEY_RIGHTSHIFT})
CONTROL_KEYS: Final = frozenset(
    {KEY_LEFTCTRL, KEY_RIGHTCTRL, KEY_LEFTALT, KEY_RIGHTALT, KEY_LEFTMETA, KEY_RIGHTMETA}
)
"""Held down, these make the next key a control character (e.g. GS as Ctrl+])."""
IGNORED_KEYS: Final = frozenset({KEY_CAPSLOCK, KEY_NUMLOCK})
"""Lock keys some scanners press around a code: they type nothing."""

_LETTERS: Final = {
    KEY_A: "a", KEY_B: "b", KEY_C: "c", KEY_D: "d", KEY_E: "e", KEY_F: "f", KEY_G: "g",
    KEY_H: "h", KEY_I: "i", KEY_J: "j", KEY_K: "k", KEY_L: "l", KEY_M: "m", KEY_N: "n",
    KEY_O: "o", KEY_P: "p", KEY_Q: "q", KEY_R: "r", KEY_S: "s", KEY_T: "t", KEY_U: "u",
    KEY_V: "v", KEY_W: "w", KEY_X: "x", KEY_Y: "y", KEY_Z: "z",
}  # fmt: skip
_SYMBOLS: Final = {
    # key: (plain, with Shift) on a US keyboard
    KEY_1: ("1", "!"), KEY_2: ("2", "@"), KEY_3: ("3", "#"), KEY_4: ("4", "$"),
    KEY_5: ("5", "%"), KEY_6: ("6", "^"), KEY_7: ("7", "&"), KEY_8: ("8", "*"),
    KEY_9: ("9", "("), KEY_0: ("0", ")"), KEY_MINUS: ("-", "_"), KEY_EQUAL: ("=", "+"),
    KEY_LEFTBRACE: ("[", "{"), KEY_RIGHTBRACE: ("]", "}"), KEY_SEMICOLON: (";", ":"),
    KEY_APOSTROPHE: ("'", '"'), KEY_GRAVE: ("`", "~"), KEY_BACKSLASH: ("\\", "|"),
    KEY_COMMA: (",", "<"), KEY_DOT: (".", ">"), KEY_SLASH: ("/", "?"), KEY_SPACE: (" ", " "),
}  # fmt: skip
_KEYPAD: Final = {
    # The keypad types the same with or without Shift (scanners send it with Num Lock on).
    KEY_KP0: "0", KEY_KP1: "1", KEY_KP2: "2", KEY_KP3: "3", KEY_KP4: "4", KEY_KP5: "5",
    KEY_KP6: "6", KEY_KP7: "7", KEY_KP8: "8", KEY_KP9: "9", KEY_KPMINUS: "-",
    KEY_KPPLUS: "+", KEY_KPASTERISK: "*", KEY_KPSLASH: "/", KEY_KPDOT: ".",
}  # fmt: skip

PLAIN: Final[dict[int, str]] = {
    **_LETTERS,
    **{key: pair[0] for key, pair in _SYMBOLS.items()},
    **_KEYPAD,
}
"""Key code -> the character it types without Shift (US layout)."""
SHIFTED: Final[dict[int, str]] = {
    **{key: letter.upper() for key, letter in _LETTERS.items()},
    **{key: pair[1] for key, pair in _SYMBOLS.items()},
    **_KEYPAD,
}
"""Key code -> the character it types with Shift held (US layout)."""
