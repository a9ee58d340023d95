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


class ScanRefused(Message):
    """A scanner's code was refused by the decoder (`why`: "control" or "long")."""

    def __init__(self, why: str, source: str) -> None:
        super().__init__()
        self.why = why
        self.source = source


def refusal_text(why: str) -> str:
    """What the cashier reads about a refused code (`why`: "control" or "long")."""
    from till_tui.hw.scan_decoder import MAX_LENGTH

    if why == "long":
        return _("Code refused: longer than {n} characters.").format(n=MAX_LENGTH)
    return _("Code refused: it holds a control character.")


def refusal(code: str) -> str | None:
    """Why `code` is no barcode, for the cashier: a control character (a key pressed with
    Ctrl, a paste), or longer than any barcode the scanners deliver. "" for a blank code,
    ignored without a word; None when the screens may look it up."""
    from till_tui.hw.scan_decoder import MAX_LENGTH

    if not code.strip():
        return ""
    if not code.isprintable():
        return refusal_text("control")
    if len(code) > MAX_LENGTH:
        return refusal_text("long")
    return None
