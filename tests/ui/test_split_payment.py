"""Split payments on the demo till: methods 1 Cash, 2 Card (last 4 asked), 3 Prepaid,
4 On account, 5 Room (reference required), 6 Cheque. Everything through the real keys."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input, Static

from tests.conftest import MANAGER_PIN
from tests.escpos_text import drawer_kicks, receipts_in
from tests.smtp import StartServer
from tests.ui.helpers import (
    SIZE,
    BellCounter,
    big_amount,
    enter,
    message,
    scan,
    screen_text,
    settle,
    showing,
    start_selling,
    static_text,
)
from till_tui.app import TillApp, make_app
from till_tui.config import Config, load_config
from till_tui.demo import DemoStore, demo_barcode
from till_tui.domain.staff import StaffMember
from till_tui.i18n import set_locale
from till_tui.screens.account_dialogs import ManagerPin, MovementDialog
from till_tui.screens.customer_search import CustomerSearch
from till_tui.screens.history import HistoryScreen, SaleDetail
from till_tui.screens.payment import PaymentScreen
from till_tui.screens.payment_dialogs import ShortBalance
from till_tui.screens.receipt_choice import EmailAddress, ReceiptChoice
from till_tui.store.db import database

CREME = demo_barcode(2)  # Café crème, 2.80
ESPRESSO = demo_barcode(1)  # Café expresso, 1.50
HELENE = "2900000000018"  # prepaid only, helene.dupont@example.fr
JEAN = "2900000000025"  # credit limit 1000.00


def payment(app: TillApp) -> PaymentScreen:
    screen = app.screen
    assert isinstance(screen, PaymentScreen), f"expected the payment screen, got {screen!r}"
    return screen


def prompt(app: TillApp) -> str:
    return static_text(payment(app).query_one("#prompt", Static))


def tender_rows(app: TillApp) -> list[list[str]]:
    table = payment(app).query_one("#tenders", DataTable)
    return [[cell.plain for cell in table.get_row_at(row)] for row in range(table.row_count)]


def amount_field(app: TillApp) -> Input:
    return payment(app).query_one("#amount", Input)


def staff(app: TillApp) -> StaffMember:
    session = app.session
    assert session is not None
    return session.cashier


def top_up(app: TillApp, card: str, amount: int) -> None:
    """Put `amount` on the customer's prepaid balance, in cash, as the account screen does."""
    session = app.session
    assert session is not None
    customer = app.services.customers.find_by_card(card)
    assert customer is not None
    cash = app.config.payment_methods[0]
    app.services.accounts.top_up(
        customer.id, amount, cash, staff=session.cashier, shift_id=session.shift.id
    )


def prepaid_of(app: TillApp, card: str) -> int:
    customer = app.services.customers.find_by_card(card)
    assert customer is not None
    return app.services.accounts.balances(customer.id).prepaid


def payments_of(sale_number: int) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = database.execute_sql(
        "SELECT p.method, p.kind, p.amount, p.tendered, p.change_given, p.last4, p.reference,"
        " p.external_id, p.label FROM payment AS p JOIN sale AS s ON s.id = p.sale_id"
        " WHERE s.number = ? ORDER BY p.position",
        (sale_number,),
    ).fetchall()
    return rows


