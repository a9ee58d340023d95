"""Scanners that type (keyboard wedge) into any field: the app's key hook.

`TillApp.on_event` hands every key read from the terminal to `WedgeKeys.key` before Textual
gives it to the focused widget. `hw.wedge.WedgeDetector` decides from the keys' times alone:

- A person's key goes through at once: every key that follows a pause of `wedge_gap_ms` or
  more, which is all of a person's keys but a fast typist's rolls.
- A key that follows the previous character within the gap is held, since a burst may be under
  way. If the run breaks (a pause, a key that is no code character, Enter too soon), the held
  keys are delivered in order, as typed: only a rolled key waits, at most the gap.
- Enter ending a burst of at least `wedge_min_length` characters is a scan: the held keys and
  the Enter are dropped, the first key's text is taken back out of the field (the field's text
  and cursor as they were before it are put back), and the code goes to the `scanned(code)`
  method of the screen in front, or of the screen under a dialog that lets scans through (the
  sale screen under its note). True or False, the screen took it (False: it said why, such as
  an unknown code). Where no screen takes it, the keys are delivered as typed.

Why hold rather than let every key through and wipe the field at Enter: fields start work on
each key (the customer search runs a query per key); holding keeps a scan to one key in the
field, put back at Enter. Why not hold every key for the gap: a person would wait 30 ms on
every key.

Only keys typed into an Input go through the detector. The sale screen's command line takes
scans itself (its Enter is handled in key order); where no Input has the focus keys are
commands (the payment screen's method digits, which already keep a card typed there); a field
whose answer may be a scanned code (the payment screen's reference, a card's last 4 digits)
and screens where nothing takes a scan get their keys as typed. Those keys skip the detector,
but a key right after one starts no burst. Key times are the driver's (`Key.time`, when the
terminal's bytes were read), so a person's keys queued while the till was busy are not taken
for a burst.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from textual import events
from textual.widgets import Input
from textual.widgets.input import Selection

from till_tui.hw.wedge import ENTER, Action, WedgeDetector
from till_tui.widgets.command_line import CommandLine

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

Deliver = Callable[[events.Event], Awaitable[None]]
"""Textual's own key handling (`App.on_event`): priority bindings, then the focused widget."""
Taker = Callable[[str], bool]
"""A screen's `scanned(code)`: False when it found nothing for the code (and said so)."""


def scan_taker(app: App[Any]) -> Taker | None:
    """Who takes a scan now: the `scanned` method of the screen in front, or of the screen
    under a dialog that lets scans through (the note: the sale screen adds the product and the
    note stays as typed). None elsewhere: the keys are typed."""
    from till_tui.screens.note import NoteDialog

    for screen in reversed(app.screen_stack):
        taker = getattr(screen, "scanned", None)
        if callable(taker):
            return _checked(screen, taker)
        if not isinstance(screen, NoteDialog):
            return None
    return None


def _checked(screen: Screen[Any], taker: Taker) -> Taker:
    """`taker`, but a code no barcode holds (control characters, too long, blank) is refused
    before any screen looks it up: the screen says why."""
    from till_tui.scan_message import refusal

    def take(code: str) -> bool:
        refused = refusal(code)
        if refused is None:
            return taker(code)
        say = getattr(screen, "say", None)
        if refused and callable(say):
            say(refused, error=True)
        return False

    return take


def asks_for_a_code(screen: Screen[Any]) -> bool:
    """The payment screen asking for a card's last 4 digits or a reference: a voucher's or a
    room card's barcode scanned there is the answer, typed into the field as before."""
    from till_tui.screens.payment import PaymentScreen  # loaded with the sale screen

    return (
        isinstance(screen, PaymentScreen) and screen.method is not None and screen.step != "amount"
    )


def key_name(event: events.Key) -> str:
    """What the detector is fed for `event`: `ENTER`, the character typed, or the key's name."""
    if event.key == "enter":
        return ENTER
    character = event.character
    if character is not None and len(character) == 1 and character.isprintable():
        return character
    return event.key


