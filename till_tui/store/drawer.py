"""The cash drawer opened without a sale ("no sale"): only with a manager's approval, and
always recorded and journaled."""

from __future__ import annotations

from till_tui.domain.staff import StaffMember
from till_tui.i18n import _
from till_tui.store import journal
from till_tui.store.db import in_transaction
from till_tui.store.models import DrawerOpening, now


class DrawerPermissionError(PermissionError):
    """Only a manager may approve opening the drawer without a sale."""


class Drawer:
    """The cash drawer of one register."""

    def __init__(self, register: str) -> None:
        self.register = register

    def no_sale(
        self,
        staff: StaffMember,
        *,
        approved_by: StaffMember,
        shift_id: int | None,
        reason: str = "",
    ) -> int:
        """Record opening the drawer without a sale, asked by `staff` and approved by a
        manager (who may be `staff`); the record's id."""
        if not approved_by.is_manager:
            raise DrawerPermissionError(_("Only a manager can open the drawer without a sale."))

        def work() -> int:
            row = DrawerOpening.create(
                register=self.register,
                shift=shift_id,
                staff=staff.id,
                approved_by=approved_by.id,
                created_at=now(),
                reason=reason,
            )
            journal.append(
                self.register,
                "drawer_open",
                staff.id,
                {"opening": row.id, "approved_by": approved_by.id, "reason": reason},
            )
            return int(row.id)

        return in_transaction(work)

    def openings(self, shift_id: int) -> int:
        """How many times the drawer was opened without a sale during the shift."""
        return int(DrawerOpening.select().where(DrawerOpening.shift == shift_id).count())
