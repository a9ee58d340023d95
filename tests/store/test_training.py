"""Training mode in the store: a manager's switch, journaled and kept across a restart; the
sales made while it is on numbered on their own and kept out of the reports, the grand
total, the exports, the history, the refunds and the customer accounts."""

from __future__ import annotations

import json
from datetime import date

import pytest

from tests.store.tills import EUR, Till, open_till
from till_tui.config import Config
from till_tui.demo import DEMO_CUSTOMERS
from till_tui.domain.receipt import ShopHeader, layout_receipt, receipt_text
from till_tui.domain.sale import CompletedSale, receipt_for
from till_tui.store import exports, journal
from till_tui.store.db import close_database, database
from till_tui.store.history import ALL_REGISTERS, SaleFilter, SaleSummary
from till_tui.store.refunds import RefundError
from till_tui.store.sales import SaleError
from till_tui.store.services import Services
from till_tui.store.training import TrainingPermissionError

JEAN = DEMO_CUSTOMERS[1][1]  # a credit account of 1,000.00


@pytest.fixture
def shop(services: Services, config: Config) -> Till:
    return open_till(services, config)


def training_on(shop: Till) -> None:
    assert shop.services.training.switch(True, staff=shop.cashier, approved_by=shop.manager)


def training_off(shop: Till) -> None:
    assert shop.services.training.switch(False, staff=shop.cashier, approved_by=shop.manager)


def journal_rows(*kinds: str) -> list[tuple[str, int | None, dict[str, object]]]:
    """(kind, staff id, payload) of register R1's journal rows of these kinds, in order."""
    marks = ", ".join("?" for _ in kinds)
    rows = database.execute_sql(
        f"SELECT kind, staff_id, payload FROM journal WHERE register = 'R1' AND kind IN ({marks})"
        " ORDER BY seq",
        kinds,
    )
    return [(kind, staff_id, json.loads(payload)) for kind, staff_id, payload in rows]


def stored_sales() -> list[tuple[object, ...]]:
    """(register, number, training, total) of every stored sale, in the order written."""
    rows = database.execute_sql("SELECT register, number, training, total FROM sale ORDER BY id")
    return [tuple(row) for row in rows]


# --- the switch -----------------------------------------------------------------------------


def test_a_cashier_cannot_switch_training_mode(shop: Till) -> None:
    training = shop.services.training
    with pytest.raises(TrainingPermissionError, match="Only a manager"):
        training.switch(True, staff=shop.cashier, approved_by=shop.cashier)
    assert not training.is_on()
    assert journal_rows("training_on", "training_off") == []

    training_on(shop)
    with pytest.raises(TrainingPermissionError):
        training.switch(False, staff=shop.cashier, approved_by=shop.cashier)
    assert training.is_on(), "a cashier cannot switch it off either"


def test_each_switch_is_journaled_with_the_manager_who_approved_it(shop: Till) -> None:
    training = shop.services.training
    training_on(shop)
    assert training.is_on()
    assert not training.switch(True, staff=shop.manager, approved_by=shop.manager), "already on"
    training_off(shop)
    assert not training.is_on()

    approved = {"approved_by": shop.manager.id}
    assert journal_rows("training_on", "training_off") == [
        ("training_on", shop.cashier.id, approved),
        ("training_off", shop.cashier.id, approved),
    ]
    assert journal.verify_chain("R1").broken is None


def test_training_mode_survives_reopening_the_store(shop: Till, config: Config) -> None:
    training_on(shop)
    shop.complete(shop.ring(1))
    close_database()

    services = Services.open(config)
    assert services.training.is_on()
    assert services.sales.next_number(training=True) == 2
    assert services.sales.next_number() == 1


# --- training sales -------------------------------------------------------------------------


def test_training_sales_have_their_own_numbers_and_the_real_ones_stay_gap_free(
    shop: Till,
) -> None:
    sales = shop.services.sales
    first = shop.complete(shop.ring(1))
    training_on(shop)
    assert sales.next_number(training=True) == 1
    practice = [shop.complete(shop.ring(2)), shop.complete(shop.ring(13, 13))]
    assert [(s.number, s.training, s.register) for s in practice] == [
        (1, True, "R1"),
        (2, True, "R1"),
    ]
    assert sales.next_number() == 2, "the real sequence did not move"
    training_off(shop)
    second = shop.complete(shop.ring(2))

    assert (first.number, first.training, second.number, second.training) == (1, False, 2, False)
    assert stored_sales() == [
        ("R1", 1, 0, first.totals.total),
        ("R1/training", 1, 1, practice[0].totals.total),
        ("R1/training", 2, 1, practice[1].totals.total),
        ("R1", 2, 0, second.totals.total),
    ]
    rows = journal_rows("sale", "training_sale")
    assert [(kind, data["number"]) for kind, _staff, data in rows] == [
        ("sale", 1),
        ("training_sale", 1),
        ("training_sale", 2),
        ("sale", 2),
    ]
    assert rows[1][2].keys() == rows[0][2].keys(), "a training sale is journaled like a sale"
    assert rows[1][2]["total"] == practice[0].totals.total

    read_back = sales.get(practice[0].id)
    assert (read_back.number, read_back.training, read_back.register) == (1, True, "R1")
    assert sales.by_number(1).id == first.id, "number 1 of the register is the real sale"
    assert [s.id for s in sales.recent()] == [second.id, first.id]


