"""Tenders: how a sale is paid, and the rules that keep the money right.

Change is given only from cash; no other tender may exceed what is still due. A card tender
may carry the card's last 4 digits; an external or other tender a reference (a room number, a
cheque number). Prepaid and credit tenders need an attached customer and never exceed what
the customer's account allows (the store checks again when the sale is written).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from till_tui.i18n import _

ACCOUNT_KINDS = ("prepaid", "credit")
"""Kinds paid from the attached customer's account."""

MONEY_IN_KINDS = ("cash", "card", "external", "other")
"""Kinds that bring money from outside the customer's account: they can pay a top-up, a
deposit or a settlement (prepaid and credit cannot)."""

MAX_REFERENCE = 40
"""The longest reference a cashier may type (a room number, a cheque number...)."""


class TenderError(ValueError):
    """A tender the payment refuses; the message is for the cashier."""


class OverAvailable(TenderError):
    """More than the customer's account allows: `available` is what it still allows."""

    def __init__(self, message: str, available: int) -> None:
        super().__init__(message)
        self.available = available


@dataclass(frozen=True, slots=True)
class Tender:
    """One payment towards a sale. `amount` is what it pays of the sale: tendered - change."""

    method: str
    kind: str
    label: str
    amount: int
    tendered: int
    change: int = 0
    reference: str = ""
    last4: str = ""
    """Card: the last 4 digits of the card, for finding the payment later."""
    external_id: str = ""
    """External: the method's id in the external system (e.g. the hotel's PMS)."""
    due_days: int = 0
    """Credit: days until the sale on account is due."""

    @property
    def on_account(self) -> bool:
        """Paid from (or charged to) the customer's account: prepaid or credit."""
        return self.kind in ACCOUNT_KINDS

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Tender:
        return cls(
            method=str(data["method"]),
            kind=str(data["kind"]),
            label=str(data["label"]),
            amount=int(data["amount"]),
            tendered=int(data["tendered"]),
            change=int(data["change"]),
            reference=str(data.get("reference", "")),
            last4=str(data.get("last4", "")),
            external_id=str(data.get("external_id", "")),
            due_days=int(data.get("due_days", 0)),
        )


@dataclass(frozen=True, slots=True)
class PaymentState:
    """Where a payment stands: what is paid, what is still due, the change to give."""

    total: int
    paid: int
    due: int
    change: int

    @property
    def complete(self) -> bool:
        return self.due == 0


def payment_state(total: int, tenders: Sequence[Tender]) -> PaymentState:
    paid = sum(t.amount for t in tenders)
    return PaymentState(
        total=total,
        paid=paid,
        due=max(total - paid, 0),
        change=sum(t.change for t in tenders),
    )


def used_from_account(tenders: Sequence[Tender], kind: str) -> int:
    """What the tenders already take from the customer's account of `kind` (prepaid, credit)."""
    return sum(t.amount for t in tenders if t.kind == kind)


def check_last4(text: str) -> str:
    """The last 4 digits of a card as typed: exactly 4 digits (spaces ignored)."""
    digits = text.replace(" ", "")
    if len(digits) != 4 or not digits.isascii() or not digits.isdigit():
        raise TenderError(_("Type the last 4 digits of the card."))
    return digits


def check_reference(text: str, *, required: bool) -> str:
    """A reference as typed: one line, at most MAX_REFERENCE characters; required or not."""
    reference = " ".join(text.split())
    if required and not reference:
        raise TenderError(_("Type the reference (e.g. the room number) first."))
    if len(reference) > MAX_REFERENCE:
        raise TenderError(
            _("The reference is too long (at most {n} characters).").format(n=MAX_REFERENCE)
        )
    if not reference.isprintable():
        raise TenderError(_("The reference has characters that cannot be printed."))
    return reference


def make_tender(
    *,
    method: str,
    kind: str,
    label: str,
    typed: int,
    due: int,
    reference: str = "",
    last4: str = "",
    external_id: str = "",
    due_days: int = 0,
    available: int | None = None,
) -> Tender:
    """A tender of `typed` minor units against `due`.

    Cash gives change; no other kind may exceed what is due. Prepaid and credit tenders need
    `available`: what the customer's account still allows after the tenders already taken
    (None when no customer is attached).
    """
    if typed <= 0:
        raise TenderError(_("Type an amount more than zero."))
    if due <= 0:
        raise TenderError(_("Nothing is due: press F10 to complete the sale."))
    if last4:
        last4 = check_last4(last4)
    if kind == "cash":
        amount = min(typed, due)
        return Tender(method, kind, label, amount, typed, typed - amount, reference)
    if typed > due:
        raise TenderError(_("Only cash can be more than the amount due (to give change)."))
    if kind in ACCOUNT_KINDS:
        if available is None:
            raise TenderError(_("Attach the customer first (F2 or scan the card)."))
        if typed > available:
            message = (
                _("Not enough prepaid balance for this payment.")
                if kind == "prepaid"
                else _("This is more than the credit available.")
            )
            raise OverAvailable(message, available)
    return Tender(
        method,
        kind,
        label,
        typed,
        typed,
        0,
        reference,
        last4=last4,
        external_id=external_id if kind == "external" else "",
        due_days=due_days if kind == "credit" else 0,
    )
