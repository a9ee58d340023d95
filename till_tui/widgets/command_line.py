"""The sale screen's command line: always ready for the next scan or typed code."""

from __future__ import annotations

from textual import events
from textual.widgets import Input


class CommandLine(Input):
    """An Input that submits and empties itself the moment Enter arrives.

    A keyboard-wedge scanner types "code⏎code⏎" in one burst. Textual runs the Enter binding
    after the keys queued behind it have been inserted, so the plain Input would submit
    "codecode". Handling Enter here, in key order, keeps every scan apart.
    """

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            await self.action_submit()
            return
        await super()._on_key(event)

    async def action_submit(self) -> None:
        value = self.value
        self.value = ""
        self.post_message(self.Submitted(self, value, None))
