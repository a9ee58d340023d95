"""A completed sale as the store returns it, and its receipt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from till_tui.domain.cart import Cart, CartTotals
from till_tui.domain.customer import Customer
from till_tui.domain.ledger import Balances
from till_tui.domain.receipt import (
    Receipt,
    ReceiptCustomer,
    ReceiptLine,
    ReceiptTender,
    ShopHeader,
)
from till_tui.domain.tender import Tender


@dataclass(frozen=True, slots=True)
class CompletedSale:
    """A sale written to the store: numbered, immutable."""

    id: int
    number: int
    register: str
    created_at: datetime
    cashier: str
    cart: Cart
    totals: CartTotals
    tenders: tuple[Tender, ...]
    customer: Customer | None = None
    balances: Balances | None = None
    """The customer's balances right after this sale (prepaid, credit available)."""
    copies: int = 0
    """How many times the receipt was reprinted (the n of "DUPLICATA n")."""

    @property
    def change(self) -> int:
        return sum(t.change for t in self.tenders)

    @property
    def has_cash(self) -> bool:
        return any(t.kind == "cash" for t in self.tenders)


def receipt_for(sale: CompletedSale, shop: ShopHeader, *, title: str = "") -> Receipt:
    """The receipt of a completed sale."""
    cart, totals = sale.cart, sale.totals
    customer = None
    if sale.customer is not None:
        balances = sale.balances
        customer = ReceiptCustomer(
            name=sale.customer.name,
            prepaid=balances.prepaid if balances else None,
            credit_available=balances.available if balances and balances.has_credit else None,
        )
    return Receipt(
        shop=shop,
        sale_number=sale.number,
        register=sale.register,
        cashier=sale.cashier,
        created_at=sale.created_at.astimezone(),  # stored in UTC, printed in the shop's time
        lines=tuple(
            ReceiptLine(
                name=line.name,
                quantity=line.quantity,
                unit_price=line.unit_price,
                amount=line.net,
                adjustment=line.adjustment,
                adjustment_amount=line.adjustment_amount,
                vat_rate=line.vat_rate,
            )
            for line in cart.lines
        ),
        subtotal=totals.subtotal,
        basket_adjustment=totals.basket_adjustment,
        basket_rule=cart.adjustment,
        total=totals.total,
        vat=totals.vat,
        tenders=tuple(
            ReceiptTender(t.label, t.amount, t.tendered, t.change, t.reference, t.last4)
            for t in sale.tenders
        ),
        change=sale.change,
        note=cart.note,
        title=title,
        customer=customer,
    )
