"""Money, quantities and rates: what the cashier types, and what the till shows back.

Expected values are worked out by hand in the comments, or by an independent exact computation
with `fractions.Fraction` / `decimal.Decimal`; never by the code under test.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from till_tui.domain.money import (
    PERCENT,
    QTY_UNIT,
    AmountError,
    format_amount,
    format_money,
    format_quantity,
    format_rate,
    half_up_div,
    minor_digits,
    parse_money,
    parse_percent,
    parse_quantity,
    to_decimal,
)

NNBSP = "\u202f"  # narrow no-break space: Babel's fr_FR group separator
NBSP = "\u00a0"  # no-break space: Babel's fr_FR space before "€" and "%"
LOCALES = ("fr_FR", "en_US")

# Babel loads locale data lazily; the first call may be slow, so no per-example deadline.
babel_settings = settings(deadline=None)


def exact_half_up(value: Fraction) -> int:
    """Round half away from zero, the slow and obvious way."""
    magnitude = math.floor(abs(value) + Fraction(1, 2))
    return -magnitude if value < 0 else magnitude


# --- half_up_div ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (5, 2, 3),  # 2.5 -> 3: half goes up
        (-5, 2, -3),  # -2.5 -> -3: half goes away from zero, refunds mirror sales
        (7, 3, 2),  # 2.33 -> 2
        (8, 3, 3),  # 2.67 -> 3
        (5, -2, -3),  # a negative denominator is the same as a negative numerator
        (-5, -2, 3),
        (0, 7, 0),
        (149_500, 1000, 150),  # half a kilo of apples at 2.99 €/kg: 1.495 € -> 1.50 €
    ],
)
def test_half_up_div_rounds_half_away_from_zero(
    numerator: int, denominator: int, expected: int
) -> None:
    assert half_up_div(numerator, denominator) == expected


def test_half_up_div_by_zero_raises() -> None:
    with pytest.raises(ZeroDivisionError):
        half_up_div(1, 0)


@given(
    st.integers(min_value=-(10**15), max_value=10**15),
    st.integers(min_value=-(10**6), max_value=10**6).filter(lambda d: d != 0),
)
def test_half_up_div_matches_exact_fraction(numerator: int, denominator: int) -> None:
    assert half_up_div(numerator, denominator) == exact_half_up(Fraction(numerator, denominator))


# --- parsing what the cashier types ----------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "12,50",  # French keypad
        "12.50",  # English keypad
        "12,5",  # a missing trailing zero is fine
        " 12.50 ",
        "12,50 €",
        "€12.50",
        "12.50 EUR",
    ],
)
def test_twelve_fifty_typed_every_way_is_1250_cents(typed: str) -> None:
    assert parse_money(typed) == 1250


@pytest.mark.parametrize(
    "typed",
    ["1 234,50", f"1{NNBSP}234,50", f"1{NBSP}234,50", "1.234,50", "1,234.50", "1'234.50"],
)
def test_grouped_thousands_are_accepted(typed: str) -> None:
    assert parse_money(typed) == 123_450


def test_whole_euros_and_many_groups() -> None:
    assert parse_money("12") == 1200
    assert parse_money("12 €") == 1200
    assert parse_money("1.234.567,89") == 123_456_789
    assert parse_money("1,234,567.89") == 123_456_789
    assert parse_money("0,05") == 5


@pytest.mark.parametrize(
    "typed", ["abc", "12,345", "", "   ", "1.2.3x", "€", ",5", "12,3,4,5x", "--5", "1e3"]
)
def test_garbage_is_refused_with_amount_error(typed: str) -> None:
    with pytest.raises(AmountError):
        parse_money(typed)


def test_amount_error_is_a_value_error() -> None:
    assert issubclass(AmountError, ValueError)


def test_negative_money_only_when_allowed() -> None:
    with pytest.raises(AmountError):
        parse_money("-5,00")
    assert parse_money("-5,00", allow_negative=True) == -500
    assert parse_money("+5,00") == 500


def test_currency_without_cents() -> None:
    # Yen have no minor unit: "1 234" is 1234 yen, and any decimal is one too many.
    assert minor_digits("JPY") == 0
    assert minor_digits("EUR") == 2
    assert parse_money("1 234", "JPY") == 1234
    with pytest.raises(AmountError):
        parse_money("12,5", "JPY")


@babel_settings
@given(st.integers(min_value=0, max_value=10**13), st.sampled_from(LOCALES))
def test_formatted_amount_parses_back(minor: int, locale: str) -> None:
    assert parse_money(format_amount(minor, "EUR", locale)) == minor
    assert parse_money(format_money(minor, "EUR", locale)) == minor


@babel_settings
@given(st.integers(min_value=-(10**13), max_value=10**13), st.sampled_from(LOCALES))
def test_formatted_refund_parses_back_when_negative_allowed(minor: int, locale: str) -> None:
    assert parse_money(format_amount(minor, "EUR", locale), allow_negative=True) == minor


@given(
    st.integers(min_value=0, max_value=10**9),
    st.integers(min_value=0, max_value=99),
    st.sampled_from([",", "."]),
)
def test_euros_and_cents_typed_plainly(euros: int, cents: int, separator: str) -> None:
    assert parse_money(f"{euros}{separator}{cents:02d}") == euros * 100 + cents


def test_quantities() -> None:
    assert QTY_UNIT == 1000
    assert parse_quantity("3") == 3000
    assert parse_quantity("0,250") == 250  # 250 g of cheese
    assert parse_quantity("1.5") == 1500
    for bad in ("0", "0,000", "-1", "0,0001", "abc", ""):
        with pytest.raises(AmountError):
            parse_quantity(bad)


def test_percentages() -> None:
    assert PERCENT == 100
    assert parse_percent("10") == 1000
    assert parse_percent("10 %") == 1000
    assert parse_percent("5,5") == 550
    assert parse_percent(f"5,5{NBSP}%") == 550
    assert parse_percent("0") == 0
    for bad in ("-5", "12,345", "ten", ""):
        with pytest.raises(AmountError):
            parse_percent(bad)


# --- display ---------------------------------------------------------------------------------


def test_to_decimal_is_exact() -> None:
    assert to_decimal(12_345) == Decimal("123.45")
    assert to_decimal(-5) == Decimal("-0.05")
    assert to_decimal(1234, "JPY") == Decimal(1234)
    assert str(to_decimal(100)) == "1.00"


def test_french_receipt_formatting() -> None:
    # What Babel really emits for fr_FR: U+202F between thousands, U+00A0 before the sign.
    assert format_money(123_450, "EUR", "fr_FR") == f"1{NNBSP}234,50{NBSP}€"
    assert format_money(5, "EUR", "fr_FR") == f"0,05{NBSP}€"
    assert format_money(-123_450, "EUR", "fr_FR") == f"-1{NNBSP}234,50{NBSP}€"
    assert format_amount(123_450, "EUR", "fr_FR") == f"1{NNBSP}234,50"
    assert format_amount(100_000_000, "EUR", "fr_FR") == f"1{NNBSP}000{NNBSP}000,00"
    assert format_amount(0, "EUR", "fr_FR") == "0,00"


def test_english_receipt_formatting() -> None:
    assert format_money(123_450, "EUR", "en_US") == "€1,234.50"
    assert format_money(-123_450, "EUR", "en_US") == "-€1,234.50"
    assert format_amount(123_450, "EUR", "en_US") == "1,234.50"
    assert format_amount(1234, "JPY", "en_US") == "1,234"


def test_quantity_display() -> None:
    assert format_quantity(3000, "fr_FR") == "3"
    assert format_quantity(250, "fr_FR") == "0,250"
    assert format_quantity(1500, "en_US") == "1.500"


def test_rate_display() -> None:
    assert format_rate(2000, "fr_FR") == f"20{NBSP}%"
    assert format_rate(550, "fr_FR") == f"5,5{NBSP}%"
    assert format_rate(550, "en_US") == "5.5%"
    assert format_rate(1, "en_US") == "0.01%"


@babel_settings
@given(st.integers(min_value=1, max_value=10**9), st.sampled_from(LOCALES))
def test_formatted_quantity_parses_back(thousandths: int, locale: str) -> None:
    assert parse_quantity(format_quantity(thousandths, locale)) == thousandths


@babel_settings
@given(st.integers(min_value=0, max_value=10**7), st.sampled_from(LOCALES))
def test_formatted_rate_parses_back(basis_points: int, locale: str) -> None:
    assert parse_percent(format_rate(basis_points, locale)) == basis_points


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_to_decimal_matches_decimal_arithmetic(minor: int) -> None:
    with localcontext() as ctx:
        ctx.prec = 40
        expected = (Decimal(minor) / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert to_decimal(minor) == expected


@pytest.mark.parametrize("typo", ["1.2.3", "12.5.0", "1 2", "12%", "1,234,5", "1 23,50", "--3"])
def test_a_mistyped_amount_is_refused_not_guessed(typo: str) -> None:
    # A cashier who types "12.5.0" must not charge 125.00: the till asks again.
    with pytest.raises(AmountError):
        parse_money(typo, allow_negative=True)
