"""The print queue: failed receipts wait in order, print once on retry; drawer pulses never wait."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tests.escpos_text import drawer_kicks, receipts_in
from till_tui.domain.receipt import Row
from till_tui.hw.print_queue import PrintQueue
from till_tui.hw.printer import FilePrinter, PrinterError, drawer_pulse, render_escpos


def receipt(label: str) -> bytes:
    return render_escpos([Row(label, align="center", bold=True), Row("Merci !")])


def printed(path: Path) -> list[str]:
    """The first line of each receipt in the spool file: the labels, in paper order."""
    if not path.exists():
        return []
    return [page.splitlines()[0] for page in receipts_in(path.read_bytes())]


def unplugged(tmp_path: Path) -> tuple[FilePrinter, Path]:
    """A printer whose folder does not exist yet: every send fails until it is created."""
    path = tmp_path / "printer" / "receipts.escpos"
    return FilePrinter(path), path


class RecordingPrinter:
    """Keeps what it is sent; refuses the jobs in `refuse`; notices overlapping sends."""

    description = "recording"

    def __init__(self, refuse: set[bytes] | None = None) -> None:
        self.sent: list[bytes] = []
        self.refuse = refuse if refuse is not None else set()
        self.busy = threading.Lock()

    def send(self, data: bytes) -> None:
        if not self.busy.acquire(blocking=False):
            raise AssertionError("two threads are sending at once")
        try:
            if data in self.refuse:
                raise PrinterError("Printer: out of paper")
            self.sent.append(data)
        finally:
            self.busy.release()


class BlockingPrinter:
    """Blocks inside send(b"receipt") until `release` is set: a receipt is being printed."""

    description = "blocking"

    def __init__(self) -> None:
        self.sent: list[bytes] = []
        self.entered = threading.Event()
        self.release = threading.Event()

    def send(self, data: bytes) -> None:
        if data == b"receipt":
            self.entered.set()
            assert self.release.wait(10), "the test never released the printer"
        self.sent.append(data)


def test_send_prints_right_away(tmp_path: Path) -> None:
    path = tmp_path / "receipts.escpos"
    queue = PrintQueue()
    queue.send(FilePrinter(path), receipt("Sale N° 1"), "Sale N° 1")
    queue.send(FilePrinter(path), receipt("Sale N° 2"), "Sale N° 2")
    assert printed(path) == ["Sale N° 1", "Sale N° 2"]
    assert queue.pending == 0 and queue.labels == []
    assert queue.retry(FilePrinter(path)) == 0


def test_failed_receipts_wait_and_print_in_order_once(tmp_path: Path) -> None:
    printer, path = unplugged(tmp_path)
    queue = PrintQueue()
    with pytest.raises(PrinterError, match="cannot write to"):
        queue.send(printer, receipt("Sale N° 1"), "Sale N° 1")
    assert queue.pending == 1 and queue.labels == ["Sale N° 1"]
    with pytest.raises(PrinterError):
        queue.send(printer, receipt("Sale N° 2"), "Sale N° 2")
    with pytest.raises(PrinterError):
        queue.retry(printer)
    assert queue.labels == ["Sale N° 1", "Sale N° 2"]
    assert not path.exists()

    path.parent.mkdir()  # the printer is plugged back in
    assert queue.retry(printer) == 2
    assert printed(path) == ["Sale N° 1", "Sale N° 2"]
    assert queue.pending == 0 and queue.labels == []
    assert queue.retry(printer) == 0
    assert printed(path) == ["Sale N° 1", "Sale N° 2"]


def test_a_new_receipt_prints_after_the_waiting_ones(tmp_path: Path) -> None:
    printer, path = unplugged(tmp_path)
    queue = PrintQueue()
    for number in (1, 2):
        with pytest.raises(PrinterError):
            queue.send(printer, receipt(f"Sale N° {number}"), f"Sale N° {number}")
    path.parent.mkdir()
    queue.send(printer, receipt("Sale N° 3"), "Sale N° 3")  # no retry asked: it goes first
    assert printed(path) == ["Sale N° 1", "Sale N° 2", "Sale N° 3"]
    assert queue.pending == 0


def test_retry_stops_at_the_first_failure() -> None:
    jobs = [receipt(f"Sale N° {number}") for number in (1, 2, 3)]
    queue = PrintQueue()
    dead = RecordingPrinter(refuse=set(jobs))
    for number, job in enumerate(jobs, start=1):
        with pytest.raises(PrinterError):
            queue.send(dead, job, f"Sale N° {number}")

    printer = RecordingPrinter(refuse={jobs[1]})  # job 1 prints, job 2 jams
    with pytest.raises(PrinterError, match="out of paper"):
        queue.retry(printer)
    assert printer.sent == [jobs[0]]
    assert queue.labels == ["Sale N° 2", "Sale N° 3"]

    # A new receipt does not jump the queue: it waits behind the jammed one.
    with pytest.raises(PrinterError, match="out of paper"):
        queue.send(printer, receipt("Sale N° 4"), "Sale N° 4")
    assert printer.sent == [jobs[0]]
    assert queue.labels == ["Sale N° 2", "Sale N° 3", "Sale N° 4"]

    printer.refuse.clear()
    assert queue.retry(printer) == 3
    assert printer.sent == [*jobs, receipt("Sale N° 4")]
    assert queue.pending == 0


def test_a_drawer_pulse_is_never_queued(tmp_path: Path) -> None:
    printer, path = unplugged(tmp_path)
    queue = PrintQueue()
    with pytest.raises(PrinterError, match="cannot write to"):
        queue.kick(printer, drawer_pulse(2))
    assert queue.pending == 0
    with pytest.raises(PrinterError):
        queue.send(printer, receipt("Sale N° 1"), "Sale N° 1")
    with pytest.raises(PrinterError):
        queue.kick(printer, drawer_pulse(2))
    assert queue.labels == ["Sale N° 1"]

    path.parent.mkdir()
    queue.kick(printer, drawer_pulse(2))  # opens now, without printing the waiting receipt
    assert path.read_bytes() == b"\x1bp\x00\x32\x32"
    assert queue.labels == ["Sale N° 1"]
    assert queue.retry(printer) == 1
    assert printed(path) == ["Sale N° 1"]
    assert drawer_kicks(path.read_bytes()) == [(2, 50, 50)]  # once: the failed pulses are gone


def test_the_drawer_pulse_waits_for_the_receipt_being_printed() -> None:
    printer = BlockingPrinter()
    queue = PrintQueue()
    sale = threading.Thread(target=queue.send, args=(printer, b"receipt", "Sale N° 1"))
    sale.start()
    assert printer.entered.wait(10)
    drawer = threading.Thread(target=queue.kick, args=(printer, b"pulse"))
    drawer.start()
    drawer.join(0.2)
    assert drawer.is_alive()  # its bytes do not go in the middle of the receipt's
    printer.release.set()
    sale.join(10)
    drawer.join(10)
    assert printer.sent == [b"receipt", b"pulse"]
    assert queue.pending == 0


def test_pending_and_labels_do_not_wait_for_a_busy_printer() -> None:
    printer = BlockingPrinter()
    queue = PrintQueue()
    sale = threading.Thread(target=queue.send, args=(printer, b"receipt", "Sale N° 1"))
    sale.start()
    assert printer.entered.wait(10)
    seen: list[object] = []
    reader = threading.Thread(target=lambda: seen.extend([queue.pending, queue.labels]))
    reader.start()
    reader.join(2)
    assert not reader.is_alive()
    assert seen == [1, ["Sale N° 1"]]  # still waiting: it is being printed
    printer.release.set()
    sale.join(10)
    assert queue.pending == 0 and printer.sent == [b"receipt"]


THREADS = 8
JOBS = 20


def test_threads_sending_at_once_print_every_receipt_once_in_order(tmp_path: Path) -> None:
    path = tmp_path / "receipts.escpos"
    queue = PrintQueue()
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def cashier(thread: int) -> None:
        printer = FilePrinter(path)  # one printer object per worker, one device
        start.wait()
        try:
            for job in range(JOBS):
                label = f"Sale T{thread} N° {job}"
                queue.send(printer, receipt(label), label)
                assert label.encode("cp858") in path.read_bytes()  # printed when send returns
        except BaseException as error:
            errors.append(error)

    workers = [threading.Thread(target=cashier, args=(thread,)) for thread in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert errors == []
    labels = printed(path)
    assert sorted(labels) == sorted(
        f"Sale T{t} N° {j}" for t in range(THREADS) for j in range(JOBS)
    )
    for thread in range(THREADS):  # each worker's receipts come out in the order it sent them
        mine = [label for label in labels if label.startswith(f"Sale T{thread} ")]
        assert mine == [f"Sale T{thread} N° {job}" for job in range(JOBS)]
    assert queue.pending == 0


class FlakyPrinter(RecordingPrinter):
    """Fails every third send: a loose cable."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def send(self, data: bytes) -> None:
        self.calls += 1  # safe: the queue never lets two sends overlap (RecordingPrinter checks)
        if self.calls % 3 == 0:
            self.refuse = {data}
        else:
            self.refuse = set()
        super().send(data)


def test_threads_with_a_flaky_printer_lose_and_repeat_nothing() -> None:
    printer = FlakyPrinter()
    queue = PrintQueue()
    start = threading.Barrier(THREADS)
    failures: list[str] = []
    errors: list[BaseException] = []

    def cashier(thread: int) -> None:
        start.wait()
        try:
            for job in range(JOBS):
                label = f"T{thread} N° {job}"
                try:
                    queue.send(printer, label.encode(), label)
                except PrinterError:
                    failures.append(label)
                else:
                    assert label.encode() in printer.sent
        except BaseException as error:
            errors.append(error)

    workers = [threading.Thread(target=cashier, args=(thread,)) for thread in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert errors == []
    assert failures  # the loose cable did bite

    for _attempt in range(THREADS * JOBS):
        try:
            queue.retry(printer)
        except PrinterError:
            continue
        break
    assert queue.pending == 0
    sent = [data.decode() for data in printer.sent]
    assert sorted(sent) == sorted(f"T{t} N° {j}" for t in range(THREADS) for j in range(JOBS))
    for thread in range(THREADS):
        mine = [label for label in sent if label.startswith(f"T{thread} ")]
        assert mine == [f"T{thread} N° {job}" for job in range(JOBS)]
