"""TillApp: builds the services from the config, holds who is logged in, routes to screens.

Handlers on the app and screens own the state; workers (printing) never touch widgets: they
post back through `call_from_thread`.
"""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING, ClassVar

from textual import events, work
from textual.app import App
from textual.binding import Binding, BindingType

from till_tui.config import Config
from till_tui.i18n import N_, _, ngettext, set_locale
from till_tui.scan_message import Scanned, ScanRefused, refusal_text
from till_tui.screens.base import TillScreen, translate_bindings
from till_tui.store.errors import StoreError
from till_tui.store.services import Services

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from till_tui.domain.account import AccountReceipt, StatementLine
    from till_tui.domain.customer import Customer
    from till_tui.domain.ledger import Balances
    from till_tui.domain.receipt import Row, ShopHeader
    from till_tui.domain.sale import CompletedSale
    from till_tui.domain.shift_report import ShiftReport
    from till_tui.domain.staff import StaffMember
    from till_tui.hw.print_queue import PrintQueue
    from till_tui.hw.printer import StatusPrinter
    from till_tui.hw.printer_status import PrinterStatus
    from till_tui.hw.scanner import Detector, Opener, ScannerReader, ScannerStatus
    from till_tui.store.shifts import OpenShift
    from till_tui.wedge_keys import WedgeKeys

log = logging.getLogger(__name__)


@dataclass
class Session:
    """Who is at the till and on which shift."""

    cashier: StaffMember
    shift: OpenShift


def sale_label(sale: CompletedSale) -> str:
    """How a sale is named to the cashier (print queue, messages): training sales say so."""
    text = _("Training sale N° {number}") if sale.training else _("Sale N° {number}")
    return text.format(number=sale.number)


