"""A full disk and a read-only database, met by the store: a sale, a top-up, the draft, a cash
movement and a shift close each end in a StoreError that tells the cashier what to do, with
nothing half-written and the journal chain intact; once the fault is gone, the same work goes
through."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from tests.faults.sqlite_faults import (
    assert_chains_verify,
    counts,
    disk_full,
    draft_payload,
    read_only,
    until_refused,
)
from tests.faults.tmpfs import fill, small_disk
from tests.store.tills import EUR, Till, open_till
from till_tui.config import Config, load_config
from till_tui.demo import demo_store
from till_tui.domain.cart import Cart
from till_tui.store import db
from till_tui.store.db import close_database, database
from till_tui.store.errors import StoreError
from till_tui.store.services import Services

DISK_FULL = "The disk is full: nothing was saved. Free some disk space or call support"
READ_ONLY = "The database cannot be written (read-only): nothing was saved. Check the database file"
FAULTS: dict[str, tuple[Callable[[], AbstractContextManager[None]], str]] = {
    "disk full": (disk_full, DISK_FULL),
    "read-only": (read_only, READ_ONLY),
}


@pytest.fixture
def till(services: Services, config: Config) -> Till:
    return open_till(services, config)


def clear_message(error: StoreError, expected: str) -> None:
    text = str(error)
    assert text.startswith(expected), text
    for technical in ("Traceback", "sqlite", "OperationalError", "rollback"):
        assert technical not in text


@pytest.mark.parametrize("name", FAULTS)
def test_a_sale_is_refused_whole_and_goes_through_after(till: Till, name: str) -> None:
    make_fault, expected = FAULTS[name]
    cart = till.ring(1, 2, 13)

    def ring_up() -> None:  # the sale screen saves the sale in progress as it is rung up
        if draft_payload() is None:
            till.services.drafts.save(cart, till.cashier.id)

    ring_up()
    with make_fault():
        error = until_refused(lambda: till.complete(cart), prepare=ring_up)
        clear_message(error, expected)
        assert draft_payload() is not None, "the sale in progress is still saved"
        assert_chains_verify()
    before = counts()
    sale = till.complete(cart)
    assert counts()["sale"] == before["sale"] + 1
    assert till.services.sales.get(sale.id).cart.lines == cart.lines
    assert draft_payload() is None
    numbers = [s.number for s in reversed(till.services.sales.recent(1000))]
    assert numbers == list(range(1, len(numbers) + 1)), "no number lost to the refused sale"
    assert_chains_verify()


@pytest.mark.parametrize("name", FAULTS)
def test_a_sale_paid_from_the_prepaid_balance_is_refused_whole(till: Till, name: str) -> None:
    make_fault, expected = FAULTS[name]
    customer = till.customer("2900000000018")
    till.top_up(customer, 500 * EUR)
    cart = till.ring(1, 2, customer=customer)
    total = cart.totals().total
    with make_fault():
        error = until_refused(
            lambda: till.complete(cart, till.pay("prepaid", total, total, available=total))
        )
        clear_message(error, expected)
    before = till.balances(customer).prepaid
    till.complete(cart, till.pay("prepaid", total, total, available=total))
    assert till.balances(customer).prepaid == before - total
    assert_chains_verify()


@pytest.mark.parametrize("name", FAULTS)
def test_a_top_up_is_refused_whole(till: Till, name: str) -> None:
    make_fault, expected = FAULTS[name]
    customer = till.customer("2900000000018")
    with make_fault():
        error = until_refused(lambda: till.top_up(customer, 20 * EUR))
        clear_message(error, expected)
        balance = till.balances(customer).prepaid
        assert_chains_verify()
    till.top_up(customer, 20 * EUR)
    assert till.balances(customer).prepaid == balance + 20 * EUR
    assert_chains_verify()


@pytest.mark.parametrize("name", FAULTS)
def test_saving_the_draft_is_refused_and_the_last_one_kept(till: Till, name: str) -> None:
    make_fault, expected = FAULTS[name]
    carts = [Cart()]

    def scan_one_more() -> None:  # a cashier scanning product after product
        cart, _line = carts[-1].add(till.product(len(carts) % 50 + 1), len(carts) * 1000)
        till.services.drafts.save(cart, till.cashier.id)
        carts.append(cart)

    scan_one_more()
    with make_fault():
        error = until_refused(scan_one_more)
        clear_message(error, expected)
        assert till.services.drafts.load() == carts[-1], "the last saved sale is still there"
    scan_one_more()
    assert till.services.drafts.load() == carts[-1]


@pytest.mark.parametrize("name", FAULTS)
def test_closing_the_shift_is_refused_whole(till: Till, name: str) -> None:
    make_fault, expected = FAULTS[name]
    till.complete(till.ring(1, 2))

    def close() -> None:
        till.services.shifts.close(
            till.shift_id, till.cashier, {"cash": 152_80}, methods=till.config.payment_methods,
            threshold=5 * EUR, note="count", approved_by=till.manager,
        )  # fmt: skip

    with make_fault():
        # The day's cash movements fill what room is left; the Z report needs more than one.
        error = until_refused(
            lambda: till.services.shifts.move_cash(till.shift_id, till.cashier, "in", 1, "f")
        )
        clear_message(error, expected)
        before = counts()
        with pytest.raises(StoreError) as refused:
            close()
        clear_message(refused.value, expected)
        assert counts() == before
        assert till.services.shifts.current() is not None, "the shift is still open"
        assert_chains_verify()
    close()
    assert till.services.shifts.current() is None
    assert_chains_verify()


def test_a_database_opened_read_only_refuses_a_sale_clearly(till: Till, config: Config) -> None:
    """The file itself opened read-only (what the till gets on a read-only mount)."""
    cart = till.ring(1)
    path = db.sqlite_path(config.store.database, config.base_dir)
    before = counts()
    with db.read_only(path), pytest.raises(StoreError) as refused:
        till.complete(cart)
    clear_message(refused.value, READ_ONLY)
    assert counts() == before
    till.complete(cart)


def test_a_real_full_file_system(tmp_path: Path) -> None:
    """The store on a tmpfs filled to the last byte: the kernel's ENOSPC, not a setting.
    Skipped where mounting is not permitted (the tests above cover the same paths)."""
    with small_disk(tmp_path / "disk", "2m") as disk:
        try:
            config = load_config(demo_store(disk / "store", locale="en_US").config_path)
            till = open_till(Services.open(config), config)
            customer = till.customer("2900000000018")
            cart = till.ring(1, 2)
            till.complete(cart)
            database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")  # the day's work in place
            filler = fill(disk)
            before = counts()
            for work in (
                lambda: till.complete(cart),
                lambda: till.top_up(customer, 10 * EUR),
                lambda: till.services.drafts.save(cart, till.cashier.id),
            ):
                with pytest.raises(StoreError) as refused:
                    work()
                clear_message(refused.value, DISK_FULL)
                assert counts() == before
            assert_chains_verify()
            filler.unlink()  # space freed: the same sale goes through
            till.complete(cart)
            assert counts()["sale"] == before["sale"] + 1
            assert_chains_verify()
        finally:
            close_database()
