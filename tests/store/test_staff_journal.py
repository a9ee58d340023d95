"""Logins on a real store: each login, wrong PIN, lock and logout journaled on the register's
chain; five wrong PINs in a row lock the login for a minute, across restarts; the settings
the till starts with journaled when they change."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from typing import Any

import pytest

from tests.conftest import CASHIER_PIN, MANAGER_PIN
from till_tui.app import make_app
from till_tui.config import Config
from till_tui.store import journal, staff
from till_tui.store.db import close_database, database
from till_tui.store.services import Services
from till_tui.store.staff import LOCK_AFTER, ApprovalLocked, LoginLocked, StaffDirectory


def events(register: str = "R1") -> list[tuple[str, Any]]:
    rows = database.execute_sql(
        "SELECT kind, payload, staff_id FROM journal WHERE register = ? ORDER BY seq", (register,)
    )
    return [(kind, json.loads(payload)) for kind, payload, _staff in rows]


def test_logins_wrong_pins_and_logouts_are_journaled(services: Services) -> None:
    directory = services.staff
    assert directory.log_in("0000") is None
    member = directory.log_in(CASHIER_PIN)
    assert member is not None and member.name == "Camille"
    directory.log_out(member)
    assert directory.approve("1111") is None
    manager = directory.approve(MANAGER_PIN)
    assert manager is not None and manager.is_manager
    assert events() == [
        ("login_failed", {"in_a_row": 1}),
        ("login", {"staff": "Camille"}),
        ("logout", {"staff": "Camille"}),
        ("pin_failed", {"for": "approval", "in_a_row": 1}),
        ("approval", {"staff": "Patron"}),
    ]
    assert all(check.broken is None for check in map(journal.verify_chain, ["R1"]))


def test_five_wrong_pins_lock_the_login_for_a_minute_even_after_a_restart(
    services: Services, config: Config
) -> None:
    directory = services.staff
    for attempt in range(1, LOCK_AFTER):
        assert directory.log_in("0000") is None, attempt
    with pytest.raises(LoginLocked) as locked:
        directory.log_in("0000")
    assert locked.value.seconds == 60
    assert "locked for 60 s" in str(locked.value)
    with pytest.raises(LoginLocked):  # the right PIN does not help while locked
        directory.log_in(CASHIER_PIN)

    close_database()  # the till restarts: the lock is in the journal
    restarted = StaffDirectory("R1")
    Services.open(config)
    assert 55 <= restarted.locked_for() <= 60
    with pytest.raises(LoginLocked):
        restarted.log_in(CASHIER_PIN)
    assert StaffDirectory("R2").locked_for() == 0, "another register is not locked"
    kinds = [kind for kind, _data in events()]
    assert kinds == ["login_failed"] * LOCK_AFTER + ["login_locked"]


def test_the_lock_ends_and_a_login_starts_the_count_again(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(staff, "LOCK_SECONDS", 1)
    directory = services.staff
    for _attempt in range(LOCK_AFTER - 1):
        directory.log_in("0000")
    with pytest.raises(LoginLocked):
        directory.log_in("0000")
    time.sleep(1.1)
    assert directory.locked_for() == 0
    assert directory.log_in(CASHIER_PIN) is not None
    for _attempt in range(LOCK_AFTER - 1):  # four wrong after a login: not locked yet
        assert directory.log_in("0000") is None
    assert directory.locked_for() == 0


async def start_the_till(config: Config) -> None:
    """Start the till and type a PIN: the settings are journaled as the first PIN is checked
    (before it counts), not before the first screen."""
    app = make_app(config)
    async with app.run_test() as pilot:
        await pilot.pause()
        before = events()
        await pilot.press(*"0000", "enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
    assert "config" not in [kind for kind, _data in before[-1:]], "not before a PIN is typed"
    kinds = [kind for kind, _data in events()[len(before) :]]
    assert kinds in (["config", "login_failed"], ["login_failed"]), kinds
    close_database()
    Services.open(config)  # to read what it wrote


async def test_the_settings_are_journaled_at_start_up_when_they_change(config: Config) -> None:
    await start_the_till(config)
    first = [data for kind, data in events() if kind == "config"]
    assert len(first) == 1
    assert "till.locale" in first[0]["changed"] and "printer.kind" in first[0]["changed"]
    assert first[0]["settings"]["till"]["register"] == "R1"
    assert "password" not in first[0]["settings"]["email"], "no secret in the journal"

    await start_the_till(config)  # the same settings: nothing journaled
    assert len([kind for kind, _data in events() if kind == "config"]) == 1

    changed = replace(config, till=replace(config.till, close_threshold="20.00"))
    await start_the_till(changed)
    last = [data for kind, data in events() if kind == "config"]
    assert len(last) == 2 and last[1]["changed"] == ["till.close_threshold"]
    assert journal.verify_chain("R1").broken is None


def test_five_wrong_pins_at_an_approval_lock_approvals_for_a_minute(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = services.staff
    assert directory.approve(CASHIER_PIN) is None, "a cashier's own PIN approves nothing"
    for attempt in range(2, LOCK_AFTER):
        assert directory.approve("0000") is None, attempt
    with pytest.raises(ApprovalLocked) as locked:
        directory.approve("0000")
    assert "approvals are locked for 60 s" in str(locked.value)
    with pytest.raises(ApprovalLocked):  # the manager's PIN does not help while locked
        directory.approve(MANAGER_PIN)
    assert directory.locked_for() == 0, "the login itself is not locked"
    rows = database.execute_sql(
        "SELECT kind, staff_id, payload FROM journal WHERE register = 'R1' ORDER BY seq"
    ).fetchall()
    assert [kind for kind, _staff, _payload in rows] == ["pin_failed"] * LOCK_AFTER + [
        "approval_locked"
    ]
    cashier_try = rows[0]
    assert cashier_try[1] is not None, "who typed their own PIN is recorded"
    assert json.loads(rows[LOCK_AFTER - 1][2])["in_a_row"] == LOCK_AFTER

    monkeypatch.setattr(staff, "LOCK_SECONDS", 1)  # the lock, as if a minute were 1 s
    time.sleep(1.1)
    manager = directory.approve(MANAGER_PIN)
    assert manager is not None and manager.is_manager
    assert directory.approve("0000") is None, "the count starts again after an approval"
