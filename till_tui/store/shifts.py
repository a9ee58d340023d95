"""Shifts: one open shift per register, opened with a counted cash float."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from till_tui.domain.staff import StaffMember
from till_tui.i18n import _
from till_tui.store import journal
from till_tui.store.db import transaction
from till_tui.store.models import Shift as ShiftRow


class ShiftError(ValueError):
    """A refused shift operation; the message says why."""


@dataclass(frozen=True, slots=True)
class OpenShift:
    id: int
    register: str
    number: int
    opened_at: datetime
    opened_by: str
    opening_float: int


def _open_shift(row: ShiftRow) -> OpenShift:
    return OpenShift(
        row.id, row.register, row.number, row.opened_at, row.opened_by.name, row.opening_float
    )


class Shifts:
    """The shifts of one register."""

    def __init__(self, register: str) -> None:
        self.register = register

    def current(self) -> OpenShift | None:
        """The register's open shift, or None. (Closing a shift comes with shift reports.)"""
        row = (
            ShiftRow.select()
            .where(ShiftRow.register == self.register)
            .order_by(ShiftRow.number.desc())
            .first()
        )
        return _open_shift(row) if row else None

    def open(self, staff: StaffMember, opening_float: int) -> OpenShift:
        """Open the next shift with `opening_float` in the drawer."""
        if opening_float < 0:
            raise ShiftError(_("The opening float cannot be negative."))
        with transaction():
            if self.current() is not None:
                raise ShiftError(_("A shift is already open on this register."))
            last = ShiftRow.select().where(ShiftRow.register == self.register).count()
            row = ShiftRow.create(
                register=self.register,
                number=last + 1,
                opened_by=staff.id,
                opening_float=opening_float,
            )
            journal.append(
                self.register,
                "shift_open",
                staff.id,
                {"shift": row.number, "opening_float": opening_float},
            )
        return _open_shift(ShiftRow.get_by_id(row.id))
