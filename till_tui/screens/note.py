"""F5: a note on the sale (printed on the receipt)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from till_tui.i18n import N_, _
from till_tui.screens.base import TillModal


class NoteDialog(TillModal[str]):
    """Type the note and press Enter; an empty note removes it."""

    DEFAULT_CSS = """
    NoteDialog { align: center middle; }
    NoteDialog > Vertical { width: 70; height: auto; }
    """
    HELP = N_("Type a note for this sale and press Enter. Empty it to remove the note.")

    def __init__(self, note: str) -> None:
        super().__init__()
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(classes="box"):
            yield Static(Text(_("Note on the sale"), style="bold"))
            yield Input(self.note, max_length=200, id="note")

    @on(Input.Submitted, "#note")
    def save(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)
