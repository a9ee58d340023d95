"""Receipt printers: ESC/POS bytes from receipt rows, and the places those bytes go.

`open_printer` builds the printer of [printer]: the file and none kinds are here, the usb,
network and serial kinds (which also read the printer's state) in `printers.py`, and the
state itself (`PrinterStatus`, ESC/POS real-time status) in `printer_status.py`.

python-escpos is imported lazily (inside functions): importing it costs about a third of a
second, and it re-parses its capabilities file on every start unless it may keep a pickle in
ESCPOS_CAPABILITIES_PICKLE_DIR, which we point at the user cache before the first import.
"""

from __future__ import annotations

import errno
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from platformdirs import user_cache_dir

from till_tui.config import PRINTER_STATUS_KINDS
from till_tui.domain.receipt import Align, Row
from till_tui.hw.printer_status import PrinterStatus
from till_tui.i18n import _

if TYPE_CHECKING:
    from till_tui.config import PrinterConfig

PICKLE_DIR_VARIABLE = "ESCPOS_CAPABILITIES_PICKLE_DIR"

FEED_LINES = 4
"""Lines fed after the last row when the paper is not cut (cut() feeds on its own)."""

# Characters Babel and keyboards produce that code pages lack, mapped one-for-one so the
# printed width stays what the layout measured.
_PRINTABLE = str.maketrans(
    {
        "\u00a0": " ",  # no-break space (fr_FR: "12,50 €", "20 %")
        "\u202f": " ",  # narrow no-break space (fr_FR thousands: "1 234,50")
        "\u2007": " ",
        "\u2009": " ",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2026": ".",
    }
)


class PrinterError(Exception):
    """A printer problem; `str(error)` is a short message for the cashier."""


def _escpos_dummy() -> Any:
    """The `escpos.printer.Dummy` class, importing python-escpos on first use."""
    if "escpos.capabilities" not in sys.modules and PICKLE_DIR_VARIABLE not in os.environ:
        cache = Path(user_cache_dir("till-tui")) / "escpos"
        try:
            cache.mkdir(parents=True, exist_ok=True)
        except OSError:
            pass  # escpos falls back to a fresh temporary directory: slower, still works
        else:
            os.environ.setdefault(PICKLE_DIR_VARIABLE, str(cache))
    root_handlers = list(logging.root.handlers)
    try:
        from escpos.printer import Dummy
    except OSError as error:  # the capabilities pickle could not be written
        raise PrinterError(
            _("Printer: cannot load the printer library ({reason})").format(
                reason=error.strerror or error
            )
        ) from error
    finally:
        # escpos.capabilities calls logging.basicConfig() at import: undo it, or its stderr
        # handler would write log lines over the terminal UI.
        for handler in logging.root.handlers[:]:
            if handler not in root_handlers:
                logging.root.removeHandler(handler)
    return Dummy


def _dummy_printer(profile: str | None) -> Any:
    """A python-escpos Dummy printer (it collects bytes) for `profile`; raises PrinterError."""
    dummy_class = _escpos_dummy()
    try:
        return dummy_class(profile=profile)
    except KeyError as error:
        raise PrinterError(
            _("Printer: unknown printer model {profile}").format(profile=profile)
        ) from error


def render_escpos(
    rows: Sequence[Row], *, profile: str | None = None, codepage: str = "CP858", cut: bool = True
) -> bytes:
    """ESC/POS bytes printing `rows`, text encoded in `codepage`, then feed and partial cut.

    The code page is forced (ESC t n sent once, right after ESC @ which resets it) so accents
    and € come out right: python-escpos would otherwise pick a code page per character.
    Characters the code page lacks print as "?".
    """
    printer = _dummy_printer(profile)
    encoding = codepage.upper()
    if encoding not in printer.profile.get_code_pages():
        raise PrinterError(
            _("Printer: code page {codepage} is not available on this printer").format(
                codepage=codepage
            )
        )
    printer.hw("INIT")  # ESC @: reset modes, which also resets the code page: select it after
    printer.charcode(encoding)  # ESC t n now, and no automatic code page switching from here on
    align: Align = "left"
    bold = False
    double = False
    for row in rows:
        changes: dict[str, Any] = {}
        if row.align != align:
            changes["align"] = align = row.align
        if row.bold != bold:
            changes["bold"] = bold = row.bold
        if row.double != double:
            double = row.double
            changes.update(double_width=double, double_height=double, normal_textsize=not double)
        if changes:
            printer.set(**changes)
        printer.textln(row.text.translate(_PRINTABLE))
    printer.set(align="left", bold=False, normal_textsize=True)
    if cut:
        printer.cut(mode="PART")  # feeds 6 lines (ESC d 6) then GS V 1
    else:
        printer.print_and_feed(FEED_LINES)
    return bytes(printer.output)


DRAWER_PINS = (2, 5)
"""The printer's drawer kick-out connector pins python-escpos can pulse."""


