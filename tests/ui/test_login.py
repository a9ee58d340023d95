"""The start of the day: PIN, opening float, the sale screen; logging out and quitting."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from tests.conftest import CASHIER_PIN
from tests.ui.helpers import (
    SIZE,
    login,
    message,
    open_shift,
    sale_screen,
    showing,
    static_text,
)
from till_tui.app import Session, TillApp
from till_tui.screens.login import LoginScreen
from till_tui.screens.open_shift import OpenShiftScreen
from till_tui.screens.sale import SaleScreen
from till_tui.store import staff
from till_tui.store.db import database


def session(app: TillApp) -> Session | None:
    """Who is at the till now (read afresh after each key press)."""
    return app.session


def disabled(field: Input) -> bool:
    """Read afresh after each pause (mypy would otherwise narrow it once)."""
    return field.disabled


def running(app: TillApp) -> bool:
    return app.is_running


async def test_a_wrong_pin_is_refused_and_the_till_waits_for_another(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "4321")

        assert showing(app, LoginScreen)
        assert "Wrong PIN" in message(pilot)
        pin = app.screen.query_one("#pin", Input)
        assert pin.value == "", "the wrong PIN is cleared for the next try"
        assert not pin.disabled and pin.has_focus
        assert session(app) is None


async def test_first_login_of_the_day_opens_the_shift(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, CASHIER_PIN)
        assert showing(app, OpenShiftScreen), "no shift is open yet: ask for the float"

        await open_shift(pilot, "abc")
        assert showing(app, OpenShiftScreen), "a bad float keeps the cashier here"
        assert "abc" in message(pilot)
        assert app.services.shifts.current() is None

        await pilot.press("backspace", "backspace", "backspace")
        await open_shift(pilot, "150")

        screen = sale_screen(pilot)
        assert "Shift 1 opened with €150.00" in message(pilot)
        assert "shift 1" in static_text(screen.query_one("#sale-header", Static))
        assert screen.query_one("#command", Input).has_focus, "ready for the first scan"
        shift = app.services.shifts.current()
        assert shift is not None and shift.opening_float == 15000
        cashier = session(app)
        assert cashier is not None and cashier.cashier.name == "Camille"


async def test_logging_in_again_goes_straight_to_the_sale(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await open_shift(pilot, "150")
        sale_screen(pilot)

        await pilot.press("f12")
        await pilot.pause()
        assert showing(app, LoginScreen)
        assert session(app) is None
        assert app.screen.query_one("#pin", Input).has_focus

        await login(pilot)
        assert showing(app, SaleScreen), "the shift is open: no float asked again"
        current = session(app)
        assert current is not None and current.shift.number == 1


async def test_ctrl_q_never_quits_behind_a_logged_in_cashier(app: TillApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await open_shift(pilot)

        await pilot.press("ctrl+q")
        await pilot.pause()

        assert running(app)
        assert showing(app, SaleScreen)
        assert "Lock the till first" in message(pilot)
        assert "F12" in message(pilot), "the hint names the key that locks the till"

        await pilot.press("ctrl+l")
        await pilot.pause()
        assert showing(app, LoginScreen)

        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not running(app)
    assert app.return_value == 0


async def test_five_wrong_pins_lock_the_login_and_f12_locks_the_till(
    app: TillApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(staff, "LOCK_SECONDS", 1)  # a minute in the till, a second here
    async with app.run_test(size=SIZE) as pilot:
        for _attempt in range(4):
            await login(pilot, "4321")
            assert "Wrong PIN" in message(pilot)
        await login(pilot, "4321")
        assert "Too many wrong PINs: the login is locked for 1 s." in message(pilot)
        pin = app.screen.query_one("#pin", Input)
        assert disabled(pin), "no PIN can be typed while locked"
        await pilot.press(*CASHIER_PIN, "enter")
        await pilot.pause()
        assert showing(app, LoginScreen) and session(app) is None

        await pilot.pause(1.3)  # the lock ends: the PIN field comes back by itself
        assert not disabled(pin) and pin.has_focus
        await login(pilot)
        await open_shift(pilot)
        assert showing(app, SaleScreen)
        await pilot.press("f12")
        await pilot.pause()
        assert showing(app, LoginScreen) and session(app) is None
        rows = database.execute_sql("SELECT kind FROM journal WHERE kind LIKE 'log%' ORDER BY seq")
        kinds = [kind for (kind,) in rows]
    assert kinds == ["login_failed"] * 5 + ["login_locked", "login", "logout"]


async def test_the_lock_message_is_shown_whole_in_french_at_80x24(app: TillApp) -> None:
    from tests.ui.helpers import screen_text
    from till_tui.i18n import set_locale

    set_locale("fr_FR")
    try:
        async with app.run_test(size=SIZE) as pilot:
            for _attempt in range(5):
                await login(pilot, "4321")
            text = " ".join(line.strip(" |│┃") for line in screen_text(pilot).splitlines())
            assert "la connexion est bloquée pendant 60 s." in " ".join(text.split()), text
    finally:
        set_locale("en_US")
