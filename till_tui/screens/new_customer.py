"""A new customer: only the name is required; phone, e-mail and card are optional."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Static

from till_tui.domain.customer import Customer
from till_tui.i18n import N_, _
from till_tui.screens.base import TillModal
from till_tui.store.errors import StoreError

FIELDS = (
    ("name", N_("Name")),
    ("phone", N_("Phone")),
    ("email", N_("E-mail")),
    ("card", N_("Card")),
)


class NewCustomer(TillModal[Customer]):
    """Enter goes to the next field; Enter on the last one (or F10) creates the customer."""

    DEFAULT_CSS = """
    NewCustomer { align: center middle; }
    NewCustomer > Vertical { width: 64; height: auto; padding: 0 1; }
    NewCustomer Input { height: 1; border: none; }
    NewCustomer .label { color: $text-muted; }
    """
    HELP = N_(
        "Type the name (required), then Enter for the phone, the e-mail and the card code "
        "(scan the card). Up/Down move between fields. F10 or Enter on the last field creates "
        "the customer and attaches them to the sale."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        *TillModal.BINDINGS,
        Binding("f10", "create", N_("Create"), id="create"),
        Binding("up", "field(-1)", show=False),
        Binding("down", "field(1)", show=False),
    ]

    def __init__(self, name: str = "") -> None:
        super().__init__()
        self.initial_name = name

    def compose(self) -> ComposeResult:
        with Vertical(classes="box"):
            yield Static(Text(_("New customer"), style="bold"))
            for field, label in FIELDS:
                yield Static(_(label), classes="label")
                yield Input(self.initial_name if field == "name" else "", id=field)
            yield Static("", id="message")

    @property
    def inputs(self) -> list[Input]:
        return [self.query_one(f"#{field}", Input) for field, _label in FIELDS]

    def action_field(self, step: int) -> None:
        inputs = self.inputs
        focused = self.focused
        index = inputs.index(focused) if isinstance(focused, Input) and focused in inputs else 0
        inputs[max(0, min(index + step, len(inputs) - 1))].focus()

    @on(Input.Submitted)
    def next_field(self, event: Input.Submitted) -> None:
        inputs = self.inputs
        if event.input is inputs[0] and not event.value.strip():
            self.say(_("A name is required."), error=True)
        elif event.input is inputs[-1]:
            self.action_create()
        else:
            inputs[inputs.index(event.input) + 1].focus()

    def action_create(self) -> None:
        values = {field: self.query_one(f"#{field}", Input).value.strip() for field, _l in FIELDS}
        if not values["name"]:
            self.say(_("A name is required."), error=True)
            self.query_one("#name", Input).focus()
            return
        try:
            customer = self.till.services.customers.add(
                values["name"], card=values["card"], phone=values["phone"], email=values["email"]
            )
        except (ValueError, StoreError) as error:
            self.say(str(error), error=True)
            return
        self.dismiss(customer)
