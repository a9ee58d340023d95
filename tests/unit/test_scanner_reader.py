"""The evdev scanner reader on fake devices (no /dev/input here), with real asyncio timing:
grab, one code per scan with its source, hot-plug with a backoff timer, permission errors, and
auto-detection of scanners (never the keyboard)."""

from __future__ import annotations

import asyncio
import itertools
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from tests.fake_evdev import (
    KEYBOARD_KEYS,
    Devices,
    Hardware,
    InputFolder,
    eventually,
    scan_events,
)
from till_tui.hw.keymap import DIGIT_KEYS, KEY_ENTER
from till_tui.hw.scanner import (
    RETRY,
    Detector,
    ScannerReader,
    ScannerState,
    ScannerStatus,
    looks_like_scanner,
)

BY_ID = "/dev/input/by-id/usb-Honeywell_Barcode_Scanner-event-kbd"
OTHER = "/dev/input/by-id/usb-Datalogic_Scanner-event-kbd"
FAST = (0.05, 0.2)
"""A quick backoff for the tests: 50 ms, 100 ms, then every 200 ms."""


class Seen:
    """What the reader told the app."""

    def __init__(self) -> None:
        self.codes: list[tuple[str, str]] = []
        self.statuses: list[ScannerStatus] = []
        self.times: list[float] = []

    def code(self, code: str, source: str) -> None:
        self.codes.append((code, source))

    def status(self, status: ScannerStatus) -> None:
        self.statuses.append(status)
        self.times.append(time.monotonic())

    def states(self, path: str = BY_ID) -> list[ScannerState]:
        return [status.state for status in self.statuses if status.path == path]

    def last(self, path: str = BY_ID) -> ScannerState | None:
        states = self.states(path)
        return states[-1] if states else None


def reader_for(
    devices: Devices, seen: Seen, paths: tuple[str, ...] = (BY_ID,), **options: object
) -> ScannerReader:
    return ScannerReader(
        paths,
        seen.code,
        on_status=seen.status,
        opener=devices,
        retry=options.pop("retry", FAST),  # type: ignore[arg-type]
        **options,  # type: ignore[arg-type]
    )


@asynccontextmanager
async def running(reader: ScannerReader) -> AsyncIterator[asyncio.Task[None]]:
    task = asyncio.create_task(reader.run())
    try:
        yield task
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_a_scan_is_one_code_with_its_source_and_the_scanner_is_grabbed() -> None:
    devices, seen = Devices(), Seen()
    scanner = devices.plug(BY_ID, Hardware())
    async with running(reader_for(devices, seen)):
        await eventually(lambda: seen.last() is ScannerState.READY)
        (handle,) = devices.opened(BY_ID)
        assert handle.grabbed, "grabbed: its keys never reach the focused input"
        scanner.type("3760123000017")
        scanner.type("Lot-42/B")
        await eventually(lambda: len(seen.codes) == 2)
    assert seen.codes == [("3760123000017", BY_ID), ("Lot-42/B", BY_ID)]
    assert seen.statuses[-1] == ScannerStatus(BY_ID, ScannerState.READY, scanner.name)
    assert (handle.grabbed, handle.closed) == (False, True), "released when the reader stops"


async def test_prefix_and_suffix_are_stripped_by_the_reader() -> None:
    devices, seen = Devices(), Seen()
    scanner = devices.plug(BY_ID, Hardware())
    async with running(reader_for(devices, seen, prefix="A", suffix="Z")):
        await eventually(lambda: seen.last() is ScannerState.READY)
        scanner.type("A3760123000017Z")
        await eventually(lambda: seen.codes)
    assert seen.codes == [("3760123000017", BY_ID)]


async def test_unplugged_is_reported_and_the_scanner_is_opened_again_when_back() -> None:
    devices, seen = Devices(), Seen()
    scanner = devices.plug(BY_ID, Hardware())
    async with running(reader_for(devices, seen)):
        await eventually(lambda: seen.last() is ScannerState.READY)
        (first,) = devices.opened(BY_ID)
        scanner.type("37601230", enter=False)  # the cable is pulled half-way through a code
        await asyncio.sleep(0.02)
        devices.unplug(BY_ID)
        await eventually(lambda: seen.last() is ScannerState.UNPLUGGED)
        assert first.closed
        unplugged_at = seen.times[-1]
        await asyncio.sleep(0.3)
        tries = [t for t, path in devices.attempts if t > unplugged_at]
        assert 2 <= len(tries) <= 5, "tried again on the timer, not in a loop"
        assert tries[0] - unplugged_at >= FAST[0] * 0.9, "never at once"

        devices.plug(BY_ID, scanner)
        await eventually(lambda: seen.last() is ScannerState.READY, timeout=1)
        scanner.type("2900000000018")
        await eventually(lambda: seen.codes)
    assert seen.codes == [("2900000000018", BY_ID)], "the half-read code was dropped"
    assert seen.states() == [ScannerState.READY, ScannerState.UNPLUGGED, ScannerState.READY]
    assert seen.statuses[1].error == "No such device"
    assert scanner.grabs == 2


