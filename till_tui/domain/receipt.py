"""The receipt: what a finished sale prints, laid out as rows of text for a fixed-width printer.

Pure: no printer library here. `layout_receipt` turns a `Receipt` into `Row`s that each fit the
paper width (in characters; half of it for double-size rows); `till_tui.hw.printer` turns rows
into ESC/POS bytes and `receipt_text` into plain text (tests, e-mail).
"""

from __future__ import annotations

import textwrap
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from babel.dates import format_datetime

from till_tui.domain.cart import Adjustment
from till_tui.domain.money import (
    QTY_UNIT,
    format_amount,
    format_money,
    format_quantity,
    format_rate,
)
from till_tui.domain.vat import VatLine
from till_tui.i18n import _

Align = Literal["left", "center", "right"]

MIN_WIDTH = 20
"""The narrowest paper `layout_receipt` accepts, in characters."""


@dataclass(frozen=True, slots=True)
class ShopHeader:
    """The shop's name, the lines under it (address, SIRET...) and the footer lines."""

    name: str
    lines: tuple[str, ...] = ()
    footer: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ReceiptLine:
    """One sold line. `amount` is the line net: after its own adjustment, before the basket's."""

    name: str
    quantity: int
    unit_price: int
    amount: int
    adjustment: Adjustment | None
    adjustment_amount: int
    """Signed effect of the line's own adjustment (negative for a discount)."""
    vat_rate: int
    list_price: int | None = None
    """The catalogue price, when the unit price was changed at the till."""


@dataclass(frozen=True, slots=True)
class ReceiptTender:
    """One payment: `amount` paid towards the total, `tendered` handed over, `change` given back."""

    label: str
    amount: int
    tendered: int
    change: int
    reference: str = ""
    last4: str = ""


@dataclass(frozen=True, slots=True)
class ReceiptCustomer:
    """The customer of a sale and their account right after it (None: not shown)."""

    name: str
    prepaid: int | None = None
    credit_available: int | None = None


@dataclass(frozen=True, slots=True)
class Receipt:
    """Everything printed for one sale. Amounts are minor units, tax-inclusive."""

    shop: ShopHeader
    sale_number: int
    register: str
    cashier: str
    created_at: datetime
    lines: tuple[ReceiptLine, ...]
    subtotal: int
    basket_adjustment: int
    """Signed basket adjustment (negative for a discount)."""
    basket_rule: Adjustment | None
    total: int
    vat: tuple[VatLine, ...]
    tenders: tuple[ReceiptTender, ...]
    change: int
    note: str = ""
    title: str = ""
    """Printed big on top, e.g. "DUPLICATA 1"."""
    customer: ReceiptCustomer | None = None
    refund_of: int | None = None
    """A refund: the number of the sale it refunds (its amounts are negative)."""
    approved_by: str = ""
    """A refund: the manager who approved it."""
    training: bool = False
    """Made in training mode: "TRAINING" on top and at the bottom, the training number."""


@dataclass(frozen=True, slots=True)
class Row:
    """One printed line. `text` never exceeds the width (half of it when `double`)."""

    text: str
    bold: bool = False
    double: bool = False
    align: Align = "left"