class TillApp(App[int]):
    """The till."""

    TITLE = "till-tui"
    CSS = """
    /* Boxes (dialogs and panels) share one look, so the console rules below can change it. */
    .box { border: round $primary; }
    ModalScreen > .box { background: $surface; }
    .box OptionList { border: none; }
    /* The Linux console: 16 colours and a VGA font without rounded or block border glyphs. */
    App.-console .box { border: ascii $primary; }
    App.-console Input { border: ascii $primary-darken-2; }
    App.-console Input:focus { border: ascii $primary; }
    App.-console #totals { border-top: ascii $primary; }
    App.-console BigAmount > Digits { display: none; }
    App.-console BigAmount > .fallback { display: block; }
    """
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        # Ctrl+Q / Ctrl+C never quit behind a cashier's back: only from the login screen.
        Binding("ctrl+q", "quit_till", N_("Quit"), show=False, id="quit"),
        Binding("ctrl+c", "quit_till", show=False, priority=True, system=True),
    ]

    def __init__(self, config: Config, services: Services, *, demo_hint: str = "") -> None:
        super().__init__()
        translate_bindings(self)
        self.config = config
        self.services = services
        self.demo_hint = demo_hint
        self.session: Session | None = None
        self.linux_console = os.environ.get("TERM") == "linux"
        """Running on the Linux console: ANSI colours and ASCII borders."""
        if self.linux_console:
            self.theme = "ansi-dark"

    @cached_property
    def wedge(self) -> WedgeKeys:
        """Scanners that type: bursts of keys into any field taken as scans (at the first key)."""
        from till_tui.wedge_keys import WedgeKeys

        scanner = self.config.scanner
        return WedgeKeys(self, scanner.wedge_gap_ms, scanner.wedge_min_length)

    async def on_event(self, event: events.Event) -> None:
        # Keys from the terminal meet the keyboard-wedge hook before the focused widget.
        if isinstance(event, events.Key) and not event.is_forwarded:
            await self.wedge.key(event, super().on_event)
        else:
            await super().on_event(event)

    def on_mount(self) -> None:
        from till_tui.screens.login import LoginScreen

        if self.linux_console:
            self.add_class("-console")
        self.push_screen(LoginScreen())
        self._watch_printer()

    _config_recorded = False

    def record_config_once(self) -> None:
        """Journal the settings this till started with, if they changed since the last start;
        once per start, from the worker that checks the first PIN (before that PIN counts),
        so the journal's imports and query never delay the first screen."""
        if not self._config_recorded:
            self._config_recorded = True
            record_config(self.config)

    def say(self, message: str, *, error: bool = False) -> None:
        """A short message for the cashier on the current screen; an error rings the bell."""
        screen = self.screen
        if isinstance(screen, TillScreen):
            screen.say(message, error=error)
            return
        if error:
            self.bell()
        self.notify(message, severity="error" if error else "information", timeout=4)

    def action_quit_till(self) -> None:
        if self.session is not None:
            self.say(_("Lock the till first (F12 on the sale screen)."), error=True)
            return
        self.exit(0)

    def start_session(self, cashier: StaffMember, shift: OpenShift, greeting: str = "") -> None:
        """`cashier` is at the till on `shift`: show the sale screen (with `greeting` on it)."""
        from till_tui.screens.sale import SaleScreen

        self.session = Session(cashier, shift)
        self.push_screen(SaleScreen(greeting))
        self.start_scanner()

    def end_session(self, *, log_out: bool = False) -> None:
        """The cashier leaves the sale screen; `log_out`: they left the till (F12), which is
        journaled. The shift stays open either way."""
        session, self.session = self.session, None
        if log_out and session is not None:
            try:
                self.services.staff.log_out(session.cashier)
            except StoreError as error:  # never keep a cashier from locking the till
                log.warning("Logout not journaled: %s", error)

    def start_refund(
        self, sale_id: int, done: Callable[[CompletedSale | None], None] | None = None
    ) -> bool:
        """Open the refund screen of sale `sale_id`; `done` gets the refund (None if the
        cashier went back). False, with the reason said, if the sale cannot be refunded."""
        from till_tui.screens.refund import RefundScreen
        from till_tui.store.refunds import RefundError

        try:
            sale = self.services.refunds.refundable(sale_id)
        except (RefundError, StoreError) as error:
            self.say(str(error), error=True)
            return False
        if sale.fully_refunded:
            self.say(
                _("Sale N° {number} was already refunded in full.").format(number=sale.number),
                error=True,
            )
            return False

        def finished(refund: CompletedSale | None) -> None:
            if refund is not None:
                self.say(
                    _("Refund N° {number} of sale N° {sale} recorded: {amount}.").format(
                        number=refund.number,
                        sale=sale.number,
                        amount=self._money(refund.totals.total),
                    )
                )
            if done is not None:
                done(refund)

        self.push_screen(RefundScreen(sale_id, sale), finished)
        return True

    def _money(self, amount: int) -> str:
        from till_tui.domain.money import format_money

        return format_money(amount, self.config.till.currency, self.config.till.locale)

    @property
    def shop(self) -> ShopHeader:
        from till_tui.domain.receipt import ShopHeader

        shop = self.config.shop
        return ShopHeader(shop.name, shop.header, shop.footer)

    # -- receipts, the drawer and e-mail -------------------------------------------------------

    @cached_property
    def print_queue(self) -> PrintQueue:
        """Receipts that failed to print, waiting for the cashier to retry (Ctrl+P)."""
        from till_tui.hw.print_queue import PrintQueue

        return PrintQueue()

    def _printer(self) -> StatusPrinter:
        """The configured printer; one object for the till's life (it remembers whether the
        printer ever answered a status query)."""
        device: StatusPrinter | None = self.__dict__.get("_printer_device")
        if device is None:
            from till_tui.hw.printer import open_printer

            printer = self.config.printer
            path = self.config.resolve(printer.path) if printer.path else None
            # setdefault is atomic: two worker threads asking at once share one object.
            device = self.__dict__.setdefault("_printer_device", open_printer(printer, path))
        return device

    def sale_rows(self, sale: CompletedSale, title: str, width: int) -> Sequence[Row]:
        from till_tui.domain.receipt import layout_receipt
        from till_tui.domain.sale import receipt_for

        till = self.config.till
        return layout_receipt(
            receipt_for(sale, self.shop, title=title),
            width=width,
            currency=till.currency,
            locale=till.locale,
        )

    def report_rows(self, report: ShiftReport, width: int) -> Sequence[Row]:
        from till_tui.domain.report_layout import layout_report

        till = self.config.till
        return layout_report(
            report, self.shop, width=width, currency=till.currency, locale=till.locale
        )

    def print_report(self, report: ShiftReport) -> None:
        """Print an X or Z report off the UI thread (queued like a receipt if it fails)."""
        from till_tui.domain.report_layout import report_title

        self._print_rows(lambda width: self.report_rows(report, width), report_title(report))

    def print_receipt(self, sale: CompletedSale) -> None:
        """Print `sale`'s receipt off the UI thread; a failure is shown, the sale stays."""
        self._print_rows(lambda width: self.sale_rows(sale, "", width), sale_label(sale))

    def reprint(self, sale: CompletedSale) -> int:
        """Record and print a duplicate of `sale`'s receipt ("DUPLICATE n"); n.

        Raises StoreError when the reprint cannot be recorded (then nothing is printed)."""
        session = self.session
        assert session is not None
        copy = self.services.sales.record_copy(sale.id, session.cashier)
        title = _("DUPLICATE {n}").format(n=copy)
        label = f"{sale_label(sale)} ({title})"
        self._print_rows(lambda width: self.sale_rows(sale, title, width), label)
        return copy

    def print_account_receipt(self, receipt: AccountReceipt) -> None:
        """Print a top-up, deposit or settlement receipt, like a sale's."""
        from till_tui.domain.account_receipt import layout_account_receipt

        till = self.config.till
        self._print_rows(
            lambda width: layout_account_receipt(
                receipt, self.shop, width=width, currency=till.currency, locale=till.locale
            ),
            _("Account receipt N° {number}").format(number=receipt.number),
        )

    def print_statement(
        self, customer: Customer, balances: Balances, lines: Sequence[StatementLine]
    ) -> None:
        """Print a customer's account statement."""
        from till_tui.domain.account_receipt import layout_statement

        till = self.config.till
        printed_at = datetime.now(UTC)
        self._print_rows(
            lambda width: layout_statement(
                customer,
                balances,
                lines,
                self.shop,
                printed_at=printed_at,
                width=width,
                currency=till.currency,
                locale=till.locale,
            ),
            _("Statement of {name}").format(name=customer.name),
        )

    @work(thread=True, group="printer", exit_on_error=False)
    def _print_rows(self, layout: Callable[[int], Sequence[Row]], label: str) -> None:
        """Lay out, render and send one receipt in a worker thread. A receipt that does not
        print waits in the print queue (printed in order with the next one, or by Ctrl+P)."""
        from till_tui.hw.printer import PrinterError, render_escpos

        printer_config = self.config.printer
        if printer_config.kind == "none":
            return
        try:
            data = render_escpos(
                layout(printer_config.width),
                profile=printer_config.profile or None,
                codepage=printer_config.codepage,
            )
            self.print_queue.send(self._printer(), data, label)
        except PrinterError as error:
            self.call_from_thread(self._printing_failed, str(error))
        else:
            self.call_from_thread(self.status_changed)

    def _printing_failed(self, error: str) -> None:
        self.say(
            # What the cashier needs first, the printer's error last (it may be cut).
            _("Receipt not printed (the sale is saved; Ctrl+P prints it again): {error}").format(
                error=error
            ),
            error=True,
        )
        self.status_changed()

    def status_changed(self) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, TillScreen):
                screen.show_status()

    @property
    def status_text(self) -> str:
        """What the status line says about the till's devices ("" when all is well)."""
        parts = (self.print_status_text, self.printer_status_text, self.scanner_status_text)
        return " · ".join(part for part in parts if part)

    @property
    def print_status_text(self) -> str:
        """The receipts waiting to print ("" when none)."""
        if "print_queue" not in self.__dict__:
            return ""
        waiting = self.print_queue.pending
        if not waiting:
            return ""
        return ngettext(
            "{n} receipt waiting to print (Ctrl+P)",
            "{n} receipts waiting to print (Ctrl+P)",
            waiting,
        ).format(n=waiting)

    @work(thread=True, group="printer", exit_on_error=False)
    def retry_printing(self) -> None:
        """Print the receipts waiting in the queue, in order (Ctrl+P)."""
        from till_tui.hw.printer import PrinterError

        try:
            printed = self.print_queue.retry(self._printer())
        except PrinterError as error:
            self.call_from_thread(self._printing_failed, str(error))
            return
        message = (
            ngettext("{n} receipt printed.", "{n} receipts printed.", printed).format(n=printed)
            if printed
            else _("No receipt is waiting to print.")
        )
        self.call_from_thread(self.say, message)
        self.call_from_thread(self.status_changed)

    # -- printer status ------------------------------------------------------------------------

    printer_status: PrinterStatus | None = None
    """The printer's state at the last poll (None before it, and for the file and none kinds,
    which cannot tell)."""
    printer_poll_seconds: float = 3.0
    """How often a usb, network or serial printer is asked for its state."""
    _printer_polling = False

    @property
    def printer_status_text(self) -> str:
        """What the printer says, for the status line ("" when it is fine or cannot tell)."""
        from till_tui.hw.printer_status import status_line

        return status_line(self.printer_status)

    def _watch_printer(self) -> None:
        """Poll the printer's state every few seconds, if its kind can read it."""
        from till_tui.config import PRINTER_STATUS_KINDS  # not hw.printer: start-up stays light

        if self.config.printer.kind in PRINTER_STATUS_KINDS:
            self._poll_printer_now()
            self.set_interval(self.printer_poll_seconds, self._poll_printer_now)

    def _poll_printer_now(self) -> None:
        if not self._printer_polling:  # a slow printer never gets two polls at once
            self._printer_polling = True
            self._poll_printer()

    @work(thread=True, group="printer-status", exit_on_error=False)
    def _poll_printer(self) -> None:
        """Read the printer's state off the UI thread. When it is back (online, with paper)
        and receipts wait, print them now: the cashier need not press Ctrl+P."""
        from till_tui.hw.printer import PrinterError
        from till_tui.hw.printer_status import PrinterStatus, came_back

        status: PrinterStatus | None = None
        printed, error = 0, ""
        try:
            try:
                printer = self._printer()
            except PrinterError as failure:
                status = PrinterStatus(False, None, str(failure))
                return
            status = printer.status()
            queue = self.__dict__.get("print_queue")  # never made from this thread
            if queue is not None and queue.pending and came_back(self.printer_status, status):
                try:
                    printed = queue.retry(printer)
                except PrinterError as failure:
                    error = str(failure)
        finally:
            self.call_from_thread(self._printer_status_read, status, printed, error)

    def _printer_status_read(self, status: PrinterStatus | None, printed: int, error: str) -> None:
        self._printer_polling = False
        if status is None:
            return
        shown = self.printer_status_text
        self.printer_status = status
        if error:
            self._printing_failed(error)
        elif printed:
            self.say(
                ngettext("{n} receipt printed.", "{n} receipts printed.", printed).format(n=printed)
            )
            self.status_changed()
        elif self.printer_status_text != shown:
            self.status_changed()

    @work(thread=True, group="drawer", exit_on_error=False)
    def open_drawer(self) -> None:
        """Kick the cash drawer through the printer (never queued: now or not at all)."""
        from till_tui.hw.printer import PrinterError, drawer_pulse

        printer = self.config.printer
        if printer.kind == "none" or not printer.drawer:
            return
        try:
            data = drawer_pulse(printer.drawer_pin, profile=printer.profile or None)
            self.print_queue.kick(self._printer(), data)
        except PrinterError as error:
            message = _("The cash drawer did not open: {error}").format(error=error)
            self.call_from_thread(self.say, message, error=True)

    def email_receipt(self, sale: CompletedSale, address: str) -> None:
        """E-mail `sale`'s receipt to `address`: recorded first, then sent by a worker; a
        failure is shown and recorded, and the e-mail can be sent again from the history."""
        from till_tui.domain.receipt import receipt_text

        session = self.session
        staff_id = session.cashier.id if session else None
        email_id = self.services.outbox.queue(sale.id, address, staff_id)
        width = self.config.printer.width
        body = receipt_text(self.sale_rows(sale, "", width), width)
        subject = (
            _("Training receipt N° {number}") if sale.training else _("Receipt N° {number}")
        ).format(number=sale.number)
        if self.config.shop.name:
            subject += f" · {self.config.shop.name}"
        self._send_email(email_id, address, subject, body)

    @work(thread=True, group="email", exit_on_error=False)
    def _send_email(self, email_id: int, address: str, subject: str, body: str) -> None:
        from till_tui.hw.mailer import MailError, build_message, send_message

        email = self.config.email
        try:
            message = build_message(sender=email.sender, to=address, subject=subject, body=body)
            path = self.config.resolve(email.password_file) if email.password_file else None
            send_message(email, path, message)
        except MailError as error:
            self.call_from_thread(self._email_done, email_id, address, str(error))
        else:
            self.call_from_thread(self._email_done, email_id, address, "")

    def _email_done(self, email_id: int, address: str, error: str) -> None:
        outbox = self.services.outbox
        try:
            if error:
                outbox.failed(email_id, error)
            else:
                outbox.sent(email_id)
        except StoreError as store_error:
            self.say(str(store_error), error=True)
            return
        self.status_changed()
        if error:
            self.say(
                _(
                    "Receipt not e-mailed to {address}: {error}. The sale is saved; "
                    "send it again from the history (F8)."
                ).format(address=address, error=error),
                error=True,
            )
        else:
            self.say(_("Receipt e-mailed to {address}.").format(address=address))

    # -- barcode scanners over evdev ---------------------------------------------------------

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
        """Read the barcode scanners over evdev from the first login on (once): the configured
        `[scanner] devices`, or the scanners found. evdev is imported and the devices looked
        for in a worker thread, never before the first screen."""
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


def make_app(config: Config, *, demo_hint: str = "") -> TillApp:
    """Build the till the same way for the command line, the tests and the benchmarks."""
    set_locale(config.till.locale)
    services = Services.open(config)
    return TillApp(config, services, demo_hint=demo_hint)


def record_config(config: Config) -> None:
    """Journal the settings the till starts with when they changed since the last start
    (secrets left out); a store too busy to take it does not keep the till from starting."""
    import dataclasses
    import json

    from till_tui.store import journal

    settings = dataclasses.asdict(config)
    for key in ("path", "base_dir"):
        settings.pop(key, None)
    settings["email"].pop("password", None)
    try:
        changed = journal.record_config(
            config.till.register, json.loads(json.dumps(settings, default=str))
        )
    except StoreError as error:
        log.warning("Configuration not journaled: %s", error)
        return
    if changed:
        log.info("Configuration changed since the last start: %s", ", ".join(changed))
