"""The shift report's pure computation and its printed layout."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from till_tui.domain.receipt import ShopHeader, receipt_text
from till_tui.domain.report_layout import layout_report
from till_tui.domain.shift_report import (
    CashMove,
    Count,
    LedgerSum,
    MethodInfo,
    PaymentSum,
    ShiftFacts,
    ShiftReport,
    compute,
    counts,
    over_threshold,
)
from till_tui.domain.vat import VatLine

METHODS = (
    MethodInfo("cash", "cash", "Cash"),
    MethodInfo("card", "card", "Card"),
    MethodInfo("prepaid", "prepaid", "Prepaid"),
    MethodInfo("account", "credit", "On account"),
)
OPENED = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)


def facts(**changes: object) -> ShiftFacts:
    values: dict[str, object] = {
        "register": "R1",
        "shift_number": 3,
        "opened_at": OPENED,
        "opened_by": "Camille",
        "opening_float": 10000,
        "cashiers": ("Camille",),
        "sales_count": 0,
        "sales_total": 0,
        "refunds_count": 0,
        "refunds_total": 0,
        "discounts": 0,
        "vat": (),
        "payments": (),
        "ledger": (),
        "movements": (),
        "no_sale": 0,
        "grand_total_before": 0,
        "grand_total_abs_before": 0,
    }
    values.update(changes)
    return ShiftFacts(**values)  # type: ignore[arg-type]


def test_an_empty_shift_expects_the_float_in_cash_only() -> None:
    report = compute(facts(), METHODS)
    assert [m.code for m in report.methods] == ["cash", "card"]
    assert report.expected() == {"cash": 10000, "card": 0}
    assert report.on_account == ()
    assert report.revenue == 0 and report.grand_total == 0


def test_change_never_counts_as_takings() -> None:
    report = compute(
        facts(
            sales_count=2, sales_total=1500,
            payments=(
                PaymentSum("cash", "cash", "Cash", False, 2, 1500, 5000, 3500),
            ),
            ledger=(LedgerSum("topup", "cash", 1, 2000, 2000, 0),),
        ),
        METHODS,
    )  # fmt: skip
    cash = report.cash
    assert cash is not None
    assert (cash.sales, cash.tendered, cash.change) == (1500, 7000, 3500)
    assert cash.expected == 10000 + 1500 + 2000
    assert cash.net == 3500
    assert report.revenue == 1500, "a top-up is money in, not revenue"


def test_account_payments_are_revenue_without_money_in() -> None:
    report = compute(
        facts(
            sales_count=1, sales_total=3000,
            payments=(
                PaymentSum("prepaid", "prepaid", "Prepaid", False, 1, 1000, 1000, 0),
                PaymentSum("account", "credit", "On account", False, 1, 2000, 2000, 0),
            ),
            ledger=(
                LedgerSum("prepaid_payment", "prepaid", 1, 1000, 0, 0),
                LedgerSum("credit_charge", "account", 1, 2000, 0, 0),
                LedgerSum("settlement", "card", 1, 500, 500, 0),
                LedgerSum("topup_cancel", "cash", 1, 300, 300, 0),
            ),
        ),
        METHODS,
    )  # fmt: skip
    assert report.expected() == {"cash": 10000 - 300, "card": 500}
    assert [(m.code, m.sales) for m in report.on_account] == [("prepaid", 1000), ("account", 2000)]
    assert report.accounts.prepaid_payments == 1000
    assert report.accounts.credit_charges == 2000
    assert report.accounts.settlements == 500
    assert report.accounts.topup_cancels == 300


def test_a_method_no_longer_configured_still_counts() -> None:
    report = compute(
        facts(payments=(PaymentSum("voucher", "other", "Voucher", False, 1, 700, 700, 0),)),
        METHODS,
    )
    assert report.expected()["voucher"] == 700
    assert report.methods[-1].label == "Voucher"


def test_refunds_and_cash_movements() -> None:
    report = compute(
        facts(
            sales_count=1, sales_total=5000, refunds_count=1, refunds_total=-1200,
            payments=(
                PaymentSum("card", "card", "Card", False, 1, 5000, 5000, 0),
                PaymentSum("cash", "cash", "Cash", True, 1, -1200, -1200, 0),
            ),
            movements=(
                CashMove("in", 2000, "Float", "Camille", OPENED),
                CashMove("out", 450, "Baker", "Camille", OPENED),
            ),
            grand_total_before=100000, grand_total_abs_before=120000,
        ),
        METHODS,
    )  # fmt: skip
    cash = report.cash
    assert cash is not None
    assert (cash.refunds, cash.cash_in, cash.cash_out) == (-1200, 2000, -450)
    assert cash.tendered == 0, "money given back is not money handed over"
    assert cash.expected == 10000 - 1200 + 2000 - 450
    assert report.revenue == 3800
    assert (report.grand_total, report.grand_total_abs) == (103800, 126200)


def test_counts_and_threshold() -> None:
    report = compute(facts(), METHODS)
    lines = counts(report, {"cash": 9500})
    assert lines == (Count("cash", "Cash", 10000, 9500), Count("card", "Card", 0, None))
    assert lines[0].difference == -500 and lines[1].difference is None
    assert not over_threshold(lines, 500)
    assert over_threshold(lines, 499)


money = st.integers(min_value=0, max_value=10**9)


@given(
    float_=money, cash=money, card=money, change=money, topup=money, out=money,
    refund=money, before=money,
)  # fmt: skip
def test_expected_cash_is_the_sum_of_its_parts(
    float_: int, cash: int, card: int, change: int, topup: int, out: int, refund: int, before: int
) -> None:
    report = compute(
        facts(
            opening_float=float_, sales_count=2, sales_total=cash + card,
            refunds_count=1, refunds_total=-refund,
            payments=(
                PaymentSum("cash", "cash", "Cash", False, 1, cash, cash + change, change),
                PaymentSum("card", "card", "Card", False, 1, card, card, 0),
                PaymentSum("cash", "cash", "Cash", True, 1, -refund, -refund, 0),
            ),
            ledger=(LedgerSum("topup", "cash", 1, topup, topup, 0),),
            movements=(CashMove("out", out, "x", "A", OPENED),) if out else (),
            grand_total_before=before, grand_total_abs_before=before,
        ),
        METHODS,
    )  # fmt: skip
    cash_line = report.cash
    assert cash_line is not None
    assert cash_line.expected == float_ + cash + topup - refund - out
    assert sum(m.net for m in report.methods) == cash + card + topup - refund - out
    assert report.grand_total == before + cash + card - refund
    assert report.grand_total_abs == before + cash + card + refund
    assert ShiftReport.from_dict(report.to_dict()) == report


def z_report() -> ShiftReport:
    report = compute(
        facts(
            sales_count=1, sales_total=2480, discounts=120,
            vat=(VatLine(550, 1137, 63, 1200), VatLine(2000, 1067, 213, 1280)),
            payments=(PaymentSum("cash", "cash", "Espèces", False, 1, 2480, 5000, 2520),),
            movements=(CashMove("out", 450, "Boulanger « Au bon pain »", "Camille", OPENED),),
            no_sale=2,
        ),
        METHODS,
    )  # fmt: skip
    from dataclasses import replace

    lines = counts(report, {"cash": 12000})
    return replace(
        report, z_number=7, closed_at=OPENED, closed_by="Camille", approved_by="Patron",
        note="Erreur de rendu", counts=lines,
    )  # fmt: skip


@pytest.mark.parametrize("width", [32, 42, 48])
def test_the_printed_z_fits_the_paper(width: int) -> None:
    rows = layout_report(
        z_report(), ShopHeader("Café de la Gare"), width=width, currency="EUR", locale="fr_FR"
    )
    for row in rows:
        assert len(row.text) <= (width // 2 if row.double else width), row
    text = receipt_text(rows, width)
    assert "Z REPORT N° 7" in text
    # expected 100.00 + 24.80 - 4.50 = 120.30, counted 120.00
    assert "120,30" in text and "-0,30" in text
    assert "Note: Erreur de rendu" in text and "Approved by: Patron" in text
    assert "Drawer opened without a sale" in text


def test_an_x_report_says_it_closes_nothing() -> None:
    rows = layout_report(
        compute(facts(), METHODS), ShopHeader("Shop"), width=42, currency="EUR", locale="en_US"
    )
    text = receipt_text(rows, 42)
    assert "X REPORT" in text and "not a closing" in text
    assert "Counted" not in text