async def test_the_wait_between_tries_grows_to_the_longest() -> None:
    devices, seen = Devices(), Seen()
    async with running(reader_for(devices, seen)):
        await asyncio.sleep(1.2)
    times = [t for t, _path in devices.attempts]
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    # 0, 0.05, 0.15, 0.35, 0.55, 0.75, 0.95, 1.15: 8 tries in 1.2 s, never a busy loop.
    assert 6 <= len(times) <= 9, times
    expected = [0.05, 0.1, 0.2, 0.2, 0.2]
    for gap, wait in zip(gaps, expected, strict=False):
        assert gap >= wait * 0.9, gaps
    assert max(gaps) < FAST[1] + 0.1
    assert seen.states() == [ScannerState.UNPLUGGED], "said once, not at every try"


async def test_with_the_default_timer_a_missing_scanner_is_tried_once_a_second_at_most() -> None:
    assert RETRY == (1.0, 5.0)
    devices, seen = Devices(), Seen()
    async with running(reader_for(devices, seen, retry=RETRY)):
        await asyncio.sleep(2.4)
    times = [t for t, _path in devices.attempts]
    assert len(times) == 2, "at 0 s and 1 s; the next at 3 s"
    assert times[1] - times[0] >= 0.95


async def test_permission_denied_says_so_and_is_retried() -> None:
    devices, seen = Devices(), Seen()
    scanner = devices.plug(BY_ID, Hardware())
    devices.denied.add(BY_ID)
    async with running(reader_for(devices, seen)):
        await eventually(lambda: seen.last() is ScannerState.NO_PERMISSION)
        assert seen.statuses[-1].error == "Permission denied"
        assert scanner.grabs == 0
        devices.denied.clear()  # the udev rule is in, the scanner plugged in again
        await eventually(lambda: seen.last() is ScannerState.READY, timeout=1)
    assert seen.states() == [ScannerState.NO_PERMISSION, ScannerState.READY]


async def test_a_scanner_held_by_another_program_is_busy_and_left_closed() -> None:
    devices, seen = Devices(), Seen()
    scanner = devices.plug(BY_ID, Hardware(held_elsewhere=True))
    async with running(reader_for(devices, seen)):
        await eventually(lambda: seen.last() is ScannerState.BUSY)
        assert all(handle.closed for handle in scanner.handles)
        scanner.held_elsewhere = False
        await eventually(lambda: seen.last() is ScannerState.READY, timeout=1)


async def test_two_scanners_typing_at_once_keep_their_codes_apart() -> None:
    devices, seen = Devices(), Seen()
    first = devices.plug(BY_ID, Hardware())
    second = devices.plug(OTHER, Hardware(name="Datalogic Scanner", vendor=0x05F9))
    async with running(reader_for(devices, seen, paths=(BY_ID, OTHER))):
        await eventually(lambda: seen.last(BY_ID) is seen.last(OTHER) is ScannerState.READY)
        # One event per read, alternately: the two codes' keys are interleaved on the loop.
        one, other = scan_events("3760123000017"), scan_events("Room-12")
        for index in range(max(len(one), len(other))):
            first.send(one[index : index + 1], per_batch=1)
            second.send(other[index : index + 1], per_batch=1)
        await eventually(lambda: len(seen.codes) == 2)
    assert sorted(seen.codes) == [("3760123000017", BY_ID), ("Room-12", OTHER)]


async def test_a_failing_callback_does_not_stop_the_reader() -> None:
    devices, codes = Devices(), []
    scanner = devices.plug(BY_ID, Hardware())

    def on_code(code: str, source: str) -> None:
        codes.append(code)
        if len(codes) == 1:
            raise RuntimeError("a bug in the app")

    reader = ScannerReader([BY_ID], on_code, opener=devices, retry=FAST)
    async with running(reader):
        await eventually(lambda: devices.opened(BY_ID))
        scanner.type("1")
        scanner.type("2")
        await eventually(lambda: len(codes) == 2)
    assert codes == ["1", "2"]


def test_the_reader_does_not_import_evdev() -> None:
    code = "import sys, till_tui.hw.scanner; print('evdev' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


# -- auto-detection -------------------------------------------------------------------------


