"""Open a shift: count the cash in the drawer and type the opening float."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Footer, Input, Static

from till_tui.domain.money import AmountError, format_money, parse_money
from till_tui.domain.staff import StaffMember
from till_tui.i18n import N_, _
from till_tui.screens.base import HELP_BINDING, TillScreen
from till_tui.store.errors import StoreError
from till_tui.store.shifts import ShiftError


class OpenShiftScreen(TillScreen[None]):
    """No shift is open on this register: the cashier types the opening cash float."""

    CSS_PATH = "open_shift.tcss"
    HELP = N_("Count the cash in the drawer, type the amount (e.g. 150 or 150,00) and press Enter.")
    BINDINGS: ClassVar[list[BindingType]] = [
        HELP_BINDING,
        Binding("escape", "back", N_("Back"), id="back"),
    ]

    def __init__(self, cashier: StaffMember, message: str = "") -> None:
        super().__init__()
        self.cashier = cashier
        self.greeting = message

    def compose(self) -> ComposeResult:
        register = self.till.config.till.register
        with Vertical(id="open-shift", classes="box"):
            yield Static(
                Text(_("Open a shift on register {register}").format(register=register)),
                id="title",
            )
            yield Static(Text(_("Cashier: {name}").format(name=self.cashier.name)))
            yield Static(_("Count the cash in the drawer and type the opening float:"))
            yield Input(placeholder="0,00", id="float")
            yield Static("", id="message")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#float", Input).focus()
        if self.greeting:
            self.say(self.greeting)

    def action_back(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted, "#float")
    def open_shift(self, event: Input.Submitted) -> None:
        config = self.till.config.till
        try:
            amount = parse_money(event.value or "", config.currency)
            shift = self.till.services.shifts.open(self.cashier, amount)
        except (AmountError, ShiftError, StoreError) as error:
            self.say(str(error), error=True)
            event.input.select_all()  # typing replaces the bad amount
            return
        greeting = _("Shift {number} opened with {amount} in the drawer.").format(
            number=shift.number, amount=format_money(amount, config.currency, config.locale)
        )
        self.dismiss(None)
        self.till.start_session(self.cashier, shift, greeting)
