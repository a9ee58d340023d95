"""The payment screen: choose a method with its number, type the amount, Enter; F10 completes.

Every configured method is offered in the merchant's order, cash first. A card may ask for its
last 4 digits, an external or other method for a reference, after the amount. Prepaid and
credit pay from the attached customer's account (the customer search opens if none is
attached); a prepaid balance short of what is due can be topped up right here.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Input, Static

from till_tui.config import PaymentMethod
from till_tui.domain.cart import Cart
from till_tui.domain.customer import Customer
from till_tui.domain.ledger import Balances
from till_tui.domain.money import (
    AmountError,
    editable_amount,
    format_amount,
    format_money,
    parse_money,
)
from till_tui.domain.tender import (
    ACCOUNT_KINDS,
    OverAvailable,
    Tender,
    TenderError,
    check_last4,
    check_reference,
    make_tender,
    payment_state,
)
from till_tui.i18n import N_, _
from till_tui.screens.base import HELP_BINDING
from till_tui.screens.payment_customer import PaymentCustomer, PaymentResult
from till_tui.store.errors import StoreError
from till_tui.store.sales import SaleError
from till_tui.widgets.amount_field import AmountField
from till_tui.widgets.big_amount import BigAmount

Step = Literal["amount", "last4", "reference"]


class PaymentScreen(PaymentCustomer):
    """Take the money for one sale."""

    CSS_PATH = "payment.tcss"
    HELP = N_(
        "Press the number of a payment method, check or type the amount, and Enter. "
        "A card may ask for its last 4 digits, a room charge for the room number. "
        "Prepaid and on account pay from the customer's account (scan the card or pick the "
        "customer). Delete removes the selected tender. F10 completes the sale when it is "
        "fully paid. Escape goes back to the sale; the tenders are kept."
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
        self.methods = list(self.till.config.payment_methods)
        self.method: PaymentMethod | None = None
        """The method whose amount (or details) is being typed, or None while choosing."""
        self.step: Step = "amount"
        self.typed = 0
        """The amount typed for the method, while its last 4 digits or reference are asked."""
        self.held_keys = ""
        """Keys typed while choosing a method that are no method's number (a card scan?)."""
        self.card_start = ""
        """The keys up to the method's number: the start of a card, if a scan chose it."""
        self.customer: Customer | None = None
        self.balances: Balances | None = None

    def compose(self) -> ComposeResult:
        config = self.till.config.till
        yield Static(id="payment-header")
        with Horizontal(id="payment-body"):
            with Vertical(id="methods", classes="box"):
                yield Static(Text(_("Payment methods"), style="bold"))
                for number in range(1, len(self.methods) + 1):
                    yield Static(id=f"method-{number}")
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
        yield AmountField(id="amount")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#tenders", DataTable)
        table.can_focus = False
        for label in (_("Method"), _("Amount"), _("Tendered"), _("Change")):
            table.add_column(label)
        self.query_one("#amount", Input).display = False
        self.read_customer()
        self.refresh_state()
        if self.dropped_tenders:
            self.say_error(
                _("The sale changed and is now less than was paid: take the payment again.")
            )

    # -- display -----------------------------------------------------------------------------

    def money(self, amount: int) -> str:
        config = self.till.config.till
        return format_money(amount, config.currency, config.locale)

    def show_methods(self) -> None:
        for number, method in enumerate(self.methods, start=1):
            line = Text(f"{number}  {method.label}")
            balances = self.balances
            if balances is not None and (
                method.kind == "prepaid" or (method.kind == "credit" and balances.has_credit)
            ):
                line.append(f"  {self.money(self.available(method.kind) or 0)}", style="dim")
            self.query_one(f"#method-{number}", Static).update(line)

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
            label = Text(tender.label)
            if tender.last4:
                label.append(f" ****{tender.last4}", style="dim")
            if tender.reference:
                label.append(f" · {tender.reference}", style="dim")
            table.add_row(
                label,
                Text(self.money(tender.amount), justify="right"),
                Text(self.money(tender.tendered), justify="right"),
                Text(self.money(tender.change), justify="right"),
            )
        self.show_methods()
        self.prompt_for_step(state.complete)
        self.refresh_bindings()

    def prompt_for_step(self, complete: bool) -> None:
        method = self.method
        if method is None:
            if complete:
                self.prompt(_("Fully paid: F10 completes the sale."))
            else:
                self.prompt(_("Press the number of a payment method."), style="")
        elif self.step == "amount":
            self.prompt(_("Amount for {method}:").format(method=method.label), style="")
        elif self.step == "last4":
            self.prompt(_("Last 4 digits of the card:"), style="")
        elif method.requires_reference:
            self.prompt(_("Reference for {method} (required):").format(method=method.label))
        else:
            self.prompt(
                _("Reference for {method} (Enter: none):").format(method=method.label), style=""
            )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "complete":
            return True if payment_state(self.total, self.tenders).complete else None
        if action == "method":
            return self.method is None  # while typing an amount, digits are the amount
        if action == "remove_tender":
            return True if self.tenders and self.method is None else None
        return True

    def say_error(self, message: str) -> None:
        self.app.bell()
        self.prompt(message, style="bold red")

    def say(self, message: str, *, error: bool = False) -> None:
        if error:
            self.say_error(message)
        else:
            self.prompt(message)

    def prompt(self, message: str, *, style: str = "bold") -> None:
        self.query_one("#prompt", Static).update(Text(message, style=style))

    # -- keys --------------------------------------------------------------------------------

    async def on_key(self, event: events.Key) -> None:
        # F10 is dimmed until the sale is paid, so its binding does not run: say why instead.
        if event.key == "f10" and not payment_state(self.total, self.tenders).complete:
            event.stop()
            self.say_error(_("The sale is not fully paid."))
            return
        if self.method is not None:
            amount = self.query_one("#amount", AmountField)
            if not amount.had(event):
                # Keys sent here before the focus moved to the amount field (a scan's, whose
                # first digit chose the method): give them to the field ourselves, in order,
                # even if the field has the focus by now.
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
            else:
                self.refresh_state()
        elif character and len(character) == 1 and character.isalnum():
            event.stop()
            event.prevent_default()
            if character.isdigit() and 1 <= int(character) <= len(self.methods):
                # Here, not through the binding: Textual runs bindings after the keys queued
                # behind them, and a scan's next keys must reach the amount field.
                self.action_method(int(character))
            else:
                self.held_keys += character
                self.prompt(_("Press the number of a payment method."), style="")

    def scanned(self, code: str) -> bool:
        """A card read from a scanner over evdev attaches its customer (for prepaid and on
        account); the amount being typed stays as it is. False (and a message) if no
        customer has the card. While a reference (or a card's last 4 digits) is asked, the
        code is the answer: a room card's or a voucher's barcode."""
        method = self.method
        if method is not None and self.step != "amount":
            self.query_one("#amount", Input).value = code  # shown (and selected) if refused
            self.detail_typed(method, code)
            return True
        if not self.card_scanned(code):
            self.say_error(_("Unknown card: {code}").format(code=code))
            return False
        self.refresh_state()
        return True

    def action_method(self, number: int) -> None:
        if not 1 <= number <= len(self.methods):
            self.say_error(_("No payment method has the number {n}.").format(n=number))
            return
        state = payment_state(self.total, self.tenders)
        if state.complete:
            self.say_error(_("Nothing is due: press F10 to complete the sale."))
            return
        method = self.methods[number - 1]
        card_start = self.held_keys + str(number)  # maybe the start of a scanned card
        self.held_keys = ""
        if method.kind in ACCOUNT_KINDS:
            self.account_method(method)
            return
        self.card_start = card_start
        self.start_typing(method, state.due)

    def start_typing(self, method: PaymentMethod, prefill: int) -> None:
        """Show the amount field for `method`, prefilled with `prefill` and selected."""
        self.method = method
        self.step = "amount"
        config = self.till.config.till
        amount = self.query_one("#amount", Input)
        amount.value = editable_amount(prefill, config.currency, config.locale) if prefill else ""
        amount.display = True
        amount.focus()
        amount.select_all()
        self.refresh_state()

    @on(Input.Submitted, "#amount")
    def submitted(self, event: Input.Submitted) -> None:
        method = self.method
        if method is None:
            return
        if self.step == "amount":
            self.amount_typed(method, event.value.strip())
        else:
            self.detail_typed(method, event.value)

    def amount_typed(self, method: PaymentMethod, text: str) -> None:
        # A loyalty card scanned into the amount field, or whose first digit chose this method.
        start = self.card_start
        if self.card_scanned(text) or (start and self.card_scanned(start + text)):
            self.stop_typing()
            return
        try:
            typed = parse_money(text, self.till.config.till.currency)
            self.make(method, typed)  # checks the amount before details are asked
        except (AmountError, TenderError) as error:
            self.refuse(error)
            return
        self.card_start = ""
        if method.kind == "card" and method.ask_last4:
            self.ask(method, typed, "last4")
        elif method.kind in ("external", "other"):
            self.ask(method, typed, "reference")
        else:
            self.add(self.make(method, typed))

    def ask(self, method: PaymentMethod, typed: int, step: Step) -> None:
        self.typed = typed
        self.step = step
        amount = self.query_one("#amount", Input)
        amount.value = ""
        self.refresh_state()

    def detail_typed(self, method: PaymentMethod, text: str) -> None:
        try:
            if self.step == "last4":
                tender = self.make(method, self.typed, last4=check_last4(text))
            else:
                reference = check_reference(text, required=method.requires_reference)
                tender = self.make(method, self.typed, reference=reference)
        except TenderError as error:
            self.refuse(error)
            return
        self.add(tender)

    def make(
        self, method: PaymentMethod, typed: int, *, last4: str = "", reference: str = ""
    ) -> Tender:
        due = payment_state(self.total, self.tenders).due
        return make_tender(
            method=method.code,
            kind=method.kind,
            label=method.label,
            typed=typed,
            due=due,
            reference=reference,
            last4=last4,
            external_id=method.external_id,
            due_days=method.credit_days,
            available=self.available(method.kind) if method.kind in ACCOUNT_KINDS else None,
        )

    def refuse(self, error: Exception) -> None:
        message = str(error)
        if isinstance(error, OverAvailable):
            message += " " + _("Available: {amount}.").format(amount=self.money(error.available))
        self.say_error(message)
        self.query_one("#amount", Input).select_all()  # typing replaces the bad entry

    def add(self, tender: Tender) -> None:
        self.tenders.append(tender)
        self.stop_typing()

    def stop_typing(self) -> None:
        self.method = None
        self.step = "amount"
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
            self.read_customer()  # another till may have moved the balances: show them
            self.refresh_state()
            self.say_error(_("The sale was not saved: {error}").format(error=error))
            return
        if sale.has_cash:
            self.till.open_drawer()
        from till_tui.screens.receipt_choice import ReceiptChoice, ReceiptChoiceResult

        def chosen(choice: ReceiptChoiceResult | None) -> None:
            receipt, address = choice if choice is not None else ("none", "")
            self.dismiss(PaymentResult(sale, tuple(self.tenders), receipt, address))

        self.app.push_screen(ReceiptChoice(sale), chosen)
