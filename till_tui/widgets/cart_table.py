"""The cart as a table: name, quantity, unit price, line total.

Drawn with Textual's line API: each cart line is rendered once into a cached strip, so a scan
draws one new line (and the two whose selection changed), never the whole visible cart.
(Textual's DataTable drops all its render caches on every added row.)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from till_tui.domain.cart import Cart, CartLine
from till_tui.domain.money import format_amount, format_quantity, format_rate
from till_tui.i18n import _

Row = tuple[Text, Text, Text, Text]


class CartTable(ScrollView):
    """Shows the cart with a fixed header row; the selected line is highlighted."""

    can_focus = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {"cart--header", "cart--cursor", "cart--odd"}
    DEFAULT_CSS = """
    CartTable { background: $surface; overflow-x: hidden; }
    CartTable > .cart--header { text-style: bold; background: $panel; }
    CartTable > .cart--cursor { background: $block-cursor-background; text-style: bold; }
    CartTable > .cart--odd { background: $surface-lighten-1; }
    """

    FIXED_WIDTHS = (7, 9, 10)
    """Quantity, unit price and total columns; the name takes the rest of the width."""

    def __init__(self, currency: str, locale: str, **kwargs: str) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.currency = currency
        self.locale = locale
        self._rows: list[Row] = []
        self._strips: dict[tuple[int, bool], Strip] = {}
        self._strips_width = 0
        self.cursor_row = 0
        """Index of the selected line."""

    # -- what the sale screen calls --------------------------------------------------------

    def show(self, cart: Cart) -> None:
        """Redraw every line (after a restore or a resume)."""
        self._rows = [self._cells(line) for line in cart.lines]
        self._strips.clear()
        self.cursor_row = min(self.cursor_row, max(len(self._rows) - 1, 0))
        self._resized()

    def show_line(self, cart: Cart, index: int) -> None:
        """Draw line `index` of `cart`: a new row at the end, or the existing row updated."""
        cells = self._cells(cart.lines[index])
        if index == len(self._rows):
            self._rows.append(cells)
            self._resized()
        else:
            self._rows[index] = cells
            self._forget(index)
        self.move_cursor(row=index)

    def remove_line(self, index: int) -> None:
        del self._rows[index]
        # Lines after the removed one move up: their cached strips are now one off.
        self._strips = {key: strip for key, strip in self._strips.items() if key[0] < index}
        self.cursor_row = min(self.cursor_row, max(len(self._rows) - 1, 0))
        self._resized()

    def move_cursor(self, *, row: int) -> None:
        """Select line `row` and scroll it into view."""
        previous, self.cursor_row = self.cursor_row, row
        self._show_cursor()
        self._refresh_row(previous)
        self._refresh_row(row)

    def _show_cursor(self) -> None:
        row = self.cursor_row
        top = round(self.scroll_offset.y)
        visible = max(self.size.height - 1, 1)  # the header takes a line
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + visible:
            self.scroll_to(y=row - visible + 1, animate=False, immediate=True)

    @property
    def selected(self) -> int | None:
        """Index of the selected line, or None when the cart is empty."""
        return self.cursor_row if self._rows else None

    @property
    def row_count(self) -> int:
        return len(self._rows)

    def get_row_at(self, index: int) -> list[Text]:
        """The cells of line `index`: name, quantity, unit price, total."""
        return list(self._rows[index])

    # -- drawing -----------------------------------------------------------------------------

    def _cells(self, line: CartLine) -> Row:
        name = Text(line.name)
        adjustment = line.adjustment
        if adjustment is not None:
            sign = "+" if adjustment.surcharge else "-"
            if adjustment.kind == "percent":
                label = f" {sign}{format_rate(adjustment.value, self.locale)}"
            else:
                label = f" {sign}{format_amount(adjustment.value, self.currency, self.locale)}"
            name.append(label, style="bold")
        return (
            name,
            Text(format_quantity(line.quantity, self.locale)),
            Text(  # bold: a price changed at the till
                format_amount(line.unit_price, self.currency, self.locale),
                style="bold" if line.list_price is not None else "",
            ),
            Text(format_amount(line.net, self.currency, self.locale)),
        )

    @property
    def _width(self) -> int:
        """Columns available for text: the widget less its vertical scrollbar."""
        return self.scrollable_content_region.width

    def _resized(self) -> None:
        size = Size(self._width, len(self._rows) + 1)
        height = self.scrollable_content_region.height
        if self.is_mounted and (size.height > height) == (self.virtual_size.height > height):
            # The scrollbar neither comes nor goes: only the scrolling range changes. Setting
            # `virtual_size` would lay the whole screen out again (most of a scan's cost).
            self.set_reactive(CartTable.virtual_size, size)
            self._scroll_update(size)
        else:
            self.virtual_size = size
            # The scrollbar comes or goes: the table can scroll only once laid out again.
            self.call_after_refresh(self._show_cursor)
        self.refresh()

    def _forget(self, index: int) -> None:
        self._strips.pop((index, False), None)
        self._strips.pop((index, True), None)
        self._refresh_row(index)

    def _refresh_row(self, index: int) -> None:
        # refresh_line takes virtual coordinates; line `index` sits under the header.
        self.refresh_line(index + 1)

    def on_resize(self) -> None:
        self._strips.clear()
        self._resized()

    def _line(self, cells: Sequence[Text | str], style: Style) -> Strip:
        width = self._width
        name_width = max(width - sum(self.FIXED_WIDTHS) - 2 * 4, 8)
        text = Text(no_wrap=True, overflow="ellipsis", style=style)
        for cell, cell_width, left in zip(
            cells, (name_width, *self.FIXED_WIDTHS), (True, False, False, False), strict=True
        ):
            piece = cell.copy() if isinstance(cell, Text) else Text(cell)
            piece.truncate(cell_width, overflow="ellipsis", pad=False)
            padded = piece.plain.ljust(cell_width) if left else piece.plain.rjust(cell_width)
            offset = 0 if left else cell_width - len(piece.plain)
            cell_text = Text(padded)
            for span in piece.spans:
                cell_text.stylize(span.style, span.start + offset, span.end + offset)
            text.append(" ")
            text.append_text(cell_text)
            text.append(" ")
        segments = list(text.render(self.app.console))
        return Strip(segments).extend_cell_length(width, style).crop(0, width)

    def render_line(self, y: int) -> Strip:
        if self._width != self._strips_width:
            # The scrollbar came or went: every cached line has the wrong width.
            self._strips.clear()
            self._strips_width = self._width
        if y == 0:
            header = (_("Item"), _("Qty"), _("Price"), _("Total"))
            return self._line(header, self.get_component_rich_style("cart--header"))
        index = round(self.scroll_offset.y) + y - 1
        if index >= len(self._rows):
            return Strip([Segment(" " * self._width, self.rich_style)])
        selected = index == self.cursor_row
        key = (index, selected)
        strip = self._strips.get(key)
        if strip is None:
            if selected:
                style = self.get_component_rich_style("cart--cursor")
            elif index % 2:
                style = self.get_component_rich_style("cart--odd")
            else:
                style = self.rich_style
            strip = self._strips[key] = self._line(self._rows[index], style)
        return strip
