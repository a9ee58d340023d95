"""`till verify` on a store with training sales: they are checked against their own journal
rows (their numbers meet real ones without a clash) and count in no grand total; a training
sale altered, or turned into a real one behind the till's back, is caught."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.store.tills import EUR, open_till
from tests.test_cli import till
from till_tui.config import load_config
from till_tui.demo import DemoStore
from till_tui.store.db import close_database
from till_tui.store.services import Services


@pytest.fixture
def shop(demo: DemoStore) -> DemoStore:
    """Real sale N° 1, training sales N° 1 and 2, real sale N° 2, and a Z."""
    config = load_config(demo.config_path)
    shop = open_till(Services.open(config), config)
    training = shop.services.training
    real = [shop.complete(shop.ring(1, 2))]
    training.switch(True, staff=shop.cashier, approved_by=shop.manager)
    shop.complete(shop.ring(13))
    shop.complete(shop.ring(5, 5))
    training.switch(False, staff=shop.cashier, approved_by=shop.manager)
    real.append(shop.complete(shop.ring(13)))
    cash = 150 * EUR + sum(sale.totals.total for sale in real)
    shop.services.shifts.close(
        shop.shift_id,
        shop.manager,
        {"cash": cash},
        methods=config.payment_methods,
        threshold=0,
    )
    close_database()
    return demo


def problems(result: subprocess.CompletedProcess[str]) -> str:
    """What `till verify` reported wrong, on one line."""
    assert result.returncode == 1, result.stdout
    assert "NOT VERIFIED" in result.stderr
    return " ".join(result.stderr.split())


def tamper(shop: DemoStore, sql: str) -> None:
    """Change the file behind the till's back, the sale guard dropped first."""
    with sqlite3.connect(shop.folder / "till.db") as connection:
        connection.executescript("DROP TRIGGER IF EXISTS sale_no_update;" + sql)
    connection.close()


def test_a_store_with_training_sales_verifies(tmp_path: Path, shop: DemoStore) -> None:
    result = till(tmp_path, "verify", config=shop.config_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "checked: sales and refunds 4, account movements 0, Z reports 1" in result.stdout
    assert "Verified: nothing was altered." in result.stdout


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        (
            "UPDATE sale SET total = total + 100 WHERE register = 'R1/training' AND number = 2",
            "training_sale: sale N° 2: total: does not match the journal",
        ),
        (
            "UPDATE sale SET training = 0 WHERE register = 'R1/training' AND number = 1",
            "sale N° 1 has no journal row",
        ),
    ],
)
def test_an_altered_training_sale_is_caught(
    tmp_path: Path, shop: DemoStore, sql: str, expected: str
) -> None:
    tamper(shop, sql)
    assert expected in problems(till(tmp_path, "verify", config=shop.config_path))


def test_a_training_sale_counted_in_the_figures_breaks_the_grand_total(
    tmp_path: Path, shop: DemoStore
) -> None:
    """Turning a training sale into a real one (flag and code) matches no journal row, and
    the grand total recomputed from the sales no longer matches the Z."""
    tamper(
        shop,
        "UPDATE sale SET training = 0, register = 'R1', number = 3"
        " WHERE register = 'R1/training' AND number = 1",
    )
    found = problems(till(tmp_path, "verify", config=shop.config_path))
    assert "sale N° 3 has no journal row" in found
    assert "sale N° 1 is in the journal but not in the sales" in found
    assert "Z 1: grand totals" in found
