"""F9, the shift menu: the X report, cash in / cash out, closing the shift (Z), and the
training mode switch."""

from __future__ import annotations

from typing import ClassVar, Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Footer, Input, Static

from till_tui.domain.money import AmountError, format_money, parse_money
from till_tui.domain.shift_report import ShiftReport
from till_tui.i18n import N_, _
from till_tui.screens.base import TillModal, TillScreen
from till_tui.store.errors import StoreError
from till_tui.store.shifts import ShiftError

MenuChoice = Literal["x", "in", "out", "close", "training"]


class ShiftMenu(TillModal[MenuChoice]):
    """One key per shift action."""

    DEFAULT_CSS = """
    ShiftMenu { align: center middle; }
    ShiftMenu > Vertical { width: 50; height: auto; padding: 0 1; }
    """
    HELP = N_(
        "X shows the figures of the shift so far (nothing is closed). I and O record cash put"
        " into or taken out of the drawer, with a reason. Z counts the drawer and closes the"
        " shift. T switches training mode on or off (a manager approves): training sales are"
        " marked TRAINING and kept out of the figures."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        *TillModal.BINDINGS,
        Binding("x", "choose('x')", N_("X report"), id="x_report"),
        Binding("i", "choose('in')", N_("Cash in"), id="cash_in"),
        Binding("o", "choose('out')", N_("Cash out"), id="cash_out"),
        Binding("z", "choose('close')", N_("Close shift"), id="close"),
        Binding("t", "choose('training')", N_("Training"), id="training"),
    ]

    def compose(self) -> ComposeResult:
        session = self.till.session
        training = self.till.services.training.is_on()
        with Vertical(classes="box"):
            title = _("Shift")
            if session is not None:
                title = _("Shift N° {number}").format(number=session.shift.number)
            yield Static(Text(title, style="bold"))
            for key, label in (
                ("X", _("X report (figures so far)")),
                ("I", _("Cash in (e.g. float top-up)")),
                ("O", _("Cash out (e.g. supplier paid)")),
                ("Z", _("Close the shift (count, Z report)")),
                (
                    "T",
                    _("End training mode (real sales again)")
                    if training
                    else _("Start training mode (practice sales)"),
                ),
            ):
                yield Static(Text.assemble((f" {key} ", "reverse bold"), "  ", label))
            yield Static("", id="message")

    def action_choose(self, choice: MenuChoice) -> None:
        self.dismiss(choice)


class ReportScreen(TillScreen[None]):
    """An X or Z report as it prints; P prints it."""

    DEFAULT_CSS = """
    ReportScreen { align: center top; }
    ReportScreen > VerticalScroll { width: 54; height: 1fr; border: round $primary; }
    ReportScreen #message { height: auto; width: 54; }
    """
    HELP = N_("Up/Down or Page Up/Down scroll the report; P prints it; Escape goes back.")
    BINDINGS: ClassVar[list[BindingType]] = [
        *TillScreen.BINDINGS,
        Binding("p", "print", N_("Print"), id="print"),
        Binding("escape", "back", N_("Back"), id="back"),
    ]

    def __init__(self, report: ShiftReport) -> None:
        super().__init__()
        self.report = report

    def compose(self) -> ComposeResult:
        from till_tui.domain.receipt import receipt_text

        width = 48
        rows = self.till.report_rows(self.report, width)
        with VerticalScroll(id="report"):
            yield Static(Text(receipt_text(rows, width).rstrip("\n")), id="report-text")
        yield Static("", id="message")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#report", VerticalScroll).focus()

    def action_print(self) -> None:
        if self.till.config.printer.kind == "none":
            self.say(_("No printer is set up ([printer] in config.toml)."), error=True)
            return
        self.till.print_report(self.report)
        self.say(_("Report sent to the printer."))

    def action_back(self) -> None:
        self.dismiss(None)


