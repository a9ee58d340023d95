"""Write Python values as a TOML document (what tomllib reads back), for the config fuzz tests.

Tables become [sections], lists of tables [[arrays of tables]], anything deeper inline tables
and arrays. Every key is quoted, so any string can be a key.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time
from typing import Any


def string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def value(item: Any) -> str:
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, int):
        return str(item)
    if isinstance(item, float):
        if math.isnan(item):
            return "nan"
        if math.isinf(item):
            return "inf" if item > 0 else "-inf"
        return repr(item)
    if isinstance(item, str):
        return string(item)
    if isinstance(item, datetime | date | time):
        return item.isoformat()
    if isinstance(item, list):
        return "[" + ", ".join(value(i) for i in item) + "]"
    if isinstance(item, dict):
        return "{" + ", ".join(f"{string(k)} = {value(v)}" for k, v in item.items()) + "}"
    raise TypeError(f"no TOML for {item!r}")


def _is_table_array(item: Any) -> bool:
    return isinstance(item, list) and bool(item) and all(isinstance(i, dict) for i in item)


def document(data: dict[str, Any]) -> str:
    """`data` as a TOML document."""
    lines = [
        f"{string(k)} = {value(v)}"
        for k, v in data.items()
        if not isinstance(v, dict) and not _is_table_array(v)
    ]
    for key, item in data.items():
        if isinstance(item, dict):
            lines.append(f"\n[{string(key)}]")
            lines.extend(f"{string(k)} = {value(v)}" for k, v in item.items())
        elif _is_table_array(item):
            for table in item:
                lines.append(f"\n[[{string(key)}]]")
                lines.extend(f"{string(k)} = {value(v)}" for k, v in table.items())
    return "\n".join(lines) + "\n"
