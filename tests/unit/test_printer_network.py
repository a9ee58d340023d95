"""Network printers against a real TCP server on 127.0.0.1 that answers DLE EOT like one."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from tests.escpos_text import decode_escpos, drawer_kicks, receipts_in
from tests.printer_server import (
    COVER_OPEN,
    ONLINE,
    PAPER_NEAR_END,
    PAPER_OUT,
    SILENT,
    STATUS_ANSWERS,
    NetworkPrinterServer,
    refused_port,
)
from tests.unit.test_printer import render, sample_receipt
from till_tui.config import PrinterConfig
from till_tui.hw.print_queue import PrintQueue
from till_tui.hw.printer import PrinterError, drawer_pulse, open_printer
from till_tui.hw.printer_status import PrinterStatus, came_back
from till_tui.hw.printers import NetworkPrinter


@pytest.fixture
def server() -> Iterator[NetworkPrinterServer]:
    server = NetworkPrinterServer().start()
    yield server
    server.stop()


def network(port: int, timeout: int = 2) -> NetworkPrinter:
    printer = open_printer(
        PrinterConfig(kind="network", host="127.0.0.1", port=port, timeout=timeout)
    )
    assert isinstance(printer, NetworkPrinter)
    return printer


def test_a_receipt_arrives_byte_for_byte(server: NetworkPrinterServer) -> None:
    printer = network(server.port)
    assert printer.description == f"network printer 127.0.0.1:{server.port}"
    assert printer.reports_status
    data = render(sample_receipt(4))
    printer.send(data)
    assert server.printer.wait_for(len(data)) == data
    # Asked whether it can print, first; then once more after the receipt, whose answer
    # says every byte was taken.
    assert server.printer.queries == [1, 4, 1]
    text = decode_escpos(server.printer.received())
    assert "Crème brûlée" in text.splitlines() and "Sale N° 4" in text.splitlines()
    assert any(line.endswith("18,25 €") for line in text.splitlines())


def test_receipts_and_drawer_pulses_keep_their_order(server: NetworkPrinterServer) -> None:
    printer = network(server.port)
    first, second = render(sample_receipt(1)), render(sample_receipt(2))
    printer.send(first)
    printer.send(drawer_pulse(5))
    printer.send(second)
    data = server.printer.wait_for(len(first) + 5 + len(second))
    assert data == first + drawer_pulse(5) + second
    assert drawer_kicks(data) == [(5, 50, 50)]
    assert [("Sale N° 1" in r, "Sale N° 2" in r) for r in receipts_in(data)] == [
        (True, False),
        (False, True),
    ]
    assert server.printer.connections == 3  # one connection per job: a restart never sticks


@STATUS_ANSWERS
def test_status_from_the_printers_answers(
    server: NetworkPrinterServer, answers: dict[int, int], expected: PrinterStatus
) -> None:
    server.printer.set(answers)
    assert network(server.port).status() == expected
    assert server.printer.received() == b""  # a status query prints nothing


def test_an_offline_printer_is_not_sent_the_receipt(server: NetworkPrinterServer) -> None:
    printer = network(server.port)
    for answers, reason in ((PAPER_OUT, "out of paper"), (COVER_OPEN, "the cover is open")):
        server.printer.set(answers)
        with pytest.raises(PrinterError) as caught:
            printer.send(render(sample_receipt()))
        assert str(caught.value) == f"Printer offline: {reason}"
        with pytest.raises(PrinterError, match="Printer offline"):
            printer.send(drawer_pulse(2))  # the drawer would open when the cover closes
    assert server.printer.received() == b""
    server.printer.set(PAPER_NEAR_END)  # low paper still prints
    printer.send(drawer_pulse(2))
    assert server.printer.wait_for(5) == drawer_pulse(2)


def test_a_printer_that_never_answers_status_still_prints(server: NetworkPrinterServer) -> None:
    server.printer.set(SILENT)  # a one-way interface: the state is unknown, not "offline"
    printer = network(server.port)
    assert printer.status() == PrinterStatus(
        None, None, "The printer does not answer status queries"
    )
    data = render(sample_receipt())
    printer.send(data)
    assert server.printer.wait_for(len(data)) == data


def test_a_printer_that_stops_answering_is_offline(server: NetworkPrinterServer) -> None:
    printer = network(server.port)
    assert printer.status().ready
    server.printer.set(SILENT)  # it answered before: now it is hung or switched off
    status = printer.status()
    assert status.online is False
    assert status.message == "Printer offline: it does not answer (is it switched on?)"
    with pytest.raises(PrinterError, match="does not answer"):
        printer.send(render(sample_receipt()))
    assert server.printer.received() == b""


def test_connection_refused() -> None:
    port = refused_port()
    printer = network(port)
    expected = f"Printer offline: cannot reach 127.0.0.1:{port} (connection refused)"
    with pytest.raises(PrinterError) as caught:
        printer.send(b"x")
    assert str(caught.value) == expected
    assert printer.status() == PrinterStatus(False, None, expected)


def test_a_printer_that_does_not_accept_the_connection_times_out() -> None:
    # A listening socket that never accepts, with a full backlog: the next connections hang.
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(0)
        port = busy.getsockname()[1]
        fillers = []
        for _ in range(3):
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.1", port))
            fillers.append(filler)
        try:
            printer = network(port, timeout=1)
            with pytest.raises(PrinterError) as caught:
                printer.send(b"x")
        finally:
            for filler in fillers:
                filler.close()
    assert str(caught.value) == (
        f"Printer offline: cannot reach 127.0.0.1:{port} (no answer within 1 s)"
    )


def test_the_queue_prints_what_waited_when_the_server_comes_back() -> None:
    server = NetworkPrinterServer().start()
    server.stop()  # the printer is switched off: its port refuses connections
    printer = network(server.port)
    queue = PrintQueue()
    jobs = [render(sample_receipt(number)) for number in (1, 2)]
    for number, job in enumerate(jobs, start=1):
        with pytest.raises(PrinterError, match="connection refused"):
            queue.send(printer, job, f"Sale N° {number}")
    before = printer.status()
    assert before.online is False and queue.pending == 2

    server.start()  # switched back on, same address
    try:
        now = printer.status()
        assert now.ready and came_back(before, now)
        assert queue.retry(printer) == 2
        assert server.printer.wait_for(len(jobs[0]) + len(jobs[1])) == jobs[0] + jobs[1]
        assert queue.pending == 0
        assert not came_back(now, printer.status())  # once: it was already back
    finally:
        server.stop()


def test_paper_out_then_a_new_roll(server: NetworkPrinterServer) -> None:
    printer = network(server.port)
    queue = PrintQueue()
    server.printer.set(PAPER_OUT)
    job = render(sample_receipt(9))
    with pytest.raises(PrinterError, match="out of paper"):
        queue.send(printer, job, "Sale N° 9")
    before = printer.status()
    server.printer.set(ONLINE)
    now = printer.status()
    assert came_back(before, now)
    assert queue.retry(printer) == 1
    assert server.printer.wait_for(len(job)) == job
