"""The printer's state on the status line, and receipts that print by themselves when a network
printer (a real TCP server on 127.0.0.1) comes back."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from tests.conftest import CASHIER_PIN, write_config
from tests.escpos_text import drawer_kicks, receipts_in
from tests.printer_server import ONLINE, PAPER_NEAR_END, PAPER_OUT, NetworkPrinterServer
from tests.ui.helpers import (
    NOT_PRINTED,
    SIZE,
    login,
    message,
    open_shift,
    sale_screen,
    scan,
    screen_text,
    settle,
    showing,
    static_text,
)
from till_tui.app import TillApp, make_app
from till_tui.config import Config, load_config
from till_tui.demo import DemoStore, demo_barcode, stock_catalogue
from till_tui.screens.receipt_choice import ReceiptChoice
from till_tui.store.db import close_database
from till_tui.store.services import Services

ESPRESSO = demo_barcode(1)

NETWORK_PRINTER_CONFIG = """\
[store]
database = "sqlite:///till.db"

[till]
locale = "en_US"
receipt_default = "print"

[printer]
kind = "network"
host = "127.0.0.1"
port = {port}
timeout = 2
drawer_pin = 5
"""


@pytest.fixture
def server() -> Iterator[NetworkPrinterServer]:
    """A network printer, switched off (its port refuses connections) until `start()`."""
    server = NetworkPrinterServer().start()
    server.stop()
    yield server
    server.stop()


@pytest.fixture
def network_till(tmp_path: Path, server: NetworkPrinterServer) -> Iterator[Config]:
    text = NETWORK_PRINTER_CONFIG.format(port=server.port)
    config = load_config(write_config(tmp_path / "till", text))
    services = Services.open(config)
    stock_catalogue(services)
    services.staff.add("Camille", CASHIER_PIN, "cashier")
    close_database()
    yield config
    close_database()


def till(config: Config) -> TillApp:
    app = make_app(config)
    app.printer_poll_seconds = 0.1
    return app


def header(pilot: Pilot[Any]) -> str:
    return static_text(sale_screen(pilot).query_one("#sale-header", Static))


async def wait_until(pilot: Pilot[Any], check: Any, seconds: float = 10.0) -> None:
    """Let the app run (its status poll included) until `check()` is true."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.05)
    await settle(pilot)


async def sell_an_espresso_in_cash(pilot: Pilot[Any]) -> None:
    await scan(pilot, ESPRESSO)
    await pilot.press("f10", "1", *"5", "enter")
    await settle(pilot)
    await pilot.press("f10")
    await settle(pilot)
    assert showing(pilot.app, ReceiptChoice)


async def test_a_receipt_waits_for_an_offline_printer_then_prints_by_itself(
    network_till: Config, server: NetworkPrinterServer
) -> None:
    app = till(network_till)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await open_shift(pilot, "100")
        await wait_until(pilot, lambda: "Printer offline" in header(pilot))

        await sell_an_espresso_in_cash(pilot)
        # The drawer is never queued: it cannot open now, the cashier is told at once.
        assert "The cash drawer did not open: Printer offline: cannot reach" in message(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert app.services.sales.count() == 1, "the sale is saved, printed or not"
        assert (
            f"{NOT_PRINTED}Printer offline: cannot reach 127.0.0.1:{server.port} "
            "(connection refused)" in message(pilot)
        )
        assert "1 receipt waiting to print (Ctrl+P) · Printer offline" in header(pilot)
        assert server.printer.received() == b""

        server.start()  # the printer is switched back on: no Ctrl+P
        await wait_until(pilot, lambda: "waiting" not in header(pilot))
        assert "Printer offline" not in header(pilot)
        assert "1 receipt printed." in message(pilot)
        printed = server.printer.received()
        receipts = receipts_in(printed)
        assert len(receipts) == 1 and "Sale N° 1" in receipts[0].splitlines()
        assert drawer_kicks(printed) == []  # the failed pulse did not open the drawer later

        # The next cash sale opens the drawer (pin 5) and prints right away.
        await sell_an_espresso_in_cash(pilot)
        await pilot.press("p")
        await settle(pilot)
        printed = server.printer.received()
        assert drawer_kicks(printed) == [(5, 50, 50)]
        assert ["Sale N° 2" in r for r in receipts_in(printed)] == [False, True]
        assert "waiting" not in header(pilot)


async def test_paper_out_then_a_new_roll(
    network_till: Config, server: NetworkPrinterServer
) -> None:
    server.printer.set(PAPER_OUT)
    server.start()
    app = till(network_till)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await open_shift(pilot, "100")
        await wait_until(pilot, lambda: "Printer out of paper" in header(pilot))

        await sell_an_espresso_in_cash(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert NOT_PRINTED + "Printer offline: out of paper" in message(pilot)
        assert "1 receipt waiting to print (Ctrl+P) · Printer out of paper" in header(pilot)

        server.printer.set(PAPER_NEAR_END)  # a new roll... nearly finished: it prints anyway
        await wait_until(pilot, lambda: "waiting" not in header(pilot))
        assert header(pilot).startswith("Printer paper low ")
        assert ["Sale N° 1" in r for r in receipts_in(server.printer.received())] == [True]

        server.printer.set(ONLINE)
        await wait_until(pilot, lambda: not header(pilot).startswith("Printer"))


async def test_every_key_stays_in_the_french_footer_while_receipts_wait(
    app: TillApp, demo: DemoStore
) -> None:
    from till_tui.i18n import set_locale

    set_locale("fr_FR")
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await login(pilot)
            await open_shift(pilot, "100")
            demo.receipts.unlink(missing_ok=True)
            demo.receipts.mkdir()  # the receipt cannot be written: it waits, Ctrl+P shows
            await sell_an_espresso_in_cash(pilot)
            await pilot.press("p")
            await app.workers.wait_for_complete()
            await settle(pilot)
            footer = screen_text(pilot).splitlines()[-2:]
            keys = " ".join(footer)
            for key in ("F1 Aide", "F10 Payer", "^P Réimprimer", "F12 Verrouiller"):
                assert key in keys, footer
    finally:
        set_locale("en_US")
