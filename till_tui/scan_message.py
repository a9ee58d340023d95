"""The message a barcode read over evdev becomes: one message per code, never keys."""

from __future__ import annotations

from textual.message import Message


class Scanned(Message):
    """A scanner read `code` (complete, prefix and suffix stripped). Posted to the app, which
    hands it to the screen in front (`TillApp.on_scanned`); it never touches an Input."""

    def __init__(self, code: str, source: str) -> None:
        super().__init__()
        self.code = code
        self.source = source
        """The scanner's device path."""
