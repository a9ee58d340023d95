"""The journal: every business event appended to one chain per register, linked by SHA-256.

Each row's hash covers the previous row's hash and the row's canonical content, so altering,
removing or swapping a row breaks the chain from there on.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from till_tui.store.models import Journal, now

GENESIS = "0" * 64


def canonical(data: Any) -> str:
    """A stable serialisation: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def row_hash(
    prev_hash: str,
    register: str,
    seq: int,
    created_at: str,
    staff_id: int | None,
    kind: str,
    payload: str,
) -> str:
    """SHA-256 over the previous hash and this row's content."""
    content = canonical([prev_hash, register, seq, created_at, staff_id, kind, payload])
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def append(register: str, kind: str, staff_id: int | None, data: dict[str, Any]) -> Journal:
    """Append an event to `register`'s chain. Call inside the transaction that makes the event."""
    last = (
        Journal.select(Journal.seq, Journal.hash)
        .where(Journal.register == register)
        .order_by(Journal.seq.desc())
        .first()
    )
    seq = last.seq + 1 if last else 1
    prev_hash = last.hash if last else GENESIS
    created_at: datetime = now()
    stamp = Journal.created_at.db_value(created_at)
    payload = canonical(data)
    return Journal.create(
        register=register,
        seq=seq,
        created_at=created_at,
        staff=staff_id,
        kind=kind,
        payload=payload,
        prev_hash=prev_hash,
        hash=row_hash(prev_hash, register, seq, stamp, staff_id, kind, payload),
    )
