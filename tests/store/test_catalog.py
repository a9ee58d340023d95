"""The catalogue as a manager loads it from a spreadsheet and a cashier finds things in it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import write_config
from till_tui.config import load_config
from till_tui.demo import demo_barcode
from till_tui.store.catalog import Catalog, ImportFailed, ImportResult, NewProduct, search_key
from till_tui.store.db import close_database, database
from till_tui.store.services import Services

GOOD = """\
barcode,name,price,vat_rate,sku,group
3760000000011,Bottle of Côtes-du-Rhône,12.50,20,VIN-01,Wine
3760000000028,Croissant,1.20,5.5
3760000000035,Espresso,1.50,10,,Drinks
"""


@pytest.fixture
def catalog(tmp_path: Path) -> Iterator[Catalog]:
    """An empty shop: a fresh database, no products."""
    config = load_config(
        write_config(
            tmp_path / "shop",
            '[store]\ndatabase = "sqlite:///till.db"\n[till]\nlocale = "en_US"\n'
            '[printer]\nkind = "none"\n',
        )
    )
    yield Services.open(config).catalog
    close_database()


def write_csv(
    tmp_path: Path, text: str, name: str = "products.csv", encoding: str = "utf-8"
) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def product_rows() -> list[tuple[object, ...]]:
    return [
        tuple(row)
        for row in database.execute_sql(
            "SELECT barcode, name, search_name, price, vat_rate, sku, product_group, active"
            " FROM product ORDER BY barcode"
        ).fetchall()
    ]


# --- importing ------------------------------------------------------------------------------------


def test_a_good_csv_is_imported_with_exact_prices_and_rates(
    catalog: Catalog, tmp_path: Path
) -> None:
    result = catalog.import_csv(write_csv(tmp_path, GOOD))
    assert result == ImportResult(added=3, updated=0)
    assert catalog.count() == 3
    assert product_rows() == [
        ("3760000000011", "Bottle of Côtes-du-Rhône", "bottle of cotes-du-rhone", 1250, 2000,
         "VIN-01", "Wine", 1),
        ("3760000000028", "Croissant", "croissant", 120, 550, "", "", 1),
        ("3760000000035", "Espresso", "espresso", 150, 1000, "", "Drinks", 1),
    ]  # fmt: skip
    wine = catalog.find("3760000000011")
    assert wine is not None
    assert (wine.name, wine.price, wine.vat_rate, wine.sku, wine.group) == (
        "Bottle of Côtes-du-Rhône",
        1250,
        2000,
        "VIN-01",
        "Wine",
    )


def test_a_csv_saved_by_excel_with_a_bom_and_no_header_is_imported(
    catalog: Catalog, tmp_path: Path
) -> None:
    text = "3760000000011,Croissant,1.20,5.5\r\n3760000000028,Espresso,1.5,10\r\n\r\n"
    result = catalog.import_csv(write_csv(tmp_path, text, encoding="utf-8-sig"))
    assert result == ImportResult(added=2, updated=0)
    assert [(r[0], r[3], r[4]) for r in product_rows()] == [
        ("3760000000011", 120, 550),
        ("3760000000028", 150, 1000),
    ]


def test_importing_again_updates_prices(catalog: Catalog, tmp_path: Path) -> None:
    catalog.import_csv(write_csv(tmp_path, GOOD))
    new_prices = """\
