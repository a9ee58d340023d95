"""After payment: the change in large digits, and the receipt choice (P print, E e-mail,
N none), with the configured default on Enter."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Footer, Input, Static

from till_tui.domain.money import format_amount, format_money
from till_tui.domain.sale import CompletedSale
from till_tui.i18n import N_, _
from till_tui.screens.base import HELP_BINDING, TillModal
from till_tui.widgets.big_amount import BigAmount

ReceiptChoiceResult = tuple[str, str]
"""(print | email | none, the e-mail address or "")."""


class EmailAddress(TillModal[str]):
    """Type (or check) the address the receipt is e-mailed to; Enter sends."""

    DEFAULT_CSS = """
    EmailAddress { align: center middle; }
    EmailAddress > Vertical { width: 64; height: auto; padding: 0 1; }
    """
    HELP = N_("Type the customer's e-mail address and press Enter. Escape goes back.")

    def __init__(self, address: str = "") -> None:
        super().__init__()
        self.address = address

    def compose(self) -> ComposeResult:
        with Vertical(classes="box"):
            yield Static(Text(_("E-mail the receipt to"), style="bold"))
            yield Input(self.address, id="address")
            yield Static("", id="message")

    @on(Input.Submitted, "#address")
    def submit(self, event: Input.Submitted) -> None:
        from till_tui.hw.mailer import MailError, check_address

        try:
            self.dismiss(check_address(event.value))
        except MailError as error:
            self.say(str(error), error=True)


class ReceiptChoice(TillModal[ReceiptChoiceResult]):
    """The sale is saved; give the change, then P print, E e-mail or N no receipt."""

    DEFAULT_CSS = """
    ReceiptChoice { align: center middle; }
    ReceiptChoice > Vertical {
        width: 60; height: auto; padding: 0 1;
    }
    """
    HELP = N_(
        "The sale is saved. P prints the receipt, E e-mails it, N gives none; Enter takes "
        "the default."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        HELP_BINDING,
        Binding("p", "choose('print')", N_("Print"), id="print"),
        Binding("e", "choose('email')", N_("E-mail"), id="email"),
        Binding("n", "choose('none')", N_("No receipt"), id="none"),
        Binding("enter", "choose_default", N_("Default"), id="default"),
        Binding("escape", "choose_default", show=False),
    ]

    def __init__(self, sale: CompletedSale) -> None:
        super().__init__()
        self.sale = sale

    @property
    def can_email(self) -> bool:
        return self.till.config.email.enabled

    @property
    def default(self) -> str:
        config = self.till.config
        choice = config.till.receipt_default
        if choice == "print" and config.printer.kind == "none":
            return "none"
        if choice == "email" and not self.can_email:
            return "none"
        return choice

    def compose(self) -> ComposeResult:
        config = self.till.config.till
        with Vertical(classes="box"):
            yield Static(
                Text(
                    (
                        _("Training sale N° {number} saved. Total {total}")
                        if self.sale.training
                        else _("Sale N° {number} saved. Total {total}")
                    ).format(
                        number=self.sale.number,
                        total=format_money(self.sale.totals.total, config.currency, config.locale),
                    ),
                    style="bold",
                )
            )
            yield Static(_("Change to give"))
            yield BigAmount(format_amount(self.sale.change, config.currency, config.locale))
            names = {"print": _("print"), "email": _("e-mail"), "none": _("no receipt")}
            yield Static(
                Text(
                    _("Receipt? P print, E e-mail, N none (Enter: {default})").format(
                        default=names[self.default]
                    )
                )
            )
            yield Static("", id="message")
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "choose" and parameters == ("email",) and not self.can_email:
            return None  # dimmed; pressing E still explains why
        return True

    def on_key(self, event: events.Key) -> None:
        if event.key == "e" and not self.can_email:
            event.stop()
            self.say(_("E-mail is not set up: see [email] in config.toml."), error=True)

    def action_choose(self, choice: str) -> None:
        if choice != "email":
            self.dismiss((choice, ""))
            return
        customer = self.sale.customer

        def typed(address: str | None) -> None:
            if address:
                self.dismiss(("email", address))

        self.app.push_screen(EmailAddress(customer.email if customer else ""), typed)

    def action_choose_default(self) -> None:
        self.action_choose(self.default)
