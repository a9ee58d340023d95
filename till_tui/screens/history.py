"""F8: the sales of the current shift, newest first; filters over every sale (F3); a sale's
detail; reprint and e-mail.

The list is built from summary rows (`store.history`), read in one query; the detail loads the
one sale it shows. Filters are read as the cashier types: 150 ms after the last key, the search
runs in an exclusive thread worker, so typing never waits for the database, and a result that
comes back for an older filter is dropped. A reprint is recorded and printed as "DUPLICATE n";
an e-mail that failed can be sent again from here.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import ClassVar

from babel.dates import format_date, get_date_format
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Input, Static

from till_tui.domain.money import format_money
from till_tui.domain.sale import CompletedSale
from till_tui.i18n import N_, _, ngettext
from till_tui.screens.base import HELP_BINDING, TillModal, TillScreen
from till_tui.screens.history_filters import FIELDS, FilterPanel
from till_tui.store.errors import StoreError
from till_tui.store.history import SaleFilter, SaleSummary
from till_tui.store.sales import SaleError
from till_tui.widgets.key_footer import KeyFooter

RECENT = 20
"""How many sales the history shows at first."""
FOUND = 100
"""How many sales a search shows at most."""
DEBOUNCE = 0.15
"""Seconds after the last key before a filter runs."""
# Column widths at 80x24: N°, time, cashier, customer, payment, total.
WIDTHS = (6, 14, 9, 16, 11, 10)


class SaleActions(TillScreen[None]):
    """Reprint (R), e-mail (E) and refund (F6) a sale: shared by the list and the detail."""

    def selected_sale(self) -> CompletedSale | None:
        raise NotImplementedError

    def sale_changed(self, sale: CompletedSale) -> None:
        """The sale's reprint count or e-mails changed: redraw."""

    def action_reprint(self) -> None:
        sale = self.selected_sale()
        if sale is None:
            return
        if self.till.config.printer.kind == "none":
            self.say(_("No printer is set up ([printer] in config.toml)."), error=True)
            return
        try:
            copy = self.till.reprint(sale)
        except StoreError as error:
            self.say(str(error), error=True)
            return
        self.say(_("Sale N° {number}: duplicate {n} printed.").format(number=sale.number, n=copy))
        self.sale_changed(self.till.services.sales.get(sale.id))

    def action_email(self) -> None:
        sale = self.selected_sale()
        if sale is None:
            return
        if not self.till.config.email.enabled:
            self.say(_("E-mail is not set up: see [email] in config.toml."), error=True)
            return
        from till_tui.screens.receipt_choice import EmailAddress

        sent = self.till.services.outbox.for_sale(sale.id)
        address = sent[-1].address if sent else (sale.customer.email if sale.customer else "")

        def typed(chosen: str | None) -> None:
            if chosen:
                try:
                    self.till.email_receipt(sale, chosen)
                except StoreError as error:
                    self.say(str(error), error=True)
                    return
                self.say(_("Sending the receipt to {address}…").format(address=chosen))

        self.app.push_screen(EmailAddress(address), typed)

    def action_refund(self) -> None:
        sale = self.selected_sale()
        if sale is None:
            return

        def refunded(refund: CompletedSale | None) -> None:
            if refund is not None:
                self.refunded(refund)

        self.till.start_refund(sale.id, refunded)

    def refunded(self, refund: CompletedSale) -> None:
        """A refund was just recorded (the app has said so): redraw."""


