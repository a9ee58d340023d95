"""Manager approvals of what a cashier may not do alone, recorded where they apply.

- sale_line.discount_approved_by: the manager who approved the line's discount when it was
  above `[till] cashier_max_discount`.
- sale_line.list_price / sale_line.price_approved_by: a line sold at a unit price changed at
  the till keeps the catalogue price it was rung up at (NULL: sold at the catalogue price), and
  the manager who approved a price lowered below it.
- sale.approved_by (m0004) also serves sales: the manager who approved the discount on the
  whole sale when it was above the limit (for a refund it stays the refund's approver; a
  refund gives no discount of its own).
- ledger_entry.approved_by: the manager who approved a cancelled top-up.

ADD COLUMN fires no UPDATE trigger: completed rows are not rewritten and stay immutable.
"""

from __future__ import annotations

import peewee

STATEMENTS = [
    "ALTER TABLE sale_line ADD COLUMN discount_approved_by INTEGER REFERENCES staff (id)",
    "ALTER TABLE sale_line ADD COLUMN list_price BIGINT"
    " CHECK (list_price IS NULL OR list_price > 0)",
    "ALTER TABLE sale_line ADD COLUMN price_approved_by INTEGER REFERENCES staff (id)",
    "ALTER TABLE ledger_entry ADD COLUMN approved_by INTEGER REFERENCES staff (id)",
]


def apply(db: peewee.Database) -> None:
    for statement in STATEMENTS:
        db.execute_sql(statement)
