"""Random config.toml files: the real sections and keys mixed with unknown ones, every TOML value
type (strings, huge numbers, floats, booleans, dates, arrays, tables). Loading one gives a valid
Config or a ConfigError naming the offending key, never another exception; and the real `till`
command, run on some of them, answers with a message, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from dataclasses import fields
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, get_type_hints

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.faults.toml_doc import document
from till_tui.config import (
    PAYMENT_KINDS,
    PRINTER_KINDS,
    RECEIPT_CHOICES,
    Config,
    ConfigError,
    EmailConfig,
    PaymentMethod,
    PrinterConfig,
    ScannerConfig,
    ShopConfig,
    StoreConfig,
    TillConfig,
    load_config,
)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SECTIONS: dict[str, Any] = {
    "store": StoreConfig,
    "till": TillConfig,
    "shop": ShopConfig,
    "printer": PrinterConfig,
    "scanner": ScannerConfig,
    "email": EmailConfig,
}


def schema_keys(cls: Any) -> list[str]:
    names = [f.name for f in fields(cls)]
    return [*names, "from"] if cls is EmailConfig else names


KNOWN = {key for cls in (*SECTIONS.values(), PaymentMethod) for key in schema_keys(cls)}
KNOWN |= {*SECTIONS, "payment_methods"}

# Values a real config would hold, so that documents often get past the first key.
PLAUSIBLE = st.sampled_from(
    [*PRINTER_KINDS, *PAYMENT_KINDS, *RECEIPT_CHOICES, "fr_FR", "en_US", "EUR", "R1", "5.00",
     "0x04b8", "cash", "Cash", "", " "]
)  # fmt: skip
BY_KEY: dict[str, st.SearchStrategy[Any]] = {
    "locale": st.sampled_from(["fr_FR", "en_US", "de", "en_US.UTF-8", "root", "xx_YY", "en-US"]),
    "currency": st.sampled_from(["EUR", "JPY", "KWD", "USD", "XXX", "eur", "€"]),
    "codepage": st.sampled_from(["CP858", "CP437", "utf-8", "latin-1", "rot13", "nope", "a\x00"]),
    "close_threshold": st.sampled_from(["5.00", "5", "0,5", "12.345", "5.1", "-1", "1e3", "٣"]),
    "receipt_default": st.sampled_from(RECEIPT_CHOICES),
    "parity": st.sampled_from(["N", "e", "O", "X", ""]),
    "vendor_id": st.sampled_from(["0x04b8", "04B8", "0xZZ", "0x12345", ""]),
    "in_ep": st.sampled_from(["0x81", "0x82", "0x8f", "0x90", "0x01", ""]),
    "out_ep": st.sampled_from(["0x01", "0x0f", "0x10", "0x81", ""]),
    "database": st.sampled_from(["sqlite:///till.db", "postgres://x", "mysql://x", ""]),
    "from": st.sampled_from(["till@example.fr", "nobody", ""]),
    "host": st.sampled_from(["", "127.0.0.1", "printer.local"]),
}
HUGE = st.integers(min_value=-(2**80), max_value=2**80)
SMALL = st.integers(min_value=-5, max_value=200_000)
WHOLE = st.sampled_from([0, 1, 2, 5, 8, 25, 42, 100, 366, 9100, 9600, 65536]) | SMALL | HUGE
SCALARS = st.one_of(
    PLAUSIBLE,
    st.text(max_size=12),
    SMALL,
    HUGE,
    st.floats(),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
UNKNOWN_KEYS = st.text(min_size=1, max_size=10).filter(lambda k: k not in KNOWN)


def rarely(
    this: st.SearchStrategy[Any], *, otherwise: st.SearchStrategy[Any]
) -> st.SearchStrategy[Any]:
    """`this` one time in 25, else `otherwise`: a document has a few faults, not one per key."""
    return st.integers(min_value=1, max_value=25).flatmap(lambda n: this if n == 1 else otherwise)


def of_its_type(cls: Any, key: str) -> st.SearchStrategy[Any]:
    """A value of the type the schema declares for `key` (nearly always), or of any type."""
    hint = get_type_hints(cls).get("sender" if key == "from" else key)
    if hint is bool:
        typed: st.SearchStrategy[Any] = st.booleans()
    elif hint is int:
        typed = WHOLE
    elif hint is str:
        typed = BY_KEY.get(key, PLAUSIBLE) | st.text(max_size=12)
        if key == "kind":
            typed = st.sampled_from(PAYMENT_KINDS if cls is PaymentMethod else PRINTER_KINDS)
    else:  # tuple[str, ...]
        typed = st.lists(st.text(max_size=12), max_size=3)
    return rarely(VALUES, otherwise=typed)


def table(cls: Any) -> st.SearchStrategy[dict[str, Any]]:
    """A section: some of its real keys, rarely an unknown one, values mostly of their type."""
    known = st.fixed_dictionaries(
        {}, optional={key: of_its_type(cls, key) for key in schema_keys(cls)}
    )
    unknown = st.dictionaries(UNKNOWN_KEYS, VALUES, max_size=1)
    return rarely(st.builds(lambda a, b: {**a, **b}, known, unknown), otherwise=known)


def section(cls: Any) -> st.SearchStrategy[Any]:
    return rarely(VALUES, otherwise=table(cls))


DOCUMENTS = st.fixed_dictionaries(
    {},
    optional={
        **{name: section(cls) for name, cls in SECTIONS.items()},
        "payment_methods": st.lists(table(PaymentMethod), max_size=4) | VALUES,
    },
) | st.dictionaries(UNKNOWN_KEYS, VALUES, max_size=2)


def write(folder: Path, data: dict[str, Any]) -> Path:
    text = document(data)
    tomllib.loads(text)  # the document itself is valid TOML
    path = folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def key_names(data: dict[str, Any]) -> set[str]:
    """Every name a ConfigError may give a key of `data`: its sections, and its keys and the
    schema's in each section, as "[printer] width" or "[payment_methods #2] kind"."""
    names = {*map(printable, data), *SECTIONS, "payment_methods"}
    for name, cls in SECTIONS.items():
        section = data.get(name)
        keys = [*schema_keys(cls), "sender", *(section if isinstance(section, dict) else ())]
        names |= {f"[{name}] {printable(key)}" for key in keys}
    methods = data.get("payment_methods")
    for number, method in enumerate(methods if isinstance(methods, list) else (), start=1):
        names.add(f"payment_methods #{number}")
        keys = [*schema_keys(PaymentMethod), *(method if isinstance(method, dict) else ())]
        names |= {f"[payment_methods #{number}] {printable(key)}" for key in keys}
    return names


