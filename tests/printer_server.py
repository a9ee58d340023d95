"""Fake ESC/POS printers on real connections: a TCP server on 127.0.0.1 (a network printer on
port 9100) and the far side of a pseudo-terminal (a serial printer).

Both keep the bytes they are sent, apart from the real-time status queries DLE EOT n, which
they answer, as a printer does, with the status bytes the test sets (`answers`): online,
paper near its end, paper out, cover open, or no answer at all.
"""

from __future__ import annotations

import os
import select
import socket
import socketserver
import threading
import time
import tty
from dataclasses import dataclass, field

import pytest

from till_tui.hw.printer_status import PrinterStatus

ONLINE = {1: 0x12, 2: 0x12, 4: 0x12}
"""Online, no offline cause, paper present."""
PAPER_NEAR_END = {1: 0x12, 2: 0x12, 4: 0x12 | 0x0C}
PAPER_OUT = {1: 0x12 | 0x08, 2: 0x12 | 0x20, 4: 0x12 | 0x60}
"""Offline because printing stopped at the paper end; the sensor says no paper."""
COVER_OPEN = {1: 0x12 | 0x08, 2: 0x12 | 0x04, 4: 0x12}
SILENT: dict[int, int] = {}
"""Takes the bytes but never answers a status query (a one-way interface, a hung printer)."""

DLE, EOT = 0x10, 0x04

STATUS_ANSWERS = pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (ONLINE, PrinterStatus(True, "ok", "Printer ready")),
        (
            PAPER_NEAR_END,
            PrinterStatus(True, "near_end", "Printer ready; the paper roll is nearly finished"),
        ),
        (PAPER_OUT, PrinterStatus(False, "out", "Printer offline: out of paper")),
        (COVER_OPEN, PrinterStatus(False, "ok", "Printer offline: the cover is open")),
    ],
    ids=["online", "paper-near-end", "paper-out", "cover-open"],
)
"""A printer's answers to DLE EOT and the status the till reads from them, whatever the line
(network or serial)."""


@dataclass
class FakePrinter:
    """What a printer received and how it answers; shared by every connection to it."""

    answers: dict[int, int] = field(default_factory=lambda: dict(ONLINE))
    printed: bytearray = field(default_factory=bytearray)
    queries: list[int] = field(default_factory=list)
    connections: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    cut_after: int | None = None
    """A network printer that fails mid-receipt: each connection is closed, the rest unread,
    once it has printed this many bytes (None: never)."""

    def set(self, answers: dict[int, int]) -> None:
        with self.lock:
            self.answers = dict(answers)

    def cut(self, after: int | None) -> None:
        """Close every connection once it has printed `after` bytes; None: print everything."""
        with self.lock:
            self.cut_after = after

    def received(self) -> bytes:
        """Everything printed so far (status queries left out), byte for byte."""
        with self.lock:
            return bytes(self.printed)

    def wait_for(self, size: int, timeout: float = 5.0) -> bytes:
        """What was printed, once it is at least `size` bytes (or `timeout` seconds passed):
        bytes written to a pty may still be on their way when the writer returns."""
        deadline = time.monotonic() + timeout
        while len(data := self.received()) < size and time.monotonic() < deadline:
            time.sleep(0.01)
        return data


class Parser:
    """One connection's byte stream: text and commands are printed, DLE EOT n answered."""

    def __init__(self, printer: FakePrinter) -> None:
        self.printer = printer
        self.pending = b""

    def feed(self, data: bytes) -> bytes:
        """Take `data`; return the answer bytes to send back."""
        buffer = self.pending + data
        self.pending = b""
        out = bytearray()
        answers = bytearray()
        index = 0
        with self.printer.lock:
            while index < len(buffer):
                byte = buffer[index]
                if byte == DLE and len(buffer) - index < 3:
                    self.pending = buffer[index:]  # maybe a query cut between two reads
                    break
                if byte == DLE and buffer[index + 1] == EOT:
                    n = buffer[index + 2]
                    self.printer.queries.append(n)
                    if n in self.printer.answers:
                        answers.append(self.printer.answers[n])
                    index += 3
                    continue
                out.append(byte)
                index += 1
            self.printer.printed += out
        return bytes(answers)

    def close(self) -> None:
        with self.printer.lock:
            self.printer.printed += self.pending
        self.pending = b""


class _Handler(socketserver.BaseRequestHandler):
    server: _TCPServer

    def handle(self) -> None:
        printer = self.server.printer
        with printer.lock:
            printer.connections += 1
        parser = Parser(printer)
        self.request.settimeout(10)
        start = len(printer.received())
        try:
            while data := self.request.recv(4096):
                with printer.lock:
                    cut = printer.cut_after
                # A printer that fails mid-receipt takes the bytes one by one, in order, and
                # answers no query that comes after the point where it stopped.
                for piece in [data] if cut is None else [bytes([b]) for b in data]:
                    answer = parser.feed(piece)
                    if answer:
                        self.request.sendall(answer)
                    if cut is not None and len(printer.received()) - start >= cut:
                        return  # closed there, the rest of the receipt unread
        except OSError:
            pass
        finally:
            parser.close()


class _TCPServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
    printer: FakePrinter


class NetworkPrinterServer:
    """A fake network printer on 127.0.0.1; `stop()` pulls its plug, `start()` plugs it back
    in on the same port."""

    def __init__(self, printer: FakePrinter | None = None) -> None:
        self.printer = printer or FakePrinter()
        self.port = 0
        self._server: _TCPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> NetworkPrinterServer:
        server = _TCPServer(("127.0.0.1", self.port), _Handler)
        server.printer = self.printer
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None


def refused_port() -> int:
    """A port on 127.0.0.1 where nothing listens (connections are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


class SerialPrinterPty:
    """A fake serial printer behind a pseudo-terminal: the till opens `device` (the pty's
    slave side, like /dev/ttyUSB0); a thread plays the printer on the master side."""

    def __init__(self, printer: FakePrinter | None = None) -> None:
        self.printer = printer or FakePrinter()
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)  # no echo, no newline translation: bytes pass as they are
        self.device = os.ttyname(self.slave)
        self._stop_read, self._stop_write = os.pipe()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        parser = Parser(self.printer)
        while True:
            ready, _, _ = select.select([self.master, self._stop_read], [], [])
            if self._stop_read in ready:
                break
            try:
                data = os.read(self.master, 4096)
            except OSError:
                break
            answer = parser.feed(data)
            if answer:
                os.write(self.master, answer)
        parser.close()

    def close(self) -> None:
        os.write(self._stop_write, b"x")
        self._thread.join(5)
        for fd in (self.master, self.slave, self._stop_read, self._stop_write):
            os.close(fd)
