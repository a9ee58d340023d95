"""F8: the sales of the current shift, newest first; a sale's detail; reprint and e-mail.

A reprint is recorded and printed as "DUPLICATE n"; an e-mail that failed can be sent again
from here.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Footer, Input, Static

from till_tui.domain.money import format_money
from till_tui.domain.sale import CompletedSale
from till_tui.i18n import N_, _, ngettext
from till_tui.screens.base import HELP_BINDING, TillModal, TillScreen
from till_tui.store.errors import StoreError

RECENT = 20
"""How many sales the history shows at first."""


class SaleActions(TillScreen[None]):
    """Reprint (R) and e-mail (E) a sale's receipt: shared by the list and the detail."""

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


class HistoryScreen(SaleActions):
    """The latest sales of this shift; Enter shows one."""

    DEFAULT_CSS = """
    HistoryScreen { layout: vertical; }
    HistoryScreen #history-header { height: 1; background: $primary; padding: 0 1; }
    HistoryScreen #sales { height: 1fr; }
    HistoryScreen #find { height: 3; display: none; }
    HistoryScreen #find.-shown { display: block; }
    HistoryScreen #message { height: 1; padding: 0 1; }
    """
    HELP = N_(
        "The sales of this shift, newest first. Up/Down choose a sale; Enter shows it; "
        "R reprints its receipt (marked duplicate); E e-mails it. F3 finds any sale of this "
        "register by its number, a payment's reference (e.g. a room number) or a card's "
        "last 4 digits. Escape goes back."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        HELP_BINDING,
        Binding("enter", "detail", N_("Detail"), id="detail", priority=True),
        Binding("r", "reprint", N_("Reprint"), id="reprint"),
        Binding("e", "email", N_("E-mail"), id="email"),
        Binding("f3", "find", N_("Find"), id="find"),
        Binding("escape", "back", N_("Back"), id="back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sales: list[CompletedSale] = []

    def compose(self) -> ComposeResult:
        yield Static(id="history-header")
        yield Input(
            placeholder=_("Sale N°, reference or card's last 4 digits, then Enter"), id="find"
        )
        yield DataTable(id="sales", cursor_type="row", zebra_stripes=True)
        yield Static(id="message")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        table = self.query_one("#sales", DataTable)
        for label in (_("N°"), _("Time"), _("Customer"), _("Total"), _("Payment")):
            table.add_column(label)
        session = self.till.session
        shift = session.shift if session else None
        self.query_one("#history-header", Static).update(
            Text(_("Sales history · shift {shift}").format(shift=shift.number if shift else "-"))
        )
        try:
            self.sales = self.till.services.sales.recent(
                RECENT, shift_id=shift.id if shift else None
            )
        except StoreError as error:
            self.say(str(error), error=True)
        self.show_sales()
        table.focus()
        if not self.sales:
            self.say(_("No sale yet in this shift."))

    def money(self, amount: int) -> str:
        config = self.till.config.till
        return format_money(amount, config.currency, config.locale)

    def show_sales(self) -> None:
        table = self.query_one("#sales", DataTable)
        row = table.cursor_row
        table.clear()
        for sale in self.sales:
            table.add_row(
                Text(str(sale.number), justify="right"),
                sale.created_at.astimezone().strftime("%H:%M"),
                sale.customer.name if sale.customer else "",
                Text(self.money(sale.totals.total), justify="right"),
                ", ".join(dict.fromkeys(t.label for t in sale.tenders)),
            )
        if self.sales:
            table.move_cursor(row=min(row, len(self.sales) - 1))

    def selected_sale(self) -> CompletedSale | None:
        if not self.sales:
            return None
        return self.sales[self.query_one("#sales", DataTable).cursor_row]

    def sale_changed(self, sale: CompletedSale) -> None:
        self.sales = [sale if s.id == sale.id else s for s in self.sales]

    def action_detail(self) -> None:
        sale = self.selected_sale()
        if sale is not None:
            self.app.push_screen(SaleDetail(sale), lambda _: self.show_sales())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While a search is typed, Enter searches and letters are letters.
        return (
            action not in ("detail", "reprint", "email")
            or not self.query_one("#find", Input).has_focus
        )

    def action_find(self) -> None:
        find = self.query_one("#find", Input)
        find.add_class("-shown")
        find.focus()
        find.select_all()

    @on(Input.Submitted, "#find")
    def search(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        try:
            self.sales = self.till.services.sales.find(text)
        except StoreError as error:
            self.say(str(error), error=True)
            return
        self.show_sales()
        table = self.query_one("#sales", DataTable)
        table.move_cursor(row=0)
        table.focus()
        self.query_one("#history-header", Static).update(
            Text(_("Sales history · search: {text}").format(text=text))
        )
        self.say(
            ngettext("{n} sale found.", "{n} sales found.", len(self.sales)).format(
                n=len(self.sales)
            )
            if self.sales
            else _("No sale found for {text}.").format(text=text)
        )

    def action_back(self) -> None:
        find = self.query_one("#find", Input)
        if find.has_focus:
            find.remove_class("-shown")
            self.query_one("#sales", DataTable).focus()
            return
        self.dismiss(None)


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
        "duplicate); E e-mails it. Escape goes back."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Back"), id="cancel"),
        HELP_BINDING,
        Binding("r", "reprint", N_("Reprint"), id="reprint"),
        Binding("e", "email", N_("E-mail"), id="email"),
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
