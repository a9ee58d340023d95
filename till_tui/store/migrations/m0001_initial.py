"""The first schema: catalogue, staff, shifts, sales and their lines, VAT and payments, the
journal, the draft sale of each register, and parked sales.

Completed records (sales, lines, VAT, payments, shifts, journal) are protected by triggers: an
UPDATE or DELETE aborts. Corrections are new records.
"""

from __future__ import annotations

import peewee

TABLES = """
CREATE TABLE product (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    barcode TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    search_name TEXT NOT NULL,
    price BIGINT NOT NULL CHECK (price >= 0),
    vat_rate INTEGER NOT NULL CHECK (vat_rate >= 0 AND vat_rate < 10000),
    sku TEXT NOT NULL DEFAULT '',
    product_group TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE INDEX product_search_name ON product (search_name);

CREATE TABLE staff (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('cashier', 'manager')),
    pin_hash TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);

CREATE TABLE shift (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    register TEXT NOT NULL,
    number INTEGER NOT NULL,
    opened_at TEXT NOT NULL,
    opened_by INTEGER NOT NULL REFERENCES staff (id),
    opening_float BIGINT NOT NULL CHECK (opening_float >= 0),
    UNIQUE (register, number)
);

CREATE TABLE sale (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    register TEXT NOT NULL,
    number INTEGER NOT NULL CHECK (number > 0),
    shift_id INTEGER NOT NULL REFERENCES shift (id),
    staff_id INTEGER NOT NULL REFERENCES staff (id),
    created_at TEXT NOT NULL,
    subtotal BIGINT NOT NULL,
    basket_adjustment BIGINT NOT NULL,
    basket_rule TEXT,
    discount_total BIGINT NOT NULL,
    total BIGINT NOT NULL,
    vat_total BIGINT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    UNIQUE (register, number)
);

CREATE TABLE sale_line (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sale_id INTEGER NOT NULL REFERENCES sale (id),
    position INTEGER NOT NULL,
    product_id INTEGER REFERENCES product (id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    unit_price BIGINT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    vat_rate INTEGER NOT NULL,
    adjustment TEXT,
    adjustment_amount BIGINT NOT NULL,
    basket_share BIGINT NOT NULL,
    total BIGINT NOT NULL,
    UNIQUE (sale_id, position)
);

CREATE TABLE sale_vat (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sale_id INTEGER NOT NULL REFERENCES sale (id),
    rate INTEGER NOT NULL,
    base BIGINT NOT NULL,
    vat BIGINT NOT NULL,
    total BIGINT NOT NULL CHECK (total = base + vat),
    UNIQUE (sale_id, rate)
);

CREATE TABLE payment (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sale_id INTEGER NOT NULL REFERENCES sale (id),
    position INTEGER NOT NULL,
    method TEXT NOT NULL,
    kind TEXT NOT NULL,
    amount BIGINT NOT NULL,
    tendered BIGINT NOT NULL,
    change_given BIGINT NOT NULL CHECK (change_given >= 0),
    reference TEXT NOT NULL DEFAULT '',
    CHECK (amount = tendered - change_given),
    UNIQUE (sale_id, position)
);

CREATE TABLE journal (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    register TEXT NOT NULL,
    seq INTEGER NOT NULL CHECK (seq > 0),
    created_at TEXT NOT NULL,
    staff_id INTEGER REFERENCES staff (id),
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    UNIQUE (register, seq)
);

CREATE TABLE draft (
    register TEXT PRIMARY KEY,
    staff_id INTEGER REFERENCES staff (id),
    updated_at TEXT NOT NULL,
    payload TEXT NOT NULL
);

CREATE TABLE parked_sale (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    register TEXT NOT NULL,
    staff_id INTEGER REFERENCES staff (id),
    parked_at TEXT NOT NULL,
    label TEXT NOT NULL,
    payload TEXT NOT NULL
);
"""

IMMUTABLE = ("shift", "sale", "sale_line", "sale_vat", "payment", "journal")

TRIGGER = """
CREATE TRIGGER {table}_no_{action} BEFORE {verb} ON {table}
BEGIN SELECT RAISE(ABORT, '{table} rows are immutable: record a correction instead'); END
"""


def apply(db: peewee.Database) -> None:
    for statement in TABLES.split(";"):
        if statement.strip():
            db.execute_sql(statement)
    for table in IMMUTABLE:
        for verb in ("UPDATE", "DELETE"):
            db.execute_sql(TRIGGER.format(table=table, action=verb.lower(), verb=verb))
