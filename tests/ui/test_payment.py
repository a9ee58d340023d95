"""Taking the money: F10, cash with change, completing, the receipt on paper (or not)."""

from __future__ import annotations

from textual.widgets import DataTable, Input, OptionList, Static

from tests.escpos_text import receipts_in
from tests.ui.helpers import (
    SIZE,
    BellCounter,
    big_amount,
    cart,
    enter,
    message,
    sale_screen,
    scan,
    screen_text,
    settle,
    showing,
    start_selling,
    static_text,
)
from till_tui.app import TillApp
from till_tui.demo import DemoStore, demo_barcode
from till_tui.screens.parked import ParkDialog
from till_tui.screens.payment import PaymentScreen
from till_tui.screens.receipt_choice import ReceiptChoice
from till_tui.screens.sale import SaleScreen

ESPRESSO = demo_barcode(1)  # Café expresso, 1.50
CROISSANT = demo_barcode(13)  # Croissant au beurre, 1.20
TOTAL = "2.70"


def receipts(demo: DemoStore) -> list[str]:
    return receipts_in(demo.receipts.read_bytes()) if demo.receipts.exists() else []


def payment(app: TillApp) -> PaymentScreen:
    screen = app.screen
    assert isinstance(screen, PaymentScreen), f"expected the payment screen, got {screen!r}"
    return screen


def prompt(app: TillApp) -> str:
    return static_text(payment(app).query_one("#prompt", Static))


def state(app: TillApp) -> str:
    return static_text(payment(app).query_one("#state", Static))


async def test_a_cash_sale_from_scan_to_printed_receipt(app: TillApp, demo: DemoStore) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scan(pilot, ESPRESSO)
        await scan(pilot, CROISSANT)

        await pilot.press("f10")
        pay = payment(app)
        assert big_amount(pilot, "#amounts #total") == TOTAL
        assert "Payment · sale N° 1" in screen_text(pilot)
        assert "Due €2.70" in state(app)
        assert pay.check_action("complete", ()) is None, "nothing paid yet"

        await pilot.press("1")
        amount = pay.query_one("#amount", Input)
        assert amount.display and amount.has_focus
        assert amount.value == TOTAL, "the amount due is offered"
        assert "Amount for Cash" in prompt(app)

        await enter(pilot, "20")  # typing replaces the offered amount
        assert len(pay.tenders) == 1
        tender = pay.tenders[0]
        assert (tender.tendered, tender.amount, tender.change) == (2000, 270, 1730)
        assert big_amount(pilot, "#amounts #change") == "17.30"
        assert "Paid €2.70" in state(app) and "Due €0.00" in state(app)
        assert "F10 completes" in prompt(app)
        table = pay.query_one("#tenders", DataTable)
        assert [cell.plain for cell in table.get_row_at(0)] == [
            "Cash",
            "€2.70",
            "€20.00",
            "€17.30",
        ]

        await pilot.press("f10")
        choice = app.screen
        assert isinstance(choice, ReceiptChoice)
        assert app.services.sales.count() == 1, "the sale is saved before the receipt question"
        text = screen_text(pilot)
        assert "Sale N° 1 saved. Total €2.70" in text
        assert "Enter: print" in text

        await pilot.press("p")
        await settle(pilot)

        screen = sale_screen(pilot)
        assert cart(pilot).is_empty
        assert screen.table.row_count == 0
        assert "Sale N° 1 completed" in message(pilot)
        assert "€17.30" in message(pilot)
        assert "next sale N° 2" in screen_text(pilot)
        assert screen.query_one("#command", Input).has_focus
        assert app.services.drafts.load() is None

        printed = receipts(demo)
        assert len(printed) == 1
        receipt = printed[0]
        for expected in ("Sale N° 1", "Café expresso", "Croissant au beurre", "€2.70", "Change"):
            assert expected in receipt, f"{expected!r} not on the receipt:\n{receipt}"
        change_line = next(line for line in receipt.splitlines() if "Change" in line)
        assert change_line.split()[-1] == "17.30"


