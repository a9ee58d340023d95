"""The sales history's filters on the real till (demo store, 80x24): typing narrows the list
as you go (the search runs in a thread worker 150 ms after the last key), Enter opens a sale,
a bad date is said in the message line and its field is marked, F4 clears, Escape goes back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from tests.ui.helpers import (
    SIZE,
    enter,
    message,
    screen_text,
    settle,
    showing,
    start_selling,
    static_text,
    type_text,
)
from till_tui.app import TillApp
from till_tui.demo import demo_barcode
from till_tui.domain.cart import Cart
from till_tui.domain.tender import Tender, make_tender
from till_tui.screens.history import HistoryScreen, SaleDetail
from till_tui.screens.sale import SaleScreen
from till_tui.store.models import Sale
from till_tui.store.services import Services

EXPRESSO, CROISSANT, MENU = 1, 13, 12
HELENE, HOTEL = "2900000000018", "2900000000032"
OLD = "2024-01-15 12:30"
"""A sale long ago (local time), in the same shift."""


@contextmanager
def stamped(when: datetime | None) -> Iterator[None]:
    """Sales completed inside are stamped `when` (None: now)."""
    if when is None:
        yield
        return
    original = Sale.create
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            Sale, "create", classmethod(lambda cls, **row: original(created_at=when, **row))
        )
        yield


def sell(
    app: TillApp,
    *indexes: int,
    method: str = "cash",
    customer: str = "",
    when: str = "",
    services: Services | None = None,
    last4: str = "",
    reference: str = "",
) -> int:
    """Complete a sale the way the payment screen does, as the logged-in cashier."""
    session = app.session
    assert session is not None
    services = services or app.services
    cart = Cart()
    for index in indexes:
        product = services.catalog.find(demo_barcode(index))
        assert product is not None
        cart, _line = cart.add(product)
    if customer:
        found = services.customers.find_by_card(customer)
        assert found is not None
        cart = cart.with_customer(found.id)
    chosen = next(m for m in app.config.payment_methods if m.code == method)
    total = cart.totals().total
    tender: Tender = make_tender(
        method=chosen.code, kind=chosen.kind, label=chosen.label, typed=total, due=total,
        external_id=chosen.external_id, due_days=chosen.credit_days, last4=last4,
        reference=reference,
    )  # fmt: skip
    shift_id = session.shift.id
    if services is not app.services:
        shift = services.shifts.current() or services.shifts.open(session.cashier, 0)
        shift_id = shift.id
    with stamped(datetime.fromisoformat(when).astimezone() if when else None):
        sale = services.sales.complete(cart, (tender,), staff=session.cashier, shift_id=shift_id)
    return sale.number


def history(app: TillApp) -> HistoryScreen:
    screen = app.screen
    assert isinstance(screen, HistoryScreen), f"expected the history, got {screen!r}"
    return screen


def numbers(app: TillApp) -> list[str]:
    """The N° column, top to bottom."""
    table = history(app).query_one("#sales", DataTable)
    return [table.get_row_at(row)[0].plain for row in range(table.row_count)]


def rows(app: TillApp) -> list[list[str]]:
    table = history(app).query_one("#sales", DataTable)
    return [
        [cell if isinstance(cell, str) else cell.plain for cell in table.get_row_at(row)]
        for row in range(table.row_count)
    ]


def field(app: TillApp, name: str) -> Input:
    return history(app).query_one(f"#filter-{name}", Input)


def header(app: TillApp) -> str:
    return static_text(history(app).query_one("#history-header", Static))


async def typed(pilot: Pilot[Any], text: str) -> None:
    """Type into the focused filter, then wait past the debounce and for the search."""
    await type_text(pilot, text)
    await pilot.pause(0.3)
    await settle(pilot)


async def erase(pilot: Pilot[Any], count: int) -> None:
    await pilot.press(*["backspace"] * count)
    await pilot.pause(0.3)
    await settle(pilot)


async def open_history(pilot: Pilot[Any]) -> None:
    await pilot.press("f8")
    await settle(pilot)


async def test_filters_narrow_the_list_as_you_type_and_enter_opens_the_sale(
    app: TillApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        old = sell(app, CROISSANT, when=OLD)
        espresso = sell(app, EXPRESSO)
        helene = sell(app, CROISSANT, EXPRESSO, method="card", customer=HELENE, last4="4242")
        hotel = sell(app, MENU, method="room", customer=HOTEL, reference="204")

        await open_history(pilot)
        assert numbers(app) == [str(hotel), str(helene), str(espresso), str(old)]
        assert header(app) == "Sales history · shift 1"
        top = rows(app)[0]
        assert top[2:] == ["Camille", "Hôtel du Parc", "Room", "€14.90"]
        assert rows(app)[-1][1].endswith("12:30") and "/" in rows(app)[-1][1], "an old date"

        await pilot.press("f3")
        assert field(app, "find").has_focus
        await pilot.press("tab")
        assert field(app, "item").has_focus
        await typed(pilot, "croiss")
        assert numbers(app) == [str(helene), str(old)]
        assert header(app) == "Sales history · search: croiss"
        assert message(pilot) == "2 sales found."

        await pilot.press("tab")
        await typed(pilot, "hel")  # the customer: Hélène Dupont
        assert numbers(app) == [str(helene)]
        assert header(app) == "Sales history · search: croiss, hel"
        await erase(pilot, 3)
        await pilot.press(*["tab"] * 5)  # From, To, Hours, Cashier, Payment
        assert field(app, "method").has_focus
        await typed(pilot, "1")  # the method's key on the payment screen: 1 Cash
        assert numbers(app) == [str(old)]

        # Enter applies the filters and goes to the list; Enter opens the sale.
        await enter(pilot)
        assert history(app).query_one("#sales", DataTable).has_focus
        await enter(pilot)
        assert showing(app, SaleDetail)
        receipt = static_text(app.screen.query_one("#receipt", Static))
        assert f"Sale N° {old}" in receipt
        assert "Croissant au beurre" in receipt
        await pilot.press("escape")
        await settle(pilot)
        assert numbers(app) == [str(old)], "the filters are kept"

        # F4 clears the filters: the shift's sales again.
        await pilot.press("f4")
        await settle(pilot)
        assert numbers(app) == [str(hotel), str(helene), str(espresso), str(old)]
        assert header(app) == "Sales history · shift 1"
        assert field(app, "item").value == ""


async def test_a_bad_date_is_said_and_marked_and_the_list_stays(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        old = sell(app, CROISSANT, when=OLD)
        new = sell(app, EXPRESSO)
        await open_history(pilot)
        await pilot.press("f3", "tab", "tab", "tab")
        assert field(app, "date_from").has_focus
        await typed(pilot, "2/30/2024")
        assert "2/30/2024 is not a date: type it like" in message(pilot)
        assert field(app, "date_from").has_class("-bad")
        assert numbers(app) == [str(new), str(old)], "the list stays as it was"
        assert "Traceback" not in screen_text(pilot)

        await erase(pilot, 9)
        await typed(pilot, "2024-01-15")
        assert not field(app, "date_from").has_class("-bad")
        assert numbers(app) == [str(new), str(old)], "from then on"
        await pilot.press("tab")
        await typed(pilot, "1/15/24")  # en_US: month/day/year
        assert numbers(app) == [str(old)]
        await pilot.press("tab")
        await typed(pilot, "14-18")
        assert numbers(app) == []
        assert message(pilot) == "No sale found for 2024-01-15, 1/15/24, 14-18."
        await erase(pilot, 5)
        await typed(pilot, "25")
        assert message(pilot) == "Hours: type a window like 12-14."
        assert field(app, "hours").has_class("-bad")


async def test_the_find_field_and_escape(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        espresso = sell(app, EXPRESSO)
        card = sell(app, CROISSANT, method="card", last4="4242")
        await open_history(pilot)
        panel = history(app).query_one("#filters")
        assert not panel.has_class("-shown"), "the list has the whole screen at first"

        await pilot.press("f3")
        assert panel.has_class("-shown")
        await enter(pilot, "4242")
        assert numbers(app) == [str(card)]
        assert message(pilot) == "1 sale found."

        # Escape from a field goes to the list (the panel stays while a filter is set)...
        await pilot.press("f3", "escape")
        assert history(app).query_one("#sales", DataTable).has_focus
        assert panel.has_class("-shown")
        # ... and hides the panel once the fields are empty.
        await pilot.press("f3")
        await erase(pilot, 4)
        assert numbers(app) == [str(card), str(espresso)]
        await pilot.press("escape")
        assert not panel.has_class("-shown")
        await pilot.press("escape")
        await settle(pilot)
        assert showing(app, SaleScreen)


async def test_other_registers_on_demand(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        here = sell(app, EXPRESSO, method="card", last4="4242")
        there = sell(app, CROISSANT, method="card", last4="4242", services=Services("R2"))
        await open_history(pilot)
        assert numbers(app) == [str(here)]

        await pilot.press("f3")
        await typed(pilot, "4242")
        assert numbers(app) == [str(here)], "this register by default"
        for _key in range(8):
            await pilot.press("tab")
        assert field(app, "register").has_focus
        await typed(pilot, "*")
        assert numbers(app) == [f"R2·{there}", str(here)]
        await erase(pilot, 1)
        await typed(pilot, "R2")
        assert numbers(app) == [f"R2·{there}"]
