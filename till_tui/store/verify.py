"""Verifying the data a merchant must be able to prove unaltered (`till verify`).

The journal chains prove themselves (`journal.verify_chain`). Everything else is checked
against them: each completed sale and refund against its journal row (total, lines, VAT per
rate, tenders), each customer account movement against its journal row and the balances
that row recorded, each Z against its journal row, and every register's perpetual grand total
recomputed from the sales (training sales are checked against their own journal rows, and
count in no grand total). A sale altered, added or removed in the tables, a journal row
altered, removed or swapped: each shows as a problem naming the register, the journal
sequence number and the event.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from till_tui.domain import ledger
from till_tui.i18n import N_, _
from till_tui.store import journal
from till_tui.store.db import database
from till_tui.store.training import training_register

SALE_KINDS = ("sale", "refund", "training_sale")
"""Journal kinds of the rows a sale (or refund, or training sale) is checked against."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing that does not verify: where (register, journal sequence, event) and what."""

    register: str
    seq: int | None
    kind: str
    what: str


@dataclass(slots=True)
class Verification:
    """What was checked, and every problem found (the first of each chain comes first)."""

    chains: list[journal.ChainCheck] = field(default_factory=list)
    sales: int = 0
    entries: int = 0
    closes: int = 0
    records: int = 0
    """Shift openings, cash movements, no-sale drawer openings, reprints and credit limits."""
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def rows(self) -> int:
        return sum(chain.rows for chain in self.chains)


def verify() -> Verification:
    """Check everything in the database the models are bound to (read only)."""
    result = Verification()
    for register in journal.registers():
        chain = journal.verify_chain(register)
        result.chains.append(chain)
        if chain.broken is not None:
            broken = chain.broken
            result.problems.append(Problem(register, broken.seq, broken.kind, broken.problem))
    events = _events()
    result.sales = _check_sales(events, result.problems)
    result.entries = _check_entries(events, result.problems)
    result.closes = _check_closes(events, result.problems)
    result.records = _check_records(events, result.problems)
    return result


@dataclass(frozen=True, slots=True)
class _Event:
    register: str
    seq: int
    kind: str
    data: dict[str, Any]


def _events() -> dict[str, list[_Event]]:
    """Journal rows by kind (payloads decoded)."""
    events: dict[str, list[_Event]] = defaultdict(list)
    for register, seq, kind, payload in database.execute_sql(
        "SELECT register, seq, kind, payload FROM journal ORDER BY register, seq"
    ):
        try:
            data = json.loads(payload)
        except ValueError:
            data = {}
        events[kind].append(_Event(register, seq, kind, data if isinstance(data, dict) else {}))
    return events


def _grouped(sql: str) -> dict[int, list[tuple[Any, ...]]]:
    """Rows of `sql` (first column: the sale id) grouped by sale, in the query's order."""
    grouped: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in database.execute_sql(sql):
        grouped[row[0]].append(tuple(row[1:]))
    return grouped


def _check_sales(events: dict[str, list[_Event]], problems: list[Problem]) -> int:
    # A training sale is numbered in its own sequence, stored under the register's training
    # code: its key cannot meet a real sale's.
    journaled = {
        (
            training_register(event.register) if kind == "training_sale" else event.register,
            kind == "training_sale",
            event.data.get("number"),
        ): event
        for kind in SALE_KINDS
        for event in events.get(kind, ())
    }
    lines = _grouped("SELECT sale_id, total FROM sale_line ORDER BY sale_id, position")
    vat = _grouped("SELECT sale_id, rate, base, vat, total FROM sale_vat ORDER BY sale_id, rate")
    tenders = _grouped(
        "SELECT sale_id, method, amount, tendered, change_given FROM payment"
        " ORDER BY sale_id, position"
    )
    count = 0
    for sale_id, register, number, total, vat_total, training in database.execute_sql(
        "SELECT id, register, number, total, vat_total, training FROM sale"
        " ORDER BY register, number"
    ):
        count += 1
        event = journaled.pop((register, bool(training), number), None)
        if event is None:
            problems.append(
                Problem(
                    register, None, "sale", _("sale N° {n} has no journal row").format(n=number)
                )
            )
            continue
        data = event.data
        found = {
            _("total"): (total, data.get("total")),
            _("lines"): (
                [row[0] for row in lines[sale_id]],
                [row[3] for row in _list(data, "lines")],
            ),
            _("VAT"): ([list(row) for row in vat[sale_id]], sorted(_list(data, "vat"))),
            _("VAT total"): (vat_total, sum(_number(row, 2) for row in _list(data, "vat"))),
            _("tenders"): (
                [list(row) for row in tenders[sale_id]],
                [row[:4] for row in _list(data, "tenders")],
            ),
        }
        for what, (table, journal_value) in found.items():
            if table != journal_value:
                problems.append(
                    Problem(
                        register,
                        event.seq,
                        event.kind,
                        _("sale N° {n}: {what}: does not match the journal").format(
                            n=number, what=what
                        ),
                    )
                )
                break
    for (register, _training, number), event in sorted(
        journaled.items(), key=lambda item: item[1].seq
    ):
        problems.append(
            Problem(
                register,
                event.seq,
                event.kind,
                _("sale N° {n} is in the journal but not in the sales").format(n=number),
            )
        )
    return count


