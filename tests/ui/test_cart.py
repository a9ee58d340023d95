"""Ringing up: scans, quantities, line keys, typos, and what the sale screen shows."""

from __future__ import annotations

import re
from decimal import Decimal

from tests.ui.helpers import (
    SIZE,
    BellCounter,
    cart,
    cart_rows,
    command,
    message,
    scan,
    screen_text,
    start_selling,
    total_shown,
    type_text,
)
from till_tui.app import TillApp
from till_tui.demo import CATALOGUE, demo_barcode
from till_tui.widgets.cart_table import CartTable

ESPRESSO = demo_barcode(1)  # Café expresso, 1.50
CROISSANT = demo_barcode(13)  # Croissant au beurre, 1.20


def quantities(app: TillApp) -> list[tuple[str, int]]:
    screen = app.screen
    from till_tui.screens.sale import SaleScreen

    assert isinstance(screen, SaleScreen)
    return [(line.name, line.quantity) for line in screen.cart.lines]


async def test_scans_become_lines_and_repeats_grow_them(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scan(pilot, ESPRESSO)
        await scan(pilot, CROISSANT)

        assert cart_rows(pilot) == [
            ("Café expresso", "1", "1.50", "1.50"),
            ("Croissant au beurre", "1", "1.20", "1.20"),
        ]
        assert command(pilot) == "", "the command line is ready for the next scan"
        assert total_shown(pilot) == "€2.70"
        assert "2 items" in screen_text(pilot)

        await scan(pilot, CROISSANT)
        assert cart_rows(pilot)[1] == ("Croissant au beurre", "2", "1.20", "2.40")
        assert len(cart_rows(pilot)) == 2, "the same product grows its line"

        await scan(pilot, "3*" + ESPRESSO)
        assert cart_rows(pilot) == [
            ("Café expresso", "4", "1.50", "6.00"),
            ("Croissant au beurre", "2", "1.20", "2.40"),
        ]
        assert total_shown(pilot) == "€8.40"
        assert "6 items" in screen_text(pilot)
        assert app.services.drafts.load() == cart(pilot), "every change is saved as the draft"


async def test_up_down_plus_minus_and_delete_work_on_the_selected_line(app: TillApp) -> None:
    bells = BellCounter(app)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_selling(pilot)
        await scan(pilot, ESPRESSO)
        await scan(pilot, CROISSANT)
        assert screen.table.cursor_row == 1, "the line just scanned is selected"

        await pilot.press("up")
        assert screen.table.cursor_row == 0
        await pilot.press("plus")
        await pilot.press("plus")
        assert cart_rows(pilot)[0] == ("Café expresso", "3", "1.50", "4.50")

        await pilot.press("minus")
        assert cart_rows(pilot)[0] == ("Café expresso", "2", "1.50", "3.00")
        assert total_shown(pilot) == "€4.20"

        await pilot.press("down")
        assert screen.table.cursor_row == 1
        await pilot.press("down")
        assert screen.table.cursor_row == 1, "Down stops at the last line"

        await pilot.press("minus")
        assert quantities(app) == [("Café expresso", 2000), ("Croissant au beurre", 1000)]
        assert "Delete" in message(pilot), "quantity 1 cannot go lower: the message says why"
        assert bells.count == 1

        await pilot.press("delete")
        assert quantities(app) == [("Café expresso", 2000)]
        assert cart_rows(pilot) == [("Café expresso", "2", "1.50", "3.00")]
        assert "Removed: Croissant au beurre" in message(pilot)
        assert app.services.drafts.load() == cart(pilot), "every change is saved as the draft"


async def test_typos_at_the_command_line(app: TillApp) -> None:
    bells = BellCounter(app)
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scan(pilot, ESPRESSO)

        await scan(pilot, "4006381333931")  # a product this shop does not sell
        assert "4006381333931" in message(pilot)
        assert bells.count == 1
        assert quantities(app) == [("Café expresso", 1000)]
        assert command(pilot) == "", "the bad code is cleared, ready for a rescan"

        await type_text(pilot, "AB-1+2")  # while typing, + and - are characters
        assert command(pilot) == "AB-1+2"
        assert quantities(app) == [("Café expresso", 1000)]

        await pilot.press("left", "left", "delete")
        assert command(pilot) == "AB-12", "Delete deletes a character while typing"
        assert quantities(app) == [("Café expresso", 1000)]

        await pilot.press("escape")
        assert command(pilot) == ""
        await pilot.press("plus")
        assert quantities(app) == [("Café expresso", 2000)], "empty command line: + is the key"
        assert bells.count == 1


async def test_pay_and_discount_wait_for_a_first_item(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_selling(pilot)

        *_above, first, second = screen_text(pilot).splitlines()
        footer = first + " " + second
        labels = ("F1 Help", "F2 Customer", "F3 Find", "F4 Discount", "F5 Note", "F6 Park")
        for label in (*labels, "F7 Account", "F8 History", "F10 Pay", "F12 Lock", "^O Drawer"):
            assert label in footer, f"{label!r} missing from the 80x24 footer {footer!r}"
        assert "^P" not in footer, "the print queue key shows only while receipts wait"

        assert screen.check_action("pay", ()) is None, "shown dimmed"
        assert screen.check_action("adjust", ()) is None
        await pilot.press("f10")
        await pilot.press("f4")
        assert app.screen is screen, "nothing to pay or discount yet"

        await scan(pilot, ESPRESSO)
        assert screen.check_action("pay", ()) is True
        assert screen.check_action("adjust", ()) is True


async def test_a_long_cart_scrolls_and_every_line_fits_beside_the_scrollbar(app: TillApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await start_selling(pilot)
        for index in range(1, 21):  # more lines than the table shows: the scrollbar appears
            await scan(pilot, demo_barcode(index))
        text = screen_text(pilot)
        prices = {name: price for name, price, _rate in CATALOGUE[:20]}
        shown = {
            name: line for line in text.splitlines() for name in prices if line[1:].startswith(name)
        }
        assert len(shown) >= 10
        for name, row in shown.items():  # lines drawn before the scrollbar came are redrawn
            assert re.findall(r"\d+\.\d\d(?!\d)", row) == [prices[name]] * 2, row  # price, total
        assert CATALOGUE[0][0] not in text  # the first line scrolled out of view

        await pilot.press("up", "up", "plus")  # a line of the scrolled cart changes on screen
        name, price, _rate = CATALOGUE[17]
        row = next(line for line in screen_text(pilot).splitlines() if line[1:].startswith(name))
        assert re.findall(r"\d+\.\d\d(?!\d)", row) == [price, str(2 * Decimal(price))]
        assert row.split()[-3] == "2"

        # Lines removed until the cart fits again: the scrollbar goes, every line shows.
        table = app.screen.query_one(CartTable)
        assert scrollbar_shown(table)
        for _ in range(15):
            await pilot.press("delete")
        await pilot.pause()
        assert not scrollbar_shown(table)
        text = screen_text(pilot)
        left = [line.name for line in cart(pilot).lines]
        assert len(left) == 5
        for name in left:
            row = next(line for line in text.splitlines() if line[1:].startswith(name))
            assert re.findall(r"\d+\.\d\d(?!\d)", row) == [prices[name]] * 2, row


def scrollbar_shown(table: CartTable) -> bool:
    return table.show_vertical_scrollbar


async def test_the_newest_line_shows_after_each_scan_of_a_long_cart(app: TillApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await start_selling(pilot)
        for index in range(1, 26):
            await scan(pilot, demo_barcode(index))
            name = CATALOGUE[index - 1][0]
            rows = [line for line in screen_text(pilot).splitlines() if line[1:].startswith(name)]
            assert len(rows) == 1, f"line {index} ({name}) not on screen:\n" + screen_text(pilot)
