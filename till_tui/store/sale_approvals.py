"""The manager approvals of a sale, as the store checks and records them.

What a cashier may not do alone (a discount above `[till] cashier_max_discount`, a unit price
below the catalogue price) is decided in domain/approvals.py; here the approving managers the
cart names are checked against the staff table inside the sale's transaction, and an
approval that is missing refuses the sale. The approvers go to their own columns (see
migrations/m0005_approvals.py); the stored rule of an adjustment says only what it is.
"""

from __future__ import annotations

import json
from dataclasses import replace

from till_tui.domain import approvals
from till_tui.domain.cart import Adjustment, Cart
from till_tui.domain.staff import StaffMember
from till_tui.i18n import _
from till_tui.store.models import Staff

Approvers = dict[tuple[approvals.ApprovalKind, int | None], int]
"""The approving manager's staff id of each (kind, line index) that needed one (line None:
the discount on the whole sale)."""


class ApprovalMissing(PermissionError):
    """Something on the cart needs a manager and none approved it; the message says what."""


def approvers_of(cart: Cart, staff: StaffMember, limit_percent: int) -> Approvers:
    """Who approved each thing on the cart a cashier may not do alone: the manager the cart
    names, if the staff table says a manager, else `staff` when a manager. Raises
    ApprovalMissing otherwise. Call inside the sale's transaction."""
    needs = approvals.needed(cart, limit_percent)
    named = {need.approved_by for need in needs if need.approved_by is not None}
    managers = set()
    if named:
        query = Staff.select(Staff.id).where(Staff.id.in_(named) & (Staff.role == "manager"))
        managers = {row.id for row in query}
    found: Approvers = {}
    for need in needs:
        if need.approved_by in managers:
            found[need.kind, need.line] = need.approved_by
        elif staff.is_manager:
            found[need.kind, need.line] = staff.id
        else:
            reason = approvals.refusal(cart, need)
            raise ApprovalMissing(_("{reason} A manager must approve it.").format(reason=reason))
    return found


def journal_entry(found: Approvers) -> list[list[object]]:
    """[kind, line position (0: the whole sale), approving manager] of each approval."""
    return [
        [kind, 0 if line is None else line + 1, manager] for (kind, line), manager in found.items()
    ]


def stored_rule(adjustment: Adjustment | None) -> str | None:
    """An adjustment as sale.basket_rule / sale_line.adjustment store it: what it is (who
    approved it has its own column)."""
    if adjustment is None:
        return None
    return json.dumps(replace(adjustment, approved_by=None).to_dict())


def read_rule(rule: str | None, approved_by: int | None) -> Adjustment | None:
    """The adjustment stored as `rule`, with the manager who approved it."""
    if not rule:
        return None
    return replace(Adjustment.from_dict(json.loads(rule)), approved_by=approved_by)
