"""F2: find a customer as you type (name, phone, e-mail or card), or scan their card."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.widgets import Input

from till_tui.domain.customer import Customer
from till_tui.domain.ledger import Balances
from till_tui.i18n import N_, _
from till_tui.screens.search import SearchDialog
from till_tui.store.errors import StoreError
from till_tui.widgets.customer_bar import balance_summary


class CustomerSearch(SearchDialog[Customer]):
    """Type a few letters or scan a card; Up/Down choose, Enter attaches, F5 a new customer."""

    HELP = N_(
        "Type part of a name, a phone number, an e-mail or a card code (accents and case do not "
        "matter), or scan the customer's card. Up/Down choose, Enter attaches the customer to "
        "the sale. F5 creates a new customer."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        *SearchDialog.BINDINGS,
        Binding("f5", "new_customer", N_("New customer"), id="new_customer"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.title_text = _("Find a customer")
        self.placeholder = _("Name, phone, e-mail or card")
        self.hint = _("Enter attaches · F5 new customer · Escape closes")
        self.balances: dict[int, Balances] = {}

    def find(self, text: str) -> list[Customer]:
        services = self.till.services
        found = services.customers.search(text)
        # Read the balances here, in the worker, not while drawing the list.
        self.balances.update({c.id: services.accounts.balances(c.id) for c in found})
        return found

    def label(self, item: Customer) -> Text:
        config = self.till.config.till
        label = Text(item.name, style="bold", no_wrap=True, overflow="ellipsis")
        details = "  ".join(part for part in (item.phone, item.card) if part)
        if details:
            label.append(f"  {details}", style="dim")
        balances = self.balances.get(item.id)
        if balances is not None:
            label.append("\n  " + balance_summary(balances, config.currency, config.locale))
        return label

    @on(Input.Submitted, "#query")
    def choose(self, event: Input.Submitted) -> None:
        # A scanned card attaches straight away, whatever the list shows.
        try:
            scanned = self.till.services.customers.find_by_card(event.value.strip())
        except StoreError as error:
            self.say(str(error), error=True)
            return
        customer = scanned or self.highlighted()
        if customer is not None:
            self.dismiss(customer)

    def scanned(self, code: str) -> bool:
        """A card read from a scanner over evdev picks its customer; what is typed in the
        search stays as it is. False (and a message) if no customer has the card."""
        try:
            customer = self.till.services.customers.find_by_card(code)
        except StoreError as error:
            self.say(str(error), error=True)
            return False
        if customer is None:
            self.say(_("Unknown card: {code}").format(code=code), error=True)
            return False
        self.dismiss(customer)
        return True

    def action_new_customer(self) -> None:
        from till_tui.screens.new_customer import NewCustomer

        def created(customer: Customer | None) -> None:
            if customer is not None:
                self.dismiss(customer)

        self.app.push_screen(NewCustomer(self.query_one("#query", Input).value), created)
