"""After payment: the change in large digits, and the receipt choice (P print, N none)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Footer, Static

from till_tui.domain.money import format_amount, format_money
from till_tui.domain.sale import CompletedSale
from till_tui.i18n import N_, _
from till_tui.screens.base import HELP_BINDING, TillModal
from till_tui.widgets.big_amount import BigAmount


class ReceiptChoice(TillModal[str]):
    """The sale is saved; give the change, then P print the receipt or N none. Enter: default."""

    DEFAULT_CSS = """
    ReceiptChoice { align: center middle; }
    ReceiptChoice > Vertical {
        width: 60; height: auto; padding: 0 1;
    }
    """
    HELP = N_("The sale is saved. P prints the receipt, N gives none; Enter takes the default.")
    BINDINGS: ClassVar[list[BindingType]] = [
        HELP_BINDING,
        Binding("p", "choose('print')", N_("Print"), id="print"),
        Binding("n", "choose('none')", N_("No receipt"), id="none"),
        Binding("enter", "choose_default", N_("Default"), id="default"),
        Binding("escape", "choose_default", show=False),
    ]

    def __init__(self, sale: CompletedSale) -> None:
        super().__init__()
        self.sale = sale

    @property
    def default(self) -> str:
        config = self.till.config
        return (
            "print"
            if config.till.receipt_default == "print" and config.printer.kind != "none"
            else "none"
        )

    def compose(self) -> ComposeResult:
        config = self.till.config.till
        with Vertical(classes="box"):
            yield Static(
                Text(
                    _("Sale N° {number} saved. Total {total}").format(
                        number=self.sale.number,
                        total=format_money(self.sale.totals.total, config.currency, config.locale),
                    ),
                    style="bold",
                )
            )
            yield Static(_("Change to give"))
            yield BigAmount(format_amount(self.sale.change, config.currency, config.locale))
            default = _("print") if self.default == "print" else _("no receipt")
            yield Static(
                Text(_("Receipt? P print, N none (Enter: {default})").format(default=default))
            )
        yield Footer()

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)

    def action_choose_default(self) -> None:
        self.dismiss(self.default)
