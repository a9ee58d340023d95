"""A manager's PIN for what a cashier may not do alone, by keyboard: a discount above the limit
(F4), a price lowered below the catalogue's (F4, `=1,00`), a cancelled top-up (F7, A). A wrong
PIN is refused, the manager's applies it and is recorded; a manager is never asked."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Static

from tests.conftest import CASHIER_PIN, MANAGER_PIN
from tests.escpos_text import receipts_in
from tests.ui.helpers import (
    SIZE,
    cart,
    cart_rows,
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
from till_tui.domain.cart import Adjustment
from till_tui.screens.account import AccountScreen
from till_tui.screens.account_dialogs import ManagerPin
from till_tui.screens.adjust import AdjustDialog
from till_tui.screens.payment import PaymentScreen
from till_tui.screens.sale import SaleScreen
from till_tui.store.db import database

ESPRESSO = demo_barcode(1)  # Café expresso, 1.50
WINE = demo_barcode(39)  # Vin rouge Côtes-du-Rhône, 8.90
HELENE = "2900000000018"


def staff_id(name: str) -> int:
    return int(database.execute_sql("SELECT id FROM staff WHERE name = ?", (name,)).fetchone()[0])


def last_line() -> tuple[Any, ...]:
    """(discount_approved_by, list_price, price_approved_by, unit_price) of the last sold line."""
    return tuple(
        database.execute_sql(
            "SELECT discount_approved_by, list_price, price_approved_by, unit_price"
            " FROM sale_line ORDER BY id DESC LIMIT 1"
        ).fetchone()
    )


def sale_approver() -> int | None:
    row = database.execute_sql("SELECT approved_by FROM sale ORDER BY id DESC LIMIT 1").fetchone()
    return None if row[0] is None else int(row[0])


async def shown(pilot: Pilot[Any]) -> str:
    """The terminal's text on one line, box sides left out (a dialog's wrapped text reads as
    one sentence)."""
    await settle(pilot)
    return " ".join(screen_text(pilot).replace("│", " ").split())


async def pay_in_cash(pilot: Pilot[Any]) -> None:
    """F10, cash, the amount due, F10, no receipt."""
    await pilot.press("f10", "1")
    await enter(pilot)
    await pilot.press("f10")
    await settle(pilot)
    await pilot.press("n")
    await settle(pilot)


async def wrong_then_manager_pin(pilot: Pilot[Any], app: TillApp) -> None:
    """The cashier's own PIN is refused; the manager's approves."""
    assert showing(app, ManagerPin)
    await enter(pilot, CASHIER_PIN)
    assert showing(app, ManagerPin), "a cashier's PIN approves nothing"
    assert "This is not a manager's PIN." in screen_text(pilot)
    await enter(pilot, MANAGER_PIN)
    await settle(pilot)


async def test_a_cashiers_discount_above_the_limit_waits_for_a_managers_pin(
    app: TillApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scan(pilot, WINE)
        await pilot.press("f4")
        await enter(pilot, "20%")

        assert showing(app, ManagerPin)
        text = await shown(pilot)
        assert "Discount 20% on Vin rouge Côtes-du-Rhône: a cashier may give up to 10%." in text
        sale = next(s for s in app.screen_stack if isinstance(s, SaleScreen))
        assert sale.cart.lines[0].adjustment is None, "nothing given before the approval"
        await wrong_then_manager_pin(pilot, app)

        assert showing(app, SaleScreen)
        patron = staff_id("Patron")
        assert cart(pilot).lines[0].adjustment == Adjustment("percent", 2_000, approved_by=patron)
        assert "Approved by: Patron" in message(pilot)
        assert cart_rows(pilot)[0][3] == "7.12"
        assert app.services.drafts.load() == cart(pilot), "the approval is in the draft"

        await pay_in_cash(pilot)
        assert "Sale N° 1 completed" in message(pilot)
        assert last_line()[0] == patron


async def test_five_wrong_pins_lock_the_approval_and_escape_still_cancels(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scan(pilot, WINE)
        await pilot.press("f4")
        await enter(pilot, "20%")
        for guess in ("1111", "2222", "3333", "4444", "5555"):
            assert showing(app, ManagerPin)
            await enter(pilot, guess)
        text = await shown(pilot)
        assert "Too many wrong PINs: approvals are locked for 60 s." in text
        pin = app.screen.query_one("#pin", Input)
        assert pin.disabled, "no more guesses while locked"
        await enter(pilot, MANAGER_PIN)
        assert showing(app, ManagerPin), "typing does nothing while locked"
        await pilot.press("escape")
        await settle(pilot)
        assert showing(app, SaleScreen)
        assert cart(pilot).lines[0].adjustment is None, "nothing given"


async def test_escape_on_the_managers_pin_gives_no_discount(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scan(pilot, WINE)
        await pilot.press("f4", "down")
        await enter(pilot, "5")  # 5.00 off 8.90
        assert showing(app, ManagerPin)
        assert "Discount 56.18% on the whole sale" in await shown(pilot)
        await pilot.press("escape")
        await settle(pilot)

        assert showing(app, SaleScreen)
        assert cart(pilot).adjustment is None
        assert "Not approved: nothing was changed." in message(pilot)

        await pilot.press("f4", "down")
        await enter(pilot, "0,89")  # 10 %: no manager needed
        assert showing(app, SaleScreen)
        assert cart(pilot).adjustment == Adjustment("amount", 89)


async def test_a_manager_gives_a_big_discount_without_being_asked(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot, MANAGER_PIN)
        await scan(pilot, WINE)
        await scan(pilot, ESPRESSO)
        await pilot.press("f4", "down")
        await enter(pilot, "50%")
        assert showing(app, SaleScreen)
        assert cart(pilot).adjustment == Adjustment("percent", 5_000)

        await pay_in_cash(pilot)
        assert sale_approver() == staff_id("Patron"), "the manager who sold it approved it"


async def test_a_cashier_lowers_a_price_with_a_managers_pin(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scan(pilot, WINE)
        await scan(pilot, ESPRESSO)
        await pilot.press("f4")
        assert "=2.50 sells the selected line at 2.50 a unit" in await shown(pilot)
        await enter(pilot, "=1")

        assert "Sell Café expresso at €1.00 instead of €1.50." in await shown(pilot)
        await wrong_then_manager_pin(pilot, app)

        assert showing(app, SaleScreen)
        assert cart_rows(pilot)[1] == ("Café expresso", "1", "1.00", "1.00")
        line = cart(pilot).lines[1]
        assert (line.list_price, line.price_approved_by) == (150, staff_id("Patron"))
        await pay_in_cash(pilot)
        assert last_line() == (None, 150, staff_id("Patron"), 100)


async def test_a_raised_price_needs_nobody_and_a_price_is_for_a_line(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scan(pilot, ESPRESSO)
        await pilot.press("f4", "down")
        await enter(pilot, "=2")
        dialog = app.screen
        assert isinstance(dialog, AdjustDialog), "the whole sale has no unit price"
        assert "press Up first" in static_text(dialog.query_one("#adjust-message", Static))

        await pilot.press("up")
        await enter(pilot, "=2")
        assert showing(app, SaleScreen)
        assert cart_rows(pilot) == [("Café expresso", "1", "2.00", "2.00")]
        await pay_in_cash(pilot)
        assert last_line() == (None, 150, None, 200)


async def test_f10_asks_again_when_a_discount_went_above_the_limit(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scan(pilot, WINE)
        await scan(pilot, ESPRESSO)
        await pilot.press("f4", "down")
        await enter(pilot, "1")  # 1.00 off 10.40: within the limit
        assert showing(app, SaleScreen) and cart(pilot).adjustment == Adjustment("amount", 100)
        await pilot.press("up", "delete")  # the wine goes: 1.00 off 1.50 now

        await pilot.press("f10")
        await settle(pilot)
        assert showing(app, ManagerPin)
        await pilot.press("escape")
        await settle(pilot)
        assert showing(app, SaleScreen)
        assert "A manager must approve the sale before it is paid." in message(pilot)

        await pilot.press("f10")
        await settle(pilot)
        await wrong_then_manager_pin(pilot, app)
        assert showing(app, PaymentScreen)
        patron = staff_id("Patron")
        assert app.services.drafts.load() == cart_of_payment(app)
        assert cart_of_payment(app).adjustment == Adjustment("amount", 100, approved_by=patron)


def cart_of_payment(app: TillApp) -> Any:
    screen = app.screen
    assert isinstance(screen, PaymentScreen)
    return screen.cart


async def test_a_cashier_cancels_a_top_up_with_a_managers_pin(
    app: TillApp, demo: DemoStore
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scan(pilot, HELENE)
        await pilot.press("f7", "t")
        await enter(pilot, "30")
        await pilot.press("a")
        await enter(pilot, "12,50")

        assert "Give €12.50 of top-ups back to Hélène Dupont by Cash." in await shown(pilot)
        await wrong_then_manager_pin(pilot, app)

        assert showing(app, AccountScreen)
        assert "Prepaid €17.50" in screen_text(pilot)
        row = database.execute_sql(
            "SELECT staff_id, approved_by FROM ledger_entry WHERE kind = 'topup_cancel'"
        ).fetchall()
        assert [tuple(r) for r in row] == [(staff_id("Camille"), staff_id("Patron"))]

        await pilot.press("p")  # the statement
        await app.workers.wait_for_complete()
        *_, cancelled, statement = receipts_in(demo.receipts.read_bytes())
        assert "Top-up cancelled" in cancelled
        assert "Cashier: Camille" in cancelled and "Approved by: Patron" in cancelled
        assert statement.count("\n    Approved by: Patron\n") == 1, statement


async def test_escape_on_the_pin_cancels_nothing_and_a_manager_is_not_asked(
    app: TillApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scan(pilot, HELENE)
        await pilot.press("f7", "t")
        await enter(pilot, "30")
        await pilot.press("a")
        await enter(pilot, "10")
        assert showing(app, ManagerPin)
        await pilot.press("escape")
        await settle(pilot)
        assert showing(app, AccountScreen)
        assert "Not approved: nothing was changed." in message(pilot)
        assert "Prepaid €30.00" in screen_text(pilot)

        await pilot.press("escape", "ctrl+l")  # log out; the manager logs in
        await settle(pilot)
        await start_selling(pilot, MANAGER_PIN)
        await scan(pilot, HELENE)
        await pilot.press("f7", "a")
        await enter(pilot, "10")
        assert showing(app, AccountScreen), "a manager approves by themselves"
        assert "Prepaid €20.00" in screen_text(pilot)
        rows = database.execute_sql(
            "SELECT staff_id, approved_by FROM ledger_entry WHERE kind = 'topup_cancel'"
        ).fetchall()
        assert [tuple(r) for r in rows] == [(staff_id("Patron"), staff_id("Patron"))]
