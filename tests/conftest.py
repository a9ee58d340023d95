"""Shared fixtures: a real store in a temporary folder, built the way `till demo` builds it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.smtp import HOST, Inbox, StartServer, free_port
from till_tui.app import TillApp, make_app
from till_tui.config import Config, load_config
from till_tui.demo import DemoStore, demo_store
from till_tui.i18n import set_locale
from till_tui.store.db import close_database
from till_tui.store.services import Services

CASHIER_PIN = "1234"
MANAGER_PIN = "9999"


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Tests read English unless they switch the locale themselves."""
    set_locale("en_US")
    yield
    set_locale("en_US")


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[DemoStore]:
    """A demo store (catalogue of 50 products, a cashier 1234 and a manager 9999) in en_US."""
    store = demo_store(tmp_path / "store", locale="en_US")
    yield store
    close_database()


@pytest.fixture
def config(demo: DemoStore) -> Config:
    return load_config(demo.config_path)


@pytest.fixture
def services(config: Config) -> Iterator[Services]:
    yield Services.open(config)
    close_database()


@pytest.fixture
def app(config: Config) -> Iterator[TillApp]:
    """The real till on the demo store, ready for `app.run_test()`."""
    till = make_app(config)
    set_locale("en_US")
    yield till
    close_database()


def write_config(folder: Path, text: str) -> Path:
    """Write a config.toml in `folder` and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def smtp_server() -> Iterator[StartServer]:
    """Start real SMTP servers on 127.0.0.1: `inbox, port = smtp_server(**aiosmtpd_options)`."""
    controllers: list[Controller] = []

    def start(**options: Any) -> tuple[Inbox, int]:
        inbox = Inbox()
        port = free_port()
        controller = Controller(inbox, hostname=HOST, port=port, **options)
        controller.start()
        controllers.append(controller)
        return inbox, port

    yield start
    for controller in controllers:
        controller.stop()
