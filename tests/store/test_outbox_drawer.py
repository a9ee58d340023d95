"""What happens around a sale: e-mailed receipts and where their sending stands (the outbox), and
the cash drawer opened without a sale, only with a manager's approval, recorded and journaled."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import peewee
import pytest

from tests.store.tills import Till, open_till
from till_tui.config import Config
from till_tui.store.db import database
from till_tui.store.drawer import DrawerPermissionError
from till_tui.store.errors import StoreError
from till_tui.store.journal import GENESIS, row_hash
from till_tui.store.services import Services


def sell(till: Till, index: int) -> int:
    """Sell product `index` for cash; the sale's id."""
    return till.complete(till.ring(index)).id


@pytest.fixture
def till(services: Services, config: Config) -> Till:
    return open_till(services, config)


def count(table: str) -> int:
    return int(database.execute_sql(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def recent(moment: datetime) -> bool:
    """`moment` is an aware time within the last minute."""
    return moment.tzinfo is not None and timedelta(0) <= datetime.now(UTC) - moment < timedelta(
        minutes=1
    )


# --- the outbox -----------------------------------------------------------------------------------


def test_a_queued_receipt_is_pending_until_sent(till: Till) -> None:
    sale_id = sell(till, 1)
    outbox = till.services.outbox
    email_id = outbox.queue(sale_id, "helene.dupont@example.fr", till.cashier.id)
    queued = outbox.get(email_id)
    assert (queued.id, queued.sale_id, queued.address) == (
        email_id, sale_id, "helene.dupont@example.fr",
    )  # fmt: skip
    assert (queued.status, queued.attempts, queued.last_error, queued.sent_at) == (
        "pending", 0, "", None,
    )  # fmt: skip
    assert recent(queued.created_at)
    staff_id = database.execute_sql(
        "SELECT staff_id FROM receipt_email WHERE id = ?", (email_id,)
    ).fetchone()[0]
    assert staff_id == till.cashier.id


def test_failures_are_counted_with_the_last_reason_then_sent(till: Till) -> None:
    sale_id = sell(till, 1)
    outbox = till.services.outbox
    email_id = outbox.queue(sale_id, "compta@hotel-parc.example", None)

    outbox.failed(email_id, "Connection refused")
    first = outbox.get(email_id)
    assert (first.status, first.attempts, first.last_error, first.sent_at) == (
        "failed", 1, "Connection refused", None,
    )  # fmt: skip
    outbox.failed(email_id, "550 mailbox unavailable")
    second = outbox.get(email_id)
    assert (second.status, second.attempts, second.last_error) == (
        "failed", 2, "550 mailbox unavailable",
    )  # fmt: skip

    outbox.sent(email_id)
    sent = outbox.get(email_id)
    assert (sent.status, sent.attempts, sent.last_error) == ("sent", 3, "")
    assert sent.sent_at is not None and recent(sent.sent_at)
    assert sent.sent_at >= sent.created_at
    assert (sent.created_at, sent.address) == (first.created_at, first.address)


def test_for_sale_lists_a_sales_emails_oldest_first(till: Till) -> None:
    first_sale, second_sale = sell(till, 1), sell(till, 39)
    outbox = till.services.outbox
    a = outbox.queue(first_sale, "a@example.fr", till.cashier.id)
    b = outbox.queue(second_sale, "b@example.fr", till.cashier.id)
    c = outbox.queue(first_sale, "c@example.fr", till.manager.id)
    outbox.sent(a)
    outbox.failed(c, "timeout")
    listed = outbox.for_sale(first_sale)
    assert [(e.id, e.address, e.status, e.attempts) for e in listed] == [
        (a, "a@example.fr", "sent", 1),
        (c, "c@example.fr", "failed", 1),
    ]
    assert [e.id for e in outbox.for_sale(second_sale)] == [b]
    assert outbox.for_sale(second_sale)[0].status == "pending"
    assert outbox.for_sale(999) == []
    assert listed[0] == outbox.get(a)


@pytest.mark.parametrize("address", ["nope", "@example.fr", "helene@", ""])
def test_an_address_without_a_mailbox_and_a_domain_is_refused(till: Till, address: str) -> None:
    sale_id = sell(till, 1)
    with pytest.raises(StoreError, match="CHECK constraint failed"):
        till.services.outbox.queue(sale_id, address, till.cashier.id)
    assert count("receipt_email") == 0
    assert till.services.outbox.for_sale(sale_id) == []


def test_an_email_for_no_sale_is_refused(till: Till) -> None:
    with pytest.raises(StoreError, match="FOREIGN KEY"):
        till.services.outbox.queue(999, "a@example.fr", till.cashier.id)
    assert count("receipt_email") == 0


# --- the drawer -----------------------------------------------------------------------------------


def test_a_cashier_cannot_approve_opening_the_drawer(till: Till) -> None:
    journal_rows = count("journal")
    with pytest.raises(DrawerPermissionError, match="Only a manager"):
        till.services.drawer.no_sale(till.cashier, approved_by=till.cashier, shift_id=till.shift_id)
    assert count("drawer_opening") == 0
    assert count("journal") == journal_rows
    assert till.services.drawer.openings(till.shift_id) == 0


def test_a_manager_approved_no_sale_is_recorded_and_journaled(till: Till) -> None:
    drawer = till.services.drawer
    opening = drawer.no_sale(
        till.cashier, approved_by=till.manager, shift_id=till.shift_id, reason="change for 50 €"
    )
    row = database.execute_sql(
        "SELECT id, register, shift_id, staff_id, approved_by, reason, created_at"
        " FROM drawer_opening"
    ).fetchone()
    assert tuple(row[:6]) == (
        opening, "R1", till.shift_id, till.cashier.id, till.manager.id, "change for 50 €",
    )  # fmt: skip
    assert recent(datetime.fromisoformat(row[6]))
    staff_id, kind, payload = database.execute_sql(
        "SELECT staff_id, kind, payload FROM journal ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    assert (staff_id, kind) == (till.cashier.id, "drawer_open")
    assert json.loads(payload) == {
        "opening": opening, "approved_by": till.manager.id, "reason": "change for 50 €",
    }  # fmt: skip

    # A manager may approve their own request; no shift open is recorded as such.
    own = drawer.no_sale(till.manager, approved_by=till.manager, shift_id=None)
    assert own != opening
    assert database.execute_sql(
        "SELECT staff_id, approved_by, shift_id, reason FROM drawer_opening WHERE id = ?", (own,)
    ).fetchone() == (till.manager.id, till.manager.id, None, "")
    assert drawer.openings(till.shift_id) == 1

    previous = GENESIS
    for register, seq, stamp, staff, kind, payload, prev_hash, digest in database.execute_sql(
        "SELECT register, seq, created_at, staff_id, kind, payload, prev_hash, hash"
        " FROM journal WHERE register = 'R1' ORDER BY seq"
    ):
        assert prev_hash == previous
        assert digest == row_hash(prev_hash, register, seq, stamp, staff, kind, payload)
        previous = digest


def test_openings_are_counted_per_shift(till: Till) -> None:
    drawer = till.services.drawer
    for _ in range(3):
        drawer.no_sale(till.cashier, approved_by=till.manager, shift_id=till.shift_id)
    r2 = Services("R2")
    r2_shift = r2.shifts.open(till.manager, 0).id
    r2.drawer.no_sale(till.manager, approved_by=till.manager, shift_id=r2_shift)
    assert drawer.openings(till.shift_id) == 3
    assert r2.drawer.openings(r2_shift) == 1
    assert drawer.openings(999) == 0
    registers = database.execute_sql(
        "SELECT register, COUNT(*) FROM drawer_opening GROUP BY register ORDER BY register"
    ).fetchall()
    assert [tuple(r) for r in registers] == [("R1", 3), ("R2", 1)]


def test_drawer_openings_cannot_be_changed_or_removed(till: Till) -> None:
    opening = till.services.drawer.no_sale(
        till.cashier, approved_by=till.manager, shift_id=till.shift_id, reason="float"
    )
    with pytest.raises(peewee.IntegrityError, match="immutable"):
        database.execute_sql("UPDATE drawer_opening SET approved_by = ?", (till.cashier.id,))
    with pytest.raises(peewee.IntegrityError, match="immutable"):
        database.execute_sql("DELETE FROM drawer_opening WHERE id = ?", (opening,))
    with pytest.raises(peewee.IntegrityError, match="immutable"):
        database.execute_sql("INSERT OR REPLACE INTO drawer_opening SELECT * FROM drawer_opening")
    assert database.execute_sql(
        "SELECT staff_id, approved_by, reason FROM drawer_opening"
    ).fetchall() == [(till.cashier.id, till.manager.id, "float")]
    assert till.services.drawer.openings(till.shift_id) == 1
