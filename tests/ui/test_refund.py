"""Refunds at the till, by keyboard: pick the lines, a manager approves, the receipt prints
"Refund of sale N" with negative amounts, and the drawer opens when cash goes out."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from tests.conftest import MANAGER_PIN
from tests.escpos_text import drawer_kicks, receipts_in
from tests.ui.helpers import (
    SIZE,
    BellCounter,
    enter,
    message,
    scan,
    screen_text,
    settle,
    showing,
    start_selling,
)
from till_tui.app import TillApp
from till_tui.demo import DemoStore, demo_barcode
from till_tui.domain.money import QTY_UNIT
from till_tui.domain.sale import CompletedSale
from till_tui.screens.account_dialogs import ManagerPin
from till_tui.screens.customer_search import CustomerSearch
from till_tui.screens.refund import RefundScreen
from till_tui.screens.sale import SaleScreen
from till_tui.store.db import database

ESPRESSO = demo_barcode(1)  # Café expresso, 1.50
WINE = demo_barcode(39)  # Vin rouge Côtes-du-Rhône, 8.90
HELENE = "2900000000018"
JEAN = "2900000000025"  # credit limit 1000.00
KICK = (2, 50, 50)


async def sell(pilot: Pilot[Any], *codes: str, method: str = "1", details: str = "") -> None:
    """Scan `codes`, pay everything with `method` (details: the card's last 4 digits or a
    reference), no receipt."""
    for code in codes:
        await scan(pilot, code)
    await pilot.press("f10", method)
    await enter(pilot)
    if details:
        await enter(pilot, details)
    await pilot.press("f10")
    await settle(pilot)
    await pilot.press("n")
    await settle(pilot)


def last_sale(app: TillApp) -> CompletedSale:
    return app.services.sales.recent(1)[0]


async def open_refund(pilot: Pilot[Any], app: TillApp, sale: CompletedSale) -> RefundScreen:
    assert app.start_refund(sale.id)
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, RefundScreen), f"expected the refund screen, got {screen!r}"
    return screen


def refund_rows() -> list[tuple[Any, ...]]:
    return [
        tuple(row)
        for row in database.execute_sql(
            "SELECT s.number, o.number, a.name, s.total FROM sale AS s"
            " JOIN sale AS o ON o.id = s.refund_of JOIN staff AS a ON a.id = s.approved_by"
            " ORDER BY s.number"
        )
    ]


async def test_a_cashier_refunds_part_of_a_cash_sale_with_a_managers_pin(
    app: TillApp, demo: DemoStore
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await sell(pilot, ESPRESSO, ESPRESSO, ESPRESSO, WINE)  # 13.40 cash
        sale = last_sale(app)
        screen = await open_refund(pilot, app, sale)

        text = screen_text(pilot)
        assert "Refund of sale N° 1" in text
        assert "Café expresso" in text and "Vin rouge Côtes-du-Rhône" in text
        assert "F10 Refund" in text and "S Store credit" in text, "the keys fit in 80 columns"
        await pilot.press("2")  # 2 of the 3 coffees
        await settle(pilot)
        assert screen.quantities == {sale_line_id(screen, 0): 2 * QTY_UNIT}
        text = screen_text(pilot)
        assert "Refund total -€3.00" in text
        assert "Back to: Cash -€3.00" in text

        await pilot.press("f10")
        await settle(pilot)
        assert showing(app, ManagerPin)
        assert "Refund -€3.00 of sale N° 1." in screen_text(pilot)
        await enter(pilot, "1234")  # the cashier's own PIN
        assert "This is not a manager's PIN." in screen_text(pilot)
        assert refund_rows() == []
        await enter(pilot, MANAGER_PIN)
        await settle(pilot)

        assert showing(app, SaleScreen)
        assert "Refund N° 2 of sale N° 1 recorded: -€3.00." in message(pilot)
        assert refund_rows() == [(2, 1, "Patron", -300)]

    data = demo.receipts.read_bytes()
    assert drawer_kicks(data) == [KICK, KICK], "the sale's cash, then the refund's"
    (receipt,) = receipts_in(data)
    lines = receipt.splitlines()
    assert "Refund of sale 1" in [line.strip() for line in lines]
    assert "Approved by: Patron" in lines
    assert "  2 x 1.50" + " " * 27 + "-3.00" in lines
    total = next(line for line in lines if line.startswith("TOTAL"))
    assert total.split() == ["TOTAL", "-€3.00"]
    assert "Cash" + " " * 33 + "-3.00" in lines


def sale_line_id(screen: RefundScreen, index: int) -> int:
    assert screen.sale is not None
    return screen.sale.lines[index].line_id


async def test_a_wrong_managers_pin_refunds_nothing_and_keeps_the_choice(
    app: TillApp, demo: DemoStore
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await sell(pilot, ESPRESSO, WINE)
        screen = await open_refund(pilot, app, last_sale(app))
        await pilot.press("a")
        await pilot.press("f10")
        await settle(pilot)
        assert showing(app, ManagerPin)
        bells = BellCounter(app)
        await enter(pilot, "1234")
        assert "This is not a manager's PIN." in screen_text(pilot)
        assert bells.count == 1
        await enter(pilot, "4321")  # nobody's PIN
        assert "This is not a manager's PIN." in screen_text(pilot)
        await pilot.press("escape")
        await settle(pilot)

        assert app.screen is screen
        assert "The refund was not approved: nothing was refunded." in message(pilot)
        assert "Refund total -€10.40" in screen_text(pilot), "the choice is kept"
        assert refund_rows() == []
    assert drawer_kicks(demo.receipts.read_bytes()) == [KICK], "only the sale's cash"


async def test_a_manager_refunds_a_card_sale_alone_and_the_drawer_stays_shut(
    app: TillApp, demo: DemoStore
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot, MANAGER_PIN)
        await sell(pilot, WINE, ESPRESSO, method="2", details="4242")
        sale = last_sale(app)
        await open_refund(pilot, app, sale)
        await pilot.press("a")
        await settle(pilot)
        assert "Back to: Card ****4242 -€10.40" in screen_text(pilot)
        await pilot.press("f10")
        await settle(pilot)
        assert not showing(app, ManagerPin), "a manager approves their own refund"
        assert showing(app, SaleScreen)
        assert refund_rows() == [(2, 1, "Patron", -1040)]

        refund = last_sale(app)
        assert refund.refund_of == 1
        assert app.reprint(refund) == 1
        await settle(pilot)

        assert app.start_refund(sale.id) is False
        assert "Sale N° 1 was already refunded in full." in message(pilot)
        assert app.start_refund(refund.id) is False
        assert "Sale N° 2 is a refund: it cannot be refunded." in message(pilot)

    data = demo.receipts.read_bytes()
    assert drawer_kicks(data) == [], "no cash in, no cash out"
    first, duplicate = receipts_in(data)
    for receipt in (first, duplicate):
        assert "Refund of sale 1" in receipt
        assert "  Card **** 4242" in receipt.splitlines()
        assert "-€10.40" in receipt
    assert "DUPLICATE 1" in duplicate and "DUPLICATE" not in first


async def test_quantities_are_kept_within_what_is_left(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await sell(pilot, ESPRESSO, ESPRESSO, ESPRESSO, WINE)
        sale = last_sale(app)
        screen = await open_refund(pilot, app, sale)
        coffee = sale_line_id(screen, 0)
        bells = BellCounter(app)
        await pilot.press("5")
        assert "Only 3 of Café expresso is left to refund." in message(pilot)
        assert bells.count == 1 and screen.quantities.get(coffee, 0) == 0
        await pilot.press("plus", "plus", "plus", "plus")
        assert screen.quantities[coffee] == 3 * QTY_UNIT
        assert "Only 3 of Café expresso is left to refund." in message(pilot)
        await pilot.press("minus")
        assert screen.quantities[coffee] == 2 * QTY_UNIT
        await pilot.press("backspace")
        assert screen.quantities[coffee] == 0
        await pilot.press("1", "f10")
        await settle(pilot)
        await enter(pilot, MANAGER_PIN)
        await settle(pilot)
        assert refund_rows() == [(2, 1, "Patron", -150)]

        screen = await open_refund(pilot, app, sale)
        assert "Refunded" in screen_text(pilot)
        (coffee_row,) = [line for line in screen_text(pilot).splitlines() if "Café" in line]
        assert coffee_row.split()[-3:] == ["3", "1", "0"], "sold, refunded, to refund"
        await pilot.press("3")
        assert "Only 2 of Café expresso is left to refund." in message(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert showing(app, SaleScreen)
        assert refund_rows() == [(2, 1, "Patron", -150)]


async def test_store_credit_attaches_a_customer_and_fills_their_balance(
    app: TillApp, demo: DemoStore
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await sell(pilot, WINE)  # cash, no customer
        await open_refund(pilot, app, last_sale(app))
        await pilot.press("a", "s")
        await settle(pilot)
        assert showing(app, CustomerSearch), "no customer on the sale: pick one"
        await enter(pilot, HELENE)
        await settle(pilot)
        assert isinstance(app.screen, RefundScreen)
        text = screen_text(pilot)
        assert "Store credit (Prepaid) for Hélène Dupont" in text
        await pilot.press("f10")
        await settle(pilot)
        await enter(pilot, MANAGER_PIN)
        await settle(pilot)
        assert showing(app, SaleScreen)
        helene = app.services.customers.find_by_card(HELENE)
        assert helene is not None
        assert app.services.accounts.balances(helene.id).prepaid == 890

    data = demo.receipts.read_bytes()
    assert drawer_kicks(data) == [KICK], "store credit takes no cash out of the drawer"
    (receipt,) = receipts_in(data)
    assert "Prepaid" + " " * 30 + "-8.90" in receipt.splitlines()
    assert "Customer: Hélène Dupont" in receipt


async def test_a_refund_on_account_above_what_is_owed_says_to_use_store_credit(
    app: TillApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scan(pilot, JEAN)
        await sell(pilot, WINE, method="4")  # 8.90 on account
        sale = last_sale(app)
        jean = app.services.customers.find_by_card(JEAN)
        assert jean is not None
        session = app.session
        assert session is not None
        app.services.accounts.settle(
            jean.id, 890, app.config.payment_methods[0], staff=session.cashier,
            shift_id=session.shift.id,
        )  # fmt: skip
        await open_refund(pilot, app, sale)
        await pilot.press("a")
        await settle(pilot)
        assert "refund as store credit instead" in screen_text(pilot)
        await pilot.press("f10")
        await settle(pilot)
        assert not showing(app, ManagerPin)
        assert "refund as store credit instead" in message(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert "Store credit (Prepaid) for Jean DUPONT" in screen_text(pilot)
        await pilot.press("f10")
        await settle(pilot)
        await enter(pilot, MANAGER_PIN)
        await settle(pilot)
        assert refund_rows() == [(2, 1, "Patron", -890)]
        assert app.services.accounts.balances(jean.id).prepaid == 890


async def test_refund_from_the_history_detail(app: TillApp, demo: DemoStore) -> None:
    from textual.widgets import Static

    from tests.ui.helpers import static_text
    from till_tui.screens.history import HistoryScreen, SaleDetail

    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await sell(pilot, ESPRESSO, WINE)  # 10.40 cash
        await pilot.press("f8")
        await settle(pilot)
        assert showing(app, HistoryScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert showing(app, SaleDetail)
        await pilot.press("f6")
        await settle(pilot)
        assert showing(app, RefundScreen)
        await pilot.press("a", "f10")
        await settle(pilot)
        await enter(pilot, MANAGER_PIN)
        await settle(pilot)
        assert showing(app, SaleDetail)
        assert "Refund N° 2 of sale N° 1 recorded: -€10.40." in screen_text(pilot)
        after = static_text(app.screen.query_one("#after", Static))
        assert "Refunded by: N° 2 (-€10.40)" in after
        await pilot.press("f6")  # nothing left to refund
        await settle(pilot)
        assert showing(app, SaleDetail)
        assert "was already refunded in full" in screen_text(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert showing(app, HistoryScreen)
        text = screen_text(pilot)
        assert "-€10.40" in text and "↩ 1" in text, "the list shows the refund at once"
    assert refund_rows() == [(2, 1, "Patron", -1040)]
