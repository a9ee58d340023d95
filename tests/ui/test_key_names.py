"""Every footer names its keys the same way, as printed on the keycaps, and only with
characters the Linux console's font has."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ui.helpers import SIZE, login, open_shift, scan, screen_text, settle
from till_tui.app import TillApp, make_app
from till_tui.config import load_config
from till_tui.demo import demo_barcode, demo_store
from till_tui.i18n import set_locale
from till_tui.store.db import close_database


@pytest.fixture
def french_app(tmp_path: Path) -> Iterator[TillApp]:
    """The till of a French demo store."""
    store = demo_store(tmp_path / "store", locale="fr_FR")
    yield make_app(load_config(store.config_path))
    close_database()
    set_locale("en_US")


def footer(text: str) -> str:
    """The last two lines of the screen, where the keys are."""
    return "\n".join(text.splitlines()[-2:])


async def test_each_screen_shows_its_keys_in_capitals_and_by_name(french_app: TillApp) -> None:
    footers: dict[str, str] = {}
    async with french_app.run_test(size=SIZE) as pilot:
        footers["login"] = footer(screen_text(pilot))
        await login(pilot)
        footers["open shift"] = footer(screen_text(pilot))
        await open_shift(pilot)
        await scan(pilot, demo_barcode(1))
        footers["sale"] = footer(screen_text(pilot))
        await pilot.press("f10")
        await settle(pilot)
        footers["payment"] = footer(screen_text(pilot))
        await pilot.press("1", "enter", "f10")
        await settle(pilot)
        footers["receipt"] = footer(screen_text(pilot))

    assert "F1 Aide" in footers["login"]
    assert "Échap Retour" in footers["open shift"]
    assert "F10 Payer" in footers["sale"] and "^O Tiroir" in footers["sale"]
    assert "Suppr Retirer le règlement" in footers["payment"]
    assert "F10 Valider" in footers["payment"] and "Échap Retour" in footers["payment"]
    assert "P Imprimer" in footers["receipt"] and "Entrée Par défaut" in footers["receipt"]
    for name, text in footers.items():
        assert "⏎" not in text and "f1 " not in text, (name, text)
        # Latin-1, the euro sign and the arrows: what a Linux console font draws.
        odd = {c for c in text if ord(c) > 0xFF and c not in "€↑↓←→"}
        assert not odd, (name, odd)
