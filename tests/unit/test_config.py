"""config.toml: typed, validated, and every error names the file and the key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import write_config
from till_tui.config import ConfigError, load_config

GOOD = """
[store]
database = "sqlite:///data/till.db"
[till]
register = "R2"
currency = "EUR"
locale = "fr_FR"
receipt_default = "print"
[shop]
name = "Épicerie Hélène"
header = ["1 rue de la Paix", "75002 Paris"]
[printer]
kind = "file"
path = "out/receipts.escpos"
width = 32
[scanner]
customer_card_prefix = "CUST"
[[payment_methods]]
code = "card"
label = "Carte bancaire"
kind = "card"
ask_last4 = true
[[payment_methods]]
code = "room"
label = "Chambre"
kind = "external"
requires_reference = true
[[payment_methods]]
code = "cash"
label = "Espèces"
kind = "cash"
"""


def test_a_full_config_is_read_with_paths_relative_to_its_folder(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path / "shop", GOOD))
    assert config.till.register == "R2"
    assert config.shop.header == ("1 rue de la Paix", "75002 Paris")
    assert config.printer.width == 32
    assert config.resolve(config.printer.path) == tmp_path / "shop" / "out" / "receipts.escpos"
    assert config.scanner.customer_card_prefix == "CUST"


def test_cash_is_always_first_whatever_the_order_in_the_file(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, GOOD))
    assert [m.code for m in config.payment_methods] == ["cash", "card", "room"]
    assert config.payment_methods[2].requires_reference


def test_cash_is_there_even_when_the_file_forgets_it(tmp_path: Path) -> None:
    config = load_config(
        write_config(tmp_path, '[[payment_methods]]\ncode="card"\nlabel="Card"\nkind="card"\n')
    )
    assert [m.kind for m in config.payment_methods] == ["cash", "card"]


def test_an_empty_file_gives_working_defaults(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, ""))
    assert config.till.currency == "EUR"
    assert config.printer.kind == "none"
    assert [m.kind for m in config.payment_methods] == ["cash"]


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        ("[till]\nregster = 'R1'\n", "[till] regster", "unknown key"),
        ("[tills]\n", "tills", "unknown section"),
        ("[till]\nregister = 'R1/training'\n", "[till] register", 'not contain "/"'),
        ('[till]\nregister = "R\\t1"\n', "[till] register", "printable"),
        ("[till]\nregister = '" + "R" * 33 + "'\n", "[till] register", "at most 32"),
        ("[till]\nlocale = 'xx_YY'\n", "[till] locale", "unknown locale"),
        ("[till]\ncurrency = 'EURO'\n", "[till] currency", "unknown currency"),
        ("[till]\nreceipt_default = 'sms'\n", "[till] receipt_default", "one of"),
        ("[till]\nclose_threshold = 'five'\n", "[till] close_threshold", "an amount like"),
        ("[till]\nclose_threshold = '-1'\n", "[till] close_threshold", "an amount like"),
        ("[till]\nclose_threshold = '5.001'\n", "[till] close_threshold", "an amount like"),
        ("[till]\nclose_threshold = 5\n", "[till] close_threshold", "string in quotes"),
        ("[printer]\nkind = 'usb2'\n", "[printer] kind", "not one of"),
        ("[printer]\nkind = 'file'\n", "[printer] path", "required"),
        ("[printer]\nwidth = '42'\n", "[printer] width", "whole number"),
        ("[printer]\nwidth = 8\n", "[printer] width", "between"),
        ("[printer]\ncodepage = 'cp437'\n", "[printer] codepage", "euro"),
        ("[scanner]\ndevices = '/dev/input/event3'\n", "[scanner] devices", "list of strings"),
        ("[[payment_methods]]\ncode='x'\nlabel='X'\nkind='bitcoin'\n", "kind", "not one of"),
        ("[[payment_methods]]\ncode='x'\nkind='card'\n", "label", "required"),
        (
            "[[payment_methods]]\ncode='c'\nlabel='A'\nkind='card'\n"
            "[[payment_methods]]\ncode='c'\nlabel='B'\nkind='card'\n",
            "code",
            "used twice",
        ),
    ],
)
def test_a_bad_value_names_the_file_and_the_key(
    tmp_path: Path, text: str, key: str, problem: str
) -> None:
    path = write_config(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert str(path) in message
    assert key in message
    assert problem in message


def test_broken_toml_says_where(tmp_path: Path) -> None:
    path = write_config(tmp_path, "[till\nregister = R1\n")
    with pytest.raises(ConfigError, match="not valid TOML") as caught:
        load_config(path)
    assert str(path) in str(caught.value)


def test_a_missing_file_points_to_the_demo(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="till demo"):
        load_config(tmp_path / "nowhere.toml")


def test_the_email_section_reads_from_as_the_sender(tmp_path: Path) -> None:
    config = load_config(
        write_config(
            tmp_path,
            '[email]\nhost = "smtp.exemple.fr"\nport = 465\nssl = true\nstarttls = false\n'
            'user = "till"\npassword_file = "secrets/smtp"\n'
            'from = "Boutique <tickets@exemple.fr>"\n',
        )
    )
    email = config.email
    assert email.enabled
    assert email.sender == "Boutique <tickets@exemple.fr>"
    assert email.host == "smtp.exemple.fr"
    assert email.port == 465
    assert email.ssl
    assert not email.starttls
    assert email.user == "till"
    assert config.resolve(email.password_file) == tmp_path / "secrets" / "smtp"


def test_without_an_email_section_receipts_cannot_be_mailed(tmp_path: Path) -> None:
    email = load_config(write_config(tmp_path, "")).email
    assert not email.enabled
    assert (email.port, email.starttls, email.ssl, email.timeout) == (587, True, False, 10)


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        ("[email]\nhots = 'smtp.exemple.fr'\n", "[email] hots", "unknown key"),
        ("[email]\nsender = 'a@exemple.fr'\n", "[email] sender", "`from`"),
        ("[email]\nfrom = 7\n", "[email] from", "string"),
        ("[email]\nssl = true\nstarttls = true\n", "[email] ssl", "not both"),
        (
            "[email]\npassword = 'x'\npassword_file = 'smtp.txt'\n",
            "[email] password_file",
            "not both",
        ),
        ("[email]\nhost = 'smtp.exemple.fr'\n", "[email] from", "address is required"),
        ("[email]\nhost = 'smtp.exemple.fr'\nfrom = 'tickets'\n", "[email] from", "required"),
        ("[email]\nport = 0\n", "[email] port", "between 1 and 65535"),
        ("[email]\ntimeout = 0\n", "[email] timeout", "more than zero"),
        ("email = 'smtp.exemple.fr'\n", "email", "table"),
    ],
)
def test_a_bad_email_setting_names_the_key(
    tmp_path: Path, text: str, key: str, problem: str
) -> None:
    path = write_config(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.path == path
    assert caught.value.key == key
    assert problem in caught.value.problem


@pytest.mark.parametrize(("text", "minor"), [("5.00", 500), ("10", 1000), ("2,50", 250), ("0", 0)])
def test_close_threshold(tmp_path: Path, text: str, minor: int) -> None:
    path = write_config(tmp_path, f"[till]\nclose_threshold = {text!r}\n")
    assert load_config(path).till.close_threshold_amount == minor


EXAMPLE = Path(__file__).parents[2] / "config.toml"


def test_the_example_config_loads_and_lists_every_key() -> None:
    """The repository's config.toml is a working example that shows every setting."""
    import dataclasses
    import re

    from till_tui.config import Config, PaymentMethod

    config = load_config(EXAMPLE)
    assert config.till.register == "R1"
    assert [method.kind for method in config.payment_methods] == [
        "cash", "card", "prepaid", "credit", "external",
    ]  # fmt: skip
    text = EXAMPLE.read_text("utf-8")
    defaults = Config(path=None, base_dir=Path())
    sections: dict[str, Any] = {
        field.name: type(getattr(defaults, field.name))
        for field in dataclasses.fields(Config)
        if dataclasses.is_dataclass(getattr(defaults, field.name))
    }
    assert {"till", "printer", "email"} <= set(sections)
    bodies = {name: text.split(f"\n[{name}]\n", 1)[1].split("\n[", 1)[0] for name in sections}
    bodies["payment_methods"] = text.split("\n[[payment_methods]]\n", 1)[1]
    sections["payment_methods"] = PaymentMethod
    for name, shape in sections.items():
        written = set(re.findall(r"^#? ?(\w+) *=", bodies[name], re.MULTILINE))
        for field in dataclasses.fields(shape):
            key = "from" if (name, field.name) == ("email", "sender") else field.name
            assert key in written, f"config.toml does not show [{name}] {key}"
