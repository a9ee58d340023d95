"""`till export payments`: the CSV an accountant opens, from real sales in a real SQLite file,
written by the real `till` command in a subprocess (time zone Europe/Paris)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import CASHIER_PIN, MANAGER_PIN, write_config
from tests.test_cli import till
from till_tui.config import load_config
from till_tui.demo import DemoStore, demo_barcode
from till_tui.domain.cart import Cart
from till_tui.domain.staff import StaffMember
from till_tui.domain.tender import Tender, make_tender
from till_tui.store.db import close_database
from till_tui.store.exports import PAYMENT_COLUMNS, SALE_COLUMNS, plain_amount, utc_bounds
from till_tui.store.models import Sale
from till_tui.store.services import Services

PARIS = ZoneInfo("Europe/Paris")
HEADER = "sale_number,date,register,staff,customer,method,amount,reference,external_id"

CONFIG = """\
[store]
database = "sqlite:///{database}"

[till]
register = "R1"
locale = "{locale}"

[printer]
kind = "none"

[[payment_methods]]
code = "cash"
label = "Cash"
kind = "cash"

[[payment_methods]]
code = "card"
label = "Card"
kind = "card"
ask_last4 = true

[[payment_methods]]
code = "room"
label = "Room"
kind = "external"
requires_reference = true
external_id = "PMS-ROOM"

[[payment_methods]]
code = "cheque"
label = "Cheque"
kind = "other"
"""

# demo catalogue indexes: 1.50, 9.90, 14.90, 1.20, 8.90, 2.50, 12.90 (see till_tui/demo.py)
EXPRESSO, SALADE, MENU, CROISSANT, WINE, NEWSPAPER, CANDLE = 1, 9, 12, 13, 39, 43, 46

DAY = [  # --from 2025-11-24 --to 2025-11-24, in Paris (UTC+1 in November)
    ["2", "2025-11-24 00:30:00", "R1", "Camille", "", "cash", "1.20", "", ""],
    ["3", "2025-11-24 14:03:05", "R1", "Camille", "", "card", "12.50", "", ""],
    ["3", "2025-11-24 14:03:05", "R1", "Camille", "", "cash", "10.30", "", ""],
    ["1", "2025-11-24 14:03:05", "R2", "Patron", "", "cheque", "8.90", "0001234", ""],
    ["4", "2025-11-24 16:00:00", "R1", "Patron", "Hôtel du Parc", "room", "14.90", "204",
     "PMS-ROOM"],
]  # fmt: skip
BEFORE = ["1", "2025-11-23 23:30:00", "R1", "Camille", "", "cash", "1.50", "", ""]
AFTER = ["5", "2025-11-25 00:30:00", "R1", "Camille", "", "voucher", "2.50", "", ""]


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@contextmanager
def stamped(when: datetime | None) -> Iterator[None]:
    """Sales completed inside are stamped `when` instead of now (None: now)."""
    if when is None:
        yield
        return
    original = Sale.create
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            Sale, "create", classmethod(lambda cls, **row: original(created_at=when, **row))
        )
        yield


class Register:
    """A register with a shift open, selling the demo catalogue."""

    def __init__(self, services: Services, staff: StaffMember) -> None:
        self.services = services
        self.staff = staff
        shift = services.shifts.current() or services.shifts.open(staff, 10_000)
        self.shift_id = shift.id

    def cart(self, *indexes: int, customer_card: str = "") -> Cart:
        cart = Cart()
        for index in indexes:
            product = self.services.catalog.find(demo_barcode(index))
            assert product is not None
            cart, _line = cart.add(product)
        if customer_card:
            customer = self.services.customers.find_by_card(customer_card)
            assert customer is not None
            cart = cart.with_customer(customer.id)
        return cart

    def sell(self, cart: Cart, *tenders: Tender, at: datetime | None = None) -> int:
        with stamped(at):
            sale = self.services.sales.complete(
                cart, tenders, staff=self.staff, shift_id=self.shift_id
            )
        return sale.number


def tender(
    method: str,
    kind: str,
    typed: int,
    due: int,
    *,
    reference: str = "",
    last4: str = "",
    external_id: str = "",
) -> Tender:
    """A tender made the way the payment screen makes it."""
    return make_tender(
        method=method,
        kind=kind,
        label=method.title(),
        typed=typed,
        due=due,
        reference=reference,
        last4=last4,
        external_id=external_id,
    )


def shop_config(demo: DemoStore, folder: Path, locale: str = "en_US") -> Path:
    text = CONFIG.format(database=(demo.folder / "till.db").as_posix(), locale=locale)
    return write_config(folder, text)


@pytest.fixture
def shop(demo: DemoStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo store with sales around 2025-11-24 on registers R1 and R2; its config.toml."""
    config = shop_config(demo, tmp_path / "shop")
    services = Services.open(load_config(config))
    cashier = services.staff.authenticate(CASHIER_PIN)
    manager = services.staff.authenticate(MANAGER_PIN)
    assert cashier is not None and manager is not None
    r1 = Register(services, cashier)
    r2 = Register(Services("R2"), manager)

    # 23:30 in Paris on the 23rd: before the day
    r1.sell(r1.cart(EXPRESSO), tender("cash", "cash", 200, 150), at=utc("2025-11-23 22:30"))
    # 00:30 in Paris on the 24th, still the 23rd in UTC: in the day
    r1.sell(r1.cart(CROISSANT), tender("cash", "cash", 120, 120), at=utc("2025-11-23 23:30"))
    # split: 12.50 by card, the rest (10.30) in cash from a 20.00 note
    cart = r1.cart(CANDLE, SALADE)
    r1.sell(
        cart,
        tender("card", "card", 1250, 2280, last4="4242"),
        tender("cash", "cash", 2000, 1030),
        at=utc("2025-11-24 13:03:05"),
    )
    # the same second on R2: after R1's sale
    r2.sell(
        r2.cart(WINE),
        tender("cheque", "other", 890, 890, reference="0001234"),
        at=utc("2025-11-24 13:03:05"),
    )
    # the manager charges the hotel's room 204 for a customer's lunch
    hotel = Register(services, manager)  # on R1's open shift
    hotel.sell(
        r1.cart(MENU, customer_card="2900000000032"),
        tender("room", "external", 1490, 1490, reference="204", external_id="PMS-ROOM"),
        at=utc("2025-11-24 15:00"),
    )
    # 00:30 in Paris on the 25th: after the day; a method no longer in the config
    r1.sell(r1.cart(NEWSPAPER), tender("voucher", "other", 250, 250), at=utc("2025-11-24 23:30"))
    close_database()
    monkeypatch.setenv("TZ", "Europe/Paris")
    return config


