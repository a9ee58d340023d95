"""Training mode at the till: a manager switches it on from F9, the header says TRAINING, a
practice sale prints a receipt marked TRAINING, and after switching off the next real sale
takes the next real number."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Static

from tests.conftest import CASHIER_PIN, MANAGER_PIN
from tests.escpos_text import drawer_kicks, receipts_in
from tests.ui.helpers import (
    SIZE,
    enter,
    message,
    scan,
    screen_text,
    settle,
    showing,
    start_selling,
    static_text,
)
from till_tui.app import TillApp
from till_tui.demo import DemoStore, demo_barcode
from till_tui.screens.account_dialogs import ManagerPin
from till_tui.screens.payment import PaymentScreen
from till_tui.screens.receipt_choice import ReceiptChoice
from till_tui.screens.sale import SaleScreen
from till_tui.screens.shift import ShiftMenu
from till_tui.store.db import database

ESPRESSO = demo_barcode(1)  # Café expresso, 1.50
CROISSANT = demo_barcode(13)  # Croissant au beurre, 1.20
KICK = (2, 50, 50)


def header(app: TillApp) -> Static:
    return app.screen.query_one("#sale-header", Static)


async def sell_in_cash(pilot: Pilot[Any], code: str, receipt: str) -> None:
    """Scan `code`, pay the amount due in cash, F10, then the receipt choice (p or n)."""
    await scan(pilot, code)
    await pilot.press("f10", "1")
    await enter(pilot)  # the amount due, exactly
    await pilot.press("f10")
    assert showing(pilot.app, ReceiptChoice)
    await pilot.press(receipt)
    await settle(pilot)


async def switch_with_a_manager(pilot: Pilot[Any]) -> None:
    await pilot.press("f9")
    assert showing(pilot.app, ShiftMenu)
    await pilot.press("t")
    await settle(pilot)
    assert showing(pilot.app, ManagerPin), "a cashier needs a manager"
    await enter(pilot, CASHIER_PIN)
    assert "not a manager" in message(pilot)
    await enter(pilot, MANAGER_PIN)
    await settle(pilot)
    assert showing(pilot.app, SaleScreen)


async def test_a_practice_sale_between_two_real_ones(app: TillApp, demo: DemoStore) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await sell_in_cash(pilot, CROISSANT, "n")
        assert "Sale N° 1 completed" in message(pilot)
        assert "TRAINING" not in static_text(header(app))

        await pilot.press("f9")
        assert "Start training mode (practice sales)" in screen_text(pilot)
        await pilot.press("escape")
        await switch_with_a_manager(pilot)
        assert "Training mode on" in message(pilot)
        text = static_text(header(app))
        assert text.startswith(" TRAINING "), text
        assert "next sale N° 1" in text, "the training sequence starts at 1"
        assert header(app).has_class("-training")
        assert "TRAINING" in screen_text(pilot).splitlines()[0], "shown at 80x24"

        await scan(pilot, ESPRESSO)
        await pilot.press("f10")
        assert showing(app, PaymentScreen)
        assert "TRAINING" in screen_text(pilot).splitlines()[0]
        await pilot.press("1")
        await enter(pilot, "2")
        await pilot.press("f10")
        assert "Training sale N° 1 saved" in screen_text(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert "Training sale N° 1 completed. Change: €0.50" in message(pilot)

        data = demo.receipts.read_bytes()
        assert drawer_kicks(data) == [KICK, KICK], "the drawer opens for practice cash too"
        (receipt,) = receipts_in(data)
        lines = [line.strip() for line in receipt.splitlines() if line.strip()]
        assert lines.index("TRAINING") < lines.index("Training sale N° 1"), receipt
        assert lines[-2:] == ["TRAINING", "Training mode: no sale was made."], receipt

        await pilot.press("f9")
        assert "End training mode (real sales again)" in screen_text(pilot)
        await pilot.press("escape")
        await switch_with_a_manager(pilot)
        assert "Training mode off" in message(pilot)
        assert "TRAINING" not in static_text(header(app))
        assert not header(app).has_class("-training")
        assert "next sale N° 2" in static_text(header(app))

        await sell_in_cash(pilot, CROISSANT, "n")
        assert "Sale N° 2 completed" in message(pilot)

    rows = database.execute_sql("SELECT register, number, training FROM sale ORDER BY id")
    assert [tuple(row) for row in rows] == [("R1", 1, 0), ("R1/training", 1, 1), ("R1", 2, 0)]
    kinds = database.execute_sql(
        "SELECT kind FROM journal WHERE kind LIKE 'training%' OR kind = 'sale' ORDER BY seq"
    )
    assert [kind for (kind,) in kinds] == [
        "sale",
        "training_on",
        "training_sale",
        "training_off",
        "sale",
    ]


async def test_a_manager_switches_alone_and_prepaid_is_refused(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot, MANAGER_PIN)
        await scan(pilot, ESPRESSO)
        await pilot.press("f9", "t")
        await settle(pilot)
        assert "Finish or park (F6) the sale in progress" in message(pilot)
        assert not app.services.training.is_on()

        await pilot.press("delete")
        await pilot.press("f9", "t")
        await settle(pilot)
        assert showing(app, SaleScreen), "a manager approves their own switch"
        assert app.services.training.is_on()

        await scan(pilot, ESPRESSO)
        await pilot.press("f10", "3")  # prepaid
        await settle(pilot)
        assert showing(app, PaymentScreen)
        assert "not available in training mode" in screen_text(pilot)


async def test_a_training_receipt_waiting_to_print_says_training(
    app: TillApp, demo: DemoStore
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot, MANAGER_PIN)
        await pilot.press("f9", "t")
        await settle(pilot)
        assert app.services.training.is_on()
        demo.receipts.unlink(missing_ok=True)
        demo.receipts.mkdir()  # the printer's device cannot be written: the receipt waits
        await sell_in_cash(pilot, ESPRESSO, "p")
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert app.print_queue.labels == ["Training sale N° 1"]
        text = static_text(header(app))
        # A full line: the shop, the register and the shift make room for the rest.
        assert text == " TRAINING  1 receipt waiting to print (Ctrl+P) Patron · next sale N° 2"
        assert screen_text(pilot).splitlines()[0].rstrip().endswith("next sale N° 2")
        assert message(pilot).startswith("Receipt not printed"), message(pilot)
        # The message is longer than the line: what to do comes first and is on screen.
        assert "Receipt not printed (the sale is saved; Ctrl+P prints it again)" in screen_text(
            pilot
        )
