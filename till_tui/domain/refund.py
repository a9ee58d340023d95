"""Refunds: what is left to refund of a sale, and what a refund gives back. Pure.

A refund is a sale of its own that references the sale it refunds (see
store/migrations/m0004_shifts.py). Here every amount is positive, in the sense of the original
sale: "what is given back". The store writes the refund's money negated.

Line amounts. Refunding k of the q of an original line whose stored total is T gives back
round(T * k / q), half-up, but never more than is left of T; refunding what is left of the line
gives back exactly what is left. The line's own adjustment and its share of the basket
adjustment are given back the same way, so the refunds of a line add up to the line, never
more, and a discount given on the line is given back with it.

VAT. Per rate, `vat_breakdown` on the refund's line amounts, kept within what is left of the
rate's VAT and base: so the refunds of a rate never exceed its VAT or its base, and a refund
that returns all that is left of a rate (a whole sale, in particular) returns exactly the VAT
left.

Tenders. The money goes back through the original tenders by default: the non-cash tenders
first, in the order they were taken (card to the card, prepaid to the balance, credit off the
unpaid account, a room charge to the room, a cheque as a cheque), then cash last, each at most
what is left of it (its amount less what earlier refunds gave back through the same method,
kind, card and reference). Or all of it as store credit: the customer's prepaid balance. Money
never leaves as change: a refund's tender gives back exactly its amount.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from till_tui.domain.cart import Adjustment
from till_tui.domain.customer import Customer
from till_tui.domain.ledger import Balances
from till_tui.domain.money import format_quantity, half_up_div
from till_tui.domain.tender import Tender
from till_tui.domain.vat import VatLine, vat_breakdown
from till_tui.i18n import _, current_locale


class RefundError(ValueError):
    """A refund the till refuses; the message is for the cashier."""


@dataclass(frozen=True, slots=True)
class OriginalLine:
    """A line of the sale being refunded, with what earlier refunds gave back of it."""

    line_id: int
    position: int
    product_id: int
    code: str
    name: str
    unit_price: int
    vat_rate: int
    quantity: int
    adjustment: Adjustment | None
    adjustment_amount: int
    basket_share: int
    total: int
    refunded_quantity: int = 0
    refunded_adjustment: int = 0
    refunded_share: int = 0
    refunded_total: int = 0

    @property
    def remaining(self) -> int:
        """The quantity (thousandths) still to refund."""
        return self.quantity - self.refunded_quantity


@dataclass(frozen=True, slots=True)
class OriginalTender:
    """A payment of the sale being refunded, and what refunds already gave back through it."""

    method: str
    kind: str
    label: str
    amount: int
    reference: str = ""
    last4: str = ""
    external_id: str = ""
    refunded: int = 0

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.method, self.kind, self.last4, self.reference)

    @property
    def left(self) -> int:
        """What may still go back through this tender."""
        return max(self.amount - self.refunded, 0)


def with_earlier_refunds(
    tenders: Iterable[OriginalTender], given_back: Iterable[tuple[str, str, str, str, int]]
) -> tuple[OriginalTender, ...]:
    """`tenders` with what earlier refunds gave back through each: (method, kind, last4,
    reference, amount given back) rows are matched to the tenders with that key, the first
    tender first (two card payments with the same card count as one)."""
    result = list(tenders)
    for method, kind, last4, reference, amount in given_back:
        for index, tender in enumerate(result):
            if amount <= 0:
                break
            if tender.key != (method, kind, last4, reference):
                continue
            part = min(amount, tender.left)
            if part:
                result[index] = replace(tender, refunded=tender.refunded + part)
                amount -= part
        # A refund through a method the sale was not paid by (store credit on a sale with no
        # prepaid tender) takes nothing from the tenders.
    return tuple(result)


@dataclass(frozen=True, slots=True)
class Refundable:
    """A sale as a refund sees it: its lines and tenders with what is left of them."""

    sale_id: int
    number: int
    register: str
    created_at: datetime
    cashier: str
    lines: tuple[OriginalLine, ...]
    vat: tuple[VatLine, ...]
    """The sale's VAT table."""
    refunded_vat: tuple[VatLine, ...]
    """What earlier refunds gave back, per rate (positive)."""
    tenders: tuple[OriginalTender, ...]
    customer: Customer | None = None
    balances: Balances | None = None
    """The customer's balances now (None without a customer)."""
    refunds: tuple[int, ...] = ()
    """The numbers of the earlier refunds of this sale."""
    basket_rule: Adjustment | None = None
    """The sale's basket discount or extra charge (its label on the refund's receipt)."""

    @property
    def total(self) -> int:
        return sum(line.total for line in self.lines)

    @property
    def refunded_total(self) -> int:
        return sum(line.refunded_total for line in self.lines)

    @property
    def fully_refunded(self) -> bool:
        return all(line.remaining == 0 for line in self.lines)

    def line(self, line_id: int) -> OriginalLine:
        for line in self.lines:
            if line.line_id == line_id:
                return line
        raise RefundError(
            _("Sale N° {number} has no such line.").format(number=self.number)
        ) from None