def clean_text(text: str) -> str:
    """One printable line: NFC, control characters and line breaks become spaces, no zero-width."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        category = unicodedata.category(char)
        if category == "Cf":
            continue
        out.append(" " if category in ("Cc", "Zl", "Zp") else char)
    return "".join(out).strip()


def _wrap(text: str, width: int) -> list[str]:
    """`text` cut into lines of at most `width` characters (long words are broken)."""
    lines = textwrap.wrap(text, width=max(width, 1), break_on_hyphens=False)
    return lines or [""]


def adjustment_label(rule: Adjustment | None, amount: int, locale: str) -> str:
    """The label of a discount or extra charge: "Discount 10 %", "Discount" (an amount)..."""
    surcharge = rule.surcharge if rule is not None else amount > 0
    if rule is not None and rule.kind == "percent":
        rate = format_rate(rule.value, locale)
        if surcharge:
            return _("Extra charge {rate}").format(rate=rate)
        return _("Discount {rate}").format(rate=rate)
    return _("Extra charge") if surcharge else _("Discount")


class Layout:
    """Collects rows for one receipt at one width."""

    def __init__(self, width: int, currency: str, locale: str) -> None:
        self.width = width
        self.currency = currency
        self.locale = locale
        self.rows: list[Row] = []

    def amount(self, minor: int) -> str:
        return format_amount(minor, self.currency, self.locale)

    def blank(self) -> None:
        self.rows.append(Row(""))

    def rule(self) -> None:
        self.rows.append(Row("-" * self.width))

    def text(
        self,
        text: str,
        *,
        align: Align = "left",
        bold: bool = False,
        double: bool = False,
        indent: str = "",
    ) -> None:
        usable = (self.width // 2 if double else self.width) - len(indent)
        for line in _wrap(clean_text(text), usable):
            self.rows.append(Row(indent + line, bold=bold, double=double, align=align))

    def pair(self, left: str, right: str, *, bold: bool = False, double: bool = False) -> None:
        """`left` then `right` flush right on the same row; wrapped onto more rows if too long."""
        usable = self.width // 2 if double else self.width
        if double and len(right) > usable:
            self.pair(left, right, bold=bold)
            return
        indent = left[: len(left) - len(left.lstrip(" "))]
        lines = _wrap(clean_text(left), usable - len(indent))
        lines = [indent + line for line in lines]
        last = lines.pop()
        if len(last) + 1 + len(right) <= usable:
            tail = [last + " " * (usable - len(last) - len(right)) + right]
        else:
            tail = [last] if last.strip() else []
            tail += [piece.rjust(usable) for piece in _wrap(right, usable)]
        for line in (*lines, *tail):
            self.rows.append(Row(line, bold=bold, double=double))


def _header(out: Layout, receipt: Receipt) -> None:
    out.text(receipt.shop.name, align="center", bold=True)
    for line in receipt.shop.lines:
        out.text(line, align="center")
    if receipt.training:
        out.blank()
        out.text(_("TRAINING"), align="center", bold=True, double=True)
    if receipt.title:
        out.blank()
        out.text(receipt.title, align="center", bold=True, double=True)
    if receipt.refund_of is not None:
        out.blank()
        refund = _("Refund of sale {number}").format(number=receipt.refund_of)
        out.text(refund, align="center", bold=True, double=True)
    out.blank()
    if receipt.training:
        out.text(_("Training sale N° {number}").format(number=receipt.sale_number))
    else:
        out.text(_("Sale N° {number}").format(number=receipt.sale_number))
    out.text(format_datetime(receipt.created_at, "short", locale=out.locale))
    if receipt.register:
        out.text(_("Register: {register}").format(register=receipt.register))
    if receipt.cashier:
        out.text(_("Cashier: {cashier}").format(cashier=receipt.cashier))
    if receipt.approved_by:
        out.text(_("Approved by: {name}").format(name=receipt.approved_by))
    out.rule()


def _line(out: Layout, line: ReceiptLine) -> None:
    gross = line.amount - line.adjustment_amount
    if line.quantity == QTY_UNIT:
        out.pair(line.name, out.amount(gross))
    else:
        out.text(line.name)
        quantity = format_quantity(line.quantity, out.locale)
        out.pair(f"  {quantity} x {out.amount(line.unit_price)}", out.amount(gross))
    if line.list_price is not None:
        price = out.amount(line.list_price)
        out.text(_("Price changed from {price}").format(price=price), indent="  ")
    if line.adjustment is not None or line.adjustment_amount:
        label = adjustment_label(line.adjustment, line.adjustment_amount, out.locale)
        out.pair("  " + label, out.amount(line.adjustment_amount))


def _vat_table(out: Layout, vat: Sequence[VatLine]) -> None:
    header = [_("Rate"), _("Base"), _("VAT"), _("Total")]
    table = [
        [
            format_rate(v.rate, out.locale),
            out.amount(v.base),
            out.amount(v.vat),
            out.amount(v.total),
        ]
        for v in vat
    ]
    first = max(len(row[0]) for row in (header, *table))
    column = max(len(cell) for row in (header, *table) for cell in row[1:]) + 1
    rest = out.width - first
    if rest < 3 * column:
        for cells in table:  # too narrow for columns: one block per rate
            for name, cell in zip(header, cells, strict=True):
                out.pair(name, cell)
        return
    column = rest // 3
    for cells in (header, *table):
        text = cells[0].ljust(out.width - 3 * column) + "".join(c.rjust(column) for c in cells[1:])
        out.rows.append(Row(text))


def _customer(out: Layout, customer: ReceiptCustomer) -> None:
    out.blank()
    out.text(_("Customer: {name}").format(name=customer.name))
    if customer.prepaid is not None:
        out.pair("  " + _("Prepaid balance"), out.amount(customer.prepaid))
    if customer.credit_available is not None:
        out.pair("  " + _("Credit available"), out.amount(customer.credit_available))


def layout_receipt(receipt: Receipt, *, width: int, currency: str, locale: str) -> tuple[Row, ...]:
    """The rows of a French-style till receipt for paper `width` characters wide (32, 42, 48...)."""
    if width < MIN_WIDTH:
        raise ValueError(f"receipt width {width} is below {MIN_WIDTH}")
    out = Layout(width, currency, locale)
    _header(out, receipt)
    for line in receipt.lines:
        _line(out, line)
    out.rule()
    if receipt.basket_adjustment or receipt.basket_rule is not None:
        out.pair(_("Subtotal"), out.amount(receipt.subtotal))
        label = adjustment_label(receipt.basket_rule, receipt.basket_adjustment, locale)
        out.pair(label, out.amount(receipt.basket_adjustment))
    total = format_money(receipt.total, currency, locale)
    out.pair(_("TOTAL"), total, bold=True, double=True)
    if receipt.vat:
        out.blank()
        _vat_table(out, receipt.vat)
    if receipt.tenders:
        out.blank()
    for tender in receipt.tenders:
        out.pair(tender.label, out.amount(tender.tendered or tender.amount))
        if tender.last4:
            out.text(_("Card **** {last4}").format(last4=tender.last4), indent="  ")
        if tender.reference:
            out.text(_("Ref. {reference}").format(reference=tender.reference), indent="  ")
    if receipt.change:
        out.pair(_("Change"), out.amount(receipt.change))
    if receipt.customer is not None:
        _customer(out, receipt.customer)
    if receipt.note:
        out.blank()
        for paragraph in receipt.note.splitlines():
            out.text(paragraph)
    if receipt.shop.footer:
        out.blank()
        for footer in receipt.shop.footer:
            out.text(footer, align="center")
    if receipt.training:
        out.blank()
        out.text(_("TRAINING"), align="center", bold=True, double=True)
        out.text(_("Training mode: no sale was made."), align="center")
    return tuple(out.rows)


def receipt_text(rows: Sequence[Row], width: int) -> str:
    """Plain-text rendering of `rows` (alignment applied within `width`), one line per row."""
    lines = []
    for row in rows:
        if row.align == "center":
            text = row.text.center(width)
        elif row.align == "right":
            text = row.text.rjust(width)
        else:
            text = row.text
        lines.append(text.rstrip())
    return "\n".join(lines) + "\n"
