"""VAT inside tax-inclusive prices, per rate, half-up to the cent.

The reference for every property is an independent exact computation: the VAT inside a total
at `rate` basis points is total * rate / (10000 + rate), rounded half-up (away from zero).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from till_tui.domain.vat import VatLine, vat_breakdown, vat_included

RATES = (0, 210, 550, 1000, 2000)  # French rates: 0 %, 2.1 %, 5.5 %, 10 %, 20 %


def reference_vat(total: int, rate: int) -> int:
    """VAT by the book, with Decimal ROUND_HALF_UP and enough digits to be exact."""
    with localcontext() as ctx:
        ctx.prec = 60
        exact = Decimal(total) * rate / (10_000 + rate)
        return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@pytest.mark.parametrize(
    ("total", "rate", "expected"),
    [
        (1200, 2000, 200),  # a 12.00 € bottle of wine at 20 %: 12 * 20/120 = 2.00 €
        (450, 550, 23),  # a 4.50 € box of tea at 5.5 %: 4.50 * 5.5/105.5 = 0.2346 -> 0.23 €
        (330, 1000, 30),  # a 3.30 € lunch menu at 10 %: 3.30 * 10/110 = 0.30 €
        (15, 2000, 3),  # a 0.15 € sweet at 20 %: 0.15/6 = 0.025 -> half-up -> 0.03 €
        (9, 2000, 2),  # 0.09/6 = 0.015 -> 0.02 €
        (-15, 2000, -3),  # refunding the sweet mirrors the sale: -0.025 -> -0.03 €
        (100, 0, 0),  # a stamp, no VAT
        (0, 2000, 0),
    ],
)
def test_vat_inside_a_tax_inclusive_price(total: int, rate: int, expected: int) -> None:
    assert vat_included(total, rate) == expected


def test_breakdown_of_a_mixed_basket() -> None:
    # A bottle of wine (12.00 € at 20 %), two croissants (2 x 1.20 € at 5.5 %) and a coffee
    # (1.50 € at 10 %); then a tea at 5.5 % (4.50 €) joins the croissants' rate.
    table = vat_breakdown([(2000, 1200), (550, 240), (1000, 150), (550, 450)])
    assert [line.rate for line in table] == [550, 1000, 2000]  # sorted by rate
    # 5.5 %: 6.90 € * 5.5/105.5 = 0.3597 -> 0.36 €, base 6.54 €
    assert table[0] == VatLine(rate=550, base=654, vat=36, total=690)
    # 10 %: 1.50 € / 11 = 0.1364 -> 0.14 €, base 1.36 €
    assert table[1] == VatLine(rate=1000, base=136, vat=14, total=150)
    # 20 %: 12.00 € / 6 = 2.00 €, base 10.00 €
    assert table[2] == VatLine(rate=2000, base=1000, vat=200, total=1200)


def test_vat_is_computed_once_per_rate_not_per_line() -> None:
    # Three sweets at 0.15 € and 20 %: per line 0.025 -> 0.03 € each, 0.09 € summed;
    # but on the rate's total, 0.45 € / 6 = 0.075 -> 0.08 €. The table says 0.08 €.
    (line,) = vat_breakdown([(2000, 15), (2000, 15), (2000, 15)])
    assert line == VatLine(rate=2000, base=37, vat=8, total=45)


def test_empty_breakdown() -> None:
    assert vat_breakdown([]) == ()


def test_a_rate_whose_lines_cancel_out_still_shows() -> None:
    # A sale and its return in the same basket: 0.00 € at 20 %, no VAT.
    assert vat_breakdown([(2000, 500), (2000, -500)]) == (
        VatLine(rate=2000, base=0, vat=0, total=0),
    )


def test_vat_line_is_immutable() -> None:
    line = VatLine(rate=2000, base=1000, vat=200, total=1200)
    with pytest.raises(AttributeError):
        line.vat = 0  # type: ignore[misc]


totals = st.integers(min_value=-(10**12), max_value=10**12)
rates = st.one_of(st.sampled_from(RATES), st.integers(min_value=0, max_value=10_000))


@given(totals, rates)
def test_vat_included_is_never_off_by_a_cent(total: int, rate: int) -> None:
    vat = vat_included(total, rate)
    assert vat == reference_vat(total, rate)
    # And it is the nearest cent to the exact VAT: at most half a cent away.
    assert abs(vat - Fraction(total * rate, 10_000 + rate)) <= Fraction(1, 2)


@given(st.lists(st.tuples(rates, st.integers(min_value=-(10**7), max_value=10**7)), max_size=30))
def test_breakdown_matches_the_exact_rule_per_rate(amounts: list[tuple[int, int]]) -> None:
    table = vat_breakdown(amounts)

    expected_totals: dict[int, int] = {}
    for rate, amount in amounts:
        expected_totals[rate] = expected_totals.get(rate, 0) + amount

    assert [line.rate for line in table] == sorted(expected_totals)
    for line in table:
        assert line.total == expected_totals[line.rate]
        assert line.vat == reference_vat(line.total, line.rate)
        assert line.base + line.vat == line.total
    assert sum(line.total for line in table) == sum(amount for _rate, amount in amounts)


@given(st.lists(st.tuples(rates, st.integers(min_value=0, max_value=10**7)), max_size=30))
def test_order_of_lines_does_not_change_the_table(amounts: list[tuple[int, int]]) -> None:
    assert vat_breakdown(amounts) == vat_breakdown(list(reversed(amounts)))
