"""Tenders: how a sale is paid, and the rules that keep the money right.

Change is given only from cash; no other tender may exceed what is still due.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from till_tui.i18n import _


class TenderError(ValueError):
    """A tender the payment refuses; the message is for the cashier."""


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


def make_tender(
    *, method: str, kind: str, label: str, typed: int, due: int, reference: str = ""
) -> Tender:
    """A tender of `typed` minor units against `due`.

    Cash gives change; no other kind may exceed what is due.
    """
    if typed <= 0:
        raise TenderError(_("Type an amount more than zero."))
    if due <= 0:
        raise TenderError(_("Nothing is due: press F10 to complete the sale."))
    if kind == "cash":
        amount = min(typed, due)
        return Tender(method, kind, label, amount, typed, typed - amount, reference)
    if typed > due:
        raise TenderError(_("Only cash can be more than the amount due (to give change)."))
    return Tender(method, kind, label, typed, typed, 0, reference)
