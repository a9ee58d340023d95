"""Scanners that type (keyboard wedge): a burst of keys into any field is a scan, people type.

Pilot's `press` waits for the app to go idle after every key (40 ms or more), as slow as a
person. A scanner's burst is posted here as the terminal driver posts keys: Key events queued
at once, each stamped with the time the scanner typed it (`Key.time`, which the till reads).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any
from unittest.mock import patch

from textual import events
from textual.pilot import Pilot
from textual.widgets import Input

from tests.conftest import CASHIER_PIN
from tests.ui.helpers import (
    SIZE,
    cart,
    command,
    scan,
    screen_text,
    settle,
    start_selling,
    static_text,
    type_text,
)
from till_tui.app import TillApp, make_app
from till_tui.config import load_config
from till_tui.demo import DEMO_CUSTOMERS, DemoStore, demo_barcode
from till_tui.hw.wedge import WedgeDetector
from till_tui.screens.customer_search import CustomerSearch
from till_tui.screens.note import NoteDialog
from till_tui.screens.open_shift import OpenShiftScreen
from till_tui.screens.payment import PaymentScreen
from till_tui.screens.sale import SaleScreen
from till_tui.store.db import close_database
from till_tui.widgets.customer_bar import CustomerBar

ESPRESSO = demo_barcode(1)
HELENE_CARD = DEMO_CUSTOMERS[0][1]
JEAN_CARD = DEMO_CUSTOMERS[1][1]


def key_event(character: str, at: float) -> events.Key:
    if character == "\r":
        key = events.Key("enter", "\r")
    elif character == " ":
        key = events.Key("space", " ")
    else:
        key = events.Key(character, character)
    key.time = at
    return key


def post_keys(pilot: Pilot[Any], timed: list[tuple[str, float]]) -> None:
    """Queue keys at once, as the terminal driver does, each with its own time."""
    app = pilot.app
    driver = app._driver
    assert driver is not None
    for character, at in timed:
        key = key_event(character, at)
        key.set_sender(app)
        driver.send_message(key)


async def keys_handled(pilot: Pilot[Any]) -> None:
    """Let the keys be handled, held keys included (released at most a gap later)."""
    app = pilot.app
    assert isinstance(app, TillApp)
    await pilot.pause()
    deadline = time.monotonic() + 5
    while app.wedge.holding and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
        await pilot.pause()
    await settle(pilot)


async def burst(pilot: Pilot[Any], text: str, *, every_ms: float = 8, enter: bool = True) -> None:
    """A keyboard-wedge scanner types `text` (and Enter), a key every `every_ms`."""
    start = time.monotonic()
    keys = text + ("\r" if enter else "")
    post_keys(pilot, [(ch, start + i * every_ms / 1000) for i, ch in enumerate(keys)])
    await keys_handled(pilot)


async def type_slowly(pilot: Pilot[Any], text: str, every_ms: float = 120) -> None:
    """A person types `text`, for real: a key, then a pause of `every_ms`."""
    for character in text:
        post_keys(pilot, [(character, time.monotonic())])
        await pilot.pause()
        await asyncio.sleep(every_ms / 1000)
    await keys_handled(pilot)


def field(pilot: Pilot[Any], selector: str) -> Input:
    return pilot.app.screen.query_one(selector, Input)


def step(payment: PaymentScreen) -> str:
    return payment.step


def customer_bar(app: TillApp) -> str:
    return static_text(app.screen.query_one("#customer", CustomerBar))


async def open_note(pilot: Pilot[Any], text: str) -> SaleScreen:
    sale = await start_selling(pilot)
    await pilot.press("f5")
    assert isinstance(pilot.app.screen, NoteDialog)
    await type_text(pilot, text)
    return sale


# -- the note dialog over the sale screen ---------------------------------------------------


async def test_a_scan_into_the_note_adds_the_product_and_leaves_the_note(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        sale = await open_note(pilot, "Sans sucre")
        await burst(pilot, ESPRESSO)

        assert [line.name for line in sale.cart.lines] == ["Café expresso"]
        assert isinstance(app.screen, NoteDialog), "the note stays open"
        note = field(pilot, "#note")
        assert note.value == "Sans sucre", "nothing of the scan is left in the note"
        assert note.cursor_position == len("Sans sucre")

        await type_text(pilot, ", merci")  # the cashier goes on typing where they were
        await pilot.press("enter")
        await settle(pilot)
        assert cart(pilot).note == "Sans sucre, merci"
        assert [line.name for line in cart(pilot).lines] == ["Café expresso"]


async def test_a_scan_right_after_a_typed_key_takes_only_its_own_keys(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        sale = await open_note(pilot, "Table")
        start = time.monotonic()
        timed = [(" ", start), ("4", start + 0.15)]  # typed: 150 ms apart
        scan_start = start + 0.6
        timed += [(ch, scan_start + i * 0.01) for i, ch in enumerate(ESPRESSO + "\r")]
        post_keys(pilot, timed)
        await keys_handled(pilot)

        assert field(pilot, "#note").value == "Table 4"
        assert len(sale.cart.lines) == 1


async def test_two_scans_in_a_row_into_the_note_add_both(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        sale = await open_note(pilot, "")
        start = time.monotonic()
        codes = ESPRESSO + "\r" + demo_barcode(2) + "\r"
        post_keys(pilot, [(ch, start + i * 0.005) for i, ch in enumerate(codes)])
        await keys_handled(pilot)

        assert len(sale.cart.lines) == 2
        assert field(pilot, "#note").value == ""


async def test_an_unknown_code_scanned_into_the_note_is_said_and_not_typed(
    app: TillApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        sale = await open_note(pilot, "Sans sucre")
        await burst(pilot, "9999999999994")

        assert sale.cart.is_empty
        assert "Unknown code: 9999999999994" in sale.message_text
        assert field(pilot, "#note").value == "Sans sucre"


async def test_digits_typed_slowly_into_the_note_stay_text(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        sale = await open_note(pilot, "")
        await type_slowly(pilot, ESPRESSO[:6] + "\r")

        assert not isinstance(app.screen, NoteDialog), "Enter saved the note"
        assert sale.cart.note == ESPRESSO[:6]
        assert sale.cart.is_empty


async def test_a_person_at_100_to_200_ms_a_key_is_typing(app: TillApp) -> None:
    # The same 13 digits and Enter as a scan, stamped as a person types them.
    async with app.run_test(size=SIZE) as pilot:
        sale = await open_note(pilot, "")
        start = time.monotonic()
        at, timed = start, []
        for i, ch in enumerate(ESPRESSO + "\r"):
            at += (100, 200, 150)[i % 3] / 1000
            timed.append((ch, at))
        post_keys(pilot, timed)
        await keys_handled(pilot)

        assert sale.cart.note == ESPRESSO
        assert sale.cart.is_empty


async def test_a_fast_typists_rolls_are_typed_in_order(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        sale = await open_note(pilot, "")
        start = time.monotonic()
        timed = [("t", 0), ("h", 0.02), ("e", 0.14), (" ", 0.16), ("c", 0.28), ("a", 0.29)]
        timed += [("t", 0.42), ("\r", 0.55)]
        post_keys(pilot, [(ch, start + at) for ch, at in timed])
        await keys_handled(pilot)

        assert sale.cart.note == "the cat"


async def test_a_burst_without_enter_is_typed_once_the_gap_passed(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        sale = await open_note(pilot, "")
        await burst(pilot, "12345678", enter=False)

        assert field(pilot, "#note").value == "12345678"
        assert sale.cart.is_empty
        await pilot.press("enter")
        assert sale.cart.note == "12345678"


async def test_a_burst_shorter_than_the_minimum_is_typed(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        sale = await open_note(pilot, "")
        await burst(pilot, "123")

        assert sale.cart.note == "123", "3 keys and Enter: typing (at least 4 make a scan)"


async def test_a_persons_key_is_not_held(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_note(pilot, "")
        post_keys(pilot, [("a", time.monotonic())])
        await pilot.pause()
        assert not app.wedge.holding
        assert field(pilot, "#note").value == "a", "in the field without waiting for the gap"


# -- other fields ---------------------------------------------------------------------------


async def test_a_card_scanned_into_the_customer_search_picks_the_customer(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await pilot.press("f2")
        assert isinstance(app.screen, CustomerSearch)
        await type_text(pilot, "dup")  # the cashier started typing a name, then scans
        await burst(pilot, JEAN_CARD)

        assert isinstance(app.screen, SaleScreen)
        assert "Jean DUPONT" in customer_bar(app)
        assert app.is_running


async def test_a_card_scanned_into_the_amount_field_attaches_the_customer(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scan(pilot, ESPRESSO)
        await pilot.press("f10", "1")
        payment = app.screen
        assert isinstance(payment, PaymentScreen)
        amount = field(pilot, "#amount")
        assert amount.value == "1.50" and amount.selected_text == "1.50"
        await burst(pilot, HELENE_CARD)  # starts with a 2: it would replace the amount

        assert payment.customer is not None and payment.customer.name == "Hélène Dupont"
        assert amount.value == "1.50", "the amount typed so far stays as it was"
        assert amount.selected_text == "1.50"
        assert payment.tenders == []
        await pilot.press("enter")
        assert "Fully paid" in screen_text(pilot)


async def test_a_reference_or_last_4_scanned_after_the_amount_is_typed_in(app: TillApp) -> None:
    # A voucher's or a room card's barcode is the answer there, not a customer's card.
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await pilot.press("2", "*")
        await scan(pilot, ESPRESSO)
        await pilot.press("f10", "2")  # card
        payment = app.screen
        assert isinstance(payment, PaymentScreen)
        field(pilot, "#amount").value = "1.00"
        await pilot.press("enter")
        assert step(payment) == "last4"
        await burst(pilot, "4242")
        await pilot.press("5", "enter")  # room: the rest, then its reference
        assert step(payment) == "reference"
        await burst(pilot, "VOUCHER204")

        assert [(t.method, t.amount, t.last4, t.reference) for t in payment.tenders] == [
            ("card", 100, "4242", ""),
            ("room", 200, "", "VOUCHER204"),
        ]


async def test_a_card_typed_on_the_method_choice_still_attaches(app: TillApp) -> None:
    # No field has the focus: the payment screen keeps such keys itself, as before.
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scan(pilot, ESPRESSO)
        await pilot.press("f10")
        await burst(pilot, JEAN_CARD)
        assert "Jean DUPONT" in screen_text(pilot)


async def test_the_command_line_takes_its_scans_itself(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        sale = await start_selling(pilot)
        with patch.object(WedgeDetector, "feed", side_effect=AssertionError("fed")):
            await burst(pilot, ESPRESSO + "\r" + ESPRESSO, every_ms=2)
            await type_text(pilot, "2*")
            await burst(pilot, demo_barcode(2))
        assert [(line.name, line.quantity) for line in sale.cart.lines] == [
            ("Café expresso", 2000),
            ("Café crème", 2000),
        ]
        assert command(pilot) == ""


async def test_a_pin_typed_in_one_burst_logs_in(app: TillApp) -> None:
    # The login screen takes no scans: keys there are typed, however fast.
    async with app.run_test(size=SIZE) as pilot:
        await burst(pilot, CASHIER_PIN)
        assert isinstance(app.screen, OpenShiftScreen)


async def test_wedge_gap_0_turns_it_off(demo: DemoStore) -> None:
    text = demo.config_path.read_text(encoding="utf-8")
    scanner = "[scanner]\nwedge_gap_ms = 0\n"
    if "[scanner]" in text:
        text = text.replace("[scanner]\n", scanner, 1)
    else:
        text += "\n" + scanner
    demo.config_path.write_text(text, encoding="utf-8")
    app = make_app(load_config(demo.config_path))
    try:
        async with app.run_test(size=SIZE) as pilot:
            sale = await open_note(pilot, "")
            await burst(pilot, ESPRESSO)
            assert sale.cart.is_empty
            assert sale.cart.note == ESPRESSO
    finally:
        close_database()


async def test_a_product_scanned_into_the_customer_search_is_said_unknown(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await pilot.press("f2")
        search = app.screen
        assert isinstance(search, CustomerSearch)
        await burst(pilot, ESPRESSO)  # a product, not a card

        assert search.message_text == f"Unknown card: {ESPRESSO}"
        assert app.screen is search, "the search stays open"
        assert field(pilot, "#query").value == "", "the code is not left in the search"
