"""The cart's footer: what the customer pays in large digits, and the VAT it includes."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from till_tui.domain.cart import Cart
from till_tui.domain.money import format_money
from till_tui.i18n import _, ngettext
from till_tui.widgets.big_amount import BigAmount


class TotalsBar(Horizontal):
    """Items count, VAT included, discounts and note on the left; the total on the right."""

    DEFAULT_CSS = """
    TotalsBar { height: 3; }
    TotalsBar > #summary { width: 1fr; height: 3; }
    TotalsBar > BigAmount { width: auto; min-width: 12; }
    """

    def __init__(self, currency: str, locale: str, **kwargs: str) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.currency = currency
        self.locale = locale

    def compose(self) -> ComposeResult:
        yield Static(id="summary")
        yield BigAmount("0", id="total")

    def money(self, amount: int) -> str:
        return format_money(amount, self.currency, self.locale)

    def show(self, cart: Cart) -> None:
        totals = cart.totals()
        items = sum(line.quantity for line in cart.lines) // 1000
        summary = Text()
        summary.append(_("TOTAL") + "  ", style="bold")
        summary.append(ngettext("{n} item", "{n} items", items).format(n=items))
        summary.append("  " + _("VAT incl. {amount}").format(amount=self.money(totals.vat_total)))
        if totals.basket_adjustment:
            label = _("Extra charge") if totals.basket_adjustment > 0 else _("Basket discount")
            summary.append(f"\n{label} {self.money(totals.basket_adjustment)}", style="bold")
        if cart.note:
            summary.append("\n" + _("Note: ") + cart.note, style="italic")
        # Its size is fixed by the CSS: no layout pass for new text.
        self.query_one("#summary", Static).update(summary, layout=False)
        self.query_one("#total", BigAmount).update(self.money(totals.total))