def _number(row: list[Any], index: int) -> int:
    value = row[index] if len(row) > index else None
    return value if isinstance(value, int) else 0


def _list(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    return (
        [row for row in value if isinstance(row, list) and row] if isinstance(value, list) else []
    )


def _check_entries(events: dict[str, list[_Event]], problems: list[Problem]) -> int:
    """Each account movement against its journal row, and the balances recorded there
    against the movements replayed in order."""
    journaled = {
        event.data.get("entry"): event
        for kind in ledger.ENTRY_KINDS
        for event in events.get(kind, ())
    }
    sums: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    count = 0
    for entry_id, customer_id, kind, amount, register in database.execute_sql(
        "SELECT id, customer_id, kind, amount, register FROM ledger_entry ORDER BY id"
    ):
        count += 1
        sums[customer_id][kind] += amount
        event = journaled.pop(entry_id, None)
        if event is None:
            problems.append(
                Problem(
                    register,
                    None,
                    kind,
                    _("account movement {id} has no journal row").format(id=entry_id),
                )
            )
            continue
        after = ledger.balances(sums[customer_id].items())
        data = event.data
        if (data.get("customer"), data.get("amount"), event.kind) != (customer_id, amount, kind):
            what = _("account movement {id} differs from the journal's").format(id=entry_id)
        elif (data.get("prepaid"), data.get("unpaid")) != (after.prepaid, after.unpaid):
            what = _(
                "customer {customer}: balances after movement {id} are {prepaid}/{unpaid}"
                " by the account, {j_prepaid}/{j_unpaid} by the journal"
            ).format(
                customer=customer_id,
                id=entry_id,
                prepaid=after.prepaid,
                unpaid=after.unpaid,
                j_prepaid=data.get("prepaid"),
                j_unpaid=data.get("unpaid"),
            )
        else:
            continue
        problems.append(Problem(register, event.seq, event.kind, what))
    for entry_id, event in journaled.items():
        problems.append(
            Problem(
                event.register,
                event.seq,
                event.kind,
                _("account movement {id} is in the journal but not in the accounts").format(
                    id=entry_id
                ),
            )
        )
    return count


_SHIFT_TOTALS_SQL = (
    "SELECT c.register, c.z_number, c.grand_total, c.grand_total_abs, c.report,"
    " COALESCE(SUM(CASE WHEN s.refund_of IS NULL THEN s.total END), 0),"
    " COALESCE(SUM(CASE WHEN s.refund_of IS NOT NULL THEN s.total END), 0)"
    " FROM shift_close AS c LEFT JOIN sale AS s ON s.shift_id = c.shift_id AND s.training = 0"
    " GROUP BY c.shift_id ORDER BY c.register, c.z_number"
)


def _check_closes(events: dict[str, list[_Event]], problems: list[Problem]) -> int:
    """Each Z against its journal row; the grand totals recomputed from the sales."""
    journaled = {
        (event.register, event.data.get("z")): event for event in events.get("shift_close", ())
    }
    running: dict[str, tuple[int, int]] = defaultdict(lambda: (0, 0))
    count = 0
    for register, z, grand, grand_abs, report, sales, refunds in database.execute_sql(
        _SHIFT_TOTALS_SQL
    ):
        count += 1
        net, gross = running[register]
        net, gross = net + sales + refunds, gross + abs(sales) + abs(refunds)
        running[register] = (net, gross)
        event = journaled.pop((register, z), None)
        data = _report_data(report)
        stored = (data.get("grand_total"), data.get("grand_total_abs"))
        anchor = _anchor_problem(register, z, data)
        if anchor is not None:
            problems.append(anchor)
        if event is None:
            problems.append(
                Problem(register, None, "shift_close", _("Z {z} has no journal row").format(z=z))
            )
        elif (event.data.get("grand_total"), event.data.get("grand_total_abs")) != (
            grand,
            grand_abs,
        ) or stored != (grand, grand_abs):
            problems.append(
                Problem(
                    register,
                    event.seq,
                    "shift_close",
                    _("Z {z}: its grand totals differ from the journal's").format(z=z),
                )
            )
        elif (grand, grand_abs) != (net, gross):
            problems.append(
                Problem(
                    register,
                    event.seq,
                    "shift_close",
                    _(
                        "Z {z}: grand totals {grand}/{grand_abs} recorded,"
                        " {net}/{gross} by the sales"
                    ).format(z=z, grand=grand, grand_abs=grand_abs, net=net, gross=gross),
                )
            )
    for (register, z), event in journaled.items():
        problems.append(
            Problem(
                register,
                event.seq,
                "shift_close",
                _("Z {z} is in the journal but not in the closed shifts").format(z=z),
            )
        )
    return count


@dataclass(frozen=True, slots=True)
class _Record:
    """A kind of record checked against its journal rows, field by field."""

    what: str
    """How a problem names one record: "{what} {key}"."""
    kinds: tuple[str, ...]
    """The journal kinds its rows are written as."""
    sql: str
    """register, key, then the fields, in the order of `fields`."""
    key: tuple[str, ...]
    """The payload fields that name the record (beside the register)."""
    fields: tuple[str, ...]
    """The payload fields that must equal the table's columns; "kind": the journal kind."""


_RECORDS = (
    _Record(
        N_("shift"),
        ("shift_open",),
        "SELECT register, number, opening_float FROM shift",
        ("shift",),
        ("opening_float",),
    ),
    _Record(
        N_("cash movement"),
        ("cash_in", "cash_out"),
        "SELECT register, id, 'cash_' || direction, amount, reason, shift_id FROM cash_movement",
        ("movement",),
        ("kind", "amount", "reason", "shift_id"),
    ),
    _Record(
        N_("drawer opening"),
        ("drawer_open",),
        "SELECT register, id, approved_by, reason FROM drawer_opening",
        ("opening",),
        ("approved_by", "reason"),
    ),
    _Record(
        N_("reprint"),
        ("reprint",),
        "SELECT register, sale_id, copy FROM receipt_copy",
        ("sale_id", "copy"),
        (),
    ),
)


def _check_records(events: dict[str, list[_Event]], problems: list[Problem]) -> int:
    """Shift openings, cash movements, no-sale openings and reprints against their journal
    rows (a row removed from either side shows, even the last of a chain); each customer's
    credit limit against the last one journaled for them."""
    count = 0
    for record in _RECORDS:
        journaled = {
            (event.register, *(event.data.get(name) for name in record.key)): event
            for kind in record.kinds
            for event in events.get(kind, ())
        }
        width = len(record.key)
        for row in database.execute_sql(record.sql):
            count += 1
            register, key, values = row[0], tuple(row[1 : 1 + width]), tuple(row[1 + width :])
            name = f"{_(record.what)} {'/'.join(str(part) for part in key)}"
            event = journaled.pop((register, *key), None)
            if event is None:
                problems.append(
                    Problem(
                        register,
                        None,
                        record.kinds[0],
                        _("{record} has no journal row").format(record=name),
                    )
                )
                continue
            recorded = tuple(
                event.kind if field == "kind" else event.data.get(field) for field in record.fields
            )
            if recorded != values:
                problems.append(
                    Problem(
                        register,
                        event.seq,
                        event.kind,
                        _("{record} differs from the journal's").format(record=name),
                    )
                )
        for left, event in sorted(journaled.items(), key=lambda item: item[1].seq):
            name = f"{_(record.what)} {'/'.join(str(part) for part in left[1:])}"
            problems.append(
                Problem(
                    event.register,
                    event.seq,
                    event.kind,
                    _("{record} is in the journal but not in the tables").format(record=name),
                )
            )
    last_limits = {event.data.get("customer"): event for event in events.get("credit_limit", ())}
    for customer_id, limit in database.execute_sql("SELECT id, credit_limit FROM customer"):
        event = last_limits.get(customer_id)
        if event is None:
            continue  # never changed at the till (imported with its limit)
        count += 1
        if event.data.get("new") != limit:
            problems.append(
                Problem(
                    event.register,
                    event.seq,
                    event.kind,
                    _("customer {id}: credit limit differs from the journal's").format(
                        id=customer_id
                    ),
                )
            )
    return count


def _anchor_problem(register: str, z: int, data: dict[str, Any]) -> Problem | None:
    """A Z prints the hash of the journal's last row before it: that row must still have it
    (a journal rewritten with every hash recomputed, the chain intact, shows here and on the
    paper Z). Zs printed before anchors existed have none."""
    seq, printed = data.get("journal_seq"), data.get("journal_hash")
    if not printed or not isinstance(seq, int):
        return None
    row = database.execute_sql(
        "SELECT hash FROM journal WHERE register = ? AND seq = ?", (register, seq)
    ).fetchone()
    if row is not None and row[0] == printed:
        return None
    return Problem(
        register,
        seq,
        "shift_close",
        _("Z {z} printed journal row {seq} with another hash: the journal was rewritten").format(
            z=z, seq=seq
        ),
    )


def _report_data(report: str) -> dict[str, Any]:
    """A Z as stored (canonical JSON); {} if it no longer reads as one."""
    try:
        data = json.loads(report)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def first_problems(problems: Iterable[Problem], per_register: int = 1) -> Iterator[Problem]:
    """The first `per_register` problems of each register, in the order found."""
    shown: dict[str, int] = defaultdict(int)
    for problem in problems:
        if shown[problem.register] < per_register:
            shown[problem.register] += 1
            yield problem
