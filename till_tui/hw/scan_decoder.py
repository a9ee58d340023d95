"""Barcode scanner key events -> codes, with the till's own US keymap (no evdev here).

A scanner read over evdev reports (type, code, value) events: EV_KEY with the key's code and 1
(down), 0 (up) or 2 (autorepeat), between EV_MSC and EV_SYN events. `ScanDecoder` keeps one
scanner's half-typed code: a character on each key-down (Shift held or not, left or right), the
code complete at Enter or keypad Enter. Characters come from `keymap.PLAIN` / `SHIFTED`, so the
console's layout never matters. One decoder per scanner: two scanners typing at once never mix
their codes.

A code is refused (logged, never delivered, `on_refused` told why) when it holds a control
character (a key pressed with Ctrl, Alt or Meta held, or a key that types nothing such as Tab
or Escape) or is longer than `max_length` characters. The configured `prefix` and `suffix`
are stripped when present.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Literal

from till_tui.hw.keymap import (
    CONTROL_KEYS,
    ENTER_KEYS,
    EV_KEY,
    IGNORED_KEYS,
    KEY_DOWN,
    KEY_UP,
    PLAIN,
    SHIFT_KEYS,
    SHIFTED,
)

log = logging.getLogger(__name__)

MAX_LENGTH = 64
"""Longest code accepted: an EAN-13 is 13, a GS1-128 label at most 48."""

Refusal = Literal["control", "long"]
"""Why a code was refused: a control character in it, or longer than the longest code."""


class ScanDecoder:
    """One scanner's key events in, complete codes out (`feed` returns them)."""

    __slots__ = (
        "_chars",
        "_control",
        "_refusal",
        "_refused",
        "_shift",
        "max_length",
        "on_refused",
        "prefix",
        "source",
        "suffix",
    )

    def __init__(
        self,
        *,
        prefix: str = "",
        suffix: str = "",
        max_length: int = MAX_LENGTH,
        source: str = "",
        on_refused: Callable[[Refusal], None] | None = None,
    ) -> None:
        self.prefix = prefix
        """Stripped from the start of a code that has it (a scanner's configured preamble)."""
        self.suffix = suffix
        """Stripped from the end of a code that has it (a scanner's configured postamble)."""
        self.max_length = max_length
        self.source = source
        """The scanner's path, for the log."""
        self.on_refused = on_refused
        """Told why, each time a code is refused (to tell the cashier)."""
        self._chars: list[str] = []
        self._shift: set[int] = set()
        self._control: set[int] = set()
        self._refused = ""
        """Why the code being read will be refused, for the log ("" while it is fine)."""
        self._refusal: Refusal = "control"

    def feed(self, type_: int, code: int, value: int) -> str | None:
        """Take one input event; the complete code when it ends one, else None."""
        if type_ != EV_KEY:
            return None
        if value != KEY_DOWN:
            # Up (0) releases a modifier; autorepeat (2) types nothing.
            if value == KEY_UP:
                self._shift.discard(code)
                self._control.discard(code)
            return None
        if code in ENTER_KEYS:
            return self._end()
        if code in SHIFT_KEYS:
            self._shift.add(code)
        elif code in CONTROL_KEYS:
            self._control.add(code)
        elif code in IGNORED_KEYS:
            pass
        elif self._control:
            self._refuse("a control character", "control")
        else:
            char = (SHIFTED if self._shift else PLAIN).get(code)
            if char is None:
                self._refuse(f"key {code} types no character", "control")
            elif len(self._chars) >= self.max_length:
                self._refuse(f"longer than {self.max_length} characters", "long")
            else:
                self._chars.append(char)
        return None

    @property
    def pending(self) -> bool:
        """A code is half read."""
        return bool(self._chars or self._refused)

    def reset(self) -> None:
        """Forget the half-read code and the keys held (the scanner was unplugged)."""
        if self.pending:
            log.info("Scanner %s: half-read code dropped", self.source)
        self._chars = []
        self._refused = ""
        self._shift.clear()
        self._control.clear()

    def _refuse(self, reason: str, refusal: Refusal) -> None:
        if not self._refused:
            self._refused = reason
            self._refusal = refusal

    def _end(self) -> str | None:
        text = "".join(self._chars)
        refused = self._refused
        self._chars = []
        self._refused = ""
        if refused:
            log.warning("Scanner %s: code refused (%s): %r", self.source, refused, text)
            if self.on_refused is not None:
                self.on_refused(self._refusal)
            return None
        if self.prefix and text.startswith(self.prefix):
            text = text[len(self.prefix) :]
        suffix = self.suffix
        if suffix and text.endswith(suffix):
            text = text[: -len(suffix)]
        return text or None
