"""The cart as a table: name, quantity, unit price, line total. Updated line by line."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey

from till_tui.domain.cart import Cart, CartLine
from till_tui.domain.money import format_amount, format_quantity, format_rate
from till_tui.i18n import _


class CartTable(DataTable[Text]):
    """Shows the cart. Only the changed row is redrawn on a scan, never the whole cart."""

    can_focus = False

    def __init__(self, currency: str, locale: str, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]
        self.currency = currency
        self.locale = locale
        self._keys: list[RowKey] = []
        self._next_key = 0

    FIXED_WIDTHS = (7, 9, 10)
    """Quantity, unit price and total columns; the name takes the rest of the width."""

    def on_resize(self) -> None:
        # Each column has one cell of padding on both sides; leave room for the scrollbar.
        spare = self.size.width - sum(self.FIXED_WIDTHS) - 2 * 4 - 2
        self.columns[ColumnKey("name")].width = max(spare, 12)
        self.refresh()

    def on_mount(self) -> None:
        self.add_column(_("Item"), key="name", width=30)
        qty, unit, total = self.FIXED_WIDTHS
        self.add_column(Text(_("Qty"), justify="right"), key="qty", width=qty)
        self.add_column(Text(_("Price"), justify="right"), key="unit", width=unit)
        self.add_column(Text(_("Total"), justify="right"), key="total", width=total)

    def _cells(self, line: CartLine) -> tuple[Text, Text, Text, Text]:
        name = Text(line.name, no_wrap=True, overflow="ellipsis")
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
            Text(format_quantity(line.quantity, self.locale), justify="right"),
            Text(format_amount(line.unit_price, self.currency, self.locale), justify="right"),
            Text(format_amount(line.net, self.currency, self.locale), justify="right"),
        )

    def _new_key(self) -> str:
        self._next_key += 1
        return str(self._next_key)

    def show(self, cart: Cart) -> None:
        """Redraw every line (after a restore or a resume)."""
        self.clear()
        self._keys = [self.add_row(*self._cells(line), key=self._new_key()) for line in cart.lines]

    def show_line(self, cart: Cart, index: int) -> None:
        """Draw line `index` of `cart`: a new row at the end, or the existing row updated."""
        cells = self._cells(cart.lines[index])
        if index == len(self._keys):
            self._keys.append(self.add_row(*cells, key=self._new_key()))
        else:
            key = self._keys[index]
            for column, value in zip(("name", "qty", "unit", "total"), cells, strict=True):
                self.update_cell(key, column, value)
        self.move_cursor(row=index)

    def remove_line(self, index: int) -> None:
        self.remove_row(self._keys.pop(index))

    @property
    def selected(self) -> int | None:
        """Index of the selected line, or None when the cart is empty."""
        return self.cursor_row if self._keys else None