async def test_prepaid_card_with_last4_and_cash_with_change(app: TillApp, demo: DemoStore) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        top_up(app, HELENE, 500)
        await scan(pilot, HELENE)
        for _ in range(5):
            await scan(pilot, CREME)  # 5 x 2.80 = 14.00
        await pilot.press("f10")
        pay = payment(app)
        assert "Customer: Hélène Dupont" in screen_text(pilot)
        assert "3  Prepaid  €5.00" in screen_text(pilot), "the balance is shown by its method"

        # 3 Prepaid: the balance is short of 14.00, so the till asks; P pays what there is.
        await pilot.press("3")
        await settle(pilot)
        assert showing(app, ShortBalance)
        assert "€5.00 of prepaid balance; €14.00 is due" in screen_text(pilot)
        await pilot.press("p")
        assert amount_field(app).value == "5.00", "prefilled with min(balance, due)"
        await enter(pilot)

        # 2 Card: 6.00 of the 9.00 due, then the last 4 digits, which must be 4 digits.
        await pilot.press("2")
        assert amount_field(app).value == "9.00"
        await enter(pilot, "6")
        assert "Last 4 digits of the card" in prompt(app)
        await enter(pilot, "12")
        assert "Type the last 4 digits of the card." in prompt(app)
        assert len(pay.tenders) == 1, "no card tender without its digits"
        await enter(pilot, "1234")

        # 1 Cash: 5.00 handed over for the 3.00 left, 2.00 back.
        await pilot.press("1")
        assert amount_field(app).value == "3.00"
        await enter(pilot, "5")
        assert tender_rows(app) == [
            ["Prepaid", "€5.00", "€5.00", "€0.00"],
            ["Card ****1234", "€6.00", "€6.00", "€0.00"],
            ["Cash", "€3.00", "€5.00", "€2.00"],
        ]
        assert big_amount(pilot, "#amounts #change") == "2.00"

        await pilot.press("f10")
        await settle(pilot)
        assert showing(app, ReceiptChoice)
        await pilot.press("p")
        await settle(pilot)

        assert payments_of(1) == [
            ("prepaid", "prepaid", 500, 500, 0, "", "", "", "Prepaid"),
            ("card", "card", 600, 600, 0, "1234", "", "", "Card"),
            ("cash", "cash", 300, 500, 200, "", "", "", "Cash"),
        ]
        assert prepaid_of(app, HELENE) == 0
        data = demo.receipts.read_bytes()
        assert drawer_kicks(data) == [(2, 50, 50)], "a sale with cash opens the drawer once"
        receipt = receipts_in(data)[-1].splitlines()
        start = receipt.index(next(line for line in receipt if line.startswith("Prepaid")))
        assert receipt[start : start + 9] == [
            "Prepaid" + " " * 31 + "5.00",
            "Card" + " " * 34 + "6.00",
            "  Card **** 1234",
            "Cash" + " " * 34 + "5.00",
            "Change" + " " * 32 + "2.00",
            "",
            "Customer: Hélène Dupont",
            "  Prepaid balance" + " " * 21 + "0.00",
            "",
        ]


async def test_a_short_prepaid_balance_is_topped_up_on_the_spot(
    app: TillApp, demo: DemoStore
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scan(pilot, HELENE)
        await scan(pilot, CREME)
        await pilot.press("f10", "3")
        await settle(pilot)
        assert showing(app, ShortBalance)
        assert "P  pay" not in screen_text(pilot), "nothing to pay from an empty balance"

        await pilot.press("t")
        await settle(pilot)
        assert showing(app, MovementDialog)
        dialog = app.screen
        assert dialog.query_one("#amount", Input).value == "2.80", "the shortfall is offered"
        await enter(pilot, "10")  # 10.00 in cash onto the balance

        assert "Top-up of €10.00 by Cash recorded" in prompt(app)
        assert amount_field(app).value == "2.80"
        await enter(pilot)
        assert tender_rows(app) == [["Prepaid", "€2.80", "€2.80", "€0.00"]]
        await pilot.press("f10")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)

        assert prepaid_of(app, HELENE) == 720
        kinds = database.execute_sql(
            "SELECT kind, amount, method FROM ledger_entry ORDER BY id"
        ).fetchall()
        assert kinds == [("topup", 1000, "cash"), ("prepaid_payment", 280, "prepaid")]
        printed = receipts_in(demo.receipts.read_bytes())
        assert len(printed) == 1, "the top-up's receipt, and no sale receipt (N)"
        assert "Prepaid top-up" in printed[0] and "Not a sale: no VAT" in printed[0]
        assert drawer_kicks(demo.receipts.read_bytes()) == [(2, 50, 50)], "cash top-up"


