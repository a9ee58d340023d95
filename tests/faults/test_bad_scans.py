"""Codes no barcode holds, on every way a scan reaches the till: control characters, 200
characters, nothing at all. Each is refused cleanly: nothing added, no customer attached,
nothing typed into a field, a short message that says why, and the next good scan works.

Already covered elsewhere: the evdev decoder's own refusals (tests/unit/test_scan_decoder.py)
and control keys breaking a typed burst (tests/unit/test_wedge.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from tests.fake_evdev import Devices, Hardware, eventually, key_events
from tests.ui.helpers import (
    SIZE,
    cart,
    command,
    message,
    settle,
    showing,
    start_selling,
    static_text,
)
from tests.ui.test_wedge import burst, open_note
from till_tui.app import TillApp, make_app
from till_tui.config import Config
from till_tui.demo import demo_barcode
from till_tui.i18n import set_locale
from till_tui.scan_message import Scanned
from till_tui.screens.customer_search import CustomerSearch
from till_tui.screens.note import NoteDialog
from till_tui.screens.payment import PaymentScreen
from till_tui.screens.sale import SaleScreen
from till_tui.store.db import close_database

ESPRESSO = demo_barcode(1)
SOURCE = "/dev/input/by-id/usb-Honeywell_Barcode_Scanner-event-kbd"
LONG = "4" * 200
BAD_CODES = {
    "empty": "",
    "blank": "   ",
    "bell": "376\x070123",
    "escape sequence": "\x1b[2J3760123",
    "newline": "3760\n123",
    "200 characters": LONG,
}


def said_no(pilot: Pilot[Any]) -> str:
    """The refusal on the screen: one short line (or nothing, for an empty code)."""
    text = message(pilot)
    assert len(text) <= 80, text
    assert text.isprintable()
    return text


def names(sale: SaleScreen) -> list[str]:
    return [line.name for line in sale.cart.lines]


async def scanned(pilot: Pilot[Any], code: str) -> None:
    pilot.app.post_message(Scanned(code, SOURCE))
    await settle(pilot)


@pytest.mark.parametrize("name", BAD_CODES)
async def test_a_bad_code_scanned_on_the_sale_screen_is_refused(app: TillApp, name: str) -> None:
    async with app.run_test(size=SIZE) as pilot:
        sale = await start_selling(pilot)
        before = message(pilot)
        await scanned(pilot, BAD_CODES[name])
        assert cart(pilot).lines == () and cart(pilot).customer_id is None
        text = said_no(pilot)
        if name in ("empty", "blank"):
            assert text == before, "nothing was read: nothing to say"
        elif name == "200 characters":
            assert text == "Code refused: longer than 64 characters."
        else:
            assert text == "Code refused: it holds a control character."
        assert sale.scanned(BAD_CODES[name]) is False
        await scanned(pilot, ESPRESSO)
        assert [line.name for line in cart(pilot).lines] == ["Café expresso"]


@pytest.mark.parametrize("name", ["bell", "escape sequence", "200 characters"])
async def test_a_bad_code_on_the_command_line_is_refused(app: TillApp, name: str) -> None:
    """A code pasted into the command line (a terminal paste may carry control characters)."""
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        pilot.app.screen.query_one("#command", Input).value = BAD_CODES[name]
        await pilot.press("enter")
        await settle(pilot)
        assert cart(pilot).lines == ()
        assert said_no(pilot).startswith("Code refused: ")
        assert command(pilot) == ""


@pytest.mark.parametrize("name", ["bell", "200 characters"])
async def test_a_bad_code_scanned_on_the_payment_and_customer_screens(
    app: TillApp, name: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scanned(pilot, ESPRESSO)
        await pilot.press("f10")
        payment = app.screen
        assert isinstance(payment, PaymentScreen)
        await scanned(pilot, BAD_CODES[name])
        assert payment.customer is None
        assert static_text(payment.query_one("#prompt", Static)).startswith("Code refused: ")
        await pilot.press("escape", "f2")
        await settle(pilot)
        assert showing(app, CustomerSearch)
        await scanned(pilot, BAD_CODES[name])
        assert showing(app, CustomerSearch), "no customer picked"
        notes = [note.message for note in app._notifications]  # it has no message line
        assert notes and notes[-1].startswith("Code refused: ")


async def test_a_200_character_burst_typed_by_a_scanner_is_refused(app: TillApp) -> None:
    """A keyboard-wedge scanner reading a long QR code into the note: not typed, refused."""
    async with app.run_test(size=SIZE) as pilot:
        sale = await open_note(pilot, "Sans sucre")
        await burst(pilot, LONG)
        assert isinstance(app.screen, NoteDialog)
        assert app.screen.query_one("#note", Input).value == "Sans sucre"
        assert names(sale) == []
        assert sale.message_text == "Code refused: longer than 64 characters."
        await burst(pilot, ESPRESSO)
        assert names(sale) == ["Café expresso"]


@pytest.fixture
def scanner_app(config: Config) -> Iterator[tuple[TillApp, Devices]]:
    devices = Devices()
    till = make_app(replace(config, scanner=replace(config.scanner, devices=(SOURCE,))))
    set_locale("en_US")
    till.scanner_opener = devices
    yield till, devices
    close_database()


async def test_bad_codes_read_over_evdev_are_dropped_and_the_next_scan_works(
    scanner_app: tuple[TillApp, Devices],
) -> None:
    app, devices = scanner_app
    scanner = devices.plug(SOURCE, Hardware())
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await eventually(lambda: scanner.grabs == 1, what="the scanner grabbed")
        scanner.type(LONG)  # 200 characters
        ctrl_j = key_events("KEY_LEFTCTRL", 1) + key_events("KEY_J", 1) + key_events("KEY_J", 0)
        scanner.send([*ctrl_j, *key_events("KEY_LEFTCTRL", 0), *key_events("KEY_1", 1)])
        scanner.send(key_events("KEY_ENTER", 1) + key_events("KEY_ENTER", 0))
        scanner.send(key_events("KEY_ENTER", 1) + key_events("KEY_ENTER", 0))  # empty
        scanner.type(ESPRESSO)
        await eventually(lambda: cart(pilot).lines, what="the good scan after the bad ones")
        await settle(pilot)
        assert [line.name for line in cart(pilot).lines] == ["Café expresso"]
        assert command(pilot) == "", "nothing was typed"
