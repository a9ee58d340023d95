"""Completing a sale: everything about it is written in ONE transaction, or nothing is.

The sale, its lines, its VAT table, its payments, its journal row and its gap-free number are
written together, and the draft is cleared in the same transaction.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from till_tui.domain.cart import Cart
from till_tui.domain.sale import CompletedSale
from till_tui.domain.staff import StaffMember
from till_tui.domain.tender import Tender, payment_state
from till_tui.i18n import _
from till_tui.store import journal
from till_tui.store.db import database, transaction
from till_tui.store.models import Draft, Payment, Sale, SaleLine, SaleVat


class SaleError(ValueError):
    """A sale the store refuses to write; the message is for the cashier."""


def _check(cart: Cart, tenders: Sequence[Tender]) -> None:
    if cart.is_empty:
        raise SaleError(_("The cart is empty."))
    state = payment_state(cart.totals().total, tenders)
    if state.paid != state.total:
        raise SaleError(_("The sale is not fully paid."))
    for tender in tenders:
        if (
            tender.change < 0
            or tender.amount <= 0
            or tender.amount != tender.tendered - tender.change
        ):
            raise SaleError(_("A tender amount is wrong."))
        if tender.change and tender.kind != "cash":
            raise SaleError(_("Only cash can give change."))


class Sales:
    """Sales of one register."""

    def __init__(self, register: str) -> None:
        self.register = register

    def next_number(self) -> int:
        """The number the next sale will get (gap-free per register)."""
        row = database.execute_sql(
            "SELECT COALESCE(MAX(number), 0) + 1 FROM sale WHERE register = ?", (self.register,)
        ).fetchone()
        return int(row[0])

    def complete(
        self, cart: Cart, tenders: Sequence[Tender], *, staff: StaffMember, shift_id: int
    ) -> CompletedSale:
        """Write the sale and everything that belongs to it in one transaction."""
        _check(cart, tenders)
        totals = cart.totals()
        with transaction():
            number = self.next_number()
            sale = Sale.create(
                register=self.register,
                number=number,
                shift=shift_id,
                staff=staff.id,
                subtotal=totals.subtotal,
                basket_adjustment=totals.basket_adjustment,
                basket_rule=json.dumps(cart.adjustment.to_dict()) if cart.adjustment else None,
                discount_total=totals.discount_total,
                total=totals.total,
                vat_total=totals.vat_total,
                note=cart.note,
                customer=cart.customer_id,
            )
            SaleLine.insert_many(
                [
                    {
                        "sale": sale.id,
                        "position": position,
                        "product": line.product_id,
                        "code": line.code,
                        "name": line.name,
                        "unit_price": line.unit_price,
                        "quantity": line.quantity,
                        "vat_rate": line.vat_rate,
                        "adjustment": (
                            json.dumps(line.adjustment.to_dict()) if line.adjustment else None
                        ),
                        "adjustment_amount": line.adjustment_amount,
                        "basket_share": share,
                        "total": amount,
                    }
                    for position, (line, share, amount) in enumerate(
                        zip(cart.lines, totals.basket_shares, totals.line_totals, strict=True),
                        start=1,
                    )
                ]
            ).execute()
            SaleVat.insert_many(
                [
                    {
                        "sale": sale.id,
                        "rate": v.rate,
                        "base": v.base,
                        "vat": v.vat,
                        "total": v.total,
                    }
                    for v in totals.vat
                ]
            ).execute()
            Payment.insert_many(
                [
                    {
                        "sale": sale.id,
                        "position": position,
                        "method": t.method,
                        "kind": t.kind,
                        "amount": t.amount,
                        "tendered": t.tendered,
                        "change_given": t.change,
                        "reference": t.reference,
                    }
                    for position, t in enumerate(tenders, start=1)
                ]
            ).execute()
            journal.append(
                self.register,
                "sale",
                staff.id,
                {
                    "number": number,
                    "total": totals.total,
                    "vat": [[v.rate, v.base, v.vat, v.total] for v in totals.vat],
                    "lines": [
                        [line.code, line.quantity, line.unit_price, amount]
                        for line, amount in zip(cart.lines, totals.line_totals, strict=True)
                    ],
                    "tenders": [[t.method, t.amount, t.tendered, t.change] for t in tenders],
                    "customer": cart.customer_id,
                },
            )
            Draft.delete().where(Draft.register == self.register).execute()
        return CompletedSale(
            id=sale.id,
            number=number,
            register=self.register,
            created_at=sale.created_at,
            cashier=staff.name,
            cart=cart,
            totals=totals,
            tenders=tuple(tenders),
        )

    def count(self) -> int:
        return int(Sale.select().where(Sale.register == self.register).count())
