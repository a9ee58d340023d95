"""The sale screen's command line: always ready for the next scan or typed code."""

from __future__ import annotations

from textual.widgets import Input


class CommandLine(Input):
    """An Input that empties itself the moment Enter is pressed.

    A scanner can send the next code before the screen has handled the previous one; clearing
    at Enter (not in the handler) keeps two quick scans from running together into one code.
    """

    async def action_submit(self) -> None:
        value = self.value
        self.value = ""
        self.post_message(self.Submitted(self, value, None))
