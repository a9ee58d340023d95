"""F3: find a product by name as you type; Enter adds the highlighted one."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from till_tui.domain.money import format_money
from till_tui.domain.product import Product
from till_tui.i18n import N_, _
from till_tui.screens.base import TillModal


class ProductSearch(TillModal[Product]):
    """Type part of a name (accents and case do not matter); Up/Down choose, Enter adds."""

    DEFAULT_CSS = """
    ProductSearch { align: center middle; }
    ProductSearch > Vertical {
        width: 76; height: 20;
    }
    ProductSearch OptionList { height: 1fr; }
    """
    HELP = N_("Type part of a product name or code. Up/Down choose, Enter adds it to the sale.")
    BINDINGS: ClassVar[list[BindingType]] = [
        *TillModal.BINDINGS,
        Binding("up", "move(-1)", show=False),
        Binding("down", "move(1)", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.results: list[Product] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="box"):
            yield Static(Text(_("Find a product"), style="bold"))
            yield Input(placeholder=_("Name or code"), id="query")
            yield OptionList(id="results")

    def on_mount(self) -> None:
        self.query_one("#results", OptionList).can_focus = False
        self.query_one("#query", Input).focus()

    @on(Input.Changed, "#query")
    def changed(self, event: Input.Changed) -> None:
        self.search(event.value)

    @work(thread=True, exclusive=True, group="product-search", exit_on_error=False)
    def search(self, text: str) -> None:
        # The newest keystroke cancels the previous query (exclusive worker).
        results = self.till.services.catalog.search(text)
        self.app.call_from_thread(self.show_results, text, results)

    def show_results(self, text: str, results: list[Product]) -> None:
        if text != self.query_one("#query", Input).value:
            return  # a newer search is on its way
        config = self.till.config.till
        self.results = results
        options = self.query_one("#results", OptionList)
        options.clear_options()
        for product in results:
            label = Text(product.name, no_wrap=True, overflow="ellipsis")
            price = format_money(product.price, config.currency, config.locale)
            label.append(f"  {price}", style="bold")
            label.append(f"  {product.barcode}", style="dim")
            options.add_option(Option(label))
        if results:
            options.highlighted = 0

    def action_move(self, step: int) -> None:
        options = self.query_one("#results", OptionList)
        if self.results:
            current = options.highlighted or 0
            options.highlighted = max(0, min(current + step, len(self.results) - 1))

    @on(Input.Submitted, "#query")
    def choose(self) -> None:
        highlighted = self.query_one("#results", OptionList).highlighted
        if highlighted is None or not self.results:
            self.app.bell()
            return
        self.dismiss(self.results[highlighted])
