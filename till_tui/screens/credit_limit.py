"""The credit limit of a customer: an amount, or empty for no credit account."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from till_tui.domain.money import AmountError, editable_amount, parse_money
from till_tui.i18n import N_, _
from till_tui.screens.base import TillModal


@dataclass(frozen=True, slots=True)
class LimitChoice:
    limit: int | None
    """The new limit in minor units; None removes the credit account."""


class CreditLimitDialog(TillModal[LimitChoice]):
    """Type the new limit and Enter; empty removes the credit account."""

    DEFAULT_CSS = """
    CreditLimitDialog { align: center middle; }
    CreditLimitDialog > Vertical { width: 60; height: auto; padding: 0 1; }
    """
    HELP = N_("Type the credit limit and press Enter. Leave it empty for no credit account.")

    def __init__(self, current: int | None) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        config = self.till.config.till
        current = (
            editable_amount(self.current, config.currency, config.locale)
            if self.current is not None
            else ""
        )
        with Vertical(classes="box"):
            yield Static(Text(_("Credit limit"), style="bold"))
            yield Static(_("Empty: no credit account"), classes="label")
            yield Input(current, id="limit")
            yield Static("", id="message")

    @on(Input.Submitted, "#limit")
    def submit(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            self.dismiss(LimitChoice(None))
            return
        try:
            limit = parse_money(event.value, self.till.config.till.currency)
        except AmountError as error:
            self.say(str(error), error=True)
            event.input.select_all()
            return
        self.dismiss(LimitChoice(limit))