class CashMoveDialog(TillModal[str]):
    """Cash into or out of the drawer: the amount and the reason; recorded, then the drawer
    opens. Dismisses with the message to show."""

    DEFAULT_CSS = """
    CashMoveDialog { align: center middle; }
    CashMoveDialog > Vertical { width: 60; height: auto; padding: 0 1; }
    """
    HELP = N_(
        "Type the amount, Enter, then the reason (e.g. float top-up, supplier paid) and Enter."
        " It is recorded for the shift's cash count; it is not a sale."
    )

    def __init__(self, direction: Literal["in", "out"]) -> None:
        super().__init__()
        self.direction = direction

    def compose(self) -> ComposeResult:
        title = _("Cash into the drawer") if self.direction == "in" else _("Cash out of the drawer")
        with Vertical(classes="box"):
            yield Static(Text(title, style="bold"))
            yield Static(_("Amount"), classes="label")
            yield Input(placeholder="0,00", id="amount")
            yield Static(_("Reason"), classes="label")
            yield Input(max_length=80, id="reason")
            yield Static("", id="message")

    def on_mount(self) -> None:
        self.query_one("#amount", Input).focus()

    @on(Input.Submitted, "#amount")
    def amount_typed(self) -> None:
        if self._amount() is not None:
            self.query_one("#reason", Input).focus()

    def _amount(self) -> int | None:
        field = self.query_one("#amount", Input)
        try:
            amount = parse_money(field.value, self.till.config.till.currency)
        except AmountError as error:
            self.say(str(error), error=True)
            field.focus()
            field.select_all()
            return None
        if amount <= 0:
            self.say(_("Type an amount more than zero."), error=True)
            field.focus()
            return None
        return amount

    @on(Input.Submitted, "#reason")
    def record(self, event: Input.Submitted) -> None:
        amount = self._amount()
        if amount is None:
            return
        session = self.till.session
        assert session is not None
        try:
            self.till.services.shifts.move_cash(
                session.shift.id, session.cashier, self.direction, amount, event.value
            )
        except (ShiftError, StoreError) as error:
            self.say(str(error), error=True)
            return
        self.till.open_drawer()
        config = self.till.config.till
        money = format_money(amount, config.currency, config.locale)
        if self.direction == "in":
            self.dismiss(_("{amount} put into the drawer.").format(amount=money))
        else:
            self.dismiss(_("{amount} taken out of the drawer.").format(amount=money))


def shift_menu(screen: TillScreen[None], *, cart_empty: bool) -> None:
    """F9 from the sale screen `screen`: the menu, then the action chosen. Closing the shift
    prints the Z, leaves the sale screen and asks for the next shift's float."""
    till = screen.till
    session = till.session
    assert session is not None

    def chosen(choice: MenuChoice | None) -> None:
        if choice == "x":
            report = till.services.reports.compute(session.shift.id, till.config.payment_methods)
            till.push_screen(ReportScreen(report))
        elif choice in ("in", "out"):
            till.push_screen(CashMoveDialog(choice), said)
        elif choice == "close":
            if not cart_empty:
                screen.say(
                    _("Finish or park (F6) the sale in progress before closing the shift."),
                    error=True,
                )
                return
            from till_tui.screens.shift_close import CloseShiftScreen

            report = till.services.reports.compute(session.shift.id, till.config.payment_methods)
            till.push_screen(CloseShiftScreen(report), closed)
        elif choice == "training":
            from till_tui.screens.training import switch_training

            switch_training(screen, cart_empty=cart_empty)

    def said(message: str | None) -> None:
        if message:
            screen.say(message)

    def closed(z: ShiftReport | None) -> None:
        if z is None:
            return
        if till.config.printer.kind != "none":
            till.print_report(z)
        cashier = session.cashier
        till.end_session()
        screen.dismiss(None)
        from till_tui.screens.open_shift import OpenShiftScreen

        message = _("Shift closed: Z report N° {number}.").format(number=z.z_number)
        till.push_screen(OpenShiftScreen(cashier, message))

    try:
        till.push_screen(ShiftMenu(), chosen)
    except StoreError as error:
        screen.say(str(error), error=True)
