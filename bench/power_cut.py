"""Power cut: real till processes selling in a loop, killed with SIGKILL at random moments.

A demo store is created; then, for each round, a worker process (this module with `worker`)
logs the demo cashier in through the store services, opens the shift if none is open, and
completes sales in a loop as fast as it can: one to four products paid in cash, every third
sale paid from a customer's prepaid account (topped up when it runs low), so sales, ledger
entries, journal rows and the draft are all being written when the kill comes. The driver
waits until the worker has sold at least once, lets it run a random 0-300 ms, kills it with
SIGKILL (no cleanup, as a power cut), then checks the store:

- the database opens and `PRAGMA integrity_check` says ok;
- the real `till verify` command exits 0 (chains, sales, ledger and balances against the
  journal);
- every sale is whole: it has lines, VAT rows and payments, and its payments add up to its
  total; sale numbers run 1..n without a gap;
- every customer's prepaid balance (the ledger) is never negative and equals the balance the
  journal recorded after its last movement.

Run from the repository root::

    python -m bench.power_cut              # 200 kills
    python -m bench.power_cut --rounds 25  # what CI runs (tests/faults/test_power_cut.py)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from till_tui.demo import DEMO_CUSTOMERS, demo_barcode, demo_store

CASHIER_PIN = "1234"
CUSTOMER_CARD = DEMO_CUSTOMERS[1][1]
READY = "selling"


def worker(config_path: Path) -> None:
    """Sell until killed (through the store services, no UI)."""
    from till_tui.config import load_config
    from till_tui.domain.cart import Cart
    from till_tui.domain.tender import make_tender
    from till_tui.i18n import set_locale
    from till_tui.store.services import Services

    config = load_config(config_path)
    set_locale(config.till.locale)
    services = Services.open(config)
    cashier = services.staff.authenticate(CASHIER_PIN)
    assert cashier is not None
    shift = services.shifts.current() or services.shifts.open(cashier, 10_000)
    methods = {method.code: method for method in config.payment_methods}
    customer = services.customers.find_by_card(CUSTOMER_CARD)
    assert customer is not None
    rng = random.Random(os.getpid())
    sold = 0
    while True:
        cart = Cart()
        for _ in range(rng.randint(1, 4)):
            product = services.catalog.find(demo_barcode(rng.randint(1, 40)))
            assert product is not None
            cart, _line = cart.add(product)
        total = cart.totals().total
        method = methods["cash"]
        available = None
        if sold % 3 == 2:
            balance = services.accounts.balances(customer.id).prepaid
            if balance < total:
                top_up = total - balance + 5_000  # enough for this sale and a few more
                services.accounts.top_up(
                    customer.id, top_up, methods["cash"], staff=cashier, shift_id=shift.id
                )
                balance += top_up
            cart = cart.with_customer(customer.id)
            method, available = methods["prepaid"], balance
        services.drafts.save(cart, cashier.id)
        tender = make_tender(
            method=method.code, kind=method.kind, label=method.label, typed=total, due=total,
            available=available,
        )  # fmt: skip
        services.sales.complete(cart, (tender,), staff=cashier, shift_id=shift.id)
        sold += 1
        if sold == 1:
            print(READY, flush=True)


def check(store: Path, config_path: Path) -> list[str]:
    """What is wrong with the store after a kill (empty: nothing)."""
    problems: list[str] = []
    connection = sqlite3.connect(store)
    try:
        if connection.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            problems.append("integrity_check failed")
        numbers = [n for (n,) in connection.execute("SELECT number FROM sale ORDER BY number")]
        if numbers != list(range(1, len(numbers) + 1)):
            problems.append(f"sale numbers have a gap: {numbers[-5:]}")
        broken = connection.execute(
            "SELECT s.number FROM sale AS s WHERE NOT EXISTS"
            " (SELECT 1 FROM sale_line WHERE sale_id = s.id)"
            " OR NOT EXISTS (SELECT 1 FROM sale_vat WHERE sale_id = s.id)"
            " OR s.total <> (SELECT COALESCE(SUM(amount), 0) FROM payment WHERE sale_id = s.id)"
        ).fetchall()
        if broken:
            problems.append(f"sales not whole: {broken[:5]}")
        for customer, prepaid in connection.execute(
            "SELECT customer_id, SUM(CASE WHEN kind IN ('topup', 'deposit', 'prepaid_refund')"
            " THEN amount WHEN kind IN ('prepaid_payment', 'topup_cancel') THEN -amount"
            " ELSE 0 END) FROM ledger_entry GROUP BY customer_id"
        ):
            last = connection.execute(
                "SELECT payload FROM journal WHERE json_extract(payload, '$.customer') = ?"
                " AND json_extract(payload, '$.entry') IS NOT NULL ORDER BY id DESC LIMIT 1",
                (customer,),
            ).fetchone()
            recorded = json.loads(last[0])["prepaid"] if last else None
            if prepaid < 0 or recorded != prepaid:
                problems.append(f"customer {customer}: ledger {prepaid}, journal {recorded}")
    finally:
        connection.close()
    verify = subprocess.run(
        [sys.executable, "-m", "till_tui", "--config", str(config_path), "verify"],
        capture_output=True,
        text=True,
        env={**os.environ, "LC_ALL": "C.UTF-8"},
    )
    if verify.returncode != 0:
        problems.append(f"till verify: {verify.stderr.strip()}")
    return problems


def run(rounds: int, folder: Path, seed: int = 7) -> dict[str, int]:
    """Kill `rounds` workers; raise AssertionError at the first damaged store."""
    store = demo_store(folder / "store", locale="en_US")
    rng = random.Random(seed)
    for round_ in range(1, rounds + 1):
        process = subprocess.Popen(
            [sys.executable, "-m", "bench.power_cut", "worker", str(store.config_path)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).resolve().parent.parent,
        )
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        if line != READY:
            process.kill()
            raise AssertionError(f"round {round_}: the worker did not start selling ({line!r})")
        time.sleep(rng.uniform(0, 0.3))
        if process.poll() is not None:  # it stopped by itself: a bug, not a power cut
            raise AssertionError(f"round {round_}: the worker died (exit {process.returncode})")
        process.send_signal(signal.SIGKILL)
        process.wait()
        problems = check(store.folder / "till.db", store.config_path)
        if problems:
            raise AssertionError(f"round {round_}: " + "; ".join(problems))
    connection = sqlite3.connect(store.folder / "till.db")
    try:
        sales = connection.execute("SELECT COUNT(*) FROM sale").fetchone()[0]
        entries = connection.execute("SELECT COUNT(*) FROM ledger_entry").fetchone()[0]
    finally:
        connection.close()
    return {"rounds": rounds, "sales": sales, "ledger_entries": entries}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("mode", nargs="?", choices=["run", "worker"], default="run")
    parser.add_argument("config", nargs="?", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--rounds", type=int, default=200, help="kills (default 200)")
    args = parser.parse_args(argv)
    if args.mode == "worker":
        worker(args.config)
        return 0
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="till-power-cut-") as tmp:
        try:
            figures = run(args.rounds, Path(tmp))
        except AssertionError as error:
            print(f"FAILED: {error}", file=sys.stderr)
            return 1
    print(
        f"power cut: {figures['rounds']} SIGKILLs, {figures['sales']} sales and "
        f"{figures['ledger_entries']} ledger entries written in between; after every kill the "
        f"store opened, till verify passed, every sale was whole, numbers had no gap and the "
        f"prepaid balances equalled the ledger ({time.perf_counter() - started:.0f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
