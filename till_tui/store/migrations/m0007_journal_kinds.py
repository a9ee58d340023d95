"""An index of the journal by register and event kind.

Technical events are read back by kind: the last logins and failed PINs of a register (the
login lock), the last configuration recorded (a change at start-up is journaled). Without it
those reads would walk a register's whole journal.
"""

from __future__ import annotations

import peewee


def apply(db: peewee.Database) -> None:
    db.execute_sql("CREATE INDEX journal_register_kind ON journal (register, kind, seq)")
