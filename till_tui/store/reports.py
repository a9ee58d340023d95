"""Shift reports: a shift's facts read with a few SQL sums, turned into an X or Z report by
domain/shift_report.py (one computation for both). A closed shift's Z is read back exactly as
it was stored when the shift closed. Training sales (store/training.py) are left out of every
figure, so they never reach a Z or the grand total."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from till_tui.domain.shift_report import (
    CashMove,
    LedgerSum,
    Method,
    PaymentSum,
    ShiftFacts,
    ShiftReport,
    compute,
)
from till_tui.domain.vat import VatLine
from till_tui.i18n import _
from till_tui.store.db import database
from till_tui.store.models import ShiftClose

_SHIFT_SQL = (
    "SELECT sh.number, sh.opened_at, st.name, sh.opening_float, sc.closed_at"
    " FROM shift AS sh JOIN staff AS st ON st.id = sh.opened_by"
    " LEFT JOIN shift_close AS sc ON sc.shift_id = sh.id WHERE sh.id = ? AND sh.register = ?"
)
_SALES_SQL = (
    "SELECT refund_of IS NOT NULL, COUNT(*), COALESCE(SUM(total), 0),"
    " COALESCE(SUM(discount_total), 0) FROM sale WHERE shift_id = ? AND training = 0"
    " GROUP BY 1"
)
_VAT_SQL = (
    "SELECT v.rate, SUM(v.base), SUM(v.vat), SUM(v.total) FROM sale_vat AS v"
    " JOIN sale AS s ON s.id = v.sale_id WHERE s.shift_id = ? AND s.training = 0"
    " GROUP BY v.rate ORDER BY v.rate"
)
_PAYMENTS_SQL = (
    "SELECT p.method, p.kind, MAX(p.label), s.refund_of IS NOT NULL, COUNT(*), SUM(p.amount),"
    " SUM(p.tendered), SUM(p.change_given) FROM payment AS p JOIN sale AS s ON s.id = p.sale_id"
    " WHERE s.shift_id = ? AND s.training = 0 GROUP BY p.method, p.kind, 4 ORDER BY MIN(p.id)"
)
_LEDGER_SQL = (
    "SELECT kind, COALESCE(method, ''), COUNT(*), SUM(amount), SUM(tendered), SUM(change_given)"
    " FROM ledger_entry WHERE shift_id = ? GROUP BY 1, 2 ORDER BY MIN(id)"
)
_MOVES_SQL = (
    "SELECT m.direction, m.amount, m.reason, st.name, m.created_at FROM cash_movement AS m"
    " JOIN staff AS st ON st.id = m.staff_id WHERE m.shift_id = ? ORDER BY m.id"
)
_CASHIERS_SQL = (
    "SELECT name FROM staff WHERE id IN ("
    " SELECT staff_id FROM sale WHERE shift_id = ?1 AND training = 0"
    " UNION SELECT staff_id FROM ledger_entry WHERE shift_id = ?1"
    " UNION SELECT staff_id FROM cash_movement WHERE shift_id = ?1"
    " UNION SELECT opened_by FROM shift WHERE id = ?1) ORDER BY name"
)
_BEFORE_SQL = (
    "SELECT grand_total, grand_total_abs FROM shift_close WHERE register = ? AND shift_id <> ?"
    " ORDER BY z_number DESC LIMIT 1"
)


class ReportError(ValueError):
    """No such shift or Z report; the message says which."""


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _when(text: str | None) -> datetime | None:
    return _at(text) if text else None


class Reports:
    """X and Z reports of one register."""

    def __init__(self, register: str) -> None:
        self.register = register

    def facts(self, shift_id: int) -> ShiftFacts:
        """Everything the report of shift `shift_id` is computed from."""
        row = database.execute_sql(_SHIFT_SQL, (shift_id, self.register)).fetchone()
        if row is None:
            raise ReportError(_("No shift {id} on this register.").format(id=shift_id))
        number, opened_at, opened_by, opening_float, closed_at = row
        sales = {
            bool(refund): rest for refund, *rest in database.execute_sql(_SALES_SQL, (shift_id,))
        }
        sales_count, sales_total, sales_discounts = sales.get(False, (0, 0, 0))
        refunds_count, refunds_total, refund_discounts = sales.get(True, (0, 0, 0))
        before = database.execute_sql(_BEFORE_SQL, (self.register, shift_id)).fetchone()
        return ShiftFacts(
            register=self.register,
            shift_number=number,
            opened_at=_at(opened_at),
            opened_by=opened_by,
            opening_float=opening_float,
            cashiers=tuple(name for (name,) in database.execute_sql(_CASHIERS_SQL, (shift_id,))),
            sales_count=sales_count,
            sales_total=sales_total,
            refunds_count=refunds_count,
            refunds_total=refunds_total,
            discounts=sales_discounts + refund_discounts,
            vat=tuple(VatLine(*r) for r in database.execute_sql(_VAT_SQL, (shift_id,))),
            payments=tuple(
                PaymentSum(method, kind, label, bool(refund), *sums)
                for method, kind, label, refund, *sums in database.execute_sql(
                    _PAYMENTS_SQL, (shift_id,)
                )
            ),
            ledger=tuple(LedgerSum(*r) for r in database.execute_sql(_LEDGER_SQL, (shift_id,))),
            movements=tuple(
                CashMove(direction, amount, reason, staff, _at(stamp))
                for direction, amount, reason, staff, stamp in database.execute_sql(
                    _MOVES_SQL, (shift_id,)
                )
            ),
            no_sale=database.execute_sql(
                "SELECT COUNT(*) FROM drawer_opening WHERE shift_id = ?", (shift_id,)
            ).fetchone()[0],
            grand_total_before=before[0] if before else 0,
            grand_total_abs_before=before[1] if before else 0,
            closed_at=_when(closed_at),
        )

    def compute(self, shift_id: int, methods: Sequence[Method] = ()) -> ShiftReport:
        """The report of shift `shift_id` as of now (an X report while it is open)."""
        return compute(self.facts(shift_id), methods)

    def z(self, number: int | None = None) -> ShiftReport:
        """Z report N° `number` of this register (the latest when None), as it was printed."""
        query = ShiftClose.select().where(ShiftClose.register == self.register)
        if number is not None:
            query = query.where(ShiftClose.z_number == number)
        row = query.order_by(ShiftClose.z_number.desc()).first()
        if row is None:
            if number is None:
                raise ReportError(_("No shift has been closed on this register yet."))
            raise ReportError(_("No Z report N° {number} on this register.").format(number=number))
        return ShiftReport.from_dict(json.loads(row.report))

    def last_z_number(self) -> int:
        row = database.execute_sql(
            "SELECT COALESCE(MAX(z_number), 0) FROM shift_close WHERE register = ?",
            (self.register,),
        ).fetchone()
        return int(row[0])
