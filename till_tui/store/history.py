"""The sales history: the latest sales of a shift, and searches over every sale ever made.

A list is built from summary rows (number, time, cashier, customer, total, methods) read in
ONE query, never by loading each sale: `Sales.get` is for the one sale a cashier opens.

Each filter of a search is a set of sales that an index can list (the payments with these last
4 digits, the lines of these products, the sales of these customers...) and a condition the
same filter puts on a sale found another way. The store counts, up to `_ENOUGH`, what each
filter's index holds (a few index-only steps) and starts from the smallest set; when every
filter matches many sales, it walks the register's sales newest first (`sale_register_created`)
and stops at the `limit`-th match. So a rare card or customer costs a few lookups, a common
item or method a few hundred sales, never a year of them.

Dates and hours are the shop's local time (the machine's time zone); sales are stamped in
UTC (ISO 8601 text), so a date range becomes UTC bounds on `created_at` and an hour window a
condition on SQLite's `'localtime'` of it.

Training sales (store/training.py) are left out; in training mode the register's training
sales are listed instead, never mixed with the real ones.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

import peewee

from till_tui.i18n import _
from till_tui.store.catalog import search_key
from till_tui.store.db import database
from till_tui.store.errors import StoreError
from till_tui.store.exports import utc_bounds
from till_tui.store.models import Sale
from till_tui.store.training import real_register, training_register

ALL_REGISTERS = "*"
"""`SaleFilter.register` for the sales of every register."""

CUSTOMER_MATCHES = 50
"""A customer filter looks at the sales of at most this many matching customers."""

_ENOUGH = 4000
"""A filter whose index holds this many sales (or more) is not where a search starts: walking
the register's sales newest first finds `limit` of them sooner (measured by bench.history:
both ways take about 5 ms for an item in 4,000 sales of a year)."""

_SEPARATOR = "\x1f"

_SUMMARY_SQL = """
SELECT s.id, s.number, s.register, s.created_at, st.name, COALESCE(c.name, ''), s.total,
       (SELECT group_concat(m, char(31)) FROM (
            SELECT CASE WHEN p.label <> '' THEN p.label ELSE p.method END AS m
            FROM payment AS p WHERE p.sale_id = s.id ORDER BY p.position)),
       o.number
FROM ({ids}) AS k
JOIN sale AS s ON s.id = k.id
JOIN staff AS st ON st.id = s.staff_id
LEFT JOIN customer AS c ON c.id = s.customer_id
LEFT JOIN sale AS o ON o.id = s.refund_of
ORDER BY s.created_at DESC, s.id DESC
"""
_ORDER = " ORDER BY s.created_at DESC, s.id DESC LIMIT ?"
# A loose index scan: each register in a few steps of `sale_register_created`.
_REGISTERS_SQL = """
WITH RECURSIVE r (register) AS (
    SELECT MIN(register) FROM sale
    UNION ALL
    SELECT (SELECT MIN(register) FROM sale WHERE register > r.register) FROM r
    WHERE r.register IS NOT NULL
)
SELECT register FROM r WHERE register IS NOT NULL
"""
_PRODUCTS_SQL = "SELECT id FROM product WHERE {words}"
_HOUR = "CAST(strftime('%H', s.created_at, 'localtime') AS INTEGER)"


@dataclass(frozen=True, slots=True)
class SaleFilter:
    """What to look for; every field is optional and the ones given all apply.

    Text is matched the way a cashier types it: case and accents do not matter.
    """

    date_from: date | None = None
    """First local date (inclusive)."""
    date_to: date | None = None
    """Last local date (inclusive)."""
    hour_from: int | None = None
    """Local hour window [hour_from, hour_to) on every day, e.g. 12 and 14 for 12:00-13:59;
    hour_to alone means from midnight, hour_from alone until midnight; hour_from > hour_to
    goes over midnight (22 and 2)."""
    hour_to: int | None = None
    register: str | None = None
    """None: this register; ALL_REGISTERS ("*"): every register; else that register."""
    item: str | None = None
    """A product's code (barcode, PLU) exactly, or words of its name."""
    customer: str | None = None
    """A customer's card exactly, or words of their name, phone or e-mail."""
    cashier: str | None = None
    """A staff member's name, or its beginning."""
    number: int | None = None
    last4: str | None = None
    """A card's last 4 digits."""
    method: str | None = None
    """A payment method's code."""
    reference: str | None = None
    """A payment's reference (room number, cheque number...), case ignored."""
    find: str | None = None
    """A sale number, a payment's reference or a card's last 4 digits (any of them)."""

    @property
    def is_empty(self) -> bool:
        """True when no field is given."""
        return all(getattr(self, f.name) in (None, "") for f in fields(self))


