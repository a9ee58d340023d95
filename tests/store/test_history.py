"""The sales history's list and searches, on a real SQLite file: each filter alone and
combined, newest first, local dates and hours (the shop is in Paris here), refunds, and the
list read in one query whichever index a search starts from."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from tests.store.tills import Till, open_till
from till_tui.config import Config
from till_tui.demo import demo_barcode
from till_tui.domain.cart import Cart
from till_tui.domain.staff import StaffMember
from till_tui.domain.tender import Tender
from till_tui.store import history as history_module
from till_tui.store.db import database
from till_tui.store.history import ALL_REGISTERS, History, SaleFilter, SaleSummary
from till_tui.store.models import Sale
from till_tui.store.services import Services

# demo catalogue: 1 Café expresso 1.50, 2 Café crème 2.80, 9 Salade niçoise 9.90,
# 12 Menu déjeuner 14.90, 13 Croissant au beurre 1.20, 39 Vin rouge 8.90
EXPRESSO, CREME, SALADE, MENU, CROISSANT, WINE = 1, 2, 9, 12, 13, 39
HELENE, JEAN, HOTEL = "2900000000018", "2900000000025", "2900000000032"


@pytest.fixture
def paris() -> Iterator[None]:
    """The shop's (and SQLite's 'localtime') time zone is Paris: UTC+1 in March."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TZ", "Europe/Paris")
        time.tzset()
        yield
    time.tzset()


def local(text: str) -> datetime:
    """An instant given as the shop's local time (Paris)."""
    return datetime.fromisoformat(text).astimezone()


@contextmanager
def stamped(when: datetime) -> Iterator[None]:
    """Sales completed inside are stamped `when` instead of now."""
    original = Sale.create
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            Sale, "create", classmethod(lambda cls, **row: original(created_at=when, **row))
        )
        yield


@dataclass
class Shop:
    """Sales on registers R1 and R2, by name: what each search should find."""

    till: Till
    r2: Services
    numbers: dict[str, int]
    """Sale name -> its number (on its register)."""

    def names(self, found: list[SaleSummary]) -> list[str]:
        by_number = {(self.register_of(name), n): name for name, n in self.numbers.items()}
        return [by_number[(sale.register, sale.number)] for sale in found]

    @staticmethod
    def register_of(name: str) -> str:
        return "R2" if name.startswith("r2") else "R1"


def sell(
    services: Services,
    staff: StaffMember,
    shift_id: int,
    cart: Cart,
    tenders: tuple[Tender, ...],
    when: str,
) -> int:
    with stamped(local(when)):
        sale = services.sales.complete(cart, tenders, staff=staff, shift_id=shift_id)
    return sale.number


@pytest.fixture
def shop(paris: None, services: Services, config: Config) -> Shop:
    till = open_till(services, config)
    r2 = Services("R2")
    r2_shift = r2.shifts.open(till.manager, 5000).id

    def cart(*indexes: int, customer: str = "") -> Cart:
        return till.ring(*indexes, customer=till.customer(customer) if customer else None)

    def total(c: Cart) -> int:
        return c.totals().total

    numbers: dict[str, int] = {}
    cashier, manager, shift = till.cashier, till.manager, till.shift_id

    def r1(
        name: str, c: Cart, tenders: tuple[Tender, ...], when: str, staff: StaffMember = cashier
    ) -> None:
        numbers[name] = sell(services, staff, shift, c, tenders, when)

    c = cart(EXPRESSO)
    r1("espresso", c, (till.pay("cash", 200, total(c)),), "2025-03-10 09:15")
    c = cart(CROISSANT, CREME, customer=HELENE)
    r1("helene", c, (till.pay("card", total(c), total(c), last4="4242"),), "2025-03-10 12:30")
    c = cart(SALADE, customer=JEAN)  # 9.90: 5.00 by card, 4.90 in cash
    split = (till.pay("card", 500, 990, last4="1111"), till.pay("cash", 490, 490))
    r1("jean", c, split, "2025-03-12 14:00")
    c = cart(WINE)
    r1("wine", c, (till.pay("cheque", total(c), total(c), reference="CHQ-77"),), "2025-03-12 23:30")
    c = cart(EXPRESSO)  # 00:30 in Paris on the 13th: still the 12th in UTC
    r1("night", c, (till.pay("cash", total(c), total(c)),), "2025-03-13 00:30")
    # Written last but made earlier (its number is the highest): the list goes by time.
    c = cart(MENU, customer=HOTEL)
    room = (till.pay("room", total(c), total(c), reference="204"),)
    r1("hotel", c, room, "2025-03-11 13:59", staff=manager)

    c = cart(CROISSANT)
    numbers["r2-card"] = sell(
        r2, manager, r2_shift, c, (till.pay("card", 120, 120, last4="4242"),), "2025-03-11 12:10"
    )
    return Shop(till, r2, numbers)


