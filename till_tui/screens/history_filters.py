"""The filter panel of the sales history (F8, then F3): what the cashier types, read into a
`SaleFilter`, with a message for each field that cannot be read (and the field marked)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from babel.dates import format_date, get_date_format
from textual.app import ComposeResult
from textual.containers import Grid
from textual.widgets import Input, Label

from till_tui.config import PaymentMethod
from till_tui.i18n import N_, _
from till_tui.store.catalog import search_key
from till_tui.store.history import ALL_REGISTERS, SaleFilter

_HOURS = re.compile(
    r"^\s*(\d{1,2})\s*(?:h|:00)?\s*(?:(?:-|–|à|to)\s*(\d{1,2})\s*(?:h|:00)?)?\s*$", re.IGNORECASE
)
_DATE_PARTS = re.compile(r"[/.\-\s]+")
T = TypeVar("T")
ALL_WORDS = ("*", "all")
"""What selects every register (besides the translation of "all")."""


@dataclass(frozen=True, slots=True)
class FilterField:
    id: str
    label: str
    """English, translated when shown."""
    placeholder: str


FIELDS: tuple[FilterField, ...] = (
    FilterField("find", N_("Find"), N_("N°/ref./last 4")),
    FilterField("item", N_("Item"), N_("name or code")),
    FilterField("customer", N_("Customer"), N_("name or card")),
    FilterField("date_from", N_("From"), ""),
    FilterField("date_to", N_("To"), ""),
    FilterField("hours", N_("Hours"), "12-14"),
    FilterField("cashier", N_("Cashier"), N_("name")),
    FilterField("method", N_("Payment"), N_("number or name")),
    FilterField("register", N_("Register"), ""),
    FilterField("number", N_("N°"), ""),
    FilterField("last4", N_("Last 4"), "1234"),
    FilterField("reference", N_("Ref."), N_("room, cheque")),
)


class FilterError(ValueError):
    """A field that cannot be read; the message is for the cashier."""


def _date_order(locale: str) -> str:
    """The order of day, month and year in the locale's short dates: "dmy", "mdy" or "ymd"."""
    pattern = get_date_format("short", locale=locale).pattern
    positions = {letter: pattern.find(letter) for letter in "dMy"}
    return "".join(k for k, _v in sorted(positions.items(), key=lambda kv: kv[1])).lower()


def date_example(locale: str, today: date) -> str:
    return str(format_date(today, "short", locale=locale))


def parse_day(text: str, locale: str, today: date) -> date:
    """A date as typed: 2025-11-24, or the locale's order (24/11/2025, 24.11.25 in French,
    11/24/2025 in English); without the year, the latest such date up to today."""
    parts = [p for p in _DATE_PARTS.split(text.strip()) if p]
    problem = FilterError(
        _("{text} is not a date: type it like {example}.").format(
            text=text.strip(), example=date_example(locale, today)
        )
    )
    if not 2 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
        raise problem
    order = "ymd" if len(parts[0]) == 4 else _date_order(locale)
    if len(parts) == 2:
        order = order.replace("y", "")
    values = dict(zip(order, (int(p) for p in parts), strict=True))
    year = values.get("y", today.year)
    if year < 100:
        year += 2000
    try:
        day = date(year, values["m"], values["d"])
        if "y" not in values and day > today:
            day = date(year - 1, values["m"], values["d"])
    except ValueError:
        raise problem from None
    return day


def parse_hours(text: str) -> tuple[int, int]:
    """An hour window as typed: "12-14" (12:00 to 13:59), "12h-14h", "22-2" (over midnight),
    "12" (12:00 to 12:59)."""
    match = _HOURS.match(text)
    problem = FilterError(_("Hours: type a window like 12-14."))
    if not match:
        raise problem
    first = int(match.group(1))
    last = int(match.group(2)) if match.group(2) else first + 1
    if first > 23 or last > 24 or first == last:
        raise problem
    return first, last


