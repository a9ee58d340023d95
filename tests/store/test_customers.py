"""Customers as a cashier meets them: added with just a name, found by a card scan or a few
letters typed (accents and case ignored), and imported from a merchant's CSV, all or nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import peewee
import pytest

from till_tui.domain.customer import Customer
from till_tui.store.catalog import ImportFailed
from till_tui.store.customers import CustomerError, fts_query
from till_tui.store.db import close_database, database, open_database
from till_tui.store.services import Services


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    """An empty store of its own (the demo store has customers of its own)."""
    open_database("sqlite:///till.db", tmp_path)
    yield Services("R1")
    close_database()


@pytest.fixture
def regulars(services: Services) -> dict[str, Customer]:
    add = services.customers.add
    return {
        "helene": add(
            "Hélène Martin",
            card="CARD-0001",
            phone="06 12 34 56 78",
            email="helene.martin@example.fr",
        ),
        "dupont": add("DUPONT Jean", card="CARD-0002", credit_limit=100_000),
        "zoe": add("Zoé Lefèvre", phone="+33 7 98 76 54 32"),
        "helmut": add("Helmut Schmidt", email="hs@firma.de"),
    }


def names(found: list[Customer]) -> set[str]:
    return {c.name for c in found}


# --- adding ---------------------------------------------------------------------------------------


def test_only_a_name_is_required(services: Services) -> None:
    customer = services.customers.add("  Ana  ")
    assert customer == Customer(customer.id, "Ana", "", "", "", None)
    assert services.customers.get(customer.id) == customer
    # No card is stored as NULL, so many customers can have none.
    services.customers.add("Bo")
    rows = database.execute_sql("SELECT COUNT(*) FROM customer WHERE card IS NULL").fetchone()
    assert rows[0] == 2


def test_an_empty_name_is_refused(services: Services) -> None:
    with pytest.raises(CustomerError, match="name is empty"):
        services.customers.add("   ", card="X1")
    assert services.customers.count() == 0


def test_a_card_already_given_to_someone_is_refused(
    services: Services, regulars: dict[str, Customer]
) -> None:
    with pytest.raises(CustomerError, match=r"CARD-0001 already belongs to Hélène Martin"):
        services.customers.add("Impostor", card="CARD-0001")
    assert services.customers.count() == len(regulars)
    # The database refuses it too, whatever a future bug in the service might let through.
    with pytest.raises(peewee.IntegrityError):
        database.execute_sql(
            "INSERT INTO customer (name, search_name, card, created_at)"
            " VALUES ('x', 'x', 'CARD-0002', '2024-01-01')"
        )


def test_bad_phone_email_or_card_are_refused(services: Services) -> None:
    with pytest.raises(CustomerError, match="phone"):
        services.customers.add("A", phone="call me")
    with pytest.raises(CustomerError, match="e-mail"):
        services.customers.add("A", email="not-an-address")
    with pytest.raises(CustomerError, match="spaces"):
        services.customers.add("A", card="12 34")


def test_a_card_scan_finds_its_customer(services: Services, regulars: dict[str, Customer]) -> None:
    assert services.customers.find_by_card("CARD-0002") == regulars["dupont"]
    assert services.customers.find_by_card("CARD-9999") is None
    assert services.customers.find_by_card("") is None


def test_the_card_lookup_uses_the_index(services: Services) -> None:
    plan = database.execute_sql(
        "EXPLAIN QUERY PLAN SELECT id FROM customer WHERE card = ?", ("x",)
    ).fetchall()
    assert any("INDEX" in str(row[-1]) and "(card=?)" in str(row[-1]) for row in plan), plan


# --- search ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("hel", {"Hélène Martin", "Helmut Schmidt"}),
        ("HÉLÈ", {"Hélène Martin"}),
        ("helene", {"Hélène Martin"}),
        ("dupo", {"DUPONT Jean"}),
        ("jean dup", {"DUPONT Jean"}),
        ("zoe lef", {"Zoé Lefèvre"}),
        ("0612", {"Hélène Martin"}),  # phone digits, typed without the spaces
        ("337987", {"Zoé Lefèvre"}),
        ("helene.mar", {"Hélène Martin"}),  # e-mail
        ("firma", {"Helmut Schmidt"}),
        ("card-0002", {"DUPONT Jean"}),  # card code
        ("martin zoe", set()),  # every word must match
    ],
)
def test_search_ignores_accents_and_case_and_matches_prefixes(
    services: Services, regulars: dict[str, Customer], typed: str, expected: set[str]
) -> None:
    assert names(services.customers.search(typed)) == expected


@pytest.mark.parametrize(
    "typed", ['"', '"hel', "hel*", "-", "AND", "OR hel", "NEAR(a b)", "name:x", "(", "^h", "  "]
)
def test_fts_syntax_typed_by_a_cashier_is_only_text(
    services: Services, regulars: dict[str, Customer], typed: str
) -> None:
    found = services.customers.search(typed)  # never an FTS5 syntax error
    assert isinstance(found, list)
    assert names(services.customers.search('"hel')) == {"Hélène Martin", "Helmut Schmidt"}


def test_each_word_is_quoted_for_fts5() -> None:
    assert fts_query('Hé"lo  DUP') == '"he""lo"* "dup"*'
    assert fts_query("   ") == ""


def test_search_returns_at_most_the_limit(services: Services) -> None:
    for n in range(30):
        services.customers.add(f"Durand {n}")
    assert len(services.customers.search("dur")) == 20
    assert len(services.customers.search("dur", limit=5)) == 5


def test_search_follows_an_edit(services: Services, regulars: dict[str, Customer]) -> None:
    helene = regulars["helene"]
    updated = services.customers.update(
        helene.id,
        name="Hélène Rousseau",
        phone="01 44 55 66 77",
        card="CARD-0100",
        email="h.rousseau@example.fr",
    )
    assert (updated.id, updated.credit_limit) == (helene.id, helene.credit_limit)
    assert services.customers.get(helene.id) == updated
    assert names(services.customers.search("martin")) == set()
    assert names(services.customers.search("rous")) == {"Hélène Rousseau"}
    assert names(services.customers.search("0144")) == {"Hélène Rousseau"}
    assert names(services.customers.search("0612")) == set()
    assert services.customers.find_by_card("CARD-0001") is None
    assert services.customers.find_by_card("CARD-0100") == updated
    with pytest.raises(CustomerError, match="already belongs"):
        services.customers.update(helene.id, card="CARD-0002")
    # The full-text index agrees with the table row for row.
    integrity = database.execute_sql(
        "SELECT COUNT(*) FROM customer_fts WHERE customer_fts MATCH 'rousseau'"
    ).fetchone()
    assert integrity[0] == 1


# --- CSV import -----------------------------------------------------------------------------------

GOOD = """name,card,phone,email,credit_limit
Hélène Martin,C001,06 12 34 56 78,helene@example.fr,1000.00
Jean Dupont,C002
Zoé,,,,
"""

GOOD_FRENCH = "nom;carte;téléphone;email;plafond\nDurand, Paul;C010;;;1 500,50\n"

BAD = """Ana,C001
Bo,C001
,C003
Cy,C004,phone?
Di,C005,,,12.345
Ed
Fa,C006,,not-mail
"""


def write(tmp_path: Path, text: str, name: str = "customers.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_adds_every_customer(services: Services, tmp_path: Path) -> None:
    result = services.customers.import_csv(write(tmp_path, GOOD))
    assert (result.added, result.updated) == (3, 0)
    helene = services.customers.find_by_card("C001")
    assert helene is not None
    assert helene.name == "Hélène Martin"
    assert (helene.phone, helene.credit_limit) == ("06 12 34 56 78", 100_000)
    assert names(services.customers.search("zoe")) == {"Zoé"}
    assert services.customers.search("zoe")[0].card == ""
    assert names(services.customers.search("0612")) == {"Hélène Martin"}


def test_import_reads_semicolon_files_with_french_amounts(
    services: Services, tmp_path: Path
) -> None:
    services.customers.import_csv(write(tmp_path, GOOD_FRENCH))
    paul = services.customers.find_by_card("C010")
    assert paul is not None
    assert (paul.name, paul.credit_limit) == ("Durand, Paul", 150_050)


def test_a_bad_import_lists_every_bad_line_and_writes_nothing(
    services: Services, tmp_path: Path
) -> None:
    services.customers.add("Already here", card="C100")
    with pytest.raises(ImportFailed) as failed:
        services.customers.import_csv(write(tmp_path, BAD))
    errors = failed.value.errors
    assert [e.split(":")[0] for e in errors] == [f"line {n}" for n in (2, 3, 4, 5, 6, 7)]
    assert "C001 already on line 1" in errors[0]
    assert "name is empty" in errors[1]
    assert "phone" in errors[2]
    assert "decimals" in errors[3]
    assert "columns" in errors[4]
    assert "e-mail" in errors[5]
    assert services.customers.count() == 1


def test_a_card_already_in_the_store_fails_the_whole_import(
    services: Services, tmp_path: Path
) -> None:
    services.customers.add("Already here", card="C002")
    with pytest.raises(ImportFailed) as failed:
        services.customers.import_csv(write(tmp_path, GOOD))
    assert failed.value.errors == ["line 3: the card C002 already belongs to a customer"]
    assert services.customers.count() == 1
    assert names(services.customers.search("hel")) == set()  # nor in the search index


def test_an_unreadable_or_empty_file_is_an_import_failure(
    services: Services, tmp_path: Path
) -> None:
    with pytest.raises(ImportFailed, match="cannot read"):
        services.customers.import_csv(tmp_path / "missing.csv")
    with pytest.raises(ImportFailed, match="no customers"):
        services.customers.import_csv(write(tmp_path, "name,card\n"))


def test_names_that_start_with_the_typed_text_come_first(services: Services) -> None:
    services.customers.add("Jean Martin")
    services.customers.add("Martine Durand")
    services.customers.add("Paul Marty", email="paul@martinez.example")
    services.customers.add("Marc Martel")
    found = [c.name for c in services.customers.search("mart")]
    assert found[0] == "Martine Durand"
    assert set(found) == {"Jean Martin", "Martine Durand", "Paul Marty", "Marc Martel"}


def test_ligatures_are_found_inside_a_name(services) -> None:
    # The index holds the folded name ("oe" for "œ"), as the cashier types it.
    services.customers.add("Marie Kœnig")
    services.customers.add("Cœur de Lion SARL")
    assert [c.name for c in services.customers.search("koe")] == ["Marie Kœnig"]
    assert [c.name for c in services.customers.search("lion coeur")] == ["Cœur de Lion SARL"]
