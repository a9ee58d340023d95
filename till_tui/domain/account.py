"""What the customer account returns to the till: receipts of top-ups and settlements, and
statement lines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from till_tui.domain.customer import Customer
from till_tui.domain.ledger import Balances


@dataclass(frozen=True, slots=True)
class PaidInvoice:
    """The part of one sale on account that a settlement paid."""

    entry_id: int
    sale_number: int | None
    amount: int
    unpaid_after: int


@dataclass(frozen=True, slots=True)
class AccountReceipt:
    """A top-up, cancelled top-up, deposit or settlement as its receipt prints it."""

    number: int
    kind: str
    customer: Customer
    amount: int
    method: str
    method_label: str
    tendered: int
    change: int
    balances: Balances
    created_at: datetime
    register: str
    cashier: str
    invoices: tuple[PaidInvoice, ...] = ()
    approved_by: str = ""
    """The manager who approved it for the cashier (a cancelled top-up), else ""."""


@dataclass(frozen=True, slots=True)
class StatementLine:
    """One movement of a customer's account, with the balances after it.

    `amount` is signed on the balance it moves: + adds to prepaid (top-up, deposit) or to unpaid
    (sale on account); - takes from prepaid (payment, cancelled top-up) or from unpaid
    (settlement).
    """

    created_at: datetime
    kind: str
    receipt_number: int | None
    sale_number: int | None
    register: str
    cashier: str
    method: str
    amount: int
    prepaid: int
    unpaid: int
    due_date: str | None = None
    reference: str = ""
    approved_by: str = ""
    """The manager who approved the movement for the cashier, else ""."""

    @property
    def number(self) -> str:
        """The receipt or sale number as printed on the statement."""
        if self.sale_number is not None:
            return f"S{self.sale_number}"
        return f"R{self.receipt_number}" if self.receipt_number is not None else ""
