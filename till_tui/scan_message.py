"""The message a barcode read over evdev becomes: one message per code, never keys."""

from __future__ import annotations

from textual.message import Message

from till_tui.i18n import _


class Scanned(Message):
    """A scanner read `code` (complete, prefix and suffix stripped). Posted to the app, which
    hands it to the screen in front (`TillApp.on_scanned`); it never touches an Input."""

    def __init__(self, code: str, source: str) -> None:
        super().__init__()
        self.code = code
        self.source = source
        """The scanner's device path."""


def refusal(code: str) -> str | None:
    """Why `code` is no barcode, for the cashier: a control character (a key pressed with
    Ctrl, a paste), or longer than any barcode the scanners deliver. "" for a blank code,
    ignored without a word; None when the screens may look it up."""
    from till_tui.hw.scan_decoder import MAX_LENGTH

    if not code.strip():
        return ""
    if not code.isprintable():
        return _("Code refused: it holds a control character.")
    if len(code) > MAX_LENGTH:
        return _("Code refused: longer than {n} characters.").format(n=MAX_LENGTH)
    return None
