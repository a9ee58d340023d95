"""Whatever is typed (or imported) where an amount, a quantity or a percentage is expected, the
parser answers an int or its own clear AmountError: never another exception, never a float,
never zero or a negative where they are not allowed, never an absurd size.

tests/unit/test_money.py checks the values of well-formed input; these are the properties on
everything else.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from till_tui.domain.money import (
    MAX_AMOUNT,
    MAX_PERCENTAGE,
    MAX_QUANTITY,
    AmountError,
    parse_money,
    parse_percent,
    parse_quantity,
)

Parser = Callable[[str], int]
PARSERS: dict[str, tuple[Parser, int]] = {
    "money": (parse_money, MAX_AMOUNT),
    "refund money": (lambda text: parse_money(text, allow_negative=True), MAX_AMOUNT),
    "yen": (lambda text: parse_money(text, "JPY"), MAX_AMOUNT),
    "quantity": (parse_quantity, MAX_QUANTITY),
    "percentage": (parse_percent, MAX_PERCENTAGE),
}
SEPARATORS = " .,'\u00a0\u202f"
fuzz = settings(max_examples=300, deadline=None)


def parse(name: str, text: str) -> int | None:
    """The parser's answer: an int, or None for its AmountError (any other error fails)."""
    parser, maximum = PARSERS[name]
    try:
        value = parser(text)
    except AmountError as error:
        assert str(error), "a refusal says why"
        assert len(str(error)) < 120, "the message line holds the refusal"
        return None
    assert type(value) is int, f"{text!r} gave {value!r}"
    assert abs(value) <= maximum
    return value


def check_allowed_sign(name: str, value: int) -> None:
    if name == "quantity":
        assert value > 0, "zero and negative quantities are refused"
    elif name != "refund money":
        assert value >= 0, "a negative amount is refused here"


@pytest.mark.parametrize("name", PARSERS)
@fuzz
@given(text=st.text())
@example(text="\x00")
@example(text="1\n2")
@example(text="\u202e12")
def test_any_text_gives_an_int_or_a_clear_refusal(name: str, text: str) -> None:
    value = parse(name, text)
    if value is not None:
        check_allowed_sign(name, value)


@pytest.mark.parametrize("name", PARSERS)
@fuzz
@given(text=st.text(alphabet=st.sampled_from("0123456789" + SEPARATORS + "+-€%"), max_size=40))
@example(text="1,,2")
@example(text="1..2")
@example(text="1 .2")
@example(text="1.234.567.890.123.456,00")
@example(text="0,000")
@example(text="-0")
def test_digits_and_separators_keep_their_digits_or_are_refused(name: str, text: str) -> None:
    value = parse(name, text)
    if value is None:
        return
    check_allowed_sign(name, value)
    if value:  # the digits typed are the value's, give or take zeros at either end
        typed = "".join(c for c in text if c.isdigit())
        assert typed.strip("0") == str(abs(value)).strip("0"), (text, value)


@pytest.mark.parametrize("name", PARSERS)
@fuzz
@given(digits=st.integers(min_value=16, max_value=20_000), leading=st.sampled_from("123456789"))
@example(digits=4301, leading="9")
def test_absurdly_long_numbers_are_refused_at_once(name: str, digits: int, leading: str) -> None:
    text = leading + "0" * (digits - 1)
    started = time.perf_counter()
    assert parse(name, text) is None
    assert parse(name, text + ",5") is None
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize("name", PARSERS)
@pytest.mark.parametrize(
    "text",
    ["1e999", "1E3", "1e-2", "NaN", "nan", "inf", "-inf", "+Infinity", "infinity", "0x10",
     "1_000", "½", "²", "1/2", "١٢٣", "３", "1٣", "𝟙𝟚", "९", "߁", "12٫50", "Ⅻ"],
)  # fmt: skip
def test_exponents_words_and_foreign_digits_are_refused(name: str, text: str) -> None:
    assert parse(name, text) is None


@pytest.mark.parametrize("name", PARSERS)
@fuzz
@given(st.characters(categories=["Nd"]).filter(lambda c: not c.isascii()), st.text(max_size=5))
def test_only_ascii_digits_are_digits(name: str, digit: str, rest: str) -> None:
    assert parse(name, "1" + digit + rest) is None


@given(st.sampled_from(["0", "0,0", "0.000", "000", "-0", "-1", "-0,5", "+0"]))
def test_zero_and_negative_quantities_are_refused(text: str) -> None:
    with pytest.raises(AmountError):
        parse_quantity(text)


@pytest.mark.parametrize(
    ("name", "largest", "above"),
    [
        ("money", "100 000 000 000,00", "100 000 000 000,01"),
        ("quantity", "1000000", "1000000,001"),
        ("percentage", "100000", "100000,01"),
    ],
)
def test_the_largest_value_is_taken_and_one_step_more_refused(
    name: str, largest: str, above: str
) -> None:
    parser, maximum = PARSERS[name]
    assert parser(largest) == maximum
    with pytest.raises(AmountError, match="too large"):
        parser(above)