def parse_method(text: str, methods: Sequence[PaymentMethod]) -> str:
    """A payment method's code from its number (its key on the payment screen), code or
    label, or the beginning of one of them."""
    key = search_key(text).strip()
    if key.isdigit() and 1 <= int(key) <= len(methods):
        return methods[int(key) - 1].code
    names = [(m.code, {search_key(m.code), search_key(m.label)}) for m in methods]
    exact = [code for code, keys in names if key in keys]
    begins = [code for code, keys in names if any(k.startswith(key) for k in keys)]
    found = exact or begins
    if len(found) != 1:
        raise FilterError(
            _("No payment method {text}: type its number (1 to {n}) or its name.").format(
                text=text.strip(), n=len(methods)
            )
        )
    return found[0]


def parse_register(text: str) -> str | None:
    text = text.strip()
    if not text:
        return None
    if text.casefold() in (*ALL_WORDS, _("all").casefold()):
        return ALL_REGISTERS
    return text


class FilterPanel(Grid):
    """Twelve fields in four rows: label, field, label, field..."""

    DEFAULT_CSS = """
    FilterPanel {
        grid-size: 6;
        grid-columns: auto 1fr auto 1fr auto 1fr;
        grid-rows: 1;
        grid-gutter: 0 1;
        height: 4;
        padding: 0 1;
        background: $boost;
    }
    FilterPanel Label { color: $text-muted; }
    FilterPanel Input { width: 1fr; }
    FilterPanel Input.-bad { color: $error; text-style: bold; }
    """

    def __init__(self, *, register: str, locale: str, today: date) -> None:
        super().__init__(id="filters")
        self.register = register
        self.locale = locale
        self.today = today

    def compose(self) -> ComposeResult:
        placeholders = {
            "date_from": date_example(self.locale, self.today),
            "date_to": date_example(self.locale, self.today),
            "register": _("{register} (* all)").format(register=self.register),
        }
        for field in FIELDS:
            yield Label(_(field.label))
            placeholder = placeholders.get(field.id) or (
                _(field.placeholder) if field.placeholder else ""
            )
            yield Input(placeholder=placeholder, id=f"filter-{field.id}", compact=True)

    def field(self, name: str) -> Input:
        return self.query_one(f"#filter-{name}", Input)

    def text(self, name: str) -> str:
        return self.field(name).value.strip()

    def clear(self) -> None:
        for field in FIELDS:
            self.field(field.id).value = ""
            self.field(field.id).remove_class("-bad")

    def summary(self) -> str:
        """The filters given, as typed, for the header."""
        return ", ".join(self.text(field.id) for field in FIELDS if self.text(field.id))

    def read(self, methods: Sequence[PaymentMethod]) -> tuple[SaleFilter, dict[str, str]]:
        """The filter the fields say, and a message for each field that cannot be read
        (those fields are marked, and left out of the filter)."""
        errors: dict[str, str] = {}

        def attempt(name: str, parse: Callable[[str], T]) -> T | None:
            text = self.text(name)
            if not text:
                return None
            try:
                return parse(text)
            except FilterError as error:
                errors[name] = str(error)
                return None

        def day(text: str) -> date:
            return parse_day(text, self.locale, self.today)

        first, last = attempt("date_from", day), attempt("date_to", day)
        if first is not None and last is not None and last < first:
            errors["date_to"] = _("The end date is before the start date.")
            last = None
        hour_from, hour_to = attempt("hours", parse_hours) or (None, None)
        sale_filter = SaleFilter(
            date_from=first,
            date_to=last,
            hour_from=hour_from,
            hour_to=hour_to,
            register=parse_register(self.text("register")),
            item=self.text("item") or None,
            customer=self.text("customer") or None,
            cashier=self.text("cashier") or None,
            number=attempt("number", _parse_number),
            last4=attempt("last4", _parse_last4),
            method=attempt("method", lambda text: parse_method(text, methods)),
            reference=self.text("reference") or None,
            find=self.text("find") or None,
        )
        for field in FIELDS:
            self.field(field.id).set_class(field.id in errors, "-bad")
        return sale_filter, errors


def _parse_number(text: str) -> int:
    if not text.isdigit() or len(text) > 9 or int(text) == 0:
        raise FilterError(_("N°: type a sale number."))
    return int(text)


def _parse_last4(text: str) -> str:
    if not (len(text) == 4 and text.isdigit()):
        raise FilterError(_("Last 4: type the card's last 4 digits."))
    return text
