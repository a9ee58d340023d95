"""A two-line footer for screens with more keys than one 80-column line holds.

Like Textual's Footer it shows the screen's shown bindings, dims the ones that do not apply
(`check_action` None) and leaves out the hidden ones (False), but it wraps onto a second line.
It redraws a Text, never recomposes, so the sale screen can refresh its bindings cheaply.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widgets import Static


class KeyFooter(Static):
    """The screen's keys, on as many lines as its height allows."""

    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom; height: 2;
        background: $footer-background; color: $footer-foreground;
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)
        self.show_keys()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def on_resize(self, event: events.Resize) -> None:
        self.show_keys()

    def bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen:
            self.show_keys()

    def items(self) -> list[Text]:
        items: list[Text] = []
        actions: set[str] = set()
        for _node, binding, enabled, _tip in self.screen.active_bindings.values():
            if not binding.show or binding.action in actions:
                continue
            actions.add(binding.action)
            key = self.app.get_key_display(binding)
            item = Text.assemble((key, "bold reverse"), f" {binding.description}")
            if not enabled:
                item.stylize("dim")
            items.append(item)
        return items

    def show_keys(self) -> None:
        width = self.size.width or self.app.size.width
        items = self.items()
        lines = self._wrap(items, width, "  ")
        if len(lines) > (self.size.height or 2):
            lines = self._wrap(items, width, " ")  # closer together rather than a key lost
        self.update(Text("\n").join(lines))

    @staticmethod
    def _wrap(items: list[Text], width: int, gap: str) -> list[Text]:
        lines: list[Text] = [Text()]
        for item in items:
            line = lines[-1]
            if line.cell_len and line.cell_len + len(gap) + item.cell_len > width:
                lines.append(Text())
                line = lines[-1]
            elif line.cell_len:
                line.append(gap)
            line.append_text(item)
        return lines
