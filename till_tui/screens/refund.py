"""Refund a sale, or some of its lines: choose the quantities, see where the money goes back,
F10 with a manager's approval. The refund is a new sale of its own; the sale stays as it was.
"""

from __future__ import annotations

from typing import ClassVar

from babel.dates import format_datetime
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from till_tui.config import PaymentMethod
from till_tui.domain.customer import Customer
from till_tui.domain.money import (
    QTY_UNIT,
    AmountError,
    format_money,
    format_quantity,
    parse_quantity,
)
from till_tui.domain.refund import OriginalLine, Refundable, RefundPlan, refund_line
from till_tui.domain.sale import CompletedSale
from till_tui.domain.staff import StaffMember
from till_tui.domain.tender import Tender
from till_tui.i18n import N_, _
from till_tui.screens.base import HELP_BINDING, TillScreen
from till_tui.store.errors import StoreError
from till_tui.store.refunds import RefundError
from till_tui.widgets.key_footer import KeyFooter

NAME_WIDTH = 26
"""The item column: long names are cut so the table fits 80 columns."""


class RefundScreen(TillScreen[CompletedSale | None]):
    """The lines of one sale with what is left to refund of each; dismissed with the refund
    (None when the cashier goes back without refunding)."""

    CSS_PATH = "refund.tcss"
    HELP = N_(
        "Refund a sale or some of its lines: a refund is recorded as a new sale, the sale "
        "itself never changes. Up/Down choose a line; type the quantity to give back, or + and "
        "-; Backspace sets it to 0; A takes everything left to refund. The money goes back the "
        "way the sale was paid (card to the card, prepaid to the balance, on account off what "
        "the customer owes, cash from the drawer); S gives it all as store credit on the "
        "customer's prepaid balance instead (attach a customer if the sale had none). F10 "
        "refunds, with a manager's approval, and prints the receipt. Escape goes back."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        HELP_BINDING,
        Binding("0", "digit('0')", N_("Quantity"), key_display="0-9 + -", id="quantity"),
        *(Binding(str(n), f"digit('{n}')", show=False) for n in range(1, 10)),
        Binding("full_stop", "digit('.')", show=False),
        Binding("comma", "digit(',')", show=False),
        Binding("plus", "step(1)", show=False),
        Binding("minus", "step(-1)", show=False),
        Binding("backspace", "clear_line", show=False),
        Binding("delete", "clear_line", show=False),
        Binding("up", "select(-1)", show=False),
        Binding("down", "select(1)", show=False),
        Binding("a", "all", N_("All"), id="all"),
        Binding("s", "store_credit", N_("Store credit"), id="store_credit"),
        Binding("f10", "confirm", N_("Refund"), id="confirm"),
        Binding("escape", "back", N_("Back"), id="back"),
    ]

    def __init__(self, sale_id: int, sale: Refundable | None = None) -> None:
        super().__init__()
        self.sale_id = sale_id
        self.sale = sale
        self.quantities: dict[int, int] = {}
        """Original line id -> quantity to refund (thousandths)."""
        self.typed = ""
        """The quantity being typed on the current line."""
        self.store_credit = False
        self.attached: Customer | None = None
        """A customer attached here for store credit (the sale had none)."""
        self.plan: RefundPlan | None = None
        self.problem = ""
        """Why the refund as chosen would be refused ("" when it would not)."""

    def compose(self) -> ComposeResult:
        yield Static(id="refund-header")
        yield DataTable(id="lines", cursor_type="row", zebra_stripes=True)
        yield Static(id="summary")
        yield Static(id="message")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.lines_table
        table.can_focus = False
        table.add_column(_("Item"), width=NAME_WIDTH)
        for label in (_("Price"), _("Sold"), _("Refunded"), _("Refund"), _("Amount")):
            table.add_column(label)
        if self.sale is None:
            try:
                self.sale = self.till.services.refunds.refundable(self.sale_id)
            except (RefundError, StoreError) as error:
                self.say(str(error), error=True)
                return
        self.show_header()
        self.refresh_all()
        if self.sale.fully_refunded:
            self.say(_("This sale was already refunded in full."))
        else:
            self.say(_("Choose the quantities to refund (A: everything left), then F10."))

    # -- state -------------------------------------------------------------------------------

    @property
    def lines_table(self) -> DataTable[Text | str]:
        return self.query_one("#lines", DataTable)

    @property
    def current(self) -> OriginalLine | None:
        if self.sale is None or not self.sale.lines:
            return None
        row = self.lines_table.cursor_row
        return self.sale.lines[max(0, min(row, len(self.sale.lines) - 1))]

    @property
    def customer(self) -> Customer | None:
        """Who store credit goes to: the sale's customer, or the one attached here."""
        if self.sale is not None and self.sale.customer is not None:
            return self.sale.customer
        return self.attached

    @property
    def prepaid_method(self) -> PaymentMethod | None:
        return next((m for m in self.till.config.payment_methods if m.kind == "prepaid"), None)

    def money(self, amount: int) -> str:
        config = self.till.config.till
        return format_money(amount, config.currency, config.locale)

    def quantity(self, thousandths: int) -> str:
        return format_quantity(thousandths, self.till.config.till.locale)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.sale is None:
            return action in ("back", "help")
        if action == "confirm":
            return True if any(self.quantities.values()) and not self.problem else None
        if action == "all":
            return True if not self.sale.fully_refunded else None
        return True

    # -- display -----------------------------------------------------------------------------

    def show_header(self) -> None:
        assert self.sale is not None
        sale = self.sale
        header = Text(
            _("Refund of sale N° {number} · {date} · {cashier}").format(
                number=sale.number,
                date=format_datetime(
                    sale.created_at.astimezone(), "short", locale=self.till.config.till.locale
                ),
                cashier=sale.cashier,
            ),
            style="bold",
        )
        if sale.refunds:
            header.append(
                " · "
                + _("refunded before: {numbers}").format(
                    numbers=", ".join(f"N° {n}" for n in sale.refunds)
                )
            )
        self.query_one("#refund-header", Static).update(header)

    def refresh_all(self) -> None:
        """Redraw the lines, the plan and the keys after any change."""
        self.show_lines()
        self.show_plan()
        self.refresh_bindings()

    def show_lines(self) -> None:
        assert self.sale is not None
        table = self.lines_table
        row = table.cursor_row
        table.clear()
        for line in self.sale.lines:
            chosen = self.quantities.get(line.line_id, 0)
            amount = refund_line(line, chosen).total if chosen else 0
            to_refund = Text(
                self.quantity(chosen), justify="right", style="bold" if chosen else "dim"
            )
            table.add_row(
                Text(line.name, no_wrap=True, overflow="ellipsis"),
                Text(self.money(line.unit_price), justify="right"),
                Text(self.quantity(line.quantity), justify="right"),
                Text(
                    self.quantity(line.refunded_quantity),
                    justify="right",
                    style="" if line.refunded_quantity else "dim",
                ),
                to_refund,
                Text(self.money(-amount) if chosen else "", justify="right"),
            )
        if self.sale.lines:
            table.move_cursor(row=max(0, min(row, len(self.sale.lines) - 1)))

    def tender_text(self, tender: Tender) -> str:
        label = tender.label
        if tender.last4:
            label += f" ****{tender.last4}"
        if tender.reference:
            label += f" · {tender.reference}"
        return f"{label} {self.money(-tender.amount)}"

    def show_plan(self) -> None:
        assert self.sale is not None
        self.plan, self.problem = None, ""
        chosen = {k: v for k, v in self.quantities.items() if v}
        if chosen:
            try:
                self.plan = self.compute_plan()
            except RefundError as error:
                self.problem = str(error)
                self.say(self.problem, error=True)
        total = sum(
            refund_line(line, chosen[line.line_id]).total
            for line in self.sale.lines
            if line.line_id in chosen
        )
        plan, customer = self.plan, self.customer
        summary = Text()
        summary.append(_("Refund total") + " ", style="bold")
        summary.append(self.money(-total), style="bold")
        if plan is not None and plan.vat_total:
            vat = self.money(-plan.vat_total)
            summary.append("  " + _("incl. VAT {amount}").format(amount=vat))
        summary.append("\n")
        if self.store_credit:
            method = self.prepaid_method
            summary.append(
                _("Store credit ({method}) for {name}").format(
                    method=method.label if method else _("Store credit"),
                    name=customer.name if customer else "?",
                ),
                style="bold",
            )
        elif plan is not None and plan.tenders:
            tenders = " · ".join(self.tender_text(t) for t in plan.tenders)
            summary.append(_("Back to: {tenders}").format(tenders=tenders))
        else:
            tenders = ", ".join(dict.fromkeys(t.label for t in self.sale.tenders))
            summary.append(_("Back to: {tenders}").format(tenders=tenders), style="dim")
        summary.append("\n")
        if customer is not None:
            summary.append(_("Customer: {name}").format(name=customer.name))
        else:
            summary.append(_("No customer (S attaches one for store credit)"), style="dim")
        self.query_one("#summary", Static).update(summary)

    def compute_plan(self) -> RefundPlan:
        assert self.sale is not None
        _sale, plan = self.till.services.refunds.plan(
            self.sale,
            self.quantities,
            to_store_credit=self.store_credit,
            customer_id=self.attached.id if self.attached else None,
            store_credit_method=self.prepaid_method,
        )
        return plan

    # -- keys --------------------------------------------------------------------------------

    def action_select(self, step: int) -> None:
        if self.sale is None or not self.sale.lines:
            return
        table = self.lines_table
        table.move_cursor(row=max(0, min(table.cursor_row + step, len(self.sale.lines) - 1)))
        self.typed = ""

    def set_quantity(self, line: OriginalLine, quantity: int) -> bool:
        """Set the quantity to refund of `line`; False (and a message) if it is too much."""
        if quantity > line.remaining:
            if line.remaining:
                message = _("Only {left} of {name} is left to refund.").format(
                    left=self.quantity(line.remaining), name=line.name
                )
            else:
                message = _("{name} was already refunded in full.").format(name=line.name)
            self.say(message, error=True)
            return False
        self.quantities[line.line_id] = max(quantity, 0)
        self.say("")
        self.refresh_all()
        return True

    def action_digit(self, char: str) -> None:
        line = self.current
        if line is None:
            return
        if char in ".," and any(c in ".," for c in self.typed):
            return
        text = self.typed + char
        if not text.strip("0.,"):
            quantity = 0
        else:
            try:
                quantity = parse_quantity(text)
            except AmountError as error:
                self.say(str(error), error=True)
                self.typed = ""
                return
        if self.set_quantity(line, quantity):
            self.typed = text
        else:
            self.typed = ""

    def action_step(self, step: int) -> None:
        line = self.current
        if line is None:
            return
        self.typed = ""
        chosen = self.quantities.get(line.line_id, 0)
        if step > 0:
            if chosen >= line.remaining:
                self.set_quantity(line, chosen + QTY_UNIT)  # says why not
                return
            self.set_quantity(line, min(chosen + QTY_UNIT, line.remaining))
        else:
            self.set_quantity(line, max(chosen - QTY_UNIT, 0))

    def action_clear_line(self) -> None:
        line = self.current
        if line is not None:
            self.typed = ""
            self.set_quantity(line, 0)

    def action_all(self) -> None:
        if self.sale is None:
            return
        self.typed = ""
        self.quantities = {line.line_id: line.remaining for line in self.sale.lines}
        self.say("")
        self.refresh_all()

    def action_store_credit(self) -> None:
        if self.sale is None:
            return
        if self.store_credit:
            self.store_credit = False
            self.say(_("The money goes back the way the sale was paid."))
            self.refresh_all()
            return
        if self.customer is None:
            from till_tui.screens.customer_search import CustomerSearch

            def chosen(customer: Customer | None) -> None:
                if customer is not None:
                    self.attached = customer
                    self.use_store_credit()

            self.app.push_screen(CustomerSearch(), chosen)
            return
        self.use_store_credit()

    def use_store_credit(self) -> None:
        self.store_credit = True
        customer = self.customer
        assert customer is not None
        self.say(_("Store credit on the prepaid balance of {name}.").format(name=customer.name))
        self.refresh_all()

    def action_back(self) -> None:
        self.dismiss(None)

    def action_confirm(self) -> None:
        if self.sale is None:
            return
        if not any(self.quantities.values()):
            self.say(_("Choose what to refund first."), error=True)
            return
        try:
            plan = self.compute_plan()
        except RefundError as error:
            self.say(str(error), error=True)
            return
        session = self.till.session
        assert session is not None
        if session.cashier.is_manager:
            self.approved(session.cashier)
            return
        from till_tui.screens.account_dialogs import ManagerPin

        reason = _("Refund {amount} of sale N° {number}.").format(
            amount=self.money(-plan.total), number=self.sale.number
        )
        self.app.push_screen(ManagerPin(reason), self.approved)

    def approved(self, manager: StaffMember | None) -> None:
        """Back from the manager's approval: write the refund, open the drawer for cash, print."""
        if manager is None:
            self.say(_("The refund was not approved: nothing was refunded."), error=True)
            return
        session = self.till.session
        assert session is not None and self.sale is not None
        try:
            refund = self.till.services.refunds.refund(
                self.sale.sale_id,
                self.quantities,
                staff=session.cashier,
                approved_by=manager,
                shift_id=session.shift.id,
                to_store_credit=self.store_credit,
                customer_id=self.attached.id if self.attached else None,
                store_credit_method=self.prepaid_method,
            )
        except (RefundError, StoreError, PermissionError) as error:
            self.say(str(error), error=True)
            return
        if refund.has_cash:
            self.till.open_drawer()
        self.till.print_receipt(refund)
        self.dismiss(refund)