def printable(key: str) -> str:
    """A key as an error must show it: a key with control characters (an escape sequence a
    terminal would obey) escaped."""
    return key if key.isprintable() else repr(key)


def check(path: Path, data: dict[str, Any]) -> Config | ConfigError:
    """Load `path`: a Config that is whole, or a ConfigError that names a key."""
    try:
        config = load_config(path)
    except ConfigError as error:
        assert str(path) in str(error)
        assert error.key in key_names(data), f"{error} names a key of the schema or the file"
        assert str(error).isprintable(), (
            "nothing in the message is hidden from, or obeyed by, a terminal"
        )
        return error
    # What the config promises about itself: the threshold reads as an amount of its currency.
    assert isinstance(config.till.close_threshold_amount, int)
    assert config.payment_methods[0].kind == "cash"
    return config


fuzz = settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@fuzz
@given(data=DOCUMENTS)
@example(data={"printer": {"codepage": "a\x00b"}})
@example(data={"till": {"currency": "JPY"}})
@example(data={"till": {"close_threshold": "٣"}})
@example(data={"till": {"locale": "en_US.UTF-8@x"}})
@example(data={"printer": {"width": 2**70}})
@example(
    data={"payment_methods": [{"code": "c", "label": "C", "kind": "cash", "credit_days": 1e999}]}
)
def test_a_random_config_loads_or_names_the_offending_key(
    tmp_path: Path, data: dict[str, Any]
) -> None:
    check(write(tmp_path, data), data)


def sandboxed(data: dict[str, Any], folder: Path) -> dict[str, Any]:
    """The same document, but every database, device, file and host it names is inside
    `folder` or on this machine, so that `till doctor` touches nothing else."""
    safe = dict(data)
    if isinstance(safe.get("store"), dict):
        safe["store"] = {**safe["store"], "database": "sqlite:///till.db"}
    printer = safe.get("printer")
    if isinstance(printer, dict):
        printer = {**printer, "host": "127.0.0.1", "port": 9, "timeout": 1}
        printer |= {"device": str(folder / "no-tty"), "path": "receipts.escpos"}
        printer |= {"vendor_id": "0xffff", "product_id": "0xffff"}
        safe["printer"] = printer
    scanner = safe.get("scanner")
    if isinstance(scanner, dict) and "devices" in scanner:
        safe["scanner"] = {**scanner, "devices": [str(folder / "no-scanner")]}
    return safe


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=DOCUMENTS)
@example(data={"printer": {"codepage": "a\x00b"}})
@example(data={"till": {"currency": "JPY", "locale": "en_US"}, "printer": {"kind": "none"}})
def test_till_doctor_on_a_random_config_never_shows_a_traceback(
    tmp_path_factory: pytest.TempPathFactory, data: dict[str, Any]
) -> None:
    folder = tmp_path_factory.mktemp("config")
    data = sandboxed(data, folder)
    path = write(folder, data)
    loaded = check(path, data)
    env = {k: v for k, v in os.environ.items() if k != "TILL_CONFIG"}
    env |= {"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "utf-8", "COLUMNS": "500"}
    result = subprocess.run(
        [sys.executable, "-m", "till_tui", "--config", str(path), "doctor"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode in (0, 1), output
    if isinstance(loaded, ConfigError):
        assert result.returncode == 1
        assert loaded.key in output, output
    assert not (folder / "till.db").exists(), "the doctor changes nothing"


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"printer": {"codepage": "a\x00b"}}, "[printer] codepage"),
        ({"till": {"currency": "JPY"}}, "[till] close_threshold"),
        ({"till": {"currency": "KWD", "close_threshold": "5.125"}}, None),
        ({"till": {"close_threshold": "٣"}}, "[till] close_threshold"),
        ({"till": {"close_threshold": "１"}}, "[till] close_threshold"),
        ({"till": {"currency": "JPY", "close_threshold": "500"}}, None),
    ],
)
def test_what_the_fuzzing_found(tmp_path: Path, data: dict[str, Any], key: str | None) -> None:
    result = check(write(tmp_path, data), data)
    if key is None:
        assert isinstance(result, Config)
    else:
        assert isinstance(result, ConfigError)
        assert result.key == key


def test_the_document_writer_round_trips() -> None:
    data = {
        "top": 1,
        "till": {"register": 'R"1\\\n\x7f', "n": -(2**70), "f": 1e300, "d": date(2024, 1, 2)},
        "payment_methods": [{"code": "c", "t": time(1, 2, 3), "w": datetime(2024, 1, 2, 3, 4)}],
        "x": [{"a": [1, "b", {"c": False}]}, 3],
    }
    assert tomllib.loads(document(data)) == data
