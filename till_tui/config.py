"""config.toml -> typed, validated, frozen settings.

Unknown keys and bad values are errors that name the key and the file; nothing starts
half-configured. Every setting is documented where it is declared.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, get_type_hints

from babel import Locale, UnknownLocaleError
from babel.core import get_global

CONFIG_ENV = "TILL_CONFIG"
APP_NAME = "till-tui"

PRINTER_KINDS = ("usb", "network", "serial", "file", "none")
PRINTER_STATUS_KINDS = ("usb", "network", "serial")
"""The printer kinds whose state (online, paper) the till can read."""
RECEIPT_CHOICES = ("none", "print", "email")
_AMOUNT = re.compile(r"[0-9]{1,9}(?:[.,](?P<decimals>[0-9]{1,3}))?")
PAYMENT_KINDS = ("cash", "card", "prepaid", "credit", "external", "other")
DEFAULT_CASHIER_MAX_DISCOUNT = 10
"""Percent: the largest discount a cashier may give alone when the config says nothing."""


class ConfigError(Exception):
    """A config.toml problem; the message names the file and the key."""

    def __init__(self, path: Path | None, key: str, problem: str) -> None:
        where = f"{path}: " if path else ""
        super().__init__(f"{where}{key}: {problem}" if key else f"{where}{problem}")
        self.path = path
        self.key = key
        self.problem = problem


MAX_REGISTER_LENGTH = 32
"""Register codes are printed on receipts and reports: keep them short."""


@dataclass(frozen=True, slots=True)
class StoreConfig:
    database: str = "sqlite:///till.db"
    """Database URL; a relative SQLite path is relative to the config file."""


@dataclass(frozen=True, slots=True)
class TillConfig:
    register: str = "R1"
    """This till's register code: sale numbers, shifts and journal chains are per register."""
    currency: str = "EUR"
    """ISO 4217 currency code."""
    locale: str = "fr_FR"
    """UI language, and money, number and date formats (fr_FR, en_US...)."""
    default_customer: str = ""
    """Card code of a customer attached to every new sale (optional)."""
    receipt_default: str = "none"
    """Receipt choice preselected after a payment: none, print or email."""
    close_threshold: str = "5.00"
    """Closing a shift with a count that differs by more than this (per method) needs a note
    and a manager's PIN."""
    cashier_max_discount: int = DEFAULT_CASHIER_MAX_DISCOUNT
    """The largest discount, in percent of what it applies to (a line or the whole sale), a
    cashier gives without a manager's PIN: 0, every discount needs one; 100, none does."""

    @property
    def close_threshold_amount(self) -> int:
        """`close_threshold` in minor units (checked when the config is loaded)."""
        from till_tui.domain.money import parse_money

        return parse_money(self.close_threshold, self.currency)


@dataclass(frozen=True, slots=True)
class ShopConfig:
    name: str = ""
    """Shop name printed at the top of every receipt."""
    header: tuple[str, ...] = ()
    """Lines under the name: address, phone, VAT number (SIRET, TVA intracom.)."""
    footer: tuple[str, ...] = ()
    """Lines at the bottom of every receipt."""


@dataclass(frozen=True, slots=True)
class PrinterConfig:
    kind: str = "none"
    """Where receipts go: usb, network, serial, file (ESC/POS bytes appended to `path`) or
    none."""
    path: str = ""
    """For kind = "file": the file or device (/dev/usb/lp0); relative to the config file."""
    vendor_id: str = ""
    """For kind = "usb": the printer's USB vendor id in hex, like "0x04b8" (`lsusb` shows it)."""
    product_id: str = ""
    """For kind = "usb": the printer's USB product id in hex, like "0x0202"."""
    interface: int = 0
    """For kind = "usb": the USB interface number of the printer (almost always 0)."""
    in_ep: str = ""
    """For kind = "usb": the IN endpoint that reads the status, like "0x82"; empty: found."""
    out_ep: str = ""
    """For kind = "usb": the OUT endpoint that takes the receipts, like "0x01"; empty: found."""
    host: str = ""
    """For kind = "network": the printer's IP address or host name."""
    port: int = 9100
    """For kind = "network": the TCP port of raw ESC/POS printing."""
    device: str = ""
    """For kind = "serial": the serial port, like /dev/ttyUSB0 or /dev/ttyS0."""
    baudrate: int = 9600
    """For kind = "serial": the speed set on the printer (often 9600, 19200 or 38400)."""
    bytesize: int = 8
    """For kind = "serial": data bits (8 nearly always)."""
    parity: str = "N"
    """For kind = "serial": N (none), E (even), O (odd), M (mark) or S (space)."""
    stopbits: int = 1
    """For kind = "serial": 1 or 2."""
    timeout: int = 5
    """Seconds a usb, network or serial printer may take to connect or take a receipt."""
    width: int = 42
    """Characters per receipt line (42 for 80 mm paper, 32 for 58 mm)."""
    profile: str = ""
    """python-escpos printer profile name; empty for the generic one."""
    codepage: str = "CP858"
    """Code page that prints accents and the euro sign."""
    drawer: bool = True
    """A cash drawer is plugged into the printer: it opens after a sale paid partly in cash."""
    drawer_pin: int = 2
    """The printer's drawer kick-out pin: 2 or 5."""


