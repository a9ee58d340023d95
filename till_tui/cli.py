"""The `till` command: run the till, try the demo, and look after a store from the shell.

Heavy imports (Textual, the store) happen inside the command that needs them, so `till --help`
and the maintenance commands start fast.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence
from pathlib import Path

from till_tui.config import Config, ConfigError, default_config_path, load_config
from till_tui.i18n import _, set_locale


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
        config = load_config(args.config or default_config_path())
        set_locale(config.till.locale)
        if args.command == "import":
            return _import(config, args.file, args.what)
        if args.command == "staff":
            return _staff_add(config, args.name, args.pin, args.role)
        return _run(config)
    except ConfigError as error:
        return _fail(str(error), 2)
    except KeyboardInterrupt:
        return _fail("interrupted", 130)


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


if __name__ == "__main__":
    sys.exit(main())
