"""What a cashier may not do alone on a sale: give a discount above the configured limit
(`[till] cashier_max_discount`, a percentage) or sell below the catalogue price.

Pure rules shared by the sale screen, which asks a cashier for a manager's PIN and writes the
approving manager on the cart (so it survives in the draft), and the store, which refuses to
complete a sale that still lacks an approval and records who gave it. Extra charges are never
limited, and raising a price needs nobody.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal

from till_tui.domain.cart import MAX_PERCENT, Adjustment, Cart
from till_tui.i18n import _

ApprovalKind = Literal["discount", "price"]


def discount_rate(adjustment: Adjustment, base: int) -> int:
    """What the discount takes off `base` (the line's gross or the basket subtotal it applies
    to), in basis points rounded up; 0 for an extra charge."""
    if adjustment.surcharge:
        return 0
    if adjustment.kind == "percent":
        return adjustment.value
    if base <= 0:
        return MAX_PERCENT
    return -(-adjustment.value * MAX_PERCENT // base)


def over_limit(adjustment: Adjustment, base: int, limit_percent: int) -> bool:
    """Is `adjustment` a discount of more than `limit_percent` % of `base`?"""
    return discount_rate(adjustment, base) > limit_percent * 100


@dataclass(frozen=True, slots=True)
class Approval:
    """Something on the cart only a manager may allow: a discount above the limit, or a unit
    price below the catalogue price; on line `line`, or (None) the discount on the whole sale."""

    kind: ApprovalKind
    line: int | None
    approved_by: int | None
    """The approving manager's staff id; None while nobody approved."""
    rate: int = 0
    """A discount: what it takes off, in basis points."""


def needed(cart: Cart, limit_percent: int) -> tuple[Approval, ...]:
    """Every approval the cart needs when a cashier completes it, given or not."""
    needs = []
    for index, line in enumerate(cart.lines):
        if line.price_lowered:
            needs.append(Approval("price", index, line.price_approved_by))
        adjustment = line.adjustment
        if adjustment is not None and over_limit(adjustment, line.gross, limit_percent):
            rate = discount_rate(adjustment, line.gross)
            needs.append(Approval("discount", index, adjustment.approved_by, rate))
    basket = cart.adjustment
    if basket is not None and cart.lines:
        subtotal = sum(line.net for line in cart.lines)
        if over_limit(basket, subtotal, limit_percent):
            rate = discount_rate(basket, subtotal)
            needs.append(Approval("discount", None, basket.approved_by, rate))
    return tuple(needs)


def missing(cart: Cart, limit_percent: int) -> tuple[Approval, ...]:
    """The approvals the cart needs and nobody gave yet."""
    return tuple(need for need in needed(cart, limit_percent) if need.approved_by is None)


def approve(cart: Cart, manager_id: int, needs: Iterable[Approval]) -> Cart:
    """`cart` with `needs` (from `missing`) approved by the manager `manager_id`."""
    lines = list(cart.lines)
    basket = cart.adjustment
    for need in needs:
        if need.line is None:
            assert basket is not None
            basket = replace(basket, approved_by=manager_id)
            continue
        line = lines[need.line]
        if need.kind == "price":
            lines[need.line] = replace(line, price_approved_by=manager_id)
        else:
            assert line.adjustment is not None
            adjustment = replace(line.adjustment, approved_by=manager_id)
            lines[need.line] = replace(line, adjustment=adjustment)
    return replace(cart, lines=tuple(lines), adjustment=basket)


def refusal(cart: Cart, need: Approval) -> str:
    """Why a cashier cannot complete the sale alone, for the cashier."""
    if need.line is None:
        return _("The discount on the sale is more than a cashier may give alone.")
    name = cart.lines[need.line].name
    if need.kind == "price":
        return _("The price of {name} is below the catalogue price.").format(name=name)
    return _("The discount on {name} is more than a cashier may give alone.").format(name=name)
