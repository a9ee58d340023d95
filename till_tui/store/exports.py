"""Exports for the accountant: the sales of a period (one row per sale or refund) and their
payments (one row per payment), as CSV.

Sales are stamped in UTC; a period is a range of local dates (the till's time zone), turned
into UTC bounds before the query so the sale index on `created_at` can be used. Rows are
streamed from the database cursor to the file: a year of payments is never held in memory.
Training sales (store/training.py) are never exported.
"""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any, TextIO

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

SALE_COLUMNS = (
    "sale_number",
    "date",
    "register",
    "staff",
    "customer",
    "lines",
    "total",
    "vat",
    "refund_of",
)
"""The header row of `write_sales_csv`: `lines` is the number of lines of the sale, `total`
and `vat` are incl. VAT and negative for a refund, `refund_of` the number of the refunded sale."""

_SALES_SQL = """
SELECT s.number, s.created_at, s.register, st.name, COALESCE(c.name, ''),
       (SELECT COUNT(*) FROM sale_line AS l WHERE l.sale_id = s.id), s.total, s.vat_total,
       o.number
FROM sale AS s
JOIN staff AS st ON st.id = s.staff_id
LEFT JOIN customer AS c ON c.id = s.customer_id
LEFT JOIN sale AS o ON o.id = s.refund_of
WHERE s.created_at >= ? AND s.created_at < ? AND s.training = 0{filters}
ORDER BY s.created_at, s.register, s.number
"""

_PAYMENTS_SQL = """
SELECT s.number, s.created_at, s.register, st.name, COALESCE(c.name, ''),
       p.method, p.amount, p.reference, p.external_id
FROM sale AS s
JOIN payment AS p ON p.sale_id = s.id
JOIN staff AS st ON st.id = s.staff_id
LEFT JOIN customer AS c ON c.id = s.customer_id
WHERE s.created_at >= ? AND s.created_at < ? AND s.training = 0{filters}
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


@dataclass(frozen=True, slots=True)
class SaleRow:
    """One sale or refund (negative `total` and `vat`, `refund_of` the refunded sale's number)."""

    sale_number: int
    created_at: datetime
    register: str
    staff: str
    customer: str
    lines: int
    total: int
    vat: int
    refund_of: int | None


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
    filters = {"s.register": register, "p.method": method}
    for number, created, *rest in _rows(_PAYMENTS_SQL, first, last, filters, tz):
        yield PaymentRow(number, datetime.fromisoformat(created), *rest)


def sales(
    first: date, last: date, *, register: str | None = None, tz: tzinfo | None = None
) -> Iterator[SaleRow]:
    """The sales and refunds made on local dates `first` to `last` (inclusive), of one
    register if given, by date, register and number. Raises StoreError (the database)."""
    for number, created, *rest in _rows(_SALES_SQL, first, last, {"s.register": register}, tz):
        yield SaleRow(number, datetime.fromisoformat(created), *rest)


def _rows(
    sql: str, first: date, last: date, filters: dict[str, str | None], tz: tzinfo | None
) -> Iterator[tuple[Any, ...]]:
    """The rows of `sql` over the period, with `column = value` for each value given; read
    from the cursor as they are consumed."""
    start, end = utc_bounds(first, last, tz)
    where, params = "", [Sale.created_at.db_value(start), Sale.created_at.db_value(end)]
    for column, value in filters.items():
        if value is not None:
            where += f" AND {column} = ?"
            params.append(value)
    try:
        cursor = database.execute_sql(sql.format(filters=where), params)
        try:
            yield from cursor
        finally:
            cursor.close()
    except (peewee.DatabaseError, sqlite3.Error) as error:
        raise StoreError(_("Database error: {error}").format(error=error)) from error


def methods_in_data() -> list[str]:
    """Every payment method code found in the payments, sorted."""
    return _codes("SELECT DISTINCT method FROM payment ORDER BY method")


def registers_in_data() -> list[str]:
    """Every register that has sales, sorted."""
    return _codes("SELECT DISTINCT register FROM sale WHERE training = 0 ORDER BY register")


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
    return _write_csv(
        out,
        PAYMENT_COLUMNS,
        (
            (
                row.sale_number,
                _local(row.created_at, tz),
                row.register,
                row.staff,
                row.customer,
                row.method,
                plain_amount(row.amount, currency, decimal),
                row.reference,
                row.external_id,
            )
            for row in rows
        ),
        delimiter,
    )


def _local(stamp: datetime, tz: tzinfo | None) -> str:
    return stamp.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")


def _write_csv(
    out: TextIO, header: Sequence[str], rows: Iterable[Sequence[object]], delimiter: str
) -> int:
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count


def write_sales_csv(
    out: TextIO,
    rows: Iterator[SaleRow],
    *,
    currency: str,
    delimiter: str = ",",
    decimal: str = ".",
    tz: tzinfo | None = None,
) -> int:
    """Write the header and `rows` to `out` (opened with newline=""); the number of rows."""
    return _write_csv(
        out,
        SALE_COLUMNS,
        (
            (
                row.sale_number,
                _local(row.created_at, tz),
                row.register,
                row.staff,
                row.customer,
                row.lines,
                plain_amount(row.total, currency, decimal),
                plain_amount(row.vat, currency, decimal),
                "" if row.refund_of is None else row.refund_of,
            )
            for row in rows
        ),
        delimiter,
    )