def export(tmp_path: Path, config: Path, *args: str) -> tuple[int, list[list[str]], str]:
    """Run `till export payments ARGS`: exit code, CSV rows (header first), stderr."""
    result = till(tmp_path, "export", "payments", *args, config=config)
    assert "Traceback" not in result.stderr
    return result.returncode, list(csv.reader(io.StringIO(result.stdout))), result.stderr


# --- what the accountant gets ---------------------------------------------------------------------


def test_one_row_per_payment_of_the_day_in_order(tmp_path: Path, shop: Path) -> None:
    code, rows, stderr = export(tmp_path, shop, "--from", "2025-11-24", "--to", "2025-11-24")
    assert code == 0, stderr
    assert stderr == ""
    assert rows[0] == list(PAYMENT_COLUMNS) == HEADER.split(",")
    assert rows[1:] == DAY  # the sales at 23:30 on the 23rd and 00:30 on the 25th are left out


def test_the_dates_are_local_days_both_included(tmp_path: Path, shop: Path) -> None:
    code, rows, stderr = export(tmp_path, shop, "--from", "2025-11-23", "--to", "2025-11-25")
    assert code == 0, stderr
    assert rows[1:] == [BEFORE, *DAY, AFTER]

    code, rows, _stderr = export(tmp_path, shop, "--from", "2025-11-23", "--to", "2025-11-23")
    assert rows[1:] == [BEFORE]
    code, rows, _stderr = export(tmp_path, shop, "--to", "2025-11-25")  # --from = --to
    assert rows[1:] == [AFTER]
    code, rows, _stderr = export(tmp_path, shop, "--from", "2025-11-26", "--to", "2025-12-31")
    assert (code, rows) == (0, [HEADER.split(",")])


