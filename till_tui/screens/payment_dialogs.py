"""Dialogs of the payment screen: a prepaid balance short of what is due."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Footer, Static

from till_tui.domain.money import format_money
from till_tui.i18n import N_, _
from till_tui.screens.base import HELP_BINDING, TillModal


class ShortBalance(TillModal[str]):
    """The prepaid balance does not cover what is due: T top up now, P pay what there is."""

    DEFAULT_CSS = """
    ShortBalance { align: center middle; }
    ShortBalance > Vertical { width: 64; height: auto; padding: 0 1; }
    """
    HELP = N_(
        "The customer's prepaid balance is less than what is due. T takes a top-up now (by "
        "another payment method) and then pays from the balance; P pays what the balance "
        "holds and leaves the rest for another payment method."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), id="cancel"),
        HELP_BINDING,
        Binding("t", "choose('topup')", N_("Top up now"), id="topup"),
        Binding("p", "choose('partial')", N_("Pay what there is"), id="partial"),
    ]

    def __init__(self, name: str, balance: int, due: int) -> None:
        super().__init__()
        self.customer_name = name
        self.balance = balance
        self.due = due

    def money(self, amount: int) -> str:
        config = self.till.config.till
        return format_money(amount, config.currency, config.locale)

    def compose(self) -> ComposeResult:
        with Vertical(classes="box"):
            yield Static(Text(_("Prepaid balance too low"), style="bold"))
            yield Static(
                _("{name} has {balance} of prepaid balance; {due} is due.").format(
                    name=self.customer_name,
                    balance=self.money(self.balance),
                    due=self.money(self.due),
                )
            )
            lines = [
                _("T  top up now, then pay {due} from the balance").format(due=self.money(self.due))
            ]
            if self.balance > 0:
                lines.append(
                    _("P  pay {balance} from the balance, the rest another way").format(
                        balance=self.money(self.balance)
                    )
                )
            lines.append(_("Escape  choose another payment method"))
            yield Static(Text("\n".join(lines)))
        yield Footer(compact=True, show_command_palette=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "choose" and parameters == ("partial",) and self.balance <= 0:
            return None
        return True

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)
