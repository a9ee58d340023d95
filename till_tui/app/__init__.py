"""TillApp: builds the services from the config, holds who is logged in, routes to screens.

Handlers on the app and screens own the state; workers (printing, scanners) never touch
widgets: they post back through `call_from_thread`. The app is put together from parts:
`base` (settings, services, session, message and status lines), `printing` (receipts, the
printer's state, the drawer, e-mail) and `scanners` (barcode scanners over evdev).
"""

from __future__ import annotations

import logging
from functools import cached_property
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.binding import Binding, BindingType

from till_tui.app.base import Session, TillBase
from till_tui.app.printing import PrintingMixin, sale_label
from till_tui.app.scanners import ScannerMixin
from till_tui.config import Config
from till_tui.i18n import N_, _, set_locale
from till_tui.store.errors import StoreError
from till_tui.store.services import Services

if TYPE_CHECKING:
    from collections.abc import Callable

    from till_tui.domain.sale import CompletedSale
    from till_tui.domain.staff import StaffMember
    from till_tui.store.shifts import OpenShift
    from till_tui.wedge_keys import WedgeKeys

__all__ = ["Session", "TillApp", "TillBase", "make_app", "record_config", "sale_label"]

log = logging.getLogger(__name__)


SCANNER_START_DELAY = 0.3
"""Seconds after the first screen is mounted before the scanners are opened."""


class TillApp(PrintingMixin, ScannerMixin):
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

    @cached_property
    def wedge(self) -> WedgeKeys:
        """Scanners that type: bursts of keys into any field taken as scans (at the first key)."""
        from till_tui.wedge_keys import WedgeKeys

        scanner = self.config.scanner
        return WedgeKeys(self, scanner.wedge_gap_ms, scanner.wedge_min_length)

    async def on_event(self, event: events.Event) -> None:
        # Keys from the terminal meet the keyboard-wedge hook before the focused widget.
        if isinstance(event, events.Key) and not event.is_forwarded:
            await self.wedge.key(event, super().on_event)
        else:
            await super().on_event(event)

    def on_mount(self) -> None:
        from till_tui.screens.login import LoginScreen

        if self.linux_console:
            self.add_class("-console")
        self.push_screen(LoginScreen())
        self._watch_printer()
        # Scanners are grabbed from the login screen on (a scan there must not type a PIN),
        # once the first screen is up: evdev is imported and devices looked for meanwhile.
        self.set_timer(SCANNER_START_DELAY, self.start_scanner)

    _config_recorded = False

    def record_config_once(self) -> None:
        """Journal the settings this till started with, if they changed since the last start;
        once per start, from the worker that checks the first PIN (before that PIN counts),
        so the journal's imports and query never delay the first screen."""
        if not self._config_recorded:
            self._config_recorded = record_config(self.config)  # else tried at the next PIN

    def action_quit_till(self) -> None:
        if self.session is not None:
            self.say(_("Lock the till first (F12 on the sale screen)."), error=True)
            return
        self.exit(0)

    def start_session(self, cashier: StaffMember, shift: OpenShift, greeting: str = "") -> None:
        """`cashier` is at the till on `shift`: show the sale screen (with `greeting` on it)."""
        from till_tui.screens.sale import SaleScreen

        self.session = Session(cashier, shift)
        self.push_screen(SaleScreen(greeting))
        self.start_scanner()  # at once, if the cashier logged in before the timer

    def end_session(self, *, log_out: bool = False) -> None:
        """The cashier leaves the sale screen; `log_out`: they left the till (F12), which is
        journaled. The shift stays open either way."""
        session, self.session = self.session, None
        if log_out and session is not None:
            try:
                self.services.staff.log_out(session.cashier)
            except StoreError as error:  # never keep a cashier from locking the till
                log.warning("Logout not journaled: %s", error)

    def start_refund(
        self, sale_id: int, done: Callable[[CompletedSale | None], None] | None = None
    ) -> bool:
        """Open the refund screen of sale `sale_id`; `done` gets the refund (None if the
        cashier went back). False, with the reason said, if the sale cannot be refunded."""
        from till_tui.screens.refund import RefundScreen
        from till_tui.store.refunds import RefundError

        try:
            sale = self.services.refunds.refundable(sale_id)
        except (RefundError, StoreError) as error:
            self.say(str(error), error=True)
            return False
        if sale.fully_refunded:
            self.say(
                _("Sale N° {number} was already refunded in full.").format(number=sale.number),
                error=True,
            )
            return False

        def finished(refund: CompletedSale | None) -> None:
            if refund is not None:
                self.say(
                    _("Refund N° {number} of sale N° {sale} recorded: {amount}.").format(
                        number=refund.number,
                        sale=sale.number,
                        amount=self._money(refund.totals.total),
                    )
                )
            if done is not None:
                done(refund)

        self.push_screen(RefundScreen(sale_id, sale), finished)
        return True


def make_app(config: Config, *, demo_hint: str = "") -> TillApp:
    """Build the till the same way for the command line, the tests and the benchmarks."""
    set_locale(config.till.locale)
    services = Services.open(config)
    return TillApp(config, services, demo_hint=demo_hint)


def record_config(config: Config) -> bool:
    """Journal the settings the till starts with when they changed since the last start
    (secrets left out); a store too busy to take it does not keep the till from starting.
    False if it could not be written (to try again later)."""
    import dataclasses
    import json

    from till_tui.store import journal

    settings = dataclasses.asdict(config)
    for key in ("path", "base_dir"):
        settings.pop(key, None)
    settings["email"].pop("password", None)
    try:
        changed = journal.record_config(
            config.till.register, json.loads(json.dumps(settings, default=str))
        )
    except StoreError as error:
        log.warning("Configuration not journaled: %s", error)
        return False
    if changed:
        log.info("Configuration changed since the last start: %s", ", ".join(changed))
    return True
