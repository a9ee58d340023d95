"""The X and Z reports laid out as receipt rows: printed, and shown as text on the till's screen.

Lines that would read zero are left out (a café with no credit accounts does not get eight
rows of 0,00), except the figures a cashier checks every day: sales, revenue, and each money-in
method's expected amount.
"""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_datetime, format_time

from till_tui.domain.receipt import Layout, Row, ShopHeader, _vat_table
from till_tui.domain.report_labels import ACCOUNT_LABELS, METHOD_PARTS
from till_tui.domain.shift_report import MethodLine, ShiftReport
from till_tui.i18n import _


def report_title(report: ShiftReport) -> str:
    if report.z_number is None:
        return _("X REPORT")
    return _("Z REPORT N° {number}").format(number=report.z_number)


def layout_report(
    report: ShiftReport, shop: ShopHeader, *, width: int, currency: str, locale: str
) -> tuple[Row, ...]:
    """The rows of an X report (shift open) or a Z report (closed)."""
    out = Layout(width, currency, locale)
    if shop.name:
        out.text(shop.name, align="center", bold=True)
    out.text(report_title(report), align="center", bold=True, double=True)
    if report.z_number is None:
        out.text(_("(shift still open: not a closing)"), align="center")
        as_of = format_datetime(datetime.now().astimezone(), "short", locale=locale)
        out.text(_("As of {when}").format(when=as_of), align="center")
    out.blank()
    _header(out, report)
    out.rule()
    _sales(out, report)
    out.rule()
    out.text(_("PAYMENTS"), bold=True)
    counts = {c.code: c for c in report.counts}
    for method in report.methods:
        _method(out, method)
        count = counts.get(method.code)
        if count is not None and count.counted is not None:
            out.pair("  " + _("Counted"), out.amount(count.counted))
            out.pair("  " + _("Difference"), out.amount(count.counted - count.expected), bold=True)
    if report.on_account:
        out.blank()
        out.text(_("PAID FROM CUSTOMER ACCOUNTS"), bold=True)
        for method in report.on_account:
            out.pair(method.label, out.amount(method.sales + method.refunds))
    _accounts(out, report)
    _movements(out, report)
    out.rule()
    out.pair(_("Grand total"), out.amount(report.grand_total), bold=True)
    out.pair(_("Grand total (absolute)"), out.amount(report.grand_total_abs))
    if report.note:
        out.blank()
        out.text(_("Note: {note}").format(note=report.note))
    if report.approved_by:
        out.text(_("Approved by: {name}").format(name=report.approved_by))
    if report.journal_hash:
        out.blank()
        out.text(_("Journal: row {seq}").format(seq=report.journal_seq))
        out.text(_("SHA-256 {digits}").format(digits=journal_digits(report.journal_hash)))
    return tuple(out.rows)


def journal_digits(digest: str) -> str:
    """The first 16 hex digits of a journal hash, in groups of 4, as a Z prints them: enough
    to tell a rewritten journal from the one this Z was printed from."""
    return " ".join(digest[index : index + 4] for index in range(0, 16, 4))


def _header(out: Layout, report: ShiftReport) -> None:
    out.text(_("Register: {register}").format(register=report.register))
    out.text(_("Shift N° {number}").format(number=report.shift_number))
    opened = format_datetime(report.opened_at.astimezone(), "short", locale=out.locale)
    out.text(_("Opened {when} by {name}").format(when=opened, name=report.opened_by))
    if report.closed_at is not None:
        closed = format_datetime(report.closed_at.astimezone(), "short", locale=out.locale)
        out.text(_("Closed {when} by {name}").format(when=closed, name=report.closed_by))
    if report.cashiers:
        out.text(_("Staff: {names}").format(names=", ".join(report.cashiers)))


def _sales(out: Layout, report: ShiftReport) -> None:
    out.pair(_("Sales ({count})").format(count=report.sales_count), out.amount(report.sales_total))
    if report.refunds_count:
        label = _("Refunds ({count})").format(count=report.refunds_count)
        out.pair(label, out.amount(report.refunds_total))
    out.pair(_("REVENUE incl. VAT"), out.amount(report.revenue), bold=True)
    if report.discounts:
        out.pair(_("Discounts given"), out.amount(report.discounts))
    if report.vat:
        out.blank()
        _vat_table(out, report.vat)
        out.pair(_("Total VAT"), out.amount(report.vat_total))


def _method(out: Layout, method: MethodLine) -> None:
    out.blank()
    out.text(method.label, bold=True)
    for attribute, label in METHOD_PARTS:
        value = getattr(method, attribute)
        if value:
            out.pair("  " + _(label), out.amount(value))
        if attribute == "sales" and method.kind == "cash" and method.tendered:
            out.pair("    " + _("handed over"), out.amount(method.tendered))
            out.pair("    " + _("change given"), out.amount(-method.change))
    out.pair("  " + _("Expected"), out.amount(method.expected), bold=True)


def _accounts(out: Layout, report: ShiftReport) -> None:
    values = [(label, getattr(report.accounts, key)) for key, label in ACCOUNT_LABELS]
    if not any(value for _label, value in values):
        return
    out.rule()
    out.text(_("CUSTOMER ACCOUNTS (not revenue)"), bold=True)
    for label, value in values:
        if value:
            out.pair(_(label), out.amount(value))


def _movements(out: Layout, report: ShiftReport) -> None:
    if not report.movements and not report.no_sale:
        return
    out.rule()
    out.text(_("CASH MOVEMENTS"), bold=True)
    for move in report.movements:
        when = format_time(move.created_at.astimezone(), "short", locale=out.locale)
        sign = 1 if move.direction == "in" else -1
        kind = _("In") if move.direction == "in" else _("Out")
        out.pair(f"{when} {kind} {move.reason} ({move.staff})", out.amount(sign * move.amount))
    if report.no_sale:
        out.pair(_("Drawer opened without a sale"), str(report.no_sale))
