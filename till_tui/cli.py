"""The `till` command: run the till, try the demo, and look after a store from the shell.

Heavy imports (Textual, the store) happen inside the command that needs them, so `till --help`
and the maintenance commands start fast.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import io
import os
import re
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TextIO

from till_tui.config import Config, ConfigError, default_config_path, load_config
from till_tui.i18n import _, ngettext, set_locale


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="till", description="A keyboard-only till for shops, cafés and hotel desks."
    )
    parser.add_argument(
        "--config",
        type=Path,
        help="config.toml to use (default: $TILL_CONFIG, else the user config folder)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("run", help="run the till (the default)")

    demo = commands.add_parser("demo", help="run a demo till with a sample café catalogue")
    demo.add_argument("--dir", type=Path, help="where the demo store lives")
    demo.add_argument("--reset", action="store_true", help="start the demo store afresh")
    demo.add_argument("--locale", default="fr_FR", help="language of a new demo (fr_FR, en_US)")

    imp = commands.add_parser("import", help="import products or customers from CSV")
    imp.add_argument("what", choices=["products", "customers"])
    imp.add_argument("file", type=Path)

    staff = commands.add_parser("staff", help="manage staff")
    staff_commands = staff.add_subparsers(dest="staff_command", required=True, metavar="ACTION")
    add = staff_commands.add_parser("add", help="add a cashier or a manager")
    add.add_argument("name")
    add.add_argument("--pin", help="4 to 8 digits (asked for when left out)")
    add.add_argument("--role", choices=["cashier", "manager"], default="cashier")

    commands.add_parser(
        "doctor",
        help="check the config, database, journal, disk, printer and scanners",
        description="One line per check, OK / WARN / FAIL, with what to do. Changes nothing."
        " Exit status 1 if any check fails.",
    )
    from till_tui import cli_journal, cli_reports

    cli_reports.add_parser(commands)
    cli_journal.add_parser(commands)

    export = commands.add_parser("export", help="export sales or payments for the accountant (CSV)")
    export_commands = export.add_subparsers(dest="export_command", required=True, metavar="WHAT")
    sales = export_commands.add_parser(
        "sales",
        help="one CSV row per sale or refund of a period",
        description="Write one CSV row per sale or refund made between two local dates (both"
        " included): sale_number, date, register, staff, customer, lines (how many), total and"
        " vat (incl. VAT; negative for a refund), refund_of (the refunded sale's number)."
        " With no dates: today.",
    )
    pay = export_commands.add_parser(
        "payments",
        help="one CSV row per payment of the sales of a period",
        description="Write one CSV row per payment of the sales made between two local dates"
        " (both included): sale_number, date, register, staff, customer, method, amount,"
        " reference, external_id. With no dates: today.",
    )
    pay.add_argument("--method", metavar="CODE", help="only this payment method (default: all)")
    journal = cli_journal.add_export_parser(export_commands)
    for sub in (sales, pay, journal):
        sub.add_argument(
            "--from", dest="first", metavar="YYYY-MM-DD", help="first date (default: the --to date)"
        )
        sub.add_argument(
            "--to", dest="last", metavar="YYYY-MM-DD", help="last date, included (default: today)"
        )
        sub.add_argument("--register", metavar="CODE", help="only this register (default: all)")
        sub.add_argument(
            "--output", "-o", metavar="FILE", help="write to FILE (default: standard output)"
        )
        if sub is journal:
            continue
        sub.add_argument(
            "--excel",
            action="store_true",
            help="for Excel: UTF-8 with a BOM; where the locale writes 12,50 (fr_FR),"
            " fields separated by ';' and amounts with a decimal comma",
        )
    return parser


def _fail(message: str, code: int = 1) -> int:
    print(f"till: {message}", file=sys.stderr)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `till` command; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "demo":
            return _demo(args)
        if args.command == "doctor":
            return _doctor(args.config or default_config_path())
        config = load_config(args.config or default_config_path())
        set_locale(config.till.locale)
        if args.command == "import":
            return _import(config, args.file, args.what)
        if args.command == "staff":
            return _staff_add(config, args.name, args.pin, args.role)
        if args.command == "export":
            return _export(config, args)
        if args.command == "verify":
            from till_tui.cli_journal import verify_command

            return verify_command(config)
        if args.command == "report":
            from till_tui.cli_reports import report_command

            return report_command(config, args)
        return _run(config)
    except ConfigError as error:
        return _fail(str(error), 2)
    except KeyboardInterrupt:
        return _fail("interrupted", 130)


def _doctor(config_path: Path) -> int:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from till_tui.doctor import run_checks

    with contextlib.suppress(ConfigError):  # messages in the config's language, if readable
        set_locale(load_config(config_path).till.locale)
    checks = run_checks(config_path)
    table = Table(box=None, show_header=False, padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")
    styles = {"OK": "bold green", "WARN": "bold yellow", "FAIL": "bold red"}
    for check in checks:
        detail = Text(check.detail)
        if check.fix:
            detail.append("\n→ " + check.fix, style="italic")
        table.add_row(Text(check.status, style=styles[check.status]), check.name, detail)
    Console().print(table)
    failed = sum(check.status == "FAIL" for check in checks)
    warned = sum(check.status == "WARN" for check in checks)
    print(
        _("{failed} failed, {warned} warnings, {ok} OK").format(
            failed=failed, warned=warned, ok=len(checks) - failed - warned
        )
    )
    return 1 if failed else 0


def _open_services(config: Config):  # type: ignore[no-untyped-def]
    from till_tui.store.services import Services

    return Services.open(config)


def _run(config: Config, demo_hint: str = "", receipts: Path | None = None) -> int:
    from till_tui.app import make_app
    from till_tui.store.errors import StoreError

    try:
        app = make_app(config, demo_hint=demo_hint)
    except StoreError as error:
        return _fail(str(error))
    app.run()
    return app.return_code or 0


def _demo(args: argparse.Namespace) -> int:
    from platformdirs import user_data_path

    from till_tui.demo import demo_store

    folder = args.dir or user_data_path("till-tui") / "demo"
    store = demo_store(folder, reset=args.reset, locale=args.locale)
    config = load_config(store.config_path)
    set_locale(config.till.locale)
    return _run(config, demo_hint=store.hint)


def _import(config: Config, file: Path, what: str = "products") -> int:
    from till_tui.store.catalog import ImportFailed
    from till_tui.store.errors import StoreError

    try:
        services = _open_services(config)
        if what == "customers":
            result = services.customers.import_csv(file, config.till.currency)
        else:
            result = services.catalog.import_csv(file, config.till.currency)
    except ImportFailed as failure:
        for line in failure.errors:
            print(f"{file}: {line}", file=sys.stderr)
        return _fail(_("nothing was imported ({n} errors)").format(n=len(failure.errors)))
    except StoreError as error:
        return _fail(str(error))
    if what == "customers":
        print(_("{added} customers added").format(added=result.added))
        return 0
    print(
        _("{added} products added, {updated} updated").format(
            added=result.added, updated=result.updated
        )
    )
    return 0


def _staff_add(config: Config, name: str, pin: str | None, role: str) -> int:
    from till_tui.store.errors import StoreError
    from till_tui.store.staff import StaffError

    if pin is None:
        pin = getpass.getpass(_("PIN for {name}: ").format(name=name))
        if getpass.getpass(_("Same PIN again: ")) != pin:
            return _fail(_("the two PINs differ"))
    try:
        member = _open_services(config).staff.add(name, pin, role)
    except (StaffError, StoreError) as error:
        return _fail(str(error))
    role = _("manager") if member.is_manager else _("cashier")
    print(_("{name} added as {role}").format(name=member.name, role=role))
    return 0


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _date(option: str, text: str) -> date:
    """A YYYY-MM-DD date given to `option`; ValueError with a message for the user."""
    try:
        if _DATE.match(text.strip()):
            return date.fromisoformat(text.strip())
    except ValueError:
        pass
    raise ValueError(
        _("{option}: not a valid date: {text} (expected YYYY-MM-DD, e.g. 2026-11-24)").format(
            option=option, text=text
        )
    )


def _export(config: Config, args: argparse.Namespace) -> int:
    from till_tui.store import exports
    from till_tui.store.errors import StoreError

    try:
        last = _date("--to", args.last) if args.last is not None else date.today()
        first = _date("--from", args.first) if args.first is not None else last
    except ValueError as error:
        return _fail(str(error))
    if first > last:
        return _fail(
            _("--from {first} is after --to {last}").format(
                first=first.isoformat(), last=last.isoformat()
            )
        )
    decimal, delimiter = ".", ","
    if getattr(args, "excel", False):
        from babel.numbers import get_decimal_symbol

        if get_decimal_symbol(config.till.locale) == ",":
            decimal, delimiter = ",", ";"
    try:
        _open_services(config)
        method = getattr(args, "method", None)
        problem = _export_filters_problem(config, method, args.register)
        if problem:
            return _fail(problem)
        currency = config.till.currency

        def write(out: TextIO) -> int:
            if args.export_command == "journal":
                return _write_journal(out, first, last, args.register)
            if args.excel:
                out.write("\ufeff")  # the BOM that tells Excel the file is UTF-8
            if args.export_command == "sales":
                sales = exports.sales(first, last, register=args.register)
                return exports.write_sales_csv(
                    out, sales, currency=currency, delimiter=delimiter, decimal=decimal
                )
            rows = exports.payments(first, last, method=method, register=args.register)
            return exports.write_payments_csv(
                out, rows, currency=currency, delimiter=delimiter, decimal=decimal
            )

        if args.output is None or args.output == "-":
            return _write_stdout(write)
        count = _write_file(Path(args.output), write)
    except StoreError as error:
        return _fail(str(error))
    except OSError as error:
        path = args.output if args.output not in (None, "-") else _("standard output")
        return _fail(
            _("cannot write {path}: {error}").format(path=path, error=error.strerror or error)
        )
    if args.export_command == "sales":
        written = ngettext("{n} sale written to {path}", "{n} sales written to {path}", count)
    elif args.export_command == "journal":
        written = ngettext(
            "{n} journal row written to {path}", "{n} journal rows written to {path}", count
        )
    else:
        written = ngettext("{n} payment written to {path}", "{n} payments written to {path}", count)
    print(written.format(n=count, path=args.output))
    return 0


def _write_journal(out: TextIO, first: date, last: date, register: str | None) -> int:
    from till_tui.store import journal
    from till_tui.store.exports import utc_bounds

    count = 0
    for line in journal.export_lines(*utc_bounds(first, last), register=register):
        out.write(line + "\n")
        count += 1
    return count


def _export_filters_problem(config: Config, method: str | None, register: str | None) -> str:
    """Why --method or --register cannot be exported ("" if they can). A method no longer in
    the config but found in the payments is exported, with a warning."""
    from till_tui.store import exports

    if method is not None:
        configured = [m.code for m in config.payment_methods]
        if method not in configured:
            recorded = exports.methods_in_data()
            if method not in recorded:
                known = configured + [code for code in recorded if code not in configured]
                return _("unknown payment method {code} (known: {codes})").format(
                    code=method, codes=", ".join(known)
                )
            _warn(
                _(
                    "the payment method {code} is not in the configuration;"
                    " its recorded payments are exported all the same"
                ).format(code=method)
            )
    if register is not None and register != config.till.register:
        registers = exports.registers_in_data()
        if register not in registers:
            known = [config.till.register] + [r for r in registers if r != config.till.register]
            return _("unknown register {code} (known: {codes})").format(
                code=register, codes=", ".join(known)
            )
    return ""


def _warn(message: str) -> None:
    print(f"till: {message}", file=sys.stderr)


def _write_file(path: Path, write: Callable[[TextIO], int]) -> int:
    """Write to `path` with `write`; a file left half-written by an error is removed."""
    with path.open("w", encoding="utf-8", newline="") as out:
        try:
            return write(out)
        except BaseException:
            out.close()
            if path.is_file():
                path.unlink()
            raise


def _write_stdout(write: Callable[[TextIO], int]) -> int:
    """Write UTF-8 to standard output, whatever the terminal's encoding; a reader that stops
    early (`| head`) is not an error."""
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # stdout replaced by a text stream
        write(sys.stdout)
        return 0
    sys.stdout.flush()
    out = io.TextIOWrapper(buffer, encoding="utf-8", newline="")
    try:
        write(out)
        out.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    finally:
        out.detach()  # leave sys.stdout open
    return 0


if __name__ == "__main__":
    sys.exit(main())
