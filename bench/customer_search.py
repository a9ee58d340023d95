"""Customer search benchmark: a large customer import, search as the cashier types, card scans.

A temporary store (a config.toml and its SQLite database, opened through `Services.open` as
`till` does) gets 200,000 generated French customers: accented first and last names (Hélène,
François, Zoé, Lefèvre, Müller...), a few businesses, phone numbers like "06 12 34 56 78",
e-mails, unique EAN-13 loyalty cards with the in-store prefix 29 and, for some, a credit
limit. Then:

- import: the customers are written to a CSV file (untimed) and imported the way
  `till import customers FILE` does it: load the config, `Services.open`, then
  `Customers.import_csv`. Target: <= 30 s for 200,000 rows (the same rate for other sizes);
- search: for a sample of customers, what a cashier types key by key: the 2- to 6-character
  prefixes of a last name, a first name or the phone's digits, lower case and without
  accents ("hel", "dupo", "0612"). Each prefix goes through `Customers.search(text, limit=20)`
  and through the same SQL on a raw `sqlite3` connection to the same file (the same two
  statements: names starting with the text in name order, then the full-text match), measured
  alternately (till, raw, till, raw...). Both must return the same customers. Targets through
  the till: median <= 2 ms and p99 <= 10 ms per query;
- card: `Customers.find_by_card` on random existing cards and a few unknown codes, against the
  same SELECT on the raw connection, alternately. Target through the till: <= 0.5 ms, median
  and p99.

The raw connection gets the till's pragmas (`SQLITE_PRAGMAS`: cache size and so on), so the
till/raw ratio is the cost of the till's own code (Peewee's `execute_sql`, building the query
from the typed text, `Customer` objects), not of a different SQLite setup.

Run from the repository root::

    python -m bench.customer_search           # 200,000 customers
    python -m bench.customer_search --quick   # a smoke run for CI: 20,000 customers
"""

from __future__ import annotations

import argparse
import csv
import gc
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from time import perf_counter
from typing import Any

from bench.stats import percentile, verdict
from till_tui.config import Config, load_config
from till_tui.demo import ean13
from till_tui.store.catalog import search_key
from till_tui.store.customers import Customers, fts_query
from till_tui.store.db import SQLITE_PRAGMAS, close_database, sqlite_path
from till_tui.store.services import Services

CUSTOMERS = 200_000
CUSTOMERS_QUICK = 20_000
IMPORT_TARGET_S = 30.0
IMPORT_TARGET_ROWS = 200_000
SEARCH_MEDIAN_TARGET_MS = 2.0
SEARCH_P99_TARGET_MS = 10.0
CARD_TARGET_MS = 0.5
LIMIT = 20
SAMPLED = 60
"""Customers whose name or phone the cashier types, 2 to 6 characters each."""
PREFIXES = range(2, 7)
CARD_PREFIX = "29"
"""In-store EAN-13 prefix of the loyalty cards (as the demo customers' cards)."""
KINDS = ("last name", "first name", "phone")

