"""Shift reports and closing: a scripted shift whose every figure is worked out by hand.

The shift (register R1, float 150.00):
  A  2 x Menu déjeuner 14.90 (10 %) = 29.80, basket discount 10 % = -2.98 -> 26.82,
     cash: 30.00 handed over, 3.18 change
  B  Champagne 32.00 (20 %), card
  C  Croissant 1.20 (5.5 %) + Vin rouge 8.90 (20 %) = 10.10, cash: 20.00 handed over, 9.90 change
  T  Hélène tops up her prepaid account by 30.00 in cash: 50.00 handed over, 20.00 change
  D  Hélène: Macarons 9.50 (5.5 %) + Mug 9.90 (20 %) = 19.40:
     prepaid 15.00 + cash 4.40 (5.00 handed over, 0.60 change)
  R  refund of C's croissant: 1.20 back in cash
  I  cash in 10.00 (float top-up)
  O  cash out 12.50 (milk supplier paid)
"""

from __future__ import annotations

import pytest

from tests.store.tills import EUR, Till, open_till
from till_tui.config import Config
from till_tui.domain.cart import Adjustment
from till_tui.domain.shift_report import ShiftReport
from till_tui.store.models import ShiftClose
from till_tui.store.services import Services
from till_tui.store.shifts import ShiftCloseNeedsNote, ShiftError, ShiftPermissionError

MENU, CHAMPAGNE, CROISSANT, WINE, MACARONS, MUG, EXPRESSO = 12, 40, 13, 39, 19, 49, 1
HELENE = "2900000000018"
THRESHOLD = 5 * EUR


@pytest.fixture
def till(services: Services, config: Config) -> Till:
    return open_till(services, config)


def scripted_shift(till: Till) -> None:
    helene = till.customer(HELENE)
    a = till.ring(MENU, MENU).with_basket_adjustment(Adjustment("percent", 1000))
    assert a.totals().total == 2682
    till.complete(a, till.pay("cash", 3000, 2682))
    b = till.ring(CHAMPAGNE)
    till.complete(b, till.pay("card", 3200, 3200))
    c = till.ring(CROISSANT, WINE)
    sale_c = till.complete(c, till.pay("cash", 2000, 1010))
    till.services.accounts.top_up(
        helene.id, 3000, till.method("cash"), 5000, staff=till.cashier, shift_id=till.shift_id
    )
    d = till.ring(MACARONS, MUG, customer=helene)
    till.complete(d, till.pay("prepaid", 1500, 1940, available=3000), till.pay("cash", 500, 440))
    croissant = next(i for i, line in enumerate(sale_c.cart.lines) if line.name.startswith("Cr"))
    refund_cash_line(till, sale_c.id, croissant)
    till.services.shifts.move_cash(till.shift_id, till.cashier, "in", 1000, "Float top-up")
    till.services.shifts.move_cash(till.shift_id, till.cashier, "out", 1250, "Milk supplier")


def refund_cash_line(till: Till, sale_id: int, index: int) -> None:
    refundable = till.services.refunds.refundable(sale_id)
    line = refundable.lines[index]
    till.services.refunds.refund(
        sale_id,
        {line.line_id: line.remaining},
        staff=till.cashier,
        approved_by=till.manager,
        shift_id=till.shift_id,
    )


def close(till: Till, counted: dict[str, int | None], **options: object) -> ShiftReport:
    """Close the till's shift as its cashier with the demo methods and a 5.00 threshold."""
    return till.services.shifts.close(
        till.shift_id, till.cashier, counted, methods=till.config.payment_methods,
        threshold=THRESHOLD, **options,  # type: ignore[arg-type]
    )  # fmt: skip


@pytest.fixture
def report(till: Till) -> ShiftReport:
    scripted_shift(till)
    return till.services.reports.compute(till.shift_id, till.config.payment_methods)


def test_sales_refunds_and_revenue(report: ShiftReport) -> None:
    assert report.sales_count == 4
    assert report.sales_total == 2682 + 3200 + 1010 + 1940 == 8832
    assert report.refunds_count == 1
    assert report.refunds_total == -120
    assert report.revenue == 8832 - 120 == 8712
    assert report.discounts == 298
    assert report.opening_float == 15000
    assert report.cashiers == ("Camille",)


def test_vat_per_rate(report: ShiftReport) -> None:
    vat = {v.rate: (v.base, v.vat, v.total) for v in report.vat}
    # 5.5 %: C croissant 1.20 (VAT 0.06) + D macarons 9.50 (0.50) - refund 1.20 (-0.06)
    assert vat[550] == (950 - 50, 6 + 50 - 6, 120 + 950 - 120)
    # 10 %: A 26.82, VAT 26.82 x 10 / 110 = 2.438 -> 2.44
    assert vat[1000] == (2682 - 244, 244, 2682)
    # 20 %: B 32.00 (5.33) + C wine 8.90 (1.48) + D mug 9.90 (1.65)
    assert vat[2000] == (5080 - 846, 533 + 148 + 165, 3200 + 890 + 990)
    assert report.vat_total == 50 + 244 + 846
    assert sum(v.total for v in report.vat) == report.revenue


