"""F3: find a product by name as you type; Enter adds the highlighted one."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.widgets import Input

from till_tui.domain.money import format_money
from till_tui.domain.product import Product
from till_tui.i18n import N_, _
from till_tui.screens.search import SearchDialog


class ProductSearch(SearchDialog[Product]):
    """Type part of a name (accents and case do not matter); Up/Down choose, Enter adds."""

    HELP = N_("Type part of a product name or code. Up/Down choose, Enter adds it to the sale.")

    def __init__(self) -> None:
        super().__init__()
        self.title_text = _("Find a product")
        self.placeholder = _("Name or code")

    def find(self, text: str) -> list[Product]:
        return self.till.services.catalog.search(text)

    def label(self, item: Product) -> Text:
        config = self.till.config.till
        label = Text(item.name, no_wrap=True, overflow="ellipsis")
        label.append(f"  {format_money(item.price, config.currency, config.locale)}", style="bold")
        label.append(f"  {item.barcode}", style="dim")
        return label

    @on(Input.Submitted, "#query")
    def choose(self) -> None:
        product = self.highlighted()
        if product is not None:
            self.dismiss(product)
