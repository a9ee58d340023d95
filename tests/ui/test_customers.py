"""The customer at the till: a card scan, F2 search, a new customer, and the F7 account."""

from __future__ import annotations

from pathlib import Path

from textual import events

from tests.conftest import MANAGER_PIN, write_config
from tests.escpos_text import receipts_in
from tests.ui.helpers import (
    SIZE,
    cart,
    enter,
    message,
    scan,
    screen_text,
    settle,
    start_selling,
    static_text,
    type_text,
)
from till_tui.app import TillApp, make_app
from till_tui.config import load_config
from till_tui.demo import DEMO_CUSTOMERS, DemoStore, demo_barcode, demo_store
from till_tui.screens.account import AccountScreen
from till_tui.screens.account_dialogs import ManagerPin
from till_tui.screens.customer_search import CustomerSearch
from till_tui.screens.payment import PaymentScreen
from till_tui.screens.sale import SaleScreen
from till_tui.store.db import close_database, database
from till_tui.widgets.customer_bar import CustomerBar

HELENE_CARD = DEMO_CUSTOMERS[0][1]  # Hélène Dupont, no credit account
JEAN_CARD = DEMO_CUSTOMERS[1][1]  # Jean DUPONT, credit limit 1000.00


def bar(app: TillApp) -> str:
    return static_text(app.screen.query_one("#customer", CustomerBar))


