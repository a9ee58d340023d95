"""`till report x|z`: the shift reports in a terminal (Rich tables), and on the printer."""

from __future__ import annotations

import argparse
import sys

from till_tui.config import Config
from till_tui.i18n import _


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    report = commands.add_parser(
        "report",
        help="show (or print) the X report of the open shift or a Z report",
        description="x: the open shift's figures so far (nothing is closed). z: the Z report"
        " of a closed shift, the latest or N° NUMBER, exactly as it was printed at the close.",
    )
    report.add_argument("kind", choices=["x", "z"], help="x (open shift) or z (closed shift)")
    report.add_argument("number", nargs="?", type=int, help="Z number (default: the latest)")
    report.add_argument("--print", action="store_true", help="also print it on the printer")


def report_command(config: Config, args: argparse.Namespace) -> int:
    """Show the report asked for; print it with --print. The exit status."""
    from rich.console import Console

    from till_tui.domain.receipt import ShopHeader
    from till_tui.domain.report_layout import layout_report
    from till_tui.hw.printer import PrinterError, open_printer, render_escpos
    from till_tui.report_view import report_tables
    from till_tui.store.errors import StoreError
    from till_tui.store.reports import ReportError
    from till_tui.store.services import Services

    till = config.till
    try:
        services = Services.open(config)
        if args.kind == "x":
            if args.number is not None:
                return _fail(_("an X report has no number: it is the open shift's"))
            shift = services.shifts.current()
            if shift is None:
                return _fail(
                    _(
                        "no shift is open on register {register} (the last closing: till report z)"
                    ).format(register=till.register)
                )
            report = services.reports.compute(shift.id, config.payment_methods)
        else:
            report = services.reports.z(args.number)
    except (StoreError, ReportError) as error:
        return _fail(str(error))
    Console().print(report_tables(report, currency=till.currency, locale=till.locale))
    if not args.print:
        return 0
    printer = config.printer
    if printer.kind == "none":
        return _fail(_("no printer is set up ([printer] in config.toml)"))
    shop = ShopHeader(config.shop.name, config.shop.header, config.shop.footer)
    rows = layout_report(report, shop, width=printer.width, currency=till.currency,
                         locale=till.locale)  # fmt: skip
    try:
        data = render_escpos(rows, profile=printer.profile or None, codepage=printer.codepage)
        path = config.resolve(printer.path) if printer.path else None
        open_printer(printer, path).send(data)
    except PrinterError as error:
        return _fail(_("the report was not printed: {error}").format(error=error))
    print(_("Report printed."))
    return 0


def _fail(message: str) -> int:
    print(f"till: {message}", file=sys.stderr)
    return 1
