"""`till doctor`: one line per check for the support technician, each OK, WARN or FAIL with
what to do. Nothing is changed: the database is opened read-only (not even migrated).

Checks: version, config file, database (reachable, schema version), integrity, the journal
chain of every register, free disk, printer, scanners.
"""

from __future__ import annotations

import contextlib
import glob
import os
import platform
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from till_tui.config import Config, ConfigError, load_config
from till_tui.i18n import _

if TYPE_CHECKING:
    from till_tui.hw.scanner import Opener

Status = Literal["OK", "WARN", "FAIL"]

DISK_WARN = 500 * 1024 * 1024
"""Free space below which the disk check warns (a year of sales is ~150 MB)."""
DISK_FAIL = 50 * 1024 * 1024
"""Free space below which the disk check fails: SQLite needs room to commit."""


@dataclass(frozen=True, slots=True)
class Check:
    """The result of one check."""

    name: str
    status: Status
    detail: str
    fix: str = ""


def run_checks(config_path: Path) -> list[Check]:
    """Every check, in order; later checks are skipped when what they need failed."""
    checks = [_version()]
    try:
        config = load_config(config_path)
    except ConfigError as error:
        fix = _("Fix the key named above, or run `till demo` to see a working config.")
        if not config_path.exists():
            fix = _("Create it (see the README's Configuration), or set TILL_CONFIG.")
        checks.append(Check(_("Config"), "FAIL", str(error), fix))
        return checks
    checks.append(Check(_("Config"), "OK", str(config_path)))
    checks.extend(_database_checks(config))
    checks.append(_printer(config))
    checks.extend(_scanners(config))
    return checks


def _version() -> Check:
    from importlib.metadata import PackageNotFoundError, version

    try:
        till = version("till-tui")
    except PackageNotFoundError:
        till = "?"
    detail = f"till-tui {till}, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    return Check(_("Version"), "OK", detail)


# --- database -------------------------------------------------------------------------------


def _database_checks(config: Config) -> Iterator[Check]:
    from till_tui.store.db import sqlite_path
    from till_tui.store.errors import StoreError

    try:
        path = sqlite_path(config.store.database, config.base_dir)
    except StoreError as error:
        yield Check(_("Database"), "FAIL", str(error), _("Fix [store] database in config.toml."))
        return
    yield from _database_file_checks(path)
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent  # a database not created yet: the disk it will be on
    yield _disk(folder)


def _database_file_checks(path: Path) -> Iterator[Check]:
    if not path.exists():
        yield Check(
            _("Database"),
            "FAIL",
            _("No database at {path}").format(path=path),
            _("Start the till once to create it, or fix [store] database in config.toml."),
        )
        return
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=2)
    except sqlite3.Error as error:
        yield Check(_("Database"), "FAIL", f"{path}: {error}", _("Check the file's permissions."))
        return
    try:
        yield from _database(connection, path)
    finally:
        connection.close()


def _database(connection: sqlite3.Connection, path: Path) -> Iterator[Check]:
    from till_tui.store.migrations import LATEST

    try:
        row = connection.execute("SELECT MAX(version) FROM schema_version").fetchone()
    except sqlite3.Error as error:
        yield Check(
            _("Database"),
            "FAIL",
            f"{path}: {error}",
            _("Is this a till database? Check [store] database in config.toml."),
        )
        return
    version = int(row[0] or 0)
    if version > LATEST:
        yield Check(
            _("Database"),
            "FAIL",
            _("{path}: schema version {version}, newer than this till ({latest})").format(
                path=path, version=version, latest=LATEST
            ),
            _("Upgrade till-tui on this machine."),
        )
        return
    if version < LATEST:
        yield Check(
            _("Database"),
            "WARN",
            _("{path}: schema version {version}; this till upgrades it to {latest}").format(
                path=path, version=version, latest=LATEST
            ),
            _("Start the till (it upgrades the database), after a backup."),
        )
    else:
        yield Check(
            _("Database"),
            "OK",
            _("{path}, schema version {version}").format(path=path, version=version),
        )
    yield _integrity(connection)
    yield from _journal(path)


def _integrity(connection: sqlite3.Connection) -> Check:
    try:
        rows = [str(r[0]) for r in connection.execute("PRAGMA quick_check(5)")]
    except sqlite3.Error as error:
        return Check(_("Integrity"), "FAIL", str(error), _("Restore the latest backup."))
    if rows == ["ok"]:
        return Check(_("Integrity"), "OK", "quick_check: ok")
    return Check(
        _("Integrity"),
        "FAIL",
        "; ".join(rows),
        _("Stop the till, copy the database file, and restore the latest backup."),
    )


def _journal(path: Path) -> Iterator[Check]:
    from till_tui.store import journal
    from till_tui.store.errors import StoreError

    try:
        chains = journal.verify_file(path)
    except StoreError as error:
        yield Check(_("Journal"), "FAIL", str(error), _("Restore the latest backup."))
        return
    if not chains:
        yield Check(_("Journal"), "OK", _("empty (no sale yet)"))
    for result in chains:
        name = _("Journal {register}").format(register=result.register)
        broken = result.broken
        if broken is None:
            yield Check(name, "OK", _("{n} rows, chain intact").format(n=result.rows))
        else:
            yield Check(
                name,
                "FAIL",
                _("row {seq} ({kind}): {problem}").format(
                    seq=broken.seq, kind=broken.kind, problem=broken.problem
                ),
                _("The data was altered outside the till: keep a copy of the file as is."),
            )


