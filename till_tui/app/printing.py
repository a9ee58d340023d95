"""Receipts, reports and statements to the printer through the print queue, the printer's
state on the status line, the cash drawer and e-mailed receipts: each off the UI thread,
posting back through `call_from_thread`."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING

from textual import work

from till_tui.app.base import TillBase
from till_tui.i18n import _, ngettext
from till_tui.store.errors import StoreError

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from till_tui.domain.account import AccountReceipt, StatementLine
    from till_tui.domain.customer import Customer
    from till_tui.domain.ledger import Balances
    from till_tui.domain.receipt import Row
    from till_tui.domain.sale import CompletedSale
    from till_tui.domain.shift_report import ShiftReport
    from till_tui.hw.print_queue import PrintQueue
    from till_tui.hw.printer import StatusPrinter
    from till_tui.hw.printer_status import PrinterStatus


def sale_label(sale: CompletedSale) -> str:
    """How a sale is named to the cashier (print queue, messages): training sales say so."""
    text = _("Training sale N° {number}") if sale.training else _("Sale N° {number}")
    return text.format(number=sale.number)


class PrintingMixin(TillBase):
    """The printer, the drawer and e-mail, for the till app."""

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
