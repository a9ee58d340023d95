"""Two tills, two OS processes, one SQLite file, one customer's prepaid balance: debited at
the same time, it never goes below zero, and exactly as many payments succeed as it allowed."""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

from till_tui.config import CASH
from till_tui.domain.staff import StaffMember
from till_tui.store.accounts import AccountError
from till_tui.store.db import close_database, database, open_database
from till_tui.store.services import Services

URL = "sqlite:///till.db"
ATTEMPTS = 200
PAYMENT = 100  # 1.00 each
BALANCE = 300 * PAYMENT  # room for 300 of the 400 attempts: neither till can take it all


def till_process(
    folder: str, register: str, customer_id: int, staff: StaffMember, start: Any
) -> tuple[int, int, list[str]]:
    """One till: debit the wallet ATTEMPTS times; (successes, refusals, other errors)."""
    open_database(URL, Path(folder))
    accounts = Services(register).accounts
    ok = refused = 0
    other: list[str] = []
    start.wait(timeout=30)
    for _attempt in range(ATTEMPTS):
        try:
            after = accounts.debit_prepaid(customer_id, PAYMENT, staff=staff, shift_id=None)
        except AccountError:
            refused += 1
        except Exception as error:  # anything else is a failure the test reports
            other.append(f"{type(error).__name__}: {error}")
        else:
            assert after.prepaid >= 0
            ok += 1
    close_database()
    return ok, refused, other


def test_two_processes_never_overdraw_one_prepaid_account(tmp_path: Path) -> None:
    open_database(URL, tmp_path)
    try:
        services = Services("R1")
        services.staff.add("Camille", "1234", "cashier")
        cashier = services.staff.authenticate("1234")
        assert cashier is not None
        customer = services.customers.add("Hélène Martin", card="C1")
        services.accounts.top_up(customer.id, BALANCE, CASH, staff=cashier, shift_id=None)
    finally:
        close_database()

    context = multiprocessing.get_context("spawn")
    start = context.Manager().Barrier(2)
    with context.Pool(2) as pool:
        runs = [
            pool.apply_async(till_process, (str(tmp_path), register, customer.id, cashier, start))
            for register in ("R1", "R2")
        ]
        results = [run.get(timeout=120) for run in runs]

    assert [other for _ok, _refused, other in results] == [[], []]  # no "database is locked"
    successes = sum(ok for ok, _refused, _other in results)
    assert successes == BALANCE // PAYMENT
    assert sum(refused for _ok, refused, _other in results) == 2 * ATTEMPTS - successes
    assert all(ok >= BALANCE // PAYMENT - ATTEMPTS for ok, _r, _o in results), results

    open_database(URL, tmp_path)
    try:
        balances = Services("R1").accounts.balances(customer.id)
        rows = database.execute_sql(
            "SELECT SUM(CASE kind WHEN 'topup' THEN amount ELSE -amount END), COUNT(*)"
            " FROM ledger_entry WHERE customer_id = ?",
            (customer.id,),
        ).fetchone()
        assert balances.prepaid == 0
        assert tuple(rows) == (balances.prepaid, 1 + successes)
        journal = database.execute_sql(
            "SELECT COUNT(*) FROM journal WHERE kind = 'prepaid_payment'"
        ).fetchone()[0]
        assert journal == successes
    finally:
        close_database()