class HistoryScreen(SaleActions):
    """The latest sales of this shift, or the sales the filters find; Enter shows one."""

    CSS_PATH = "history.tcss"
    HELP = N_(
        "The sales of this shift, newest first. Up/Down choose a sale; Enter shows it; "
        "R reprints its receipt (marked duplicate); E e-mails it; F6 refunds all or part of it "
        "(a manager approves). F3 opens the filters, over "
        "every sale of this register: Find takes a sale number, a payment's reference (e.g. "
        "a room number) or a card's last 4 digits; the other fields narrow the search by "
        "item, customer, dates, hours (12-14: from noon to 2 pm, every day), cashier, "
        "payment method (its number or name), register (* for all), sale number, last 4 "
        "digits or reference. Tab moves between fields; the list follows as you type; Enter "
        "goes to the list; F4 clears the filters; Escape goes back."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        HELP_BINDING,
        Binding("enter", "detail", N_("Detail"), id="detail", priority=True),
        Binding("r", "reprint", N_("Reprint"), id="reprint"),
        Binding("e", "email", N_("E-mail"), id="email"),
        Binding("f6", "refund", N_("Refund"), id="refund"),
        Binding("f3", "find", N_("Filters"), id="find"),
        Binding("f4", "clear_filters", N_("Clear"), id="clear_filters"),
        Binding("escape", "back", N_("Back"), id="back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sales: list[SaleSummary] = []
        self.sale_filter = SaleFilter()
        """The filter the list shows (empty: the shift's latest sales)."""
        self._debounce: Timer | None = None
        self._today = date.today()
        self.training = self.till.services.training.is_on()
        """In training mode the list shows the register's training sales, and only them."""

    def compose(self) -> ComposeResult:
        config = self.till.config.till
        yield Static(id="history-header")
        yield FilterPanel(register=config.register, locale=config.locale, today=self._today)
        yield DataTable(id="sales", cursor_type="row", zebra_stripes=True)
        yield Static(id="message")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#sales", DataTable)
        labels = (_("N°"), _("Time"), _("Cashier"), _("Customer"), _("Payment"), _("Total"))
        for label, width in zip(labels, WIDTHS, strict=True):
            table.add_column(label, width=width)
        self.show_header()
        try:
            self.sales = self.till.services.history.recent(
                RECENT, shift_id=self.shift_id, training=self.training
            )
        except StoreError as error:
            self.say(str(error), error=True)
        self.show_sales()
        table.focus()
        if not self.sales:
            self.say(_("No sale yet in this shift."))

    @property
    def shift_id(self) -> int | None:
        session = self.till.session
        return session.shift.id if session else None

    @property
    def panel(self) -> FilterPanel:
        return self.query_one(FilterPanel)

    def show_header(self) -> None:
        session = self.till.session
        if self.sale_filter.is_empty:
            shift = session.shift.number if session else "-"
            text = _("Sales history · shift {shift}").format(shift=shift)
        else:
            text = _("Sales history · search: {text}").format(text=self.panel.summary())
        header = Text(text)
        if self.training:
            header = Text.assemble((" " + _("TRAINING") + " ", "bold reverse red"), " ", header)
        self.query_one("#history-header", Static).update(header)

    # -- the list ----------------------------------------------------------------------------

    def money(self, amount: int) -> str:
        config = self.till.config.till
        return format_money(amount, config.currency, config.locale)

    def when(self, moment: datetime) -> str:
        """The time of a sale of today; with the day (and the year) for older ones."""
        local = moment.astimezone()
        clock = local.strftime("%H:%M")
        if local.date() == self._today:
            return clock
        locale = self.till.config.till.locale
        pattern = get_date_format("short", locale=locale).pattern
        if local.year == self._today.year:
            pattern = re.sub(r"[^dM]*y+[^dM]*", "", pattern)  # "dd/MM/y" -> "dd/MM"
        else:
            pattern = re.sub(r"y+", "yy", pattern)  # "dd/MM/y" -> "dd/MM/yy"
        return f"{format_date(local.date(), pattern, locale=locale)} {clock}"

    def show_sales(self) -> None:
        table = self.query_one("#sales", DataTable)
        row = table.cursor_row
        table.clear()
        here = self.till.config.till.register
        for sale in self.sales:
            number = str(sale.number) if sale.register == here else f"{sale.register}·{sale.number}"
            customer = Text(no_wrap=True, overflow="ellipsis")
            if sale.refund_of is not None:
                mark = "<-" if self.till.linux_console else "↩"
                customer.append(f"{mark} {sale.refund_of} ", style="bold")
            customer.append(sale.customer)
            table.add_row(
                Text(number, justify="right"),
                self.when(sale.created_at),
                _cell(sale.cashier),
                customer,
                _cell(sale.methods),
                Text(
                    self.money(sale.total),
                    justify="right",
                    style="red" if sale.total < 0 else "",
                ),
            )
        if self.sales:
            table.move_cursor(row=min(max(row, 0), len(self.sales) - 1))

    def refunded(self, refund: CompletedSale) -> None:
        self.apply_filters(now=True)

    def selected_sale(self) -> CompletedSale | None:
        if not self.sales:
            return None
        summary = self.sales[self.query_one("#sales", DataTable).cursor_row]
        try:
            return self.till.services.sales.get(summary.id)
        except (StoreError, SaleError) as error:
            self.say(str(error), error=True)
            return None

    def action_detail(self) -> None:
        sale = self.selected_sale()
        if sale is not None:  # back from the detail: a refund may have been made there
            self.app.push_screen(SaleDetail(sale), self._back_from_detail)

    def _back_from_detail(self, _result: None) -> None:
        self.apply_filters(now=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While a filter is typed, Enter applies it and letters are letters.
        return action not in ("detail", "reprint", "email", "refund") or not isinstance(
            self.focused, Input
        )

    # -- filters -----------------------------------------------------------------------------

    def action_find(self) -> None:
        self.panel.add_class("-shown")
        find = self.panel.field(FIELDS[0].id)
        find.focus()
        find.select_all()

    def action_clear_filters(self) -> None:
        self.panel.clear()
        self.apply_filters(now=True)
        self.query_one("#sales", DataTable).focus()

    def action_back(self) -> None:
        if isinstance(self.focused, Input):
            self.apply_filters()  # what was typed in the last 150 ms too
            if not self.panel.summary():
                self.panel.remove_class("-shown")
            self.query_one("#sales", DataTable).focus()
            return
        self.dismiss(None)

    @on(Input.Changed, "#filters Input")
    def filter_changed(self, _event: Input.Changed) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(DEBOUNCE, self.apply_filters)

    @on(Input.Submitted, "#filters Input")
    def filter_submitted(self, _event: Input.Submitted) -> None:
        if self.apply_filters(now=True):
            self.query_one("#sales", DataTable).focus()

    def apply_filters(self, *, now: bool = False) -> bool:
        """Read the fields and start the search; False (and the message) when a field
        cannot be read."""
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
        sale_filter, errors = self.panel.read(self.till.config.payment_methods)
        if errors:
            # In red; the bell only when Enter asked for the search, not while typing.
            if now:
                self.app.bell()
            self.message_text = " ".join(errors.values())
            self.query_one("#message", Static).update(Text(self.message_text, style="bold red"))
            return False
        if sale_filter == self.sale_filter and not now:
            return True
        self.sale_filter = sale_filter
        self.search(sale_filter)
        return True

    @work(thread=True, exclusive=True, group="history", exit_on_error=False)
    def search(self, sale_filter: SaleFilter) -> None:
        """Run the query in a worker thread (its own SQLite connection, through Peewee)."""
        history = self.till.services.history
        try:
            if sale_filter.is_empty:
                found = history.recent(RECENT, shift_id=self.shift_id, training=self.training)
            else:
                found = history.search(sale_filter, FOUND, training=self.training)
        except StoreError as error:
            self.app.call_from_thread(self.say, str(error), error=True)
            return
        self.app.call_from_thread(self.show_results, sale_filter, found)

    def show_results(self, sale_filter: SaleFilter, found: list[SaleSummary]) -> None:
        if sale_filter != self.sale_filter:
            return  # a newer filter is on its way
        self.sales = found
        self.show_header()
        self.show_sales()
        self.query_one("#sales", DataTable).move_cursor(row=0)
        if sale_filter.is_empty:
            self.say("" if found else _("No sale yet in this shift."))
        elif not found:
            self.say(_("No sale found for {text}.").format(text=self.panel.summary()))
        elif len(found) >= FOUND:
            self.say(
                _("The latest {n} sales found; add a filter to see older ones.").format(n=FOUND)
            )
        else:
            self.say(
                ngettext("{n} sale found.", "{n} sales found.", len(found)).format(n=len(found))
            )


def _cell(text: str) -> Text:
    return Text(text, no_wrap=True, overflow="ellipsis")


class SaleDetail(SaleActions, TillModal[None]):
    """One sale as its receipt printed it, with its reprints and e-mails."""

    DEFAULT_CSS = """
    SaleDetail { align: center middle; }
    SaleDetail > Vertical { width: 50; height: 22; padding: 0 1; }
    SaleDetail VerticalScroll { height: 1fr; }
    SaleDetail #message { height: auto; }
    """
    HELP = N_(
        "The sale as its receipt printed it. Up/Down scroll; R reprints the receipt (marked "
        "duplicate); E e-mails it; F6 refunds all or part of it (a manager approves). Escape "
        "goes back."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Back"), id="cancel"),
        HELP_BINDING,
        Binding("r", "reprint", N_("Reprint"), id="reprint"),
        Binding("e", "email", N_("E-mail"), id="email"),
        Binding("f6", "refund", N_("Refund"), id="refund"),
    ]

    def __init__(self, sale: CompletedSale) -> None:
        super().__init__()
        self.sale = sale

    def compose(self) -> ComposeResult:
        with Vertical(classes="box"):
            with VerticalScroll(id="receipt-scroll"):
                yield Static(id="receipt")
            yield Static(id="after")
            yield Static(id="message")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.show_sale()
        self.query_one("#receipt-scroll", VerticalScroll).focus()

    def show_sale(self) -> None:
        from till_tui.domain.receipt import receipt_text

        width = 42
        rows = self.till.sale_rows(self.sale, "", width)
        self.query_one("#receipt", Static).update(Text(receipt_text(rows, width).rstrip()))
        after = Text()
        if self.sale.copies:
            after.append(
                ngettext("Reprinted {n} time.", "Reprinted {n} times.", self.sale.copies).format(
                    n=self.sale.copies
                )
            )
        refunds = self.till.services.refunds.refunds_of(self.sale.id)
        if refunds:
            if after:
                after.append("\n")
            till = self.till.config.till
            after.append(
                _("Refunded by: {refunds}").format(
                    refunds=", ".join(
                        f"N° {number} ({format_money(total, till.currency, till.locale)})"
                        for number, total in refunds
                    )
                ),
                style="bold",
            )
        names = {"pending": _("sending"), "sent": _("sent"), "failed": _("not sent")}
        for email in self.till.services.outbox.for_sale(self.sale.id):
            if after:
                after.append("\n")
            line = _("E-mail to {address}: {status}").format(
                address=email.address, status=names.get(email.status, email.status)
            )
            after.append(line, style="red" if email.status == "failed" else "")
            if email.last_error:
                after.append(f" ({email.last_error})", style="dim")
        self.query_one("#after", Static).update(after)

    def selected_sale(self) -> CompletedSale | None:
        return self.sale

    def show_status(self) -> None:
        self.show_sale()  # an e-mail was sent (or not) meanwhile

    def sale_changed(self, sale: CompletedSale) -> None:
        self.sale = sale
        self.show_sale()