def test_training_sales_change_no_report_and_no_grand_total(shop: Till) -> None:
    services, methods = shop.services, shop.config.payment_methods
    real = shop.complete(shop.ring(1, 13))
    before = services.reports.compute(shop.shift_id, methods).to_dict()

    training_on(shop)
    cart = shop.ring(2, 5)
    due = cart.totals().total
    card = shop.pay("card", due, due, last4="4242")
    services.sales.complete(cart, [card], staff=shop.manager, shift_id=shop.shift_id)
    shop.complete(shop.ring(13))  # cash
    assert services.reports.compute(shop.shift_id, methods).to_dict() == before

    z = services.shifts.close(
        shop.shift_id,
        shop.cashier,
        {"cash": 150 * EUR + real.totals.total},
        methods=methods,
        threshold=0,
    )
    assert (z.sales_count, z.sales_total) == (1, real.totals.total)
    assert z.cashiers == ("Camille",), "the manager only made training sales"
    assert (z.grand_total, z.grand_total_abs) == (real.totals.total, real.totals.total)
    assert [(c.code, c.expected, c.counted) for c in z.counts if c.code == "cash"] == [
        ("cash", 150 * EUR + real.totals.total, 150 * EUR + real.totals.total)
    ]
    assert services.reports.z(1).to_dict() == z.to_dict()


def test_the_exports_leave_training_sales_out(shop: Till) -> None:
    real = shop.complete(shop.ring(1))
    training_on(shop)
    shop.complete(shop.ring(2))
    today = date.today()

    assert [(r.sale_number, r.register, r.total) for r in exports.sales(today, today)] == [
        (1, "R1", real.totals.total)
    ]
    assert [(r.sale_number, r.amount) for r in exports.payments(today, today)] == [
        (1, real.totals.total)
    ]
    assert exports.registers_in_data() == ["R1"]


def test_no_customer_money_moves_in_training(shop: Till) -> None:
    jean = shop.customer(JEAN)
    shop.top_up(jean, 20 * EUR)
    before = shop.balances(jean)
    training_on(shop)
    cart = shop.ring(13, customer=jean)
    due = cart.totals().total
    for tender in (
        shop.pay("prepaid", due, due, available=before.prepaid),
        shop.pay("account", due, due, available=before.available),
    ):
        with pytest.raises(SaleError, match="not available in training mode"):
            shop.complete(cart, tender)
    assert shop.balances(jean) == before
    assert stored_sales() == []
    assert journal_rows("sale", "training_sale") == []

    practice = shop.complete(cart)  # cash, with the customer attached: allowed
    assert practice.training and shop.balances(jean) == before


def test_the_history_lists_training_sales_only_in_training_mode(shop: Till) -> None:
    history = shop.services.history
    real = shop.complete(shop.ring(1))
    training_on(shop)
    practice = shop.complete(shop.ring(1))

    def ids(found: list[SaleSummary]) -> list[int]:
        return [summary.id for summary in found]

    assert ids(history.recent(shift_id=shop.shift_id)) == [real.id]
    assert ids(history.recent()) == [real.id]
    assert ids(history.search(SaleFilter(register=ALL_REGISTERS))) == [real.id]
    assert ids(history.search(SaleFilter(find="1"))) == [real.id]
    item = SaleFilter(item=shop.product(1).barcode, register=ALL_REGISTERS)
    assert ids(history.search(item)) == [real.id]
    assert ids(history.search(SaleFilter(item=shop.product(1).barcode))) == [real.id]
    assert history.search(SaleFilter(register="R1/training")) == []

    found = history.recent(shift_id=shop.shift_id, training=True)
    assert ids(found) == [practice.id]
    assert (found[0].register, found[0].number) == ("R1", 1)
    assert ids(history.recent(training=True)) == [practice.id]
    assert ids(history.search(item, training=True)) == [practice.id]


def test_training_sales_are_never_refunded_and_nothing_is_in_training(shop: Till) -> None:
    refunds = shop.services.refunds
    real = shop.complete(shop.ring(1))
    training_on(shop)
    practice = shop.complete(shop.ring(2))
    with pytest.raises(RefundError, match="training mode"):
        refunds.refundable(real.id)
    training_off(shop)
    with pytest.raises(RefundError, match="is a training sale"):
        refunds.refundable(practice.id)
    line = refunds.refundable(real.id).lines[0]
    refund = refunds.refund(
        real.id,
        {line.line_id: line.remaining},
        staff=shop.cashier,
        approved_by=shop.manager,
        shift_id=shop.shift_id,
    )
    assert refund.number == 2, "the refund takes the next real number"


def _receipt(sale: CompletedSale) -> list[str]:
    rows = layout_receipt(
        receipt_for(sale, ShopHeader("Boulangerie", footer=("Merci !",))),
        width=32,
        currency="EUR",
        locale="en_US",
    )
    return receipt_text(rows, 32).splitlines()


def test_a_training_receipt_says_so_on_top_and_at_the_bottom(shop: Till) -> None:
    real = shop.complete(shop.ring(1))
    training_on(shop)
    practice = shop.services.sales.get(shop.complete(shop.ring(1)).id)

    lines = [line.strip() for line in _receipt(practice)]
    total = next(n for n, line in enumerate(lines) if line.startswith("TOTAL"))
    assert lines.index("TRAINING") < lines.index("Training sale N° 1") < total
    assert lines[-2:] == ["TRAINING", "Training mode: no sale was made."]
    assert lines.index("Merci !") < len(lines) - 2
    assert not any("TRAINING" in line for line in _receipt(real))