def drawer_pulse(pin: int = 2, *, profile: str | None = None) -> bytes:
    """ESC/POS bytes that open a cash drawer plugged into the printer, on drawer `pin` 2 or 5.

    It is "ESC p m t1 t2" as python-escpos sends it: m = 0 for pin 2, 1 for pin 5, and a pulse
    of 100 ms on, 100 ms off (t1 = t2 = 50, in units of 2 ms). Send it on its own, right away
    (`PrintQueue.kick`): a drawer must never open minutes later. Raises PrinterError for
    another pin or an unknown `profile`.
    """
    if isinstance(pin, bool) or pin not in DRAWER_PINS:
        # config.py refuses any other [printer] drawer_pin, so only a programming error gets
        # here: the message stays out of the cashier's catalogue.
        raise PrinterError(f"Printer: the drawer pin must be 2 or 5, not {pin!r}")
    printer = _dummy_printer(profile)
    printer.cashdraw(pin)
    return bytes(printer.output)


class Printer(Protocol):
    """Somewhere receipts go."""

    description: str
    """What the settings screen shows, e.g. "file receipts.escpos"."""

    def send(self, data: bytes) -> None:
        """Print `data` (ESC/POS bytes); raises PrinterError."""
        ...


class StatusPrinter(Printer, Protocol):
    """A configured printer: it prints, and tells what it knows of its state."""

    reports_status: bool
    """It can read the printer's state (USB, network, serial): worth polling."""

    def status(self) -> PrinterStatus:
        """The printer's state now; never raises (None fields where it cannot tell)."""
        ...


STATUS_KINDS = PRINTER_STATUS_KINDS
"""The printer kinds whose connection reads the printer's status."""


class FilePrinter:
    """Appends the bytes of each receipt to a file (a spool file or a printer device node)."""

    reports_status = False

    def __init__(self, path: Path) -> None:
        self.path = path
        self.description = _("file {path}").format(path=path)

    def send(self, data: bytes) -> None:
        try:
            with self.path.open("ab") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
        except OSError as error:
            raise PrinterError(
                _("Printer: cannot write to {path} ({reason})").format(
                    path=self.path, reason=error.strerror or error
                )
            ) from error

    def status(self) -> PrinterStatus:
        """Unknown, unless the file (or the folder it would be made in) cannot be written:
        a device node such as /dev/usb/lp0 is gone while its printer is unplugged."""
        if self.path.is_dir():
            reason = os.strerror(errno.EISDIR)
        elif self.path.exists():
            reason = "" if os.access(self.path, os.W_OK) else os.strerror(errno.EACCES)
        elif self.path.parent.is_dir():
            reason = "" if os.access(self.path.parent, os.W_OK) else os.strerror(errno.EACCES)
        else:
            reason = os.strerror(errno.ENOENT)
        if not reason:
            return PrinterStatus(
                None,
                None,
                _("{printer}: paper and power are not reported").format(printer=self.description),
            )
        message = _("Printer: cannot write to {path} ({reason})").format(
            path=self.path, reason=reason
        )
        return PrinterStatus(False, None, message)


class NoPrinter:
    """No printer: receipts are not printed."""

    reports_status = False

    def __init__(self) -> None:
        self.description = _("none")

    def send(self, data: bytes) -> None:
        return None

    def status(self) -> PrinterStatus:
        return PrinterStatus(None, None, _("No printer is set up"))


def _hex_id(value: str) -> int | None:
    """The number of a hex id like "0x04b8"; None when empty (config.py checked the shape)."""
    return int(value, 16) if value.strip() else None


def open_printer(settings: PrinterConfig | str, path: Path | None = None) -> StatusPrinter:
    """The printer `settings` ([printer] of config.toml) describe; raises PrinterError.

    `path` is the file of kind "file", already resolved against the config's folder. A kind
    alone ("file", "none") is also accepted, with every other setting at its default.
    """
    from till_tui.config import PrinterConfig

    if isinstance(settings, str):
        settings = PrinterConfig(kind=settings)
    kind = settings.kind.strip().lower()
    if kind == "none":
        return NoPrinter()
    if kind == "file":
        if path is None:
            raise PrinterError(_("Printer: no file is set for the file printer"))
        return FilePrinter(path)
    from till_tui.hw import printers

    if kind == "network":
        if not settings.host.strip():
            raise PrinterError(_("Printer: no host is set for the network printer"))
        return printers.NetworkPrinter(
            settings.host.strip(), settings.port, timeout=settings.timeout
        )
    if kind == "serial":
        if not settings.device.strip():
            raise PrinterError(_("Printer: no device is set for the serial printer"))
        return printers.SerialPrinter(
            settings.device.strip(),
            baudrate=settings.baudrate,
            bytesize=settings.bytesize,
            parity=settings.parity,
            stopbits=settings.stopbits,
            timeout=settings.timeout,
        )
    if kind == "usb":
        vendor, product = _hex_id(settings.vendor_id), _hex_id(settings.product_id)
        if vendor is None or product is None:
            raise PrinterError(_("Printer: vendor_id and product_id are needed for a USB printer"))
        return printers.UsbPrinter(
            vendor,
            product,
            interface=settings.interface,
            in_ep=_hex_id(settings.in_ep),
            out_ep=_hex_id(settings.out_ep),
            timeout=settings.timeout,
        )
    raise PrinterError(_("Printer kind {kind} is not supported yet").format(kind=kind))
