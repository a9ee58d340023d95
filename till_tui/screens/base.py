"""What every till screen shares: translated key labels, F1 help, a typed handle on the app."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from rich.text import Text
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from till_tui.i18n import N_, _

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from till_tui.app import TillApp

ResultType = TypeVar("ResultType")


def translate_bindings(node: DOMNode) -> None:
    """Show binding labels in the till's language.

    BINDINGS are class attributes, built before the locale is known; this replaces each
    instance's copy with translated labels (Textual keeps one BindingsMap per instance).
    """
    bindings = node._bindings.key_to_bindings
    for key, items in bindings.items():
        bindings[key] = [
            replace(b, description=_(b.description), tooltip=_(b.tooltip) if b.tooltip else "")
            for b in items
        ]


HELP_BINDING = Binding("f1", "help", N_("Help"), id="help")


class TillScreen(Screen[ResultType]):
    """A full screen of the till."""

    HELP: ClassVar[str] = ""
    """What this screen is for, shown above its keys by F1 (English; translated when shown)."""

    BINDINGS: ClassVar[list[Any]] = [HELP_BINDING]

    message_text: str = ""
    """The message the screen shows now ("" when none)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        translate_bindings(self)

    @property
    def till(self) -> TillApp:
        return cast("TillApp", self.app)

    def action_help(self) -> None:
        from till_tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self))

    def show_status(self) -> None:
        """The till's device status changed (e.g. receipts waiting to print): screens with a
        status line redraw it."""

    def say(self, message: str, *, error: bool = False) -> None:
        """Show a message in the screen's message line (and ring the bell for an error).

        Screens without a `#message` line fall back to a notification.
        """
        if error:
            self.app.bell()
        self.message_text = message
        try:
            line = self.query_one("#message", Static)
        except NoMatches:
            self.app.notify(message, severity="error" if error else "information", timeout=4)
            return
        line.update(Text(message, style="bold red" if error else "bold"))


class TillModal(TillScreen[ResultType], ModalScreen[ResultType]):
    """A dialog over a till screen: Escape cancels it (dismisses with None)."""

    BINDINGS: ClassVar[list[Any]] = [
        Binding("escape", "cancel", N_("Cancel"), id="cancel"),
        HELP_BINDING,
    ]

    def action_cancel(self) -> None:
        self.dismiss(None)
