"""Sales history benchmark: the F8 list and its searches on a year of sales of two registers.

A temporary SQLite file gets the real schema (`open_database`: every migration), then a year
of activity written by bulk inserts (raw `executemany`, untimed but reported): 2 registers,
~150,000 sales (about 205 a day per register, 7:00 to 20:00 local time), ~600,000 lines from
a catalogue of 1,000 products (popularity is Zipf-like: a few products are in many sales),
~200,000 payments (cash, card with the last 4 digits, prepaid and on account for customers,
room charges and cheques with a reference), 6,000 customers (a fifth of the sales have one),
VAT rows, a few refunds (negative money, `refund_of`), and shifts of ~500 sales each.

Then, through the till's code on a fresh connection (as the till opens its store), each
measured RUNS times after a warm-up, median and p90:

- `History.recent`: the last 20 sales of the register's current shift (what F8 shows first);
- `History.search` over the whole year of this register: by a card's last 4 digits, by
  customer (a name typed as the cashier would, and a card), by item (a popular product's name
  and code, a rare product's name), plus other filters and combinations for information;
- `Sales.get` of one sale: what the detail (Enter) loads;
- `bench_z_report`: `Reports(register).compute(shift_id)` on the current shift, when
  `till_tui.store.reports` exists.

Target: <= 50 ms median for the last 20 sales and the searches by last 4, customer and item.
Each figure is also printed with the number of rows found and the query plan of the search
(EXPLAIN QUERY PLAN, one line).

Run from the repository root::

    python -m bench.history           # ~150,000 sales, 30 runs per query
    python -m bench.history --quick   # a smoke run: a tenth of the data, 5 runs
"""

from __future__ import annotations

import argparse
import gc
import importlib
import importlib.util
import os
import platform
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from time import perf_counter
from typing import Any

from bench.stats import percentile, verdict
from till_tui.demo import ean13
from till_tui.store.catalog import search_key
from till_tui.store.db import close_database, open_database
from till_tui.store.history import History, SaleFilter
from till_tui.store.sales import Sales

REGISTERS = ("R1", "R2")
DAYS = 365
SALES_PER_DAY = 205
"""Per register: 2 x 365 x 205 = ~150,000 sales."""
SHIFT_SALES = 500
PRODUCTS = 1_000
CUSTOMERS = 6_000
CUSTOMER_SHARE = 0.2
REFUND_SHARE = 0.005
RUNS = 30
TARGET_MS = 50.0
OPENING_HOUR, CLOSING_HOUR = 7, 20

STAFF = (
    ("Camille", "cashier"),
    ("Lucas", "cashier"),
    ("Inès", "cashier"),
    ("Théo", "cashier"),
    ("Patron", "manager"),
)
CASHIERS = {"R1": (1, 2, 5), "R2": (3, 4, 5)}
"""Staff ids that sell on each register."""
MANAGER = 5
VAT_RATES = (550, 1000, 2000)
NOUNS = (
    "Café", "Thé", "Croissant", "Baguette", "Pain au chocolat", "Éclair", "Tarte", "Quiche",
    "Sandwich", "Salade", "Jus", "Eau minérale", "Limonade", "Bière", "Vin rouge", "Vin blanc",
    "Cidre", "Chocolat", "Biscuits", "Confiture", "Miel", "Comté", "Camembert", "Beurre",
    "Yaourt", "Lait", "Œufs", "Pommes", "Savon", "Bougie", "Journal", "Carte postale",
)  # fmt: skip
QUALIFIERS = (
    "bio", "nature", "extra", "classique", "artisanal", "de Provence", "de Bretagne",
    "sans sucre", "au beurre", "aux fruits", "maison", "fermier", "crème", "noir",
)  # fmt: skip
SIZES = ("100 g", "250 g", "500 g", "1 kg", "33 cl", "75 cl", "1 L", "x4", "x6", "(part)")
FIRST_NAMES = (
    "Hélène", "François", "Zoé", "Jean", "Marie", "Pierre", "Anne", "Michel", "Nathalie",
    "Éric", "Céline", "Stéphane", "Sophie", "Valérie", "Jérôme", "Cécile", "Benoît", "Aurélie",
    "Émilie", "Nicolas", "Julie", "Olivier", "Chloé", "Léa", "Thomas", "Manon", "Inès",
    "Antoine", "Océane", "Gaëlle", "Joël", "Noémie", "Raphaël", "Gérard", "Thérèse", "Noël",
)  # fmt: skip
LAST_NAMES = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert",
    "Bonnet", "François", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin",
    "Müller", "Henry", "Perrin", "Morin", "Clément", "Gauthier", "Dumont", "Fontaine",
    "Chevalier", "Robin", "Masson", "Nguyen", "Boyer", "Lemaire", "Duval", "Joly", "Roche",
)  # fmt: skip
# (code, kind, label, weight); prepaid and on account only for sales with a customer.
METHODS = (
    ("cash", "cash", "Espèces", 45),
    ("card", "card", "Carte", 40),
    ("prepaid", "prepaid", "Cagnotte", 4),
    ("account", "credit", "Compte client", 3),
    ("room", "external", "Chambre", 5),
    ("cheque", "other", "Chèque", 3),
)


