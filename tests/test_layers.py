"""The layers of DESIGN: domain is pure, store and hw never touch the UI, screens run no SQL."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_are_kept() -> None:
    # In a process of its own: import-linter's CLI calls logging.config.dictConfig, which
    # disables every logger already created (and so the log checks of later tests).
    script = (
        "import sys; from importlinter.cli import lint_imports;"
        f" sys.exit(lint_imports(config_filename={str(ROOT / 'pyproject.toml')!r}, no_cache=True))"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def _modules_after(code: str) -> set[str]:
    """Run `code` in a fresh interpreter and return the top-level modules it loaded."""
    script = code + "\nimport sys\nprint(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return set(result.stdout.split())


def test_domain_loads_no_ui_database_or_printer_library() -> None:
    loaded = _modules_after(
        "import till_tui.domain.cart, till_tui.domain.receipt, till_tui.domain.sale,"
        " till_tui.domain.tender, till_tui.domain.money"
    )
    assert not loaded & {"textual", "rich", "peewee", "escpos", "evdev"}


def test_starting_the_till_does_not_load_the_printer_library() -> None:
    # python-escpos costs ~0.35 s to import: it waits for the first receipt.
    loaded = _modules_after("import till_tui.app, till_tui.screens.sale, till_tui.screens.payment")
    assert "textual" in loaded
    assert "escpos" not in loaded
    assert "evdev" not in loaded
