"""Fake input devices for the scanner reader: this machine (and CI) has no /dev/input.

`Devices` plays /dev/input: it is the reader's opener (`Devices(path)` -> a `FakeDevice`, like
`evdev.InputDevice(path)`), and the test plugs `Hardware` in and out of it. A plugged-in
scanner types a code as the key events a real one sends (built from `evdev.ecodes` names),
delivered to every open handle through `async_read()`; unplugging it fails their reads with
ENODEV, as the kernel does, and opening its path then fails with ENOENT (the by-id link is
gone).
"""

from __future__ import annotations

import asyncio
import errno
import itertools
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from evdev import ecodes

_fds = itertools.count(10)


class Event(NamedTuple):
    type: int
    code: int
    value: int


@dataclass(frozen=True)
class Info:
    vendor: int
    product: int = 0x1234
    bustype: int = 3
    version: int = 1


KEYBOARD_KEYS = tuple(range(1, 128))
"""What a full keyboard (and a USB scanner, which is one) reports it can type."""

US = {
    **{c: (f"KEY_{c.upper()}", False) for c in "abcdefghijklmnopqrstuvwxyz0123456789"},
    **{c: (f"KEY_{c}", True) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
    "-": ("KEY_MINUS", False),
    "/": ("KEY_SLASH", False),
}


def key_events(name: str, value: int) -> list[Event]:
    """One key going down (1) or up (0): scan code, key, sync."""
    return [
        Event(ecodes.EV_MSC, ecodes.MSC_SCAN, 0x70000 + ecodes.ecodes[name]),
        Event(ecodes.EV_KEY, ecodes.ecodes[name], value),
        Event(ecodes.EV_SYN, ecodes.SYN_REPORT, 0),
    ]


def scan_events(text: str, *, enter: bool = True) -> list[Event]:
    """What a scanner sends for `text` (Shift around capitals), then Enter."""
    events: list[Event] = []
    for char in text:
        name, shifted = US[char]
        press = key_events(name, 1) + key_events(name, 0)
        if shifted:
            press = key_events("KEY_LEFTSHIFT", 1) + press + key_events("KEY_LEFTSHIFT", 0)
        events += press
    if enter:
        events += key_events("KEY_ENTER", 1) + key_events("KEY_ENTER", 0)
    return events


@dataclass(eq=False)
class Hardware:
    """One physical input device."""

    name: str = "Honeywell Barcode Scanner"
    vendor: int = 0x0C2E
    keys: tuple[int, ...] = KEYBOARD_KEYS
    plugged: bool = True
    held_elsewhere: bool = False
    """Another program grabbed it: grab() fails with EBUSY."""
    handles: list[FakeDevice] = field(default_factory=list)
    grabs: int = 0

    def send(self, events: list[Event], per_batch: int = 6) -> None:
        """Deliver `events` to the open handles, a few per read, as the kernel does."""
        for handle in self.handles:
            if not handle.closed:
                for start in range(0, len(events), per_batch):
                    handle.queue.put_nowait(events[start : start + per_batch])

    def type(self, text: str, *, enter: bool = True) -> None:
        self.send(scan_events(text, enter=enter))

    def unplug(self) -> None:
        self.plugged = False
        for handle in self.handles:
            handle.queue.put_nowait(OSError(errno.ENODEV, "No such device"))


class FakeDevice:
    """An open handle on `Hardware`, with what the reader uses of `evdev.InputDevice`."""

    def __init__(self, path: str, hardware: Hardware) -> None:
        self.path = path
        self.hardware = hardware
        self.name = hardware.name
        self.info = Info(hardware.vendor)
        self.fd = next(_fds)
        self.grabbed = False
        self.closed = False
        self.queue: asyncio.Queue[list[Event] | OSError] = asyncio.Queue()

    def capabilities(self) -> dict[int, list[int]]:
        return {ecodes.EV_SYN: [0], ecodes.EV_KEY: list(self.hardware.keys)}

    def grab(self) -> None:
        if not self.hardware.plugged:
            raise OSError(errno.ENODEV, "No such device")
        if self.hardware.held_elsewhere:
            raise OSError(errno.EBUSY, "Device or resource busy")
        self.grabbed = True
        self.hardware.grabs += 1

    def ungrab(self) -> None:
        if not self.hardware.plugged:
            raise OSError(errno.ENODEV, "No such device")
        self.grabbed = False

    def close(self) -> None:
        self.closed = True

    async def _read(self) -> list[Event]:
        if self.closed:
            raise OSError(errno.EBADF, "Bad file descriptor")
        item = await self.queue.get()
        if isinstance(item, OSError):
            self.queue.put_nowait(item)  # every later read fails the same way
            raise item
        return item

    def async_read(self) -> asyncio.Future[list[Event]]:
        return asyncio.ensure_future(self._read())


class Devices:
    """/dev/input as the test makes it; call it to open a device (the reader's opener)."""

    def __init__(self) -> None:
        self.nodes: dict[str, Hardware] = {}
        self.denied: set[str] = set()
        self.attempts: list[tuple[float, str]] = []
        """(time.monotonic(), path) of every open."""

    def plug(self, path: str, hardware: Hardware) -> Hardware:
        hardware.plugged = True
        self.nodes[path] = hardware
        return hardware

    def unplug(self, path: str) -> None:
        self.nodes.pop(path).unplug()

    def opened(self, path: str) -> list[FakeDevice]:
        hardware = self.nodes.get(path)
        return [] if hardware is None else [h for h in hardware.handles if h.path == path]

    def __call__(self, path: str) -> FakeDevice:
        self.attempts.append((time.monotonic(), path))
        if path in self.denied:
            raise PermissionError(errno.EACCES, "Permission denied", path)
        hardware = self.nodes.get(path) or self.nodes.get(os.path.realpath(path))
        if hardware is None or not hardware.plugged:
            raise FileNotFoundError(errno.ENOENT, "No such file or directory", path)
        device = FakeDevice(path, hardware)
        hardware.handles.append(device)
        return device


async def eventually(condition: Callable[[], object], timeout: float = 3.0, what: str = "") -> None:
    """Wait (real time) until `condition()` is true."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        await asyncio.sleep(0.01)


class InputFolder:
    """A /dev/input look-alike in a temporary folder: event nodes and by-id links."""

    def __init__(self, root: Path, devices: Devices) -> None:
        self.root = root
        self.devices = devices
        (root / "by-id").mkdir(parents=True)

    def plug(self, number: int, hardware: Hardware, by_id: str = "") -> str:
        node = self.root / f"event{number}"
        node.write_text("")
        if by_id:
            (self.root / "by-id" / by_id).symlink_to(f"../event{number}")
        self.devices.plug(str(node), hardware)
        return str(self.root / "by-id" / by_id) if by_id else str(node)

    def unplug(self, number: int) -> None:
        node = self.root / f"event{number}"
        for link in (self.root / "by-id").iterdir():
            if os.path.realpath(link) == str(node.resolve()):
                link.unlink()
        node.unlink()
        self.devices.unplug(str(node))
