"""`till verify` (the journal chains and everything checked against them) and the journal's
part of `till export` (JSON lines for an auditor)."""

from __future__ import annotations

import argparse
import sys

from till_tui.config import Config
from till_tui.i18n import _, ngettext


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    commands.add_parser(
        "verify",
        help="prove nothing was altered: the journal chains, sales, accounts and Z reports",
        description="Recompute every register's journal chain (SHA-256), then check each sale,"
        " refund, customer account movement and Z report against its journal row and the"
        " perpetual grand totals against the sales. Exit status 0 and a summary when intact;"
        " 1 and the first broken row of each register (register, sequence, event, what"
        " differs) otherwise. A failure is itself journaled.",
    )


def add_export_parser(exports: argparse._SubParsersAction) -> argparse.ArgumentParser:  # type: ignore[type-arg]
    return exports.add_parser(  # type: ignore[no-any-return]
        "journal",
        help="the journal of a period as JSON lines, with its chain, for an auditor",
        description="Write one JSON object per journal row made between two local dates (both"
        " included), in chain order per register: register, seq, created_at (UTC, as stored),"
        " staff_id, staff, kind, payload (the canonical JSON as hashed), data (the payload"
        " decoded), prev_hash and hash = SHA-256 of the canonical JSON array [prev_hash,"
        " register, seq, created_at, staff_id, kind, payload]. With no dates: today.",
    )


def verify_command(config: Config) -> int:
    """Verify the configured store; print a summary or the problems. The exit status."""
    from till_tui.store import journal
    from till_tui.store.db import transaction
    from till_tui.store.errors import StoreError
    from till_tui.store.services import Services
    from till_tui.store.verify import first_problems, verify

    try:
        Services.open(config)
        result = verify()
    except StoreError as error:
        print(f"till: {error}", file=sys.stderr)
        return 1
    for chain in result.chains:
        print(
            ngettext(
                "register {register}: {n} journal row",
                "register {register}: {n} journal rows",
                chain.rows,
            ).format(register=chain.register, n=chain.rows)
            + ("" if chain.broken else " " + _("(chain intact)"))
        )
    print(
        _(
            "checked: sales and refunds {sales}, account movements {entries}, Z reports"
            " {closes}, other records {records}"
        ).format(
            sales=result.sales,
            entries=result.entries,
            closes=result.closes,
            records=result.records,
        )
    )
    if result.ok:
        print(_("Verified: nothing was altered."))
        return 0
    print(
        ngettext(
            "NOT VERIFIED: {n} problem.", "NOT VERIFIED: {n} problems.", len(result.problems)
        ).format(n=len(result.problems)),
        file=sys.stderr,
    )
    for problem in first_problems(result.problems, per_register=5):
        where = _("register {register}, journal row {seq}, {kind}").format(
            register=problem.register,
            seq=problem.seq if problem.seq is not None else "-",
            kind=problem.kind,
        )
        print(f"  {where}: {problem.what}", file=sys.stderr)
    try:
        with transaction():
            for register in sorted({problem.register for problem in result.problems}):
                mine = [p for p in result.problems if p.register == register]
                journal.append(
                    register,
                    "verify_failed",
                    None,
                    {
                        "problems": len(mine),
                        "first": {"seq": mine[0].seq, "kind": mine[0].kind, "what": mine[0].what},
                    },
                )
    except StoreError as error:
        print(f"till: {error}", file=sys.stderr)
    return 1
