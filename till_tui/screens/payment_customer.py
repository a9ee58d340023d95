"""The customer side of the payment screen: who pays, what their account still allows, and
the prepaid and on-account methods (the customer search when none is attached, a top-up on the
spot when the prepaid balance is short)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Static

from till_tui.config import PaymentMethod
from till_tui.domain.cart import Cart
from till_tui.domain.customer import Customer
from till_tui.domain.ledger import Balances
from till_tui.domain.sale import CompletedSale
from till_tui.domain.tender import MONEY_IN_KINDS, Tender, payment_state, used_from_account
from till_tui.i18n import _
from till_tui.screens.base import TillScreen
from till_tui.store.errors import StoreError


@dataclass(frozen=True, slots=True)
class PaymentResult:
    """What the payment screen hands back: the sale if completed, and the tenders either way."""

    sale: CompletedSale | None
    tenders: tuple[Tender, ...]
    receipt: str = "none"
    """print, email or none."""
    email: str = ""
    """The address to e-mail the receipt to (receipt == "email")."""
    cart: Cart | None = None
    """The cart as the payment screen left it (a customer may have been attached there)."""


class PaymentCustomer(TillScreen[PaymentResult]):
    """The payment screen builds on this; it owns the tenders and the amount field."""

    cart: Cart
    total: int
    tenders: list[Tender]
    methods: list[PaymentMethod]
    customer: Customer | None = None
    balances: Balances | None = None

    def start_typing(self, method: PaymentMethod, prefill: int) -> None:
        """Show the amount field for `method`, prefilled (the payment screen does this)."""
        raise NotImplementedError

    def show_methods(self) -> None:
        """Redraw the method list with what the customer has left (the payment screen)."""
        raise NotImplementedError

    def money(self, amount: int) -> str:
        raise NotImplementedError

    def say_error(self, message: str) -> None:
        raise NotImplementedError

    def prompt(self, message: str, *, style: str = "bold") -> None:
        raise NotImplementedError

    # -- the customer ------------------------------------------------------------------------

    def read_customer(self) -> None:
        """Read the attached customer and their balances; show them in the header and list."""
        customer_id = self.cart.customer_id
        services = self.till.services
        self.customer = services.customers.get(customer_id) if customer_id is not None else None
        self.balances = services.accounts.balances(customer_id) if customer_id is not None else None
        self.show_header()
        self.show_methods()

    def attach(self, customer: Customer) -> None:
        self.cart = self.cart.with_customer(customer.id)
        self.read_customer()

    def card_scanned(self, code: str) -> bool:
        """Attach the customer whose card is `code`; False if no customer has it."""
        customer = self.till.services.customers.find_by_card(code)
        if customer is None:
            return False
        self.attach(customer)
        return True

    def available(self, kind: str) -> int | None:
        """What the customer's account still allows for `kind` after the tenders taken."""
        balances = self.balances
        if balances is None:
            return None
        if kind == "prepaid":
            return max(balances.prepaid - used_from_account(self.tenders, kind), 0)
        if not balances.has_credit:
            return 0
        return max(balances.available - used_from_account(self.tenders, kind), 0)

    def show_header(self) -> None:
        training = self.till.services.training.is_on()
        number = self.till.services.sales.next_number(training=training)
        header = Text(_("Payment · sale N° {number}").format(number=number))
        if training:
            header = Text.assemble((" " + _("TRAINING") + " ", "bold reverse red"), " ", header)
        if self.customer is not None:
            header.append(
                "  ·  " + _("Customer: {name}").format(name=self.customer.name), style="bold"
            )
        self.query_one("#payment-header", Static).update(header)

    def account_method(self, method: PaymentMethod) -> None:
        """Prepaid or credit: from the attached customer's account (pick the customer first).
        Refused in training mode: no real customer money moves for a practice sale."""
        if self.till.services.training.is_on():
            from till_tui.store.training import account_tenders_refused

            self.say_error(account_tenders_refused())
            return
        if self.customer is None:
            from till_tui.screens.customer_search import CustomerSearch

            def chosen(customer: Customer | None) -> None:
                if customer is not None:
                    self.attach(customer)
                    self.account_method(method)

            self.app.push_screen(CustomerSearch(), chosen)
            return
        due = payment_state(self.total, self.tenders).due
        available = self.available(method.kind) or 0
        if method.kind == "credit":
            if self.balances is None or not self.balances.has_credit:
                self.say_error(_("This customer has no credit account."))
            elif available <= 0:
                self.say_error(_("No credit available for this customer."))
            else:
                self.start_typing(method, min(available, due))
            return
        if available >= due:
            self.start_typing(method, due)
            return
        from till_tui.screens.payment_dialogs import ShortBalance

        def decided(choice: str | None) -> None:
            if choice == "topup":
                self.top_up(method, due - available)
            elif choice == "partial" and available > 0:
                self.start_typing(method, available)

        self.app.push_screen(ShortBalance(self.customer.name, available, due), decided)

    def top_up(self, prepaid: PaymentMethod, shortfall: int) -> None:
        """Take a top-up by another method (recorded as a top-up, not a sale), then pay."""
        from till_tui.screens.account_dialogs import Movement, MovementDialog

        session = self.till.session
        customer = self.customer
        assert session is not None and customer is not None
        methods = [m for m in self.methods if m.kind in MONEY_IN_KINDS]

        def taken(movement: Movement | None) -> None:
            if movement is None:
                return
            try:
                receipt = self.till.services.accounts.top_up(
                    customer.id,
                    movement.amount,
                    movement.method,
                    staff=session.cashier,
                    shift_id=session.shift.id,
                )
            except (StoreError, ValueError) as error:
                self.say_error(str(error))
                return
            self.till.print_account_receipt(receipt)
            if movement.method.kind == "cash":
                self.till.open_drawer()
            self.read_customer()
            due = payment_state(self.total, self.tenders).due
            self.start_typing(prepaid, min(self.available("prepaid") or 0, due))
            self.prompt(
                _("Top-up of {amount} by {method} recorded (receipt N° {number}).").format(
                    amount=self.money(receipt.amount),
                    method=receipt.method_label,
                    number=receipt.number,
                )
                + " "
                + _("Amount for {method}:").format(method=prepaid.label)
            )

        title = _("Top up {name}'s prepaid balance").format(name=customer.name)
        self.app.push_screen(MovementDialog(title, methods, shortfall), taken)
