"""Barcode scanners read over evdev, grabbed so their keys never reach the focused input.

`ScannerReader.run()` is a coroutine for the app's event loop. For each scanner it opens the
device (`opener`, `evdev.InputDevice` by default), grabs it (EVIOCGRAB: no other program, not
even the console, sees its keys), reads its events with `async_read()` (the loop wakes up when
the device has events: no thread, no polling), and gives each key event to the scanner's own
`ScanDecoder`. A complete code goes to the plain callback `on_code(code, source)`; the app
turns it into one Textual message. A refused code (control character, too long) goes to
`on_refused(why, source)`, so the cashier is told. Nothing here imports Textual.

Hot-plug: an unplugged scanner fails its read with ENODEV. Its half-read code is dropped, its
state becomes UNPLUGGED (`on_status` tells the app, which shows it in the status line), and the
path is opened again on a timer that backs off from `retry[0]` to `retry[1]` seconds (1 s, 2 s,
4 s, then every 5 s): never a busy loop. Configured paths should be the stable
/dev/input/by-id/... links, which come back with the same name when the scanner is plugged in
again. A permission error (EACCES) gives the state NO_PERMISSION, retried the same way (the
fix is a udev rule or the `input` group; see the README).

Auto-detection (no path configured): `Detector` lists /dev/input/event* and keeps the devices
that type digits and Enter and whose name or USB vendor says "scanner" (`looks_like_scanner`),
never an ordinary keyboard. The reader runs it again on the same backoff timer (only new device
nodes are opened to look at them), so a scanner unplugged and plugged back, even under a new
event number, is found again. evdev is imported only by `open_evdev` and `evdev_available`.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import glob
import logging
import os
import re
from collections.abc import Awaitable, Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import partial
from typing import Protocol, cast

from till_tui.hw.keymap import DIGIT_KEYS, EV_KEY, KEY_ENTER
from till_tui.hw.scan_decoder import Refusal, ScanDecoder

log = logging.getLogger(__name__)

INPUT_FOLDER = "/dev/input"

SCANNER_VENDORS: dict[int, str] = {
    0x0C2E: "Honeywell (Metrologic)",
    0x0536: "Honeywell (Hand Held Products)",
    0x067E: "Honeywell (Intermec)",
    0x05E0: "Zebra (Symbol)",
    0x05F9: "Datalogic (PSC)",
    0x1EAB: "Newland",
    0x065A: "Opticon",
}
"""USB vendor ids of makers of barcode scanners only. Generic chip makers that cheap scanners
share with keyboards (QinHeng 0x1a86, Holtek 0x04d9, STMicro 0x0483...) are left out: such a
scanner is found by its name, or listed in `[scanner] devices`."""

SCANNER_NAME = re.compile(r"bar ?code|scan(?:ner)?\b|netum|hid ?kbw", re.IGNORECASE)
"""Device names that say "scanner": "Honeywell Barcode Scanner", "NetumScan", "BF SCAN SCAN
KEYBOARD", "SM SM-2D PRODUCT HID KBW" (KBW: keyboard wedge)... not "Scandinavian"."""

RETRY = (1.0, 5.0)
"""Seconds before the first new attempt to open a scanner, and the longest wait between two."""


class ScannerState(Enum):
    STARTING = "starting"
    READY = "ready"
    UNPLUGGED = "unplugged"
    """Not there (ENODEV while reading, ENOENT or ENODEV when opening)."""
    NO_PERMISSION = "no permission"
    """EACCES / EPERM: the till's user may not read input devices."""
    BUSY = "busy"
    """Another program holds the device grabbed (EBUSY)."""
    FAILED = "failed"
    """Any other error; retried like the others."""


@dataclass(frozen=True, slots=True)
class ScannerStatus:
    """One scanner's state, as the status line and the log tell it."""

    path: str
    state: ScannerState
    name: str = ""
    """The device's name, once it was opened."""
    error: str = ""
    """The system's error message, if any."""


class InputEvent(Protocol):
    """What `evdev.InputEvent` gives the reader."""

    @property
    def type(self) -> int: ...
    @property
    def code(self) -> int: ...
    @property
    def value(self) -> int: ...


class DeviceInfo(Protocol):
    @property
    def vendor(self) -> int: ...