FIRST_NAMES = (
    "Hélène", "François", "Zoé", "Jean", "Marie", "Pierre", "Anne", "Michel", "Nathalie",
    "Philippe", "Isabelle", "Éric", "Céline", "Stéphane", "Sophie", "Frédéric", "Valérie",
    "Sébastien", "Sandrine", "Jérôme", "Cécile", "Benoît", "Aurélie", "Thierry", "Émilie",
    "Nicolas", "Julie", "Laurent", "Camille", "Olivier", "Chloé", "Julien", "Léa", "Thomas",
    "Manon", "Mathieu", "Inès", "Antoine", "Océane", "Clément", "Anaïs", "Hervé", "Gaëlle",
    "Joël", "Maëlle", "Loïc", "Noémie", "Raphaël", "Mélanie", "Gérard", "Thérèse", "Noël",
    "Amélie", "Jérémy", "Léo", "Théo", "Agnès", "Rémi", "Sylvie", "Bernard", "Élodie",
    "Mathéo", "Jean-Pierre", "Marie-Claire", "Jean-François", "Anne-Sophie", "Françoise",
    "Geneviève", "Hélèna", "Yves", "Dominique", "Pascal", "Christophe", "Véronique",
    "Martine", "Catherine", "Lucas", "Hugo", "Louis", "Gabriel", "Emma", "Jade", "Louise",
    "Alice", "Lina", "Rose", "Ambre", "Arthur", "Jules", "Adèle", "Capucine", "Timothée",
)  # fmt: skip
LAST_NAMES = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Lefèbvre", "Mercier", "Dupont",
    "Lambert", "Bonnet", "François", "Martínez", "Legrand", "Garnier", "Faure", "Rousseau",
    "Blanc", "Guérin", "Müller", "Henry", "Roussel", "Nicolas", "Perrin", "Morin", "Mathieu",
    "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Masson",
    "Sánchez", "Gérard", "Nguyen", "Boyer", "Denis", "Lemaire", "Duval", "Joly", "Gautier",
    "Roger", "Roche", "Roy", "Noël", "Meyer", "Lucas", "Meunier", "Jean", "Pérez", "Marchand",
    "Dufour", "Blanchard", "Marie", "Barbier", "Brun", "Dumas", "Brunet", "Schmitt", "Leroux",
    "Colin", "Fernandez", "Pierre", "Renard", "Arnaud", "Rolland", "Caron", "Aubert",
    "Giraud", "Leclerc", "Vidal", "Bourgeois", "Renaud", "Lemoine", "Picard", "Gaillard",
    "Philippe", "Leclercq", "Lacroix", "Fabre", "Dupuis", "Olivier", "Rodriguez", "Da Silva",
    "Hubert", "Louis", "Charles", "Guillot", "Rivière", "Le Gall", "Guillaume", "Adam", "Rey",
    "Moulin", "Gonzalez", "Berger", "Lecomte", "Ménard", "Fleury", "Deschamps", "Carpentier",
    "Julien", "Benoît", "Paris", "Maillard", "Marchal", "Aubry", "Vasseur", "Le Roux",
    "Renault", "Jacquet", "Collet", "Prévost", "Poirier", "Charpentier", "Royer", "Huet",
    "Baron", "Dupuy", "Pons", "Paul", "Laine", "Carré", "Breton", "Rémy", "Schneider",
    "Perrot", "Guyot", "Barré", "Marty", "Cousin", "Lévêque", "Bénard", "Étienne", "Hoarau",
    "Lemaître", "Maréchal", "Barthélémy", "Besançon", "Thébault", "Weiß", "Kœnig",
)  # fmt: skip
BUSINESS_KINDS = (
    "Hôtel", "Boulangerie", "Café", "Brasserie", "Librairie", "Pharmacie", "Garage",
    "Fromagerie", "Épicerie", "Crèche", "Association", "Mairie de", "SARL", "Cabinet",
)  # fmt: skip
DOMAINS = (
    "gmail.com", "orange.fr", "free.fr", "laposte.net", "sfr.fr", "wanadoo.fr", "yahoo.fr",
    "hotmail.fr", "outlook.fr", "bbox.fr", "icloud.com", "example.fr",
)  # fmt: skip
LIMITS = ("50,00", "100,00", "150,00", "200,00", "300,00", "500,00", "1 000,00", "2 500,00")


# -- the customers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """One generated customer, and the parts a cashier would type to find them."""

    name: str
    card: str
    phone: str
    email: str
    credit_limit: str
    first: str
    last: str


def card_code(index: int) -> str:
    return ean13(f"{CARD_PREFIX}{index:010d}")


