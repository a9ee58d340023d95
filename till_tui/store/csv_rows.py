"""Reading the CSV files merchants export: comma or semicolon, a header row or none."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator


def csv_rows(
    text: str, *, min_columns: int, is_header: Callable[[list[str]], bool]
) -> Iterator[tuple[int, list[str]]]:
    """(line number, stripped cells) of each row that is neither blank nor the header.

    A first line with at least `min_columns - 1` semicolons is a French-style file, whose
    prices and names may hold commas ("Eau 1,5 L;0,95"); otherwise commas separate columns.
    """
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") >= max(min_columns - 1, 1) else ","
    for line_number, raw in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1):
        cells = [cell.strip() for cell in raw]
        if not any(cells):
            continue
        if line_number == 1 and is_header(cells):
            continue
        yield line_number, cells