def stamp(moment: datetime) -> str:
    """How the store writes an instant (UtcDateTimeField): ISO 8601 in UTC, microseconds."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


# -- the data -----------------------------------------------------------------------------


@dataclass
class Data:
    """What was generated, and the values the searches look for."""

    sales: int = 0
    lines: int = 0
    payments: int = 0
    refunds: int = 0
    shifts: dict[str, int] = field(default_factory=dict)
    """Register -> its last (current) shift id."""
    shift_sales: dict[int, int] = field(default_factory=dict)
    last4: list[str] = field(default_factory=list)
    """Card digits paid with on the first register (the one searched)."""
    references: list[str] = field(default_factory=list)
    customers: list[tuple[str, str]] = field(default_factory=list)
    """(name, card) of customers with sales."""
    products: list[tuple[int, str, str]] = field(default_factory=list)
    """(id, barcode, name) by popularity, most sold first."""
    sale_ids: list[int] = field(default_factory=list)
    seconds: float = 0.0


def sale_times(rng: random.Random, days: int, per_day: int) -> list[tuple[datetime, str]]:
    """Every sale's instant (aware, local) and register, in time order."""
    today = date.today()
    first = today - timedelta(days=days - 1)
    events: list[tuple[datetime, str]] = []
    for day in range(days):
        when = first + timedelta(days=day)
        opening = datetime(when.year, when.month, when.day, OPENING_HOUR).astimezone()
        span = (CLOSING_HOUR - OPENING_HOUR) * 3600
        for register in REGISTERS:
            count = rng.randint(per_day * 4 // 5, per_day * 6 // 5)
            for second in rng.sample(range(span), count):
                events.append((opening + timedelta(seconds=second), register))
    events.sort()
    return events


def zipf_weights(count: int, exponent: float) -> list[float]:
    return [1 / (rank + 1) ** exponent for rank in range(count)]


def generate(path: Path, scale: float, seed: int = 8) -> Data:
    """Write a year of activity into the (migrated, empty) database at `path`."""
    started = perf_counter()
    rng = random.Random(seed)
    data = Data()
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA synchronous = OFF")
    db.execute("BEGIN")
    created = stamp(datetime.now(UTC) - timedelta(days=DAYS + 1))

    db.executemany(
        "INSERT INTO staff (id, name, role, pin_hash, created_at) VALUES (?, ?, ?, 'x', ?)",
        [(i, name, role, created) for i, (name, role) in enumerate(STAFF, start=1)],
    )
    products = []
    for index in range(1, PRODUCTS + 1):
        name = f"{rng.choice(NOUNS)} {rng.choice(QUALIFIERS)} {rng.choice(SIZES)} n°{index}"
        code = ean13(f"3761{index:08d}")
        products.append(
            (index, code, name, search_key(name), rng.randint(50, 3000), rng.choice(VAT_RATES))
        )
    db.executemany(
        "INSERT INTO product (id, barcode, name, search_name, price, vat_rate, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(*p, created) for p in products],
    )
    rng.shuffle(products)  # popularity rank -> product
    data.products = [(p[0], p[1], p[2]) for p in products]
    product_weights = zipf_weights(len(products), 1.0)

    customers = []
    for index in range(1, CUSTOMERS + 1):
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        card = ean13(f"29{index:010d}")
        customers.append((index, name, search_key(name), card, created))
    db.executemany(
        "INSERT INTO customer (id, name, search_name, card, created_at) VALUES (?, ?, ?, ?, ?)",
        customers,
    )
    customer_weights = zipf_weights(len(customers), 0.8)

    days = max(1, round(DAYS * scale))
    events = sale_times(rng, days, SALES_PER_DAY)
    numbers = dict.fromkeys(REGISTERS, 0)
    # The first shift of each register takes what is left over, so the last (current) one
    # holds SHIFT_SALES like every other.
    left = {
        register: sum(r == register for _when, r in events) % SHIFT_SALES or SHIFT_SALES
        for register in REGISTERS
    }
    shift_numbers = dict.fromkeys(REGISTERS, 0)
    shift_id = 0
    sold: dict[str, list[tuple[int, int]]] = {register: [] for register in REGISTERS}
    shifts: list[tuple[Any, ...]] = []
    sales: list[tuple[Any, ...]] = []
    lines: list[tuple[Any, ...]] = []
    vats: list[tuple[Any, ...]] = []
    payments: list[tuple[Any, ...]] = []
    line_id = payment_id = 0
    method_weights = [m[3] for m in METHODS]
    for sale_id, (moment, register) in enumerate(events, start=1):
        if left[register] == 0:
            left[register] = SHIFT_SALES
        if shift_numbers[register] == 0 or left[register] == SHIFT_SALES:
            shift_id += 1
            shift_numbers[register] += 1
            opened = stamp(moment - timedelta(minutes=5))
            cashier = rng.choice(CASHIERS[register])
            shifts.append((shift_id, register, shift_numbers[register], opened, cashier, 15000))
            data.shifts[register] = shift_id
        left[register] -= 1
        shift = data.shifts[register]
        data.shift_sales[shift] = data.shift_sales.get(shift, 0) + 1
        numbers[register] += 1
        staff = rng.choice(CASHIERS[register])
        when = stamp(moment)
        customer = None
        if rng.random() < CUSTOMER_SHARE:
            customer = rng.choices(customers, customer_weights)[0][0]
        if sold[register] and rng.random() < REFUND_SHARE:
            original, amount = rng.choice(sold[register][-200:])
            product = products[0]
            line_id += 1
            lines.append(
                (line_id, sale_id, 1, product[0], product[1], product[2], amount, 1000,
                 product[5], 0, 0, -amount)
            )  # fmt: skip
            base = round(-amount * 10_000 / (10_000 + product[5]))
            vats.append((sale_id, product[5], base, -amount - base, -amount))
            payment_id += 1
            payments.append(
                (payment_id, sale_id, 1, "cash", "cash", -amount, -amount, 0, "", "", "Espèces")
            )
            sales.append(
                (sale_id, register, numbers[register], shift, staff, when, -amount, 0, 0,
                 -amount, customer, original, MANAGER)
            )  # fmt: skip
            data.refunds += 1
            continue
        total = 0
        by_rate: dict[int, int] = {}
        count = rng.choices((1, 2, 3, 4, 5, 6, 7), (10, 14, 18, 18, 16, 14, 10))[0]
        for position, product in enumerate(rng.choices(products, product_weights, k=count), 1):
            quantity = rng.choice((1000, 1000, 1000, 2000, 3000))
            amount = product[4] * quantity // 1000
            line_id += 1
            lines.append(
                (line_id, sale_id, position, product[0], product[1], product[2], product[4],
                 quantity, product[5], 0, 0, amount)
            )  # fmt: skip
            total += amount
            by_rate[product[5]] = by_rate.get(product[5], 0) + amount
        for rate, amount in by_rate.items():
            base = round(amount * 10_000 / (10_000 + rate))
            vats.append((sale_id, rate, base, amount - base, amount))
        parts = [total] if rng.random() < 0.67 or total < 2 else [total // 2, total - total // 2]
        for position, part in enumerate(parts, start=1):
            code, kind, label, _weight = rng.choices(METHODS, method_weights)[0]
            if kind in ("prepaid", "credit") and customer is None:
                code, kind, label = "card", "card", "Carte"
            last4 = reference = ""
            tendered = part
            if kind == "card":
                last4 = f"{rng.randint(0, 9999):04d}"
                if register == REGISTERS[0]:  # the register the searches run on
                    data.last4.append(last4)
            elif code == "room":
                reference = str(rng.randint(101, 460))
            elif code == "cheque":
                reference = f"{rng.randint(0, 9_999_999):07d}"
                if register == REGISTERS[0]:
                    data.references.append(reference)
            elif kind == "cash":
                tendered = -(-part // 500) * 500  # rounded up to 5.00
            payment_id += 1
            payments.append(
                (payment_id, sale_id, position, code, kind, part, tendered, tendered - part,
                 reference, last4, label)
            )  # fmt: skip
        sales.append(
            (sale_id, register, numbers[register], shift, staff, when, total, 0, 0, total,
             customer, None, None)
        )  # fmt: skip
        sold[register].append((sale_id, total))

    db.executemany(
        "INSERT INTO shift (id, register, number, opened_at, opened_by, opening_float)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        shifts,
    )
    db.executemany(
        "INSERT INTO sale (id, register, number, shift_id, staff_id, created_at, subtotal,"
        " basket_adjustment, discount_total, total, vat_total, customer_id, refund_of,"
        " approved_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)",
        sales,
    )
    db.executemany(
        "INSERT INTO sale_line (id, sale_id, position, product_id, code, name, unit_price,"
        " quantity, vat_rate, adjustment_amount, basket_share, total)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        lines,
    )
    db.executemany(
        "INSERT INTO sale_vat (sale_id, rate, base, vat, total) VALUES (?, ?, ?, ?, ?)", vats
    )
    db.executemany(
        "INSERT INTO payment (id, sale_id, position, method, kind, amount, tendered,"
        " change_given, reference, last4, label) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        payments,
    )
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()

    data.sales, data.lines, data.payments = len(sales), len(lines), len(payments)
    with_sales = {row[10] for row in sales if row[10] is not None}
    data.customers = [(c[1], c[3]) for c in customers if c[0] in with_sales]
    data.sale_ids = [row[0] for row in sales]
    data.seconds = perf_counter() - started
    return data


# -- measuring ----------------------------------------------------------------------------


@dataclass
class Figure:
    label: str
    times: list[float]
    rows: int
    plan: str = ""


def timed(call: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    """Seconds per call of `call()` over `runs` runs (after one untimed warm-up call)."""
    result = call()
    times = []
    gc.collect()
    for _run in range(runs):
        started = perf_counter()
        result = call()
        times.append(perf_counter() - started)
    return times, result


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f}"


def print_figure(figure: Figure, target: float | None) -> None:
    med = statistics.median(figure.times) * 1000
    p90 = percentile(figure.times, 90) * 1000
    mark = f"  {verdict(med, target)}" if target is not None else ""
    print(f"  {figure.label:<44} {med:8.2f} {p90:8.2f} {figure.rows:>6}{mark}")
    if figure.plan:
        print(f"      plan: {figure.plan}")


# -- PLACEHOLDER: the Z report of the current shift (till_tui.store.reports) ------------------


def bench_z_report(register: str, shift_id: int, runs: int) -> None:
    """PLACEHOLDER: times `till_tui.store.reports.Reports(register).compute(shift_id)` on the
    current shift (~500 sales) once that module exists; until then prints a note and skips."""
    if importlib.util.find_spec("till_tui.store.reports") is None:
        print("\n  Z report: skipped, till_tui.store.reports does not exist yet.")
        return
    reports = importlib.import_module("till_tui.store.reports")
    try:
        compute = reports.Reports(register).compute
        times, _result = timed(lambda: compute(shift_id), runs)
    except Exception as error:  # the module is being written: say so, keep the other figures
        print(f"\n  Z report: skipped, Reports(register).compute(shift_id) failed: {error!r}")
        return
    print(f"\n  {'Z report: Reports.compute(current shift)':<44}", end="")
    print(f" {ms(statistics.median(times))} {ms(percentile(times, 90))}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a smoke run: a tenth of the data")
    parser.add_argument("--runs", type=int, help=f"runs per query (default {RUNS})")
    parser.add_argument("--keep", type=Path, help="also copy the generated database here")
    args = parser.parse_args(argv)
    scale = 0.1 if args.quick else 1.0
    runs = args.runs or (5 if args.quick else RUNS)
    print(
        f"history: {len(REGISTERS)} registers, {round(DAYS * scale)} days;"
        f" Python {platform.python_version()}, SQLite {sqlite3.sqlite_version},"
        f" {os.cpu_count()} CPUs"
    )
    with tempfile.TemporaryDirectory(prefix="till-bench-history-") as tmp:
        folder = Path(tmp)
        open_database("sqlite:///history.db", folder)
        close_database()
        path = folder / "history.db"
        data = generate(path, scale)
        print(
            f"\nGenerated {data.sales:,} sales ({data.refunds:,} refunds), {data.lines:,} lines,"
            f" {data.payments:,} payments, {len(data.shift_sales):,} shifts"
            f" in {data.seconds:.1f} s; {path.stat().st_size / 2**20:.0f} MiB"
        )
        if args.keep:
            shutil.copy(path, args.keep)
        open_database("sqlite:///history.db", folder)  # as the till starts: a fresh connection
        try:
            run_queries(data, runs)
        finally:
            close_database()
    print(
        "\nNote: wall times drift 20-30 % between runs on this class of machine; the plans"
        "\nsay which index each search starts from."
    )
    return 0


def run_queries(data: Data, runs: int) -> None:
    rng = random.Random(5)
    register = REGISTERS[0]
    history = History(register)
    shift_id = data.shifts[register]
    figures: list[tuple[Figure, float | None]] = []

    def add(label: str, call: Callable[[], list[Any]], target: float | None, plan: str) -> None:
        times, rows = timed(call, runs)
        figures.append((Figure(label, times, len(rows), plan), target))

    add(
        "last 20 sales of the shift (recent)",
        lambda: history.recent(20, shift_id=shift_id),
        TARGET_MS,
        history.plan_recent(shift_id),
    )

    def search(label: str, sale_filter: SaleFilter, target: float | None = TARGET_MS) -> None:
        add(label, lambda: history.search(sale_filter), target, history.plan(sale_filter))

    search("last 4 digits, whole year", SaleFilter(last4=rng.choice(data.last4)))
    name, card = data.customers[0]  # the customer with the most sales (Zipf rank 1)
    search(f"customer name {name!r}", SaleFilter(customer=name))
    search("customer card, the same customer", SaleFilter(customer=card))
    name, _card = rng.choice(data.customers)
    search(f"customer name {name!r}", SaleFilter(customer=name))
    _id, code, name = data.products[0]
    search(f"item, most sold, {name[:24]!r}", SaleFilter(item=name))
    search("item, most sold, by code", SaleFilter(item=code))
    _id, code, name = data.products[len(data.products) // 2]
    search(f"item, median, {name[:24]!r}", SaleFilter(item=name))
    _id, code, name = data.products[-1]
    search(f"item, least sold, {name[:24]!r}", SaleFilter(item=name))
    search("item, a word ('croissant')", SaleFilter(item="croissant"))

    print(f"\nThe F8 list and its searches on register {register}, {runs} runs each (ms):")
    print(f"  {'':<44} {'median':>8} {'p90':>8} {'rows':>6}")
    for figure, target in figures:
        print_figure(figure, target)

    figures = []
    today = date.today()
    search("reference (cheque number)", SaleFilter(reference=rng.choice(data.references)), None)
    search("reference (room 204)", SaleFilter(reference="204"), None)
    search("sale number", SaleFilter(number=1234), None)
    search("method: room", SaleFilter(method="room"), None)
    search("method: cash", SaleFilter(method="cash"), None)
    search("cashier", SaleFilter(cashier="Lucas"), None)
    search("one day", SaleFilter(date_from=today - timedelta(days=30),
                                 date_to=today - timedelta(days=30)), None)  # fmt: skip
    search("a month, 12-14 h", SaleFilter(date_from=today - timedelta(days=60),
                                          date_to=today - timedelta(days=30),
                                          hour_from=12, hour_to=14), None)  # fmt: skip
    search("hours 3-4 (none), whole year", SaleFilter(hour_from=3, hour_to=4), None)
    search("method room + cashier Lucas", SaleFilter(method="room", cashier="Lucas"), None)
    search("item + method cheque", SaleFilter(item=data.products[0][2], method="cheque"), None)
    search("all registers: no filter", SaleFilter(register="*"), None)
    search("all registers: last 4", SaleFilter(register="*", last4=data.last4[0]), None)
    month = SaleFilter(
        register="*", date_from=today - timedelta(days=60), date_to=today - timedelta(days=30)
    )
    search("all registers: a month", month, None)
    print("\nOther filters, for information (ms):")
    print(f"  {'':<44} {'median':>8} {'p90':>8} {'rows':>6}")
    for figure, target in figures:
        print_figure(figure, target)

    sales = Sales(register)
    sale_id = rng.choice(data.sale_ids)
    times, _sale = timed(lambda: sales.get(sale_id), runs)
    print(f"\n  {'detail: Sales.get(one sale)':<44} {ms(statistics.median(times))}", end="")
    print(f" {ms(percentile(times, 90))}")
    print(f"  (the current shift holds {data.shift_sales[shift_id]} sales)")
    bench_z_report(register, shift_id, runs)


if __name__ == "__main__":
    sys.exit(main())
