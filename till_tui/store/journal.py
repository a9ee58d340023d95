"""The journal: every business event appended to one chain per register, linked by SHA-256.

Each row's hash covers the previous row's hash and the row's canonical content, so altering,
removing or swapping a row breaks the chain from there on.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from till_tui.i18n import _
from till_tui.store.db import database
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


def head(register: str) -> tuple[int, str]:
    """The sequence number and hash of `register`'s last journal row ((0, GENESIS): none)."""
    last = (
        Journal.select(Journal.seq, Journal.hash)
        .where(Journal.register == register)
        .order_by(Journal.seq.desc())
        .first()
    )
    return (int(last.seq), str(last.hash)) if last else (0, GENESIS)


def append(register: str, kind: str, staff_id: int | None, data: dict[str, Any]) -> Journal:
    """Append an event to `register`'s chain. Call inside the transaction that makes the event."""
    last_seq, prev_hash = head(register)
    seq = last_seq + 1
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


@dataclass(frozen=True, slots=True)
class ChainBreak:
    """The first row of a register's chain that does not verify, and what is wrong with it."""

    register: str
    seq: int
    kind: str
    problem: str


@dataclass(frozen=True, slots=True)
class ChainCheck:
    """One register's chain: how many rows were verified, and the first break (None: intact)."""

    register: str
    rows: int
    broken: ChainBreak | None = None


_CHAIN_SQL = (
    "SELECT seq, created_at, staff_id, kind, payload, prev_hash, hash FROM journal"
    " WHERE register = ? ORDER BY seq"
)


def verify_chain(register: str) -> ChainCheck:
    """Recompute `register`'s chain: sequence numbers without gaps from 1, each row's
    prev_hash equal to the previous row's hash, and each hash equal to SHA-256 of its content."""
    prev, expected_seq, rows = GENESIS, 1, 0
    for seq, stamp, staff_id, kind, payload, prev_hash, stored in database.execute_sql(
        _CHAIN_SQL, (register,)
    ):
        problem = ""
        if seq != expected_seq:
            problem = _("sequence {seq} where {expected} was expected (a row is missing)").format(
                seq=seq, expected=expected_seq
            )
        elif prev_hash != prev:
            problem = _("prev_hash is not the previous row's hash (rows removed or swapped)")
        elif row_hash(prev_hash, register, seq, stamp, staff_id, kind, payload) != stored:
            problem = _("hash does not match the row's content (the row was altered)")
        if problem:
            return ChainCheck(register, rows, ChainBreak(register, seq, kind, problem))
        prev, expected_seq, rows = stored, seq + 1, rows + 1
    return ChainCheck(register, rows)


def registers() -> list[str]:
    """Every register that has a journal, sorted."""
    rows = database.execute_sql("SELECT DISTINCT register FROM journal ORDER BY register")
    return [str(register) for (register,) in rows]


def verify_file(path: Path) -> list[ChainCheck]:
    """Every register's chain in the database file `path`, opened read-only. Raises
    StoreError when the file cannot be read."""
    from till_tui.store.db import read_only

    with read_only(path):
        return [verify_chain(register) for register in registers()]


_EXPORT_SQL = (
    "SELECT j.register, j.seq, j.created_at, j.staff_id, COALESCE(s.name, ''), j.kind,"
    " j.payload, j.prev_hash, j.hash FROM journal AS j LEFT JOIN staff AS s ON s.id = j.staff_id"
    " WHERE j.created_at >= ? AND j.created_at < ? AND (? IS NULL OR j.register = ?)"
    " ORDER BY j.register, j.seq"
)


def export_lines(start: datetime, end: datetime, register: str | None = None) -> Iterator[str]:
    """The journal rows stamped in [start, end) (UTC), one JSON object per line, in chain
    order per register. Each line carries what its hash covers, exactly as hashed (`created_at`
    as stored, `payload` as the canonical string), so an auditor can recompute every hash:
    SHA-256 of the canonical JSON array [prev_hash, register, seq, created_at, staff_id, kind,
    payload]; `data` is the payload decoded, for reading."""
    bounds = (Journal.created_at.db_value(start), Journal.created_at.db_value(end))
    for (
        register_,
        seq,
        stamp,
        staff_id,
        staff_name,
        kind,
        payload,
        prev_hash,
        hash_,
    ) in database.execute_sql(_EXPORT_SQL, (*bounds, register, register)):
        yield canonical(
            {
                "register": register_,
                "seq": seq,
                "created_at": stamp,
                "staff_id": staff_id,
                "staff": staff_name,
                "kind": kind,
                "payload": payload,
                "data": json.loads(payload),
                "prev_hash": prev_hash,
                "hash": hash_,
            }
        )


_LAST_CONFIG_SQL = (
    "SELECT payload FROM journal WHERE register = ? AND kind = 'config' ORDER BY seq DESC LIMIT 1"
)


def record_config(register: str, settings: dict[str, Any]) -> list[str] | None:
    """Journal the till's settings ("config") when they differ from the last ones recorded
    for `register`. Returns the keys that changed ("till.locale", every key the first time),
    or None when nothing changed (nothing written)."""
    from till_tui.store.db import transaction

    settings = json.loads(canonical(settings))
    with transaction():
        row = database.execute_sql(_LAST_CONFIG_SQL, (register,)).fetchone()
        previous = json.loads(row[0]).get("settings", {}) if row else {}
        new, old = _flatten(settings), _flatten(previous)
        changed = sorted(key for key in new.keys() | old.keys() if new.get(key) != old.get(key))
        if not changed:
            return None
        append(register, "config", None, {"settings": settings, "changed": changed})
    return changed


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[prefix + key] = value
    return flat
