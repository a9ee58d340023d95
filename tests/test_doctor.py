"""`till doctor` on real stores: healthy, broken config, missing or newer database, a journal
altered behind the till's back, scanners; exit status 1 on any FAIL."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import write_config
from tests.fake_evdev import Devices, Hardware, InputFolder
from tests.printer_server import (
    COVER_OPEN,
    ONLINE,
    PAPER_NEAR_END,
    PAPER_OUT,
    NetworkPrinterServer,
    refused_port,
)
from tests.store.tills import open_till
from tests.test_cli import till
from till_tui.config import Config, PrinterConfig, load_config
from till_tui.demo import DemoStore
from till_tui.doctor import DISK_FAIL, DISK_WARN, _disk, _printer, _scanner, _scanners
from till_tui.store.db import close_database
from till_tui.store.migrations import LATEST
from till_tui.store.services import Services


def lines(output: str) -> dict[str, str]:
    """check name -> "STATUS name detail" from the doctor's table (folded lines joined)."""
    rows: list[str] = []
    for line in output.splitlines():
        if line.split(maxsplit=1)[:1] and line.split()[0] in ("OK", "WARN", "FAIL"):
            rows.append(line.strip())
        elif rows and line.startswith(" "):
            rows[-1] += line.strip()
    found = {}
    for row in rows:
        status, rest = row.split(maxsplit=1)
        found[rest.split("  ")[0]] = f"{status} {rest}"
    return found


@pytest.fixture
def shop(demo: DemoStore) -> DemoStore:
    """The demo store with 4 journal rows: shift opened, two sales, a reprint."""
    services = Services.open(
        __import__("till_tui.config", fromlist=["load_config"]).load_config(demo.config_path)
    )

    shop = open_till(services, load_config(demo.config_path))
    sale = shop.complete(shop.ring(1))
    shop.complete(shop.ring(2, 13))
    services.sales.record_copy(sale.id, shop.cashier)
    close_database()
    return demo


def db(demo: DemoStore) -> sqlite3.Connection:
    return sqlite3.connect(demo.folder / "till.db")


def test_a_healthy_store(tmp_path: Path, shop: DemoStore) -> None:
    result = till(tmp_path, "doctor", config=shop.config_path)
    assert result.returncode == 0, result.stdout + result.stderr
    found = lines(result.stdout)
    assert found["Config"].startswith("OK")
    assert found["Database"].startswith("OK") and f"schema version {LATEST}" in found["Database"]
    assert found["Integrity"] == "OK Integrity   quick_check: ok".replace(
        "Integrity   ", "Integrity   "
    ) or found["Integrity"].startswith("OK")
    assert found["Journal R1"].startswith("OK") and "4 rows, chain intact" in found["Journal R1"]
    assert found["Disk"].startswith(("OK", "WARN"))
    assert found["Printer"].startswith("OK")
    assert "0 failed" in result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("tamper", "problem"),
    [
        (
            "UPDATE journal SET payload = replace(payload, '\"total\":150', '\"total\":15')"
            " WHERE kind = 'sale' AND seq = 2",
            "row 2 (sale): hash does not match the row's content",
        ),
        ("DELETE FROM journal WHERE seq = 3", "row 4 (reprint): sequence 4 where 3 was expected"),
        (
            "UPDATE journal SET seq = 1000 WHERE seq = 2;"
            " UPDATE journal SET seq = 2 WHERE seq = 3;"
            " UPDATE journal SET seq = 3 WHERE seq = 1000;",
            "row 2 (sale): prev_hash is not the previous row's hash",
        ),
    ],
    ids=["altered", "deleted", "swapped"],
)
def test_an_altered_journal_fails(
    tmp_path: Path, shop: DemoStore, tamper: str, problem: str
) -> None:
    with db(shop) as connection:  # what someone with the file and sqlite3 could do
        connection.executescript(
            "DROP TRIGGER journal_no_update; DROP TRIGGER journal_no_delete; " + tamper
        )
    result = till(tmp_path, "doctor", config=shop.config_path)
    assert result.returncode == 1
    assert problem in " ".join(result.stdout.split()), result.stdout
    assert "1 failed" in result.stdout


def test_a_missing_or_broken_config(tmp_path: Path) -> None:
    result = till(tmp_path, "doctor", config=tmp_path / "nowhere.toml")
    assert result.returncode == 1
    assert lines(result.stdout)["Config"].startswith("FAIL")
    assert "Create it" in result.stdout

    broken = write_config(tmp_path / "broken", "[printer]\nwidth = 'wide'\n")
    result = till(tmp_path, "doctor", config=broken)
    assert result.returncode == 1
    assert "[printer] width" in result.stdout and "Traceback" not in result.stderr


def test_a_missing_database_and_a_newer_one(tmp_path: Path, shop: DemoStore) -> None:
    config = write_config(
        tmp_path / "other", "[till]\nlocale = 'en_US'\n[store]\ndatabase = 'sqlite:///missing.db'\n"
    )
    result = till(tmp_path, "doctor", config=config)
    assert result.returncode == 1
    assert "No database at" in result.stdout
    assert lines(result.stdout)["Disk"].startswith("OK"), "the disk is checked all the same"

    with db(shop) as connection:
        connection.execute(
            "INSERT INTO schema_version (version, name, applied_at) VALUES (99, 'future', '')"
        )
    result = till(tmp_path, "doctor", config=shop.config_path)
    assert result.returncode == 1
    assert "newer than this till" in " ".join(result.stdout.split())