def _disk(folder: Path, usage: Callable[[Path], tuple[int, int, int]] = shutil.disk_usage) -> Check:
    total, _used, free = usage(folder)
    detail = _("{free} MB free of {total} MB on {folder}").format(
        free=free // 2**20, total=total // 2**20, folder=folder
    )
    if free < DISK_FAIL:
        return Check(_("Disk"), "FAIL", detail, _("Free some space now: sales cannot be saved."))
    if free < DISK_WARN:
        return Check(_("Disk"), "WARN", detail, _("Free some space (old logs, backups)."))
    return Check(_("Disk"), "OK", detail)


# --- devices --------------------------------------------------------------------------------


def _printer(config: Config) -> Check:
    from till_tui.hw.printer import PrinterError, open_printer

    printer = config.printer
    name = _("Printer")
    if printer.kind == "none":
        return Check(name, "OK", _("none configured (receipts are not printed)"))
    path = config.resolve(printer.path) if printer.path else None
    if printer.kind == "file" and path is not None:
        target = path if path.exists() else path.parent
        if not os.access(target, os.W_OK):
            return Check(
                name,
                "FAIL",
                _("{path} is not writable by this user").format(path=path),
                _("Add the till user to the lp group, or fix the file's permissions."),
            )
    try:
        device = open_printer(printer, path)
        state = device.status()
    except PrinterError as error:
        return Check(name, "FAIL", str(error), _("Fix [printer] in config.toml."))
    where = _("{kind}: {path}").format(kind=printer.kind, path=path) if path else printer.kind
    message = where if state.online is None or not state.message else state.message
    if state.online is False or state.paper == "out":
        return Check(name, "FAIL", message, _("Check the cable, the power and the paper."))
    if state.paper == "near_end":
        return Check(name, "WARN", message, _("Change the paper roll soon."))
    return Check(name, "OK", message)


def _scanners(
    config: Config, opener: Opener | None = None, folder: str | None = None
) -> Iterator[Check]:
    """The configured scanners, or those the till's own auto-detection finds (by name, USB
    maker and keys, as the till does): one line each."""
    from till_tui.hw.scanner import INPUT_FOLDER, Detector, evdev_available

    folder = folder or INPUT_FOLDER
    if opener is None and not evdev_available():
        yield Check(
            _("Scanners"),
            "WARN",
            _("python-evdev is not installed: scanners are read as keyboards only"),
            _("Scanners that type (keyboard wedge) still work; see the README."),
        )
        return
    configured = [Path(path) for path in config.scanner.devices]
    if not configured:
        if not os.path.isdir(folder):
            yield Check(
                _("Scanners"),
                "WARN",
                _("no input devices here ({path} missing)").format(path=folder),
                _("On a terminal over SSH, scanners that type (keyboard wedge) still work."),
            )
            return
        configured = [Path(path) for path in Detector(opener, folder)()]
        if not configured:
            unreadable = [
                node
                for node in glob.glob(os.path.join(glob.escape(folder), "event*"))
                if not _readable(node, opener)
            ]
            fix = _("Plug the scanner in, or list it in [scanner] devices.")
            if unreadable:
                fix = _(
                    "{count} input devices could not be read: install the udev rule from the "
                    "README, or list the scanner in [scanner] devices."
                ).format(count=len(unreadable))
            yield Check(_("Scanners"), "WARN", _("none found in {path}").format(path=folder), fix)
            return
    for device in configured:
        yield _scanner(device, opener)


def _readable(node: str, opener: Opener | None) -> bool:
    from till_tui.hw.scanner import open_evdev

    try:
        device = (opener or open_evdev)(node)
    except OSError:
        return False
    with contextlib.suppress(OSError):
        device.close()
    return True


def _scanner(device: Path, opener: Opener | None = None) -> Check:
    """One scanner: there, readable, its name, and whether a program (the till) has grabbed
    it; a scanner nobody grabbed is grabbed and let go at once to find out."""
    from till_tui.hw.scanner import ScannerState, open_evdev, state_of

    name = _("Scanner {path}").format(path=device)
    unplugged = Check(
        name, "FAIL", _("not found (unplugged?)"), _("Plug it in, or fix [scanner] devices.")
    )
    denied = Check(
        name,
        "FAIL",
        _("permission denied"),
        _("Install the udev rule from the README, or add the till user to the input group."),
    )
    if not device.exists():
        return unplugged
    if not os.access(device, os.R_OK):
        return denied
    holders = _holders(device.resolve())
    held = _("open by {processes}").format(processes=", ".join(holders)) if holders else ""
    try:
        handle = (opener or open_evdev)(str(device))
    except OSError as error:
        state = state_of(error)
        if state is ScannerState.UNPLUGGED:
            return unplugged
        if state is ScannerState.NO_PERMISSION:
            return denied
        return Check(name, "FAIL", error.strerror or str(error), _("Plug it in again."))
    try:
        try:
            handle.grab()
        except OSError as error:
            if state_of(error) is not ScannerState.BUSY:
                return Check(name, "FAIL", error.strerror or str(error), _("Plug it in again."))
            grab = _("grabbed by another program (the till, if it runs)")
        else:
            handle.ungrab()
            grab = _("not grabbed: no till is reading it")
    finally:
        with contextlib.suppress(OSError):
            handle.close()
    return Check(name, "OK", "; ".join(part for part in (handle.name, grab, held) if part))


def _holders(device: Path) -> list[str]:
    """ "name (pid)" of every process that has `device` open (that this user can see)."""
    holders = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            fds = list((proc / "fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                if Path(os.readlink(fd)) == device:
                    comm = (proc / "comm").read_text().strip()
                    holders.append(f"{comm} ({proc.name})")
                    break
            except OSError:
                continue
    return holders
