"""The sale screen: a command line always ready for a scan or a typed code, and the cart."""

from __future__ import annotations

import re
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from till_tui.domain.cart import Cart, CartError
from till_tui.domain.money import QTY_UNIT, AmountError, format_money, parse_quantity
from till_tui.domain.product import Product
from till_tui.domain.tender import Tender
from till_tui.i18n import N_, _
from till_tui.scan_message import refusal
from till_tui.screens.base import HELP_BINDING
from till_tui.screens.payment import PaymentScreen
from till_tui.screens.payment_customer import PaymentResult
from till_tui.screens.sale_adjust import SaleAdjust
from till_tui.store.errors import StoreError
from till_tui.widgets.cart_table import CartTable
from till_tui.widgets.command_line import CommandLine
from till_tui.widgets.customer_bar import CustomerBar
from till_tui.widgets.key_footer import KeyFooter
from till_tui.widgets.totals import TotalsBar

QUANTITY_PREFIX = re.compile(r"^\s*(?P<qty>\d+(?:[.,]\d{1,3})?)\s*\*\s*(?P<code>.*)$")


class SaleScreen(SaleAdjust):
    """Ring up a sale: scan or type codes, adjust lines, then F10 to pay."""

    CSS_PATH = "sale.tcss"
    AUTO_FOCUS = "#command"
    HELP = N_(
        "Scan or type a product code and press Enter. Type 3* before a code for 3 of it. "
        "Up/Down select a line; + and - change its quantity; Delete removes it "
        "(when the command line is empty)."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        HELP_BINDING,
        Binding("f2", "customer", N_("Customer"), id="customer"),
        Binding("f3", "search", N_("Find"), id="search"),
        Binding("f4", "adjust", N_("Discount"), id="discount"),
        Binding("f5", "note", N_("Note"), id="note"),
        Binding("f6", "park", N_("Park"), id="park"),
        Binding("f7", "account", N_("Account"), id="account"),
        Binding("f8", "history", N_("History"), id="history"),
        Binding("f9", "shift", N_("Shift"), id="shift"),
        Binding("f10", "pay", N_("Pay"), id="pay"),
        Binding("ctrl+p", "retry_printing", N_("Print queue"), id="print_queue"),
        Binding("ctrl+o", "no_sale", N_("Drawer"), id="no_sale"),
        Binding("f12", "logout", N_("Lock"), id="logout"),
        Binding("ctrl+l", "logout", N_("Lock"), show=False, id="logout_ctrl"),
        Binding("escape", "clear", N_("Clear"), show=False, id="clear"),
        Binding("up", "select(-1)", N_("Previous line"), show=False, id="line_up"),
        Binding("down", "select(1)", N_("Next line"), show=False, id="line_down"),
        Binding("plus", "quantity(1)", N_("Quantity +1"), show=False, priority=True, id="more"),
        Binding("minus", "quantity(-1)", N_("Quantity -1"), show=False, priority=True, id="less"),
        Binding("delete", "remove", N_("Remove line"), show=False, priority=True, id="remove"),
    ]

    def __init__(self, greeting: str = "") -> None:
        super().__init__()
        self.greeting = greeting
        self.cart = Cart()
        self._shown_empty = True
        """Whether the footer last showed the keys of an empty cart."""
        self.tenders: tuple[Tender, ...] = ()
        """Tenders taken on the payment screen before the cashier went back to the cart."""

    def compose(self) -> ComposeResult:
        config = self.till.config.till
        yield Static(id="sale-header")
        yield CustomerBar(config.currency, config.locale, id="customer")
        yield CartTable(config.currency, config.locale, id="cart")
        yield TotalsBar(config.currency, config.locale, id="totals")
        yield Static(id="message")
        yield CommandLine(
            placeholder=_("Scan or type a code, then Enter (3* before it for 3 of it)"),
            id="command",
        )
        yield KeyFooter()

    # -- state -------------------------------------------------------------------------------

    @property
    def command(self) -> CommandLine:
        return self.query_one("#command", CommandLine)

    @property
    def table(self) -> CartTable:
        return self.query_one("#cart", CartTable)

    def on_mount(self) -> None:
        if self.greeting:
            self.say(self.greeting)
        restored = None
        try:
            restored = self.till.services.drafts.load()
        except StoreError as error:
            self.say(str(error), error=True)
        if restored is not None and not restored.is_empty:
            self.cart = restored
            self.tenders = self.till.services.drafts.load_tenders()
            self.say(_("The sale in progress was restored."))
        else:
            self.cart = self._new_cart()
        self._show_cart()
        self._refresh_header()
        self.command.focus()

    def _refresh_header(self) -> None:
        session = self.till.session
        assert session is not None
        training = self.till.services.training.is_on()
        header = Text()
        status = self.till.status_text
        if training:  # the whole line turns red (sale.tcss), the word first
            header.append(" " + _("TRAINING") + " ", "bold reverse")
            header.append(" ")
        if status:
            header.append(status, "bold reverse red")
            header.append(" ")
        number = self.till.services.sales.next_number(training=training)
        where = _("Register {register} · {cashier} · shift {shift} · next sale N° {number}").format(
            register=self.till.services.register,
            cashier=session.cashier.name,
            shift=session.shift.number,
            number=number,
        )
        room = self.app.size.width - header.cell_len
        shop = self.till.config.shop.name
        if shop and len(shop) + 3 + len(where) <= room:
            header.append(shop + " · ", style="bold")
        elif len(where) > room:
            # A full line (training, a device problem): the shop's name goes first, then the
            # register and the shift; who sells and the next number always stay.
            where = _("{cashier} · next sale N° {number}").format(
                cashier=session.cashier.name, number=number
            )
        header.append(where)
        line = self.query_one("#sale-header", Static)
        line.set_class(training, "-training")
        line.update(header)

    def on_resize(self) -> None:
        self._refresh_header()  # the shop's name comes back, or goes, with the width

    def show_status(self) -> None:
        self._refresh_header()
        self.refresh_bindings()  # Ctrl+P shows while receipts wait to print

    def _show_cart(self) -> None:
        """Redraw everything after the cart was replaced (restored, resumed, paid, parked)."""
        self._show_customer()
        self.table.show(self.cart)
        self._refresh_totals()

    def _refresh_totals(self) -> None:
        self.query_one("#totals", TotalsBar).show(self.cart)
        if self.cart.is_empty != self._shown_empty:
            # Pay and Discount are dimmed on an empty cart; redrawing the footer on every
            # scan would double the cost of a scan.
            self._shown_empty = self.cart.is_empty
            self.refresh_bindings()

    @property
    def _staff_id(self) -> int | None:
        session = self.till.session
        return session.cashier.id if session else None

    def _save(self, cart: Cart) -> bool:
        """Make `cart` current and save it as the draft; False (and a message) if saving failed."""
        self.cart = cart
        try:
            self.till.services.drafts.save(cart, self._staff_id, self.tenders)
        except StoreError as error:
            self.say(_("The sale could not be saved: {error}").format(error=error), error=True)
            return False
        return True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("pay", "adjust") and self.cart.is_empty:
            return None  # shown dimmed
        # Ctrl+P shows only while receipts wait to print.
        return action != "retry_printing" or bool(self.till.print_status_text)

    # -- scanning and typing -----------------------------------------------------------------

    @on(CommandLine.Submitted, "#command")
    def submit_code(self, event: CommandLine.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return
        quantity = QTY_UNIT
        match = QUANTITY_PREFIX.match(text)
        if match:
            try:
                quantity = parse_quantity(match["qty"])
            except AmountError as error:
                self.say(str(error), error=True)
                return
            text = match["code"].strip()
            if not text:
                self.command.value = event.value.strip()  # keep "3*" for the scan to come
                self.say(_("Now scan or type the product code."))
                return
        self.enter_code(text, quantity)

    def scanned(self, code: str) -> bool:
        """A code read from a scanner over evdev: the product (or the customer's card) as if
        typed and Enter, without touching what the command line holds, except a waiting
        quantity ("3*"), which applies to this product. False if nothing was found."""
        quantity = QTY_UNIT
        waiting = QUANTITY_PREFIX.match(self.command.value)
        if waiting and not waiting["code"].strip():
            try:
                quantity = parse_quantity(waiting["qty"])
            except AmountError as error:
                self.say(str(error), error=True)
                return False
            self.command.value = ""
        return self.enter_code(code, quantity)

    def enter_code(self, text: str, quantity: int = QTY_UNIT) -> bool:
        """Add the product whose code is `text`, or attach the customer whose card it is;
        False (and the message) if neither has it, or no barcode could be `text`."""
        refused = refusal(text)
        if refused is not None:
            if refused:
                self.say(refused, error=True)
            return False
        prefix = self.till.config.scanner.customer_card_prefix
        product = (
            None if prefix and text.startswith(prefix) else self.till.services.catalog.find(text)
        )
        if product is None:
            # A customer card: by its prefix, or (no prefix set) a code no product has.
            customer = self.till.services.customers.find_by_card(text)
            if customer is not None and quantity == QTY_UNIT:
                self.attach(customer)
                return True
            self.say(_("Unknown code: {code}. Nothing was added.").format(code=text), error=True)
            return False
        self.add_product(product, quantity)
        return True

    def add_product(self, product: Product, quantity: int = QTY_UNIT) -> None:
        try:
            cart, index = self.cart.add(product, quantity)
        except CartError as error:
            self.say(str(error), error=True)
            return
        saved = self._save(cart)
        self.table.show_line(self.cart, index)
        self._refresh_totals()
        if saved and self.message_text:
            self.say("")

    def action_clear(self) -> None:
        self.command.value = ""

    # -- line keys ---------------------------------------------------------------------------

    def action_select(self, step: int) -> None:
        if self.cart.lines:
            row = max(0, min(self.table.cursor_row + step, len(self.cart.lines) - 1))
            self.table.move_cursor(row=row)

    def action_quantity(self, step: int) -> None:
        if self.command.value:  # typing: + and - are characters of the code
            self.command.insert_text_at_cursor("+" if step > 0 else "-")
            return
        index = self.table.selected
        if index is None:
            return
        try:
            cart = self.cart.change_quantity(index, step * QTY_UNIT)
        except CartError as error:
            self.say(str(error), error=True)
            return
        self._save(cart)
        self.table.show_line(self.cart, index)
        self._refresh_totals()

    def action_remove(self) -> None:
        if self.command.value:
            self.command.action_delete_right()
            return
        index = self.table.selected
        if index is None:
            return
        name = self.cart.lines[index].name
        try:
            cart = self.cart.remove(index)
        except CartError as error:
            self.say(str(error), error=True)
            return
        self._save(cart)
        self.table.remove_line(index)
        self._refresh_totals()
        self.say(_("Removed: {name}").format(name=name))

    # -- dialogs -----------------------------------------------------------------------------

    def action_search(self) -> None:
        from till_tui.screens.product_search import ProductSearch

        def chosen(product: Product | None) -> None:
            if product is not None:
                self.add_product(product)

        self.app.push_screen(ProductSearch(), chosen)

    def _selected_line(self) -> int | None:
        return self.table.selected

    def _line_changed(self, index: int | None) -> None:
        if index is not None:
            self.table.show_line(self.cart, index)
        self._refresh_totals()

    def action_note(self) -> None:
        from till_tui.screens.note import NoteDialog

        def chosen(note: str | None) -> None:
            if note is not None:
                self._save(self.cart.with_note(note))
                self._refresh_totals()

        self.app.push_screen(NoteDialog(self.cart.note), chosen)

    def action_park(self) -> None:
        from till_tui.screens.parked import ParkDialog

        services = self.till.services
        staff_id = self._staff_id
        try:
            parked = services.drafts.parked()
        except StoreError as error:
            self.say(str(error), error=True)
            return
        if not parked and self.cart.is_empty:
            self.say(_("No parked sale to resume."))
            return

        def chosen(choice: int | None) -> None:
            if choice is None:
                return
            try:
                if choice == ParkDialog.PARK_CURRENT:
                    services.drafts.park(self.cart, staff_id, self.tenders)
                    self.cart, self.tenders = self._new_cart(), ()
                    self.say(_("Sale parked. F6 to resume it."))
                else:
                    self.cart = services.drafts.resume(choice, self.cart, staff_id, self.tenders)
                    self.tenders = services.drafts.load_tenders()
                    self.say(_("Parked sale resumed."))
            except (StoreError, ValueError) as error:
                self.say(str(error), error=True)
            self._show_cart()

        self.app.push_screen(ParkDialog(parked, self.cart), chosen)

    def action_pay(self) -> None:
        if self.cart.is_empty:
            return

        def pay() -> None:
            self.app.push_screen(PaymentScreen(self.cart, self.tenders), self.paid)

        # A cashier's discount may have gone above the limit since it was given (lines removed).
        self.approve_then(pay)

    def paid(self, result: PaymentResult | None) -> None:
        """Back from the payment screen: the sale is completed, or the cashier went back."""
        sale = result.sale if result else None
        if result is not None and result.cart is not None:
            self.cart = result.cart
        if sale is None:
            self.tenders = result.tenders if result else ()
            self._show_customer()
            self._save(self.cart)  # the tenders taken so far survive a crash too
            self.command.focus()
            return
        assert result is not None
        self.tenders = ()
        config = self.till.config.till
        self.cart = self._new_cart()
        self._show_cart()
        self._refresh_header()
        done = (
            _("Training sale N° {number} completed. Change: {change}")
            if sale.training
            else _("Sale N° {number} completed. Change: {change}")
        )
        change = format_money(sale.change, config.currency, config.locale)
        self.say(done.format(number=sale.number, change=change))
        # After the message above, so a printer or mail error shown by a worker is not hidden.
        if result.receipt == "print":
            self.till.print_receipt(sale)
        elif result.receipt == "email":
            try:
                self.till.email_receipt(sale, result.email)
            except StoreError as error:
                self.say(str(error), error=True)
        self.command.focus()

    def action_history(self) -> None:
        from till_tui.screens.history import HistoryScreen

        self.app.push_screen(HistoryScreen(), lambda _: self._after_dialog())

    def action_shift(self) -> None:
        from till_tui.screens.shift import shift_menu

        shift_menu(self, cart_empty=self.cart.is_empty)

    def _after_dialog(self) -> None:
        self._refresh_header()
        self.command.focus()

    def action_retry_printing(self) -> None:
        self.till.retry_printing()

    def action_no_sale(self) -> None:
        """Open the cash drawer without a sale: a manager approves, and it is recorded."""
        from till_tui.domain.staff import StaffMember
        from till_tui.screens.account_dialogs import ManagerPin

        session = self.till.session
        assert session is not None

        def approved(manager: StaffMember | None) -> None:
            if manager is None:
                return
            try:
                self.till.services.drawer.no_sale(
                    session.cashier, approved_by=manager, shift_id=session.shift.id
                )
            except (StoreError, PermissionError) as error:
                self.say(str(error), error=True)
                return
            self.till.open_drawer()
            self.say(_("Drawer opened (no sale), approved by {name}.").format(name=manager.name))

        if session.cashier.is_manager:
            approved(session.cashier)
        else:
            reason = _("Open the cash drawer without a sale.")
            self.app.push_screen(ManagerPin(reason), approved)

    def action_logout(self) -> None:
        self.till.end_session(log_out=True)
        self.dismiss(None)
