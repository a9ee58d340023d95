"""A customer's money: the rules of the append-only ledger, as pure functions.

Two balances live side by side:

- prepaid (wallet, cagnotte, deposits): top-ups and deposits add, prepaid payments and cancelled
  top-ups subtract, a refund of a prepaid payment adds back. It never goes below zero.
- unpaid (credit account): a sale on account charges it, settlements and refunds of sales on
  account reduce it. It never goes below zero, and a charge never goes above what is available:
  available = credit limit - unpaid, deposits excluded; no limit means no credit at all.

Every amount in the ledger is positive; its kind says which balance it moves and which way.
Deposits are prepaid money, counted apart in `deposits` (all deposits taken) so a statement can
show them; they never raise what is available on credit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal, get_args

from till_tui.i18n import _

EntryKind = Literal[
    "topup",
    "topup_cancel",
    "deposit",
    "prepaid_payment",
    "prepaid_refund",
    "credit_charge",
    "settlement",
    "credit_refund",
]
ENTRY_KINDS: tuple[EntryKind, ...] = get_args(EntryKind)

PREPAID_SIGN: dict[str, int] = {
    "topup": 1,
    "deposit": 1,
    "prepaid_refund": 1,
    "topup_cancel": -1,
    "prepaid_payment": -1,
}
"""How each kind moves the prepaid balance."""

UNPAID_SIGN: dict[str, int] = {"credit_charge": 1, "settlement": -1, "credit_refund": -1}
"""How each kind moves the unpaid balance of the credit account."""


class LedgerError(ValueError):
    """A movement the ledger refuses; the message is for the cashier."""


@dataclass(frozen=True, slots=True)
class Balances:
    """A customer's balances, all in minor units."""

    prepaid: int = 0
    unpaid: int = 0
    deposits: int = 0
    credit_limit: int | None = None

    @property
    def available(self) -> int:
        """What may still be charged on account: limit - unpaid, never negative; 0 without a
        limit. Deposits do not count."""
        if self.credit_limit is None:
            return 0
        return max(self.credit_limit - self.unpaid, 0)

    @property
    def has_credit(self) -> bool:
        return self.credit_limit is not None


def signed(kind: str, amount: int) -> tuple[int, int]:
    """(change of prepaid, change of unpaid) for a movement of `kind`."""
    if kind not in PREPAID_SIGN and kind not in UNPAID_SIGN:
        raise LedgerError(_("Unknown account movement: {kind}").format(kind=kind))
    return PREPAID_SIGN.get(kind, 0) * amount, UNPAID_SIGN.get(kind, 0) * amount


def balances(entries: Iterable[tuple[str, int]], credit_limit: int | None = None) -> Balances:
    """Fold (kind, amount) entries, amounts positive, into balances. Sums per kind fold the
    same way as single entries, so the store may pass SQL sums."""
    prepaid = unpaid = deposits = 0
    for kind, amount in entries:
        d_prepaid, d_unpaid = signed(kind, amount)
        prepaid += d_prepaid
        unpaid += d_unpaid
        if kind == "deposit":
            deposits += amount
    return Balances(prepaid, unpaid, deposits, credit_limit)


def check(current: Balances, kind: str, amount: int) -> None:
    """Raise LedgerError if a movement of `kind` and `amount` breaks a rule on `current`."""
    if amount <= 0:
        raise LedgerError(_("The amount must be more than zero."))
    signed(kind, amount)  # unknown kinds are refused
    if kind == "prepaid_payment" and amount > current.prepaid:
        raise LedgerError(_("Not enough prepaid balance for this payment."))
    if kind == "topup_cancel" and amount > current.prepaid:
        raise LedgerError(_("A top-up cannot be cancelled for more than the prepaid balance."))
    if kind == "credit_charge":
        if current.credit_limit is None:
            raise LedgerError(_("This customer has no credit account."))
        if amount > current.available:
            raise LedgerError(_("This is more than the credit available."))
    if kind == "settlement" and amount > current.unpaid:
        raise LedgerError(_("This is more than the customer owes."))
    if kind == "credit_refund" and amount > current.unpaid:
        raise LedgerError(_("This refund is more than the customer owes on account."))


def apply(current: Balances, kind: str, amount: int) -> Balances:
    """`current` after a movement, checked first (raises LedgerError when refused)."""
    check(current, kind, amount)
    d_prepaid, d_unpaid = signed(kind, amount)
    return replace(
        current,
        prepaid=current.prepaid + d_prepaid,
        unpaid=current.unpaid + d_unpaid,
        deposits=current.deposits + (amount if kind == "deposit" else 0),
    )


@dataclass(frozen=True, slots=True)
class OpenInvoice:
    """A sale on account (a credit charge) and what is still unpaid of it."""

    entry_id: int
    sale_number: int | None
    due_date: str | None
    amount: int
    unpaid: int


def open_invoices(
    charges: Iterable[tuple[int, int | None, str | None, int]], paid: int
) -> list[OpenInvoice]:
    """Invoices (entry id, sale number, due date, amount), oldest first, after `paid` (all
    settlements and refunds on account) is allocated to the oldest first; paid ones dropped."""
    result = []
    for entry_id, sale_number, due_date, amount in charges:
        used = min(paid, amount)
        paid -= used
        if amount - used:
            result.append(OpenInvoice(entry_id, sale_number, due_date, amount, amount - used))
    return result


def allocate(invoices: Iterable[OpenInvoice], amount: int) -> list[tuple[OpenInvoice, int]]:
    """What a settlement of `amount` pays of each open invoice, oldest first."""
    result = []
    for invoice in invoices:
        if amount <= 0:
            break
        part = min(amount, invoice.unpaid)
        result.append((invoice, part))
        amount -= part
    return result