def phone_number(rng: random.Random) -> str:
    """A French number as people write it: "06 12 34 56 78" (mostly mobiles)."""
    lead = rng.choices(("06", "07", "01", "02", "03", "04", "05", "09"), (40, 20, 8, 7, 7, 8, 6, 4))
    pairs = " ".join(f"{rng.randint(0, 99):02d}" for _ in range(4))
    number = f"{lead[0]} {pairs}"
    style = rng.random()
    if style < 0.05:
        return number.replace(" ", ".")
    if style < 0.08:
        return "+33 " + number[1:]
    return number


def email_for(rng: random.Random, first: str, last: str) -> str:
    user_first = search_key(first).replace(" ", "").replace("-", "")
    user_last = search_key(last).replace(" ", "").replace("'", "")
    pattern = rng.random()
    if pattern < 0.5:
        user = f"{user_first}.{user_last}"
    elif pattern < 0.7:
        user = f"{user_first[0]}{user_last}"
    else:
        user = f"{user_first}{user_last}{rng.randint(1, 99)}"
    return f"{user}@{rng.choice(DOMAINS)}"


def generated_customers(count: int, seed: int = 29) -> Iterator[Person]:
    """`count` customers; common surnames are common (a Zipf-like draw), as in a real file."""
    rng = random.Random(seed)
    weights = [1 / (rank + 1) ** 0.7 for rank in range(len(LAST_NAMES))]
    for index in range(count):
        first = rng.choice(FIRST_NAMES)
        last = rng.choices(LAST_NAMES, weights)[0]
        style = rng.random()
        if style < 0.03:
            name = f"{rng.choice(BUSINESS_KINDS)} {last}"
            first = ""
        elif style < 0.25:
            name = f"{last.upper()} {first}"  # as typed from a form: "DUPONT Hélène"
        elif style < 0.30:
            name = f"{first} {last.upper()}"
        else:
            name = f"{first} {last}"
        card = card_code(index + 1) if rng.random() < 0.95 else ""
        phone = phone_number(rng) if rng.random() < 0.85 else ""
        email = email_for(rng, first or "contact", last) if rng.random() < 0.6 else ""
        limit = rng.choice(LIMITS) if rng.random() < 0.05 else ""
        yield Person(name, card, phone, email, limit, first, last)


def write_csv(path: Path, people: list[Person]) -> None:
    """The file a shop would export from a spreadsheet: French headers, `;`-separated."""
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(("nom", "carte", "téléphone", "email", "plafond"))
        for person in people:
            writer.writerow(
                (person.name, person.card, person.phone, person.email, person.credit_limit)
            )


def write_config(folder: Path) -> Path:
    path = folder / "config.toml"
    path.write_text(
        '[store]\ndatabase = "sqlite:///till.db"\n\n'
        '[till]\nregister = "R1"\ncurrency = "EUR"\nlocale = "fr_FR"\n',
        "utf-8",
    )
    return path


@dataclass(frozen=True)
class ImportTimes:
    open_s: float
    import_s: float
    close_s: float
    csv_mib: float

    @property
    def total_s(self) -> float:
        return self.open_s + self.import_s + self.close_s


def import_customers(
    config_path: Path, csv_path: Path, expected: int
) -> tuple[Config, ImportTimes]:
    """`till import customers csv_path`, step by step: config, Services.open, import, close."""
    gc.collect()
    started = time.perf_counter()
    config = load_config(config_path)
    services = Services.open(config)
    opened = time.perf_counter()
    result = services.customers.import_csv(csv_path, config.till.currency)
    imported = time.perf_counter()
    close_database()
    closed = time.perf_counter()
    if result.added != expected:
        raise SystemExit(f"import added {result.added} customers, expected {expected}")
    times = ImportTimes(
        opened - started, imported - opened, closed - imported, csv_path.stat().st_size / 2**20
    )
    return config, times


# -- the raw sqlite3 side ---------------------------------------------------------------------

