"""The function keys of the sale screen: find, discount, note, park, help."""

from __future__ import annotations

from textual.widgets import Input, OptionList, Static

from tests.conftest import MANAGER_PIN
from tests.ui.helpers import (
    SIZE,
    BellCounter,
    cart,
    cart_rows,
    enter,
    message,
    scan,
    screen_text,
    settle,
    showing,
    start_selling,
    static_text,
    total_shown,
    type_text,
)
from till_tui.app import TillApp
from till_tui.demo import demo_barcode
from till_tui.domain.cart import Adjustment, Cart
from till_tui.domain.product import Product
from till_tui.screens.adjust import AdjustDialog
from till_tui.screens.help import HelpScreen
from till_tui.screens.parked import ParkDialog
from till_tui.screens.product_search import ProductSearch
from till_tui.screens.sale import SaleScreen

ESPRESSO = demo_barcode(1)  # Café expresso, 1.50 at 10 %
CROISSANT = demo_barcode(13)  # Croissant au beurre, 1.20 at 5.5 %


def product(app: TillApp, code: str) -> Product:
    found = app.services.catalog.find(code)
    assert found is not None
    return found


def expected_cart(app: TillApp, *codes: str) -> Cart:
    """The domain cart the same scans make, built without the UI."""
    expected = Cart()
    for code in codes:
        expected, _index = expected.add(product(app, code))
    return expected


def money(app: TillApp, minor: int) -> str:
    from till_tui.domain.money import format_money

    return format_money(minor, app.config.till.currency, app.config.till.locale)


def summary(app: TillApp) -> str:
    return static_text(app.screen.query_one("#totals #summary", Static))


async def test_f3_finds_a_product_by_part_of_its_name(app: TillApp) -> None:
    bells = BellCounter(app)
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)

        await pilot.press("f3")
        search = app.screen
        assert isinstance(search, ProductSearch)
        await enter(pilot, "zzz")
        assert showing(app, ProductSearch), "nothing found: Enter adds nothing"
        assert bells.count == 1

        await pilot.press("backspace", "backspace", "backspace")
        await type_text(pilot, "creme")  # no accent typed: "Crème brûlée" still matches
        await settle(pilot)

        names = [product.name for product in search.results]
        assert "Crème brûlée" in names
        assert "Crème brûlée" in screen_text(pilot)
        for _step in range(names.index("Crème brûlée")):
            await pilot.press("down")
        await enter(pilot)

        assert showing(app, SaleScreen)
        assert cart_rows(pilot) == [("Crème brûlée", "1", "4.50", "4.50")]
        assert app.screen.query_one("#command", Input).has_focus, "back to scanning"

        await pilot.press("f3")
        await type_text(pilot, "croissant")
        await pilot.press("escape")
        assert showing(app, SaleScreen)
        assert len(cart(pilot).lines) == 1, "Escape adds nothing"


