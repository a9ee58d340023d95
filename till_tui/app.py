"""TillApp: builds the services from the config, holds who is logged in, routes to screens.

Handlers on the app and screens own the state; workers (printing) never touch widgets: they
post back through `call_from_thread`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType

from till_tui.config import Config
from till_tui.i18n import N_, _, set_locale
from till_tui.screens.base import TillScreen, translate_bindings
from till_tui.store.services import Services

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from till_tui.domain.account import AccountReceipt, StatementLine
    from till_tui.domain.customer import Customer
    from till_tui.domain.ledger import Balances
    from till_tui.domain.receipt import Row, ShopHeader
    from till_tui.domain.sale import CompletedSale
    from till_tui.domain.staff import StaffMember
    from till_tui.store.shifts import OpenShift


@dataclass
class Session:
    """Who is at the till and on which shift."""

    cashier: StaffMember
    shift: OpenShift


class TillApp(App[int]):
    """The till."""

    TITLE = "till-tui"
    CSS = """
    /* Boxes (dialogs and panels) share one look, so the console rules below can change it. */
    .box { border: round $primary; }
    ModalScreen > .box { background: $surface; }
    .box OptionList { border: none; }
    /* The Linux console: 16 colours and a VGA font without rounded or block border glyphs. */
    App.-console .box { border: ascii $primary; }
    App.-console Input { border: ascii $primary-darken-2; }
    App.-console Input:focus { border: ascii $primary; }
    App.-console #totals { border-top: ascii $primary; }
    App.-console BigAmount > Digits { display: none; }
    App.-console BigAmount > .fallback { display: block; }
    """
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        # Ctrl+Q / Ctrl+C never quit behind a cashier's back: only from the login screen.
        Binding("ctrl+q", "quit_till", N_("Quit"), show=False, id="quit"),
        Binding("ctrl+c", "quit_till", show=False, priority=True, system=True),
    ]

    def __init__(self, config: Config, services: Services, *, demo_hint: str = "") -> None:
        super().__init__()
        translate_bindings(self)
        self.config = config
        self.services = services
        self.demo_hint = demo_hint
        self.session: Session | None = None
        self.linux_console = os.environ.get("TERM") == "linux"
        """Running on the Linux console: ANSI colours and ASCII borders."""
        if self.linux_console:
            self.theme = "ansi-dark"

    def on_mount(self) -> None:
        from till_tui.screens.login import LoginScreen

        if self.linux_console:
            self.add_class("-console")
        self.push_screen(LoginScreen())

    def say(self, message: str, *, error: bool = False) -> None:
        """A short message for the cashier on the current screen; an error rings the bell."""
        screen = self.screen
        if isinstance(screen, TillScreen):
            screen.say(message, error=error)
            return
        if error:
            self.bell()
        self.notify(message, severity="error" if error else "information", timeout=4)

    def action_quit_till(self) -> None:
        if self.session is not None:
            self.say(_("Log out first (Ctrl+L on the sale screen)."), error=True)
            return
        self.exit(0)

    def start_session(self, cashier: StaffMember, shift: OpenShift, greeting: str = "") -> None:
        """`cashier` is at the till on `shift`: show the sale screen (with `greeting` on it)."""
        from till_tui.screens.sale import SaleScreen

        self.session = Session(cashier, shift)
        self.push_screen(SaleScreen(greeting))

    def end_session(self) -> None:
        self.session = None

    @property
    def shop(self) -> ShopHeader:
        from till_tui.domain.receipt import ShopHeader

        shop = self.config.shop
        return ShopHeader(shop.name, shop.header, shop.footer)

    def print_receipt(self, sale: CompletedSale) -> None:
        """Print `sale`'s receipt off the UI thread; a failure is shown, the sale stays."""
        from till_tui.domain.receipt import layout_receipt
        from till_tui.domain.sale import receipt_for

        till = self.config.till
        self._print_rows(
            lambda width: layout_receipt(
                receipt_for(sale, self.shop),
                width=width,
                currency=till.currency,
                locale=till.locale,
            )
        )

    def print_account_receipt(self, receipt: AccountReceipt) -> None:
        """Print a top-up, deposit or settlement receipt, like a sale's."""
        from till_tui.domain.account_receipt import layout_account_receipt

        till = self.config.till
        self._print_rows(
            lambda width: layout_account_receipt(
                receipt, self.shop, width=width, currency=till.currency, locale=till.locale
            )
        )

    def print_statement(
        self, customer: Customer, balances: Balances, lines: Sequence[StatementLine]
    ) -> None:
        """Print a customer's account statement."""
        from till_tui.domain.account_receipt import layout_statement

        till = self.config.till
        printed_at = datetime.now(UTC)
        self._print_rows(
            lambda width: layout_statement(
                customer,
                balances,
                lines,
                self.shop,
                printed_at=printed_at,
                width=width,
                currency=till.currency,
                locale=till.locale,
            )
        )

    @work(thread=True, group="printer", exit_on_error=False)
    def _print_rows(self, layout: Callable[[int], Sequence[Row]]) -> None:
        """Lay out, render and send one receipt in a worker thread; report a printer error."""
        from till_tui.hw.printer import PrinterError, open_printer, render_escpos

        printer_config = self.config.printer
        try:
            data = render_escpos(
                layout(printer_config.width),
                profile=printer_config.profile or None,
                codepage=printer_config.codepage,
            )
            path = self.config.resolve(printer_config.path) if printer_config.path else None
            open_printer(printer_config.kind, path).send(data)
        except PrinterError as error:
            message = _("Receipt not printed: {error}. The sale is saved.").format(error=error)
            self.call_from_thread(self.say, message, error=True)


def make_app(config: Config, *, demo_hint: str = "") -> TillApp:
    """Build the till the same way for the command line, the tests and the benchmarks."""
    set_locale(config.till.locale)
    services = Services.open(config)
    return TillApp(config, services, demo_hint=demo_hint)