@dataclass(frozen=True, slots=True)
class SaleSummary:
    """One row of the history list."""

    id: int
    number: int
    register: str
    created_at: datetime
    """Aware, in UTC."""
    cashier: str
    customer: str
    """The customer's name, or ""."""
    total: int
    """The sale's total in minor units; negative for a refund."""
    methods: str
    """The payment methods' labels (as printed), joined."""
    refund_of: int | None = None
    """For a refund: the number of the sale it refunds."""

    @property
    def is_refund(self) -> bool:
        return self.refund_of is not None or self.total < 0


class _NoMatch(Exception):
    """No sale can match (e.g. no customer of that name)."""


@dataclass
class _Part:
    """One filter: the sales its index lists (`source`, a SELECT of sale ids) and the
    condition it puts on a sale `s` found another way (`check`)."""

    source: str
    source_params: list[Any]
    check: str
    check_params: list[Any]
    count: int | None = None
    """How many sales `source` lists, up to _ENOUGH (None: not counted yet)."""


@dataclass
class _Query:
    """A search made into SQL: the driving set (None: the registers' sales by time), the
    conditions on `s`, and the registers to look in."""

    registers: list[str] | None
    """None: every register."""
    parts: list[_Part] = field(default_factory=list)
    period: list[str] = field(default_factory=list)
    """Conditions on `s.created_at` (UTC bounds of the dates)."""
    period_params: list[Any] = field(default_factory=list)
    hours: list[str] = field(default_factory=list)
    hours_params: list[Any] = field(default_factory=list)


def _stamp(moment: datetime) -> str:
    value: str = Sale.created_at.db_value(moment)
    return value


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" for _ in values)