async def test_the_second_sale_without_a_receipt_prints_nothing(
    app: TillApp, demo: DemoStore
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        for _sale in range(2):
            await scan(pilot, CROISSANT)
            await pilot.press("f10", "1")
            await enter(pilot)  # the amount due, exactly
            await pilot.press("f10")
            assert showing(app, ReceiptChoice)
            await pilot.press("p" if _sale == 0 else "n")
            await settle(pilot)

        assert "Sale N° 2 completed" in message(pilot)
        assert app.services.sales.count() == 2
        printed = receipts(demo)
        assert len(printed) == 1, "N gave no receipt"
        assert "Sale N° 1" in printed[0]
        assert "Change" not in printed[0], "exact money: no change line"


async def test_an_amount_that_is_not_money_is_refused(app: TillApp) -> None:
    bells = BellCounter(app)
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scan(pilot, ESPRESSO)
        await pilot.press("f10", "1")

        await enter(pilot, "abc")

        pay = payment(app)
        assert pay.tenders == []
        assert "abc" in prompt(app)
        assert bells.count == 1
        assert pay.query_one("#amount", Input).has_focus, "still typing the amount"


async def test_a_part_payment_waits_while_the_cashier_goes_back_to_the_cart(
    app: TillApp,
) -> None:
    bells = BellCounter(app)
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scan(pilot, ESPRESSO)
        await scan(pilot, CROISSANT)
        await pilot.press("f10", "1")
        await enter(pilot, "2")  # 2.00 of 2.70

        assert "Due €0.70" in state(app)
        assert payment(app).check_action("complete", ()) is None, "F10 is shown dimmed"
        await pilot.press("f10")
        assert showing(app, PaymentScreen), "F10 completes nothing yet"
        assert app.services.sales.count() == 0
        assert "not fully paid" in prompt(app), "F10 says why it does nothing"
        assert bells.count == 1

        await pilot.press("1")  # start the next tender, then change one's mind
        assert payment(app).query_one("#amount", Input).value == "0.70"
        await pilot.press("escape")
        assert showing(app, PaymentScreen), "the first Escape leaves the amount"
        assert not payment(app).query_one("#amount", Input).display
        await pilot.press("escape")

        screen = sale_screen(pilot)
        assert len(cart(pilot).lines) == 2, "the cart is untouched"
        assert [t.amount for t in screen.tenders] == [200]
        assert screen.query_one("#command", Input).has_focus
        assert app.services.sales.count() == 0

        await pilot.press("f10")
        assert "Paid €2.00" in state(app) and "Due €0.70" in state(app)
        assert payment(app).query_one("#tenders", DataTable).row_count == 1

        await pilot.press("1")
        await enter(pilot)
        await pilot.press("f10", "n")
        await settle(pilot)

        assert showing(app, SaleScreen)
        assert app.services.sales.count() == 1
        assert screen.tenders == ()


async def test_a_tender_travels_with_its_parked_sale(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scan(pilot, ESPRESSO)
        await scan(pilot, CROISSANT)
        await pilot.press("f10", "1")
        await enter(pilot, "2")  # customer A hands over 2.00 of 2.70...
        await pilot.press("escape")  # ...then goes back for something: park the sale
        await pilot.press("f6")
        await enter(pilot)
        assert cart(pilot).is_empty

        await scan(pilot, demo_barcode(10))  # customer B: Crème brûlée, 4.50
        await pilot.press("f10")
        assert payment(app).tenders == [], "A's money is not B's"
        assert "Paid €0.00" in state(app) and "Due €4.50" in state(app)

        await pilot.press("escape", "f6")  # A is back: resume A, B is parked in its place
        dialog = app.screen
        assert isinstance(dialog, ParkDialog)
        assert dialog.query_one("#parked", OptionList).option_count == 2
        await pilot.press("down")
        await enter(pilot)
        assert [line.name for line in cart(pilot).lines] == ["Café expresso", "Croissant au beurre"]

        await pilot.press("f10")
        assert "Paid €2.00" in state(app) and "Due €0.70" in state(app)


async def test_a_sale_that_shrank_below_the_money_taken_is_paid_again(app: TillApp) -> None:
    bells = BellCounter(app)
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scan(pilot, ESPRESSO)
        await scan(pilot, CROISSANT)
        await pilot.press("f10", "1")
        await enter(pilot, "2")  # 2.00 of 2.70
        await pilot.press("escape")

        await pilot.press("delete")  # the croissant goes back: 1.50 < 2.00 already paid
        await pilot.press("f10")

        assert payment(app).tenders == []
        assert "Due €1.50" in state(app)
        assert "take the payment again" in prompt(app)
        assert bells.count == 1