def test_without_dates_it_is_today(tmp_path: Path, shop: Path) -> None:
    services = Services.open(load_config(shop))
    cashier = services.staff.authenticate(CASHIER_PIN)
    assert cashier is not None
    register = Register(services, cashier)
    number = register.sell(register.cart(CROISSANT), tender("card", "card", 120, 120))
    close_database()
    today = datetime.now(PARIS).date()

    code, rows, stderr = export(tmp_path, shop)

    if datetime.now(PARIS).date() != today:
        pytest.skip("midnight passed in Paris during the test")
    assert code == 0, stderr
    assert [row[0] for row in rows[1:]] == [str(number)]
    assert rows[1][1].startswith(today.isoformat())
    assert rows[1][5:7] == ["card", "1.20"]


def test_method_filter(tmp_path: Path, shop: Path) -> None:
    day = ("--from", "2025-11-24", "--to", "2025-11-24")
    _code, rows, _stderr = export(tmp_path, shop, *day, "--method", "card")
    assert rows[1:] == [DAY[1]]
    _code, rows, _stderr = export(tmp_path, shop, *day, "--method", "room")
    assert rows[1:] == [DAY[4]]
    assert rows[1][4] == "Hôtel du Parc"
    _code, rows, _stderr = export(tmp_path, shop, *day, "--method", "cash")
    assert rows[1:] == [DAY[0], DAY[2]]


def test_register_filter(tmp_path: Path, shop: Path) -> None:
    day = ("--from", "2025-11-24", "--to", "2025-11-24")
    _code, rows, _stderr = export(tmp_path, shop, *day, "--register", "R2")
    assert rows[1:] == [DAY[3]]
    _code, rows, _stderr = export(tmp_path, shop, *day, "--register", "R1", "--method", "cash")
    assert rows[1:] == [DAY[0], DAY[2]]


def test_a_method_recorded_but_no_longer_configured_is_exported_with_a_warning(
    tmp_path: Path, shop: Path
) -> None:
    code, rows, stderr = export(
        tmp_path, shop, "--from", "2025-11-01", "--to", "2025-11-30", "--method", "voucher"
    )
    assert code == 0
    assert rows[1:] == [AFTER]
    assert "voucher is not in the configuration" in stderr


def test_output_file_and_excel(tmp_path: Path, shop: Path, demo: DemoStore) -> None:
    day = ("--from", "2025-11-24", "--to", "2025-11-24")
    result = till(tmp_path, "export", "payments", *day, "--output", "day.csv", config=shop)
    assert result.returncode == 0, result.stderr
    assert "5 payments written to day.csv" in result.stdout
    data = (tmp_path / "day.csv").read_bytes()
    assert data.startswith(HEADER.encode() + b"\r\n")  # no BOM, CRLF as in RFC 4180
    text = data.decode("utf-8")
    assert list(csv.reader(io.StringIO(text, newline="")))[1:] == DAY

    # Excel in English: a BOM so that "Hôtel" reads right, commas, decimal points
    result = till(tmp_path, "export", "payments", *day, "--excel", "-o", "en.csv", config=shop)
    assert result.returncode == 0, result.stderr
    data = (tmp_path / "en.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf" + HEADER.encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[1:] == DAY

    # Excel in French: semicolons and decimal commas, which French Excel reads as numbers
    french = shop_config(demo, tmp_path / "fr", locale="fr_FR")
    result = till(tmp_path, "export", "payments", *day, "--excel", "-o", "fr.csv", config=french)
    assert result.returncode == 0, result.stderr
    data = (tmp_path / "fr.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf" + HEADER.replace(",", ";").encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[2][6] == "12,50"
    assert [row[6] for row in rows[1:]] == [row[6].replace(".", ",") for row in DAY]


# --- refusals: a message and exit code 1, never a traceback --------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-13-01"], "--from: not a valid date: 2026-13-01 (expected YYYY-MM-DD"),
        (["--to", "24/11/2026"], "--to: not a valid date: 24/11/2026"),
        (["--to", "2026-02-30"], "--to: not a valid date: 2026-02-30"),
        (["--from", "2025-11-25", "--to", "2025-11-24"], "--from 2025-11-25 is after --to"),
        (["--method", "cheq"], "unknown payment method cheq (known: cash, card, room, cheque,"),
        (["--register", "R9"], "unknown register R9 (known: R1, R2)"),
        (["--output", "nowhere/day.csv"], "cannot write nowhere/day.csv: No such file"),
        (["--output", "."], "cannot write .:"),
    ],
    ids=["bad-month", "not-iso", "no-such-day", "from-after-to", "method", "register", "dir",
         "output-is-a-folder"],
)  # fmt: skip
def test_refusals(tmp_path: Path, shop: Path, args: list[str], message: str) -> None:
    code, rows, stderr = export(tmp_path, shop, *args)
    assert code == 1
    assert rows == []
    assert stderr.startswith("till: ")
    assert message in stderr


