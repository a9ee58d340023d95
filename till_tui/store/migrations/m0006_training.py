"""Training mode: a register switched to practice by a manager, its sales kept apart.

- register_mode: one row per register that was ever switched: whether training mode is on,
  when it last changed, who asked and which manager approved. The row changes with the
  switch; the history of the switch is in the journal ("training_on" / "training_off").
- sale.training: 1 for a sale made in training mode. A training sale is numbered in its own
  gap-free sequence: it is stored under the register's training code (`R1/training` for
  register R1, see store/training.py), so `UNIQUE (register, number)` keeps both sequences
  apart and the real numbers never skip one. Reports, grand totals, exports and the history
  leave training sales out.
"""

from __future__ import annotations

import peewee

STATEMENTS = [
    """
CREATE TABLE register_mode (
    register TEXT PRIMARY KEY,
    training INTEGER NOT NULL DEFAULT 0 CHECK (training IN (0, 1)),
    changed_at TEXT NOT NULL,
    changed_by INTEGER NOT NULL REFERENCES staff (id),
    approved_by INTEGER NOT NULL REFERENCES staff (id)
)""",
    # ADD COLUMN does not fire the UPDATE triggers: completed sales are not rewritten.
    "ALTER TABLE sale ADD COLUMN training INTEGER NOT NULL DEFAULT 0 CHECK (training IN (0, 1))",
]


def apply(db: peewee.Database) -> None:
    for statement in STATEMENTS:
        db.execute_sql(statement)
