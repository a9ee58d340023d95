"""F4: a discount or an extra charge, on the selected line or on the whole sale, or a new unit
price for the selected line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from till_tui.domain.cart import Adjustment, CartLine
from till_tui.domain.money import AmountError, format_amount, parse_money, parse_percent
from till_tui.i18n import N_, _
from till_tui.screens.base import TillModal


@dataclass(frozen=True, slots=True)
class AdjustResult:
    on_line: bool
    adjustment: Adjustment | None
    price: int | None = None
    """A new unit price for the selected line ("=3.50"); `adjustment` is then unused."""


def parse_adjustment(text: str, currency: str) -> Adjustment | None:
    """ "10%" -> 10 % off, "2,50" -> 2.50 off, "+5%" / "+2" -> extra charge, "" -> none."""
    text = text.strip()
    if not text:
        return None
    surcharge = text.startswith("+")
    text = text.lstrip("+-").strip()
    if text.endswith("%"):
        return Adjustment("percent", parse_percent(text), surcharge)
    return Adjustment("amount", parse_money(text, currency), surcharge)


class AdjustDialog(TillModal[AdjustResult]):
    """Up/Down choose the line or the whole sale; type 10% or 2,50 (+ first for a charge), or
    =3,50 for the line's new unit price."""

    DEFAULT_CSS = """
    AdjustDialog { align: center middle; }
    AdjustDialog > Vertical {
        width: 72; height: auto; padding: 0 1;
    }
    AdjustDialog OptionList { height: auto; }
    #adjust-message { height: auto; }
    """
    HELP = N_(
        "Up/Down: the selected line or the whole sale. Type 10% (percentage) or 2,50 (amount) "
        "and Enter. Start with + for an extra charge. Empty and Enter removes it. "
        "On the selected line, =3,50 sells it at 3,50 a unit (a lower price than the "
        "catalogue's needs a manager's PIN for a cashier; the catalogue price again restores it)."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        *TillModal.BINDINGS,
        Binding("up", "target(0)", show=False),
        Binding("down", "target(1)", show=False),
    ]

    def __init__(self, line: CartLine | None, basket: Adjustment | None) -> None:
        super().__init__()
        self.line = line
        self.basket = basket

    def compose(self) -> ComposeResult:
        options = []
        if self.line is not None:
            options.append(Option(Text(_("Selected line: ") + self.line.name), id="line"))
        options.append(Option(_("Whole sale"), id="basket"))
        with Vertical(classes="box"):
            yield Static(Text(_("Discount or extra charge"), style="bold"))
            yield OptionList(*options, id="target")
            config = self.till.config.till
            example = format_amount(250, config.currency, config.locale)
            yield Static(
                _("10% or {amount} for a discount; +10% or +{amount} for an extra charge").format(
                    amount=example
                )
            )
            yield Static(
                _("={amount} sells the selected line at {amount} a unit").format(amount=example)
            )
            yield Input(id="value")
            yield Static("", id="adjust-message")

    def on_mount(self) -> None:
        target = self.query_one("#target", OptionList)
        target.can_focus = False
        target.highlighted = 0
        self.query_one("#value", Input).focus()

    def action_target(self, index: int) -> None:
        target = self.query_one("#target", OptionList)
        target.highlighted = min(index, target.option_count - 1)

    @on(Input.Submitted, "#value")
    def submit(self, event: Input.Submitted) -> None:
        target = self.query_one("#target", OptionList)
        highlighted = target.highlighted or 0
        on_line = target.get_option_at_index(highlighted).id == "line"
        currency = self.till.config.till.currency
        try:
            if event.value.strip().startswith("="):
                if not on_line:
                    raise AmountError(_("A new price is for the selected line: press Up first."))
                price = parse_money(event.value.strip()[1:], currency)
                self.dismiss(AdjustResult(True, None, price))
                return
            adjustment = parse_adjustment(event.value, currency)
        except AmountError as error:
            self.app.bell()
            self.query_one("#adjust-message", Static).update(Text(str(error), style="bold red"))
            event.input.select_all()  # typing replaces the bad value
            return
        self.dismiss(AdjustResult(on_line, adjustment))
