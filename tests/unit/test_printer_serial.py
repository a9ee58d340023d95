"""Serial printers on a real pseudo-terminal: the till opens its slave side like /dev/ttyUSB0,
the test plays the printer on the master side (it keeps the bytes, answers DLE EOT)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.escpos_text import decode_escpos, drawer_kicks
from tests.printer_server import (
    ONLINE,
    PAPER_OUT,
    SILENT,
    STATUS_ANSWERS,
    SerialPrinterPty,
)
from tests.unit.test_printer import render, sample_receipt
from till_tui.config import PrinterConfig
from till_tui.hw.print_queue import PrintQueue
from till_tui.hw.printer import PrinterError, drawer_pulse, open_printer
from till_tui.hw.printer_status import PrinterStatus, came_back
from till_tui.hw.printers import SerialPrinter


@pytest.fixture
def pty() -> Iterator[SerialPrinterPty]:
    pty = SerialPrinterPty()
    yield pty
    pty.close()


def serial_printer(device: str, **settings: int | str) -> SerialPrinter:
    config = PrinterConfig(kind="serial", device=device, timeout=2, **settings)  # type: ignore[arg-type]
    printer = open_printer(config)
    assert isinstance(printer, SerialPrinter)
    return printer


def test_a_receipt_and_a_drawer_pulse_arrive_byte_for_byte(pty: SerialPrinterPty) -> None:
    printer = serial_printer(pty.device, baudrate=19200)
    assert printer.description == f"serial printer {pty.device}"
    data = render(sample_receipt(5))
    printer.send(data)
    printer.send(drawer_pulse(2))
    received = pty.printer.wait_for(len(data) + 5)
    assert received == data + drawer_pulse(2)
    assert pty.printer.queries == [1, 4, 1, 4]
    assert "Sale N° 5" in decode_escpos(received).splitlines()
    assert drawer_kicks(received) == [(2, 50, 50)]


@STATUS_ANSWERS
def test_status_answered_on_the_other_side_of_the_line(
    pty: SerialPrinterPty, answers: dict[int, int], expected: PrinterStatus
) -> None:
    pty.printer.set(answers)
    assert serial_printer(pty.device).status() == expected
    assert pty.printer.received() == b""


def test_out_of_paper_keeps_the_receipt_until_a_new_roll(pty: SerialPrinterPty) -> None:
    printer = serial_printer(pty.device)
    queue = PrintQueue()
    pty.printer.set(PAPER_OUT)
    job = render(sample_receipt(3))
    with pytest.raises(PrinterError, match="Printer offline: out of paper"):
        queue.send(printer, job, "Sale N° 3")
    before = printer.status()
    pty.printer.set(ONLINE)
    now = printer.status()
    assert came_back(before, now)
    assert queue.retry(printer) == 1
    assert pty.printer.wait_for(len(job)) == job


def test_a_printer_switched_off_stops_answering(pty: SerialPrinterPty) -> None:
    printer = serial_printer(pty.device)
    pty.printer.set(SILENT)  # never answered yet: a printer without status, prints anyway
    assert printer.status().online is None
    printer.send(b"hello\n")
    assert pty.printer.wait_for(6) == b"hello\n"

    pty.printer.set(ONLINE)
    assert printer.status().ready
    pty.printer.set(SILENT)  # it did answer: now it is switched off (bytes would be lost)
    assert printer.status().online is False
    with pytest.raises(PrinterError, match="does not answer"):
        printer.send(b"lost?\n")
    assert pty.printer.received() == b"hello\n"


def test_a_missing_port(tmp_path: Path) -> None:
    device = tmp_path / "ttyUSB0"
    printer = serial_printer(str(device))
    expected = f"Serial port {device} not found: is the printer (or its USB adapter) plugged in?"
    with pytest.raises(PrinterError) as caught:
        printer.send(b"x")
    assert str(caught.value) == expected
    assert printer.status() == PrinterStatus(False, None, expected)


def test_permission_denied(pty: SerialPrinterPty) -> None:
    """The port belongs to root:dialout (here: to the test's user, mode 000 or 600)."""
    printer = serial_printer(pty.device)
    expected = (
        f"Serial port {pty.device}: permission denied (add the till user to the dialout group)"
    )
    if os.geteuid() != 0:
        os.chmod(pty.device, 0)
        with pytest.raises(PrinterError) as caught:
            printer.send(b"x")
        assert str(caught.value) == expected
        return
    # root opens anything: a forked child becomes "nobody", like a till user without dialout.
    import serial  # type: ignore[import-untyped]  # loaded before the fork

    assert serial is not None
    os.chmod(pty.device, 0o600)
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child process
        try:
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            os.write(write_end, printer.status().message.encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as answer:
        message = answer.read().decode()
    os.waitpid(child, 0)
    assert message == expected


def test_a_port_used_by_another_program(pty: SerialPrinterPty) -> None:
    import fcntl

    with open(pty.device, "rb") as other:
        fcntl.flock(other.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(PrinterError) as caught:
            serial_printer(pty.device).send(b"x")
    assert str(caught.value) == f"Serial port {pty.device} is in use by another program"
    assert pty.printer.received() == b""
