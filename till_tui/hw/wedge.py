"""Keyboard-wedge scans told apart from typing, by the timing of the keys alone.

A scanner that can only type (a "keyboard wedge", or any scanner when the till runs over SSH
or in a plain terminal) sends a code as keys a few milliseconds apart, then Enter. People type
80 to 250 ms apart; a fast typist rolls two keys within 30 ms now and then, never four or more
in a row ending with Enter. So: a run of at least `min_length` code characters, each within
`gap` of the one before, ended by Enter within `gap` too, is a scan.

`WedgeDetector` is fed each key with its time and answers at once, so a person's key is never
kept waiting:

- PASS: deliver the key now. A code character that follows a pause passes: it may start a
  burst, so the caller remembers how to undo it (see `Decision`).
- HOLD: keep the key; it followed the previous character within `gap`, so a burst may be under
  way. Only keys after the first of a run are ever held.
- SCAN: the held run plus this Enter is a scan of `code` (its first character is the key that
  passed): drop the held keys and the Enter, undo the first key, and use the code.
- RELEASE: the run was typing after all (a pause, a key that is no code character, Enter too
  soon): deliver the `released` characters, in order, then this key (from `feed`) or nothing
  more (from `expire`).

`expire(now)` ends a run nobody continued: call it `gap` after the last held key; `skip(at)`
notes a key that was delivered without being fed (no run starts right after it). A run
starts after a pause (or right after a scan: scans in a row). Code characters are printable and
not blank; a space, Tab, Backspace, an arrow, a control character or a function key ends a run
as typing, and the keys that follow it at once start none: words typed by a machine (a paste,
a test driving the terminal) are no scan. Pure Python: no clock of its own, no UI.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

ENTER = "enter"
"""What to feed for the Enter key."""

DEFAULT_GAP_MS = 30
DEFAULT_MIN_LENGTH = 4


class Action(Enum):
    PASS = "pass"
    HOLD = "hold"
    SCAN = "scan"
    RELEASE = "release"


@dataclass(frozen=True, slots=True)
class Decision:
    """What to do with the key just fed (or, from `expire`, with the keys held)."""

    action: Action
    code: str = ""
    """SCAN: the code scanned, its first character included."""
    released: str = ""
    """RELEASE: the held characters, to deliver in order before the key fed."""
    starts_run: bool = False
    """PASS (or RELEASE, for the key fed) of a code character after a pause: the first key of
    a possible burst, delivered now; remember how to undo it."""


PASS = Decision(Action.PASS)
PASS_FIRST = Decision(Action.PASS, starts_run=True)
HOLD = Decision(Action.HOLD)


def is_code_character(key: str) -> bool:
    """A character a scanner may type in a code: one printable, non-blank character."""
    return len(key) == 1 and key.isprintable() and not key.isspace()


class WedgeDetector:
    """Tells a scanner's burst of keys from a person's typing; see the module's docstring."""

    __slots__ = ("_after_scan", "_first", "_held", "_last", "gap", "min_length")

    def __init__(self, gap_ms: int = DEFAULT_GAP_MS, min_length: int = DEFAULT_MIN_LENGTH) -> None:
        if gap_ms <= 0:
            raise ValueError("gap_ms must be more than zero")
        if min_length < 2:
            raise ValueError("min_length must be 2 or more")
        self.gap = gap_ms / 1000
        """Seconds: keys closer than this belong to one burst."""
        self.min_length = min_length
        """Characters a scan has at least (Enter not counted)."""
        self._first = ""
        """The code character that passed last, while a run may start from it ("" if none)."""
        self._held: list[str] = []
        """The characters held after `_first`."""
        self._last: float | None = None
        """When the previous key came (None before the first or after a reset)."""
        self._after_scan = False
        """The previous key ended a scan: the next may start a run at once (scans in a row)."""

    @property
    def holding(self) -> bool:
        """Keys are held: call `expire` once `gap` has passed without a key."""
        return bool(self._held)

    @property
    def deadline(self) -> float | None:
        """When the held keys turn into typing if no key comes (None while nothing is held)."""
        if not self._held or self._last is None:
            return None
        return self._last + self.gap

    def reset(self) -> str:
        """Forget everything; the characters that were held (to deliver as typing)."""
        self._last = None
        self._after_scan = False
        return self._drop()

    def feed(self, key: str, at: float) -> Decision:
        """Take one key: a character, `ENTER`, or any other key's name ("tab", "ctrl+a"...);
        `at` is when it was pressed, in seconds (e.g. `time.monotonic()`)."""
        last = self._last
        self._last = at
        soon = last is not None and at - last < self.gap  # also when the clock did not move
        after_scan, self._after_scan = self._after_scan, False
        if self._held and not soon:
            # A pause: the run was typing. This key may start another run.
            released = self._drop()
            return Decision(Action.RELEASE, released=released, starts_run=self._start(key))
        if is_code_character(key):
            if self._first and soon:
                self._held.append(key)
                return HOLD
            # A run starts after a pause: not in the middle of words typed by a machine.
            started = (not soon or after_scan) and self._start(key)
            if not started:
                self._first = ""
            return PASS_FIRST if started else PASS
        if self._held:
            code = self._first + "".join(self._held)
            self._drop()
            if key == ENTER and len(code) >= self.min_length:
                self._after_scan = True
                return Decision(Action.SCAN, code=code)
            return Decision(Action.RELEASE, released=code[1:])
        self._first = ""
        return PASS

    def skip(self, at: float) -> None:
        """A key went by without being fed (it was for a widget that takes scans itself, or
        nothing takes them): no run starts right after it. Call only while nothing is held."""
        self._last = at
        self._first = ""
        self._after_scan = False

    def expire(self, now: float) -> Decision:
        """No key since the last one: held keys turn into typing once `gap` has passed."""
        deadline = self.deadline
        if deadline is None or now < deadline:
            return HOLD if self._held else PASS
        return Decision(Action.RELEASE, released=self._drop())

    def _drop(self) -> str:
        """End the run under way; the characters that were held."""
        held = "".join(self._held)
        self._first = ""
        self._held = []
        return held

    def _start(self, key: str) -> bool:
        """`key` passed: remember it as the possible start of a run; whether it is one."""
        self._first = key if is_code_character(key) else ""
        return bool(self._first)
