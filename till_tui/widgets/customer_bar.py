"""The attached customer, always in sight on the sale screen, with what they can spend."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from till_tui.domain.customer import Customer
from till_tui.domain.ledger import Balances
from till_tui.domain.money import format_money
from till_tui.i18n import _


def balance_summary(balances: Balances, currency: str, locale: str) -> str:
    """ "prepaid 12,50 € · credit available 300,00 €" (credit only for a customer with a limit)."""
    prepaid = format_money(balances.prepaid, currency, locale)
    summary = _("prepaid {amount}").format(amount=prepaid)
    if balances.credit_limit is not None:
        available = format_money(balances.available, currency, locale)
        summary += "  ·  " + _("credit available {amount}").format(amount=available)
    return summary


class CustomerBar(Static):
    """One line: the customer's name, prepaid balance and credit available; or how to attach one."""

    DEFAULT_CSS = """
    CustomerBar { height: 1; padding: 0 1; background: $boost; }
    """

    def __init__(self, currency: str, locale: str, **kwargs: str) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.currency = currency
        self.locale = locale

    def show(self, customer: Customer | None, balances: Balances | None) -> None:
        if customer is None:
            self.update(Text(_("No customer: F2 or scan a loyalty card"), style="dim"))
            return
        line = Text()
        line.append(_("Customer: "))
        line.append(customer.name, style="bold")
        if balances is not None:
            line.append("  ·  " + balance_summary(balances, self.currency, self.locale))
        self.update(line)
