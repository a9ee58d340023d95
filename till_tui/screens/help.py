"""F1: what the current screen is for and which keys it answers to."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from till_tui.i18n import _
from till_tui.screens.base import TillModal


class HelpScreen(TillModal[None]):
    """Lists the keys of the screen it was opened from."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical {
        width: 72; height: auto; max-height: 22;
        padding: 0 1;
    }
    HelpScreen VerticalScroll { height: auto; max-height: 16; }
    """

    def __init__(self, screen: Screen[Any]) -> None:
        super().__init__()
        self.for_screen = screen

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        # Only the till's own keys: Textual's inherited ones (Tab, Ctrl+C copy) are not the
        # cashier's business.
        ours = {
            binding.action
            for cls in type(self.for_screen).__mro__
            if cls.__module__.startswith("till_tui")
            for binding in cls.__dict__.get("BINDINGS", [])
            if isinstance(binding, Binding)
        }
        seen = set()
        for _key, binding in self.for_screen._bindings:
            if binding.description and binding.action in ours and binding.action not in seen:
                seen.add(binding.action)
                table.add_row(
                    binding.key_display or self.app.get_key_display(binding), binding.description
                )
        extra = getattr(self.for_screen, "HELP", "")
        with Vertical(classes="box"):
            yield Static(Text(_("Help"), style="bold"))
            with VerticalScroll():  # Up/Down scroll when the keys do not fit
                if extra:
                    yield Static(Text(_(extra)))
                yield Static(table)
            yield Static(Text(_("Escape to close"), style="dim"))