# The SQL of Customers.search and Customers.find_by_card, written out again here; every
# answer is compared with the till's, so a change on either side shows up as a failure.
FIELDS = "id, name, card, phone, email, credit_limit"
RAW_STARTS_SQL = (
    f"SELECT {FIELDS} FROM customer WHERE search_name >= ? AND search_name < ?"
    " ORDER BY search_name LIMIT ?"
)
RAW_SEARCH_SQL = (
    f"SELECT {FIELDS} FROM customer WHERE id IN"
    " (SELECT rowid FROM customer_fts WHERE customer_fts MATCH ? LIMIT ?)"
)
RAW_CARD_SQL = f"SELECT {FIELDS} FROM customer WHERE card = ?"


def raw_connection(path: Path) -> sqlite3.Connection:
    """The same file through the bare sqlite3 module, with the till's pragmas."""
    connection = sqlite3.connect(path)
    for name, value in SQLITE_PRAGMAS.items():
        connection.execute(f"PRAGMA {name} = {value}")
    return connection


@dataclass(frozen=True)
class Query:
    """What the cashier typed, and its SQL parameters worked out ahead for the raw side."""

    kind: str
    text: str
    key: str
    match: str


def raw_search(connection: sqlite3.Connection, query: Query) -> list[Any]:
    """Customers.search's two statements, on the raw connection."""
    key = query.key
    rows = connection.execute(RAW_STARTS_SQL, (key, key + "\U0010ffff", LIMIT)).fetchall()
    if len(rows) < LIMIT:
        seen = {row[0] for row in rows}
        more = connection.execute(RAW_SEARCH_SQL, (query.match, LIMIT + len(rows))).fetchall()
        rows += [row for row in more if row[0] not in seen][: LIMIT - len(rows)]
    return rows


def typed_queries(people: list[Person], rng: random.Random) -> list[Query]:
    """The prefixes a cashier types for SAMPLED customers, turn about by last name, first name
    and phone digits: lower case, no accents ("hel", "dupo", "0612")."""
    # People, not businesses, with a national number ("+33 6..." is indexed as "336...").
    persons = [i for i, p in enumerate(people) if p.first and p.phone.startswith("0")]
    queries: list[Query] = []
    for number, index in enumerate(rng.sample(persons, SAMPLED)):
        person = people[index]
        kind = KINDS[number % len(KINDS)]
        if kind == "phone":
            whole = "".join(ch for ch in person.phone if ch.isdigit())
        else:
            whole = search_key(person.last if kind == "last name" else person.first)
        seen: set[str] = set()
        for length in PREFIXES:
            text = whole[:length].strip(" -")
            if len(text) < 2 or text in seen:
                continue
            seen.add(text)
            key = " ".join(search_key(text).split())
            queries.append(Query(kind, text, key, fts_query(text)))
    return queries


# -- measuring --------------------------------------------------------------------------------


@dataclass
class Samples:
    """Seconds per call, through the till and raw, with the query kind of each."""

    till: list[float] = field(default_factory=list)
    raw: list[float] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)


def time_searches(
    customers: Customers, connection: sqlite3.Connection, queries: list[Query], rounds: int
) -> tuple[Samples, int]:
    """Each query through the till then raw, `rounds` times over; how many needed the FTS step
    (fewer than LIMIT names start with the text)."""
    for query in queries[:20]:  # warm-up, untimed: statement caches, the FTS index's pages
        customers.search(query.text, limit=LIMIT)
        raw_search(connection, query)
    samples = Samples()
    fts_step = 0
    for round_ in range(rounds):
        gc.collect()
        for query in queries:
            started = perf_counter()
            till_rows = customers.search(query.text, limit=LIMIT)
            till_s = perf_counter() - started
            started = perf_counter()
            raw_rows = raw_search(connection, query)
            raw_s = perf_counter() - started
            samples.till.append(till_s)
            samples.raw.append(raw_s)
            samples.kinds.append(query.kind)
            samples.sizes.append(len(query.text))
            if round_ == 0:
                till_ids = [customer.id for customer in till_rows]
                raw_ids = [row[0] for row in raw_rows]
                if till_ids != raw_ids:
                    raise SystemExit(
                        f"search {query.text!r}: the till found {till_ids}, raw SQL {raw_ids}"
                    )
                if not till_ids:
                    raise SystemExit(f"search {query.text!r} found nobody")
                starts = connection.execute(
                    "SELECT count(*) FROM (SELECT 1 FROM customer WHERE search_name >= ?"
                    " AND search_name < ? LIMIT ?)",
                    (query.key, query.key + "\U0010ffff", LIMIT),
                ).fetchone()[0]
                fts_step += starts < LIMIT
    return samples, fts_step