def test_looks_like_scanner() -> None:
    keys = set(KEYBOARD_KEYS)
    assert looks_like_scanner("Honeywell Imaging & Mobility 1900", 0x0C2E, keys)
    assert looks_like_scanner("Symbol Technologies, Inc, 2008 Symbol Bar Code", 0x05E0, keys)
    assert looks_like_scanner("BF SCAN SCAN KEYBOARD", 0x0581, keys)
    assert looks_like_scanner("SM SM-2D PRODUCT HID KBW", 0x1A86, keys)
    assert looks_like_scanner("NetumScan", 0x1A86, keys)
    assert looks_like_scanner("USB Barcode Reader", 0x0483, keys)
    # The ordinary keyboards.
    assert not looks_like_scanner("AT Translated Set 2 keyboard", 0x0001, keys)
    assert not looks_like_scanner("Logitech USB Keyboard", 0x046D, keys)
    assert not looks_like_scanner("Scandinavian Keyboard", 0x1A86, keys)
    # A scanner's other interfaces (no digits, or no Enter) type no code.
    no_digits = keys - set(DIGIT_KEYS)
    assert not looks_like_scanner("Honeywell Barcode Scanner Consumer Control", 0x0C2E, no_digits)
    assert not looks_like_scanner("Honeywell Barcode Scanner", 0x0C2E, keys - {KEY_ENTER})


def test_the_detector_finds_scanners_never_the_keyboard(tmp_path: Path) -> None:
    devices = Devices()
    folder = InputFolder(tmp_path / "input", devices)
    keyboard = Hardware(name="AT Translated Set 2 keyboard", vendor=0x0001)
    folder.plug(0, keyboard)
    folder.plug(1, Hardware(name="Logitech USB Optical Mouse", vendor=0x046D, keys=(272, 273)))
    honeywell = folder.plug(2, Hardware(), by_id="usb-Honeywell_Scanner-event-kbd")
    folder.plug(3, Hardware(name="Honeywell Consumer Control", keys=(113, 114, 115)))
    generic = folder.plug(10, Hardware(name="BF SCAN SCAN KEYBOARD", vendor=0x0581))
    folder.plug(11, Hardware(name="Dell USB Keyboard", vendor=0x413C), by_id="usb-Dell-kbd")
    devices.denied.add(str(tmp_path / "input" / "event12"))
    folder.plug(12, Hardware(name="Datalogic", vendor=0x05F9))

    detector = Detector(devices, folder=str(tmp_path / "input"))
    assert detector() == [honeywell, generic]
    assert keyboard.grabs == 0 and all(handle.closed for handle in keyboard.handles)

    # Each node is looked at once; the one that could not be opened is tried again.
    opened = len(devices.attempts)
    assert detector() == [honeywell, generic]
    assert [path for _t, path in devices.attempts[opened:]] == [str(tmp_path / "input/event12")]


async def test_an_auto_detected_scanner_is_found_again_under_a_new_event_number(
    tmp_path: Path,
) -> None:
    devices, seen = Devices(), Seen()
    folder = InputFolder(tmp_path / "input", devices)
    folder.plug(0, Hardware(name="AT Translated Set 2 keyboard", vendor=0x0001))
    scanner = Hardware()
    path = folder.plug(4, scanner, by_id="usb-Honeywell_Scanner-event-kbd")
    detector = Detector(devices, folder=str(tmp_path / "input"))
    reader = reader_for(devices, seen, paths=tuple(detector()), detect=detector)
    async with running(reader):
        await eventually(lambda: seen.last(path) is ScannerState.READY)
        folder.unplug(4)
        await eventually(lambda: seen.last(path) is ScannerState.UNPLUGGED)
        await asyncio.sleep(0.3)
        assert seen.last(path) is ScannerState.UNPLUGGED
        folder.plug(7, scanner, by_id="usb-Honeywell_Scanner-event-kbd")
        await eventually(lambda: seen.last(path) is ScannerState.READY, timeout=1.5)
        scanner.type("3760123000017")
        await eventually(lambda: seen.codes)
    assert seen.codes == [("3760123000017", path)]
    assert [status.path for status in reader.statuses] == [path]


async def test_an_auto_detected_scanner_without_a_by_id_link_is_found_by_its_name(
    tmp_path: Path,
) -> None:
    devices, seen = Devices(), Seen()
    folder = InputFolder(tmp_path / "input", devices)
    scanner = Hardware(name="NetumScan", vendor=0x1A86)
    first = folder.plug(4, scanner)
    detector = Detector(devices, folder=str(tmp_path / "input"))
    reader = reader_for(devices, seen, paths=tuple(detector()), detect=detector)
    async with running(reader):
        await eventually(lambda: seen.last(first) is ScannerState.READY)
        folder.unplug(4)
        await eventually(lambda: seen.last(first) is ScannerState.UNPLUGGED)
        second = folder.plug(5, scanner)
        await eventually(lambda: seen.last(second) is ScannerState.READY, timeout=1.5)
    assert [status.path for status in reader.statuses] == [second], "the old node is forgotten"


@pytest.mark.parametrize("paths", [(), (BY_ID,)])
async def test_the_reader_stops_cleanly_when_cancelled(paths: tuple[str, ...]) -> None:
    devices, seen = Devices(), Seen()
    devices.plug(BY_ID, Hardware())
    async with running(reader_for(devices, seen, paths=paths)) as task:
        await asyncio.sleep(0.05)
    assert task.cancelled() or task.done()
    assert all(handle.closed for handle in devices.opened(BY_ID))
