"""On the Linux console (TERM=linux) every screen draws only glyphs its font has.

The console's font holds about 500 glyphs. Debian sets up Lat15 for French and the other
Western European languages; any other character shows as a blank or a diamond. The set below
is that font's Unicode table (console-setup's Lat15-Fixed16.psf, whose Terminus and VGA variants
map the same characters) less the Greek, Cyrillic and symbols the till never uses.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.scrollbar import ScrollBar

from tests.conftest import MANAGER_PIN
from tests.ui.helpers import SIZE, login, open_shift, scan, screen_text, settle
from till_tui.app import TillApp, make_app
from till_tui.config import load_config
from till_tui.demo import demo_barcode, demo_store
from till_tui.i18n import set_locale
from till_tui.store.db import close_database

LAT15 = (
    {chr(c) for c in range(0x20, 0x7F)}
    | {chr(c) for c in range(0xA0, 0x100)}
    | set("ŒœŠšŸŽžƒ‐‑‒–—―‘’‚“”„†‡•…‰‹›€™№←↑→↓−≤≥≠")
    | {chr(c) for c in range(0x2500, 0x2580)}  # box drawing
    | set("█░▒■▲▶▼◀●")
)
"""What the Linux console's Lat15 font draws (Latin-1 and the signs above)."""


@pytest.fixture
def console_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TillApp]:
    """The till of a French demo store, started on the Linux console."""
    monkeypatch.setenv("TERM", "linux")
    monkeypatch.setattr(ScrollBar, "renderer", ScrollBar.renderer)  # the app sets its own
    store = demo_store(tmp_path / "store", locale="fr_FR")
    yield make_app(load_config(store.config_path))
    close_database()
    set_locale("en_US")


def foreign_glyphs(text: str) -> set[str]:
    return {character for character in text if character not in LAT15 and character != "\n"}


async def test_every_screen_draws_only_what_the_console_font_has(console_app: TillApp) -> None:
    screens: dict[str, str] = {}
    async with console_app.run_test(size=SIZE) as pilot:
        screens["login"] = screen_text(pilot)
        await login(pilot, MANAGER_PIN)
        screens["open shift"] = screen_text(pilot)
        await open_shift(pilot)
        for index in range(1, 16):  # more lines than the cart shows: its scrollbar comes
            await scan(pilot, demo_barcode(index))
        await settle(pilot)
        screens["sale, long cart"] = screen_text(pilot)
        await pilot.press("f1")
        screens["help"] = screen_text(pilot)
        await pilot.press("escape", "f10")
        await settle(pilot)
        screens["payment"] = screen_text(pilot)
        await pilot.press("1", "enter", "f10")
        await settle(pilot)
        screens["receipt choice"] = screen_text(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)
        screens["history"] = screen_text(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screens["sale detail"] = screen_text(pilot)
        await pilot.press("escape", "escape", "f9")
        await settle(pilot)
        screens["shift menu"] = screen_text(pilot)

    assert "Croissant" in screens["sale detail"] or "N°" in screens["sale detail"]
    odd = {name: foreign_glyphs(text) for name, text in screens.items()}
    assert not any(odd.values()), {name: glyphs for name, glyphs in odd.items() if glyphs}
