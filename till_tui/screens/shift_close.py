"""Closing the shift: the expected amount per payment method, what the cashier counted, the
difference, a note; then the Z report.

A true count is never refused. A difference above `[till] close_threshold` on any method asks
for a note and, for a cashier, a manager's PIN.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Input, Static

from till_tui.domain import shift_report
from till_tui.domain.money import AmountError, format_amount, format_money, parse_money
from till_tui.domain.shift_report import Count, ShiftReport
from till_tui.domain.staff import StaffMember
from till_tui.i18n import N_, _
from till_tui.screens.base import TillScreen
from till_tui.store.errors import StoreError
from till_tui.store.shifts import ShiftError


class CloseShiftScreen(TillScreen[ShiftReport]):
    """Type the counted amounts and a note; F10 closes the shift and dismisses with the Z."""

    DEFAULT_CSS = """
    CloseShiftScreen { align: center top; }
    CloseShiftScreen > Vertical { width: 76; height: 1fr; padding: 0 1; }
    CloseShiftScreen #title { text-style: bold; }
    CloseShiftScreen VerticalScroll { height: auto; max-height: 1fr; }
    CloseShiftScreen .row { height: 3; }
    CloseShiftScreen .heading { height: 1; text-style: bold; }
    CloseShiftScreen .row Static { height: 3; content-align: left middle; }
    CloseShiftScreen .heading Static { height: 1; }
    CloseShiftScreen .method { width: 22; }
    CloseShiftScreen .expected { width: 14; text-align: right; }
    CloseShiftScreen .counted { width: 20; margin: 0 1; }
    CloseShiftScreen .difference { width: 14; text-align: right; }
    CloseShiftScreen #note { width: 100%; }
    CloseShiftScreen #message { height: auto; }
    """
    HELP = N_(
        "Count the drawer and type the cash counted (required); you may type the counted amount"
        " of the other methods (card terminal total, cheques...). Tab or Enter moves on. The"
        " difference shows as you type. A difference above the allowed amount needs a note and"
        " a manager's PIN. F10 closes the shift and prints the Z report."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        *TillScreen.BINDINGS,
        Binding("f10", "close_shift", N_("Close shift"), id="close_shift", priority=True),
        Binding("escape", "back", N_("Back"), id="back"),
    ]

    def __init__(self, report: ShiftReport) -> None:
        super().__init__()
        self.report = report

    def _money(self, minor: int, *, currency: bool = False) -> str:
        till = self.till.config.till
        if currency:
            return format_money(minor, till.currency, till.locale)
        return format_amount(minor, till.currency, till.locale)

    def compose(self) -> ComposeResult:
        report = self.report
        with Vertical():
            yield Static(
                Text(
                    _("Close shift N° {number} on register {register}").format(
                        number=report.shift_number, register=report.register
                    )
                ),
                id="title",
            )
            with Horizontal(classes="row heading"):
                yield Static(_("Method"), classes="method")
                yield Static(_("Expected"), classes="expected")
                yield Static(_("Counted"), classes="counted")
                yield Static(_("Difference"), classes="difference")
            with VerticalScroll(can_focus=False):
                for method in report.methods:
                    with Horizontal(classes="row"):
                        yield Static(Text(method.label), classes="method")
                        yield Static(self._money(method.expected), classes="expected")
                        yield Input(placeholder="—", id=f"count-{method.code}", classes="counted")
                        yield Static("", id=f"diff-{method.code}", classes="difference")
            yield Static(_("Note (required when the count differs a lot)"), id="note-label")
            yield Input(max_length=200, id="note")
            yield Static("", id="message")
        yield Footer()

    def on_mount(self) -> None:
        cash = self.report.cash
        if cash is not None:
            self.query_one(f"#count-{cash.code}", Input).focus()

    def action_back(self) -> None:
        self.dismiss(None)

    # --- typing -----------------------------------------------------------------------------

    def _counted(self, code: str) -> int | None:
        """The amount typed for method `code` (None: left blank); AmountError when wrong."""
        text = self.query_one(f"#count-{code}", Input).value.strip()
        if not text:
            return None
        return parse_money(text, self.till.config.till.currency)

    @on(Input.Changed, ".counted")
    def show_difference(self, event: Input.Changed) -> None:
        code = (event.input.id or "").removeprefix("count-")
        method = next(m for m in self.report.methods if m.code == code)
        cell = self.query_one(f"#diff-{code}", Static)
        try:
            counted = self._counted(code)
        except AmountError:
            cell.update(Text(_("?"), style="bold red"))
            return
        if counted is None:
            cell.update("")
            return
        difference = counted - method.expected
        style = "bold green" if difference == 0 else "bold red"
        cell.update(Text(self._money(difference), style=style))

    @on(Input.Submitted, ".counted")
    def next_field(self) -> None:
        self.focus_next()

    @on(Input.Submitted, "#note")
    def note_done(self) -> None:
        self.action_close_shift()

    # --- closing ----------------------------------------------------------------------------

    def _counts(self) -> dict[str, int | None] | None:
        counted: dict[str, int | None] = {}
        for method in self.report.methods:
            try:
                counted[method.code] = self._counted(method.code)
            except AmountError as error:
                self.say(f"{method.label}: {error}", error=True)
                self.query_one(f"#count-{method.code}", Input).focus()
                return None
        return counted

    def action_close_shift(self) -> None:
        counted = self._counts()
        if counted is None:
            return
        cash = self.report.cash
        if cash is not None and counted.get(cash.code) is None:
            self.say(_("Count the cash in the drawer and type the amount."), error=True)
            self.query_one(f"#count-{cash.code}", Input).focus()
            return
        threshold = self.till.config.till.close_threshold_amount
        lines: tuple[Count, ...] = shift_report.counts(self.report, counted)
        note = self.query_one("#note", Input).value.strip()
        session = self.till.session
        assert session is not None
        if not shift_report.over_threshold(lines, threshold):
            self._close(counted, note, None)
            return
        if not note:
            limit = self._money(threshold, currency=True)
            self.say(
                _("The count differs by more than {limit}: write a note, then F10.").format(
                    limit=limit
                ),
                error=True,
            )
            self.query_one("#note", Input).focus()
            return
        if session.cashier.is_manager:
            self._close(counted, note, session.cashier)
            return
        from till_tui.screens.account_dialogs import ManagerPin

        def approved(manager: StaffMember | None) -> None:
            if manager is not None:
                self._close(counted, note, manager)

        reason = _("Close the shift with a difference above {limit}.").format(
            limit=self._money(threshold, currency=True)
        )
        self.app.push_screen(ManagerPin(reason), approved)

    def _close(
        self, counted: dict[str, int | None], note: str, approved_by: StaffMember | None
    ) -> None:
        session = self.till.session
        assert session is not None
        try:
            z = self.till.services.shifts.close(
                session.shift.id,
                session.cashier,
                counted,
                methods=self.till.config.payment_methods,
                threshold=self.till.config.till.close_threshold_amount,
                note=note,
                approved_by=approved_by,
            )
        except (ShiftError, StoreError) as error:
            self.say(str(error), error=True)
            return
        self.dismiss(z)
