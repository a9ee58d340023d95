"""The `till` command as a technician uses it from the shell: the real console entry point in a
subprocess, a real config file and a real database in a temporary folder."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import write_config

CONFIG = """\
[store]
database = "sqlite:///till.db"

[till]
locale = "en_US"

[printer]
kind = "none"
"""

GOOD_CSV = """\
barcode,name,price,vat_rate
3760000000011,Croissant,1.20,5.5
3760000000028,Espresso,1.50,10
3760000000035,Bottle of wine,8.90,20
"""

BAD_CSV = """\
barcode,name,price,vat_rate
3760000000011,Croissant,1.20,5.5
3760000000028,Espresso,one fifty,10
3760000000035,Bottle of wine,8.90,150
3760000000042,,2.00,5.5
"""


def till(
    tmp_path: Path, *args: str, config: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `till ARGS` in `tmp_path`, with TILL_CONFIG pointing at `config` when given."""
    env = {key: value for key, value in os.environ.items() if key != "TILL_CONFIG"}
    env["LANG"] = env["LC_ALL"] = "C.UTF-8"
    env["PYTHONIOENCODING"] = "utf-8"
    if config is not None:
        env["TILL_CONFIG"] = str(config)
    return subprocess.run(
        [sys.executable, "-m", "till_tui", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


def query(database: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute(sql).fetchall()
    connection.close()
    return rows


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """A shop folder with its config.toml; the database does not exist yet."""
    return write_config(tmp_path / "shop", CONFIG)


# --- importing products ---------------------------------------------------------------------------


def test_import_products_prints_the_counts(tmp_path: Path, shop: Path) -> None:
    (tmp_path / "good.csv").write_text(GOOD_CSV, encoding="utf-8")
    result = till(tmp_path, "import", "products", "good.csv", config=shop)
    assert result.returncode == 0, result.stderr
    assert "3 products added, 0 updated" in result.stdout
    assert "Traceback" not in result.stderr
    rows = query(shop.parent / "till.db", "SELECT barcode, price, vat_rate FROM product ORDER BY 1")
    assert rows == [("3760000000011", 120, 550), ("3760000000028", 150, 1000),
                    ("3760000000035", 890, 2000)]  # fmt: skip

    again = till(tmp_path, "--config", str(shop), "import", "products", "good.csv")
    assert again.returncode == 0, again.stderr
    assert "0 products added, 3 updated" in again.stdout


def test_import_of_a_bad_csv_lists_each_bad_line_and_imports_nothing(
    tmp_path: Path, shop: Path
) -> None:
    (tmp_path / "bad.csv").write_text(BAD_CSV, encoding="utf-8")
    result = till(tmp_path, "--config", str(shop), "import", "products", "bad.csv")
    assert result.returncode == 1
    assert result.stdout == ""
    for line in (3, 4, 5):
        assert f"line {line}:" in result.stderr
    assert "line 2:" not in result.stderr
    assert "nothing was imported (3 errors)" in result.stderr
    assert "bad.csv" in result.stderr
    assert "Traceback" not in result.stderr
    database = shop.parent / "till.db"
    if database.exists():
        assert query(database, "SELECT COUNT(*) FROM product") == [(0,)]


def test_import_of_a_missing_file_fails_cleanly(tmp_path: Path, shop: Path) -> None:
    result = till(tmp_path, "import", "products", "nowhere.csv", config=shop)
    assert result.returncode == 1
    assert "nowhere.csv" in result.stderr
    assert "nothing was imported" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_file_that_is_not_a_database_is_reported_not_crashed_on(
    tmp_path: Path, shop: Path
) -> None:
    (shop.parent / "till.db").write_bytes(b"not a database at all\n" * 300)
    (tmp_path / "good.csv").write_text(GOOD_CSV, encoding="utf-8")
    result = till(tmp_path, "import", "products", "good.csv", config=shop)
    assert result.returncode == 1
    assert "till.db" in result.stderr
    assert "Traceback" not in result.stderr


# --- staff ----------------------------------------------------------------------------------------


def test_staff_add_then_the_same_pin_is_refused(tmp_path: Path, shop: Path) -> None:
    alice = till(
        tmp_path, "staff", "add", "Alice", "--pin", "4321", "--role", "manager", config=shop
    )
    assert alice.returncode == 0, alice.stderr
    assert "Alice added as manager" in alice.stdout

    bob = till(tmp_path, "staff", "add", "Bob", "--pin", "4321", config=shop)
    assert bob.returncode == 1
    assert "already used" in bob.stderr
    assert "Traceback" not in bob.stderr

    rows = query(shop.parent / "till.db", "SELECT name, role, pin_hash FROM staff")
    assert [(name, role) for name, role, _hash in rows] == [("Alice", "manager")]
    assert str(rows[0][2]).startswith("scrypt$")


def test_staff_add_refuses_a_short_pin(tmp_path: Path, shop: Path) -> None:
    result = till(tmp_path, "staff", "add", "Carol", "--pin", "123", config=shop)
    assert result.returncode == 1
    assert "4 to 8 digits" in result.stderr
    assert query(shop.parent / "till.db", "SELECT COUNT(*) FROM staff") == [(0,)]


# --- configuration problems -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ('[store]\ndatabase = "sqlite:///till.db"\n[till\nregister = "R1"\n', ["TOML"]),
        (
            CONFIG + '[scanner]\ndevices = ["/dev/input/event3"]\n[till]\nregister = "R2"\n',
            ["TOML"],
        ),
        (CONFIG.replace('locale = "en_US"', 'regster = "R2"'), ["[till] regster", "unknown key"]),
        (CONFIG.replace('"en_US"', '"xx_YY"'), ["[till] locale", "xx_YY"]),
        (CONFIG.replace('kind = "none"', 'kind = "usb2"'), ["[printer] kind", "usb2"]),
    ],
    ids=["bad-toml", "duplicate-table", "unknown-key", "bad-locale", "bad-printer-kind"],
)
def test_a_broken_config_names_the_file_and_the_key(
    tmp_path: Path, text: str, names: list[str]
) -> None:
    config = write_config(tmp_path / "shop", text)
    (tmp_path / "good.csv").write_text(GOOD_CSV, encoding="utf-8")
    result = till(tmp_path, "--config", str(config), "import", "products", "good.csv")
    assert result.returncode == 2
    assert str(config) in result.stderr
    for name in names:
        assert name in result.stderr
    assert "Traceback" not in result.stderr
    assert not (config.parent / "till.db").exists()  # nothing started half-configured


def test_a_missing_config_suggests_the_demo(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "config.toml"
    for result in (
        till(tmp_path, "staff", "add", "Alice", "--pin", "4321", config=missing),
        till(tmp_path, "--config", str(missing), "import", "products", "good.csv"),
    ):
        assert result.returncode == 2
        assert str(missing) in result.stderr
        assert "till demo" in result.stderr
        assert "Traceback" not in result.stderr


def test_help_lists_the_commands(tmp_path: Path) -> None:
    result = till(tmp_path, "--help")
    assert result.returncode == 0
    assert result.stdout.startswith("usage: till")
    for command in ("run", "demo", "import", "staff", "--config"):
        assert command in result.stdout


def test_an_unknown_command_is_a_usage_error(tmp_path: Path) -> None:
    result = till(tmp_path, "sell")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
    assert "Traceback" not in result.stderr
