"""Split payments and what leaves the till after a sale.

- payment: the last 4 digits of a card, the external system's id of the method (e.g. a
  hotel's PMS code for "Room") and the method's label as printed (a duplicate prints what the
  original printed, whatever the config says later), with indexes for finding payments by
  method, card digits and reference.
- sale_balance: the customer's balances right after a sale, as its receipt printed them, so a
  duplicate prints the same figures whatever happened to the account since; immutable.
- receipt_copy: every reprint of a sale's receipt ("DUPLICATA n"), immutable.
- drawer_opening: the cash drawer opened without a sale ("no sale"), who asked and which
  manager approved, immutable.
- receipt_email: e-mailed receipts and where their sending stands (retried from history).
"""

from __future__ import annotations

import peewee

STATEMENTS = [
    # ADD COLUMN does not fire payment's UPDATE trigger: completed payments are not rewritten.
    "ALTER TABLE payment ADD COLUMN last4 TEXT NOT NULL DEFAULT ''"
    " CHECK (last4 = '' OR (length(last4) = 4 AND last4 NOT GLOB '*[^0-9]*'))",
    "ALTER TABLE payment ADD COLUMN external_id TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE payment ADD COLUMN label TEXT NOT NULL DEFAULT ''",
    "CREATE INDEX payment_method ON payment (method, sale_id)",
    "CREATE INDEX payment_last4 ON payment (last4) WHERE last4 <> ''",
    "CREATE INDEX payment_reference ON payment (reference COLLATE NOCASE) WHERE reference <> ''",
    "CREATE INDEX sale_register_created ON sale (register, created_at)",
    """
CREATE TABLE sale_balance (
    sale_id INTEGER PRIMARY KEY REFERENCES sale (id),
    prepaid BIGINT NOT NULL,
    unpaid BIGINT NOT NULL,
    deposits BIGINT NOT NULL,
    credit_limit BIGINT
)""",
    """
CREATE TABLE receipt_copy (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sale_id INTEGER NOT NULL REFERENCES sale (id),
    copy INTEGER NOT NULL CHECK (copy > 0),
    created_at TEXT NOT NULL,
    register TEXT NOT NULL,
    staff_id INTEGER NOT NULL REFERENCES staff (id),
    UNIQUE (sale_id, copy)
)""",
    """
CREATE TABLE drawer_opening (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    register TEXT NOT NULL,
    shift_id INTEGER REFERENCES shift (id),
    staff_id INTEGER NOT NULL REFERENCES staff (id),
    approved_by INTEGER NOT NULL REFERENCES staff (id),
    created_at TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT ''
)""",
    """
CREATE TABLE receipt_email (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sale_id INTEGER NOT NULL REFERENCES sale (id),
    address TEXT NOT NULL CHECK (address LIKE '%_@_%'),
    created_at TEXT NOT NULL,
    staff_id INTEGER REFERENCES staff (id),
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    sent_at TEXT
)""",
    "CREATE INDEX receipt_email_sale ON receipt_email (sale_id)",
]

IMMUTABLE = ("sale_balance", "receipt_copy", "drawer_opening")

TRIGGER = """
CREATE TRIGGER {table}_no_{action} BEFORE {verb} ON {table}
BEGIN SELECT RAISE(ABORT, '{table} rows are immutable: record a correction instead'); END
"""


def apply(db: peewee.Database) -> None:
    for statement in STATEMENTS:
        db.execute_sql(statement)
    for table in IMMUTABLE:
        for verb in ("UPDATE", "DELETE"):
            db.execute_sql(TRIGGER.format(table=table, action=verb.lower(), verb=verb))