@dataclass(frozen=True, slots=True)
class RefundLine:
    """What a refund gives back of one original line (amounts positive, as in the sale)."""

    origin: OriginalLine
    quantity: int
    adjustment_amount: int
    """The part of the line's own adjustment given back (negative for a discount)."""
    basket_share: int
    """The part of the line's share of the basket adjustment given back."""
    total: int

    @property
    def net(self) -> int:
        """The amount before the basket share: what the receipt prints for the line."""
        return self.total - self.basket_share


@dataclass(frozen=True, slots=True)
class StoreCredit:
    """The prepaid method store credit is recorded with (the configured prepaid method)."""

    method: str
    label: str


@dataclass(frozen=True, slots=True)
class RefundPlan:
    """A refund worked out: its lines, VAT and tenders, every amount positive."""

    lines: tuple[RefundLine, ...]
    vat: tuple[VatLine, ...]
    tenders: tuple[Tender, ...]
    store_credit: bool = False
    completes: bool = False
    """After it, nothing of the sale is left to refund."""

    @property
    def total(self) -> int:
        return sum(line.total for line in self.lines)

    @property
    def subtotal(self) -> int:
        return sum(line.net for line in self.lines)

    @property
    def basket_adjustment(self) -> int:
        return sum(line.basket_share for line in self.lines)

    @property
    def discount_total(self) -> int:
        """The discounts given back with the lines, line and basket (positive)."""
        return -sum(
            part
            for line in self.lines
            for part in (line.adjustment_amount, line.basket_share)
            if part < 0
        )

    @property
    def vat_total(self) -> int:
        return sum(v.vat for v in self.vat)

    @property
    def has_cash(self) -> bool:
        return any(t.kind == "cash" for t in self.tenders)

    def back_through(self, kind: str) -> int:
        return sum(t.amount for t in self.tenders if t.kind == kind)


def _part(whole: int, left: int, quantity: int, of: int, last: bool) -> int:
    """`quantity` of `of` of `whole`, half-up, never beyond `left`; exactly `left` if `last`."""
    if last:
        return left
    share = half_up_div(whole * quantity, of)
    return min(share, left) if whole >= 0 else max(share, left)


def refund_line(origin: OriginalLine, quantity: int) -> RefundLine:
    """What refunding `quantity` (thousandths) of `origin` gives back."""
    if quantity <= 0:
        raise RefundError(_("The quantity to refund must be more than zero."))
    if origin.remaining == 0:
        raise RefundError(_("{name} was already refunded in full.").format(name=origin.name))
    if quantity > origin.remaining:
        raise RefundError(
            _("Only {left} of {name} is left to refund.").format(
                left=format_quantity(origin.remaining, current_locale()), name=origin.name
            )
        )
    last = quantity == origin.remaining
    return RefundLine(
        origin=origin,
        quantity=quantity,
        adjustment_amount=_part(
            origin.adjustment_amount,
            origin.adjustment_amount - origin.refunded_adjustment,
            quantity,
            origin.quantity,
            last,
        ),
        basket_share=_part(
            origin.basket_share,
            origin.basket_share - origin.refunded_share,
            quantity,
            origin.quantity,
            last,
        ),
        total=_part(
            origin.total, origin.total - origin.refunded_total, quantity, origin.quantity, last
        ),
    )


