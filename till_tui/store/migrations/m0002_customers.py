"""Customers and their money: the customer table with its full-text index, the append-only
ledger of prepaid and credit movements, and the customer of a sale.

`customer_fts` is an FTS5 index over the folded name (search_name: no accents, "oe" for "œ"),
phone (digits only), e-mail and card, with prefix
indexes for 2, 3 and 4 characters and accent folding, kept in step by triggers. Ledger rows are
immutable like completed sales: an UPDATE or DELETE aborts.
"""

from __future__ import annotations

import peewee

KINDS = (
    "'topup', 'topup_cancel', 'deposit', 'prepaid_payment', 'prepaid_refund',"
    " 'credit_charge', 'settlement', 'credit_refund'"
)

# Phone numbers are indexed as digits only, so "0612" finds "06 12 34 56 78".
PHONE_DIGITS = (
    "replace(replace(replace(replace(replace(replace(replace("
    "coalesce({row}.phone, ''), ' ', ''), '.', ''), '-', ''), '+', ''), '(', ''), ')', ''),"
    " '/', '')"
)

STATEMENTS = [
    """
CREATE TABLE customer (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL CHECK (name <> ''),
    search_name TEXT NOT NULL,
    card TEXT UNIQUE CHECK (card IS NULL OR card <> ''),
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    credit_limit BIGINT CHECK (credit_limit IS NULL OR credit_limit >= 0),
    created_at TEXT NOT NULL
)""",
    "CREATE INDEX customer_search_name ON customer (search_name)",
    """
CREATE VIRTUAL TABLE customer_fts USING fts5 (
    name, phone, email, card,
    prefix = '2 3 4',
    tokenize = "unicode61 remove_diacritics 2"
)""",
    f"""
CREATE TRIGGER customer_fts_insert AFTER INSERT ON customer BEGIN
    INSERT INTO customer_fts (rowid, name, phone, email, card)
    VALUES (new.id, new.search_name, {PHONE_DIGITS.format(row="new")}, new.email,
            coalesce(new.card, ''));
END""",
    f"""
CREATE TRIGGER customer_fts_update AFTER UPDATE OF search_name, phone, email, card ON customer
BEGIN
    DELETE FROM customer_fts WHERE rowid = old.id;
    INSERT INTO customer_fts (rowid, name, phone, email, card)
    VALUES (new.id, new.search_name, {PHONE_DIGITS.format(row="new")}, new.email,
            coalesce(new.card, ''));
END""",
    """
CREATE TRIGGER customer_fts_delete AFTER DELETE ON customer BEGIN
    DELETE FROM customer_fts WHERE rowid = old.id;
END""",
    f"""
CREATE TABLE ledger_entry (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id INTEGER NOT NULL REFERENCES customer (id),
    kind TEXT NOT NULL CHECK (kind IN ({KINDS})),
    amount BIGINT NOT NULL CHECK (amount > 0),
    created_at TEXT NOT NULL,
    register TEXT NOT NULL,
    staff_id INTEGER NOT NULL REFERENCES staff (id),
    shift_id INTEGER REFERENCES shift (id),
    sale_id INTEGER REFERENCES sale (id),
    receipt_number INTEGER CHECK (receipt_number IS NULL OR receipt_number > 0),
    method TEXT,
    tendered BIGINT NOT NULL DEFAULT 0,
    change_given BIGINT NOT NULL DEFAULT 0 CHECK (change_given >= 0),
    reference TEXT NOT NULL DEFAULT '',
    due_date TEXT,
    UNIQUE (register, receipt_number)
)""",
    "CREATE INDEX ledger_entry_customer ON ledger_entry (customer_id, kind)",
    "CREATE INDEX ledger_entry_sale ON ledger_entry (sale_id)",
    # ADD COLUMN does not fire sale's UPDATE trigger: completed sales are not rewritten.
    "ALTER TABLE sale ADD COLUMN customer_id INTEGER REFERENCES customer (id)",
    "CREATE INDEX sale_customer ON sale (customer_id)",
]

TRIGGER = """
CREATE TRIGGER ledger_entry_no_{action} BEFORE {verb} ON ledger_entry
BEGIN SELECT RAISE(ABORT, 'ledger_entry rows are immutable: record a correction instead'); END
"""


def apply(db: peewee.Database) -> None:
    for statement in STATEMENTS:
        db.execute_sql(statement)
    for verb in ("UPDATE", "DELETE"):
        db.execute_sql(TRIGGER.format(action=verb.lower(), verb=verb))