def test_cash_is_what_stays_in_the_drawer(report: ShiftReport) -> None:
    cash = report.cash
    assert cash is not None
    assert cash.sales == 2682 + 1010 + 440 == 4132  # amounts, never what was handed over
    assert cash.tendered == 3000 + 2000 + 500 + 5000 == 10500
    assert cash.change == 318 + 990 + 60 + 2000 == 3368
    assert cash.tendered - cash.change == cash.sales + cash.topups
    assert cash.topups == 3000
    assert cash.refunds == -120
    assert (cash.cash_in, cash.cash_out) == (1000, -1250)
    assert cash.opening_float == 15000  # once, in the expected cash, not in the takings
    assert cash.expected == 15000 + 4132 + 3000 - 120 + 1000 - 1250 == 21762
    assert cash.net == 21762 - 15000


def test_other_methods_and_accounts(report: ShiftReport) -> None:
    card = next(m for m in report.methods if m.code == "card")
    assert (card.sales, card.expected) == (3200, 3200)
    assert report.expected()["room"] == 0
    prepaid = next(m for m in report.on_account if m.code == "prepaid")
    assert prepaid.sales == 1500  # revenue paid from the account: no money in
    assert "prepaid" not in report.expected()
    assert report.accounts.topups == 3000
    assert report.accounts.prepaid_payments == 1500
    assert report.accounts.credit_charges == 0
    assert [(m.direction, m.amount, m.reason) for m in report.movements] == [
        ("in", 1000, "Float top-up"),
        ("out", 1250, "Milk supplier"),
    ]


def test_grand_total_runs_over_shifts(till: Till, report: ShiftReport) -> None:
    assert report.grand_total == 8712
    assert report.grand_total_abs == 8832 + 120
    z1 = close(till, {"cash": 21500, "card": 3200})
    assert z1.z_number == 1
    counts = {c.code: (c.expected, c.counted, c.difference) for c in z1.counts}
    assert counts["cash"] == (21762, 21500, -262)
    assert counts["card"] == (3200, 3200, 0)
    assert counts["room"] == (0, None, None)
    assert till.services.shifts.current() is None

    shift = till.services.shifts.open(till.cashier, 20000)
    till.shift_id = shift.id
    till.complete(till.ring(EXPRESSO))
    x = till.services.reports.compute(shift.id, till.config.payment_methods)
    assert x.z_number is None
    assert (x.grand_total, x.grand_total_abs) == (8712 + 150, 8952 + 150)
    assert x.cash is not None and x.cash.expected == 20000 + 150
    z2 = close(till, {"cash": 20150})
    assert z2.z_number == 2 and z2.grand_total == 8862


def test_a_closed_z_reads_back_as_printed(till: Till, report: ShiftReport) -> None:
    z = close(till, {"cash": 21762}, note="RAS")
    assert till.services.reports.z(1) == z
    assert till.services.reports.z() == z
    assert z.note == "RAS" and z.closed_by == "Camille" and z.closed_at is not None
    with pytest.raises(ValueError, match="N° 7"):
        till.services.reports.z(7)
    row = ShiftClose.get(ShiftClose.z_number == 1)
    with pytest.raises(Exception, match="immutable"):
        ShiftClose.update(note="changed").where(ShiftClose.shift == row.shift).execute()


def test_a_difference_over_the_threshold_needs_a_note_then_a_manager(till: Till) -> None:
    till.complete(till.ring(EXPRESSO))
    counted: dict[str, int | None] = {"cash": 15150 - 600}
    with pytest.raises(ShiftCloseNeedsNote):
        close(till, counted)
    with pytest.raises(ShiftPermissionError):
        close(till, counted, note="6 € missing")
    with pytest.raises(ShiftPermissionError):
        close(till, counted, note="6 € missing", approved_by=till.cashier)
    assert till.services.shifts.current() is not None  # nothing written
    z = close(till, counted, note="6 € missing", approved_by=till.manager)
    assert z.approved_by == "Patron" and z.counts[0].difference == -600


def test_a_true_count_is_never_refused_but_cash_must_be_counted(till: Till) -> None:
    with pytest.raises(ShiftError, match="cash"):
        close(till, {})
    with pytest.raises(ShiftError, match="negative"):
        close(till, {"cash": -1})
    z = close(till, {"cash": 15000})
    assert z.counts[0].difference == 0
    with pytest.raises(ShiftError, match="closed"):
        close(till, {"cash": 15000})
    with pytest.raises(ShiftError, match="closed"):
        till.services.shifts.move_cash(till.shift_id, till.cashier, "in", 100, "late")


def test_cash_movements_need_an_amount_and_a_reason(till: Till) -> None:
    move = till.services.shifts.move_cash
    with pytest.raises(ShiftError, match="reason"):
        move(till.shift_id, till.cashier, "out", 100, "   ")
    with pytest.raises(ShiftError, match="zero"):
        move(till.shift_id, till.cashier, "out", 0, "supplier")
    move(till.shift_id, till.cashier, "out", 100, "  paid   the baker ")
    report = till.services.reports.compute(till.shift_id, till.config.payment_methods)
    assert report.movements[0].reason == "paid the baker"
    assert report.movements[0].staff == "Camille"


def test_z_numbers_have_no_gap_and_are_journaled(till: Till) -> None:
    from till_tui.store.models import Journal

    numbers = []
    for _round in range(3):
        numbers.append(close(till, {"cash": 15000}).z_number)
        till.shift_id = till.services.shifts.open(till.cashier, 15000).id
    assert numbers == [1, 2, 3]
    kinds = [j.kind for j in Journal.select().order_by(Journal.seq)]
    assert kinds.count("shift_close") == 3