class History:
    """The sales history as the F8 screen lists it, seen from one register."""

    def __init__(self, register: str) -> None:
        self.register = register

    # -- reading -----------------------------------------------------------------------------

    def recent(
        self, limit: int = 20, shift_id: int | None = None, *, training: bool = False
    ) -> list[SaleSummary]:
        """The latest sales of this register (of one shift, if given), newest first;
        `training`: its training sales instead (never mixed with the real ones)."""
        sql, params = self._recent_ids(limit, shift_id, training)
        return self._summaries(sql, params)

    def search(
        self, sale_filter: SaleFilter, limit: int = 100, *, training: bool = False
    ) -> list[SaleSummary]:
        """The sales that match every given field of `sale_filter`, newest first, at most
        `limit`; `training`: this register's training sales instead (whatever register the
        filter names). Raises StoreError (the database)."""
        built = self._ids(sale_filter, limit, training)
        if built is None:
            return []
        return self._summaries(*built)

    def plan(self, sale_filter: SaleFilter, limit: int = 100) -> str:
        """How SQLite runs the search (EXPLAIN QUERY PLAN, on one line): for benchmarks."""
        built = self._ids(sale_filter, limit)
        if built is None:
            return "nothing can match"
        return self._explain(*built)

    def plan_recent(self, shift_id: int | None = None, limit: int = 20) -> str:
        return self._explain(*self._recent_ids(limit, shift_id))

    # -- SQL ---------------------------------------------------------------------------------

    def _recent_ids(
        self, limit: int, shift_id: int | None, training: bool = False
    ) -> tuple[str, list[Any]]:
        if shift_id is not None:
            sql = "SELECT s.id FROM sale AS s WHERE s.shift_id = ? AND s.training = ?"
            return sql + _ORDER, [shift_id, int(training), limit]
        register = training_register(self.register) if training else self.register
        return "SELECT s.id FROM sale AS s WHERE s.register = ?" + _ORDER, [register, limit]

    def _summaries(self, ids_sql: str, params: list[Any]) -> list[SaleSummary]:
        try:
            rows = database.execute_sql(_SUMMARY_SQL.format(ids=ids_sql), params).fetchall()
        except (peewee.DatabaseError, sqlite3.Error) as error:
            raise StoreError(_("Database error: {error}").format(error=error)) from error
        return [
            SaleSummary(
                id=sale_id,
                number=number,
                register=real_register(register),
                created_at=datetime.fromisoformat(created),
                cashier=cashier,
                customer=customer,
                total=total,
                methods=", ".join(m for m in dict.fromkeys((labels or "").split(_SEPARATOR)) if m),
                refund_of=refund_of,
            )
            for sale_id, number, register, created, cashier, customer, total, labels, refund_of in (
                rows
            )
        ]

    def _explain(self, ids_sql: str, params: list[Any]) -> str:
        rows = database.execute_sql(
            "EXPLAIN QUERY PLAN " + _SUMMARY_SQL.format(ids=ids_sql), params
        ).fetchall()
        return "; ".join(row[-1] for row in rows)

    def _ids(
        self, sale_filter: SaleFilter, limit: int, training: bool = False
    ) -> tuple[str, list[Any]] | None:
        """The SELECT of the matching sale ids (newest first, at most `limit`) and its
        parameters; None when nothing can match (e.g. no such customer)."""
        try:
            query = self._query(sale_filter, training)
            if query is None:
                return None
            return self._ids_sql(query, limit)
        except _NoMatch:  # e.g. no customer or no cashier of that name
            return None
        except (peewee.DatabaseError, sqlite3.Error) as error:
            raise StoreError(_("Database error: {error}").format(error=error)) from error

    def _query(self, f: SaleFilter, training: bool = False) -> _Query | None:
        register = f.register.strip() if f.register else ""
        if training:
            query = _Query(registers=[training_register(self.register)])
        elif real_register(register) != register:
            return None  # training sales are only listed in training mode
        elif register == ALL_REGISTERS:
            query = _Query(registers=None)
        elif register and register != self.register:  # "r2" is register R2
            known = [r for r in self._registers() if r.casefold() == register.casefold()]
            query = _Query(registers=[known[0] if known else register])
        else:
            query = _Query(registers=[self.register])
        if f.date_from is not None or f.date_to is not None:
            first = f.date_from or date(1970, 1, 2)
            last = f.date_to or date(9998, 12, 30)
            if first > last:
                return None
            start, end = utc_bounds(first, last)
            if f.date_from is not None:
                query.period.append("s.created_at >= ?")
                query.period_params.append(_stamp(start))
            if f.date_to is not None:
                query.period.append("s.created_at < ?")
                query.period_params.append(_stamp(end))
        if f.hour_from is not None or f.hour_to is not None:
            low, high = f.hour_from or 0, 24 if f.hour_to is None else f.hour_to
            if low < high:
                query.hours.append(f"{_HOUR} >= ? AND {_HOUR} < ?")
            else:  # over midnight: 22 to 2
                query.hours.append(f"({_HOUR} >= ? OR {_HOUR} < ?)")
            query.hours_params += [low, high]
        parts = [
            self._number(f.number, query),
            self._find(f.find, query),
            self._payment("last4", f.last4),
            self._payment("reference", f.reference),
            self._payment("method", f.method),
            self._item(f.item),
            self._customer(f.customer),
            self._cashier(f.cashier),
        ]
        query.parts = [part for part in parts if part is not None]
        return query

    def _ids_sql(self, query: _Query, limit: int) -> tuple[str, list[Any]]:
        driver = self._driver(query)
        checks = [part for part in query.parts if part is not driver]
        where = "".join(
            f" AND {condition}"
            for condition in query.period + query.hours + [part.check for part in checks]
        )
        params = query.period_params + query.hours_params
        for part in checks:
            params += part.check_params
        if driver is not None:
            # From the driver's sales by rowid; `+` keeps SQLite off the register's index.
            only, register_params = " AND +s.training = 0", []
            if query.registers is not None:
                only = f" AND +s.register IN ({_marks(query.registers)})"
                register_params = query.registers
            sql = f"SELECT s.id FROM sale AS s WHERE s.id IN ({driver.source}){only}{where}"
            return sql + _ORDER, [*driver.source_params, *register_params, *params, limit]
        # Walk each register's sales newest first (sale_register_created), stop at `limit`
        # matches; several registers are merged.
        registers = query.registers if query.registers is not None else self._registers()
        if len(registers) <= 1:
            sql = f"SELECT s.id FROM sale AS s WHERE s.register = ?{where}" + _ORDER
            return sql, [registers[0] if registers else self.register, *params, limit]
        select = (
            "SELECT * FROM (SELECT s.id, s.created_at FROM sale AS s"
            f" WHERE s.register = ?{where} ORDER BY s.created_at DESC, s.id DESC LIMIT ?)"
        )
        merged = " UNION ALL ".join(select for _register in registers)
        all_params: list[Any] = []
        for register in registers:
            all_params += [register, *params, limit]
        return (
            f"SELECT id FROM ({merged} ORDER BY 2 DESC, 1 DESC LIMIT ?)",
            [*all_params, limit],
        )

    def _driver(self, query: _Query) -> _Part | None:
        """The filter whose index lists the fewest sales, if it lists fewer than _ENOUGH and
        fewer than the period; None: walk the sales by time."""
        for part in query.parts:
            if part.count is None:
                row = database.execute_sql(
                    f"SELECT count(*) FROM (SELECT 1 FROM ({part.source}) LIMIT ?)",
                    [*part.source_params, _ENOUGH],
                ).fetchone()
                part.count = int(row[0])
        driver = min(query.parts, key=lambda part: part.count or 0, default=None)
        if driver is None or (driver.count or 0) >= _ENOUGH:
            return None
        if query.period and self._period_count(query) < (driver.count or 0):
            return None  # a short period holds fewer sales than the smallest filter
        return driver

    def _period_count(self, query: _Query) -> int:
        """How many sales the period holds in the registers, up to _ENOUGH per register."""
        registers = query.registers if query.registers is not None else self._registers()
        where = "".join(f" AND {condition}" for condition in query.period)
        total = 0
        for register in registers:
            row = database.execute_sql(
                f"SELECT count(*) FROM (SELECT 1 FROM sale AS s WHERE s.register = ?{where}"
                " LIMIT ?)",
                [register, *query.period_params, _ENOUGH],
            ).fetchone()
            total += int(row[0])
        return total

    def _registers(self) -> list[str]:
        """Every register with sales (not the codes training sales are stored under)."""
        rows = database.execute_sql(_REGISTERS_SQL).fetchall()
        return [row[0] for row in rows if real_register(row[0]) == row[0]]

    # -- filters -----------------------------------------------------------------------------

    def _number(self, number: int | None, query: _Query) -> _Part | None:
        if number is None:
            return None
        registers = query.registers if query.registers is not None else self._registers()
        return _Part(
            source=f"SELECT id FROM sale WHERE register IN ({_marks(registers)}) AND number = ?",
            source_params=[*registers, number],
            check="s.number = ?",
            check_params=[number],
            count=1,
        )

    def _find(self, text: str | None, query: _Query) -> _Part | None:
        """A sale number, a payment reference or a card's last 4 digits."""
        text = (text or "").strip()
        if not text:
            return None
        number = int(text) if text.isdigit() and len(text) < 10 else -1
        registers = query.registers if query.registers is not None else self._registers()
        return _Part(
            source=(
                f"SELECT id FROM sale WHERE register IN ({_marks(registers)}) AND number = ?"
                " UNION SELECT sale_id FROM payment WHERE reference = ? COLLATE NOCASE"
                " AND reference <> ''"
                " UNION SELECT sale_id FROM payment WHERE last4 = ? AND last4 <> ''"
            ),
            source_params=[*registers, number, text, text],
            check=(
                "(s.number = ? OR EXISTS (SELECT 1 FROM payment AS p WHERE p.sale_id = s.id"
                " AND (p.reference = ? COLLATE NOCASE OR p.last4 = ?)))"
            ),
            check_params=[number, text, text],
        )

    def _payment(self, column: str, value: str | None) -> _Part | None:
        value = (value or "").strip()
        if not value:
            return None
        nocase = " COLLATE NOCASE" if column == "reference" else ""
        # The last4 and reference indexes are partial: their WHERE must be in the query.
        partial = f" AND {column} <> ''" if column in ("last4", "reference") else ""
        return _Part(
            source=f"SELECT sale_id FROM payment WHERE {column} = ?{nocase}{partial}",
            source_params=[value],
            check=(
                f"EXISTS (SELECT 1 FROM payment AS p WHERE p.sale_id = s.id"
                f" AND p.{column} = ?{nocase})"
            ),
            check_params=[value],
        )

    def _item(self, text: str | None) -> _Part | None:
        text = (text or "").strip()
        if not text:
            return None
        words = search_key(text).split()
        products = _PRODUCTS_SQL.format(
            words=" AND ".join("search_name LIKE ? ESCAPE '\\'" for _ in words)
        )
        likes = [_like(word) for word in words]
        return _Part(
            source=(
                "SELECT sale_id FROM sale_line WHERE code = ?"
                f" UNION SELECT sale_id FROM sale_line WHERE product_id IN ({products})"
            ),
            source_params=[text, *likes],
            check=(
                "EXISTS (SELECT 1 FROM sale_line AS l WHERE l.sale_id = s.id"
                f" AND (l.code = ? OR l.product_id IN ({products})))"
            ),
            check_params=[text, *likes],
        )

    def _customer(self, text: str | None) -> _Part | None:
        text = (text or "").strip()
        if not text:
            return None
        from till_tui.store.customers import Customers

        customers = Customers()
        by_card = customers.find_by_card(text)
        found = [by_card] if by_card else customers.search(text, limit=CUSTOMER_MATCHES)
        ids = sorted({customer.id for customer in found})
        if not ids:
            raise _NoMatch
        return _Part(
            source=f"SELECT id FROM sale WHERE customer_id IN ({_marks(ids)})",
            source_params=ids,
            check=f"+s.customer_id IN ({_marks(ids)})",
            check_params=ids,
        )

    def _cashier(self, text: str | None) -> _Part | None:
        key = search_key(text or "").strip()
        if not key:
            return None
        staff = database.execute_sql("SELECT id, name FROM staff").fetchall()
        exact = [row[0] for row in staff if search_key(row[1]) == key]
        ids = exact or [row[0] for row in staff if search_key(row[1]).startswith(key)]
        if not ids:
            raise _NoMatch
        return _Part(
            source=f"SELECT id FROM sale WHERE staff_id IN ({_marks(ids)})",
            source_params=ids,
            check=f"+s.staff_id IN ({_marks(ids)})",
            check_params=ids,
        )