class Device(Protocol):
    """What the reader uses of `evdev.InputDevice` (tests give a fake one)."""

    @property
    def path(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def fd(self) -> int: ...
    @property
    def info(self) -> DeviceInfo: ...
    def capabilities(self) -> dict[int, list[int]]: ...
    def grab(self) -> None: ...
    def ungrab(self) -> None: ...
    def close(self) -> None: ...
    def async_read(self) -> Awaitable[Iterable[InputEvent]]: ...


Opener = Callable[[str], Device]
"""A path in, an open device out; raises OSError like `os.open`."""


def evdev_available() -> bool:
    """Can python-evdev be imported here (Linux, installed)?"""
    try:
        import evdev  # noqa: F401
    except ImportError:
        return False
    return True


def open_evdev(path: str) -> Device:
    """The default opener: `evdev.InputDevice(path)`."""
    import evdev

    return cast("Device", evdev.InputDevice(path))


def state_of(error: OSError) -> ScannerState:
    """The scanner state an error when opening, grabbing or reading means."""
    if error.errno in (errno.ENODEV, errno.ENOENT, errno.ENXIO):
        return ScannerState.UNPLUGGED
    if error.errno in (errno.EACCES, errno.EPERM):
        return ScannerState.NO_PERMISSION
    if error.errno == errno.EBUSY:
        return ScannerState.BUSY
    return ScannerState.FAILED


def looks_like_scanner(name: str, vendor: int, keys: Collection[int]) -> bool:
    """A device that types digits and Enter, named or made like a barcode scanner."""
    if KEY_ENTER not in keys or not all(key in keys for key in DIGIT_KEYS):
        return False
    return vendor in SCANNER_VENDORS or SCANNER_NAME.search(name) is not None


def _close(device: Device) -> None:
    with contextlib.suppress(OSError):
        device.close()


class Detector:
    """Finds the input devices that look like barcode scanners (`looks_like_scanner`).

    Each device node is opened once to look at it; the answer is kept until the node changes
    (a device plugged in gets a new node). A node that cannot be opened (no permission, gone)
    is tried again next time. Scanners are named by their /dev/input/by-id link when they have
    one, which stays the same when the scanner is plugged in again.
    """

    def __init__(self, opener: Opener | None = None, folder: str = INPUT_FOLDER) -> None:
        self.opener = opener or open_evdev
        self.folder = folder
        self._known: dict[tuple[str, int, int], str | None] = {}

    def __call__(self) -> list[str]:
        """The paths of the scanners plugged in now."""
        known: dict[tuple[str, int, int], str | None] = {}
        found: list[str] = []
        nodes = glob.glob(os.path.join(glob.escape(self.folder), "event*"))
        for node in sorted(nodes, key=_node_order):
            try:
                stat = os.stat(node)
            except OSError:
                continue
            key = (node, stat.st_rdev, stat.st_ctime_ns)
            if key in self._known:
                path = self._known[key]
            else:
                try:
                    path = self._probe(node)
                except OSError as error:
                    log.debug("Cannot look at %s: %s", node, error.strerror)
                    continue
            known[key] = path
            if path is not None:
                found.append(path)
        self._known = known
        return found

    def _probe(self, node: str) -> str | None:
        device = self.opener(node)
        try:
            keys = device.capabilities().get(EV_KEY, [])
            if not looks_like_scanner(device.name, device.info.vendor, set(keys)):
                return None
            log.info("Scanner found: %s (%s)", device.name, node)
        finally:
            _close(device)
        return self._stable_path(node)

    def _stable_path(self, node: str) -> str:
        """The node's /dev/input/by-id link if it has one, else the node itself."""
        real = os.path.realpath(node)
        for link in sorted(glob.glob(os.path.join(glob.escape(self.folder), "by-id", "*"))):
            if os.path.realpath(link) == real:
                return link
        return node


def _node_order(node: str) -> tuple[int, str]:
    digits = node.rsplit("event", 1)[-1]
    return (int(digits) if digits.isdigit() else 1 << 30, node)


class ScannerReader:
    """Reads barcode scanners until cancelled; see the module's description.

    `paths`: the configured devices, each kept open (and opened again after a loss) for as
    long as the reader runs. With `detect` (auto-detection), `paths` are the scanners found at
    start, and `detect()` is called again on the backoff timer to find scanners plugged in
    later or again.
    """

    def __init__(
        self,
        paths: Sequence[str],
        on_code: Callable[[str, str], None],
        *,
        on_status: Callable[[ScannerStatus], None] | None = None,
        prefix: str = "",
        suffix: str = "",
        opener: Opener | None = None,
        detect: Callable[[], Sequence[str]] | None = None,
        retry: tuple[float, float] = RETRY,
        on_refused: Callable[[Refusal, str], None] | None = None,
    ) -> None:
        self.paths = tuple(dict.fromkeys(paths))
        self.on_code = on_code
        self.on_status = on_status
        self.on_refused = on_refused
        """Told (why, scanner path) when a scanner's code is refused."""
        self.prefix = prefix
        self.suffix = suffix
        self.opener = opener or open_evdev
        self.detect = detect
        self.first_delay, self.longest_delay = retry
        self._statuses: dict[str, ScannerStatus] = {}
        self._reading: dict[str, asyncio.Task[None]] = {}
        self._lost = asyncio.Event()

    @property
    def statuses(self) -> list[ScannerStatus]:
        """Every scanner's state, in the order they were first seen."""
        return list(self._statuses.values())

    async def run(self) -> None:
        """Read the scanners until cancelled."""
        try:
            for path in self.paths:
                self._start(path, keep=self.detect is None)
            if self.detect is None:
                await asyncio.gather(*self._reading.values())
            else:
                await self._rescan_loop(self.detect)
        finally:
            tasks = list(self._reading.values())
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    def _start(self, path: str, *, keep: bool) -> None:
        if path not in self._statuses:
            self._set(ScannerStatus(path, ScannerState.STARTING))
        task = asyncio.create_task(self._keep_reading(path, keep=keep), name=f"scanner {path}")
        self._reading[path] = task

    async def _rescan_loop(self, detect: Callable[[], Sequence[str]]) -> None:
        delay = self.first_delay
        while True:
            try:
                await asyncio.wait_for(self._lost.wait(), timeout=delay)
            except TimeoutError:
                delay = min(delay * 2, self.longest_delay)
            else:
                self._lost.clear()
                delay = self.first_delay
                await asyncio.sleep(delay)
            for path in detect():
                task = self._reading.get(path)
                if task is None or task.done():
                    self._start(path, keep=False)

    async def _keep_reading(self, path: str, *, keep: bool) -> None:
        """Open, grab and read `path`; when it fails, wait and open it again (`keep`) or stop
        (auto-detected: the detector finds it again)."""
        delay = self.first_delay
        while True:
            device = self._open(path)
            if device is not None:
                await self._read(device, path)
                delay = self.first_delay
            if not keep:
                self._lost.set()
                return
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.longest_delay)

    def _open(self, path: str) -> Device | None:
        try:
            device = self.opener(path)
        except OSError as error:
            self._failed(path, "", error)
            return None
        try:
            device.grab()
        except OSError as error:
            _close(device)
            self._failed(path, device.name, error)
            return None
        self._set(ScannerStatus(path, ScannerState.READY, device.name))
        return device

    async def _read(self, device: Device, path: str) -> None:
        """Decode `device`'s events until it fails (unplugged); release it in any case."""
        refused = self.on_refused
        decoder = ScanDecoder(
            prefix=self.prefix,
            suffix=self.suffix,
            source=path,
            on_refused=None if refused is None else partial(self._refused, refused, path),
        )
        feed = decoder.feed
        try:
            while True:
                try:
                    for event in await device.async_read():
                        code = feed(event.type, event.code, event.value)
                        if code is not None:
                            self._deliver(code, path)
                except BlockingIOError:
                    continue  # woken up with nothing to read: wait again
        except OSError as error:
            decoder.reset()  # a code cut by the unplug is never delivered
            self._failed(path, device.name, error)
        finally:
            with contextlib.suppress(OSError):  # already gone
                device.ungrab()
            _close(device)

    @staticmethod
    def _refused(tell: Callable[[Refusal, str], None], path: str, refusal: Refusal) -> None:
        try:
            tell(refusal, path)
        except Exception:  # the app's bug must not stop the scanner
            log.exception("Scanner %s: the refusal was not handled", path)

    def _deliver(self, code: str, path: str) -> None:
        try:
            self.on_code(code, path)
        except Exception:  # the app's bug must not stop the scanner
            log.exception("Scanner %s: the code %r was not handled", path, code)

    def _failed(self, path: str, name: str, error: OSError) -> None:
        self._set(ScannerStatus(path, state_of(error), name, error.strerror or str(error)))

    def _set(self, status: ScannerStatus) -> None:
        before = self._statuses.get(status.path)
        if before is not None and not status.name:
            status = ScannerStatus(status.path, status.state, before.name, status.error)
        if before is not None and (before.state, before.name) == (status.state, status.name):
            return  # the same state (its error text may differ: ENODEV, then ENOENT)
        self._statuses[status.path] = status
        if status.state is ScannerState.READY and self.detect is not None:
            # Found again under another path: forget the old one.
            for other in list(self._statuses.values()):
                if (
                    other.path != status.path
                    and other.name == status.name
                    and other.state is not ScannerState.READY
                    and other.path not in self._running_paths()
                ):
                    del self._statuses[other.path]
        if status.state is ScannerState.STARTING:
            return
        if status.state is ScannerState.READY:
            log.info("Scanner %s (%s) ready", status.path, status.name)
        else:
            log.warning("Scanner %s: %s (%s)", status.path, status.state.value, status.error)
        if self.on_status is not None:
            self.on_status(status)

    def _running_paths(self) -> set[str]:
        return {path for path, task in self._reading.items() if not task.done()}