def refund_vat(
    vat: Iterable[VatLine], refunded: Iterable[VatLine], lines: Iterable[RefundLine]
) -> tuple[VatLine, ...]:
    """The VAT table of a refund of `lines`: `vat_breakdown` on their amounts, per rate kept
    within what is left of the sale's VAT (`vat` less `refunded`) and of its base."""
    left: dict[int, list[int]] = {}
    for row in vat:
        left[row.rate] = [row.total, row.vat]
    for row in refunded:
        total, tax = left.setdefault(row.rate, [0, 0])
        left[row.rate] = [total - row.total, tax - row.vat]
    result = []
    for row in vat_breakdown((line.origin.vat_rate, line.total) for line in lines):
        total_left, vat_left = left.get(row.rate, [row.total, row.vat])
        base_left = total_left - vat_left
        tax = max(min(row.vat, vat_left), row.total - base_left)
        result.append(VatLine(rate=row.rate, base=row.total - tax, vat=tax, total=row.total))
    return tuple(result)


def allocate(tenders: Iterable[OriginalTender], amount: int) -> tuple[Tender, ...]:
    """`amount` given back through the original tenders: non-cash first, in their order, then
    cash, each at most what is left of it. Raises RefundError if they cannot take it all."""
    ordered = sorted(tenders, key=lambda t: t.kind == "cash")  # stable: original order kept
    result = []
    for tender in ordered:
        if amount <= 0:
            break
        part = min(amount, tender.left)
        if part <= 0:
            continue
        result.append(
            Tender(
                method=tender.method,
                kind=tender.kind,
                label=tender.label,
                amount=part,
                tendered=part,
                change=0,
                reference=tender.reference,
                last4=tender.last4,
                external_id=tender.external_id,
            )
        )
        amount -= part
    if amount > 0:
        raise RefundError(_("The sale's payments cannot take this refund back."))
    return tuple(result)


def plan_refund(
    sale: Refundable,
    quantities: Mapping[int, int],
    *,
    store_credit: StoreCredit | None = None,
) -> RefundPlan:
    """The refund of `quantities` (original line id -> thousandths) of `sale`: back through
    the original tenders, or all of it as store credit (the prepaid balance) if `store_credit`.

    Raises RefundError when nothing is chosen, a quantity is more than is left of its line, or
    a refund on account is more than the customer still owes (then store credit is the way)."""
    chosen = {line_id: qty for line_id, qty in quantities.items() if qty}
    if not chosen:
        raise RefundError(_("Choose what to refund first."))
    lines = tuple(
        refund_line(line, chosen[line.line_id]) for line in sale.lines if line.line_id in chosen
    )
    if len(lines) != len(chosen):
        unknown = min(set(chosen) - {line.origin.line_id for line in lines})
        sale.line(unknown)  # raises: no such line
    completes = all(line.remaining == chosen.get(line.line_id, 0) for line in sale.lines)
    vat = refund_vat(sale.vat, sale.refunded_vat, lines)
    total = sum(line.total for line in lines)
    if store_credit is not None:
        tenders: tuple[Tender, ...] = ()
        if total > 0:
            tenders = (
                Tender(
                    method=store_credit.method,
                    kind="prepaid",
                    label=store_credit.label,
                    amount=total,
                    tendered=total,
                ),
            )
    else:
        tenders = allocate(sale.tenders, total)
        on_account = sum(t.amount for t in tenders if t.kind == "credit")
        if on_account and (sale.balances is None or on_account > sale.balances.unpaid):
            raise RefundError(
                _("The customer owes less than this on account: refund as store credit instead.")
            )
    return RefundPlan(
        lines=lines,
        vat=vat,
        tenders=tenders,
        store_credit=store_credit is not None,
        completes=completes,
    )
