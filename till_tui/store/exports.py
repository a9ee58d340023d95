"""Exports for the accountant: the payments of a period, one row per payment, as CSV.

Sales are stamped in UTC; a period is a range of local dates (the till's time zone), turned
into UTC bounds before the query so the sale index on `created_at` can be used. Rows are
streamed from the database cursor to the file: a year of payments is never held in memory.
"""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import TextIO

import peewee

from till_tui.domain.money import to_decimal
from till_tui.i18n import _
from till_tui.store.db import database
from till_tui.store.errors import StoreError
from till_tui.store.models import Sale

PAYMENT_COLUMNS = (
    "sale_number",
    "date",
    "register",
    "staff",
    "customer",
    "method",
    "amount",
    "reference",
    "external_id",
)
"""The header row of `write_payments_csv`, in English whatever the locale: it is for
spreadsheets and scripts, not read aloud."""

_PAYMENTS_SQL = """
SELECT s.number, s.created_at, s.register, st.name, COALESCE(c.name, ''),
       p.method, p.amount, p.reference, p.external_id
FROM sale AS s
JOIN payment AS p ON p.sale_id = s.id
JOIN staff AS st ON st.id = s.staff_id
LEFT JOIN customer AS c ON c.id = s.customer_id
WHERE s.created_at >= ? AND s.created_at < ?{filters}
ORDER BY s.created_at, s.register, s.number, p.position
"""


@dataclass(frozen=True, slots=True)
class PaymentRow:
    """One payment of a completed sale; `amount` is what it paid of the sale, in minor units
    (for cash: what was handed over minus the change)."""

    sale_number: int
    created_at: datetime
    register: str
    staff: str
    customer: str
    method: str
    amount: int
    reference: str
    external_id: str


def utc_bounds(first: date, last: date, tz: tzinfo | None = None) -> tuple[datetime, datetime]:
    """The UTC instants [start, end) covering the local dates `first` to `last` inclusive.

    `tz` is the time zone of the dates; None is the system's local time zone (the till's)."""
    after = last + timedelta(days=1)
    if tz is None:  # naive -> aware in local time, with the offset of that date (DST)
        return (
            datetime.combine(first, time()).astimezone(),
            datetime.combine(after, time()).astimezone(),
        )
    return datetime.combine(first, time(), tz), datetime.combine(after, time(), tz)


def payments(
    first: date,
    last: date,
    *,
    method: str | None = None,
    register: str | None = None,
    tz: tzinfo | None = None,
) -> Iterator[PaymentRow]:
    """The payments of the sales made on local dates `first` to `last` (inclusive), of one
    method and one register if given, by date, register, sale number and payment position.

    Rows are read from the cursor as they are consumed. Raises StoreError (the database)."""
    start, end = utc_bounds(first, last, tz)
    filters, params = "", [Sale.created_at.db_value(start), Sale.created_at.db_value(end)]
    if register is not None:
        filters += " AND s.register = ?"
        params.append(register)
    if method is not None:
        filters += " AND p.method = ?"
        params.append(method)
    sql = _PAYMENTS_SQL.format(filters=filters)
    try:
        cursor = database.execute_sql(sql, params)
        try:
            for number, created, reg, staff, customer, code, amount, reference, ext in cursor:
                yield PaymentRow(
                    number,
                    datetime.fromisoformat(created),
                    reg,
                    staff,
                    customer,
                    code,
                    amount,
                    reference,
                    ext,
                )
        finally:
            cursor.close()
    except (peewee.DatabaseError, sqlite3.Error) as error:
        raise StoreError(_("Database error: {error}").format(error=error)) from error


def methods_in_data() -> list[str]:
    """Every payment method code found in the payments, sorted."""
    return _codes("SELECT DISTINCT method FROM payment ORDER BY method")


def registers_in_data() -> list[str]:
    """Every register that has sales, sorted."""
    return _codes("SELECT DISTINCT register FROM sale ORDER BY register")


def _codes(sql: str) -> list[str]:
    try:
        return [str(code) for (code,) in database.execute_sql(sql)]
    except (peewee.DatabaseError, sqlite3.Error) as error:
        raise StoreError(_("Database error: {error}").format(error=error)) from error


def plain_amount(minor: int, currency: str, decimal: str = ".") -> str:
    """1250 -> "12.50": the amount as a plain decimal number, no sign of the currency, no
    digit groups; `decimal` is the decimal separator."""
    return format(to_decimal(minor, currency), "f").replace(".", decimal)


def write_payments_csv(
    out: TextIO,
    rows: Iterator[PaymentRow],
    *,
    currency: str,
    delimiter: str = ",",
    decimal: str = ".",
    tz: tzinfo | None = None,
) -> int:
    """Write the header and `rows` to `out` (opened with newline=""); the number of rows.

    Dates are local date-times "2026-11-24 14:03:05" (in `tz`, default the local zone)."""
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(PAYMENT_COLUMNS)
    count = 0
    for row in rows:
        writer.writerow(
            (
                row.sale_number,
                row.created_at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"),
                row.register,
                row.staff,
                row.customer,
                row.method,
                plain_amount(row.amount, currency, decimal),
                row.reference,
                row.external_id,
            )
        )
        count += 1
    return count
