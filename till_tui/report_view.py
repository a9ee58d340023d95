"""X and Z reports as Rich tables, for `till report` in a terminal (the till's screen and the
printer use the receipt layout of domain/report_layout.py; the figures are the same)."""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_datetime
from rich.console import Group
from rich.table import Table

from till_tui.domain.money import format_amount, format_rate
from till_tui.domain.report_labels import ACCOUNT_LABELS, METHOD_PARTS
from till_tui.domain.report_layout import report_title
from till_tui.domain.shift_report import ShiftReport
from till_tui.i18n import _


def report_tables(report: ShiftReport, *, currency: str, locale: str) -> Group:
    """The report as a group of Rich tables: summary, VAT, payment methods, accounts, cash."""

    def money(minor: int) -> str:
        return format_amount(minor, currency, locale)

    def when(stamp: datetime) -> str:
        return format_datetime(stamp.astimezone(), "short", locale=locale)

    summary = Table(title=report_title(report), show_header=False, title_style="bold")
    summary.add_column(_("Item"))
    summary.add_column(_("Value"), justify="right")
    summary.add_row(_("Register"), report.register)
    summary.add_row(_("Shift"), str(report.shift_number))
    summary.add_row(_("Opened"), f"{when(report.opened_at)} ({report.opened_by})")
    if report.closed_at is not None:
        summary.add_row(_("Closed"), f"{when(report.closed_at)} ({report.closed_by})")
    summary.add_row(_("Staff"), ", ".join(report.cashiers))
    summary.add_row(
        _("Sales ({count})").format(count=report.sales_count), money(report.sales_total)
    )
    summary.add_row(
        _("Refunds ({count})").format(count=report.refunds_count), money(report.refunds_total)
    )
    summary.add_row(_("REVENUE incl. VAT"), money(report.revenue), style="bold")
    summary.add_row(_("Discounts given"), money(report.discounts))
    summary.add_row(_("Drawer opened without a sale"), str(report.no_sale))
    summary.add_row(_("Grand total"), money(report.grand_total), style="bold")
    summary.add_row(_("Grand total (absolute)"), money(report.grand_total_abs))
    if report.note:
        summary.add_row(_("Note"), report.note)
    if report.approved_by:
        summary.add_row(_("Approved by"), report.approved_by)

    vat = Table(title=_("VAT"))
    for header in (_("Rate"), _("Base"), _("VAT"), _("Total")):
        vat.add_column(header, justify="right")
    for line in report.vat:
        vat.add_row(
            format_rate(line.rate, locale), money(line.base), money(line.vat), money(line.total)
        )
    vat.add_row("", money(sum(v.base for v in report.vat)), money(report.vat_total),
                money(report.revenue), style="bold")  # fmt: skip

    methods = Table(title=_("Payments"))
    methods.add_column("")
    for method in report.methods:
        methods.add_column(method.label, justify="right")
    for attribute, label in METHOD_PARTS:
        values = [getattr(m, attribute) for m in report.methods]
        if any(values):
            methods.add_row(_(label), *(money(v) for v in values))
    cash = report.cash
    if cash is not None and cash.tendered:
        methods.add_row(
            _("handed over"), *(money(m.tendered) if m is cash else "" for m in report.methods)
        )
        methods.add_row(
            _("change given"), *(money(-m.change) if m is cash else "" for m in report.methods)
        )
    methods.add_row(_("Expected"), *(money(m.expected) for m in report.methods), style="bold")
    counts = {c.code: c for c in report.counts}
    if counts:
        methods.add_row(
            _("Counted"),
            *(money(c.counted) if (c := counts.get(m.code)) and c.counted is not None else "-"
              for m in report.methods),
        )  # fmt: skip
        methods.add_row(
            _("Difference"),
            *(money(d) if (c := counts.get(m.code)) and (d := c.difference) is not None else "-"
              for m in report.methods),
            style="bold",
        )  # fmt: skip

    tables: list[Table] = [summary, vat, methods]
    if report.on_account:
        paid = Table(title=_("Paid from customer accounts"))
        paid.add_column(_("Method"))
        paid.add_column(_("Amount"), justify="right")
        for method in report.on_account:
            paid.add_row(method.label, money(method.sales + method.refunds))
        tables.append(paid)
    account_rows = [(label, getattr(report.accounts, key)) for key, label in ACCOUNT_LABELS]
    if any(value for _label, value in account_rows):
        accounts = Table(title=_("Customer accounts (not revenue)"))
        accounts.add_column(_("Movement"))
        accounts.add_column(_("Amount"), justify="right")
        for label, value in account_rows:
            if value:
                accounts.add_row(_(label), money(value))
        tables.append(accounts)
    if report.movements:
        moves = Table(title=_("Cash movements"))
        for header in (_("Time"), _("Staff"), _("Reason")):
            moves.add_column(header)
        moves.add_column(_("Amount"), justify="right")
        for move in report.movements:
            sign = 1 if move.direction == "in" else -1
            moves.add_row(when(move.created_at), move.staff, move.reason, money(sign * move.amount))
        tables.append(moves)
    return Group(*tables)