def card_codes(people: list[Person], rng: random.Random, known: int, unknown: int) -> list[str]:
    cards = [person.card for person in people if person.card]
    codes = rng.sample(cards, known)
    strangers = [card_code(len(people) + 1 + i * 7919) for i in range(unknown - unknown // 2)]
    strangers += [ean13(f"3760123{rng.randint(0, 99999):05d}") for _ in range(unknown // 2)]
    codes += strangers
    rng.shuffle(codes)
    return codes


def time_cards(
    customers: Customers, connection: sqlite3.Connection, codes: list[str], rounds: int
) -> Samples:
    for code in codes[:20]:  # warm-up, untimed
        customers.find_by_card(code)
        connection.execute(RAW_CARD_SQL, (code,)).fetchone()
    samples = Samples()
    for round_ in range(rounds):
        gc.collect()
        for code in codes:
            started = perf_counter()
            found = customers.find_by_card(code)
            till_s = perf_counter() - started
            started = perf_counter()
            row = connection.execute(RAW_CARD_SQL, (code,)).fetchone()
            raw_s = perf_counter() - started
            samples.till.append(till_s)
            samples.raw.append(raw_s)
            samples.kinds.append("known" if row else "unknown")
            if round_ == 0 and (found.id if found else None) != (row[0] if row else None):
                raise SystemExit(f"card {code}: the till found {found}, raw SQL {row}")
    return samples


# -- report -----------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.3f}"


def print_row(label: str, till: list[float], raw: list[float]) -> tuple[float, float]:
    """Print one line of figures; return the till's median and p99 in ms."""
    till_med, till_p99 = statistics.median(till), percentile(till, 99)
    raw_med, raw_p99 = statistics.median(raw), percentile(raw, 99)
    print(
        f"  {label:<18} {len(till):>6} {ms(till_med)} {ms(till_p99)}  {ms(raw_med)} {ms(raw_p99)}"
        f"  {till_med / raw_med:9.2f} {till_p99 / raw_p99:9.2f}"
    )
    return till_med * 1000, till_p99 * 1000


def header() -> None:
    print(
        f"  {'':<18} {'calls':>6} {'till med':>8} {'till p99':>8}  {'raw med':>8} {'raw p99':>8}"
        f"  {'ratio med':>9} {'ratio p99':>9}"
    )


def report_search(samples: Samples, queries: int, rounds: int, fts_step: int) -> None:
    print(
        f"\nSearch as the cashier types: {queries} prefixes (2-6 characters) of last names,"
        f" first names\n  and phone digits of {SAMPLED} customers, {rounds} rounds, top {LIMIT}"
        f" results; {fts_step} of the {queries} prefixes\n  fall through to the full-text step"
        f" (fewer than {LIMIT} names start with them).\n  Times in ms; ratio = till/raw."
    )
    header()
    for kind in KINDS:
        picked = [i for i, k in enumerate(samples.kinds) if k == kind]
        print_row(kind, [samples.till[i] for i in picked], [samples.raw[i] for i in picked])
    for size in PREFIXES:
        picked = [i for i, s in enumerate(samples.sizes) if s == size]
        if picked:
            label = f"{size} characters"
            print_row(label, [samples.till[i] for i in picked], [samples.raw[i] for i in picked])
    median_ms, p99_ms = print_row("all queries", samples.till, samples.raw)
    print(
        f"  through the till: median {median_ms:.3f} ms (target <= {SEARCH_MEDIAN_TARGET_MS} ms)"
        f" {verdict(median_ms, SEARCH_MEDIAN_TARGET_MS)}, p99 {p99_ms:.3f} ms"
        f" (target <= {SEARCH_P99_TARGET_MS} ms) {verdict(p99_ms, SEARCH_P99_TARGET_MS)}"
    )


def report_cards(samples: Samples, rounds: int) -> None:
    known = samples.kinds.count("known")
    print(
        f"\nCard lookups: {known // rounds} existing cards and"
        f" {(len(samples.kinds) - known) // rounds} unknown codes, {rounds} rounds."
        " Times in ms; ratio = till/raw."
    )
    header()
    for kind in ("known", "unknown"):
        picked = [i for i, k in enumerate(samples.kinds) if k == kind]
        print_row(kind, [samples.till[i] for i in picked], [samples.raw[i] for i in picked])
    median_ms, p99_ms = print_row("all lookups", samples.till, samples.raw)
    print(
        f"  through the till: median {median_ms:.3f} ms (target <= {CARD_TARGET_MS} ms)"
        f" {verdict(median_ms, CARD_TARGET_MS)}, p99 {p99_ms:.3f} ms"
        f" (target <= {CARD_TARGET_MS} ms) {verdict(p99_ms, CARD_TARGET_MS)}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a smoke run: 20,000 customers")
    parser.add_argument("--customers", type=int, help="how many customers (default 200,000)")
    args = parser.parse_args(argv)
    count = args.customers or (CUSTOMERS_QUICK if args.quick else CUSTOMERS)
    search_rounds = 2 if args.quick else 5
    card_rounds = 2 if args.quick else 5
    known_cards, unknown_cards = (200, 20) if args.quick else (1000, 50)
    rng = random.Random(2024)

    print(
        f"customer_search: {count:,} customers; Python {platform.python_version()},"
        f" SQLite {sqlite3.sqlite_version}, {os.cpu_count()} CPUs"
    )
    with tempfile.TemporaryDirectory(prefix="till-bench-customers-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        people = list(generated_customers(count))
        csv_path = folder / "clients.csv"
        write_csv(csv_path, people)
        made = time.perf_counter() - started
        config, times = import_customers(write_config(folder), csv_path, count)
        target = IMPORT_TARGET_S * count / IMPORT_TARGET_ROWS
        scaled = (
            f", the rate of {IMPORT_TARGET_S:.0f} s for {IMPORT_TARGET_ROWS:,} rows"
            if count != IMPORT_TARGET_ROWS
            else ""
        )
        print(
            f"\nImport (`till import customers`): {count:,} rows, {times.csv_mib:.1f} MiB of CSV"
            f" (generated in {made:.1f} s, untimed)\n"
            f"  load config + Services.open {times.open_s:6.2f} s\n"
            f"  Customers.import_csv        {times.import_s:6.2f} s"
            f"  ({count / times.import_s:,.0f} rows/s)\n"
            f"  close (WAL checkpoint)      {times.close_s:6.2f} s\n"
            f"  total {times.total_s:.2f} s (target <= {target:.1f} s{scaled})"
            f" {verdict(times.total_s, target)}"
        )

        services = Services.open(config)  # as the till starts: a fresh connection
        connection = raw_connection(sqlite_path(config.store.database, config.base_dir))
        try:
            customers = services.customers
            queries = typed_queries(people, rng)
            samples, fts_step = time_searches(customers, connection, queries, search_rounds)
            report_search(samples, len(queries), search_rounds, fts_step)
            codes = card_codes(people, rng, known_cards, unknown_cards)
            report_cards(time_cards(customers, connection, codes, card_rounds), card_rounds)
        finally:
            connection.close()
            close_database()
    print(
        "\nNote: wall times drift 20-30 % between runs on this class of machine; compare the"
        "\ntill/raw ratios, measured alternately in the same run."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
