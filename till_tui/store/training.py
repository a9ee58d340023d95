"""Training mode: a register switched to practice by a manager, its sales kept out of the
real figures.

The switch is a row of `register_mode` (it survives a restart); every change is journaled
("training_on" / "training_off") with the manager who approved it. While it is on,
`Sales.complete` records each sale as a training sale: flagged `sale.training`, numbered in
its own gap-free sequence (stored under the register's training code, `training_register`,
so the real numbers never skip one), journaled as "training_sale" with the payload of a sale.
Reports, grand totals, exports and the history leave them out; prepaid and on-account
tenders are refused (no real customer money moves), and no refund is made while training
is on, nor of a training sale.
"""

from __future__ import annotations

from till_tui.domain.staff import StaffMember
from till_tui.i18n import _
from till_tui.store import journal
from till_tui.store.db import database, in_transaction
from till_tui.store.models import RegisterMode, now

TRAINING_SUFFIX = "/training"
"""Appended to a register's code for its training sales (register codes never end so)."""


def training_register(register: str) -> str:
    """The code training sales of `register` are stored and numbered under."""
    return register + TRAINING_SUFFIX


def real_register(stored: str) -> str:
    """The register a sale was made on, from the code it is stored under."""
    return stored.removesuffix(TRAINING_SUFFIX)


def account_tenders_refused() -> str:
    """Why a prepaid or on-account tender is refused in training mode (for the cashier)."""
    return _("Prepaid and on-account payments are not available in training mode.")


class TrainingPermissionError(PermissionError):
    """Only a manager may switch training mode on or off."""


class Training:
    """The training switch of one register."""

    def __init__(self, register: str) -> None:
        self.register = register

    def is_on(self) -> bool:
        """Whether the register is in training mode."""
        row = database.execute_sql(
            "SELECT training FROM register_mode WHERE register = ?", (self.register,)
        ).fetchone()
        return bool(row and row[0])

    def switch(self, on: bool, *, staff: StaffMember, approved_by: StaffMember) -> bool:
        """Turn training mode on (`on`) or off, asked by `staff` and approved by a manager
        (who may be `staff`). True if the mode changed (journaled); False if it already was.

        Raises TrainingPermissionError (the approver is no manager) or StoreError."""
        if not approved_by.is_manager:
            raise TrainingPermissionError(_("Only a manager can switch training mode."))

        def work() -> bool:
            if self.is_on() == on:
                return False
            RegisterMode.insert(
                register=self.register,
                training=on,
                changed_at=now(),
                changed_by=staff.id,
                approved_by=approved_by.id,
            ).on_conflict(
                conflict_target=[RegisterMode.register],
                preserve=[
                    RegisterMode.training,
                    RegisterMode.changed_at,
                    RegisterMode.changed_by,
                    RegisterMode.approved_by,
                ],
            ).execute()
            journal.append(
                self.register,
                "training_on" if on else "training_off",
                staff.id,
                {"approved_by": approved_by.id},
            )
            return True

        return in_transaction(work)
