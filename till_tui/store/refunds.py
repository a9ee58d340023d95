"""Refunds: a refund is a new sale, never an edit. It references the sale it refunds and the
manager who approved it, is numbered in the register's gap-free sequence, and its money is
negative (see store/migrations/m0004_shifts.py and domain/refund.py for the rules).

Everything about a refund is written in ONE transaction: the refund, its lines (each with the
original line it gives back), its VAT rows, its payments (negative, no change), the ledger
entries of money going back to the customer's account (prepaid_refund adds to the prepaid
balance, credit_refund takes off what the customer owes), the customer's balances after it, its
journal row and its number. What is left to refund is read again inside that transaction, so
two tills cannot refund the same line twice.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace

from till_tui.domain.cart import Adjustment
from till_tui.domain.refund import (
    OriginalLine,
    OriginalTender,
    Refundable,
    RefundError,
    RefundPlan,
    StoreCredit,
    plan_refund,
    with_earlier_refunds,
)
from till_tui.domain.sale import CompletedSale
from till_tui.domain.staff import StaffMember
from till_tui.domain.tender import ACCOUNT_KINDS
from till_tui.domain.vat import VatLine
from till_tui.i18n import _
from till_tui.store import journal
from till_tui.store.accounts import Accounts, MethodLike
from till_tui.store.customers import CustomerError
from till_tui.store.db import database
from till_tui.store.ledger_book import AccountError, run_in_transaction
from till_tui.store.models import Payment, Sale, SaleLine, SaleVat
from till_tui.store.sales import Sales, record_balances
from till_tui.store.training import Training

__all__ = ["RefundError", "RefundPermissionError", "Refunds"]

_SALE_SQL = (
    "SELECT s.number, s.register, s.created_at, st.name, s.refund_of, s.customer_id,"
    " s.basket_rule, s.training FROM sale AS s JOIN staff AS st ON st.id = s.staff_id"
    " WHERE s.id = ?"
)
_LINES_SQL = (
    "SELECT l.id, l.position, l.product_id, l.code, l.name, l.unit_price, l.vat_rate,"
    " l.quantity, l.adjustment, l.adjustment_amount, l.basket_share, l.total,"
    " COALESCE(SUM(r.quantity), 0), -COALESCE(SUM(r.adjustment_amount), 0),"
    " -COALESCE(SUM(r.basket_share), 0), -COALESCE(SUM(r.total), 0)"
    " FROM sale_line AS l LEFT JOIN sale_line AS r ON r.origin_line = l.id"
    " WHERE l.sale_id = ? GROUP BY l.id ORDER BY l.position"
)
_VAT_SQL = "SELECT rate, base, vat, total FROM sale_vat WHERE sale_id = ? ORDER BY rate"
_REFUNDED_VAT_SQL = (
    "SELECT v.rate, -SUM(v.base), -SUM(v.vat), -SUM(v.total) FROM sale_vat AS v"
    " JOIN sale AS s ON s.id = v.sale_id WHERE s.refund_of = ? GROUP BY v.rate ORDER BY v.rate"
)
_PAYMENTS_SQL = (
    "SELECT method, kind, label, amount, reference, last4, external_id FROM payment"
    " WHERE sale_id = ? ORDER BY position"
)
_GIVEN_BACK_SQL = (
    "SELECT p.method, p.kind, p.last4, p.reference, -p.amount FROM payment AS p"
    " JOIN sale AS s ON s.id = p.sale_id WHERE s.refund_of = ? ORDER BY p.id"
)
_REFUNDS_SQL = "SELECT number FROM sale WHERE refund_of = ? ORDER BY number"

STORE_CREDIT_METHOD = "prepaid"
"""The method code store credit is recorded with when no prepaid method is configured."""


class RefundPermissionError(RefundError, PermissionError):
    """The approver is not a manager."""


class Refunds:
    """Refunds made at one register."""

    def __init__(self, register: str) -> None:
        self.register = register

    def refunds_of(self, sale_id: int) -> list[tuple[int, int]]:
        """(number, total) of every refund of sale `sale_id`, oldest first; totals negative."""
        rows = database.execute_sql(
            "SELECT number, total FROM sale WHERE refund_of = ? ORDER BY id", (sale_id,)
        )
        return [(int(number), int(total)) for number, total in rows]

    def refundable(self, sale_id: int) -> Refundable:
        """Sale `sale_id` with what is left to refund of its lines and tenders, and its
        customer's balances now. Raises RefundError for no such sale, a refund, a training
        sale, or while the register is in training mode."""
        row = database.execute_sql(_SALE_SQL, (sale_id,)).fetchone()
        if row is None:
            raise RefundError(_("No sale {id}.").format(id=sale_id))
        number, register, created, cashier, refund_of, customer_id, basket_rule, training = row
        if training:
            raise RefundError(
                _("Sale N° {number} is a training sale: it cannot be refunded.").format(
                    number=number
                )
            )
        if Training(self.register).is_on():
            raise RefundError(_("No refund in training mode: switch it off first (F9)."))
        if refund_of is not None:
            raise RefundError(
                _("Sale N° {number} is a refund: it cannot be refunded.").format(number=number)
            )
        lines = tuple(
            OriginalLine(
                line_id=line_id,
                position=position,
                product_id=product_id or 0,
                code=code,
                name=name,
                unit_price=unit_price,
                vat_rate=vat_rate,
                quantity=quantity,
                adjustment=Adjustment.from_dict(json.loads(rule)) if rule else None,
                adjustment_amount=adjustment_amount,
                basket_share=basket_share,
                total=total,
                refunded_quantity=refunded_quantity,
                refunded_adjustment=refunded_adjustment,
                refunded_share=refunded_share,
                refunded_total=refunded_total,
            )
            for (
                line_id,
                position,
                product_id,
                code,
                name,
                unit_price,
                vat_rate,
                quantity,
                rule,
                adjustment_amount,
                basket_share,
                total,
                refunded_quantity,
                refunded_adjustment,
                refunded_share,
                refunded_total,
            ) in database.execute_sql(_LINES_SQL, (sale_id,))
        )
        tenders = with_earlier_refunds(
            (
                OriginalTender(
                    method=method,
                    kind=kind,
                    label=label or method,
                    amount=amount,
                    reference=reference,
                    last4=last4,
                    external_id=external_id,
                )
                for method, kind, label, amount, reference, last4, external_id in (
                    database.execute_sql(_PAYMENTS_SQL, (sale_id,))
                )
            ),
            database.execute_sql(_GIVEN_BACK_SQL, (sale_id,)).fetchall(),
        )
        customer = balances = None
        if customer_id is not None:
            accounts = Accounts(self.register)
            customer = accounts.customers.get(customer_id)
            balances = accounts.balances(customer_id)
        return Refundable(
            sale_id=sale_id,
            number=number,
            register=register,
            created_at=Sale.created_at.python_value(created),
            cashier=cashier,
            lines=lines,
            vat=tuple(VatLine(*v) for v in database.execute_sql(_VAT_SQL, (sale_id,))),
            refunded_vat=tuple(
                VatLine(*v) for v in database.execute_sql(_REFUNDED_VAT_SQL, (sale_id,))
            ),
            tenders=tenders,
            customer=customer,
            balances=balances,
            refunds=tuple(n for (n,) in database.execute_sql(_REFUNDS_SQL, (sale_id,))),
            basket_rule=Adjustment.from_dict(json.loads(basket_rule)) if basket_rule else None,
        )

    def plan(
        self,
        sale: Refundable,
        lines: Mapping[int, int],
        *,
        to_store_credit: bool = False,
        customer_id: int | None = None,
        store_credit_method: MethodLike | None = None,
    ) -> tuple[Refundable, RefundPlan]:
        """What refunding `lines` of `sale` would give back, and through what; the sale with
        the customer store credit goes to. Raises RefundError when the till would refuse it."""
        credit = None
        if to_store_credit:
            sale = self._store_credit_customer(sale, customer_id)
            method = store_credit_method
            credit = (
                StoreCredit(method.code, method.label)
                if method is not None
                else StoreCredit(STORE_CREDIT_METHOD, _("Store credit"))
            )
        return sale, plan_refund(sale, lines, store_credit=credit)

    def _store_credit_customer(self, sale: Refundable, customer_id: int | None) -> Refundable:
        if sale.customer is not None:
            if customer_id is not None and customer_id != sale.customer.id:
                raise RefundError(
                    _("Store credit goes to the sale's customer, {name}.").format(
                        name=sale.customer.name
                    )
                )
            return sale
        if customer_id is None:
            raise RefundError(_("Store credit needs a customer: attach one first."))
        accounts = Accounts(self.register)
        try:
            customer = accounts.customers.get(customer_id)
        except CustomerError as error:
            raise RefundError(str(error)) from None
        return replace(sale, customer=customer, balances=accounts.balances(customer_id))

    def refund(
        self,
        sale_id: int,
        lines: Mapping[int, int],
        *,
        staff: StaffMember,
        approved_by: StaffMember,
        shift_id: int,
        to_store_credit: bool = False,
        customer_id: int | None = None,
        store_credit_method: MethodLike | None = None,
    ) -> CompletedSale:
        """Refund `lines` (original line id -> quantity in thousandths) of sale `sale_id`, as
        `staff`, approved by the manager `approved_by`: the money goes back through the sale's
        tenders, or, with `to_store_credit`, onto the prepaid balance of the sale's customer
        (or of `customer_id` when the sale had none), recorded with `store_credit_method` (the
        configured prepaid method). Returns the refund as the store reads it back.

        Raises RefundPermissionError (the approver is no manager), RefundError (a rule broken:
        nothing written) or StoreError (the database)."""
        if not approved_by.is_manager:
            raise RefundPermissionError(_("Only a manager can approve a refund."))

        def work() -> int:
            sale, plan = self.plan(
                self.refundable(sale_id),
                lines,
                to_store_credit=to_store_credit,
                customer_id=customer_id,
                store_credit_method=store_credit_method,
            )
            refund = self._write(sale, plan, staff, approved_by, shift_id)
            if sale.customer is not None:
                self._account_entries(refund, sale.customer.id, plan, staff, shift_id)
            journal.append(
                self.register, "refund", staff.id, _journal_payload(refund, sale, plan, approved_by)
            )
            return int(refund.id)

        try:
            refund_id = run_in_transaction(work)
        except AccountError as error:  # e.g. the account changed meanwhile
            raise RefundError(str(error)) from None
        return Sales(self.register).get(refund_id)

    def _write(
        self,
        sale: Refundable,
        plan: RefundPlan,
        staff: StaffMember,
        approved_by: StaffMember,
        shift_id: int,
    ) -> Sale:
        """Insert the refund, its lines, VAT rows and payments, negative. In the transaction."""
        basket_rule = sale.basket_rule if plan.basket_adjustment else None
        refund = Sale.create(
            register=self.register,
            number=Sales(self.register).next_number(),
            shift=shift_id,
            staff=staff.id,
            subtotal=-plan.subtotal,
            basket_adjustment=-plan.basket_adjustment,
            basket_rule=json.dumps(basket_rule.to_dict()) if basket_rule else None,
            discount_total=-plan.discount_total,
            total=-plan.total,
            vat_total=-plan.vat_total,
            note="",
            customer=sale.customer.id if sale.customer else None,
            refund_of=sale.sale_id,
            approved_by=approved_by.id,
        )
        SaleLine.insert_many(
            [
                {
                    "sale": refund.id,
                    "position": position,
                    "product": line.origin.product_id or None,
                    "code": line.origin.code,
                    "name": line.origin.name,
                    "unit_price": line.origin.unit_price,
                    "quantity": line.quantity,
                    "vat_rate": line.origin.vat_rate,
                    "adjustment": (
                        json.dumps(line.origin.adjustment.to_dict())
                        if line.origin.adjustment
                        else None
                    ),
                    "adjustment_amount": -line.adjustment_amount,
                    "basket_share": -line.basket_share,
                    "total": -line.total,
                    "origin_line": line.origin.line_id,
                }
                for position, line in enumerate(plan.lines, start=1)
            ]
        ).execute()
        SaleVat.insert_many(
            [
                {
                    "sale": refund.id,
                    "rate": v.rate,
                    "base": -v.base,
                    "vat": -v.vat,
                    "total": -v.total,
                }
                for v in plan.vat
            ]
        ).execute()
        if plan.tenders:
            Payment.insert_many(
                [
                    {
                        "sale": refund.id,
                        "position": position,
                        "method": t.method,
                        "kind": t.kind,
                        "amount": -t.amount,
                        "tendered": -t.amount,
                        "change_given": 0,
                        "reference": t.reference,
                        "label": t.label,
                        "last4": t.last4,
                        "external_id": t.external_id,
                    }
                    for position, t in enumerate(plan.tenders, start=1)
                ]
            ).execute()
        return refund

    def _account_entries(
        self, refund: Sale, customer_id: int, plan: RefundPlan, staff: StaffMember, shift_id: int
    ) -> None:
        """Money back onto the customer's account (prepaid_refund) or off what they owe
        (credit_refund), and their balances after the refund, for its receipt."""
        accounts = Accounts(self.register)
        for tender in plan.tenders:
            if tender.kind not in ACCOUNT_KINDS:
                continue
            accounts.sale_entry(
                customer_id,
                "prepaid_refund" if tender.kind == "prepaid" else "credit_refund",
                tender.amount,
                staff=staff,
                shift_id=shift_id,
                sale_id=refund.id,
                method=tender.method,
                reference=tender.reference,
            )
        record_balances(accounts, customer_id, refund.id)


def _journal_payload(
    refund: Sale, sale: Refundable, plan: RefundPlan, approved_by: StaffMember
) -> dict[str, object]:
    """Like a sale's journal payload, negative, with the sale refunded and the approver."""
    return {
        "number": refund.number,
        "refund_of": sale.sale_id,
        "refund_of_number": sale.number,
        "approved_by": approved_by.id,
        "total": -plan.total,
        "vat": [[v.rate, -v.base, -v.vat, -v.total] for v in plan.vat],
        "lines": [
            [line.origin.code, line.quantity, line.origin.unit_price, -line.total]
            for line in plan.lines
        ],
        "tenders": [
            [t.method, -t.amount, -t.amount, 0, t.reference, t.last4] for t in plan.tenders
        ],
        "customer": sale.customer.id if sale.customer else None,
    }
