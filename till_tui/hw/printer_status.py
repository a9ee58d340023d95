"""What a receipt printer says about itself: ESC/POS real-time status (DLE EOT n), decoded.

Pure and light (no python-escpos, no I/O): the connections in `hw/printers.py` send the
queries and hand the answer bytes here, and the app's status line reads `status_line`.

DLE EOT n ("\\x10\\x04" n) is a real-time command: the printer answers one byte at once, even
while it is offline (cover open, paper out) or busy. In every answer bits 1 and 4 are 1 and
bits 0 and 7 are 0, which tells an answer from other bytes a printer may send.

- n = 1, printer status: bit 3 set = offline.
- n = 2, offline cause: bit 2 cover open, bit 3 paper fed by the button, bit 5 stopped at the
  paper end, bit 6 error.
- n = 4, roll paper sensor: bits 2-3 set = paper near its end, bits 5-6 set = no paper.

python-escpos has the same queries (`query_status`, `is_online`, `paper_status`), but its
`paper_status` reads "no answer" as "plenty of paper" and its `is_online` reads it as
"offline"; here no answer is "unknown" (None).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from till_tui.i18n import _

Paper = Literal["ok", "near_end", "out"]

PRINTER = 1
"""DLE EOT 1: printer status (online or offline)."""
OFFLINE_CAUSE = 2
"""DLE EOT 2: why the printer is offline."""
PAPER = 4
"""DLE EOT 4: roll paper sensor."""


def query(n: int) -> bytes:
    """The bytes of the real-time status query DLE EOT `n`."""
    return b"\x10\x04" + bytes([n])


def is_answer(byte: int) -> bool:
    """True when `byte` has the fixed bits of a DLE EOT answer (bits 1, 4 set; 0, 7 clear)."""
    return byte & 0x93 == 0x12


def first_answer(data: bytes) -> int | None:
    """The first byte of `data` that is a DLE EOT answer, or None."""
    return next((byte for byte in data if is_answer(byte)), None)


def wait_for_answer(read: Callable[[float], bytes | None], timeout: float) -> int | None:
    """The first DLE EOT answer byte read within `timeout` seconds, or None. `read(left)`
    waits at most `left` seconds and returns what came (maybe nothing yet), or None when the
    line has nothing more to say (timed out, closed)."""
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        data = read(left)
        if data is None:
            return None
        byte = first_answer(data)
        if byte is not None:
            return byte
    return None


@dataclass(frozen=True, slots=True)
class PrinterStatus:
    """A printer's state; None where it cannot tell (a file, no printer, no answer)."""

    online: bool | None = None
    """True: ready to print; False: offline (unreachable, cover open, paper out...)."""
    paper: Paper | None = None
    """"ok", "near_end" (change the roll soon) or "out"."""
    message: str = ""
    """One line for a cashier or a technician, e.g. "Printer offline: the cover is open"."""

    @property
    def ready(self) -> bool:
        """The printer said it can print now."""
        return self.online is True and self.paper != "out"


def paper_state(answer: int) -> Paper:
    """The roll paper sensor's answer (DLE EOT 4) as "ok", "near_end" or "out"."""
    if answer & 0x60:
        return "out"
    if answer & 0x0C:
        return "near_end"
    return "ok"


def offline_cause(answer: int | None, paper: Paper | None) -> str:
    """Why a printer is offline, from its DLE EOT 2 answer and its paper sensor ("" unknown)."""
    if paper == "out" or (answer is not None and answer & 0x20):
        return _("out of paper")
    if answer is None:
        return ""
    if answer & 0x04:
        return _("the cover is open")
    if answer & 0x40:
        return _("printer error (switch it off and on again)")
    if answer & 0x08:
        return _("paper is being fed")
    return ""


def read_status(ask: Callable[[int], int | None], *, answered_before: bool) -> PrinterStatus:
    """Ask a printer for its status through `ask(n)` (sends DLE EOT n, returns the answer
    byte or None when none came in time).

    A printer that never answered status queries may simply not support them (a one-way
    interface): its state is unknown. One that did answer and no longer does is offline.
    """
    printer = ask(PRINTER)
    if printer is None:
        if answered_before:
            return PrinterStatus(
                False, None, _("Printer offline: it does not answer (is it switched on?)")
            )
        return PrinterStatus(None, None, _("The printer does not answer status queries"))
    online = not printer & 0x08
    sensor = ask(PAPER)
    paper = paper_state(sensor) if sensor is not None else None
    if not online:
        cause = offline_cause(ask(OFFLINE_CAUSE), paper)
        message = (
            _("Printer offline: {cause}").format(cause=cause) if cause else _("Printer offline")
        )
        return PrinterStatus(False, paper, message)
    if paper == "out":
        return PrinterStatus(True, paper, _("Printer out of paper"))
    if paper == "near_end":
        return PrinterStatus(True, paper, _("Printer ready; the paper roll is nearly finished"))
    return PrinterStatus(True, paper, _("Printer ready"))


def came_back(before: PrinterStatus | None, now: PrinterStatus) -> bool:
    """The printer is ready now and was not at the previous reading: time to print what
    waits in the queue."""
    return now.ready and not (before is not None and before.ready)


def status_line(status: PrinterStatus | None) -> str:
    """A few words for the till's status line; "" when the printer is fine or cannot tell."""
    if status is None:
        return ""
    if status.paper == "out":
        return _("Printer out of paper")
    if status.online is False:
        return _("Printer offline")
    if status.paper == "near_end":
        return _("Printer paper low")
    return ""
