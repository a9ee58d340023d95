"""Another till (or a report) holding the database's write lock: a real second SQLite connection
on the same file. The till waits the busy timeout, then tries BEGIN IMMEDIATE again a few times
(nothing was written yet); a lock that outlasts that becomes a clear StoreError.

The till's busy timeout is set to 0 here so that the tries of BEGIN alone are measured.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.sqlite_faults import counts, draft_payload
from tests.store.tills import Till, open_till
from till_tui.config import Config
from till_tui.store import db
from till_tui.store.db import BEGIN_ATTEMPTS, BEGIN_BACKOFF_S, BUSY_TIMEOUT_MS, database
from till_tui.store.errors import StoreError
from till_tui.store.services import Services

BACKOFFS = sum(BEGIN_BACKOFF_S * 2**n for n in range(BEGIN_ATTEMPTS - 1))
"""How long the tries of BEGIN wait in all, beyond the busy timeout."""


@pytest.fixture
def till(services: Services, config: Config) -> Iterator[Till]:
    till = open_till(services, config)
    database.execute_sql("PRAGMA busy_timeout = 0")
    yield till
    database.execute_sql(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


class OtherWriter:
    """A second connection that takes the write lock and holds it for `seconds`."""

    def __init__(self, path: Path, seconds: float) -> None:
        self.connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.connection.execute("BEGIN IMMEDIATE")
        self.released = threading.Event()
        self.timer = threading.Timer(seconds, self.release)
        self.timer.start()

    def release(self) -> None:
        if not self.released.is_set():
            self.connection.execute("COMMIT")
            self.connection.close()
            self.released.set()


def database_file(config: Config) -> Path:
    return db.sqlite_path(config.store.database, config.base_dir)


def test_a_lock_released_during_the_tries_is_waited_for(till: Till, config: Config) -> None:
    cart = till.ring(1)
    held = BEGIN_BACKOFF_S * 1.5  # past the first pause: the third try gets the lock
    other = OtherWriter(database_file(config), held)
    started = time.monotonic()
    till.services.drafts.save(cart, till.cashier.id)  # one plain write transaction
    waited = time.monotonic() - started
    assert other.released.is_set()
    assert held <= waited < BACKOFFS + 1
    assert till.services.drafts.load() == cart


def test_a_sale_waits_for_the_other_writer(till: Till, config: Config) -> None:
    cart = till.ring(1, 2)
    other = OtherWriter(database_file(config), BEGIN_BACKOFF_S * 1.5)
    sale = till.complete(cart)
    assert other.released.is_set()
    assert till.services.sales.get(sale.id).cart.lines == cart.lines


def test_a_lock_held_past_the_tries_is_a_clear_error(till: Till, config: Config) -> None:
    cart = till.ring(1)
    before, draft = counts(), draft_payload()
    other = OtherWriter(database_file(config), 30)
    try:
        started = time.monotonic()
        with pytest.raises(StoreError) as refused:
            till.services.drafts.save(cart, till.cashier.id)
        waited = time.monotonic() - started
    finally:
        other.timer.cancel()
        other.release()
    assert str(refused.value) == (
        "The database is busy (another till or a report is writing). Try again."
    )
    assert BACKOFFS <= waited < BACKOFFS + 1, "tried again, briefly, then gave up"
    assert counts() == before and draft_payload() == draft
    till.services.drafts.save(cart, till.cashier.id)  # the lock is gone: it goes through
    assert till.services.drafts.load() == cart
