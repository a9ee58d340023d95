"""Money, quantities and rates as integers, and their parsing and display.

- Money is an `int` number of minor units (cents for EUR). No float ever touches money.
- Quantities are `int` thousandths (1000 = one unit) so weighed items fit the same type.
- VAT rates and percentages are `int` basis points (2000 = 20 %, 550 = 5.5 %).

Display goes through Babel for the configured locale ("1 234,50 €" in fr_FR).
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from babel.numbers import format_currency, format_decimal, get_currency_precision

from till_tui.i18n import _

QTY_UNIT = 1000
"""One unit of quantity, in thousandths."""

PERCENT = 100
"""One percent, in basis points."""

MAX_AMOUNT = 10**13
"""The largest amount typed or imported, in minor units (100 billion euros): more is a typo,
and would overflow the database's 64-bit integers once added up or multiplied."""
MAX_QUANTITY = 1_000_000 * QTY_UNIT
"""The largest quantity typed or imported (a million units)."""
MAX_PERCENTAGE = 100_000 * PERCENT
"""The largest percentage typed or imported."""


class AmountError(ValueError):
    """Cashier or file input that is not a valid amount; the message is for the cashier."""


def half_up_div(numerator: int, denominator: int) -> int:
    """Integer division rounded half away from zero (the commercial "half-up" rule)."""
    if denominator == 0:
        raise ZeroDivisionError("half_up_div by zero")
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    sign = -1 if numerator < 0 else 1
    q, r = divmod(abs(numerator), denominator)
    if 2 * r >= denominator:
        q += 1
    return sign * q


@lru_cache(maxsize=8)
def minor_digits(currency: str) -> int:
    """Digits after the decimal point for `currency` (2 for EUR, 0 for JPY)."""
    return int(str(get_currency_precision(currency)))


# re.ASCII: only 0-9 are digits ("٣" or a full-width "３" is refused, not read as a 3).
_PLAIN = re.compile(r"^(?P<int>\d+)(?:(?P<dec>[.,])(?P<frac>\d*))?$", re.ASCII)
_GROUPED = re.compile(
    r"^(?P<int>\d{1,3}(?P<group>[ \u00a0\u202f'.,])\d{3}(?:(?P=group)\d{3})*)"
    r"(?:(?P<dec>[.,])(?P<frac>\d*))?$",
    re.ASCII,
)


def _shown(text: str) -> str:
    """The typed text as an error message repeats it: stripped, and cut if very long."""
    text = text.strip()
    return text if len(text) <= 24 else text[:24] + "…"


def _parse_decimal(
    text: str, digits: int, what: str, maximum: int, symbols: tuple[str, ...] = ()
) -> int:
    """Parse "1 234,50" / "1,234.50" / "1234.5" / "12" into an int scaled by 10**digits.

    A single "." or "," is the decimal separator. Digit groups (space, apostrophe, or the other
    separator) must hold exactly three digits, so a typo like "12.5.0" is refused, not guessed.
    Values above `maximum` (scaled) are refused too, before a long run of digits is converted.
    """
    cleaned = text.strip()
    for symbol in symbols:
        cleaned = cleaned.replace(symbol, "")
    cleaned = cleaned.strip(" \u00a0\u202f")
    negative = cleaned.startswith("-")
    if negative or cleaned.startswith("+"):
        cleaned = cleaned[1:].strip()
    match = _PLAIN.match(cleaned) or _GROUPED.match(cleaned)
    if (
        match
        and match.re is _GROUPED
        and match["group"] in ".,"
        and match["dec"] in (None, match["group"])
    ):
        match = None  # "1.234" or "1,234,5": the separators do not say which is the decimal one
    if not match:
        raise AmountError(_("Not a valid {what}: {text}").format(what=what, text=_shown(text)))
    frac = match["frac"] or ""
    if len(frac) > digits:
        raise AmountError(
            _("Too many decimals in {what}: {text}").format(what=what, text=_shown(text))
        )
    whole = match["int"]
    if match.re is _GROUPED:
        whole = whole.replace(match["group"], "")
    whole = whole.lstrip("0") or "0"
    too_large = _("The {what} is too large: {text}").format(what=what, text=_shown(text))
    if len(whole) > len(str(maximum)):  # before int() meets thousands of digits
        raise AmountError(too_large)
    scale = int(10**digits)  # int ** int is typed Any (negative powers give floats)
    value = int(whole) * scale + int(frac.ljust(digits, "0") or "0")
    if value > maximum:
        raise AmountError(too_large)
    return -value if negative else value


def parse_money(text: str, currency: str = "EUR", *, allow_negative: bool = False) -> int:
    """Cashier or CSV input ("12,50", "12.50", "1 234,50", "12 €") -> minor units.

    Raises AmountError with a message for the cashier when the text is not an amount.
    """
    value = _parse_decimal(
        text, minor_digits(currency), _("amount"), MAX_AMOUNT, ("€", "$", "£", currency)
    )
    if value < 0 and not allow_negative:
        raise AmountError(_("The amount cannot be negative: {text}").format(text=text.strip()))
    return value


def parse_quantity(text: str) -> int:
    """ "3" -> 3000, "0,250" -> 250 (thousandths). Zero and negatives are refused."""
    value = _parse_decimal(text, 3, _("quantity"), MAX_QUANTITY)
    if value <= 0:
        raise AmountError(_("The quantity must be more than zero: {text}").format(text=text))
    return value


def parse_percent(text: str) -> int:
    """ "10" / "10 %" / "5,5" -> basis points (1000, 550). Negative values are refused."""
    value = _parse_decimal(text, 2, _("percentage"), MAX_PERCENTAGE, ("%",))
    if value < 0:
        raise AmountError(_("The percentage cannot be negative: {text}").format(text=text))
    return value


def to_decimal(minor: int, currency: str = "EUR") -> Decimal:
    """Minor units -> exact Decimal in major units (for Babel and CSV), never a float."""
    return Decimal(minor).scaleb(-minor_digits(currency))


def format_money(minor: int, currency: str, locale: str) -> str:
    """12345 -> "123,45 €" (fr_FR) or "€123.45" (en_US)."""
    return str(format_currency(to_decimal(minor, currency), currency, locale=locale))


def format_amount(minor: int, currency: str, locale: str) -> str:
    """12345 -> "123,45" (fr_FR): the number without the currency sign, for receipt columns."""
    digits = minor_digits(currency)
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return str(format_decimal(to_decimal(minor, currency), format=pattern, locale=locale))


def editable_amount(minor: int, currency: str, locale: str) -> str:
    """12345 -> "123,45" (fr_FR) without digit groups: the text an amount field is prefilled
    with, so the cashier can edit it and `parse_money` reads it back."""
    digits = minor_digits(currency)
    pattern = "0." + "0" * digits if digits else "0"
    return str(format_decimal(to_decimal(minor, currency), format=pattern, locale=locale))


def format_quantity(thousandths: int, locale: str) -> str:
    """3000 -> "3", 250 -> "0,250" (fr_FR)."""
    if thousandths % QTY_UNIT == 0:
        return str(thousandths // QTY_UNIT)
    return str(format_decimal(Decimal(thousandths).scaleb(-3), format="0.000", locale=locale))


def format_rate(basis_points: int, locale: str) -> str:
    """2000 -> "20 %", 550 -> "5,5 %" (fr_FR): a VAT rate or a percentage."""
    number = format_decimal(Decimal(basis_points).scaleb(-2), format="0.##", locale=locale)
    return f"{number}\u00a0%" if locale.startswith("fr") else f"{number}%"