def search(shop: Shop, **fields: object) -> list[str]:
    return shop.names(History("R1").search(SaleFilter(**fields)))  # type: ignore[arg-type]


R1_NEWEST_FIRST = ["night", "wine", "jean", "hotel", "helene", "espresso"]

Case = tuple[dict[str, object], list[str]]

ALONE: list[Case] = [
    ({}, R1_NEWEST_FIRST),
    ({"register": "R2"}, ["r2-card"]),
    ({"register": "r2"}, ["r2-card"]),
    ({"register": "R3"}, []),
    ({"register": ALL_REGISTERS},
     ["night", "wine", "jean", "hotel", "r2-card", "helene", "espresso"]),
    ({"date_from": date(2025, 3, 12), "date_to": date(2025, 3, 12)}, ["wine", "jean"]),
    ({"date_from": date(2025, 3, 12)}, ["night", "wine", "jean"]),
    ({"date_to": date(2025, 3, 10)}, ["helene", "espresso"]),
    ({"hour_from": 12, "hour_to": 14}, ["hotel", "helene"]),
    ({"hour_from": 23, "hour_to": 1}, ["night", "wine"]),
    ({"hour_from": 14}, ["wine", "jean"]),
    ({"item": "croissant"}, ["helene"]),
    ({"item": "CAFE"}, ["night", "helene", "espresso"]),
    ({"item": "creme"}, ["helene"]),
    ({"item": "vin rou"}, ["wine"]),
    ({"item": demo_barcode(SALADE)}, ["jean"]),
    ({"item": "tarte"}, []),
    ({"customer": "hel"}, ["helene"]),
    ({"customer": "dupont"}, ["jean", "helene"]),
    ({"customer": HOTEL}, ["hotel"]),
    ({"customer": "nobody"}, []),
    ({"cashier": "patron"}, ["hotel"]),
    ({"cashier": "CAM"}, ["night", "wine", "jean", "helene", "espresso"]),
    ({"cashier": "zz"}, []),
    ({"number": 3}, ["jean"]),
    ({"number": 99}, []),
    ({"last4": "4242"}, ["helene"]),
    ({"last4": "1111"}, ["jean"]),
    ({"method": "room"}, ["hotel"]),
    ({"method": "cash"}, ["night", "jean", "espresso"]),
    ({"method": "card"}, ["jean", "helene"]),
    ({"reference": "chq-77"}, ["wine"]),
    ({"reference": "204"}, ["hotel"]),
    ({"find": "204"}, ["hotel"]),
    ({"find": "4242"}, ["helene"]),
    ({"find": "1"}, ["espresso"]),
    ({"find": "chq-77"}, ["wine"]),
]  # fmt: skip

COMBINED: list[Case] = [
    ({"item": "croissant", "method": "card", "register": ALL_REGISTERS}, ["r2-card", "helene"]),
    ({"last4": "4242", "register": ALL_REGISTERS}, ["r2-card", "helene"]),
    ({"last4": "4242", "date_from": date(2025, 3, 11), "register": "*"}, ["r2-card"]),
    ({"customer": "dupont", "date_from": date(2025, 3, 12), "date_to": date(2025, 3, 12)},
     ["jean"]),
    ({"cashier": "camille", "hour_from": 12, "hour_to": 15}, ["jean", "helene"]),
    ({"cashier": "patron", "register": ALL_REGISTERS, "hour_from": 12, "hour_to": 13},
     ["r2-card"]),
    ({"method": "cash", "item": "cafe"}, ["night", "espresso"]),
    ({"method": "cash", "item": "cafe", "date_from": date(2025, 3, 11)}, ["night"]),
    ({"customer": "hotel", "method": "room", "reference": "204", "cashier": "patron"},
     ["hotel"]),
    ({"customer": "hotel", "method": "cash"}, []),
    ({"number": 1, "register": ALL_REGISTERS}, ["r2-card", "espresso"]),
    ({"find": "4242", "item": "croissant", "register": ALL_REGISTERS}, ["r2-card", "helene"]),
    ({"date_from": date(2025, 3, 13), "date_to": date(2025, 3, 12)}, []),
]  # fmt: skip