async def test_f4_discounts_the_selected_line(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scan(pilot, ESPRESSO)
        await scan(pilot, CROISSANT)
        await pilot.press("up")  # select the espresso

        await pilot.press("f4")
        assert showing(app, AdjustDialog)
        assert "Selected line: Café expresso" in screen_text(pilot)
        await enter(pilot, "10%")

        expected = expected_cart(app, ESPRESSO, CROISSANT).with_line_adjustment(
            0, Adjustment("percent", 1000)
        )
        assert cart(pilot) == expected
        assert expected.totals().total == 255  # 1.50 - 0.15 + 1.20
        assert total_shown(pilot) == money(app, expected.totals().total)
        name, _qty, _unit, line_total = cart_rows(pilot)[0]
        assert name.startswith("Café expresso") and "-10%" in name
        assert line_total == "1.35"


async def test_f4_on_the_whole_sale_gives_a_basket_discount_or_an_extra_charge(
    app: TillApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot, MANAGER_PIN)  # 2.00 off is more than a cashier's 10 %
        await scan(pilot, ESPRESSO)
        await scan(pilot, "2*" + CROISSANT)
        plain = expected_cart(app, ESPRESSO, CROISSANT, CROISSANT)

        await pilot.press("f4", "down")
        await enter(pilot, "2")

        discounted = plain.with_basket_adjustment(Adjustment("amount", 200))
        assert cart(pilot) == discounted
        assert total_shown(pilot) == money(app, discounted.totals().total) == "€1.90"
        assert "Basket discount -€2.00" in summary(app)
        assert [line.adjustment for line in cart(pilot).lines] == [None, None]

        await pilot.press("f4", "down")
        await enter(pilot, "+5%")

        charged = plain.with_basket_adjustment(Adjustment("percent", 500, surcharge=True))
        assert cart(pilot) == charged
        assert charged.totals().total == 410  # 3.90 + 0.195 rounded half up
        assert total_shown(pilot) == money(app, charged.totals().total)
        assert "Extra charge €0.20" in summary(app)


async def test_removing_a_line_never_makes_the_sale_free_unnoticed(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot, MANAGER_PIN)  # 2.00 off is more than a cashier's 10 %
        await scan(pilot, ESPRESSO)
        await scan(pilot, CROISSANT)
        await pilot.press("f4", "down")
        await enter(pilot, "2")  # 2.00 off a 2.70 sale: accepted
        assert total_shown(pilot) == "€0.70"

        await pilot.press("up", "delete")  # the espresso goes back: 1.20 left, 2.00 off

        refused = len(cart(pilot).lines) == 2
        told = "discount" in message(pilot).lower()
        assert refused or told or cart(pilot).totals().total > 0, (
            f"the sale became {total_shown(pilot)} with the message {message(pilot)!r}"
        )


async def test_f4_refuses_a_value_that_is_not_an_amount(app: TillApp) -> None:
    bells = BellCounter(app)
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scan(pilot, ESPRESSO)

        await pilot.press("f4")
        await enter(pilot, "abc")

        dialog = app.screen
        assert isinstance(dialog, AdjustDialog), "the dialog stays open to correct the value"
        assert "abc" in static_text(dialog.query_one("#adjust-message", Static))
        assert bells.count == 1

        await pilot.press("escape")
        assert showing(app, SaleScreen)
        assert cart(pilot) == expected_cart(app, ESPRESSO), "Escape changes nothing"


async def test_f5_puts_a_note_on_the_sale(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scan(pilot, ESPRESSO)

        await pilot.press("f5")
        await enter(pilot, "Table 4")

        assert showing(app, SaleScreen)
        assert cart(pilot).note == "Table 4"
        assert "Note: Table 4" in summary(app)
        assert app.services.drafts.load() == cart(pilot)


async def test_f6_parks_the_sale_and_f6_again_resumes_it(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await pilot.press("f6")
        assert showing(app, SaleScreen)
        assert "No parked sale" in message(pilot), "nothing to park or resume yet"

        await scan(pilot, ESPRESSO)
        await scan(pilot, CROISSANT)
        before = cart(pilot)

        await pilot.press("f6")
        assert showing(app, ParkDialog)
        await enter(pilot)

        assert cart(pilot).is_empty
        assert cart_rows(pilot) == []
        assert total_shown(pilot) == "€0.00"
        assert "parked" in message(pilot)
        assert app.services.drafts.load() is None

        await pilot.press("f6")
        dialog = app.screen
        assert isinstance(dialog, ParkDialog)
        assert dialog.query_one("#parked", OptionList).option_count == 1
        assert "2 items  €2.70" in screen_text(pilot)
        await enter(pilot)

        assert cart(pilot) == before
        assert [row[0] for row in cart_rows(pilot)] == ["Café expresso", "Croissant au beurre"]
        assert total_shown(pilot) == "€2.70"
        assert "resumed" in message(pilot)
        assert app.services.drafts.parked() == []


def shows_key(text: str, key: str, label: str) -> bool:
    return any(key in line and label in line for line in text.splitlines())


async def test_f1_lists_the_keys_and_escape_closes_it(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await start_selling(pilot)
        await scan(pilot, ESPRESSO)
        await pilot.press("ctrl+c")
        assert "Lock the till first" in message(pilot), (
            "Ctrl+C is the till's quit key, it copies nothing"
        )

        await pilot.press("f1")
        assert showing(app, HelpScreen)
        text = screen_text(pilot)
        assert "Type 3* before a code" in text, "what the screen is for comes first"
        for key, label in (("F3", "Find"), ("F4", "Discount"), ("F5", "Note"), ("F10", "Pay")):
            assert shows_key(text, key, label), f"{key} {label} missing from the help:\n{text}"
        assert "Escape to close" in text
        assert "Copy selected text" not in text, "Ctrl+C does not copy on the till"
        assert "Focus Next" not in text

        await pilot.press("end")  # 80x24: the rest scrolls up
        text = screen_text(pilot)
        assert shows_key(text, "+", "Quantity +1") and shows_key(text, "-", "Quantity -1")
        assert shows_key(text, "Del", "Remove line")
        assert "Escape to close" in text

        await pilot.press("escape")
        assert showing(app, SaleScreen)
        assert cart(pilot) == expected_cart(app, ESPRESSO), "the help changed nothing"
