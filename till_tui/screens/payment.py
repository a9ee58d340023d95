"""The payment screen: choose a method with its number, type the amount, Enter; F10 completes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Input, Static

from till_tui.config import PaymentMethod
from till_tui.domain.cart import Cart
from till_tui.domain.money import (
    AmountError,
    editable_amount,
    format_amount,
    format_money,
    parse_money,
)
from till_tui.domain.sale import CompletedSale
from till_tui.domain.tender import Tender, TenderError, make_tender, payment_state
from till_tui.i18n import N_, _
from till_tui.screens.base import HELP_BINDING, TillScreen
from till_tui.store.errors import StoreError
from till_tui.store.sales import SaleError
from till_tui.widgets.big_amount import BigAmount

SUPPORTED_KINDS = ("cash",)
"""Payment kinds this version takes; the others come with split payments."""


@dataclass(frozen=True, slots=True)
class PaymentResult:
    """What the payment screen hands back: the sale if completed, and the tenders either way."""

    sale: CompletedSale | None
    tenders: tuple[Tender, ...]
    print_receipt: bool = False
    cart: Cart | None = None
    """The cart as the payment screen left it (a customer may have been attached there)."""


class PaymentScreen(TillScreen[PaymentResult]):
    """Take the money for one sale."""

    CSS_PATH = "payment.tcss"
    HELP = N_(
        "Press the number of a payment method, check or type the amount, and Enter. "
        "Delete removes the selected tender. F10 completes the sale when it is fully paid. "
        "Escape goes back to the sale; the tenders are kept."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        HELP_BINDING,
        Binding("1", "method(1)", N_("Method"), key_display="1-9", id="method"),
        *(Binding(str(n), f"method({n})", show=False) for n in range(2, 10)),
        Binding("delete", "remove_tender", N_("Remove tender"), id="remove_tender"),
        Binding("up", "select_tender(-1)", show=False),
        Binding("down", "select_tender(1)", show=False),
        Binding("f10", "complete", N_("Complete"), id="complete"),
        Binding("escape", "back", N_("Back"), id="back"),
    ]

    def __init__(self, cart: Cart, tenders: tuple[Tender, ...] = ()) -> None:
        super().__init__()
        self.cart = cart
        self.total = cart.totals().total
        self.tenders: list[Tender] = list(tenders)
        self.dropped_tenders = payment_state(self.total, self.tenders).paid > self.total
        """The sale shrank below what was already paid: the tenders are taken again."""
        if self.dropped_tenders:
            self.tenders = []
        self.methods = [m for m in self.till.config.payment_methods if m.kind in SUPPORTED_KINDS]
        self.method: PaymentMethod | None = None
        self.held_keys = ""
        """Keys typed while choosing a method that are no method's number (a card scan?)."""
        self.card_start = ""
        """The keys up to the method's number: the start of a card, if a scan chose it."""
        """The method whose amount is being typed, or None while choosing a method."""

    def compose(self) -> ComposeResult:
        config = self.till.config.till
        yield Static(id="payment-header")
        with Horizontal(id="payment-body"):
            with Vertical(id="methods", classes="box"):
                yield Static(Text(_("Payment methods"), style="bold"))
                for number, method in enumerate(self.methods, start=1):
                    yield Static(Text(f"{number}  {method.label}"), id=f"method-{number}")
            with Vertical(id="amounts", classes="box"):
                yield Static(_("Total"), classes="label")
                yield BigAmount(
                    format_amount(self.total, config.currency, config.locale), id="total"
                )
                yield Static(id="state")
                yield Static(_("Change"), classes="label")
                yield BigAmount("0", id="change")
        yield DataTable(id="tenders", cursor_type="row")
        yield Static(id="prompt")
        yield Input(id="amount")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#tenders", DataTable)
        table.can_focus = False
        for label in (_("Method"), _("Amount"), _("Tendered"), _("Change")):
            table.add_column(label)
        self.query_one("#amount", Input).display = False
        customer_id = self.cart.customer_id
        customers = self.till.services.customers
        self.show_header(customers.get(customer_id).name if customer_id is not None else "")
        self.refresh_state()
        if self.dropped_tenders:
            self.say_error(
                _("The sale changed and is now less than was paid: take the payment again.")
            )

    # -- display -----------------------------------------------------------------------------

    def money(self, amount: int) -> str:
        config = self.till.config.till
        return format_money(amount, config.currency, config.locale)

    def refresh_state(self) -> None:
        state = payment_state(self.total, self.tenders)
        config = self.till.config.till
        summary = Text(_("Paid {paid}").format(paid=self.money(state.paid)))
        summary.append("   ")
        summary.append(_("Due {due}").format(due=self.money(state.due)), style="bold")
        self.query_one("#state", Static).update(summary)
        self.query_one("#change", BigAmount).update(
            format_amount(state.change, config.currency, config.locale)
        )
        table = self.query_one("#tenders", DataTable)
        table.clear()
        for tender in self.tenders:
            table.add_row(
                Text(tender.label),
                Text(self.money(tender.amount), justify="right"),
                Text(self.money(tender.tendered), justify="right"),
                Text(self.money(tender.change), justify="right"),
            )
        prompt = self.query_one("#prompt", Static)
        if self.method is not None:
            prompt.update(Text(_("Amount for {method}:").format(method=self.method.label)))
        elif state.complete:
            prompt.update(Text(_("Fully paid: F10 completes the sale."), style="bold"))
        else:
            prompt.update(Text(_("Press the number of a payment method.")))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "complete":
            return True if payment_state(self.total, self.tenders).complete else None
        if action == "method":
            return self.method is None  # while typing an amount, digits are the amount
        if action == "remove_tender":
            return True if self.tenders and self.method is None else None
        return True

    async def on_key(self, event: events.Key) -> None:
        # F10 is dimmed until the sale is paid, so its binding does not run: say why instead.
        if event.key == "f10" and not payment_state(self.total, self.tenders).complete:
            event.stop()
            self.say_error(_("The sale is not fully paid."))
            return
        if self.method is not None:
            amount = self.query_one("#amount", Input)
            if self.focused is not amount:
                # The focus moves to the amount field after the keys already queued (a scan's):
                # give them to the field ourselves, in order.
                event.stop()
                event.prevent_default()
                if event.key == "enter":
                    await amount.action_submit()
                elif event.is_printable and event.character:
                    if amount.selection.is_empty:
                        amount.insert_text_at_cursor(event.character)
                    else:
                        amount.replace(event.character, *amount.selection)
            return
        # Choosing a method: keys that are not a method's number are kept, because a loyalty
        # card scanned now arrives as keys ending with Enter.
        character = event.character
        if event.key == "enter" and self.held_keys:
            event.stop()
            code, self.held_keys = self.held_keys, ""
            if not self.card_scanned(code):
                self.say_error(_("Unknown card: {code}").format(code=code))
        elif character and len(character) == 1 and character.isalnum():
            event.stop()
            event.prevent_default()
            if character.isdigit() and 1 <= int(character) <= len(self.methods):
                # Here, not through the binding: Textual runs bindings after the keys queued
                # behind them, and a scan's next keys must reach the amount field.
                self.action_method(int(character))
            else:
                self.held_keys += character
                self.prompt(_("Press the number of a payment method."))

    def card_scanned(self, code: str) -> bool:
        """Attach the customer whose card is `code`; False if no customer has it."""
        customer = self.till.services.customers.find_by_card(code)
        if customer is None:
            return False
        self.cart = self.cart.with_customer(customer.id)
        self.show_header(customer.name)
        return True

    def show_header(self, customer: str = "") -> None:
        header = Text(
            _("Payment · sale N° {number}").format(number=self.till.services.sales.next_number())
        )
        if customer:
            header.append("  ·  " + _("Customer: {name}").format(name=customer), style="bold")
        self.query_one("#payment-header", Static).update(header)

    def say_error(self, message: str) -> None:
        self.app.bell()
        self.prompt(message, style="bold red")

    def prompt(self, message: str, *, style: str = "bold") -> None:
        self.query_one("#prompt", Static).update(Text(message, style=style))

    # -- keys --------------------------------------------------------------------------------

    def action_method(self, number: int) -> None:
        if not 1 <= number <= len(self.methods):
            self.say_error(_("No payment method has the number {n}.").format(n=number))
            return
        state = payment_state(self.total, self.tenders)
        if state.complete:
            self.say_error(_("Nothing is due: press F10 to complete the sale."))
            return
        self.method = self.methods[number - 1]
        self.card_start = self.held_keys + str(number)  # maybe the start of a scanned card
        self.held_keys = ""
        config = self.till.config.till
        amount = self.query_one("#amount", Input)
        amount.value = editable_amount(state.due, config.currency, config.locale)
        amount.display = True
        amount.focus()
        amount.select_all()
        self.refresh_state()

    @on(Input.Submitted, "#amount")
    def add_tender(self, event: Input.Submitted) -> None:
        method = self.method
        if method is None:
            return
        text = event.value.strip()
        # A loyalty card scanned into the amount field, or whose first digit chose this method.
        start = self.card_start
        if self.card_scanned(text) or (start and self.card_scanned(start + text)):
            self.stop_typing()
            return
        due = payment_state(self.total, self.tenders).due
        try:
            typed = parse_money(event.value, self.till.config.till.currency)
            tender = make_tender(
                method=method.code, kind=method.kind, label=method.label, typed=typed, due=due
            )
        except (AmountError, TenderError) as error:
            self.say_error(str(error))
            event.input.select_all()  # typing replaces the bad amount
            return
        self.tenders.append(tender)
        self.stop_typing()

    def stop_typing(self) -> None:
        self.method = None
        self.card_start = ""
        amount = self.query_one("#amount", Input)
        amount.display = False
        self.set_focus(None)
        self.refresh_state()

    def action_select_tender(self, step: int) -> None:
        table = self.query_one("#tenders", DataTable)
        if self.tenders:
            table.move_cursor(row=max(0, min(table.cursor_row + step, len(self.tenders) - 1)))

    def action_remove_tender(self) -> None:
        if self.tenders:
            row = self.query_one("#tenders", DataTable).cursor_row
            del self.tenders[min(row, len(self.tenders) - 1)]
            self.refresh_state()

    def action_back(self) -> None:
        if self.method is not None:
            self.stop_typing()
            return
        self.dismiss(PaymentResult(None, tuple(self.tenders), cart=self.cart))

    def action_complete(self) -> None:
        if not payment_state(self.total, self.tenders).complete:
            self.say_error(_("The sale is not fully paid."))
            return
        session = self.till.session
        assert session is not None
        try:
            sale = self.till.services.sales.complete(
                self.cart, self.tenders, staff=session.cashier, shift_id=session.shift.id
            )
        except (SaleError, StoreError) as error:
            self.say_error(_("The sale was not saved: {error}").format(error=error))
            return
        from till_tui.screens.receipt_choice import ReceiptChoice

        def chosen(choice: str | None) -> None:
            self.dismiss(PaymentResult(sale, tuple(self.tenders), print_receipt=choice == "print"))

        self.app.push_screen(ReceiptChoice(sale), chosen)
