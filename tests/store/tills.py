"""A register of the demo store for store tests: a cashier logged in, a manager at hand, a
shift open, and the configured payment methods."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.conftest import CASHIER_PIN, MANAGER_PIN
from till_tui.config import Config, PaymentMethod
from till_tui.demo import demo_barcode
from till_tui.domain.cart import Cart
from till_tui.domain.customer import Customer
from till_tui.domain.ledger import Balances
from till_tui.domain.product import Product
from till_tui.domain.sale import CompletedSale
from till_tui.domain.staff import StaffMember
from till_tui.domain.tender import Tender, make_tender
from till_tui.store.services import Services

EUR = 100


@dataclass
class Till:
    """Register R1 of the demo store, a cashier logged in and a shift open."""

    services: Services
    config: Config
    cashier: StaffMember
    manager: StaffMember
    shift_id: int

    def product(self, index: int) -> Product:
        product = self.services.catalog.find(demo_barcode(index))
        assert product is not None
        return product

    def ring(self, *indexes: int, customer: Customer | None = None) -> Cart:
        cart = Cart()
        for index in indexes:
            cart, _line = cart.add(self.product(index))
        return cart.with_customer(customer.id if customer else None)

    def customer(self, card: str) -> Customer:
        customer = self.services.customers.find_by_card(card)
        assert customer is not None
        return customer

    def method(self, code: str) -> PaymentMethod:
        return next(m for m in self.config.payment_methods if m.code == code)

    def pay(self, code: str, typed: int, due: int, **extra: Any) -> Tender:
        """A tender the way the payment screen makes one from the configured method."""
        method = self.method(code)
        return make_tender(
            method=method.code, kind=method.kind, label=method.label, typed=typed, due=due,
            external_id=method.external_id, due_days=method.credit_days, **extra,
        )  # fmt: skip

    def balances(self, customer: Customer) -> Balances:
        return self.services.accounts.balances(customer.id)

    def top_up(self, customer: Customer, amount: int) -> None:
        self.services.accounts.top_up(
            customer.id, amount, self.method("card"), staff=self.cashier, shift_id=self.shift_id
        )

    def complete(self, cart: Cart, *tenders: Tender) -> CompletedSale:
        """Complete the sale; paid in cash, exactly, when no tenders are given."""
        total = cart.totals().total
        paid = tenders or (self.pay("cash", total, total),)
        return self.services.sales.complete(cart, paid, staff=self.cashier, shift_id=self.shift_id)


def open_till(services: Services, config: Config) -> Till:
    """Log the demo cashier in and open a shift with 150.00 in the drawer."""
    cashier = services.staff.authenticate(CASHIER_PIN)
    manager = services.staff.authenticate(MANAGER_PIN)
    assert cashier is not None and manager is not None
    assert (cashier.name, manager.name) == ("Camille", "Patron")
    shift = services.shifts.open(cashier, 150 * EUR)
    return Till(services, config, cashier, manager, shift.id)
