"""Drive the real `till` command in a tmux pane at 80x24, as a cashier at the keyboard would."""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest


def till_command() -> list[str]:
    """The installed `till` script beside this Python, or `python -m till_tui`."""
    script = Path(sys.executable).parent / "till"
    return [str(script)] if script.exists() else [sys.executable, "-m", "till_tui"]


class Pane:
    """One tmux session running one command."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        if shutil.which("tmux") is None:
            pytest.skip("tmux is not installed (.ci/run installs it)")
        self.name = f"till-{uuid.uuid4().hex[:8]}"
        # A tmux server of its own (-L): a session closing (and its server exiting) in one
        # test can never race another test's new session, nor touch anyone's own tmux.
        self.tmux = ["tmux", "-L", self.name]
        exports = " ".join(f"{key}={shlex.quote(value)}" for key, value in env.items())
        line = f"env {exports} {shlex.join(command)}"
        subprocess.run(
            [*self.tmux, "new-session", "-d", "-s", self.name, "-x", "80", "-y", "24", line],
            check=True,
        )

    def screen(self) -> str:
        result = subprocess.run(
            [*self.tmux, "capture-pane", "-p", "-t", self.name], capture_output=True, text=True
        )
        return result.stdout

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        """Wait until `text` is on screen; fail with the screen shown if it never comes."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared on screen:\n{self.screen()}")

    def keys(self, *keys: str) -> None:
        for key in keys:
            subprocess.run([*self.tmux, "send-keys", "-t", self.name, key], check=True)
            time.sleep(0.05)

    def burst(self, *keys: str) -> None:
        """Send `keys` in one go, as a scanner does."""
        subprocess.run([*self.tmux, "send-keys", "-t", self.name, *keys], check=True)

    def type(self, text: str) -> None:
        subprocess.run([*self.tmux, "send-keys", "-t", self.name, "-l", text], check=True)

    def pid(self) -> int:
        result = subprocess.run(
            [*self.tmux, "display-message", "-p", "-t", self.name, "#{pane_pid}"],
            capture_output=True,
            text=True,
            check=True,
        )
        return int(result.stdout.strip())

    def kill_process(self) -> None:
        """SIGKILL the till and everything under the pane: a power cut, as far as it knows."""
        root = self.pid()
        children = subprocess.run(
            ["pgrep", "-P", str(root)], capture_output=True, text=True
        ).stdout.split()
        for pid in [root, *map(int, children)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def close(self) -> None:
        subprocess.run([*self.tmux, "kill-server"], capture_output=True)
