"""Barcode scanners read over evdev for the till app: the reader started with the first screen,
one `Scanned` message per code handed to the screen in front, refusals and the scanners'
state on the status line."""

from __future__ import annotations

import asyncio
import logging
import os
from typing import TYPE_CHECKING

from textual import work

from till_tui.app.base import TillBase
from till_tui.i18n import _
from till_tui.scan_message import Scanned, ScanRefused, refusal_text

if TYPE_CHECKING:
    from till_tui.hw.scanner import Detector, Opener, ScannerReader, ScannerStatus

log = logging.getLogger(__name__)


class ScannerMixin(TillBase):
    """The barcode scanners read over evdev, for the till app."""

    scanner: ScannerReader | None = None
    """The reader of the barcode scanners over evdev, once started (see `start_scanner`)."""
    scanner_opener: Opener | None = None
    """Opens a scanner's device; None: `evdev.InputDevice`."""
    scanner_folder: str | None = None
    """Where auto-detection looks for input devices; None: /dev/input."""
    _scanner_task: asyncio.Task[None] | None = None
    _scanner_asked = False
    _scanner_warned: frozenset[str] = frozenset()

    def start_scanner(self) -> None:
        """Read the barcode scanners over evdev (once, from just after the first screen): the
        configured `[scanner] devices`, or the scanners found. evdev is imported and the
        devices looked for in a worker thread, never before the first screen."""
        if self._scanner_asked:
            return
        self._scanner_asked = True
        self._find_scanners()

    @work(thread=True, group="scanner", exit_on_error=False)
    def _find_scanners(self) -> None:
        from till_tui.hw.scanner import INPUT_FOLDER, Detector, evdev_available

        opener = self.scanner_opener
        if opener is None and not evdev_available():
            log.info("python-evdev is not installed: scanners are read as keyboards only")
            return
        devices = self.config.scanner.devices
        detector = None
        if devices:
            paths = list(devices)
        else:
            detector = Detector(opener, self.scanner_folder or INPUT_FOLDER)
            if not os.path.isdir(detector.folder):
                log.info("No input devices on this machine: scanners are read as keyboards only")
                return
            paths = detector()
            if not paths:
                # Keep looking: a scanner plugged in later is picked up within seconds.
                log.info("No barcode scanner found over evdev yet")
        self.call_from_thread(self._read_scanners, paths, detector)

    def _read_scanners(self, paths: list[str], detector: Detector | None) -> None:
        from till_tui.hw.scanner import ScannerReader

        config = self.config.scanner
        self.scanner = ScannerReader(
            paths,
            self._scan_read,
            on_status=self._scanner_status,
            prefix=config.prefix,
            suffix=config.suffix,
            opener=self.scanner_opener,
            detect=detector,
            on_refused=self._scan_refused,
        )
        # A task of its own rather than a worker: it runs as long as the till does, and
        # waiting for the workers to finish must not wait for it.
        self._scanner_task = asyncio.create_task(self.scanner.run(), name="scanners")

    def _scan_read(self, code: str, source: str) -> None:
        self.post_message(Scanned(code, source))

    def _scan_refused(self, why: str, source: str) -> None:
        self.post_message(ScanRefused(why, source))

    def on_scan_refused(self, message: ScanRefused) -> None:
        """A scanner's code was refused (control character, too long): say so, add nothing."""
        self.say(refusal_text(message.why), error=True)

    def on_scanned(self, message: Scanned) -> None:
        """A scanner read a code: the screen in front takes it (sale: product or customer
        card; customer search; payment: the customer), as it takes a scan typed by a
        keyboard-wedge scanner (the sale screen under its note too); elsewhere it is
        ignored, said so."""
        from till_tui.wedge_keys import scan_taker

        take = scan_taker(self)
        if take is None:
            self.say(_("Scan ignored on this screen: {code}").format(code=message.code), error=True)
            return
        take(message.code)

    def _scanner_status(self, status: ScannerStatus) -> None:
        from till_tui.hw.scanner import ScannerState

        if status.state is ScannerState.NO_PERMISSION and status.path not in self._scanner_warned:
            # A notification, not the screen's message line: it does not hide the greeting or
            # the last sale's change. The status line keeps saying it after it is gone.
            self._scanner_warned |= {status.path}
            self.bell()
            self.notify(
                _(
                    "Cannot read the scanner {path}: permission denied. Install the udev rule "
                    "from the README (or add the till's user to the input group), then plug "
                    "the scanner in again."
                ).format(path=status.path),
                severity="error",
                timeout=20,
            )
        self.status_changed()

    @property
    def scanner_status_text(self) -> str:
        """What is wrong with the scanners ("" when they all work, or none is read)."""
        if self.scanner is None:
            return ""
        from till_tui.hw.scanner import ScannerState

        states = {status.state for status in self.scanner.statuses}
        if ScannerState.NO_PERMISSION in states:
            return _("Scanner: permission denied (see the README)")
        if ScannerState.UNPLUGGED in states:
            return _("Scanner unplugged")
        if ScannerState.BUSY in states:
            return _("Scanner used by another program")
        if ScannerState.FAILED in states:
            return _("Scanner not working")
        return ""

    async def on_unmount(self) -> None:
        task = self._scanner_task
        if task is not None:
            task.cancel()  # the scanners are ungrabbed and closed
            await asyncio.gather(task, return_exceptions=True)
