"""The ledger of customer money as the store keeps it: balances as SQL sums, open invoices,
statements, and appending one checked entry with its journal row.

Appending re-reads the balances inside the caller's write transaction (BEGIN IMMEDIATE holds the
write lock, so two tills cannot both spend the same money) and checks the rule in
domain/ledger.py first. A busy database is retried a few times before the cashier sees an error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from till_tui.domain import ledger
from till_tui.domain.account import StatementLine
from till_tui.domain.customer import Customer
from till_tui.domain.ledger import Balances, LedgerError, OpenInvoice
from till_tui.domain.staff import StaffMember
from till_tui.store import journal
from till_tui.store.customers import CustomerError, Customers
from till_tui.store.db import database, in_transaction
from till_tui.store.models import LedgerEntry

T = TypeVar("T")

_SUMS_SQL = "SELECT kind, SUM(amount) FROM ledger_entry WHERE customer_id = ? GROUP BY kind"
_STATEMENT_SQL = (
    "SELECT e.created_at, e.kind, e.amount, e.receipt_number, s.number, e.register, st.name,"
    " COALESCE(e.method, ''), e.due_date, e.reference, COALESCE(ap.name, '')"
    " FROM ledger_entry AS e JOIN staff AS st ON st.id = e.staff_id"
    " LEFT JOIN staff AS ap ON ap.id = e.approved_by AND ap.id <> e.staff_id"
    " LEFT JOIN sale AS s ON s.id = e.sale_id"
    " WHERE e.customer_id = ? ORDER BY e.id"
)
_CHARGES_SQL = (
    "SELECT e.id, s.number, e.due_date, e.amount FROM ledger_entry AS e"
    " LEFT JOIN sale AS s ON s.id = e.sale_id"
    " WHERE e.customer_id = ? AND e.kind = 'credit_charge' ORDER BY e.id"
)


class AccountError(ValueError):
    """A refused account operation; the message is for the cashier."""


class AccountPermissionError(AccountError, PermissionError):
    """The staff member may not do this (e.g. a cashier setting a credit limit)."""


def run_in_transaction(work: Callable[[], T]) -> T:
    """`work()` in one write transaction (a busy database is waited for and retried by
    `transaction()` itself); inside an open transaction (e.g. Sales.complete) it simply runs
    in that transaction."""
    if database.in_transaction():
        return work()
    return in_transaction(work)


class LedgerBook:
    """Reading and appending one register's ledger entries; Accounts builds on it."""

    def __init__(self, register: str) -> None:
        self.register = register
        self.customers = Customers()

    # --- reading ----------------------------------------------------------------------------

    def _customer(self, customer_id: int) -> Customer:
        try:
            return self.customers.get(customer_id)
        except CustomerError as error:
            raise AccountError(str(error)) from None

    def balances(self, customer_id: int) -> Balances:
        """The customer's balances: SQL sums of the ledger, by kind."""
        customer = self._customer(customer_id)
        sums = database.execute_sql(_SUMS_SQL, (customer_id,)).fetchall()
        return ledger.balances(((kind, int(total)) for kind, total in sums), customer.credit_limit)

    def open_invoices(self, customer_id: int) -> list[OpenInvoice]:
        """Sales on account not fully paid, oldest first (settlements pay the oldest first)."""
        paid = database.execute_sql(
            "SELECT COALESCE(SUM(amount), 0) FROM ledger_entry"
            " WHERE customer_id = ? AND kind IN ('settlement', 'credit_refund')",
            (customer_id,),
        ).fetchone()[0]
        charges = database.execute_sql(_CHARGES_SQL, (customer_id,)).fetchall()
        return ledger.open_invoices(charges, int(paid))

    def statement(self, customer_id: int) -> list[StatementLine]:
        """Every movement of the account, oldest first, with the running balances."""
        self._customer(customer_id)
        prepaid = unpaid = 0
        lines = []
        for row in database.execute_sql(_STATEMENT_SQL, (customer_id,)):
            stamp, kind, amount, receipt, sale, register, cashier, method, due, ref, approver = row
            d_prepaid, d_unpaid = ledger.signed(kind, amount)
            prepaid += d_prepaid
            unpaid += d_unpaid
            lines.append(
                StatementLine(
                    created_at=LedgerEntry.created_at.python_value(stamp),
                    kind=kind,
                    receipt_number=receipt,
                    sale_number=sale,
                    register=register,
                    cashier=cashier,
                    method=method,
                    amount=d_prepaid or d_unpaid,
                    prepaid=prepaid,
                    unpaid=unpaid,
                    due_date=due,
                    reference=ref,
                    approved_by=approver,
                )
            )
        return lines

    # --- writing ----------------------------------------------------------------------------

    def _record(
        self, customer_id: int, kind: str, amount: int, staff: StaffMember, **fields: Any
    ) -> tuple[LedgerEntry, Balances]:
        """Check and append one entry and its journal row. Call inside a transaction."""
        before = self.balances(customer_id)
        try:
            after = ledger.apply(before, kind, amount)
        except LedgerError as error:
            raise AccountError(str(error)) from None
        entry = LedgerEntry.create(
            customer=customer_id,
            kind=kind,
            amount=amount,
            register=self.register,
            staff=staff.id,
            **fields,
        )
        payload = {
            "customer": customer_id,
            "entry": entry.id,
            "amount": amount,
            "receipt": fields.get("receipt_number"),
            "sale": fields.get("sale"),
            "method": fields.get("method"),
            "tendered": fields.get("tendered", 0),
            "change": fields.get("change_given", 0),
            "prepaid": after.prepaid,
            "unpaid": after.unpaid,
        }
        if fields.get("approved_by") is not None:  # a manager approved (a cancelled top-up)
            payload["approved_by"] = fields["approved_by"]
        journal.append(self.register, kind, staff.id, payload)
        return entry, after
