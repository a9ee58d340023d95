"""F2: find a customer as you type (name, phone, e-mail or card), or scan their card."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from till_tui.domain.customer import Customer
from till_tui.domain.ledger import Balances
from till_tui.i18n import N_, _
from till_tui.screens.base import TillModal
from till_tui.store.errors import StoreError
from till_tui.widgets.customer_bar import balance_summary


class CustomerSearch(TillModal[Customer]):
    """Type a few letters or scan a card; Up/Down choose, Enter attaches, F5 a new customer."""

    DEFAULT_CSS = """
    CustomerSearch { align: center middle; }
    CustomerSearch > Vertical { width: 78; height: 20; }
    CustomerSearch OptionList { height: 1fr; }
    """
    HELP = N_(
        "Type part of a name, a phone number, an e-mail or a card code (accents and case do not "
        "matter), or scan the customer's card. Up/Down choose, Enter attaches the customer to "
        "the sale. F5 creates a new customer."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        *TillModal.BINDINGS,
        Binding("f5", "new_customer", N_("New customer"), id="new_customer"),
        Binding("up", "move(-1)", show=False),
        Binding("down", "move(1)", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.results: list[Customer] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="box"):
            yield Static(Text(_("Find a customer"), style="bold"))
            yield Input(placeholder=_("Name, phone, e-mail or card"), id="query")
            yield OptionList(id="results")
            yield Static(Text(_("Enter attaches · F5 new customer · Escape closes"), style="dim"))

    def on_mount(self) -> None:
        self.query_one("#results", OptionList).can_focus = False
        self.query_one("#query", Input).focus()

    @on(Input.Changed, "#query")
    def changed(self, event: Input.Changed) -> None:
        self.search(event.value)

    @work(thread=True, exclusive=True, group="customer-search", exit_on_error=False)
    def search(self, text: str) -> None:
        # The newest keystroke cancels the previous query (exclusive worker).
        customers = self.till.services.customers
        accounts = self.till.services.accounts
        found = customers.search(text) if text.strip() else []
        rows = [(c, accounts.balances(c.id)) for c in found]
        self.app.call_from_thread(self.show_results, text, rows)

    def show_results(self, text: str, rows: list[tuple[Customer, Balances]]) -> None:
        if text != self.query_one("#query", Input).value:
            return  # a newer search is on its way
        config = self.till.config.till
        self.results = [customer for customer, _balances in rows]
        options = self.query_one("#results", OptionList)
        options.clear_options()
        for customer, balances in rows:
            label = Text(customer.name, style="bold", no_wrap=True, overflow="ellipsis")
            details = "  ".join(part for part in (customer.phone, customer.card) if part)
            if details:
                label.append(f"  {details}", style="dim")
            label.append("\n  " + balance_summary(balances, config.currency, config.locale))
            options.add_option(Option(label))
        if rows:
            options.highlighted = 0

    def action_move(self, step: int) -> None:
        options = self.query_one("#results", OptionList)
        if self.results:
            current = options.highlighted or 0
            options.highlighted = max(0, min(current + step, len(self.results) - 1))

    @on(Input.Submitted, "#query")
    def choose(self, event: Input.Submitted) -> None:
        # A scanned card attaches straight away, whatever the list shows.
        try:
            scanned = self.till.services.customers.find_by_card(event.value.strip())
        except StoreError as error:
            self.say(str(error), error=True)
            return
        if scanned is not None:
            self.dismiss(scanned)
            return
        highlighted = self.query_one("#results", OptionList).highlighted
        if highlighted is None or not self.results:
            self.app.bell()
            return
        self.dismiss(self.results[highlighted])

    def action_new_customer(self) -> None:
        from till_tui.screens.new_customer import NewCustomer

        def created(customer: Customer | None) -> None:
            if customer is not None:
                self.dismiss(customer)

        self.app.push_screen(NewCustomer(self.query_one("#query", Input).value), created)
