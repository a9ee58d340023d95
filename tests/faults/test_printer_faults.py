"""Printers that fail in the middle of the work: a network printer that hangs up part-way
through a receipt, a receipt file that is a folder, a receipt file on a full disk. Each time
the sale stays completed, the receipt waits in the print queue, the cashier is told, and it
prints once the printer is back.

Already covered elsewhere: a printer switched off or out of paper (tests/ui/test_printer_status.py,
tests/unit/test_printer_network.py) and a receipt file in a missing folder
(tests/ui/test_recovery.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from tests.escpos_text import receipts_in
from tests.faults.tmpfs import fill, small_disk
from tests.printer_server import NetworkPrinterServer
from tests.ui.helpers import (
    NOT_PRINTED,
    SIZE,
    cart,
    message,
    sale_screen,
    scan,
    settle,
    showing,
    start_selling,
    static_text,
)
from tests.unit.test_printer import render, sample_receipt
from till_tui.app import TillApp, make_app
from till_tui.config import Config, PrinterConfig
from till_tui.demo import DemoStore, demo_barcode
from till_tui.hw.print_queue import PrintQueue
from till_tui.hw.printer import PrinterError, open_printer
from till_tui.screens.receipt_choice import ReceiptChoice

ESPRESSO = demo_barcode(1)
CUT = 100
"""Bytes of a receipt the failing printer prints before it hangs up."""


@pytest.fixture
def server() -> Iterator[NetworkPrinterServer]:
    server = NetworkPrinterServer().start()
    yield server
    server.stop()


def header(pilot: Pilot[Any]) -> str:
    return static_text(sale_screen(pilot).query_one("#sale-header", Static))


async def sell_and_print(pilot: Pilot[Any]) -> None:
    """An espresso paid by card (no drawer), the receipt printed."""
    await scan(pilot, ESPRESSO)
    await pilot.press("f10", "2", "enter", *"1234", "enter", "f10")
    await settle(pilot)
    assert showing(pilot.app, ReceiptChoice)
    await pilot.press("p")
    await settle(pilot)


def test_a_printer_that_hangs_up_mid_receipt_keeps_the_receipt_queued(
    server: NetworkPrinterServer,
) -> None:
    printer = open_printer(
        PrinterConfig(kind="network", host="127.0.0.1", port=server.port, timeout=2)
    )
    queue = PrintQueue()
    job = render(sample_receipt(7))
    assert len(job) > 3 * CUT
    server.printer.cut(CUT)
    with pytest.raises(PrinterError, match="stopped before the end of the receipt"):
        queue.send(printer, job, "Sale N° 7")
    assert server.printer.received() == job[:CUT], "the paper stopped part-way"
    assert queue.labels == ["Sale N° 7"], "the receipt waits, it is not lost"

    server.printer.cut(None)  # switched off and on again
    assert queue.retry(printer) == 1
    assert server.printer.wait_for(CUT + len(job)) == job[:CUT] + job, "printed whole, once"
    assert queue.pending == 0


async def test_the_cashier_is_told_when_a_receipt_is_cut_off_and_prints_it_again(
    config: Config, server: NetworkPrinterServer
) -> None:
    network = PrinterConfig(kind="network", host="127.0.0.1", port=server.port, timeout=2)
    app = make_app(replace(config, printer=network))
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        server.printer.cut(CUT)
        await sell_and_print(pilot)

        assert app.services.sales.count() == 1, "the sale is saved, printed or not"
        assert cart(pilot).is_empty
        assert NOT_PRINTED + "Printer offline: 127.0.0.1:" in message(pilot)
        assert "stopped before the end of the receipt" in message(pilot)
        assert "Ctrl+P prints it again" in message(pilot)
        assert "1 receipt waiting to print (Ctrl+P)" in header(pilot)

        server.printer.cut(None)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert "1 receipt printed." in message(pilot)
        assert "waiting" not in header(pilot)
        receipts = receipts_in(server.printer.received())
        assert "Sale N° 1" in receipts[-1].splitlines(), "the whole receipt, printed again"


async def test_a_receipt_file_that_is_a_folder(demo: DemoStore, app: TillApp) -> None:
    demo.receipts.mkdir()  # the device node is gone and a folder took its name
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await sell_and_print(pilot)
        assert app.services.sales.count() == 1
        assert NOT_PRINTED + "Printer: cannot write to" in message(pilot)
        assert "(Is a directory)" in message(pilot)
        assert "1 receipt waiting to print (Ctrl+P)" in header(pilot)

        demo.receipts.rmdir()
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert "1 receipt printed." in message(pilot)
        assert ["Sale N° 1" in r for r in receipts_in(demo.receipts.read_bytes())] == [True]


async def test_a_receipt_file_on_a_full_disk(tmp_path: Path, config: Config) -> None:
    """A real full file system (tmpfs): skipped where mounting is not permitted."""
    with small_disk(tmp_path / "spool", "64k") as spool:
        receipts = spool / "receipts.escpos"
        app = make_app(replace(config, printer=replace(config.printer, path=str(receipts))))
        async with app.run_test(size=SIZE) as pilot:
            await start_selling(pilot)
            filler = fill(spool)
            await sell_and_print(pilot)
            assert app.services.sales.count() == 1
            assert NOT_PRINTED + "Printer: cannot write to" in message(pilot)
            assert "(No space left on device)" in message(pilot)
            assert "1 receipt waiting to print (Ctrl+P)" in header(pilot)

            filler.unlink()
            await pilot.press("ctrl+p")
            await settle(pilot)
            assert "1 receipt printed." in message(pilot)
            printed = receipts_in(receipts.read_bytes())
            assert "Sale N° 1" in printed[-1].splitlines()
