"""Customer accounts at the till: top-ups, deposits, cancelled top-ups, settlements, prepaid
and credit payments, credit limits.

Each operation is ONE write transaction that re-reads the balances inside it, checks the rule,
appends one immutable ledger row and a journal row (see ledger_book.py). Top-ups, deposits and
settlements are money taken by a payment method into a liability: not revenue, no VAT.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Protocol

from till_tui.domain import ledger
from till_tui.domain.account import AccountReceipt, PaidInvoice
from till_tui.domain.ledger import Balances
from till_tui.domain.staff import StaffMember
from till_tui.domain.tender import MONEY_IN_KINDS
from till_tui.i18n import _
from till_tui.store import journal
from till_tui.store.db import database
from till_tui.store.ledger_book import (
    AccountError,
    AccountPermissionError,
    LedgerBook,
    run_in_transaction,
)
from till_tui.store.models import Customer as CustomerRow

__all__ = ["AccountError", "AccountPermissionError", "Accounts", "MethodLike"]

SALE_KINDS = ("prepaid_payment", "prepaid_refund", "credit_charge", "credit_refund")
"""Ledger entries written for a sale or a refund (by Sales.complete and refunds)."""


class MethodLike(Protocol):
    """A payment method as configured (config.PaymentMethod fits)."""

    @property
    def code(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def label(self) -> str: ...


class Accounts(LedgerBook):
    """The customer accounts as one register moves them."""

    def _next_receipt(self) -> int:
        row = database.execute_sql(
            "SELECT COALESCE(MAX(receipt_number), 0) + 1 FROM ledger_entry WHERE register = ?",
            (self.register,),
        ).fetchone()
        return int(row[0])

    def _receipt(
        self,
        customer_id: int,
        kind: str,
        amount: int,
        method: MethodLike,
        tendered: int | None,
        staff: StaffMember,
        shift_id: int | None,
        extra: Callable[[], tuple[PaidInvoice, ...]] | None = None,
        approved_by: StaffMember | None = None,
    ) -> AccountReceipt:
        if method.kind not in MONEY_IN_KINDS:
            raise AccountError(
                _("{method} cannot be used for this operation.").format(method=method.label)
            )
        paid = tendered if tendered is not None else amount
        if method.kind == "cash" and paid < amount:
            raise AccountError(_("The cash handed over is less than the amount."))
        if method.kind != "cash" and paid != amount:
            raise AccountError(_("Only cash can be more than the amount (to give change)."))

        def work() -> AccountReceipt:
            customer = self._customer(customer_id)
            invoices = extra() if extra else ()
            number = self._next_receipt()
            entry, after = self._record(
                customer_id,
                kind,
                amount,
                staff,
                shift=shift_id,
                receipt_number=number,
                method=method.code,
                tendered=paid,
                change_given=paid - amount,
                approved_by=approved_by.id if approved_by else None,
            )
            return AccountReceipt(
                number=number,
                kind=kind,
                customer=customer,
                amount=amount,
                method=method.code,
                method_label=method.label,
                tendered=paid,
                change=paid - amount,
                balances=after,
                created_at=entry.created_at,
                register=self.register,
                cashier=staff.name,
                invoices=invoices,
                approved_by=approved_by.name if approved_by and approved_by.id != staff.id else "",
            )

        return run_in_transaction(work)

    def top_up(
        self,
        customer_id: int,
        amount: int,
        method: MethodLike,
        tendered: int | None = None,
        *,
        staff: StaffMember,
        shift_id: int | None,
    ) -> AccountReceipt:
        """Add `amount` to the prepaid balance, paid by `method` (change only from cash)."""
        return self._receipt(customer_id, "topup", amount, method, tendered, staff, shift_id)

    def deposit(
        self,
        customer_id: int,
        amount: int,
        method: MethodLike,
        tendered: int | None = None,
        *,
        staff: StaffMember,
        shift_id: int | None,
    ) -> AccountReceipt:
        """Take a deposit: prepaid money, shown apart, that never raises the credit available."""
        return self._receipt(customer_id, "deposit", amount, method, tendered, staff, shift_id)

    def cancel_top_up(
        self,
        customer_id: int,
        amount: int,
        method: MethodLike,
        *,
        staff: StaffMember,
        shift_id: int | None,
        approved_by: StaffMember | None = None,
    ) -> AccountReceipt:
        """Give back `amount` of top-ups by the method that paid them; never more than the
        prepaid balance, nor than the top-ups taken by that method. Managers only: a cashier
        needs a manager's approval (`approved_by`, recorded; `staff` when a manager)."""
        approver = approved_by or (staff if staff.is_manager else None)
        if approver is None or not approver.is_manager:
            raise AccountPermissionError(_("Only a manager can cancel a top-up."))

        def by_method() -> tuple[PaidInvoice, ...]:
            net = database.execute_sql(
                "SELECT COALESCE(SUM(CASE kind WHEN 'topup' THEN amount ELSE -amount END), 0)"
                " FROM ledger_entry WHERE customer_id = ? AND method = ?"
                " AND kind IN ('topup', 'topup_cancel')",
                (customer_id, method.code),
            ).fetchone()[0]
            if amount > net:
                raise AccountError(
                    _("Only {method} top-ups can be refunded by {method}.").format(
                        method=method.label
                    )
                )
            return ()

        return self._receipt(
            customer_id, "topup_cancel", amount, method, None, staff, shift_id, by_method, approver
        )

    def settle(
        self,
        customer_id: int,
        amount: int,
        method: MethodLike,
        tendered: int | None = None,
        *,
        staff: StaffMember,
        shift_id: int | None,
    ) -> AccountReceipt:
        """Pay `amount` of the unpaid sales on account, oldest first; never above what is owed."""

        def paid() -> tuple[PaidInvoice, ...]:
            parts = ledger.allocate(self.open_invoices(customer_id), amount)
            return tuple(
                PaidInvoice(i.entry_id, i.sale_number, part, i.unpaid - part) for i, part in parts
            )

        return self._receipt(
            customer_id, "settlement", amount, method, tendered, staff, shift_id, paid
        )

    def sale_entry(
        self,
        customer_id: int,
        kind: str,
        amount: int,
        *,
        staff: StaffMember,
        shift_id: int | None,
        sale_id: int | None = None,
        method: str = "",
        reference: str = "",
        due_date: date | str | None = None,
    ) -> Balances:
        """Append the ledger entry of a sale or refund paid from (or back to) the customer's
        account: prepaid_payment, prepaid_refund, credit_charge or credit_refund. Checked
        against the balances read in the same transaction; the balances after.

        Inside an open transaction (Sales.complete) it joins it; otherwise it is its own."""
        if kind not in SALE_KINDS:
            raise AccountError(_("Unknown account movement: {kind}").format(kind=kind))
        if kind == "credit_charge" and due_date is None:
            raise AccountError(_("A sale on account needs a due date."))
        due = due_date.isoformat() if isinstance(due_date, date) else due_date

        def work() -> Balances:
            return self._record(
                customer_id,
                kind,
                amount,
                staff,
                shift=shift_id,
                sale=sale_id,
                method=method or ("credit" if kind.startswith("credit") else "prepaid"),
                tendered=amount,
                reference=reference,
                due_date=due,
            )[1]

        return run_in_transaction(work)

    def debit_prepaid(
        self,
        customer_id: int,
        amount: int,
        *,
        staff: StaffMember,
        shift_id: int | None,
        sale_id: int | None = None,
        method: str = "prepaid",
        reference: str = "",
    ) -> Balances:
        """Pay `amount` from the prepaid balance (never below zero); the balances after."""
        return self.sale_entry(
            customer_id, "prepaid_payment", amount, staff=staff, shift_id=shift_id,
            sale_id=sale_id, method=method, reference=reference,
        )  # fmt: skip

    def charge_credit(
        self,
        customer_id: int,
        amount: int,
        *,
        staff: StaffMember,
        shift_id: int | None,
        due_date: date | str,
        sale_id: int | None = None,
        method: str = "credit",
        reference: str = "",
    ) -> Balances:
        """Put `amount` on the customer's account (an unpaid invoice due on `due_date`), never
        above the credit available; the balances after."""
        return self.sale_entry(
            customer_id, "credit_charge", amount, staff=staff, shift_id=shift_id,
            sale_id=sale_id, method=method, reference=reference, due_date=due_date,
        )  # fmt: skip

    def set_credit_limit(
        self,
        customer_id: int,
        limit: int | None,
        staff: StaffMember,
        approved_by: StaffMember | None = None,
    ) -> Balances:
        """Set (or remove, with None) the customer's credit limit. Managers only: a cashier
        needs a manager's approval (`approved_by`, recorded beside the cashier)."""
        approver = approved_by or (staff if staff.is_manager else None)
        if approver is None or not approver.is_manager:
            raise AccountPermissionError(_("Only a manager can set a credit limit."))
        if limit is not None and limit < 0:
            raise AccountError(_("The credit limit cannot be negative."))

        def work() -> Balances:
            old = self._customer(customer_id).credit_limit
            CustomerRow.update(credit_limit=limit).where(CustomerRow.id == customer_id).execute()
            journal.append(
                self.register,
                "credit_limit",
                staff.id,
                {"customer": customer_id, "old": old, "new": limit, "approved_by": approver.id},
            )
            return self.balances(customer_id)

        return run_in_transaction(work)
