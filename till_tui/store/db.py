"""The database: one `DatabaseProxy` for every model, opened from the config's URL.

SQLite is set up for a till: WAL (readers never block the till), foreign keys, a busy timeout
(another till or a report holding the lock waits instead of failing), and synchronous FULL so a
committed sale survives a power cut.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TypeVar

import peewee

from till_tui.i18n import _
from till_tui.store.errors import StoreError

__all__ = ["StoreError", "close_database", "database", "open_database", "transaction"]

database = peewee.DatabaseProxy()
"""Every model is bound to this proxy; `open_database` points it at the real database."""

BUSY_TIMEOUT_MS = 5000
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": BUSY_TIMEOUT_MS,
    "synchronous": 2,  # FULL
    "cache_size": -16_000,  # 16 MiB
    # INSERT OR REPLACE deletes the row it replaces; only with recursive triggers does that
    # delete fire the triggers that keep completed sales immutable.
    "recursive_triggers": 1,
}

T = TypeVar("T")


def sqlite_path(url: str, base_dir: Path) -> Path:
    """The file of a sqlite:/// URL; a relative path is relative to `base_dir`."""
    if not url.startswith("sqlite:///"):
        raise StoreError(_("Unsupported database URL: {url}").format(url=url))
    path = Path(url.removeprefix("sqlite:///")).expanduser()
    return path if path.is_absolute() else base_dir / path


def open_database(url: str, base_dir: Path) -> peewee.Database:
    """Open the database at `url`, bring its schema up to date, and bind the models to it."""
    from till_tui.store.migrations import migrate

    if url.startswith(("postgres://", "postgresql://")):
        raise StoreError(_("PostgreSQL is not supported by this version of the till yet."))
    path = sqlite_path(url, base_dir)
    if not path.parent.is_dir():
        raise StoreError(_("The database folder does not exist: {path}").format(path=path.parent))
    db = peewee.SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS)
    database.initialize(db)
    try:
        db.connect(reuse_if_open=True)
        migrate(db)
    except (peewee.DatabaseError, sqlite3.DatabaseError) as error:
        db.close()
        raise StoreError(
            _("Cannot open the database {path}: {error}").format(path=path, error=error)
        ) from error
    return db


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Bind the models to `path` opened read-only (nothing migrated, nothing written) for the
    duration; the previous binding comes back after."""
    db = peewee.SqliteDatabase(f"file:{path}?mode=ro", uri=True, timeout=2)
    previous = database.obj
    database.initialize(db)
    try:
        yield
    except (peewee.DatabaseError, sqlite3.DatabaseError) as error:
        raise StoreError(_("Database error: {error}").format(error=error)) from error
    finally:
        db.close()
        if previous is not None:
            database.initialize(previous)


def close_database() -> None:
    """Close this thread's connection, if any."""
    if database.obj is not None and not database.is_closed():
        database.close()


BEGIN_ATTEMPTS = 3
"""How many times BEGIN IMMEDIATE is tried when the database stays busy."""
BEGIN_BACKOFF_S = 0.05
"""The pause before the 2nd try of BEGIN IMMEDIATE; it doubles before each later one."""


def _sqlite_error(error: BaseException) -> sqlite3.Error | None:
    """The SQLite error behind `error` (Peewee wraps them). When the failed statement made
    SQLite roll the transaction back itself (disk full, I/O error), Peewee's own ROLLBACK then
    fails with "cannot rollback": the error that matters is the one before it."""
    seen: BaseException | None = error
    for _depth in range(10):  # a chain of causes is short; never loop on a cycle
        if seen is None:
            return None
        if isinstance(seen, sqlite3.Error) and "cannot rollback" not in str(seen):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _is_busy(error: BaseException) -> bool:
    cause = _sqlite_error(error)
    return cause is not None and (
        (getattr(cause, "sqlite_errorcode", 0) & 0xFF)
        in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
        or "locked" in str(cause)
        or "busy" in str(cause)
    )


def store_error(error: BaseException) -> StoreError:
    """The StoreError a cashier reads for a database error: what happened and what to do."""
    cause = _sqlite_error(error)
    code = getattr(cause, "sqlite_errorcode", 0) & 0xFF
    if _is_busy(error):
        return StoreError(
            _("The database is busy (another till or a report is writing). Try again.")
        )
    if code == sqlite3.SQLITE_FULL:
        return StoreError(
            _(
                "The disk is full: nothing was saved. Free some disk space or call support, "
                "then try again."
            )
        )
    if code == sqlite3.SQLITE_READONLY:
        return StoreError(
            _(
                "The database cannot be written (read-only): nothing was saved. Check the "
                "database file and its folder, or call support."
            )
        )
    if code == sqlite3.SQLITE_IOERR:
        return StoreError(
            _(
                "The disk could not be written: nothing was saved. Check the disk, or call "
                "support, then try again."
            )
        )
    return StoreError(_("Database error: {error}").format(error=cause or error))


def _begin(stack: ExitStack) -> None:
    """Enter a write transaction on `stack`, taking the write lock up front (BEGIN IMMEDIATE).

    SQLite already waits up to the busy timeout for the lock; if it is still busy after that,
    BEGIN is tried again, a few times with a short pause: nothing was done yet, so trying
    again is safe. Inside an open transaction this is a savepoint, which never waits."""
    for attempt in range(1, BEGIN_ATTEMPTS + 1):
        try:
            stack.enter_context(database.atomic("IMMEDIATE"))
            return
        except peewee.OperationalError as error:
            if attempt == BEGIN_ATTEMPTS or not _is_busy(error):
                raise
        time.sleep(BEGIN_BACKOFF_S * 2 ** (attempt - 1))


@contextmanager
def transaction() -> Iterator[None]:
    """One write transaction, taking the write lock up front (BEGIN IMMEDIATE).

    Taking the lock first means a busy database is waited for at the start, never half-way
    through a sale; a lock still held after the busy timeout and a few more tries of BEGIN
    becomes a StoreError. Any database error (disk full, read-only file...) rolls everything
    back and becomes a StoreError whose message says what to do.
    """
    try:
        with ExitStack() as stack:
            _begin(stack)
            yield
    except peewee.DatabaseError as error:
        raise store_error(error) from error


def in_transaction(work: Callable[[], T]) -> T:
    """Run `work` in one write transaction and return its result."""
    with transaction():
        return work()
