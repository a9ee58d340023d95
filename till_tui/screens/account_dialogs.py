"""Dialogs of the customer account: an amount taken or given back by a payment method, and
a manager's PIN for what a cashier may not do alone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from till_tui.config import PaymentMethod
from till_tui.domain.money import AmountError, editable_amount, parse_money
from till_tui.domain.staff import StaffMember
from till_tui.i18n import N_, _
from till_tui.screens.base import TillModal
from till_tui.store.errors import StoreError


@dataclass(frozen=True, slots=True)
class Movement:
    """What the cashier typed: the method and the amount handed over (or given back)."""

    method: PaymentMethod
    amount: int


class MovementDialog(TillModal[Movement]):
    """Up/Down choose the payment method; type the amount and Enter."""

    DEFAULT_CSS = """
    MovementDialog { align: center middle; }
    MovementDialog > Vertical { width: 64; height: auto; padding: 0 1; }
    MovementDialog OptionList { height: auto; max-height: 8; }
    """
    HELP = N_("Up/Down choose the payment method; type the amount and press Enter.")
    BINDINGS: ClassVar[list[BindingType]] = [
        *TillModal.BINDINGS,
        Binding("up", "method(-1)", show=False),
        Binding("down", "method(1)", show=False),
    ]

    def __init__(self, title: str, methods: list[PaymentMethod], prefill: int = 0) -> None:
        super().__init__()
        self.title_text = title
        self.methods = methods
        self.prefill = prefill

    def compose(self) -> ComposeResult:
        config = self.till.config.till
        with Vertical(classes="box"):
            yield Static(Text(self.title_text, style="bold"))
            yield OptionList(*(Option(Text(m.label)) for m in self.methods), id="methods")
            yield Static(_("Amount"), classes="label")
            prefill = editable_amount(self.prefill, config.currency, config.locale)
            yield Input(prefill if self.prefill else "", id="amount")
            yield Static("", id="message")

    def on_mount(self) -> None:
        methods = self.query_one("#methods", OptionList)
        methods.can_focus = False
        methods.highlighted = 0
        amount = self.query_one("#amount", Input)
        amount.focus()
        amount.select_all()

    def action_method(self, step: int) -> None:
        methods = self.query_one("#methods", OptionList)
        current = methods.highlighted or 0
        methods.highlighted = max(0, min(current + step, len(self.methods) - 1))

    @on(Input.Submitted, "#amount")
    def submit(self, event: Input.Submitted) -> None:
        try:
            amount = parse_money(event.value, self.till.config.till.currency)
        except AmountError as error:
            self.say(str(error), error=True)
            event.input.select_all()
            return
        if amount <= 0:
            self.say(_("Type an amount more than zero."), error=True)
            return
        method = self.methods[self.query_one("#methods", OptionList).highlighted or 0]
        self.dismiss(Movement(method, amount))


class ManagerPin(TillModal[StaffMember]):
    """A manager types their PIN to approve what a cashier may not do alone."""

    DEFAULT_CSS = """
    ManagerPin { align: center middle; }
    ManagerPin > Vertical { width: 56; height: auto; padding: 0 1; }
    """
    HELP = N_("A manager types their PIN and presses Enter to approve.")

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason

    def compose(self) -> ComposeResult:
        with Vertical(classes="box"):
            yield Static(Text(_("Manager approval"), style="bold"))
            yield Static(Text(self.reason))
            yield Input(password=True, restrict=r"[0-9]*", max_length=8, id="pin")
            yield Static("", id="message")

    @on(Input.Submitted, "#pin")
    def check(self, event: Input.Submitted) -> None:
        event.input.disabled = True
        self.authenticate(event.value)

    @work(thread=True, exclusive=True, group="manager-pin", exit_on_error=False)
    def authenticate(self, pin: str) -> None:
        from till_tui.store.staff import ApprovalLocked

        try:
            member = self.till.services.staff.approve(pin)  # journaled, locked after 5 wrong
        except ApprovalLocked as locked:
            self.app.call_from_thread(self.locked, str(locked), locked.seconds)
            return
        except StoreError as error:
            message = str(error)
            self.app.call_from_thread(lambda: self.say(message, error=True))
            member = None
        self.app.call_from_thread(self.checked, member)

    def checked(self, member: StaffMember | None) -> None:
        pin = self.query_one("#pin", Input)
        pin.disabled = False
        pin.value = ""
        pin.focus()
        if member is None or not member.is_manager:
            self.say(_("This is not a manager's PIN."), error=True)
            return
        self.dismiss(member)

    def locked(self, message: str, seconds: int) -> None:
        """Too many wrong PINs: the field stays disabled until the lock ends (Escape still
        cancels what was asked)."""
        pin = self.query_one("#pin", Input)
        pin.value = ""
        self.say(message, error=True)
        self.set_timer(seconds, self.unlocked)

    def unlocked(self) -> None:
        pin = self.query_one("#pin", Input)
        pin.disabled = False
        pin.focus()
        self.say(_("A manager types their PIN and presses Enter to approve."))
