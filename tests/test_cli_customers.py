"""`till import customers FILE.csv`: the same messages and exit codes as the product import."""

from __future__ import annotations

from pathlib import Path

from tests.test_cli import query, shop, till  # noqa: F401  (shop is a fixture)

GOOD = """\
name,card,phone,email,credit_limit
Hélène Martin,C001,06 12 34 56 78,helene@example.fr,1000.00
Jean Dupont,C002
"""

BAD = """\
name,card
Ana,C001
Bo,C001
,C003
"""


def test_import_customers_prints_the_count(tmp_path: Path, shop: Path) -> None:  # noqa: F811
    (tmp_path / "customers.csv").write_text(GOOD, encoding="utf-8")
    result = till(tmp_path, "import", "customers", "customers.csv", config=shop)
    assert result.returncode == 0, result.stderr
    assert "2 customers added" in result.stdout
    rows = query(
        shop.parent / "till.db", "SELECT name, card, credit_limit FROM customer ORDER BY id"
    )
    assert rows == [("Hélène Martin", "C001", 100_000), ("Jean Dupont", "C002", None)]

    again = till(tmp_path, "import", "customers", "customers.csv", config=shop)
    assert again.returncode == 1
    assert "line 2: the card C001 already belongs to a customer" in again.stderr
    assert "nothing was imported (2 errors)" in again.stderr
    assert "Traceback" not in again.stderr


def test_a_bad_customer_csv_lists_each_bad_line_and_imports_nothing(
    tmp_path: Path,
    shop: Path,  # noqa: F811
) -> None:
    (tmp_path / "bad.csv").write_text(BAD, encoding="utf-8")
    result = till(tmp_path, "import", "customers", "bad.csv", config=shop)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "bad.csv: line 3: card C001 already on line 2" in result.stderr
    assert "bad.csv: line 4: the name is empty" in result.stderr
    assert "nothing was imported (2 errors)" in result.stderr
    assert "Traceback" not in result.stderr
    database = shop.parent / "till.db"
    if database.exists():
        assert query(database, "SELECT COUNT(*) FROM customer") == [(0,)]
