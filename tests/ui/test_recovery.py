"""Bad days: the till dies mid-sale, the printer is gone. No sale is ever lost."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from tests.conftest import CASHIER_PIN, write_config
from tests.escpos_text import receipts_in
from tests.ui.helpers import (
    SIZE,
    BellCounter,
    cart,
    cart_rows,
    enter,
    login,
    message,
    open_shift,
    sale_screen,
    scan,
    settle,
    showing,
    start_selling,
    static_text,
)
from till_tui.app import make_app
from till_tui.config import Config, load_config
from till_tui.demo import demo_barcode, stock_catalogue
from till_tui.screens.payment import PaymentScreen
from till_tui.screens.receipt_choice import ReceiptChoice
from till_tui.store.db import close_database
from till_tui.store.services import Services

ESPRESSO = demo_barcode(1)  # Café expresso, 1.50
CROISSANT = demo_barcode(13)  # Croissant au beurre, 1.20


async def test_a_sale_in_progress_survives_a_crash(config: Config) -> None:
    first = make_app(config)
    async with first.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scan(pilot, ESPRESSO)
        await scan(pilot, "2*" + CROISSANT)
        await pilot.press("f10", "1")
        await enter(pilot, "1")  # the customer has handed over 1.00 of 3.90...
        await pilot.press("escape")  # ...and the cashier is back on the cart
        before = cart(pilot)
    # Leaving the context without paying is the process dying: no logout, no clean-up.
    close_database()

    restarted = make_app(config)
    try:
        async with restarted.run_test(size=SIZE) as pilot:
            await login(pilot, CASHIER_PIN)

            sale_screen(pilot)
            assert cart(pilot) == before
            assert cart_rows(pilot) == [
                ("Café expresso", "1", "1.50", "1.50"),
                ("Croissant au beurre", "2", "1.20", "2.40"),
            ]
            assert "restored" in message(pilot)

            await pilot.press("f10")
            payment = pilot.app.screen
            assert isinstance(payment, PaymentScreen)
            state = static_text(payment.query_one("#state", Static))
            assert "Paid €1.00" in state and "Due €2.90" in state, "the money taken is kept too"

            await pilot.press("escape")
            await scan(pilot, ESPRESSO)
            assert cart_rows(pilot)[0] == ("Café expresso", "2", "1.50", "3.00")
    finally:
        close_database()


BROKEN_PRINTER_CONFIG = """\
[store]
database = "sqlite:///till.db"

[till]
locale = "en_US"
receipt_default = "print"

[printer]
kind = "file"
path = "missing/dir/r.escpos"
"""


@pytest.fixture
def broken_printer(tmp_path: Path) -> Iterator[Config]:
    """A till whose receipt file is in a folder that does not exist."""
    config = load_config(write_config(tmp_path / "till", BROKEN_PRINTER_CONFIG))
    services = Services.open(config)
    stock_catalogue(services)
    services.staff.add("Camille", CASHIER_PIN, "cashier")
    close_database()
    yield config
    close_database()


async def sell_one_espresso_and_print(pilot: Pilot[Any]) -> None:
    await scan(pilot, ESPRESSO)
    await pilot.press("f10", "1")
    await enter(pilot, "5")
    await pilot.press("f10")
    await settle(pilot)
    assert showing(pilot.app, ReceiptChoice)
    # The drawer behind the same printer did not open either: the cashier is told at once.
    assert "The cash drawer did not open" in message(pilot)
    await pilot.press("p")
    await settle(pilot)


async def test_a_printer_failure_never_loses_the_sale(broken_printer: Config) -> None:
    app = make_app(broken_printer)
    bells = BellCounter(app)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await open_shift(pilot, "100")

        # The first receipt of the day, then another once the printing code is warm (a fast
        # failure must not be hidden by the "Sale N° … completed" message either).
        for number in (1, 2):
            await sell_one_espresso_and_print(pilot)

            assert app.services.sales.count() == number, "the sale is saved, printed or not"
            assert "Receipt not printed" in message(pilot)
            assert "the sale is saved" in message(pilot)
            assert "Ctrl+P prints it again" in message(pilot)
            assert bells.count == 2 * number, "each failed print and drawer kick rings"
            assert cart(pilot).is_empty

        header = sale_screen(pilot).query_one("#sale-header", Static)
        assert "2 receipts waiting to print (Ctrl+P)" in static_text(header)
        assert "next sale N° 3" in static_text(header)
        assert not broken_printer.resolve("missing").exists()

        # The printer is back: Ctrl+P prints the waiting receipts, in order, once each.
        receipts = broken_printer.resolve(broken_printer.printer.path)
        receipts.parent.mkdir(parents=True)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert "2 receipts printed" in message(pilot)
        assert [r.count("Sale N°") for r in receipts_in(receipts.read_bytes())] == [1, 1]
        assert [r for r in receipts_in(receipts.read_bytes()) if "Sale N° 1" in r]
        printed = receipts_in(receipts.read_bytes())
        assert "Sale N° 1" in printed[0] and "Sale N° 2" in printed[1]
        assert "waiting" not in static_text(header)

        await scan(pilot, CROISSANT)
        assert cart_rows(pilot) == [("Croissant au beurre", "1", "1.20", "1.20")]
