"""A footer line drawn once from the screen's bindings, for screens whose keys never change.

Textual's Footer recomposes itself whenever bindings may have changed; on the first screen of
the till that costs about a tenth of the start-up time. The login screen's keys are fixed.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class KeyBar(Static):
    """Shows the screen's shown bindings as "key label" pairs, like the Footer."""

    DEFAULT_CSS = """
    KeyBar { dock: bottom; height: 1; background: $footer-background; color: $footer-foreground; }
    """

    def on_mount(self) -> None:
        bar = Text()
        for binding in self.screen._bindings.shown_keys:
            key = binding.key_display or self.app.get_key_display(binding)
            bar.append(f" {key} ", style="bold")
            bar.append(f"{binding.description} ")
        self.update(bar)