@dataclass(frozen=True, slots=True)
class ScannerConfig:
    devices: tuple[str, ...] = ()
    """evdev device paths of barcode scanners (best the stable /dev/input/by-id/... links);
    empty to detect them."""
    customer_card_prefix: str = ""
    """Codes starting with this prefix are customer cards."""
    wedge_gap_ms: int = 30
    """Scanners that type (keyboard wedge): keys less than this many milliseconds apart, at
    least `wedge_min_length` of them and then Enter, are a scan whatever field has the focus
    (people type 80-250 ms apart). 0 turns this off; at most 100."""
    wedge_min_length: int = 4
    """The fewest characters such a burst has to count as a scan (2 to 64)."""
    prefix: str = ""
    """Characters a scanner sends before each code (its configured preamble), stripped."""
    suffix: str = ""
    """Characters a scanner sends after each code, before Enter (its postamble), stripped."""


@dataclass(frozen=True, slots=True)
class EmailConfig:
    """The SMTP server that sends e-mailed receipts (write the sender as `from`)."""

    host: str = ""
    """SMTP server name; empty: receipts cannot be e-mailed."""
    port: int = 587
    """587 with starttls, 465 with ssl, 25 for a local relay."""
    starttls: bool = True
    """Upgrade the connection with STARTTLS before logging in."""
    ssl: bool = False
    """Connect with TLS from the start (port 465); not with starttls."""
    user: str = ""
    """Login name; empty: no login."""
    password: str = ""
    """Password (prefer password_file, readable by the till's user only)."""
    password_file: str = ""
    """File holding the password on its first line; relative to the config file."""
    sender: str = ""
    """The From address of receipts (the `from` key)."""
    timeout: int = 10
    """Seconds before a silent server counts as down."""

    @property
    def enabled(self) -> bool:
        return bool(self.host)


@dataclass(frozen=True, slots=True)
class PaymentMethod:
    code: str
    """Short code stored with each payment (cash, card, room...)."""
    label: str
    """Name shown to the cashier and printed on the receipt."""
    kind: str
    """cash, card, prepaid, credit, external or other."""
    requires_reference: bool = False
    """The cashier must type a reference (e.g. a room number) for this method."""
    external_id: str = ""
    """Identifier of the method in an external system (e.g. the hotel's PMS)."""
    ask_last4: bool = False
    """Card: ask for the last 4 digits of the card."""
    credit_days: int = 30
    """Credit: days until a sale on account is due."""


CASH = PaymentMethod(code="cash", label="Cash", kind="cash")


@dataclass(frozen=True, slots=True)
class Config:
    """The whole validated configuration of one till."""

    path: Path | None
    base_dir: Path
    store: StoreConfig = field(default_factory=StoreConfig)
    till: TillConfig = field(default_factory=TillConfig)
    shop: ShopConfig = field(default_factory=ShopConfig)
    printer: PrinterConfig = field(default_factory=PrinterConfig)
    scanner: ScannerConfig = field(default_factory=ScannerConfig)
    payment_methods: tuple[PaymentMethod, ...] = (CASH,)
    email: EmailConfig = field(default_factory=EmailConfig)

    def resolve(self, relative: str) -> Path:
        """A path from the config, relative to the config file's folder."""
        path = Path(relative).expanduser()
        return path if path.is_absolute() else self.base_dir / path