barcode,name,price,vat_rate
3760000000028,Butter croissant,1.35,5.5
3760000000035,Espresso,1.60,10
3760000000042,Macaron,2.00,5.5
"""
    result = catalog.import_csv(write_csv(tmp_path, new_prices, "prices.csv"))
    assert result == ImportResult(added=1, updated=2)
    assert catalog.count() == 4
    croissant = catalog.find("3760000000028")
    assert croissant is not None
    assert (croissant.name, croissant.price) == ("Butter croissant", 135)
    espresso = catalog.find("3760000000035")
    assert espresso is not None and espresso.price == 160
    wine = catalog.find("3760000000011")
    assert wine is not None and wine.price == 1250  # not in the new file: untouched
    assert [p.barcode for p in catalog.search("butter")] == ["3760000000028"]


BAD = """\
barcode,name,price,vat_rate
3760000000011,Croissant,1.20,5.5
3760000000028,Espresso,douze,10
3760000000035,Bottle of wine,8.90,150
3760000000042,,2.00,5.5
3760000000011,Croissant again,1.30,5.5
3760000000059,Baguette,1.30
3760000000066,Macaron,2.00,5.5
"""


def test_a_csv_with_bad_rows_lists_each_and_writes_nothing(
    catalog: Catalog, tmp_path: Path
) -> None:
    catalog.import_csv(write_csv(tmp_path, GOOD))
    before = product_rows()
    with pytest.raises(ImportFailed) as failed:
        catalog.import_csv(write_csv(tmp_path, BAD, "bad.csv"))
    errors = failed.value.errors
    assert [error.split(":")[0] for error in errors] == [
        "line 3",
        "line 4",
        "line 5",
        "line 6",
        "line 7",
    ]
    assert "douze" in errors[0]  # bad price
    assert "150" in errors[1]  # VAT of 150 %
    assert "name" in errors[2]  # missing name
    assert "line 2" in errors[3]  # duplicate of the barcode on line 2
    assert "found 3" in errors[4]  # three columns
    assert str(failed.value).splitlines() == errors

    # Nothing written, not even the good lines 2 and 8 (line 2 would have renamed a product).
    assert product_rows() == before
    assert catalog.count() == 3
    assert catalog.find("3760000000066") is None
    croissant = catalog.find("3760000000011")
    assert croissant is not None and croissant.name == "Bottle of Côtes-du-Rhône"


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("3760000000011,Croissant,-1.20,5.5", "negative"),
        ("3760000000011,Croissant,1.205,5.5", "decimals"),
        ("3760000000011,Croissant,1.20,100", "below 100"),
        ("3760000000011,Croissant,1.20,-5", "negative"),
        ("37600 00000011,Croissant,1.20,5.5", "spaces"),
        (",Croissant,1.20,5.5", "barcode"),
        ("3760000000011,Croissant,1.20,5.5,SKU,Group,extra", "found 7"),
    ],
)
def test_each_kind_of_bad_row_is_refused(
    catalog: Catalog, tmp_path: Path, row: str, problem: str
) -> None:
    with pytest.raises(ImportFailed) as failed:
        catalog.import_csv(write_csv(tmp_path, f"3760000000028,Espresso,1.50,10\n{row}\n"))
    assert len(failed.value.errors) == 1
    assert failed.value.errors[0].startswith("line 2: ")
    assert problem in failed.value.errors[0]
    assert catalog.count() == 0


def test_an_empty_or_header_only_file_is_refused(catalog: Catalog, tmp_path: Path) -> None:
    for text in ("", "barcode,name,price,vat_rate\n"):
        with pytest.raises(ImportFailed, match="no products"):
            catalog.import_csv(write_csv(tmp_path, text))
    assert catalog.count() == 0


def test_an_unreadable_file_is_refused(catalog: Catalog, tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="cannot read"):
        catalog.import_csv(tmp_path / "missing.csv")
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("3760000000011,Crème brûlée,4.50,10\n".encode("latin-1"))
    with pytest.raises(ImportFailed, match="cannot read"):
        catalog.import_csv(latin1)
    assert catalog.count() == 0


def test_a_french_csv_with_semicolons_and_decimal_commas(catalog: Catalog, tmp_path: Path) -> None:
    text = """\
