"""F6: park the sale in progress, or resume a parked one."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from till_tui.domain.cart import Cart
from till_tui.domain.money import format_money
from till_tui.i18n import N_, _, ngettext
from till_tui.screens.base import TillModal
from till_tui.store.drafts import Parked


class ParkDialog(TillModal[int]):
    """Choose: park the current sale, or resume a parked one (the current one is parked)."""

    PARK_CURRENT: ClassVar[int] = -1
    DEFAULT_CSS = """
    ParkDialog { align: center middle; }
    ParkDialog > Vertical {
        width: 70; height: auto; max-height: 20;
    }
    """
    HELP = N_("Up/Down and Enter: park the current sale, or resume a parked sale.")

    def __init__(self, parked: list[Parked], current: Cart) -> None:
        super().__init__()
        self.parked = parked
        self.current = current

    def compose(self) -> ComposeResult:
        config = self.till.config.till
        options: list[Option] = []
        if not self.current.is_empty:
            options.append(Option(_("Park the current sale"), id="park"))
        for entry in self.parked:
            items = sum(line.quantity for line in entry.cart.lines) // 1000
            label = Text(entry.parked_at.astimezone().strftime("%H:%M") + "  ")
            label.append(ngettext("{n} item", "{n} items", items).format(n=items))
            label.append(
                "  " + format_money(entry.cart.totals().total, config.currency, config.locale)
            )
            if entry.cart.note:
                label.append("  " + entry.cart.note, style="italic")
            options.append(Option(label, id=str(entry.id)))
        with Vertical(classes="box"):
            yield Static(Text(_("Parked sales"), style="bold"))
            yield OptionList(*options, id="parked")

    @on(OptionList.OptionSelected, "#parked")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id
        self.dismiss(self.PARK_CURRENT if option_id == "park" else int(option_id or 0))