def default_config_path() -> Path:
    """`TILL_CONFIG`, else config.toml in the user's config folder."""
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env)
    from platformdirs import user_config_path

    return user_config_path(APP_NAME) / "config.toml"


def load_config(path: Path) -> Config:
    """Read and validate `path`; raise ConfigError naming the file and key of any problem."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(path, "", "file not found (run `till demo` to try the till)") from None
    except OSError as error:
        raise ConfigError(path, "", f"cannot read the file ({error.strerror})") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(path, "", "the file is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(path, "", f"not valid TOML ({error})") from None
    return parse_config(data, path=path, base_dir=path.resolve().parent)


def parse_config(data: dict[str, Any], *, path: Path | None, base_dir: Path) -> Config:
    """Validate parsed TOML `data` into a Config."""
    sections = {"store", "till", "shop", "printer", "scanner", "payment_methods", "email"}
    for key in data:
        if key not in sections:
            known = ", ".join(sorted(sections))
            raise ConfigError(path, _key_name(key), f"unknown section (known: {known})")
    store = _section(StoreConfig, data.get("store", {}), "store", path)
    till = _section(TillConfig, data.get("till", {}), "till", path)
    shop = _section(ShopConfig, data.get("shop", {}), "shop", path)
    printer = _section(PrinterConfig, data.get("printer", {}), "printer", path)
    scanner = _section(ScannerConfig, data.get("scanner", {}), "scanner", path)
    _check_till(till, path)
    _check_printer(printer, path)
    _check_wedge(scanner, path)
    methods = _payment_methods(data.get("payment_methods", []), path)
    email = _email(data.get("email", {}), path)
    return Config(path, base_dir, store, till, shop, printer, scanner, methods, email)


def _key_name(key: str) -> str:
    """A key as an error names it: as written, or quoted with escapes if it holds characters
    a terminal would not show (or would obey, like an escape sequence)."""
    return key if key.isprintable() else repr(key)


def _section(cls: Any, table: Any, name: str, path: Path | None) -> Any:
    if not isinstance(table, dict):
        raise ConfigError(path, name, "must be a table like [" + name + "]")
    hints = get_type_hints(cls)
    known = {f.name for f in fields(cls)}
    values: dict[str, Any] = {}
    for key, value in table.items():
        full = f"[{name}] {_key_name(key)}"
        if key not in known:
            raise ConfigError(path, full, f"unknown key (known: {', '.join(sorted(known))})")
        values[key] = _typed(value, hints[key], full, path)
    try:
        return cls(**values)
    except TypeError as error:  # a required key is missing
        missing = [f.name for f in fields(cls) if f.name not in values]
        raise ConfigError(path, f"[{name}] {missing[0]}", "is required") from error


def _typed(value: Any, hint: Any, key: str, path: Path | None) -> Any:
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(path, key, f"must be true or false, not {value!r}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(path, key, f"must be a whole number, not {value!r}")
        return value
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(path, key, f"must be a string in quotes, not {value!r}")
        return value
    # tuple[str, ...]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(path, key, f'must be a list of strings like ["a", "b"], not {value!r}')
    return tuple(value)


def _check_till(till: TillConfig, path: Path | None) -> None:
    if not till.register.strip():
        raise ConfigError(path, "[till] register", "must not be empty")
    if len(till.register) > MAX_REGISTER_LENGTH or not till.register.isprintable():
        raise ConfigError(
            path,
            "[till] register",
            f'must be at most {MAX_REGISTER_LENGTH} printable characters, like "R1"',
        )
    if "/" in till.register:
        # "R1/training" numbers the training sales of R1: a real register never has a "/".
        raise ConfigError(path, "[till] register", 'must not contain "/", like "R1"')
    try:
        Locale.parse(till.locale)
    except (UnknownLocaleError, ValueError):
        raise ConfigError(path, "[till] locale", f"unknown locale {till.locale!r}") from None
    if till.currency not in get_global("all_currencies"):
        raise ConfigError(path, "[till] currency", f"unknown currency {till.currency!r}")
    if till.receipt_default not in RECEIPT_CHOICES:
        choices = " | ".join(RECEIPT_CHOICES)
        raise ConfigError(path, "[till] receipt_default", f"must be one of {choices}")
    # Checked by shape here (the money parser loads Babel's number formats, which start-up
    # does not need); `close_threshold_amount` parses it when a shift closes.
    amount = _AMOUNT.fullmatch(till.close_threshold.strip())
    fractions = get_global("currency_fractions")
    digits = fractions.get(till.currency, fractions["DEFAULT"])[0]
    if not amount or len(amount["decimals"] or "") > digits:
        example = "5" + ("." + "0" * digits if digits else "")
        raise ConfigError(
            path,
            "[till] close_threshold",
            f'must be an amount like "{example}" in {till.currency}, not {till.close_threshold!r}',
        )
    if not 0 <= till.cashier_max_discount <= 100:
        raise ConfigError(
            path,
            "[till] cashier_max_discount",
            "must be a percentage between 0 (every discount needs a manager) and 100 (none does),"
            f" not {till.cashier_max_discount!r}",
        )


def _check_printer(printer: PrinterConfig, path: Path | None) -> None:
    if printer.kind not in PRINTER_KINDS:
        kinds = " | ".join(PRINTER_KINDS)
        raise ConfigError(path, "[printer] kind", f"{printer.kind!r} is not one of {kinds}")
    if printer.kind == "file" and not printer.path:
        raise ConfigError(path, "[printer] path", 'is required when kind = "file"')
    _check_printer_connection(printer, path)
    if printer.drawer_pin not in (2, 5):
        raise ConfigError(path, "[printer] drawer_pin", "must be 2 or 5")
    if not 24 <= printer.width <= 80:
        raise ConfigError(path, "[printer] width", "must be between 24 and 80 characters")
    try:
        "€".encode(printer.codepage)
    except LookupError:
        raise ConfigError(
            path, "[printer] codepage", f"unknown code page {printer.codepage!r}"
        ) from None
    except UnicodeEncodeError:
        raise ConfigError(
            path, "[printer] codepage", f"{printer.codepage} cannot print the euro sign"
        ) from None
    except ValueError:  # e.g. a NUL character in the name
        raise ConfigError(
            path, "[printer] codepage", f"unknown code page {printer.codepage!r}"
        ) from None


_HEX_ID = re.compile(r"(?:0x)?[0-9a-f]{1,4}", re.IGNORECASE)
_BAUDRATES = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)


def _check_printer_connection(printer: PrinterConfig, path: Path | None) -> None:
    """The settings of the usb, network and serial kinds (each checked whatever the kind, when
    set; required only by its own kind)."""
    for key in ("vendor_id", "product_id"):
        value = getattr(printer, key).strip()
        if value and not _HEX_ID.fullmatch(value):
            raise ConfigError(
                path, f"[printer] {key}", f"must be a hex id like 0x04b8, not {value!r}"
            )
        if printer.kind == "usb" and not value:
            raise ConfigError(
                path, f"[printer] {key}", 'is required when kind = "usb" (a hex id like 0x04b8)'
            )
    for key, low, example in (("in_ep", 0x81, "0x82"), ("out_ep", 0x01, "0x01")):
        value = getattr(printer, key).strip()
        if value and not (_HEX_ID.fullmatch(value) and low <= int(value, 16) <= low + 14):
            raise ConfigError(
                path,
                f"[printer] {key}",
                f"must be an endpoint like {example} ({low:#04x} to {low + 14:#04x}), "
                "or empty to find it",
            )
    if not 0 <= printer.interface <= 255:
        raise ConfigError(path, "[printer] interface", "must be between 0 and 255")
    if printer.kind == "network" and not printer.host.strip():
        raise ConfigError(
            path, "[printer] host", 'is required when kind = "network" (the printer\'s address)'
        )
    if not 0 < printer.port < 65536:
        raise ConfigError(path, "[printer] port", "must be between 1 and 65535")
    if printer.kind == "serial" and not printer.device.strip():
        raise ConfigError(
            path, "[printer] device", 'is required when kind = "serial" (like /dev/ttyUSB0)'
        )
    if printer.baudrate not in _BAUDRATES:
        rates = ", ".join(map(str, _BAUDRATES))
        raise ConfigError(path, "[printer] baudrate", f"must be one of {rates}")
    if printer.bytesize not in (5, 6, 7, 8):
        raise ConfigError(path, "[printer] bytesize", "must be 5, 6, 7 or 8")
    if printer.parity.upper() not in ("N", "E", "O", "M", "S"):
        raise ConfigError(path, "[printer] parity", "must be N, E, O, M or S (N: none)")
    if printer.stopbits not in (1, 2):
        raise ConfigError(path, "[printer] stopbits", "must be 1 or 2")
    if not 1 <= printer.timeout <= 120:
        raise ConfigError(path, "[printer] timeout", "must be between 1 and 120 seconds")


def _check_wedge(scanner: ScannerConfig, path: Path | None) -> None:
    if not 0 <= scanner.wedge_gap_ms <= 100:
        raise ConfigError(
            path,
            "[scanner] wedge_gap_ms",
            "must be between 0 (off) and 100 milliseconds (people type 80 ms apart or more)",
        )
    if not 2 <= scanner.wedge_min_length <= 64:
        raise ConfigError(path, "[scanner] wedge_min_length", "must be between 2 and 64")


def _payment_methods(items: Any, path: Path | None) -> tuple[PaymentMethod, ...]:
    if not isinstance(items, list):
        raise ConfigError(path, "payment_methods", "must be written as [[payment_methods]] tables")
    methods: list[PaymentMethod] = []
    for number, item in enumerate(items, start=1):
        method: PaymentMethod = _section(PaymentMethod, item, f"payment_methods #{number}", path)
        key = f"[payment_methods #{number}]"
        if method.kind not in PAYMENT_KINDS:
            kinds = " | ".join(PAYMENT_KINDS)
            raise ConfigError(path, f"{key} kind", f"{method.kind!r} is not one of {kinds}")
        if not method.code.strip() or not method.label.strip():
            raise ConfigError(path, f"{key} code", "code and label must not be empty")
        if any(m.code == method.code for m in methods):
            raise ConfigError(path, f"{key} code", f"{method.code!r} is used twice")
        _check_method(method, key, methods, path)
        methods.append(method)
    cash = [m for m in methods if m.kind == "cash"]
    others = [m for m in methods if m.kind != "cash"]
    # Cash is always first (key 1) and cannot be disabled.
    result = (cash[0] if cash else CASH, *cash[1:], *others)
    if len(result) > 9:
        raise ConfigError(path, "payment_methods", "at most 9 methods (keys 1 to 9), cash included")
    return result


def _check_method(
    method: PaymentMethod, key: str, earlier: list[PaymentMethod], path: Path | None
) -> None:
    if method.ask_last4 and method.kind != "card":
        raise ConfigError(path, f"{key} ask_last4", "is only for card methods")
    if method.requires_reference and method.kind not in ("external", "other"):
        raise ConfigError(
            path, f"{key} requires_reference", "is only for external and other methods"
        )
    if method.external_id and method.kind != "external":
        raise ConfigError(path, f"{key} external_id", "is only for external methods")
    if not 0 <= method.credit_days <= 366:
        raise ConfigError(path, f"{key} credit_days", "must be between 0 and 366")
    if method.kind in ("prepaid", "credit") and any(m.kind == method.kind for m in earlier):
        raise ConfigError(
            path, f"{key} kind", f"only one {method.kind} method: a customer has one account"
        )


def _email(table: Any, path: Path | None) -> EmailConfig:
    if isinstance(table, dict):
        if "sender" in table:
            raise ConfigError(path, "[email] sender", "unknown key (write the sender as `from`)")
        table = {("sender" if key == "from" else key): value for key, value in table.items()}
    try:
        email: EmailConfig = _section(EmailConfig, table, "email", path)
    except ConfigError as error:  # name the key as the file writes it
        key = error.key.replace("] sender", "] from")
        raise ConfigError(path, key, error.problem.replace("sender", "from")) from None
    if email.ssl and email.starttls:
        raise ConfigError(path, "[email] ssl", "use ssl (port 465) or starttls, not both")
    if email.password and email.password_file:
        raise ConfigError(path, "[email] password_file", "set password or password_file, not both")
    if not 0 < email.port < 65536:
        raise ConfigError(path, "[email] port", "must be between 1 and 65535")
    if email.timeout <= 0:
        raise ConfigError(path, "[email] timeout", "must be more than zero")
    if email.host and "@" not in email.sender:
        raise ConfigError(path, "[email] from", "an e-mail address is required to send receipts")
    return email
