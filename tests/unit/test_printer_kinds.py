"""Printer kinds from config.toml, and the status bytes of ESC/POS decoded (no I/O)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import write_config
from till_tui.config import PRINTER_KINDS, ConfigError, PrinterConfig, load_config
from till_tui.hw.printer import (
    STATUS_KINDS,
    FilePrinter,
    NoPrinter,
    PrinterError,
    open_printer,
)
from till_tui.hw.printer_status import (
    PrinterStatus,
    came_back,
    first_answer,
    is_answer,
    paper_state,
    query,
    read_status,
    status_line,
)
from till_tui.hw.printers import NetworkPrinter, SerialPrinter, UsbPrinter


def test_every_kind() -> None:
    assert PRINTER_KINDS == ("usb", "network", "serial", "file", "none")
    assert set(STATUS_KINDS) == {"usb", "network", "serial"}


def test_network_and_serial_settings_from_the_config(tmp_path: Path) -> None:
    network = load_config(
        write_config(tmp_path / "a", '[printer]\nkind = "network"\nhost = "192.168.1.50"\n')
    ).printer
    assert (network.host, network.port, network.timeout) == ("192.168.1.50", 9100, 5)
    printer = open_printer(network)
    assert isinstance(printer, NetworkPrinter)
    assert printer.description == "network printer 192.168.1.50:9100"

    text = '[printer]\nkind = "serial"\ndevice = "/dev/ttyUSB0"\nbaudrate = 38400\nparity = "e"\n'
    serial = load_config(write_config(tmp_path / "b", text)).printer
    assert (serial.bytesize, serial.stopbits) == (8, 1)
    printer = open_printer(serial)
    assert isinstance(printer, SerialPrinter)
    assert (printer.device, printer.baudrate, printer.parity) == ("/dev/ttyUSB0", 38400, "E")
    assert printer.description == "serial printer /dev/ttyUSB0"


@pytest.mark.parametrize(
    ("lines", "key", "problem"),
    [
        ('kind = "network"', "[printer] host", 'is required when kind = "network"'),
        ('kind = "network"\nhost = "p"\nport = 0', "[printer] port", "between 1 and 65535"),
        ('kind = "network"\nhost = "p"\ntimeout = 0', "[printer] timeout", "between 1 and 120"),
        ('kind = "serial"', "[printer] device", 'is required when kind = "serial"'),
        ('kind = "serial"\ndevice = "/dev/ttyS0"\nbaudrate = 9601', "[printer] baudrate", "9600"),
        ('kind = "serial"\ndevice = "/dev/ttyS0"\nbytesize = 9', "[printer] bytesize", "5, 6, 7"),
        ('kind = "serial"\ndevice = "/dev/ttyS0"\nparity = "X"', "[printer] parity", "N, E, O"),
        ('kind = "serial"\ndevice = "/dev/ttyS0"\nstopbits = 3', "[printer] stopbits", "1 or 2"),
        ('kind = "parallel"', "[printer] kind", "usb | network | serial | file | none"),
    ],
)
def test_connection_settings_are_checked(
    tmp_path: Path, lines: str, key: str, problem: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write_config(tmp_path, f"[printer]\n{lines}\n"))
    assert caught.value.key == key
    assert problem in caught.value.problem


def test_a_kind_alone_still_opens_file_and_none(tmp_path: Path) -> None:
    assert isinstance(open_printer("none"), NoPrinter)
    assert isinstance(open_printer("file", tmp_path / "r.escpos"), FilePrinter)
    with pytest.raises(PrinterError, match="no host is set"):
        open_printer("network")
    with pytest.raises(PrinterError, match="no device is set"):
        open_printer("serial")
    with pytest.raises(PrinterError, match="vendor_id and product_id"):
        open_printer(PrinterConfig(kind="usb"))
    assert isinstance(
        open_printer(PrinterConfig(kind="usb", vendor_id="04b8", product_id="0e15")), UsbPrinter
    )


def test_file_and_none_cannot_tell_their_state(tmp_path: Path) -> None:
    none = NoPrinter()
    assert not none.reports_status
    assert none.status() == PrinterStatus(None, None, "No printer is set up")
    spool = FilePrinter(tmp_path / "r.escpos")
    assert not spool.reports_status
    assert spool.status() == PrinterStatus(
        None, None, f"file {tmp_path / 'r.escpos'}: paper and power are not reported"
    )
    unplugged = FilePrinter(tmp_path / "usb" / "lp0")  # /dev/usb/lp0 while unplugged
    assert unplugged.status() == PrinterStatus(
        False,
        None,
        f"Printer: cannot write to {tmp_path / 'usb' / 'lp0'} (No such file or directory)",
    )
    assert FilePrinter(tmp_path).status().online is False


def test_status_bytes() -> None:
    assert query(1) == b"\x10\x04\x01" and query(4) == b"\x10\x04\x04"
    assert is_answer(0x12) and is_answer(0x1A) and is_answer(0x7E)
    assert not is_answer(0x00) and not is_answer(0x10) and not is_answer(0x92)
    assert first_answer(b"\x00\x10\x16") == 0x16  # stray bytes (automatic status back) skipped
    assert first_answer(b"abc") is None
    assert paper_state(0x12) == "ok"
    assert paper_state(0x1E) == "near_end"
    assert paper_state(0x72) == "out"
    assert paper_state(0x7E) == "out"  # near the end and out: out


ERROR = "printer error (switch it off and on again)"


def answers(**by_query: int | None) -> dict[int, int | None]:
    return {1: by_query.get("printer"), 2: by_query.get("cause"), 4: by_query.get("paper")}


@pytest.mark.parametrize(
    ("printer", "cause", "paper", "expected"),
    [
        (0x12, None, None, PrinterStatus(True, None, "Printer ready")),
        (0x16, None, 0x12, PrinterStatus(True, "ok", "Printer ready")),  # drawer open: fine
        (0x12, None, 0x72, PrinterStatus(True, "out", "Printer out of paper")),
        (0x1A, 0x52, 0x12, PrinterStatus(False, "ok", f"Printer offline: {ERROR}")),
        (0x1A, 0x1A, 0x12, PrinterStatus(False, "ok", "Printer offline: paper is being fed")),
        (0x1A, None, None, PrinterStatus(False, None, "Printer offline")),
        (0x1A, 0x12, 0x1E, PrinterStatus(False, "near_end", "Printer offline")),
    ],
)
def test_read_status(
    printer: int, cause: int | None, paper: int | None, expected: PrinterStatus
) -> None:
    asked: list[int] = []
    table = answers(printer=printer, cause=cause, paper=paper)

    def ask(n: int) -> int | None:
        asked.append(n)
        return table[n]

    assert read_status(ask, answered_before=False) == expected
    assert asked == ([1, 4, 2] if expected.online is False else [1, 4])


def test_read_status_without_an_answer() -> None:
    assert read_status(lambda n: None, answered_before=False) == PrinterStatus(
        None, None, "The printer does not answer status queries"
    )
    silent = read_status(lambda n: None, answered_before=True)
    assert silent.online is False and "is it switched on" in silent.message


def test_ready_came_back_and_the_status_line() -> None:
    ready = PrinterStatus(True, "ok", "Printer ready")
    low = PrinterStatus(True, "near_end", "…")
    out = PrinterStatus(True, "out", "…")
    offline = PrinterStatus(False, None, "Printer offline: cannot reach …")
    unknown = PrinterStatus(None, None, "…")
    assert ready.ready and low.ready
    assert not out.ready and not offline.ready and not unknown.ready
    assert came_back(None, ready) and came_back(offline, ready) and came_back(out, low)
    assert came_back(unknown, ready)
    assert not came_back(ready, low) and not came_back(offline, unknown)
    assert [status_line(s) for s in (None, ready, low, out, offline, unknown)] == [
        "",
        "",
        "Printer paper low",
        "Printer out of paper",
        "Printer offline",
        "",
    ]
