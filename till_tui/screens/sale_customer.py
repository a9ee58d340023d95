"""The customer side of the sale screen: default customer, customer bar, F2 and F7."""

from __future__ import annotations

from till_tui.domain.cart import Cart
from till_tui.domain.customer import Customer
from till_tui.i18n import _
from till_tui.screens.base import TillScreen
from till_tui.widgets.customer_bar import CustomerBar


class SaleCustomer(TillScreen[None]):
    """Who the sale is for. The sale screen builds on this; it owns the cart and saves it."""

    cart: Cart
    """The sale being rung up (set by the sale screen)."""

    def _save(self, cart: Cart) -> bool:
        """Make `cart` current and save it as the draft (the sale screen does this)."""
        raise NotImplementedError

    def _new_cart(self) -> Cart:
        """An empty sale, with the register's default customer if one is configured."""
        card = self.till.config.till.default_customer
        customer = self.till.services.customers.find_by_card(card) if card else None
        return Cart(customer_id=customer.id if customer else None)

    def _show_customer(self) -> None:
        services = self.till.services
        customer_id = self.cart.customer_id
        customer = services.customers.get(customer_id) if customer_id is not None else None
        balances = services.accounts.balances(customer.id) if customer else None
        self.query_one("#customer", CustomerBar).show(customer, balances)

    def attach(self, customer: Customer) -> None:
        """Attach `customer` to the sale (from a card scan or the customer search)."""
        self._save(self.cart.with_customer(customer.id))
        self._show_customer()
        self.say(_("Customer: {name}").format(name=customer.name))

    def action_customer(self) -> None:
        from till_tui.screens.customer_search import CustomerSearch

        def chosen(customer: Customer | None) -> None:
            if customer is not None:
                self.attach(customer)

        self.app.push_screen(CustomerSearch(), chosen)

    def action_account(self) -> None:
        from till_tui.screens.account import AccountScreen
        from till_tui.screens.customer_search import CustomerSearch

        def open_account(customer: Customer | None) -> None:
            if customer is not None:
                self.app.push_screen(AccountScreen(customer), lambda _: self._show_customer())

        if self.cart.customer_id is None:
            self.app.push_screen(CustomerSearch(), open_account)
        else:
            open_account(self.till.services.customers.get(self.cart.customer_id))
