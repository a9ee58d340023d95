"""The schema as a technician meets it: a new store, a second start, a store from the future,
the SQLite settings that keep a sale safe, and completed records that cannot be rewritten."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import peewee
import pytest

from tests.conftest import CASHIER_PIN
from till_tui.domain.cart import Cart
from till_tui.domain.tender import make_tender
from till_tui.store.db import BUSY_TIMEOUT_MS, close_database, database, open_database
from till_tui.store.errors import StoreError
from till_tui.store.migrations import LATEST, MIGRATIONS, current_version, migrate
from till_tui.store.models import ALL_MODELS, BaseModel
from till_tui.store.services import Services

URL = "sqlite:///till.db"


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[peewee.Database]:
    """A brand-new, empty store opened the way the till opens it."""
    db = open_database(URL, tmp_path)
    yield db
    close_database()


@pytest.fixture
def one_sale(services: Services) -> Services:
    """The demo store after a cashier opened a shift and sold a croissant for cash."""
    cashier = services.staff.authenticate(CASHIER_PIN)
    assert cashier is not None
    shift = services.shifts.open(cashier, 10_000)
    product = services.catalog.search("croissant")[0]
    cart, _index = Cart().add(product)
    total = cart.totals().total
    tender = make_tender(method="cash", kind="cash", label="Cash", typed=total + 80, due=total)
    services.sales.complete(cart, [tender], staff=cashier, shift_id=shift.id)
    return services


def _count(table: str) -> int:
    return int(database.execute_sql(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


# --- a new store ----------------------------------------------------------------------------------


def test_a_new_store_is_at_the_latest_version(fresh: peewee.Database) -> None:
    assert current_version(fresh) == LATEST
    rows = database.execute_sql(
        "SELECT version, name FROM schema_version ORDER BY version"
    ).fetchall()
    assert [tuple(row) for row in rows] == [(v, name) for v, name in MIGRATIONS]


def test_every_model_has_its_table_and_no_table_is_unmodelled(fresh: peewee.Database) -> None:
    virtual = [
        row[0]
        for row in database.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL%'"
        )
    ]  # full-text indexes and their shadow tables are not modelled
    tables = {
        t
        for t in fresh.get_tables()
        if not t.startswith("sqlite_") and not any(t.startswith(v) for v in virtual)
    } - {"schema_version"}
    assert tables == {model._meta.table_name for model in ALL_MODELS}


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_model_columns_equal_the_migrated_table(
    fresh: peewee.Database, model: type[BaseModel]
) -> None:
    """The model and the frozen migration DDL cannot drift apart unnoticed."""
    table = model._meta.table_name
    in_table = {column.name for column in fresh.get_columns(table)}
    in_model = {field.column_name for field in model._meta.sorted_fields}
    assert in_model == in_table, (
        f"{table}: model-only {in_model - in_table}, table-only {in_table - in_model}"
    )


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_model_nullability_matches_the_migrated_table(
    fresh: peewee.Database, model: type[BaseModel]
) -> None:
    table = model._meta.table_name
    nullable = {c.name: c.null for c in fresh.get_columns(table)}
    for field in model._meta.sorted_fields:
        if field.primary_key:
            continue
        assert field.null == nullable[field.column_name], f"{table}.{field.column_name}"


def test_opening_twice_applies_nothing_the_second_time(tmp_path: Path) -> None:
    db = open_database(URL, tmp_path)
    close_database()
    db = open_database(URL, tmp_path)
    try:
        assert migrate(db) == []
        assert database.execute_sql("SELECT COUNT(*) FROM schema_version").fetchone()[0] == len(
            MIGRATIONS
        )
    finally:
        close_database()


def test_reopening_keeps_the_data(tmp_path: Path) -> None:
    open_database(URL, tmp_path)
    database.execute_sql(
        "INSERT INTO product (barcode, name, search_name, price, vat_rate, created_at)"
        " VALUES ('123', 'Tea', 'tea', 250, 550, '2024-01-01T00:00:00+00:00')"
    )
    close_database()
    open_database(URL, tmp_path)
    try:
        assert database.execute_sql("SELECT name, price FROM product").fetchall() == [("Tea", 250)]
    finally:
        close_database()


def test_a_store_from_a_newer_till_is_refused_clearly(tmp_path: Path) -> None:
    open_database(URL, tmp_path)
    close_database()
    with sqlite3.connect(tmp_path / "till.db") as raw:
        raw.execute(
            "INSERT INTO schema_version (version, name, applied_at)"
            " VALUES (?, 'm9999_future', '2099-01-01T00:00:00+00:00')",
            (LATEST + 1,),
        )
    raw.close()
    with pytest.raises(StoreError) as refused:
        open_database(URL, tmp_path)
    message = str(refused.value)
    assert "till.db" in message
    assert "newer" in message
    assert f"{LATEST + 1}" in message
    # Nothing was touched: the future version is still the newest one recorded.
    with sqlite3.connect(tmp_path / "till.db") as raw:
        assert raw.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == LATEST + 1
    raw.close()


def test_a_missing_folder_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        open_database(URL, tmp_path / "nowhere")


def test_a_file_that_is_not_a_database_is_a_store_error(tmp_path: Path) -> None:
    (tmp_path / "till.db").write_bytes(b"receipts copied over the database by mistake\n" * 200)
    with pytest.raises(StoreError, match=r"till\.db"):
        open_database(URL, tmp_path)


# --- SQLite settings ------------------------------------------------------------------------------


def test_sqlite_is_set_up_for_a_till(fresh: peewee.Database) -> None:
    def pragma(name: str) -> object:
        return database.execute_sql(f"PRAGMA {name}").fetchone()[0]

    assert pragma("journal_mode") == "wal"
    assert pragma("foreign_keys") == 1
    assert pragma("synchronous") == 2  # FULL: a committed sale survives a power cut
    assert pragma("busy_timeout") == BUSY_TIMEOUT_MS
    assert pragma("recursive_triggers") == 1  # so INSERT OR REPLACE fires the delete guard
    assert BUSY_TIMEOUT_MS > 0


def test_foreign_keys_are_enforced(fresh: peewee.Database) -> None:
    with pytest.raises(peewee.IntegrityError, match="FOREIGN KEY"):
        database.execute_sql(
            "INSERT INTO shift (register, number, opened_at, opened_by, opening_float)"
            " VALUES ('R1', 1, '2024-01-01T00:00:00+00:00', 4242, 0)"
        )


# --- completed records are immutable --------------------------------------------------------------

IMMUTABLE_TABLES = ("sale", "sale_line", "sale_vat", "payment", "journal", "shift")


@pytest.mark.parametrize("table", IMMUTABLE_TABLES)
def test_completed_records_cannot_be_updated(one_sale: Services, table: str) -> None:
    before = database.execute_sql(f"SELECT * FROM {table} ORDER BY id").fetchall()
    assert before, f"the sale wrote no {table} row"
    with pytest.raises(peewee.IntegrityError, match="immutable"):
        database.execute_sql(f"UPDATE {table} SET id = id")
    assert database.execute_sql(f"SELECT * FROM {table} ORDER BY id").fetchall() == before


@pytest.mark.parametrize("table", IMMUTABLE_TABLES)
def test_completed_records_cannot_be_deleted(one_sale: Services, table: str) -> None:
    count = _count(table)
    assert count > 0
    with pytest.raises(peewee.IntegrityError, match="immutable"):
        database.execute_sql(f"DELETE FROM {table}")
    assert _count(table) == count


def test_a_sale_total_cannot_be_edited_after_the_fact(one_sale: Services) -> None:
    with pytest.raises(peewee.IntegrityError, match="immutable"):
        database.execute_sql("UPDATE sale SET total = 1")
    assert database.execute_sql("SELECT total FROM sale").fetchone()[0] == 120  # 1 croissant


def test_a_sale_cannot_be_rewritten_with_insert_or_replace(one_sale: Services) -> None:
    """REPLACE deletes the old row; recursive triggers make that delete hit the guard."""
    row = list(database.execute_sql("SELECT * FROM sale").fetchone())
    columns = [c.name for c in database.get_columns("sale")]
    row[columns.index("total")] = 1
    placeholders = ", ".join("?" for _ in row)
    with pytest.raises(peewee.IntegrityError, match="immutable"):
        database.execute_sql(f"INSERT OR REPLACE INTO sale VALUES ({placeholders})", row)
    assert database.execute_sql("SELECT total FROM sale").fetchone()[0] == 120


def test_the_draft_and_parked_sales_can_change(one_sale: Services) -> None:
    services = one_sale
    cashier = services.staff.authenticate(CASHIER_PIN)
    assert cashier is not None
    cart, _index = Cart().add(services.catalog.search("croissant")[0])
    services.drafts.save(cart, cashier.id)
    database.execute_sql("UPDATE draft SET payload = ? WHERE register = 'R1'", ('{"lines": []}',))
    assert services.drafts.load() == Cart()
    database.execute_sql("DELETE FROM draft")
    assert services.drafts.load() is None

    parked_id = services.drafts.park(cart, cashier.id)
    database.execute_sql("UPDATE parked_sale SET label = 'table 4' WHERE id = ?", (parked_id,))
    assert database.execute_sql("SELECT label FROM parked_sale").fetchone()[0] == "table 4"
    database.execute_sql("DELETE FROM parked_sale")
    assert services.drafts.parked() == []
