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
    refund_of: int | None = None
    """A refund: the NUMBER of the sale it refunds (None for a sale). A refund's totals,
    VAT and tenders are negative, as stored; its cart lines keep the positive quantities
    given back at their original unit prices."""
    approved_by: str = ""
    """A refund: the manager who approved it."""
    line_adjustments: tuple[int, ...] = ()
    """A refund: each line's own adjustment as stored (signed, like the totals); a sale's
    are computed from its cart."""
    training: bool = False
    """Made in training mode: numbered in the training sequence, kept out of the figures,
    its receipt marked TRAINING."""

    @property
    def change(self) -> int:
        return sum(t.change for t in self.tenders)

    @property
    def has_cash(self) -> bool:
        return any(t.kind == "cash" for t in self.tenders)

    @property
    def is_refund(self) -> bool:
        return self.refund_of is not None


def _receipt_lines(sale: CompletedSale) -> tuple[ReceiptLine, ...]:
    """The printed lines. A refund prints its stored amounts (negative), so its lines, its
    subtotal and its total add up as printed."""
    cart, totals = sale.cart, sale.totals
    if not sale.is_refund:
        return tuple(
            ReceiptLine(
                name=line.name,
                quantity=line.quantity,
                unit_price=line.unit_price,
                amount=line.net,
                adjustment=line.adjustment,
                adjustment_amount=line.adjustment_amount,
                vat_rate=line.vat_rate,
                list_price=line.list_price,
            )
            for line in cart.lines
        )
    adjustments = sale.line_adjustments or tuple(0 for _line in cart.lines)
    return tuple(
        ReceiptLine(
            name=line.name,
            quantity=line.quantity,
            unit_price=line.unit_price,
            amount=total - share,
            adjustment=line.adjustment if adjustment else None,
            adjustment_amount=adjustment,
            vat_rate=line.vat_rate,
        )
        for line, total, share, adjustment in zip(
            cart.lines, totals.line_totals, totals.basket_shares, adjustments, strict=True
        )
    )


def receipt_for(sale: CompletedSale, shop: ShopHeader, *, title: str = "") -> Receipt:
    """The receipt of a completed sale, or of a refund ("Refund of sale N", amounts negative)."""
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
        lines=_receipt_lines(sale),
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
        refund_of=sale.refund_of,
        approved_by=sale.approved_by,
        training=sale.training,
    )
