"""F9 on the real till: X report, cash in / out, closing the shift with a count, a difference,
a note and a manager's PIN; the Z printed; the next shift's float asked for."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

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
)
from till_tui.app import TillApp
from till_tui.demo import DemoStore, demo_barcode
from till_tui.screens.account_dialogs import ManagerPin
from till_tui.screens.open_shift import OpenShiftScreen
from till_tui.screens.sale import SaleScreen
from till_tui.screens.shift import CashMoveDialog, ReportScreen, ShiftMenu
from till_tui.screens.shift_close import CloseShiftScreen
from till_tui.store.db import database

CREME = demo_barcode(2)  # Café crème, 2.80


async def sell_creme_in_cash(pilot: Pilot[Any], handed: str = "5") -> None:
    await scan(pilot, CREME)
    await pilot.press("f10")
    await pilot.press("1")
    await enter(pilot, handed)
    await pilot.press("f10")
    await settle(pilot)
    await pilot.press("n")  # no receipt
    await settle(pilot)


def cashier_of(app: TillApp) -> str | None:
    return app.session.cashier.name if app.session is not None else None


def closes() -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = database.execute_sql(
        "SELECT z_number, note, approved_by IS NOT NULL FROM shift_close ORDER BY z_number"
    ).fetchall()
    return rows


async def test_cash_in_and_out_then_the_x_report(app: TillApp, demo: DemoStore) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await sell_creme_in_cash(pilot)  # 5.00 handed over, 2.20 back
        kicks = len(drawer_kicks(demo.receipts.read_bytes()))

        await pilot.press("f9")
        assert showing(app, ShiftMenu)
        await pilot.press("o")
        assert showing(app, CashMoveDialog)
        await enter(pilot, "abc")
        assert "amount" in message(pilot).lower()
        await enter(pilot, "12.50")  # replaces the wrong amount
        await enter(pilot, "")  # no reason
        assert showing(app, CashMoveDialog)
        assert "reason" in message(pilot)
        await enter(pilot, "Milk supplier")
        assert showing(app, SaleScreen)
        assert message(pilot) == "€12.50 taken out of the drawer."
        assert len(drawer_kicks(demo.receipts.read_bytes())) == kicks + 1

        await pilot.press("f9", "x")
        await settle(pilot)
        assert showing(app, ReportScreen)
        text = screen_text(pilot)
        assert "X REPORT" in text and "Sales (1)" in text
        report = app.screen.report  # type: ignore[attr-defined]
        cash = report.cash
        # 150.00 float + 2.80 (5.00 handed over - 2.20 change) - 12.50 out
        assert cash.expected == 15000 + 280 - 1250
        assert (cash.tendered, cash.change, cash.cash_out) == (500, 220, -1250)
        await pilot.press("p")
        await settle(pilot)
        printed = receipts_in(demo.receipts.read_bytes())[-1]
        assert "X REPORT" in printed and "Milk supplier" in printed
        assert "Expected" in printed and "140.30" in printed
        await pilot.press("escape")
        assert showing(app, SaleScreen)


async def test_closing_with_a_difference_needs_a_note_and_a_manager(
    app: TillApp, demo: DemoStore
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await sell_creme_in_cash(pilot)
        await pilot.press("f9", "z")
        await settle(pilot)
        assert showing(app, CloseShiftScreen)
        assert "152.80" in screen_text(pilot), "the expected cash: float + sale"
        cash = app.screen.query_one("#count-cash", Input)
        assert cash.has_focus

        await pilot.press("f10")
        assert "Count the cash" in message(pilot)
        await pilot.press(*"140")
        await pilot.pause()
        assert "-12.80" in screen_text(pilot), "the difference shows as it is typed"
        await pilot.press("f10")
        assert "differs by more than €5.00: write a note" in message(pilot)
        assert app.screen.query_one("#note", Input).has_focus
        await pilot.press(*"Change given twice")
        await pilot.press("f10")
        await settle(pilot)
        assert showing(app, ManagerPin), "a cashier needs a manager above the threshold"
        await enter(pilot, CASHIER_PIN)
        assert showing(app, ManagerPin)
        assert "not a manager" in message(pilot)
        await enter(pilot, MANAGER_PIN)
        await settle(pilot)

        assert showing(app, OpenShiftScreen), "the next shift's float is asked for"
        assert "Z report N° 1" in message(pilot)
        assert cashier_of(app) is None
        assert closes() == [(1, "Change given twice", 1)]
        z = receipts_in(demo.receipts.read_bytes())[-1]
        assert "Z REPORT N° 1" in z
        assert "Difference" in z and "-12.80" in z
        assert "Note: Change given twice" in z and "Approved by: Patron" in z

        await enter(pilot, "100")
        assert showing(app, SaleScreen)
        shift = app.services.shifts.current()
        assert shift is not None and shift.number == 2
        assert cashier_of(app) == "Camille", "the same cashier goes on selling"


async def test_a_count_within_the_threshold_closes_at_once(app: TillApp, demo: DemoStore) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await sell_creme_in_cash(pilot)
        await pilot.press("f9", "z")
        await settle(pilot)
        await pilot.press(*"151", "enter")  # 1.80 short: within 5.00
        await pilot.press(*"0")  # the card terminal's total
        await pilot.press("f10")
        await settle(pilot)
        assert showing(app, OpenShiftScreen)
        assert closes() == [(1, "", 0)]
        counts = database.execute_sql(
            "SELECT method, expected, counted FROM shift_count ORDER BY method"
        ).fetchall()
        assert ("cash", 15280, 15100) in counts and ("card", 0, 0) in counts
        assert ("cheque", 0, None) in counts


async def test_closing_waits_for_the_sale_in_progress(app: TillApp, demo: DemoStore) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scan(pilot, CREME)
        await pilot.press("f9", "z")
        await settle(pilot)
        assert showing(app, SaleScreen)
        assert "Finish or park" in message(pilot)
        assert closes() == []
