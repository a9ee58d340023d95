"""An amount in large digits, with a plain bold fallback for the Linux console's font."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Digits, Static


class BigAmount(Widget):
    """Large digits where the terminal can draw them; bold text on the Linux console.

    The console's VGA font has no rounded box-drawing glyphs, so the app's `-console` class
    hides the Digits and shows the Static instead (see TillApp.CSS).
    """

    DEFAULT_CSS = """
    BigAmount { height: 3; width: auto; min-width: 12; }
    BigAmount > Digits { width: auto; }
    BigAmount > .fallback { display: none; text-style: bold; width: auto; }
    """

    def __init__(self, text: str = "", **kwargs: str) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.text = text

    def compose(self) -> ComposeResult:
        yield Digits(self.text)
        yield Static(Text(self.text), classes="fallback")

    def update(self, text: str) -> None:
        """Show `text` (an amount already formatted for the locale)."""
        resized = len(text) != len(self.text)
        self.text = text
        self.query_one(Digits).update(text)  # lays out only when its width changes
        self.query_one(".fallback", Static).update(Text(text), layout=resized)
