"""F7: the customer's account: balances, statement, top-ups, deposits, settlements, limit."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Protocol

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Static

from till_tui.config import PaymentMethod
from till_tui.domain.account import AccountReceipt, StatementLine
from till_tui.domain.account_receipt import KIND_LABELS
from till_tui.domain.customer import Customer
from till_tui.domain.ledger import Balances
from till_tui.domain.money import format_amount, format_money
from till_tui.domain.staff import StaffMember
from till_tui.domain.tender import MONEY_IN_KINDS
from till_tui.i18n import N_, _
from till_tui.screens.account_dialogs import ManagerPin, Movement, MovementDialog
from till_tui.screens.base import HELP_BINDING, TillScreen
from till_tui.store.errors import StoreError


class Operation(Protocol):
    """An account movement of the store: top-up, deposit, cancelled top-up or settlement."""

    def __call__(
        self,
        customer_id: int,
        amount: int,
        method: PaymentMethod,
        *,
        staff: StaffMember,
        shift_id: int | None,
    ) -> AccountReceipt: ...


class AccountScreen(TillScreen[None]):
    """One customer's money: prepaid balance (cagnotte) and credit account."""

    CSS_PATH = "account.tcss"
    HELP = N_(
        "T tops up the prepaid balance, A cancels a top-up (refunded by the same method; "
        "a manager's PIN for a cashier), "
        "D takes a deposit, S settles sales on account, L sets the credit limit (manager), "
        "P prints the statement. "
        "The statement lists every movement with the balances after it."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        HELP_BINDING,
        Binding("t", "top_up", N_("Top up"), id="top_up"),
        Binding("a", "cancel_top_up", N_("Cancel top-up"), id="cancel_top_up"),
        Binding("d", "deposit", N_("Deposit"), id="deposit"),
        Binding("s", "settle", N_("Settle"), id="settle"),
        Binding("l", "credit_limit", N_("Limit"), id="credit_limit"),
        Binding("p", "print_statement", N_("Print"), id="print_statement"),
        Binding("escape", "back", N_("Back"), id="back"),
    ]

    def __init__(self, customer: Customer) -> None:
        super().__init__()
        self.customer = customer

    def compose(self) -> ComposeResult:
        yield Static(id="account-header")
        yield Static(id="balances")
        yield DataTable(id="statement", cursor_type="row", zebra_stripes=True)
        yield Static(id="message")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        table = self.query_one("#statement", DataTable)
        for label in (_("Date"), _("Movement"), _("N°"), _("Reg."), _("Cashier")):
            table.add_column(label)
        for label in (_("Amount"), _("Prepaid"), _("Unpaid")):
            table.add_column(Text(label, justify="right"))
        self.refresh_account()

    def money(self, amount: int) -> str:
        config = self.till.config.till
        return format_money(amount, config.currency, config.locale)

    def read_account(self) -> tuple[Balances, list[StatementLine]] | None:
        """The customer's balances and statement; None (and a message) if the store failed."""
        accounts = self.till.services.accounts
        try:
            return accounts.balances(self.customer.id), accounts.statement(self.customer.id)
        except (StoreError, ValueError) as error:
            self.say(str(error), error=True)
            return None

    def refresh_account(self) -> None:
        account = self.read_account()
        if account is None:
            return
        balances, lines = account
        header = Text(_("Customer account: "))
        header.append(self.customer.name, style="bold")
        if self.customer.card:
            header.append(f"  {self.customer.card}", style="dim")
        self.query_one("#account-header", Static).update(header)
        summary = Text()
        summary.append(_("Prepaid {amount}").format(amount=self.money(balances.prepaid)), "bold")
        deposits = self.money(balances.deposits)
        summary.append("  " + _("of which deposits {amount}").format(amount=deposits))
        if balances.credit_limit is None:
            summary.append("\n" + _("No credit account (no limit set)."))
        else:
            summary.append(
                "\n"
                + _("Credit limit {limit} · unpaid {unpaid} · available {available}").format(
                    limit=self.money(balances.credit_limit),
                    unpaid=self.money(balances.unpaid),
                    available=self.money(balances.available),
                )
            )
        self.query_one("#balances", Static).update(summary)
        config = self.till.config.till
        table = self.query_one("#statement", DataTable)
        table.clear()
        for line in reversed(lines):  # newest first
            amount = format_amount(line.amount, config.currency, config.locale)
            table.add_row(
                Text(line.created_at.astimezone().strftime("%d/%m %H:%M")),
                Text(_(KIND_LABELS.get(line.kind, line.kind))),
                Text(line.number),
                Text(line.register),
                Text(line.cashier),
                Text(amount, justify="right"),
                Text(format_amount(line.prepaid, config.currency, config.locale), justify="right"),
                Text(format_amount(line.unpaid, config.currency, config.locale), justify="right"),
            )

    # -- movements ---------------------------------------------------------------------------

    def methods(self) -> list[PaymentMethod]:
        return [m for m in self.till.config.payment_methods if m.kind in MONEY_IN_KINDS]

    def _movement(self, title: str, prefill: int, operation: Operation) -> None:
        """Ask for a method and an amount, run `operation` with them, print its receipt."""
        session = self.till.session
        assert session is not None

        def chosen(movement: Movement | None) -> None:
            if movement is not None:
                self._record(
                    movement,
                    lambda: operation(
                        self.customer.id,
                        movement.amount,
                        movement.method,
                        staff=session.cashier,
                        shift_id=session.shift.id,
                    ),
                )

        self.app.push_screen(MovementDialog(title, self.methods(), prefill), chosen)

    def _record(self, movement: Movement, operation: Callable[[], AccountReceipt]) -> None:
        """Run the movement's `operation`, show the balances after it, print its receipt."""
        try:
            receipt = operation()
        except (StoreError, ValueError) as error:
            self.say(str(error), error=True)
            return
        self.refresh_account()
        self.say(
            _("Receipt N° {number}: {amount} by {method}.").format(
                number=receipt.number,
                amount=self.money(receipt.amount),
                method=receipt.method_label,
            )
        )
        if movement.method.kind == "cash":
            self.till.open_drawer()  # cash taken in or given back
        self.till.print_account_receipt(receipt)

    def action_top_up(self) -> None:
        accounts = self.till.services.accounts
        self._movement(_("Top up the prepaid balance"), 0, accounts.top_up)

    def action_deposit(self) -> None:
        accounts = self.till.services.accounts
        self._movement(_("Take a deposit"), 0, accounts.deposit)

    def action_cancel_top_up(self) -> None:
        """Give top-up money back: a manager's, or a cashier with a manager's PIN (recorded)."""
        accounts = self.till.services.accounts
        session = self.till.session
        assert session is not None
        prepaid = accounts.balances(self.customer.id).prepaid

        def typed(movement: Movement | None) -> None:
            if movement is None:
                return

            def approved(manager: StaffMember | None) -> None:
                if manager is None:
                    self.say(_("Not approved: nothing was changed."), error=True)
                    return
                self._record(
                    movement,
                    lambda: accounts.cancel_top_up(
                        self.customer.id,
                        movement.amount,
                        movement.method,
                        staff=session.cashier,
                        shift_id=session.shift.id,
                        approved_by=manager,
                    ),
                )

            if session.cashier.is_manager:
                approved(session.cashier)
                return
            reason = _("Give {amount} of top-ups back to {name} by {method}.").format(
                amount=self.money(movement.amount),
                name=self.customer.name,
                method=movement.method.label,
            )
            self.app.push_screen(ManagerPin(reason), approved)

        title = _("Cancel a top-up (give the money back)")
        self.app.push_screen(MovementDialog(title, self.methods(), prepaid), typed)

    def action_settle(self) -> None:
        accounts = self.till.services.accounts
        unpaid = accounts.balances(self.customer.id).unpaid
        if not unpaid:
            self.say(_("Nothing is owed on account."), error=True)
            return
        self._movement(_("Settle sales on account"), unpaid, accounts.settle)

    def action_credit_limit(self) -> None:
        from till_tui.screens.credit_limit import CreditLimitDialog, LimitChoice

        session = self.till.session
        assert session is not None
        staff = session.cashier

        def set_limit(approver: StaffMember, limit: int | None) -> None:
            try:
                self.till.services.accounts.set_credit_limit(
                    self.customer.id, limit, staff, approved_by=approver
                )
            except (StoreError, ValueError) as error:
                self.say(str(error), error=True)
                return
            self.refresh_account()
            self.say(_("Credit limit changed."))

        def typed(choice: LimitChoice | None) -> None:
            if choice is None:
                return
            if staff.is_manager:
                set_limit(staff, choice.limit)
                return
            reason = _("Set the credit limit of {name}").format(name=self.customer.name)

            def approved(manager: StaffMember | None) -> None:
                if manager is not None:
                    set_limit(manager, choice.limit)

            self.app.push_screen(ManagerPin(reason), approved)

        balances = self.till.services.accounts.balances(self.customer.id)
        self.app.push_screen(CreditLimitDialog(balances.credit_limit), typed)

    def action_print_statement(self) -> None:
        account = self.read_account()
        if account is None:
            return
        self.till.print_statement(self.customer, *account)
        self.say(_("Statement sent to the printer."))

    def action_back(self) -> None:
        self.dismiss(None)