barcode;name;price;vat_rate;sku;group
3760000000011;Crème brûlée;12,50;5,5;DES-1;Desserts
3760000000028;Café, grand;2,80;10
3760000000035;Champagne brut;1 032,00;20
"""
    result = catalog.import_csv(write_csv(tmp_path, text))
    assert result == ImportResult(added=3, updated=0)
    assert [(r[1], r[3], r[4], r[5], r[6]) for r in product_rows()] == [
        ("Crème brûlée", 1250, 550, "DES-1", "Desserts"),
        ("Café, grand", 280, 1000, "", ""),
        ("Champagne brut", 103_200, 2000, "", ""),
    ]


def test_a_headerless_french_csv_whose_first_name_has_a_comma(
    catalog: Catalog, tmp_path: Path
) -> None:
    text = "3760000000011;Eau minérale 1,5 L;0,95;5,5\n3760000000028;Croissant;1,20;5,5\n"
    result = catalog.import_csv(write_csv(tmp_path, text))
    assert result == ImportResult(added=2, updated=0)
    water = catalog.find("3760000000011")
    assert water is not None and (water.name, water.price, water.vat_rate) == (
        "Eau minérale 1,5 L",
        95,
        550,
    )


def test_save_products_adds_and_updates_in_one_go(catalog: Catalog) -> None:
    first = catalog.save_products([NewProduct("111", "Tea", 250, 550)])
    again = catalog.save_products(
        [NewProduct("111", "Green tea", 270, 550), NewProduct("222", "Cake", 300, 550)]
    )
    assert (first, again) == (ImportResult(1, 0), ImportResult(1, 1))
    assert [(p.barcode, p.name, p.price) for p in catalog.search("e")] == [
        ("222", "Cake", 300),
        ("111", "Green tea", 270),
    ]


# --- finding --------------------------------------------------------------------------------------


def test_search_ignores_accents_and_case(services: Services) -> None:
    catalog = services.catalog
    names = {p.name for p in catalog.search("creme")}
    assert "Crème brûlée" in names
    assert "Café crème" in names
    assert [p.name for p in catalog.search("BRUL")] == ["Crème brûlée"]
    assert [p.name for p in catalog.search("  CRÈME   Brûlée ")] == ["Crème brûlée"]
    assert [p.name for p in catalog.search("eclair")] == ["Éclair au café"]


def test_search_matches_every_word(services: Services) -> None:
    catalog = services.catalog
    assert [p.name for p in catalog.search("cafe creme")] == ["Café crème"]
    assert [p.name for p in catalog.search("creme cafe")] == ["Café crème"]
    assert catalog.search("creme champagne") == []
    assert catalog.search("") == []
    assert catalog.search("   ") == []


def test_search_finds_a_barcode_prefix_and_respects_the_limit(services: Services) -> None:
    catalog = services.catalog
    barcode = demo_barcode(13)
    assert [p.name for p in catalog.search(barcode)] == ["Croissant au beurre"]
    everything = catalog.search("37601230", limit=200)
    assert len(everything) == 50
    assert len(catalog.search("37601230", limit=5)) == 5
    keys = [search_key(p.name) for p in everything]
    assert keys == sorted(keys)  # by name, accents ignored


def test_find_is_the_scan_path(services: Services) -> None:
    catalog = services.catalog
    croissant = catalog.find(demo_barcode(13))
    assert croissant is not None
    assert (croissant.name, croissant.price, croissant.vat_rate) == (
        "Croissant au beurre",
        120,
        550,
    )
    assert catalog.find("0000000000000") is None
    assert catalog.find("") is None
    assert catalog.find(demo_barcode(13)[:-1]) is None  # a partial scan is not a match
    assert catalog.find(f"{demo_barcode(13)} ") is None


def test_a_withdrawn_product_is_neither_scanned_nor_found(services: Services) -> None:
    catalog = services.catalog
    barcode = demo_barcode(13)
    database.execute_sql("UPDATE product SET active = 0 WHERE barcode = ?", (barcode,))
    assert catalog.find(barcode) is None
    assert catalog.search("croissant") == []
    assert catalog.count() == 49


def test_a_french_header_and_the_oe_ligature(services, tmp_path):
    csv_file = tmp_path / "articles.csv"
    csv_file.write_text("code;nom;prix;tva\n3760000000035;Œufs de caille x12;3,20;5,5\n", "utf-8")
    result = services.catalog.import_csv(csv_file)
    assert (result.added, result.updated) == (1, 0)
    assert [p.name for p in services.catalog.search("oeufs cail")] == ["Œufs de caille x12"]


def test_search_ranks_names_that_start_with_the_word_first(services):
    # "creme": the cashier most likely wants Crème brûlée, then Café crème, then demi-écrémé.
    names = [p.name for p in services.catalog.search("creme")]
    assert names == ["Crème brûlée", "Café crème", "Lait demi-écrémé 1 L"]