def test_disk_thresholds(tmp_path: Path) -> None:
    def usage(free: int) -> Callable[[Path], tuple[int, int, int]]:
        return lambda _path: (10 * DISK_WARN, 0, free)

    assert _disk(tmp_path, usage(DISK_WARN + 1)).status == "OK"
    assert _disk(tmp_path, usage(DISK_WARN - 1)).status == "WARN"
    check = _disk(tmp_path, usage(DISK_FAIL - 1))
    assert check.status == "FAIL" and "sales cannot be saved" in check.fix


def test_a_scanner_path_missing_or_open(tmp_path: Path) -> None:
    missing = _scanner(tmp_path / "usb-Honeywell-event-kbd")
    assert missing.status == "FAIL" and "unplugged" in missing.detail
    devices = Devices()
    folder = InputFolder(tmp_path / "input", devices)
    scanner = Hardware()
    device = Path(folder.plug(3, scanner, by_id="usb-Honeywell_Scanner-event-kbd"))
    with device.open("rb"):
        check = _scanner(device, devices)
    assert check.status == "OK"
    assert check.detail.startswith("Honeywell Barcode Scanner; not grabbed"), check.detail
    assert f"({os.getpid()})" in check.detail, "the process holding the device is named"
    assert scanner.grabs == 1, "grabbed to find out"
    assert [(h.grabbed, h.closed) for h in scanner.handles] == [(False, True)], "and let go"


def test_a_scanner_grabbed_elsewhere_or_forbidden(tmp_path: Path) -> None:
    devices = Devices()
    folder = InputFolder(tmp_path / "input", devices)
    held = Path(folder.plug(3, Hardware(held_elsewhere=True), by_id="usb-Held-event-kbd"))
    check = _scanner(held, devices)
    assert check.status == "OK" and "grabbed by another program" in check.detail
    denied = Path(folder.plug(4, Hardware(), by_id="usb-Denied-event-kbd"))
    devices.denied.add(str(denied))
    check = _scanner(denied, devices)
    assert (check.status, check.detail) == ("FAIL", "permission denied")
    assert "udev rule" in check.fix


def test_scanners_are_found_as_the_till_finds_them(tmp_path: Path, config_of: Config) -> None:
    devices = Devices()
    folder = InputFolder(tmp_path / "input", devices)
    folder.plug(0, Hardware(name="AT Translated Set 2 keyboard", vendor=0x0001))
    checks = list(_scanners(config_of, devices, str(folder.root)))
    assert [(c.status, c.detail) for c in checks] == [("WARN", f"none found in {folder.root}")], (
        "a keyboard is no scanner"
    )
    # A Newland by its maker, a generic "HID KBW" by its name: neither says "scan" in by-id.
    folder.plug(1, Hardware(name="Newland NLS-HR22", vendor=0x1EAB), by_id="usb-Newland-kbd")
    folder.plug(2, Hardware(name="SM SM-2D PRODUCT HID KBW", vendor=0x1A86))
    checks = list(_scanners(config_of, devices, str(folder.root)))
    assert [(c.name, c.status, c.detail.split(";")[0]) for c in checks] == [
        (f"Scanner {folder.root}/by-id/usb-Newland-kbd", "OK", "Newland NLS-HR22"),
        (f"Scanner {folder.root}/event2", "OK", "SM SM-2D PRODUCT HID KBW"),
    ]


def test_no_scanner_found_says_when_devices_could_not_be_read(
    tmp_path: Path, config_of: Config
) -> None:
    devices = Devices()
    folder = InputFolder(tmp_path / "input", devices)
    node = folder.plug(0, Hardware())
    devices.denied.add(node)
    (check,) = _scanners(config_of, devices, str(folder.root))
    assert check.status == "WARN"
    assert check.fix.startswith("1 input devices could not be read: install the udev rule")


@pytest.fixture
def config_of(demo: DemoStore) -> Config:
    """The demo store's settings: no scanner configured (auto-detection)."""
    return load_config(demo.config_path)


@pytest.fixture
def printer_server() -> Iterator[NetworkPrinterServer]:
    server = NetworkPrinterServer().start()
    yield server
    server.stop()


@pytest.mark.parametrize(
    ("answers", "status", "detail"),
    [
        (ONLINE, "OK", "Printer ready"),
        (PAPER_NEAR_END, "WARN", "Printer ready; the paper roll is nearly finished"),
        (PAPER_OUT, "FAIL", "Printer offline: out of paper"),
        (COVER_OPEN, "FAIL", "Printer offline: the cover is open"),
    ],
    ids=["online", "paper-low", "paper-out", "cover-open"],
)
def test_a_network_printers_state(
    config_of: Config,
    printer_server: NetworkPrinterServer,
    answers: dict[int, int],
    status: str,
    detail: str,
) -> None:
    printer_server.printer.set(answers)
    settings = PrinterConfig(kind="network", host="127.0.0.1", port=printer_server.port, timeout=2)
    check = _printer(replace(config_of, printer=settings))
    assert (check.status, check.detail) == (status, detail)


def test_a_printer_that_cannot_be_reached_or_written(config_of: Config, tmp_path: Path) -> None:
    settings = PrinterConfig(kind="network", host="127.0.0.1", port=refused_port(), timeout=1)
    check = _printer(replace(config_of, printer=settings))
    assert check.status == "FAIL" and "cannot reach 127.0.0.1" in check.detail
    assert check.fix == "Check the cable, the power and the paper."
    nowhere = tmp_path / "no-such-folder" / "receipts.escpos"
    check = _printer(replace(config_of, printer=PrinterConfig(kind="file", path=str(nowhere))))
    assert (check.status, check.detail) == ("FAIL", f"{nowhere} is not writable by this user")
