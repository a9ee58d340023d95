"""What a cashier's hands do, as Pilot key presses: log in, open the shift, scan, pay.

Every helper presses the real keys of the keyboard contract and waits for the till's thread
workers (PIN check, product search, printing) before handing back, so a test reads the screen
the cashier would see next.
"""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from rich.text import Text
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Digits, Input, Static

from tests.conftest import CASHIER_PIN
from till_tui.app import TillApp
from till_tui.domain.cart import Cart
from till_tui.screens.open_shift import OpenShiftScreen
from till_tui.screens.sale import SaleScreen
from till_tui.widgets.cart_table import CartTable

SIZE = (80, 24)
"""The smallest terminal the till promises to work in."""


async def settle(pilot: Pilot[Any]) -> None:
    """Let thread workers finish and their results reach the screen.

    Loops because a worker's result can start another worker (the payment screen's result
    starts the receipt printing).
    """
    await pilot.pause()
    while any(not worker.is_finished for worker in pilot.app.workers):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def type_text(pilot: Pilot[Any], text: str) -> None:
    """Type `text` one key at a time, like a keyboard (or a barcode scanner) does."""
    if text:
        await pilot.press(*text)


async def enter(pilot: Pilot[Any], text: str = "") -> None:
    """Type `text`, press Enter and wait for what it starts."""
    await type_text(pilot, text)
    await pilot.press("enter")
    await settle(pilot)


async def login(pilot: Pilot[Any], pin: str = CASHIER_PIN) -> None:
    """Type the PIN on the login screen and Enter; the PIN is checked in a thread worker."""
    await enter(pilot, pin)


async def open_shift(pilot: Pilot[Any], amount: str = "150") -> None:
    """Type the opening float on the shift screen and Enter."""
    await enter(pilot, amount)


async def start_selling(pilot: Pilot[Any], pin: str = CASHIER_PIN) -> SaleScreen:
    """Log in and, if the register has no open shift, open one: the sale screen is up."""
    await login(pilot, pin)
    if isinstance(pilot.app.screen, OpenShiftScreen):
        await open_shift(pilot)
    return sale_screen(pilot)


async def scan(pilot: Pilot[Any], code: str) -> None:
    """A scan: the code's characters then Enter, into the sale screen's command line."""
    await pilot.press(*code, "enter")
    await pilot.pause()


def showing(app: App[Any], kind: type[Screen[Any]]) -> bool:
    """Is `kind` the screen (or dialog) in front of the cashier?"""
    return isinstance(app.screen, kind)


def sale_screen(pilot: Pilot[Any]) -> SaleScreen:
    screen = pilot.app.screen
    assert isinstance(screen, SaleScreen), f"expected the sale screen, got {screen!r}"
    return screen


def cart(pilot: Pilot[Any]) -> Cart:
    return sale_screen(pilot).cart


def static_text(widget: Static) -> str:
    """The plain text a Static shows."""
    content = widget.render()
    if isinstance(content, Text):
        return content.plain
    return str(content)


NOT_PRINTED = "Receipt not printed (the sale is saved; Ctrl+P prints it again): "
"""How the message line starts when a receipt did not print."""


def message(pilot: Pilot[Any]) -> str:
    """The current screen's message line."""
    return static_text(pilot.app.screen.query_one("#message", Static))


def command(pilot: Pilot[Any]) -> str:
    """What is typed in the sale screen's command line."""
    return pilot.app.screen.query_one("#command", Input).value


def big_amount(pilot: Pilot[Any], selector: str) -> str:
    """The amount a large-digits widget (the total, the change) shows."""
    widget = pilot.app.screen.query_one(selector)
    digits = widget if isinstance(widget, Digits) else widget.query_one(Digits)
    return digits.value


def total_shown(pilot: Pilot[Any]) -> str:
    """The total in large digits at the bottom of the sale screen."""
    return big_amount(pilot, "#totals #total")


def cart_rows(pilot: Pilot[Any]) -> list[tuple[str, str, str, str]]:
    """The cart table as the cashier reads it: (item, qty, price, total) per row."""
    table = pilot.app.screen.query_one("#cart", CartTable)
    rows = []
    for index in range(table.row_count):
        cells = table.get_row_at(index)
        name, qty, unit, total = (cell.plain for cell in cells)
        rows.append((name, qty, unit, total))
    return rows


def screen_text(pilot: Pilot[Any]) -> str:
    """Everything on the terminal right now, as plain text (a dialog over its screen).

    Rendered the way `App.export_screenshot` renders its SVG, but kept as text to search.
    """
    app = pilot.app
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        record=True,
        file=io.StringIO(),
        color_system=None,
        legacy_windows=False,
    )
    screen_render = app.screen._compositor.render_update(full=True)
    console.print(screen_render)
    return console.export_text()


class BellCounter:
    """Counts the bells the app rings (wraps this app instance's `bell`)."""

    def __init__(self, app: TillApp) -> None:
        self.count = 0
        original = app.bell

        def bell() -> None:
            self.count += 1
            original()

        app.bell = bell  # type: ignore[method-assign]
