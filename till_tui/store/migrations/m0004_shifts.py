"""Closing shifts, cash movements, refunds and the indexes of the sales history.

- shift_close: a closed shift and its Z report, numbered gap-free per register (`z_number`),
  with the perpetual grand total of the register after it (sum of sales incl. VAT, refunds
  counted negative, and the sum of absolute values) and the report exactly as printed
  (`report`, canonical JSON), so a Z reprinted years later prints the same figures. A shift is
  open while it has no shift_close row. Immutable.
- shift_count: per payment method of a closed shift, the expected amount and what was counted
  (NULL: not counted). Immutable.
- cash_movement: cash put into or taken out of the drawer during a shift, with a reason
  (float top-up, paying a supplier...): drawer accounting, not revenue. Immutable.
- sale.refund_of / sale.approved_by: a refund is a sale of its own, numbered in the same
  sequence, that references the sale it refunds and the manager who approved it. Its money is
  negative: sale totals, line amounts, VAT rows and payments (tendered = amount, no change)
  are below zero; its lines keep the positive quantity given back and, in `origin_line`, the
  line of the original sale, so what is left to refund is known.
"""

from __future__ import annotations

import peewee

STATEMENTS = [
    """
CREATE TABLE shift_close (
    shift_id INTEGER PRIMARY KEY REFERENCES shift (id),
    register TEXT NOT NULL,
    z_number INTEGER NOT NULL CHECK (z_number > 0),
    closed_at TEXT NOT NULL,
    closed_by INTEGER NOT NULL REFERENCES staff (id),
    approved_by INTEGER REFERENCES staff (id),
    note TEXT NOT NULL DEFAULT '',
    grand_total BIGINT NOT NULL,
    grand_total_abs BIGINT NOT NULL CHECK (grand_total_abs >= 0),
    report TEXT NOT NULL,
    UNIQUE (register, z_number)
)""",
    """
CREATE TABLE shift_count (
    shift_id INTEGER NOT NULL REFERENCES shift (id),
    method TEXT NOT NULL,
    expected BIGINT NOT NULL,
    counted BIGINT CHECK (counted IS NULL OR counted >= 0),
    PRIMARY KEY (shift_id, method)
)""",
    """
CREATE TABLE cash_movement (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    register TEXT NOT NULL,
    shift_id INTEGER NOT NULL REFERENCES shift (id),
    staff_id INTEGER NOT NULL REFERENCES staff (id),
    created_at TEXT NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    amount BIGINT NOT NULL CHECK (amount > 0),
    reason TEXT NOT NULL CHECK (reason <> '')
)""",
    "CREATE INDEX cash_movement_shift ON cash_movement (shift_id)",
    # ADD COLUMN does not fire the UPDATE triggers: completed sales are not rewritten.
    "ALTER TABLE sale ADD COLUMN refund_of INTEGER REFERENCES sale (id)",
    "ALTER TABLE sale ADD COLUMN approved_by INTEGER REFERENCES staff (id)",
    "ALTER TABLE sale_line ADD COLUMN origin_line INTEGER REFERENCES sale_line (id)",
    "CREATE INDEX sale_refund_of ON sale (refund_of) WHERE refund_of IS NOT NULL",
    "CREATE INDEX sale_shift ON sale (shift_id)",
    "CREATE INDEX sale_staff ON sale (staff_id, created_at)",
    "CREATE INDEX sale_line_product ON sale_line (product_id, sale_id)",
    "CREATE INDEX sale_line_code ON sale_line (code, sale_id)",
    "CREATE INDEX sale_line_origin ON sale_line (origin_line) WHERE origin_line IS NOT NULL",
    "CREATE INDEX ledger_entry_shift ON ledger_entry (shift_id)",
    "CREATE INDEX drawer_opening_shift ON drawer_opening (shift_id)",
]

IMMUTABLE = ("shift_close", "shift_count", "cash_movement")

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
