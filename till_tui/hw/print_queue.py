"""Receipts that could not be printed wait here, in order, until the cashier retries.

Printing runs in worker threads, so the queue is thread-safe. Two locks:

- `_printing` is held while bytes go to the printer, one job (or one drawer pulse) at a time, so
  two threads never mix their bytes on the paper and jobs leave the queue strictly in order;
- `_jobs` guards the list of waiting jobs and is only held for a moment, so the UI thread can
  read `pending` and `labels` while a slow printer is busy.

A job leaves the queue only once the printer took all its bytes: each job prints at most once
from the queue (a printer that fails half-way through a job may still have printed part of it;
the retry then prints the whole job again, which is what a cashier expects of a reprint).

The queue lives in memory: jobs still waiting when the till stops are lost, but the sales are
saved and can be reprinted.
"""

from __future__ import annotations

import itertools
import threading
from collections import deque
from dataclasses import dataclass

from till_tui.hw.printer import Printer


@dataclass(frozen=True, slots=True)
class PrintJob:
    """Bytes already rendered for the printer, and what the cashier calls them."""

    label: str
    """E.g. "Sale N° 12": shown to the cashier while the job waits."""
    data: bytes
    """ESC/POS bytes, sent as they are."""
    number: int
    """Order of arrival in its queue (1, 2, ...)."""


class PrintQueue:
    """Jobs that failed to print, kept in order so the cashier can retry them later."""

    def __init__(self) -> None:
        self._jobs_lock = threading.Lock()
        self._printing = threading.Lock()
        self._jobs: deque[PrintJob] = deque()
        self._numbers = itertools.count(1)

    @property
    def pending(self) -> int:
        """How many jobs are waiting."""
        with self._jobs_lock:
            return len(self._jobs)

    @property
    def labels(self) -> list[str]:
        """The labels of the waiting jobs, oldest first."""
        with self._jobs_lock:
            return [job.label for job in self._jobs]

    def send(self, printer: Printer, data: bytes, label: str) -> None:
        """Print `data` now, after any jobs still waiting (they go first, in order).

        Returns once this job is printed. Raises the printer's PrinterError when it or a job
        ahead of it could not be printed: the job then waits in the queue, behind the older
        ones, for `retry` (or the next `send`). A printed job leaves the queue: never twice.
        """
        with self._jobs_lock:
            job = PrintJob(label, data, next(self._numbers))
            self._jobs.append(job)
        while self._print_first(printer, up_to=job.number):
            pass

    def retry(self, printer: Printer) -> int:
        """Print the waiting jobs in order; returns how many this call printed.

        Stops at the first failure and raises its PrinterError: that job and the later ones
        keep waiting (`pending` tells how many).
        """
        printed = 0
        while self._print_first(printer):
            printed += 1
        return printed

    def kick(self, printer: Printer, data: bytes) -> None:
        """Send `data` (a drawer pulse) right away, never queued; raises PrinterError.

        It waits for the job being printed, if any, so the bytes do not mix, but not for the
        jobs waiting in the queue: the drawer opens now or not at all.
        """
        with self._printing:
            printer.send(data)

    def _print_first(self, printer: Printer, up_to: int | None = None) -> bool:
        """Print the oldest waiting job (if it is not younger than job `up_to`).

        Returns False when there was nothing (more) to print; raises the printer's error,
        leaving the job first in the queue.
        """
        with self._printing:
            with self._jobs_lock:
                if not self._jobs or (up_to is not None and self._jobs[0].number > up_to):
                    return False
                job = self._jobs[0]
            printer.send(job.data)
            with self._jobs_lock:
                # Only a thread holding `_printing` removes jobs, so `job` is still first.
                self._jobs.popleft()
            return True
