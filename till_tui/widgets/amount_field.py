"""The payment screen's field for an amount, a card's last 4 digits or a reference.

It remembers which keys were sent to it. Textual sends a key to the widget that had the focus
when the key was read, but the screen may handle it later, after the focus moved: a card
scanned on the method choice has its first digit choose a method (which opens this field) while
the rest of the scan was already on its way to the screen. The screen types those keys into
the field itself, and tells them from the keys this field had, by asking `had`.
"""

from __future__ import annotations

from weakref import WeakSet

from textual import events
from textual.widgets import Input


class AmountField(Input):
    """An Input that knows the keys it was given (see the module's docstring)."""

    def __init__(self, *, id: str) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id, select_on_focus=False)  # the screen selects what it prefills
        self._keys: WeakSet[events.Key] = WeakSet()

    async def _on_key(self, event: events.Key) -> None:
        self._keys.add(event)
        await super()._on_key(event)

    def had(self, event: events.Key) -> bool:
        """`event` was sent to this field (it bubbles on to the screen unless handled here)."""
        return event in self._keys