async def test_a_room_charge_needs_its_reference(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scan(pilot, ESPRESSO)
        await pilot.press("f10", "5")
        assert amount_field(app).value == "1.50"
        await enter(pilot)
        assert "Reference for Room (required)" in prompt(app)
        bells = BellCounter(app)
        await enter(pilot)
        assert "Type the reference (e.g. the room number) first." in prompt(app)
        assert bells.count == 1 and payment(app).tenders == []
        await enter(pilot, "204")
        assert tender_rows(app) == [["Room · 204", "€1.50", "€1.50", "€0.00"]]
        await pilot.press("f10")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert payments_of(1) == [
            ("room", "external", 150, 150, 0, "", "204", "PMS-ROOM", "Room"),
        ]


async def test_a_cheque_reference_is_optional(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scan(pilot, ESPRESSO)
        await pilot.press("f10", "6")
        await enter(pilot)
        assert "Reference for Cheque (Enter: none)" in prompt(app)
        await enter(pilot)
        assert tender_rows(app) == [["Cheque", "€1.50", "€1.50", "€0.00"]]


async def test_credit_beyond_what_is_available_is_refused(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        jean = app.services.customers.find_by_card(JEAN)
        assert jean is not None
        session = app.session
        assert session is not None
        app.services.accounts.charge_credit(
            jean.id, 99_000, staff=session.cashier, shift_id=session.shift.id, due_date="2026-12-31"
        )  # owes 990.00 of 1000.00: 10.00 available
        await scan(pilot, JEAN)
        for _ in range(5):
            await scan(pilot, CREME)  # 14.00
        await pilot.press("f10")
        assert "4  On account  €10.00" in screen_text(pilot)
        await pilot.press("4")
        assert amount_field(app).value == "10.00", "prefilled with what is available"
        bells = BellCounter(app)
        await enter(pilot, "14")
        assert "This is more than the credit available. Available: €10.00." in prompt(app)
        assert bells.count == 1 and payment(app).tenders == []

        await enter(pilot, "10")
        await pilot.press("1")
        await enter(pilot)  # 4.00 cash
        await pilot.press("f10")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        due = database.execute_sql(
            "SELECT e.amount, e.due_date, s.created_at FROM ledger_entry AS e"
            " JOIN sale AS s ON s.id = e.sale_id WHERE e.kind = 'credit_charge'"
        ).fetchall()
        assert len(due) == 1 and due[0][0] == 1000
        assert app.services.accounts.balances(jean.id).available == 0


async def test_credit_needs_a_credit_account(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scan(pilot, HELENE)
        await scan(pilot, ESPRESSO)
        await pilot.press("f10", "4")
        assert "This customer has no credit account." in prompt(app)
        assert not amount_field(app).display


async def test_prepaid_without_a_customer_opens_the_customer_search(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        top_up(app, HELENE, 1000)
        await scan(pilot, ESPRESSO)
        await pilot.press("f10", "3")
        await settle(pilot)
        assert showing(app, CustomerSearch), "no customer yet: the search opens"
        await enter(pilot, HELENE)  # the card scanned into the search
        await settle(pilot)
        pay = payment(app)
        assert pay.cart.customer_id is not None
        assert amount_field(app).value == "1.50"
        await enter(pilot)
        assert tender_rows(app) == [["Prepaid", "€1.50", "€1.50", "€0.00"]]


async def test_a_balance_spent_by_another_till_meanwhile_keeps_the_tenders(
    app: TillApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        top_up(app, HELENE, 500)
        await scan(pilot, HELENE)
        await scan(pilot, ESPRESSO)
        await pilot.press("f10", "3")
        await enter(pilot)
        assert len(payment(app).tenders) == 1

        # Another till spends the balance before F10.
        customer = app.services.customers.find_by_card(HELENE)
        assert customer is not None
        app.services.accounts.debit_prepaid(customer.id, 400, staff=staff(app), shift_id=None)

        await pilot.press("f10")
        await settle(pilot)
        assert showing(app, PaymentScreen), "nothing completed"
        assert "The sale was not saved: Not enough prepaid balance" in prompt(app)
        assert tender_rows(app) == [["Prepaid", "€1.50", "€1.50", "€0.00"]]
        assert "3  Prepaid  €0.00" in screen_text(pilot), "the balance as it is now"
        assert app.services.sales.count() == 0
        assert prepaid_of(app, HELENE) == 100


def with_email(demo: DemoStore, port: int) -> Config:
    text = demo.config_path.read_text("utf-8").split("\n[email]")[0]
    text += (
        f'\n[email]\nhost = "127.0.0.1"\nport = {port}\nstarttls = false\n'
        'from = "caisse@cafe-de-la-gare.example"\ntimeout = 2\n'
    )
    demo.config_path.write_text(text, "utf-8")
    return load_config(demo.config_path)


async def test_an_emailed_receipt_and_one_sent_again_from_the_history(
    demo: DemoStore, smtp_server: StartServer, tmp_path: Path
) -> None:
    inbox, port = smtp_server()
    closed_port = port + 1 if port < 65535 else port - 1  # nothing listens there
    app = make_app(with_email(demo, closed_port))
    set_locale("en_US")
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scan(pilot, HELENE)
        await scan(pilot, ESPRESSO)
        await pilot.press("f10", "1")
        await enter(pilot)
        await pilot.press("f10")
        await settle(pilot)
        assert "E e-mail" in screen_text(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert showing(app, EmailAddress)
        field = app.screen.query_one("#address", Input)
        assert field.value == "helene.dupont@example.fr", "prefilled from the customer"
        await enter(pilot)
        await settle(pilot)

        # The server is down: the sale is kept, the cashier told, the failure recorded.
        assert app.services.sales.count() == 1
        assert "Receipt not e-mailed to helene.dupont@example.fr" in message(pilot)
        assert "send it again from the history (F8)" in message(pilot)
        (failed,) = app.services.outbox.for_sale(1)
        assert failed.status == "failed" and failed.last_error

        # The mail server is fixed; F8, Enter on the sale, E, Enter: sent.
        app.config = with_email(demo, port)
        await pilot.press("f8")
        await settle(pilot)
        assert showing(app, HistoryScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert showing(app, SaleDetail)
        assert "E-mail to helene.dupont@example.fr: not sent" in screen_text(pilot)
        await pilot.press("e")
        await settle(pilot)
        await enter(pilot)
        await settle(pilot)
        assert "Receipt e-mailed to helene.dupont@example.fr." in message(pilot)
        assert "E-mail to helene.dupont@example.fr: sent" in screen_text(pilot)

    received = inbox.message()
    assert received["To"] == "helene.dupont@example.fr"
    assert received["From"] == "caisse@cafe-de-la-gare.example"
    assert received["Subject"] == "Receipt N° 1 · Café de la Gare"
    body = received.get_content()
    for line in ("Sale N° 1", "Café expresso", "TOTAL", "Customer: Hélène Dupont"):
        assert line in body, f"{line!r} not in the e-mailed receipt:\n{body}"


async def test_a_reprint_is_marked_duplicate_and_counted(app: TillApp, demo: DemoStore) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scan(pilot, ESPRESSO)
        await pilot.press("f10", "2")
        await enter(pilot)
        await enter(pilot, "4321")
        await pilot.press("f10")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)

        await pilot.press("f8")
        await settle(pilot)
        assert "Card" in screen_text(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert "Sale N° 1: duplicate 1 printed." in message(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert "Reprinted 2 times." in screen_text(pilot)

    printed = receipts_in(demo.receipts.read_bytes())
    assert len(printed) == 3
    assert "DUPLICATE" not in printed[0]
    assert "DUPLICATE 1" in printed[1] and "DUPLICATE 2" in printed[2]
    for receipt in printed:
        assert "Card **** 4321" in receipt
    assert drawer_kicks(demo.receipts.read_bytes()) == [], "no cash, no drawer"


async def test_opening_the_drawer_without_a_sale_needs_a_manager(
    app: TillApp, demo: DemoStore
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert showing(app, ManagerPin)
        await enter(pilot, "1234")  # the cashier's own PIN
        await settle(pilot)
        assert "This is not a manager's PIN." in screen_text(pilot)
        await enter(pilot, MANAGER_PIN)
        await settle(pilot)
        assert "Drawer opened (no sale), approved by Patron." in message(pilot)

    assert drawer_kicks(demo.receipts.read_bytes()) == [(2, 50, 50)]
    rows = database.execute_sql(
        "SELECT s.name, a.name FROM drawer_opening AS d JOIN staff AS s ON s.id = d.staff_id"
        " JOIN staff AS a ON a.id = d.approved_by"
    ).fetchall()
    assert rows == [("Camille", "Patron")]
    kinds = [r[0] for r in database.execute_sql("SELECT kind FROM journal ORDER BY seq")]
    assert kinds[-1] == "drawer_open"


async def test_a_room_charge_is_found_again_by_its_reference(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        for reference in ("204", "118"):
            await scan(pilot, ESPRESSO)
            await pilot.press("f10", "5")
            await enter(pilot)
            await enter(pilot, reference)
            await pilot.press("f10")
            await settle(pilot)
            await pilot.press("n")
            await settle(pilot)
        await scan(pilot, ESPRESSO)
        await pilot.press("f10", "2")
        await enter(pilot)
        await enter(pilot, "4242")
        await pilot.press("f10")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)

        await pilot.press("f8")
        await settle(pilot)
        history = app.screen
        assert isinstance(history, HistoryScreen)
        assert [sale.number for sale in history.sales] == [3, 2, 1]
        await pilot.press("f3")
        await enter(pilot, "204")
        assert [sale.number for sale in history.sales] == [1]
        assert "1 sale found." in message(pilot)
        await pilot.press("f3")
        await enter(pilot, "4242")  # a card's last 4 digits
        assert [sale.number for sale in history.sales] == [3]
        await pilot.press("f3")
        await enter(pilot, "2")  # a sale number
        assert [sale.number for sale in history.sales] == [2]
        await pilot.press("enter")
        await settle(pilot)
        assert showing(app, SaleDetail)
        assert "Sale N° 2" in screen_text(pilot)
        assert "Ref. 118" in static_text(app.screen.query_one("#receipt", Static))
