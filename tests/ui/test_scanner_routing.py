"""A code read over evdev reaches the till as ONE `Scanned` message, taken by the screen in
front: the sale (product, or a customer's card), the customer search, the payment screen; it
never types into the focused input. Then the whole path from fake devices (no /dev/input
here): the reader started after login, hot-plug in the status line, permission errors."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from tests.conftest import CASHIER_PIN
from tests.fake_evdev import Devices, Hardware, InputFolder, eventually
from tests.ui.helpers import (
    SIZE,
    BellCounter,
    cart,
    command,
    message,
    sale_screen,
    screen_text,
    settle,
    start_selling,
    static_text,
    type_text,
)
from till_tui.app import TillApp, make_app
from till_tui.config import Config
from till_tui.demo import DEMO_CUSTOMERS, demo_barcode
from till_tui.i18n import set_locale
from till_tui.scan_message import Scanned
from till_tui.screens.customer_search import CustomerSearch
from till_tui.screens.history import HistoryScreen
from till_tui.screens.login import LoginScreen
from till_tui.screens.open_shift import OpenShiftScreen
from till_tui.screens.payment import PaymentScreen
from till_tui.screens.payment_dialogs import ShortBalance
from till_tui.screens.sale import SaleScreen
from till_tui.store.db import close_database, database
from till_tui.widgets.customer_bar import CustomerBar

ESPRESSO = demo_barcode(1)  # Café expresso, 1.50
HELENE_CARD = DEMO_CUSTOMERS[0][1]  # Hélène Dupont, prepaid 0.00
JEAN_CARD = DEMO_CUSTOMERS[1][1]  # Jean DUPONT, credit limit 1000.00
SOURCE = "/dev/input/by-id/usb-Honeywell_Barcode_Scanner-event-kbd"


async def scanned(pilot: Pilot[Any], code: str) -> None:
    """What the reader does with a code: one message to the app."""
    pilot.app.post_message(Scanned(code, SOURCE))
    await settle(pilot)


def bar(app: TillApp) -> str:
    return static_text(app.screen.query_one("#customer", CustomerBar))


def header(app: TillApp) -> str:
    return static_text(app.screen.query_one("#sale-header", Static))


# -- routing --------------------------------------------------------------------------------


async def test_a_scan_on_the_sale_screen_adds_the_product(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scanned(pilot, ESPRESSO)
        await scanned(pilot, ESPRESSO)
        lines = cart(pilot).lines
        assert [(line.name, line.quantity) for line in lines] == [("Café expresso", 2000)]
        assert "Café expresso" in screen_text(pilot)


async def test_a_scan_leaves_what_is_typed_in_the_command_line(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await type_text(pilot, "37601")  # the cashier is typing a code by hand
        await scanned(pilot, demo_barcode(13))
        assert command(pilot) == "37601"
        assert app.focused is sale_screen(pilot).command
        assert [line.name for line in cart(pilot).lines] == ["Croissant au beurre"]


async def test_a_quantity_typed_before_a_scan_applies_to_it(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await type_text(pilot, "3*")
        await pilot.press("enter")  # "Now scan or type the product code."
        await scanned(pilot, ESPRESSO)
        assert [line.quantity for line in cart(pilot).lines] == [3000]
        assert command(pilot) == ""


async def test_a_card_scanned_on_the_sale_screen_attaches_the_customer(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scanned(pilot, ESPRESSO)
        await scanned(pilot, HELENE_CARD)
        assert "Hélène Dupont" in bar(app)
        assert len(cart(pilot).lines) == 1, "a card is not a product"


async def test_an_unknown_code_says_so_and_adds_nothing(app: TillApp) -> None:
    bells = BellCounter(app)
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scanned(pilot, "4006381333931")
        assert message(pilot) == "Unknown code: 4006381333931. Nothing was added."
        assert bells.count == 1
        assert cart(pilot).lines == ()


async def test_a_card_scanned_in_the_customer_search_picks_the_customer(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await pilot.press("f2")
        await type_text(pilot, "dup")
        await settle(pilot)
        await scanned(pilot, "2999999999999")  # no such card: the search stays as typed
        assert isinstance(app.screen, CustomerSearch)
        assert app.screen.query_one("#query", Input).value == "dup"
        await scanned(pilot, JEAN_CARD)
        assert isinstance(app.screen, SaleScreen)
        assert "Jean DUPONT" in bar(app)


async def test_a_card_scanned_on_the_payment_screen_attaches_the_customer(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scanned(pilot, ESPRESSO)
        await pilot.press("f10", "1")  # cash: the amount field shows what is due
        screen = app.screen
        assert isinstance(screen, PaymentScreen)
        amount = screen.query_one("#amount", Input)
        assert amount.value == "1.50"
        await scanned(pilot, JEAN_CARD)
        assert screen.customer is not None and screen.customer.name == "Jean DUPONT"
        assert amount.value == "1.50", "the scan typed nothing into the amount"
        assert app.focused is amount
        await scanned(pilot, "2999999999999")
        assert "Unknown card: 2999999999999" in screen_text(pilot)


async def test_prepaid_without_a_customer_takes_the_card_scanned_in_the_search(
    app: TillApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scanned(pilot, ESPRESSO)
        await pilot.press("f10", "3")  # prepaid: whose? the customer search opens
        assert isinstance(app.screen, CustomerSearch)
        await scanned(pilot, HELENE_CARD)
        payment = app.screen_stack[-2] if isinstance(app.screen, ShortBalance) else app.screen
        assert isinstance(payment, PaymentScreen)
        assert payment.customer is not None and payment.customer.name == "Hélène Dupont"
        assert isinstance(app.screen, ShortBalance), "her prepaid balance is 0.00"


async def test_while_a_reference_is_asked_the_scanned_code_is_the_answer(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scanned(pilot, ESPRESSO)
        await pilot.press("f10", "5", "enter")  # room: the amount due, then the room number
        screen = app.screen
        assert isinstance(screen, PaymentScreen) and screen.step == "reference"
        await scanned(pilot, "R204")  # the room card's barcode
        assert [(t.label, t.reference) for t in screen.tenders] == [("Room", "R204")]
        assert "Fully paid" in screen_text(pilot)


async def test_a_scan_goes_through_the_note_to_the_sale(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await pilot.press("f5")
        await type_text(pilot, "no sugar")
        await scanned(pilot, ESPRESSO)
        assert app.screen.query_one("#note", Input).value == "no sugar"
        await pilot.press("enter")
        assert [line.name for line in cart(pilot).lines] == ["Café expresso"]
        assert cart(pilot).note == "no sugar"


async def test_a_scan_elsewhere_is_ignored_with_a_message(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        bells = BellCounter(app)
        await scanned(pilot, ESPRESSO)
        assert f"Scan ignored on this screen: {ESPRESSO}" in screen_text(pilot)
        assert bells.count == 1


async def test_a_product_scanned_on_the_login_screen_is_no_wrong_pin(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, LoginScreen)
        for _scan in range(6):  # more than the five wrong PINs that lock the login
            await scanned(pilot, ESPRESSO)
        assert message(pilot) == "Scan ignored: type your PIN to log in."
        pin = app.screen.query_one("#pin", Input)
        assert pin.value == "" and not pin.disabled
        await scanned(pilot, CASHIER_PIN)  # a staff badge holding the PIN
        assert isinstance(app.screen, OpenShiftScreen)
    rows = database.execute_sql("SELECT kind FROM journal WHERE kind LIKE 'log%'").fetchall()
    assert rows == [("login",)], "no scan counted as a wrong PIN"


# -- from the device to the screen ----------------------------------------------------------


@pytest.fixture
def devices() -> Devices:
    return Devices()


@pytest.fixture
def scanner_app(config: Config, devices: Devices) -> Iterator[TillApp]:
    """The till with a configured scanner, opened through fake devices."""
    till = make_app(replace(config, scanner=replace(config.scanner, devices=(SOURCE,))))
    set_locale("en_US")
    till.scanner_opener = devices
    yield till
    close_database()


async def test_the_reader_starts_with_the_login_screen_and_a_scan_adds_the_product(
    scanner_app: TillApp, devices: Devices
) -> None:
    scanner = devices.plug(SOURCE, Hardware())
    async with scanner_app.run_test(size=SIZE) as pilot:
        # Grabbed on the login screen: a scan there never types into the PIN field.
        await eventually(lambda: scanner.grabs == 1, what="the scanner grabbed")
        scanner.type(ESPRESSO)
        await eventually(lambda: "Scan ignored" in message(pilot), what="the scan refused")
        assert scanner_app.screen.query_one("#pin", Input).value == ""
        await start_selling(pilot)
        assert scanner.grabs == 1, "grabbed once"
        scanner.type(ESPRESSO)
        await eventually(lambda: cart(pilot).lines, what="the product in the cart")
        await pilot.pause()
        assert [line.name for line in cart(pilot).lines] == ["Café expresso"]
        assert command(pilot) == ""
        assert header(scanner_app).startswith("Café")  # no device problem in the status line
    assert [(h.grabbed, h.closed) for h in scanner.handles] == [(False, True)], "released"


async def test_a_code_refused_by_the_reader_is_told_and_adds_nothing(
    scanner_app: TillApp, devices: Devices
) -> None:
    scanner = devices.plug(SOURCE, Hardware())
    async with scanner_app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await eventually(lambda: scanner.grabs == 1, what="the scanner grabbed")
        bells = BellCounter(scanner_app)
        scanner.type("3" * 65)  # a misread: longer than any barcode
        await eventually(lambda: "Code refused" in message(pilot), what="the refusal told")
        assert message(pilot) == "Code refused: longer than 64 characters."
        assert bells.count == 1
        assert cart(pilot).lines == ()
        scanner.type(ESPRESSO)  # the next scan is read as usual
        await eventually(lambda: cart(pilot).lines, what="the product in the cart")


async def test_an_unplugged_scanner_shows_in_the_status_line_until_it_is_back(
    scanner_app: TillApp, devices: Devices
) -> None:
    scanner = devices.plug(SOURCE, Hardware())
    async with scanner_app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await eventually(lambda: scanner.grabs == 1)
        devices.unplug(SOURCE)
        await eventually(lambda: "Scanner unplugged" in header(scanner_app))
        sale = sale_screen(pilot)
        assert sale.check_action("retry_printing", ()) is False, "no Ctrl+P for a scanner"
        devices.plug(SOURCE, scanner)
        await eventually(lambda: "Scanner" not in header(scanner_app), timeout=3)
        scanner.type(ESPRESSO)
        await eventually(lambda: cart(pilot).lines)


async def test_a_permission_error_says_what_to_do(scanner_app: TillApp, devices: Devices) -> None:
    devices.plug(SOURCE, Hardware())
    devices.denied.add(SOURCE)
    async with scanner_app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await eventually(lambda: "permission denied" in header(scanner_app))
        assert "Scanner: permission denied (see the README)" in header(scanner_app)
        assert [note.message for note in scanner_app._notifications] == [
            f"Cannot read the scanner {SOURCE}: permission denied. Install the udev rule "
            "from the README (or add the till's user to the input group), then plug the "
            "scanner in again."
        ]
        assert message(pilot).startswith("Shift 1 opened"), "the greeting is not hidden"


async def test_without_a_scanner_nothing_is_read(app: TillApp) -> None:
    # This machine has no /dev/input: detection finds nothing, and the till runs as before.
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await settle(pilot)
        assert app.scanner is None
        assert app.status_text == ""


async def test_a_scanner_plugged_in_after_start_up_is_found(
    app: TillApp, devices: Devices, tmp_path: Path
) -> None:
    # Auto-detection: at login only the keyboard is plugged in; the scanner comes later.
    folder = InputFolder(tmp_path / "input", devices)
    folder.plug(0, Hardware(name="AT Translated Set 2 keyboard", vendor=0x0001))
    app.scanner_opener = devices
    app.scanner_folder = str(folder.root)
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await eventually(lambda: app.scanner is not None, what="looking for scanners")
        assert app.scanner is not None and app.scanner.statuses == []
        scanner = Hardware()
        path = folder.plug(5, scanner, by_id="usb-Honeywell_Scanner-event-kbd")
        await eventually(lambda: scanner.grabs == 1, timeout=4, what="the new scanner grabbed")
        assert [status.path for status in app.scanner.statuses] == [path]
        scanner.type(ESPRESSO)
        await eventually(lambda: cart(pilot).lines, what="the product in the cart")
        assert [line.name for line in cart(pilot).lines] == ["Café expresso"]