@pytest.mark.parametrize(("fields", "expected"), ALONE, ids=[str(f) for f, _e in ALONE])
def test_each_filter_alone(shop: Shop, fields: dict[str, object], expected: list[str]) -> None:
    assert search(shop, **fields) == expected


@pytest.mark.parametrize(("fields", "expected"), COMBINED, ids=[str(f) for f, _e in COMBINED])
def test_filters_combine(shop: Shop, fields: dict[str, object], expected: list[str]) -> None:
    assert search(shop, **fields) == expected


def test_every_way_of_starting_a_search_finds_the_same_sales(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From the smallest filter's index, or walking the sales by time: the same list."""
    for fields, expected in ALONE + COMBINED:
        for enough in (1, 10**9):  # 1: always walk by time; 10**9: always from an index
            monkeypatch.setattr(history_module, "_ENOUGH", enough)
            assert search(shop, **fields) == expected, (fields, enough)


def test_recent_is_the_shift_newest_first_as_summary_rows(shop: Shop) -> None:
    history = History("R1")
    recent = history.recent(shift_id=shop.till.shift_id)
    assert shop.names(recent) == R1_NEWEST_FIRST
    assert shop.names(history.recent(2, shift_id=shop.till.shift_id)) == ["night", "wine"]
    assert shop.names(History("R2").recent()) == ["r2-card"]

    jean = recent[2]
    assert jean.number == shop.numbers["jean"]
    assert jean.register == "R1"
    assert jean.created_at == datetime(2025, 3, 12, 13, 0, tzinfo=UTC)  # 14:00 in Paris
    assert (jean.cashier, jean.customer) == ("Camille", "Jean DUPONT")
    assert (jean.total, jean.methods) == (990, "Card, Cash")
    assert jean.refund_of is None and not jean.is_refund
    hotel = recent[3]
    assert (hotel.cashier, hotel.customer, hotel.methods) == ("Patron", "Hôtel du Parc", "Room")


def test_a_refund_shows_its_negative_total_and_the_sale_it_refunds(shop: Shop) -> None:
    original = Sale.get((Sale.register == "R1") & (Sale.number == shop.numbers["helene"]))
    refund_number = Services("R1").sales.next_number()
    # What store/refunds writes: a sale of its own, negative money, refund_of the original.
    cursor = database.execute_sql(
        "INSERT INTO sale (register, number, shift_id, staff_id, created_at, subtotal,"
        " basket_adjustment, discount_total, total, vat_total, customer_id, refund_of,"
        " approved_by) VALUES ('R1', ?, ?, ?, ?, -120, 0, 0, -120, -6, ?, ?, ?)",
        (
            refund_number,
            shop.till.shift_id,
            shop.till.cashier.id,
            Sale.created_at.db_value(local("2025-03-14 10:00")),
            original.customer.id,
            original.id,
            shop.till.manager.id,
        ),
    )
    database.execute_sql(
        "INSERT INTO payment (sale_id, position, method, kind, amount, tendered, change_given,"
        " label) VALUES (?, 1, 'cash', 'cash', -120, -120, 0, 'Cash')",
        (cursor.lastrowid,),
    )

    (refund,) = History("R1").search(SaleFilter(customer="helene", date_from=date(2025, 3, 14)))
    assert refund.number == refund_number
    assert (refund.total, refund.methods, refund.customer) == (-120, "Cash", "Hélène Dupont")
    assert refund.refund_of == shop.numbers["helene"]
    assert refund.is_refund
    assert History("R1").recent(1)[0] == refund


def test_the_list_is_one_query_never_a_query_per_sale(shop: Shop) -> None:
    statements: list[str] = []
    connection = database.connection()
    connection.set_trace_callback(statements.append)
    try:
        History("R1").recent(shift_id=shop.till.shift_id)
        assert len(statements) == 1, statements
        statements.clear()
        found = History("R1").search(SaleFilter(method="cash", item="cafe"))
        assert len(found) == 2
        # One count per filter (which index to start from), then the list.
        assert len(statements) == 3, statements
        assert not any("sale_id = ?" in s and "ORDER BY position" in s for s in statements)
    finally:
        connection.set_trace_callback(None)


def test_an_empty_filter_is_empty() -> None:
    assert SaleFilter().is_empty
    assert not SaleFilter(register=ALL_REGISTERS).is_empty
    assert not SaleFilter(item="x").is_empty
    assert not SaleFilter(hour_to=3).is_empty