async def test_scanning_a_loyalty_card_attaches_the_customer(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scan(pilot, demo_barcode(1))
        await scan(pilot, HELENE_CARD)

        assert "Hélène Dupont" in bar(app)
        assert "prepaid €0.00" in bar(app)
        assert "credit" not in bar(app), "no limit, no credit account"
        assert len(cart(pilot).lines) == 1, "a card is not a product"
        assert cart(pilot).customer_id is not None


async def test_f2_finds_customers_as_you_type_and_enter_attaches(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await pilot.press("f2")
        await type_text(pilot, "dupo")
        await settle(pilot)
        search = app.screen
        assert isinstance(search, CustomerSearch)
        assert [c.name for c in search.results] == ["Hélène Dupont", "Jean DUPONT"]
        assert "credit available €1,000.00" in screen_text(pilot)

        await pilot.press("down", "enter")

        assert isinstance(app.screen, SaleScreen)
        assert "Jean DUPONT" in bar(app)
        assert "credit available €1,000.00" in bar(app)


async def test_a_card_scanned_in_the_search_attaches_at_once(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await pilot.press("f2")
        await enter(pilot, JEAN_CARD)
        await settle(pilot)
        assert isinstance(app.screen, SaleScreen)
        assert "Jean DUPONT" in bar(app)


async def test_a_new_customer_needs_only_a_name(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await pilot.press("f2", "f5")
        await enter(pilot)  # no name yet: refused
        assert "name is required" in message(pilot)
        await type_text(pilot, "Zoé Martin")
        await pilot.press("enter", "enter", "enter", "enter")  # phone, e-mail, card left empty
        await settle(pilot)

        assert isinstance(app.screen, SaleScreen)
        assert "Zoé Martin" in bar(app)
        assert app.services.customers.search("zoe")[0].name == "Zoé Martin"


async def test_a_cash_top_up_prints_a_receipt_and_shows_the_new_balance(
    app: TillApp, demo: DemoStore
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scan(pilot, HELENE_CARD)
        await pilot.press("f7")
        assert isinstance(app.screen, AccountScreen)
        await pilot.press("t")
        await enter(pilot, "20")
        await settle(pilot)

        assert "Prepaid €20.00" in screen_text(pilot)
        assert "Receipt N°" in message(pilot)
        receipt = receipts_in(demo.receipts.read_bytes())[-1]
        assert "Prepaid top-up" in receipt
        assert "Hélène Dupont" in receipt
        assert "Prepaid balance" in receipt and "20.00" in receipt
        assert "VAT" in receipt  # "Not a sale: no VAT on this receipt."

        await pilot.press("escape")
        assert "prepaid €20.00" in bar(app)


async def test_a_cashier_needs_a_manager_pin_to_set_a_credit_limit(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scan(pilot, HELENE_CARD)
        await pilot.press("f7", "l")
        await enter(pilot, "300")
        assert isinstance(app.screen, ManagerPin)
        await enter(pilot, "1234")  # the cashier's own PIN is not enough
        await settle(pilot)
        assert isinstance(app.screen, ManagerPin)
        assert "not a manager" in message(pilot)
        await enter(pilot, "9999")
        await settle(pilot)

        assert isinstance(app.screen, AccountScreen)
        assert "Credit limit €300.00" in screen_text(pilot)
        customer_id = cart_customer(app)
        assert app.services.accounts.balances(customer_id).available == 30000
        asked_by, payload = database.execute_sql(
            "SELECT staff_id, payload FROM journal WHERE kind = 'credit_limit'"
        ).fetchone()
        assert app.session is not None
        manager = app.services.staff.authenticate("9999")
        assert manager is not None
        assert asked_by == app.session.cashier.id != manager.id
        assert f'"approved_by":{manager.id}' in payload


def cart_customer(app: TillApp) -> int:
    sale = next(s for s in app.screen_stack if isinstance(s, SaleScreen))
    assert sale.cart.customer_id is not None
    return sale.cart.customer_id


async def test_the_statement_prints_every_movement_with_the_balances(
    app: TillApp, demo: DemoStore
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scan(pilot, HELENE_CARD)
        await pilot.press("f7", "t")
        await enter(pilot, "30")
        await pilot.press("a")
        await enter(pilot, "12,50")  # cancel part of it: given back in cash
        await enter(pilot, MANAGER_PIN)  # a cashier cancels with a manager's PIN
        await settle(pilot)
        assert "Prepaid €17.50" in screen_text(pilot)

        await pilot.press("p")
        await settle(pilot)

        statement = receipts_in(demo.receipts.read_bytes())[-1]
        assert "Account statement" in statement
        assert "Top-up" in statement and "Top-up cancelled" in statement
        assert "30.00 / 0.00" in statement  # the balances after the top-up
        assert "17.50 / 0.00" in statement  # and after the cancel
        assert statement.count("Prepaid balance") == 1


async def test_the_default_customer_is_on_every_new_sale(tmp_path: Path) -> None:
    store = demo_store(tmp_path / "store", locale="en_US")
    text = store.config_path.read_text("utf-8").replace(
        'receipt_default = "print"', f'receipt_default = "none"\ndefault_customer = "{JEAN_CARD}"'
    )
    write_config(store.folder, text)
    till = make_app(load_config(store.config_path))
    try:
        async with till.run_test(size=SIZE) as pilot:
            await start_selling(pilot)
            assert "Jean DUPONT" in bar(till)
            await scan(pilot, demo_barcode(1))
            await pilot.press("f10", "1", "enter", "f10", "n")
            await settle(pilot)
            assert cart(pilot).is_empty
            assert "Jean DUPONT" in bar(till), "the next sale starts with the default customer"
    finally:
        close_database()


async def test_a_card_scanned_on_the_payment_screen_attaches_the_customer(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scan(pilot, demo_barcode(1))
        await pilot.press("f10", "1")
        await enter(pilot, JEAN_CARD)  # scanned into the amount field: not 29 billion euros
        assert "Jean DUPONT" in screen_text(pilot)
        await pilot.press("1")  # back on the method choice: cash, the due amount prefilled
        await enter(pilot)
        await pilot.press("f10", "n")
        await settle(pilot)

        assert "Jean DUPONT" not in bar(app), "the next sale starts without a customer"
        sale_customer = app.services.customers.find_by_card(JEAN_CARD)
        assert sale_customer is not None
        rows = app.services.accounts.statement(sale_customer.id)
        assert rows == [], "a cash sale moves no customer money"
        row = database.execute_sql("SELECT customer_id FROM sale WHERE number = 1").fetchone()
        assert row == (sale_customer.id,), "the sale records its customer"


async def test_scan_keys_sent_before_the_amount_field_took_the_focus_still_reach_it(
    app: TillApp,
) -> None:
    # A scan read in two chunks: its first digit ("2", card) opened the amount field, and the
    # rest had already been sent to the method list when the field took the focus.
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scan(pilot, demo_barcode(1))
        await pilot.press("f10", HELENE_CARD[0])
        assert app.focused is app.screen.query_one("#amount")
        table = app.screen.query_one("#tenders")
        for character in HELENE_CARD[1:]:
            table.post_message(events.Key(character, character))
        table.post_message(events.Key("enter", "\r"))
        await settle(pilot)

        assert "Hélène Dupont" in screen_text(pilot)
        payment = app.screen
        assert isinstance(payment, PaymentScreen)
        assert payment.tenders == [], "the card's digits are no card payment"


async def test_a_card_scanned_while_choosing_the_method_attaches_the_customer(
    app: TillApp,
) -> None:
    # No method key first: the scanner types the card's digits and Enter on the method choice.
    # Jean's card has no "1" (cash's key) in it; Hélène's has, and the "1" picks cash first.
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scan(pilot, demo_barcode(1))
        await pilot.press("f10")
        await pilot.press(*JEAN_CARD, "enter")
        assert "Jean DUPONT" in screen_text(pilot)
        await pilot.press(*HELENE_CARD, "enter")
        assert "Hélène Dupont" in screen_text(pilot)
        await pilot.press("escape")
        assert "Hélène Dupont" in bar(app), "the customer stays on the sale"
        await pilot.press("f10", "1")
        await enter(pilot, "20")  # an ordinary cash tender still works after all that
        assert "Fully paid" in screen_text(pilot)
