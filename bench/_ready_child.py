"""The child process of `bench.startup`: start one app headless, say READY, exit.

Run by `bench.startup`, not by hand: ``python bench/_ready_child.py till CONFIG [HINT]`` or
``python bench/_ready_child.py bare``. It prints one line on stdout once the first screen is
mounted and painted::

    READY <phase>=<time.monotonic()> ... escpos=0 evdev=0 modules=<len(sys.modules)>

and writes ``# bench: ready`` to stderr at the same moment (and ``# bench: app imports``
before the app's first import), so a ``-X importtime`` log can be cut down to what the app
imported before its first screen.

Only the standard library is imported before the app's own imports, so both apps pay the
same harness cost.
"""

from __future__ import annotations

import time

START = time.monotonic()

import asyncio  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING, Any  # noqa: E402

if TYPE_CHECKING:
    from textual.app import App
    from textual.pilot import Pilot

READY_MARK = "# bench: ready"
APP_MARK = "# bench: app imports"


def _mark_app_imports() -> None:
    """Tell a -X importtime log that the harness's own imports are done."""
    os.write(2, (APP_MARK + "\n").encode())


def _screen_up(app: App[Any], screen_name: str) -> bool:
    """The first screen is the current one and it and its widgets are mounted."""
    from textual.widget import Widget  # already imported by the app at this point

    screen = app.screen
    if type(screen).__name__ != screen_name or not screen.is_mounted:
        return False
    return all(widget.is_mounted for widget in screen.walk_children(Widget))


def _ready_pilot(screen_name: str, stamps: dict[str, float]) -> Any:
    async def ready(pilot: Pilot[Any]) -> None:
        app = pilot.app
        while not _screen_up(app, screen_name):
            await pilot._wait_for_screen()
        await pilot._wait_for_screen()
        painted = asyncio.Event()
        app.call_after_refresh(painted.set)
        await painted.wait()
        stamps["ready"] = time.monotonic()
        os.write(2, (READY_MARK + "\n").encode())
        fields = " ".join(f"{name}={value!r}" for name, value in stamps.items())
        flags = " ".join(f"{mod}={int(mod in sys.modules)}" for mod in ("escpos", "evdev"))
        os.write(1, f"READY {fields} {flags} modules={len(sys.modules)}\n".encode())
        app.exit()

    return ready


def run_till(config_path: Path, hint: str) -> None:
    """What `till` does to start, minus argument parsing: import, config, make_app, run."""
    stamps = {"start": START}
    _mark_app_imports()
    from till_tui.app import make_app
    from till_tui.config import load_config

    stamps["imports"] = time.monotonic()
    config = load_config(config_path)
    stamps["config"] = time.monotonic()
    app = make_app(config, demo_hint=hint)
    stamps["app"] = time.monotonic()
    app.run(headless=True, auto_pilot=_ready_pilot("LoginScreen", stamps))


def run_bare() -> None:
    """The smallest Textual app worth the name: one Static on the default screen."""
    stamps = {"start": START}
    _mark_app_imports()
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("Hello")

    stamps["imports"] = time.monotonic()
    app = Bare()
    stamps["app"] = time.monotonic()
    app.run(headless=True, auto_pilot=_ready_pilot("Screen", stamps))


def main() -> int:
    kind = sys.argv[1]
    if kind == "till":
        run_till(Path(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else "")
    elif kind == "bare":
        run_bare()
    else:
        print(f"unknown app {kind!r}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
