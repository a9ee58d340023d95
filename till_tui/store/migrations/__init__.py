"""Versioned schema migrations, applied in order, each in its own transaction.

A migration is a module `mNNNN_name.py` with `apply(db)`. The schema's DDL lives in the
migrations (frozen), never derived from the current models, so a store created by any version
upgrades step by step. Later migrations use playhouse.migrate for column changes.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import NamedTuple

import peewee


class Migration(NamedTuple):
    version: int
    name: str
    apply: Callable[[peewee.Database], None]


def _load(version: int, module: str) -> Migration:
    mod = importlib.import_module(f"{__name__}.{module}")
    return Migration(version, module, mod.apply)


MIGRATIONS: tuple[tuple[int, str], ...] = (
    (1, "m0001_initial"),
    (2, "m0002_customers"),
    (3, "m0003_payments"),
    (4, "m0004_shifts"),
    (5, "m0005_approvals"),
    (6, "m0006_training"),
    (7, "m0007_journal_kinds"),
)
"""(version, module) of every migration, oldest first."""

LATEST = MIGRATIONS[-1][0]


def current_version(db: peewee.Database) -> int:
    """The schema version of `db` (0 for an empty database)."""
    if "schema_version" not in db.get_tables():
        return 0
    row = db.execute_sql("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def migrate(db: peewee.Database) -> list[int]:
    """Apply every pending migration; return the versions applied."""
    db.execute_sql(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    version = current_version(db)
    if version > LATEST:
        raise peewee.OperationalError(
            f"database schema version {version} is newer than this till ({LATEST}): upgrade it"
        )
    applied = []
    for number, module in MIGRATIONS:
        if number <= version:
            continue
        migration = _load(number, module)
        with db.atomic("IMMEDIATE"):
            if current_version(db) >= number:  # another till migrated meanwhile
                continue
            migration.apply(db)
            db.execute_sql(
                "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                (number, migration.name, datetime.now(UTC).isoformat()),
            )
        applied.append(number)
    return applied
