"""Two tills, two OS processes, one SQLite file: both sell to the same customer, paid by the same
prepaid balance, as fast as they can. The balance covers fewer sales than they attempt.

Afterwards: the balance never went below zero, no debit was lost or counted twice, the sale
numbers of each register have no gap, both journal chains verify, and the only error a worker
ever saw is the clear "not enough prepaid balance" refusal (never "database is locked").
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import CASHIER_PIN
from tests.faults.prepaid_worker import URL
from till_tui.config import load_config
from till_tui.demo import DemoStore
from till_tui.store import journal
from till_tui.store.db import close_database, database, open_database
from till_tui.store.services import Services

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SALES = int(os.environ.get("TILL_FAULT_SALES", "500"))
"""Sales each till attempts (CI may lower it; the default is real contention)."""
PRICE = 150  # Café expresso
ALLOWED = SALES * 6 // 5  # the balance pays for 60 % of the 2 * SALES attempts
REGISTERS = ("R1", "R2")


def test_two_processes_share_one_prepaid_balance_without_overdraft(demo: DemoStore) -> None:
    config = load_config(demo.config_path)
    services = Services.open(config)
    cashier = services.staff.authenticate(CASHIER_PIN)
    assert cashier is not None
    for register in REGISTERS:
        Services(register).shifts.open(cashier, 0)
    customer = services.customers.find_by_card("2900000000018")  # Hélène Dupont
    assert customer is not None
    cash = next(m for m in config.payment_methods if m.kind == "cash")
    services.accounts.top_up(customer.id, ALLOWED * PRICE, cash, staff=cashier, shift_id=None)
    close_database()

    workers = [
        subprocess.Popen(
            [
                *(sys.executable, "-m", "tests.faults.prepaid_worker"),
                *(str(demo.folder), register, str(customer.id), str(SALES)),
            ],
            cwd=PROJECT_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for register in REGISTERS
    ]
    try:
        for worker in workers:
            assert worker.stdout is not None and worker.stderr is not None
            if worker.stdout.readline().strip() != "ready":
                worker.wait(10)
                raise AssertionError(worker.stderr.read())
        for worker in workers:  # both start selling at the same moment
            assert worker.stdin is not None
            worker.stdin.write("go\n")
            worker.stdin.flush()
        outputs = [worker.communicate(timeout=120) for worker in workers]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
    for worker, (_out, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, err
    reports = [json.loads(out.strip().splitlines()[-1]) for out, _err in outputs]

    for report in reports:
        assert report["errors"] == {}, report["messages"]  # no "database is locked", ever
    numbers = {
        register: report["numbers"] for register, report in zip(REGISTERS, reports, strict=True)
    }
    completed = sum(len(n) for n in numbers.values())
    refused = sum(report["refused"] for report in reports)
    assert completed == ALLOWED, "every debit the balance allowed was taken, none more"
    assert refused == 2 * SALES - ALLOWED
    assert all(numbers.values()), "both tills sold: the balance was contended"

    open_database(URL, demo.folder)
    try:
        balances = Services("R1").accounts.balances(customer.id)
        assert balances.prepaid == 0
        signed = database.execute_sql(
            "SELECT SUM(CASE kind WHEN 'topup' THEN amount ELSE -amount END),"
            " SUM(kind = 'prepaid_payment') FROM ledger_entry WHERE customer_id = ?",
            (customer.id,),
        ).fetchone()
        assert tuple(signed) == (balances.prepaid, completed), "no debit lost or doubled"
        # The balance each receipt printed: every step from the top-up down to zero, once.
        after_each_sale = [
            prepaid
            for (prepaid,) in database.execute_sql(
                "SELECT b.prepaid FROM sale_balance AS b JOIN sale AS s ON s.id = b.sale_id"
                " ORDER BY b.prepaid DESC"
            )
        ]
        assert after_each_sale == [PRICE * n for n in range(ALLOWED - 1, -1, -1)]
        order = [
            register
            for (register,) in database.execute_sql(
                "SELECT register FROM ledger_entry WHERE kind = 'prepaid_payment' ORDER BY id"
            )
        ]
        switches = sum(a != b for a, b in itertools.pairwise(order))
        assert switches >= ALLOWED // 30, f"the tills took turns ({switches} times): contention"
        for register in REGISTERS:
            stored = [
                number
                for (number,) in database.execute_sql(
                    "SELECT number FROM sale WHERE register = ? ORDER BY number", (register,)
                )
            ]
            assert stored == list(range(1, len(stored) + 1)), f"{register}: gap-free numbers"
            assert stored == numbers[register], "what the till was told is what was written"
            check = journal.verify_chain(register)
            assert check.broken is None, check
            assert database.execute_sql("SELECT COUNT(*) FROM draft").fetchone()[0] == 0
    finally:
        close_database()