def test_a_broken_config_is_a_configuration_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "config.toml"
    result = till(tmp_path, "export", "payments", config=missing)
    assert result.returncode == 2
    assert str(missing) in result.stderr
    assert "Traceback" not in result.stderr


# --- the pieces ----------------------------------------------------------------------------------


def test_utc_bounds_follow_the_local_offset_of_each_date() -> None:
    start, end = utc_bounds(date(2026, 3, 29), date(2026, 3, 29), PARIS)  # summer time starts
    assert start.astimezone(UTC) == utc("2026-03-28 23:00")
    assert end.astimezone(UTC) == utc("2026-03-29 22:00")
    start, end = utc_bounds(date(2026, 11, 1), date(2026, 11, 30), PARIS)
    assert (start.astimezone(UTC), end.astimezone(UTC)) == (
        utc("2026-10-31 23:00"),
        utc("2026-11-30 23:00"),
    )
    start, end = utc_bounds(date(2026, 10, 25), date(2026, 10, 25), PARIS)  # a 25-hour day
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=25)


@pytest.mark.parametrize(
    ("minor", "currency", "decimal", "text"),
    [
        (1250, "EUR", ".", "12.50"),
        (5, "EUR", ".", "0.05"),
        (0, "EUR", ".", "0.00"),
        (123_456_789_012, "EUR", ".", "1234567890.12"),
        (-1250, "EUR", ".", "-12.50"),
        (1250, "EUR", ",", "12,50"),
        (1250, "JPY", ".", "1250"),
    ],
)
def test_plain_amount(minor: int, currency: str, decimal: str, text: str) -> None:
    assert plain_amount(minor, currency, decimal) == text


# --- till export sales --------------------------------------------------------------------------

SALES_DAY = [
    ["2", "2025-11-24 00:30:00", "R1", "Camille", "", "1", "1.20", "0.06", ""],
    # 12.90 at 20 % (VAT 2.15) + 9.90 at 10 % (VAT 0.90)
    ["3", "2025-11-24 14:03:05", "R1", "Camille", "", "2", "22.80", "3.05", ""],
    ["1", "2025-11-24 14:03:05", "R2", "Patron", "", "1", "8.90", "1.48", ""],
    ["4", "2025-11-24 16:00:00", "R1", "Patron", "Hôtel du Parc", "1", "14.90", "1.35", ""],
]


def test_export_sales_one_row_per_sale_of_the_period(tmp_path: Path, shop: Path) -> None:
    day = ("--from", "2025-11-24", "--to", "2025-11-24")
    result = till(tmp_path, "export", "sales", *day, config=shop)
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == list(SALE_COLUMNS) == [
        "sale_number", "date", "register", "staff", "customer", "lines", "total", "vat",
        "refund_of",
    ]  # fmt: skip
    assert rows[1:] == SALES_DAY

    result = till(tmp_path, "export", "sales", *day, "--register", "R2", "-o", "r2.csv",
                  config=shop)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "1 sale written to r2.csv" in result.stdout
    data = (tmp_path / "r2.csv").read_text("utf-8")
    assert list(csv.reader(io.StringIO(data)))[1:] == [SALES_DAY[2]]

    result = till(tmp_path, "export", "sales", "--from", "2025-11-23", "--to", "2025-11-25",
                  "--excel", config=shop)  # fmt: skip
    rows = list(csv.reader(io.StringIO(result.stdout.removeprefix("\ufeff"))))
    assert [row[0] for row in rows[1:]] == ["1", "2", "3", "1", "4", "5"]


def test_export_sales_refusals(tmp_path: Path, shop: Path) -> None:
    result = till(tmp_path, "export", "sales", "--register", "R9", config=shop)
    assert result.returncode == 1
    assert "unknown register R9" in result.stderr and "Traceback" not in result.stderr
    result = till(tmp_path, "export", "sales", "--method", "cash", config=shop)
    assert result.returncode == 2, "--method is for payments only"
