"""Database faults made with SQLite's own mechanisms, on the connection the till writes with.

- A full disk: `PRAGMA max_page_count` set to the current page count. SQLite then answers
  SQLITE_FULL ("database or disk is full") to the first write that needs one more page, exactly
  as it does when the file system has no room left.
- A read-only database: `PRAGMA query_only = 1`; every write is refused with SQLITE_READONLY
  ("attempt to write a readonly database"), as for a file the till may not write.

Both are settings of one connection: the tests make them on the thread the till's services
use (the test's own thread, for the store tests and for `app.run_test()`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from till_tui.store import journal
from till_tui.store.db import database
from till_tui.store.errors import StoreError

T = TypeVar("T")

TABLES = (
    "sale",
    "sale_line",
    "sale_vat",
    "payment",
    "sale_balance",
    "ledger_entry",
    "journal",
    "shift",
    "shift_close",
    "shift_count",
    "cash_movement",
)
"""Every table a sale, a top-up or a shift close writes to (the draft apart)."""

NO_LIMIT = 1_073_741_823
"""SQLite's default maximum page count."""


def counts() -> dict[str, int]:
    return {
        table: int(database.execute_sql(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
        for table in TABLES
    }


def draft_payload() -> str | None:
    row = database.execute_sql("SELECT payload FROM draft").fetchone()
    return None if row is None else str(row[0])


def assert_chains_verify() -> None:
    for register in journal.registers():
        check = journal.verify_chain(register)
        assert check.broken is None, check


@contextmanager
def disk_full() -> Iterator[None]:
    """The database may not grow by a single page until the block ends."""
    pages = int(database.execute_sql("PRAGMA page_count").fetchone()[0])
    assert int(database.execute_sql(f"PRAGMA max_page_count = {pages}").fetchone()[0]) == pages
    try:
        yield
    finally:
        database.execute_sql(f"PRAGMA max_page_count = {NO_LIMIT}")


@contextmanager
def read_only() -> Iterator[None]:
    """Every write is refused until the block ends."""
    database.execute_sql("PRAGMA query_only = 1")
    try:
        yield
    finally:
        database.execute_sql("PRAGMA query_only = 0")


def until_refused(
    operation: Callable[[], object],
    limit: int = 200,
    prepare: Callable[[], object] | None = None,
) -> StoreError:
    """Repeat `operation` (on a database that is filling up) until the store refuses it; the
    error. Before each try (and after `prepare`) the tables are counted, and after the refusal
    they must be exactly as they were before it: nothing of the refused operation was
    written."""
    for _attempt in range(limit):
        if prepare is not None:
            prepare()
        before, draft = counts(), draft_payload()
        try:
            operation()
        except StoreError as error:
            assert counts() == before, "nothing of the refused operation was written"
            assert draft_payload() == draft
            return error
    raise AssertionError(f"the database never filled up in {limit} tries")
