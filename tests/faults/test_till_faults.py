"""The real till on a full disk and on a read-only database: the cashier is told what happened
and what to do, the sale in progress stays on the screen with every line, nothing of it is
half-written, and it is completed once the fault is cleared."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Static

from tests.faults.sqlite_faults import assert_chains_verify, counts, disk_full, read_only
from tests.ui.helpers import (
    SIZE,
    cart_rows,
    enter,
    message,
    scan,
    settle,
    showing,
    start_selling,
    static_text,
)
from till_tui.app import TillApp
from till_tui.demo import demo_barcode
from till_tui.domain.cart import Cart
from till_tui.domain.tender import make_tender
from till_tui.screens.payment import PaymentScreen
from till_tui.screens.receipt_choice import ReceiptChoice
from till_tui.screens.sale import SaleScreen
from till_tui.store.errors import StoreError

ESPRESSO = demo_barcode(1)  # Café expresso, 1.50
CROISSANT = demo_barcode(13)  # Croissant au beurre, 1.20
LINES = [
    ("Café expresso", "1", "1.50", "1.50"),
    ("Croissant au beurre", "1", "1.20", "1.20"),
]
DISK_FULL = (
    "The sale was not saved: The disk is full: nothing was saved. Free some disk space or "
    "call support, then try again."
)
READ_ONLY = (
    "The sale was not saved: The database cannot be written (read-only): nothing was saved. "
    "Check the database file and its folder, or call support."
)


def prompt(pilot: Pilot[Any]) -> str:
    return static_text(pilot.app.screen.query_one("#prompt", Static))


async def pay_cash_exactly(pilot: Pilot[Any]) -> None:
    """F10, cash, the amount due, F10: completed (the receipt question) or refused."""
    await pilot.press("f10", "1")
    await enter(pilot)
    await pilot.press("f10")
    await settle(pilot)


async def complete_after_the_fault(pilot: Pilot[Any], number: int) -> None:
    """Back on the sale screen with the sale in progress: pay it (the tenders were kept)."""
    await pilot.press("f10")
    assert showing(pilot.app, PaymentScreen)
    assert "F10 completes the sale" in prompt(pilot), "the cash taken is still there"
    await pilot.press("f10")
    await settle(pilot)
    assert showing(pilot.app, ReceiptChoice)
    await pilot.press("n")
    await settle(pilot)
    assert f"Sale N° {number} completed" in message(pilot)
    app = pilot.app
    assert isinstance(app, TillApp)
    sale = app.services.sales.by_number(number)
    assert [line.name for line in sale.cart.lines] == [name for name, *_ in LINES]
    assert app.services.drafts.load() is None
    numbers = sorted(s.number for s in app.services.sales.recent(1000))
    assert numbers == list(range(1, number + 1)), "gap-free"
    assert_chains_verify()


async def test_a_read_only_database_keeps_the_sale_on_screen(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scan(pilot, ESPRESSO)
        with read_only():
            await scan(pilot, CROISSANT)
            assert message(pilot).startswith(
                "The sale could not be saved: The database cannot be written (read-only)"
            )
            assert cart_rows(pilot) == LINES, "the line is on the screen, saved or not"

            before = counts()
            await pay_cash_exactly(pilot)
            assert showing(app, PaymentScreen), "still taking the money"
            assert prompt(pilot) == READ_ONLY
            assert counts() == before

            await pilot.press("escape")
            await settle(pilot)
            assert showing(app, SaleScreen)
            assert cart_rows(pilot) == LINES
        await complete_after_the_fault(pilot, 1)


def sell_until_the_disk_is_full(app: TillApp) -> None:
    """The day's sales, straight through the store, until the next one no longer fits."""
    session = app.session
    assert session is not None
    services = app.services
    cart = Cart()
    for code in (ESPRESSO, CROISSANT):
        product = services.catalog.find(code)
        assert product is not None
        cart, _line = cart.add(product)
    total = cart.totals().total
    cash = make_tender(method="cash", kind="cash", label="Cash", typed=total, due=total)
    for _sale in range(200):
        try:
            services.sales.complete(cart, (cash,), staff=session.cashier, shift_id=session.shift.id)
        except StoreError:
            return
    raise AssertionError("the disk never filled up")


async def test_a_full_disk_keeps_the_sale_on_screen(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        with disk_full():
            sell_until_the_disk_is_full(app)
            # The cashier rings up the next sale: it no longer fits (or the one after).
            for number in range(app.services.sales.next_number(), 100):  # noqa: B007 (used after)
                await scan(pilot, ESPRESSO)
                await scan(pilot, CROISSANT)
                assert cart_rows(pilot) == LINES
                before = counts()
                await pay_cash_exactly(pilot)
                if not showing(app, ReceiptChoice):
                    break
                await pilot.press("n")
                await settle(pilot)
            else:
                raise AssertionError("the disk never filled up")
            assert showing(app, PaymentScreen)
            assert prompt(pilot) == DISK_FULL
            assert counts() == before, "nothing of the refused sale was written"
            assert_chains_verify()

            await pilot.press("escape")
            await settle(pilot)
            assert showing(app, SaleScreen)
            assert cart_rows(pilot) == LINES
        await complete_after_the_fault(pilot, number)
