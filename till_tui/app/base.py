"""What every part of the till app shares: the settings and services, who is logged in, the
cashier's message line and the status line the device parts feed."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual.app import App
from textual.binding import Binding
from textual.scrollbar import ScrollBar, ScrollBarRender

from till_tui.config import Config
from till_tui.i18n import N_, _
from till_tui.screens.base import TillScreen, translate_bindings
from till_tui.store.services import Services

if TYPE_CHECKING:
    from till_tui.domain.receipt import ShopHeader
    from till_tui.domain.staff import StaffMember
    from till_tui.store.shifts import OpenShift


FKEY_OR_LETTER = re.compile(r"^(\^?)(f\d+|[a-z])$")
"""Keys shown in capitals, as on the keycaps: "F10", "^O", "P"."""
KEY_NAMES = {"enter": N_("Enter"), "escape": N_("Esc"), "delete": N_("Del")}
"""Keys shown by name, as printed on the keyboard: Textual's "⏎" is not in the Linux console's
font."""


class ConsoleScrollBarRender(ScrollBarRender):
    """Scrollbars in whole cells: the Linux console's font has no eighth blocks (▁▂▃...)."""

    VERTICAL_BARS: ClassVar[list[str]] = [" "] * 8
    HORIZONTAL_BARS: ClassVar[list[str]] = [" "] * 8


@dataclass
class Session:
    """Who is at the till and on which shift."""

    cashier: StaffMember
    shift: OpenShift


class TillBase(App[int]):
    """The state and the messages the app's parts (printing, scanners) build on."""

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
            ScrollBar.renderer = ConsoleScrollBarRender

    def get_key_display(self, binding: Binding) -> str:
        """Keys as every footer and help page shows them: "F10", "^O", "Enter"."""
        if binding.key_display:
            return binding.key_display
        name = KEY_NAMES.get(binding.key)
        if name is not None:
            return _(name)
        key = super().get_key_display(binding)
        match = FKEY_OR_LETTER.match(key)
        return match[1] + match[2].upper() if match else key

    def say(self, message: str, *, error: bool = False) -> None:
        """A short message for the cashier on the current screen; an error rings the bell."""
        screen = self.screen
        if isinstance(screen, TillScreen):
            screen.say(message, error=error)
            return
        if error:
            self.bell()
        self.notify(message, severity="error" if error else "information", timeout=4)

    def status_changed(self) -> None:
        """A device's state changed: every till screen redraws its status line."""
        for screen in self.screen_stack:
            if isinstance(screen, TillScreen):
                screen.show_status()

    # Each part of the app that watches a device says what the status line shows of it
    # ("" when all is well): receipts waiting, the printer, the scanners.

    @property
    def print_status_text(self) -> str:
        return ""

    @property
    def printer_status_text(self) -> str:
        return ""

    @property
    def scanner_status_text(self) -> str:
        return ""

    @property
    def status_text(self) -> str:
        """What the status line says about the till's devices ("" when all is well)."""
        parts = (self.print_status_text, self.printer_status_text, self.scanner_status_text)
        return " · ".join(part for part in parts if part)

    def _money(self, amount: int) -> str:
        from till_tui.domain.money import format_money

        return format_money(amount, self.config.till.currency, self.config.till.locale)

    @property
    def shop(self) -> ShopHeader:
        from till_tui.domain.receipt import ShopHeader

        shop = self.config.shop
        return ShopHeader(shop.name, shop.header, shop.footer)
