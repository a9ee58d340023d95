"""What the product and customer searches share: results as you type, Up/Down, Enter."""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from till_tui.screens.base import TillModal

Item = TypeVar("Item")


class SearchDialog(TillModal[Item]):
    """A query line over a result list. Subclasses say how to find and show an item.

    Each keystroke starts a search in an exclusive thread worker: the newest keystroke cancels
    the previous query, and results that arrive for an older query are dropped.
    """

    DEFAULT_CSS = """
    SearchDialog { align: center middle; }
    SearchDialog > Vertical { width: 78; height: 20; }
    SearchDialog OptionList { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        *TillModal.BINDINGS,
        Binding("up", "move(-1)", show=False),
        Binding("down", "move(1)", show=False),
    ]

    title_text: str = ""
    placeholder: str = ""
    hint: str = ""

    def __init__(self) -> None:
        super().__init__()
        self.results: list[Item] = []

    def find(self, text: str) -> list[Any]:
        """The items matching `text` (runs in a worker thread)."""
        raise NotImplementedError

    def label(self, item: Any) -> Text:
        """How an item reads in the list (runs on the UI thread)."""
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with Vertical(classes="box"):
            yield Static(Text(self.title_text, style="bold"))
            yield Input(placeholder=self.placeholder, id="query")
            yield OptionList(id="results")
            if self.hint:
                yield Static(Text(self.hint, style="dim"))

    def on_mount(self) -> None:
        self.query_one("#results", OptionList).can_focus = False
        self.query_one("#query", Input).focus()

    @on(Input.Changed, "#query")
    def changed(self, event: Input.Changed) -> None:
        self.search(event.value)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def search(self, text: str) -> None:
        results = self.find(text) if text.strip() else []
        self.app.call_from_thread(self.show_results, text, results)

    def show_results(self, text: str, results: list[Any]) -> None:
        if text != self.query_one("#query", Input).value:
            return  # a newer search is on its way
        self.results = results
        options = self.query_one("#results", OptionList)
        options.clear_options()
        options.add_options([Option(self.label(item)) for item in results])
        if results:
            options.highlighted = 0

    def action_move(self, step: int) -> None:
        options = self.query_one("#results", OptionList)
        if self.results:
            current = options.highlighted or 0
            options.highlighted = max(0, min(current + step, len(self.results) - 1))

    def highlighted(self) -> Item | None:
        """The item under the highlight, or None (with the bell) when the list is empty."""
        index = self.query_one("#results", OptionList).highlighted
        if index is None or not self.results:
            self.app.bell()
            return None
        return self.results[index]
