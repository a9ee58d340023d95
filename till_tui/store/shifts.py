"""Shifts: one open shift per register, opened with a counted cash float."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from till_tui.domain import shift_report
from till_tui.domain.shift_report import Method, ShiftReport
from till_tui.domain.staff import StaffMember
from till_tui.i18n import _
from till_tui.store import journal
from till_tui.store.db import in_transaction, transaction
from till_tui.store.models import CashMovement, ShiftClose, ShiftCount, now
from till_tui.store.models import Shift as ShiftRow
from till_tui.store.reports import Reports


class ShiftError(ValueError):
    """A refused shift operation; the message says why."""


class ShiftCloseNeedsNote(ShiftError):
    """The count differs by more than the threshold and no note was written."""


class ShiftPermissionError(ShiftError, PermissionError):
    """The count differs by more than the threshold: only a manager may approve the close."""


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
        """The register's open shift, or None."""
        row = (
            ShiftRow.select()
            .where(ShiftRow.register == self.register)
            .order_by(ShiftRow.number.desc())
            .first()
        )
        if row is None or ShiftClose.get_or_none(ShiftClose.shift == row.id) is not None:
            return None
        return _open_shift(row)

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

    # --- during the shift -------------------------------------------------------------------

    def move_cash(
        self, shift_id: int, staff: StaffMember, direction: str, amount: int, reason: str
    ) -> int:
        """Record cash put into ("in") or taken out of ("out") the drawer, with its reason
        (a float top-up, paying a supplier...): drawer accounting, not revenue. Its id."""
        reason = " ".join(reason.split())
        if direction not in ("in", "out"):
            raise ShiftError(f"unknown cash movement {direction!r}")
        if amount <= 0:
            raise ShiftError(_("Type an amount above zero."))
        if not reason:
            raise ShiftError(_("Type the reason (e.g. float top-up, supplier paid)."))

        def work() -> int:
            self._open_row(shift_id)
            row = CashMovement.create(
                register=self.register,
                shift=shift_id,
                staff=staff.id,
                direction=direction,
                amount=amount,
                reason=reason,
                created_at=now(),
            )
            journal.append(
                self.register,
                "cash_" + direction,
                staff.id,
                {"movement": row.id, "shift_id": shift_id, "amount": amount, "reason": reason},
            )
            return int(row.id)

        return in_transaction(work)

    def _open_row(self, shift_id: int) -> ShiftRow:
        row = ShiftRow.get_or_none((ShiftRow.id == shift_id) & (ShiftRow.register == self.register))
        if row is None:
            raise ShiftError(_("No shift {id} on this register.").format(id=shift_id))
        if ShiftClose.get_or_none(ShiftClose.shift == shift_id) is not None:
            raise ShiftError(_("This shift is already closed."))
        return row

    # --- closing ----------------------------------------------------------------------------

    def close(
        self,
        shift_id: int,
        staff: StaffMember,
        counted: Mapping[str, int | None],
        *,
        methods: Sequence[Method],
        threshold: int,
        note: str = "",
        approved_by: StaffMember | None = None,
    ) -> ShiftReport:
        """Close the shift with what was counted per method (cash required, others optional)
        and print-ready Z report, numbered gap-free per register.

        A true count is never refused: a difference above `threshold` on any method only
        requires a note and a manager's approval (`approved_by`, who may be `staff`)."""
        note = note.strip()

        def work() -> ShiftReport:
            self._open_row(shift_id)
            reports = Reports(self.register)
            report = reports.compute(shift_id, methods)
            lines = shift_report.counts(report, counted)
            for line in lines:
                if line.counted is not None and line.counted < 0:
                    raise ShiftError(_("A counted amount cannot be negative."))
            cash = report.cash
            if cash is not None and counted.get(cash.code) is None:
                raise ShiftError(_("Count the cash in the drawer first."))
            approver = None
            if shift_report.over_threshold(lines, threshold):
                if not note:
                    raise ShiftCloseNeedsNote(
                        _("The count differs by more than the allowed difference: write a note.")
                    )
                if approved_by is None or not approved_by.is_manager:
                    raise ShiftPermissionError(
                        _("The count differs by more than the threshold: a manager must approve.")
                    )
                approver = approved_by
            z_number = reports.last_z_number() + 1
            closed_at = now()
            journal_seq, journal_hash = journal.head(self.register)
            z = replace(
                report,
                z_number=z_number,
                closed_at=closed_at,
                closed_by=staff.name,
                approved_by=approver.name if approver else "",
                note=note,
                counts=lines,
                journal_seq=journal_seq,
                journal_hash=journal_hash,
            )
            ShiftClose.create(
                shift=shift_id,
                register=self.register,
                z_number=z_number,
                closed_at=closed_at,
                closed_by=staff.id,
                approved_by=approver.id if approver else None,
                note=note,
                grand_total=z.grand_total,
                grand_total_abs=z.grand_total_abs,
                report=journal.canonical(z.to_dict()),
            )
            ShiftCount.insert_many(
                [
                    {
                        "shift": shift_id,
                        "method": line.code,
                        "expected": line.expected,
                        "counted": line.counted,
                    }
                    for line in lines
                ]
            ).execute()
            journal.append(
                self.register,
                "shift_close",
                staff.id,
                {
                    "z": z_number,
                    "shift": report.shift_number,
                    "sales": report.sales_total,
                    "refunds": report.refunds_total,
                    "vat": [[v.rate, v.base, v.vat, v.total] for v in report.vat],
                    "grand_total": z.grand_total,
                    "grand_total_abs": z.grand_total_abs,
                    "counts": [[c.code, c.expected, c.counted] for c in lines],
                    "approved_by": approver.id if approver else None,
                    "note": note,
                },
            )
            return z

        return in_transaction(work)