class FirstKey:
    """The first key of a possible burst, delivered at once to `field`: the field's text and
    selection just before it, to put back if it starts a scan."""

    __slots__ = ("field", "selection", "value")

    def __init__(self, field: Input) -> None:
        self.field = field
        self.value: str | None = None
        self.selection = Selection.cursor(0)
        # Read in the field's own queue, after the keys it has not handled yet (keys read in
        # one go reach it together), and before this one.
        if not field.call_later(self._read):
            self._read()

    def _read(self) -> None:
        self.value = self.field.value
        self.selection = self.field.selection

    def undo(self) -> None:
        field = self.field
        if self.value is not None and field.is_attached:
            field.value = self.value
            field.selection = self.selection


class WedgeKeys:
    """The till's key hook: scans typed by a scanner into any field; see the module docstring."""

    def __init__(
        self,
        app: App[Any],
        gap_ms: int,
        min_length: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.detector = WedgeDetector(gap_ms, min_length) if gap_ms > 0 else None
        """None when `[scanner] wedge_gap_ms = 0` turned this off."""
        self.clock = clock
        """The clock of `Key.time` (Textual's is `time.monotonic`), for the held keys' timeout."""
        self._deliver: Deliver | None = None
        self._held: list[events.Key] = []
        self._first: FirstKey | None = None
        self._timer: asyncio.TimerHandle | None = None

    @property
    def holding(self) -> bool:
        """Keys are held, waiting to be told a scan or typing."""
        return bool(self._held)

    async def key(self, event: events.Key, deliver: Deliver) -> None:
        """Deliver `event` now, hold it, or end a scan with it."""
        self._deliver = deliver
        detector = self.detector
        if detector is None:
            await deliver(event)
            return
        if not self._held and self._skips():
            # Its time still counts: a key right after it starts no burst (a card scanned on
            # the payment screen's method choice goes on into the amount field its first
            # digit opened; the screen puts the card together, as before).
            detector.skip(event.time)
            await deliver(event)
            return
        decision = detector.feed(key_name(event), event.time)
        action = decision.action
        if action is Action.HOLD:
            self._held.append(event)
            self._arm()
        elif action is Action.SCAN:
            await self._scanned(decision.code, event)
        else:
            if action is Action.RELEASE:
                await self._release()
            if decision.starts_run:
                self._first = self._snapshot()
            await deliver(event)

    def _skips(self) -> bool:
        """Keys the detector is not fed: for the command line, anything but an Input, on a
        screen where nothing takes a scan, or for a field whose answer is a code."""
        app = self.app
        focused = app.focused
        return (
            not isinstance(focused, Input)
            or isinstance(focused, CommandLine)
            or scan_taker(app) is None
            or asks_for_a_code(app.screen)
        )

    def _snapshot(self) -> FirstKey | None:
        focused = self.app.focused
        return FirstKey(focused) if isinstance(focused, Input) else None

    async def _release(self) -> None:
        """Deliver the held keys as typed, in order."""
        held, self._held = self._held, []
        self._disarm()
        deliver = self._deliver
        assert deliver is not None
        for key in held:
            await deliver(key)

    async def _scanned(self, code: str, enter: events.Key) -> None:
        first, self._first = self._first, None
        taker = scan_taker(self.app)
        if taker is None or first is None:  # the screen changed meanwhile: typing after all
            await self._release()
            deliver = self._deliver
            assert deliver is not None
            await deliver(enter)
            return
        self._held = []
        self._disarm()
        # The first key may still wait in the field's queue (a scan read in one go): finish
        # after the field handled it.
        if not first.field.call_later(self._finish, taker, code, first):
            self._finish(taker, code, first)

    @staticmethod
    def _finish(taker: Taker, code: str, first: FirstKey) -> None:
        first.undo()
        taker(code)

    # -- the held keys' timeout ---------------------------------------------------------------

    def _arm(self) -> None:
        if self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self._delay(), self._time_up)

    def _disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _delay(self) -> float:
        detector = self.detector
        deadline = detector.deadline if detector is not None else None
        if deadline is None:
            return 0.0
        return max(deadline - self.clock(), 0.0) + 0.001

    def _time_up(self) -> None:
        # Through the app's queue: keys already read are handled first.
        self._timer = None
        self.app.call_later(self._expire)

    async def _expire(self) -> None:
        detector = self.detector
        if not self._held or detector is None:
            return
        if detector.expire(self.clock()).action is Action.RELEASE:
            await self._release()
        else:
            self._arm()  # a key came meanwhile: wait for the new deadline
