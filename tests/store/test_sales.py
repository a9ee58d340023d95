"""Completing sales through a cashier's day: one transaction writes everything or nothing,
numbers never skip, VAT is stored as the cart computed it, and the journal chains."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

import pytest

from tests.conftest import CASHIER_PIN, MANAGER_PIN
from till_tui.config import Config
from till_tui.demo import demo_barcode
from till_tui.domain.cart import Adjustment, Cart
from till_tui.domain.money import QTY_UNIT
from till_tui.domain.product import Product
from till_tui.domain.staff import StaffMember
from till_tui.domain.tender import Tender, make_tender
from till_tui.store.db import database
from till_tui.store.errors import StoreError
from till_tui.store.journal import GENESIS, row_hash
from till_tui.store.sales import SaleError
from till_tui.store.services import Services

SALE_TABLES = ("sale", "sale_line", "sale_vat", "payment", "journal")


@dataclass
class Till:
    """A register with a cashier logged in and a shift open."""

    services: Services
    cashier: StaffMember
    shift_id: int

    def product(self, index: int) -> Product:
        product = self.services.catalog.find(demo_barcode(index))
        assert product is not None
        return product

    def sell(self, cart: Cart, *tenders: Tender) -> int:
        paid = tenders or (cash(cart.totals().total),)
        sale = self.services.sales.complete(cart, paid, staff=self.cashier, shift_id=self.shift_id)
        return sale.number


def open_till(services: Services) -> Till:
    cashier = services.staff.authenticate(CASHIER_PIN)
    assert cashier is not None
    shift = services.shifts.open(cashier, 15_000)
    return Till(services, cashier, shift.id)


@pytest.fixture
def till(services: Services) -> Till:
    return open_till(services)


def cash(due: int, typed: int | None = None) -> Tender:
    return make_tender(method="cash", kind="cash", label="Cash", typed=typed or due, due=due)


def card(amount: int) -> Tender:
    return make_tender(method="card", kind="card", label="Card", typed=amount, due=amount)


def ring(till: Till, *indexes: int) -> Cart:
    cart = Cart()
    for index in indexes:
        cart, _line = cart.add(till.product(index))
    return cart


def counts() -> dict[str, int]:
    return {
        table: int(database.execute_sql(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
        for table in SALE_TABLES
    }


CROISSANT, EXPRESSO, WINE = 13, 1, 39  # 1.20 € @ 5.5 %, 1.50 € @ 10 %, 8.90 € @ 20 %


# --- a sale, written whole ------------------------------------------------------------------------


def test_a_completed_sale_writes_everything_and_clears_the_draft(till: Till) -> None:
    cart = ring(till, CROISSANT, CROISSANT, EXPRESSO, WINE)  # 2.40 + 1.50 + 8.90 = 12.80
    cart = cart.with_basket_adjustment(Adjustment("percent", 1000)).with_note("table 3")
    totals = cart.totals()
    assert totals.total == 1152  # 12.80 - 10 % (1.28)
    till.services.drafts.save(cart, till.cashier.id)
    assert till.services.drafts.load() == cart

    by_card = card(500)
    by_cash = cash(totals.total - 500, typed=2000)  # 6.52 due, 20.00 handed over
    sale = till.services.sales.complete(
        cart, [by_card, by_cash], staff=till.cashier, shift_id=till.shift_id
    )

    assert (sale.number, sale.register, sale.cashier) == (1, "R1", "Camille")
    assert sale.change == 2000 - 652

    row = database.execute_sql(
        "SELECT register, number, shift_id, staff_id, subtotal, basket_adjustment, basket_rule,"
        " discount_total, total, vat_total, note FROM sale WHERE id = ?",
        (sale.id,),
    ).fetchone()
    assert row[:6] == ("R1", 1, till.shift_id, till.cashier.id, 1280, -128)
    assert json.loads(row[6]) == {"kind": "percent", "value": 1000, "surcharge": False}
    assert row[7:] == (128, 1152, totals.vat_total, "table 3")

    lines = database.execute_sql(
        "SELECT position, product_id, code, name, unit_price, quantity, vat_rate,"
        " adjustment, basket_share, total FROM sale_line WHERE sale_id = ? ORDER BY position",
        (sale.id,),
    ).fetchall()
    croissant, expresso, wine = till.product(CROISSANT), till.product(EXPRESSO), till.product(WINE)
    assert [line[:7] for line in lines] == [
        (1, croissant.id, croissant.barcode, croissant.name, 120, 2 * QTY_UNIT, 550),
        (2, expresso.id, expresso.barcode, expresso.name, 150, QTY_UNIT, 1000),
        (3, wine.id, wine.barcode, wine.name, 890, QTY_UNIT, 2000),
    ]
    assert [line[7] for line in lines] == [None, None, None]
    assert tuple(line[8] for line in lines) == totals.basket_shares
    assert sum(line[8] for line in lines) == -128
    assert tuple(line[9] for line in lines) == totals.line_totals
    assert sum(line[9] for line in lines) == 1152

    payments = database.execute_sql(
        "SELECT position, method, kind, amount, tendered, change_given FROM payment"
        " WHERE sale_id = ? ORDER BY position",
        (sale.id,),
    ).fetchall()
    assert payments == [(1, "card", "card", 500, 500, 0), (2, "cash", "cash", 652, 2000, 1348)]
    assert sum(p[3] for p in payments) == 1152
    for _pos, _method, _kind, amount, tendered, change in payments:
        assert amount == tendered - change

    journal = database.execute_sql(
        "SELECT kind, staff_id, payload FROM journal WHERE register = 'R1' ORDER BY seq"
    ).fetchall()
    assert [entry[0] for entry in journal] == ["shift_open", "sale"]
    payload = json.loads(journal[-1][2])
    assert journal[-1][1] == till.cashier.id
    assert payload["number"] == 1
    assert payload["total"] == 1152
    assert payload["tenders"] == [
        ["card", 500, 500, 0, "", ""],
        ["cash", 652, 2000, 1348, "", ""],
    ]
    assert [line[0] for line in payload["lines"]] == [
        croissant.barcode,
        expresso.barcode,
        wine.barcode,
    ]

    assert till.services.drafts.load() is None
    assert counts() == {"sale": 1, "sale_line": 3, "sale_vat": 3, "payment": 2, "journal": 2}


def test_a_weighed_line_with_its_own_discount_is_stored_as_rung_up(till: Till) -> None:
    cart, index = Cart().add(till.product(30), 1_250)  # 1.250 kg of apples at 2.99 €/kg
    manager = till.services.staff.authenticate(MANAGER_PIN)
    assert manager is not None  # 0.50 off 3.74 is more than a cashier's 10 %
    cart = cart.with_line_adjustment(index, Adjustment("amount", 50, approved_by=manager.id))
    assert cart.totals().total == 374 - 50  # 3.7375 rounds half-up to 3.74
    number = till.sell(cart)
    row = database.execute_sql(
        "SELECT quantity, unit_price, adjustment, adjustment_amount, sale_line.total FROM sale_line"
        " JOIN sale ON sale.id = sale_line.sale_id WHERE sale.number = ?",
        (number,),
    ).fetchone()
    assert row[:2] == (1_250, 299)
    assert json.loads(row[2]) == {"kind": "amount", "value": 50, "surcharge": False}
    assert row[3:] == (-50, 324)


# --- numbering ------------------------------------------------------------------------------------


def test_sale_numbers_are_gap_free_per_register(till: Till, config: Config) -> None:
    assert till.services.sales.next_number() == 1
    numbers = [till.sell(ring(till, EXPRESSO)) for _ in range(3)]
    assert numbers == [1, 2, 3]

    second = replace(config, till=replace(config.till, register="R2"))
    r2 = open_till(Services.open(second))
    assert r2.services.register == "R2"
    assert r2.services.sales.next_number() == 1
    assert [r2.sell(ring(r2, WINE)), r2.sell(ring(r2, WINE))] == [1, 2]

    # The first register goes on from where it was.
    assert till.sell(ring(till, CROISSANT)) == 4
    stored = database.execute_sql(
        "SELECT register, number FROM sale ORDER BY register, number"
    ).fetchall()
    assert stored == [("R1", 1), ("R1", 2), ("R1", 3), ("R1", 4), ("R2", 1), ("R2", 2)]
    assert till.services.sales.count() == 4
    assert r2.services.sales.count() == 2


# --- all or nothing -------------------------------------------------------------------------------


def test_tenders_that_do_not_add_up_write_nothing(till: Till) -> None:
    till.sell(ring(till, EXPRESSO))
    cart = ring(till, WINE)
    till.services.drafts.save(cart, till.cashier.id)
    before = counts()
    short = cash(500)  # 5.00 of 8.90
    with pytest.raises(SaleError, match="not fully paid"):
        till.services.sales.complete(cart, [short], staff=till.cashier, shift_id=till.shift_id)
    assert counts() == before
    assert till.services.drafts.load() == cart
    assert till.sell(cart) == 2


def test_a_tender_whose_amount_is_not_tendered_minus_change_is_refused(till: Till) -> None:
    cart = ring(till, WINE)
    wrong = Tender("cash", "cash", "Cash", amount=890, tendered=1000, change=0)
    before = counts()
    with pytest.raises(SaleError, match="tender amount"):
        till.services.sales.complete(cart, [wrong], staff=till.cashier, shift_id=till.shift_id)
    assert counts() == before


def test_a_failure_inside_the_transaction_leaves_nothing_and_no_gap(till: Till) -> None:
    assert till.sell(ring(till, EXPRESSO)) == 1
    cart = ring(till, CROISSANT, WINE)
    till.services.drafts.save(cart, till.cashier.id)
    before = counts()
    # The journal is written last but one: the sale, its lines, VAT and payments are already
    # inserted when it fails.
    database.execute_sql(
        "CREATE TRIGGER journal_offline BEFORE INSERT ON journal"
        " BEGIN SELECT RAISE(ABORT, 'journal offline'); END"
    )
    with pytest.raises(StoreError, match="journal offline"):
        till.sell(cart, cash(cart.totals().total, typed=2000))
    assert counts() == before
    assert till.services.drafts.load() == cart

    database.execute_sql("DROP TRIGGER journal_offline")
    assert till.services.sales.next_number() == 2
    assert till.sell(cart) == 2
    assert till.services.drafts.load() is None
    assert counts()["sale"] == before["sale"] + 1


def test_change_from_a_card_is_refused(till: Till) -> None:
    cart = ring(till, WINE)
    total = cart.totals().total
    with_change = Tender("card", "card", "Card", amount=total, tendered=total + 500, change=500)
    before = counts()
    with pytest.raises(SaleError, match="Only cash"):
        till.services.sales.complete(
            cart, [with_change], staff=till.cashier, shift_id=till.shift_id
        )
    assert counts() == before


def test_negative_change_is_refused_as_a_sale_error(till: Till) -> None:
    cart = ring(till, WINE)
    odd = Tender("cash", "cash", "Cash", amount=890, tendered=790, change=-100)
    before = counts()
    with pytest.raises(SaleError, match="tender amount"):
        till.services.sales.complete(cart, [odd], staff=till.cashier, shift_id=till.shift_id)
    assert counts() == before


def test_an_empty_cart_is_refused(till: Till) -> None:
    with pytest.raises(SaleError, match="empty"):
        till.services.sales.complete(Cart(), [], staff=till.cashier, shift_id=till.shift_id)
    assert counts()["sale"] == 0
    assert till.services.sales.next_number() == 1


# --- VAT and the journal --------------------------------------------------------------------------


def test_stored_vat_rows_are_the_carts_vat_table(till: Till) -> None:
    cart = ring(till, CROISSANT, CROISSANT, CROISSANT, EXPRESSO, WINE, WINE)
    cart = cart.with_basket_adjustment(Adjustment("amount", 99))
    totals = cart.totals()
    number = till.sell(cart)
    sale_id, total, vat_total = database.execute_sql(
        "SELECT id, total, vat_total FROM sale WHERE number = ?", (number,)
    ).fetchone()
    rows = database.execute_sql(
        "SELECT rate, base, vat, total FROM sale_vat WHERE sale_id = ? ORDER BY rate", (sale_id,)
    ).fetchall()
    assert rows == [(v.rate, v.base, v.vat, v.total) for v in totals.vat]
    assert [rate for rate, *_rest in rows] == [550, 1000, 2000]
    assert sum(row[3] for row in rows) == total == totals.total
    assert sum(row[2] for row in rows) == vat_total == totals.vat_total
    for _rate, base, vat, row_total in rows:
        assert base + vat == row_total


def test_the_journal_is_a_hash_chain(till: Till) -> None:
    for indexes in ((EXPRESSO,), (CROISSANT, WINE), (WINE,)):
        till.sell(ring(till, *indexes))
    rows = database.execute_sql(
        "SELECT register, seq, created_at, staff_id, kind, payload, prev_hash, hash"
        " FROM journal WHERE register = 'R1' ORDER BY seq"
    ).fetchall()
    assert [row[4] for row in rows] == ["shift_open", "sale", "sale", "sale"]
    assert [row[1] for row in rows] == [1, 2, 3, 4]
    previous = GENESIS
    for register, seq, created_at, staff_id, kind, payload, prev_hash, stored in rows:
        assert prev_hash == previous
        assert stored == row_hash(prev_hash, register, seq, created_at, staff_id, kind, payload)
        previous = stored
    assert len(set(row[7] for row in rows)) == len(rows)

    # Altering a stored payload would no longer match its hash.
    register, seq, created_at, staff_id, kind, payload, prev_hash, stored = rows[2]
    forged = payload.replace('"number":2', '"number":7')
    assert forged != payload
    assert row_hash(prev_hash, register, seq, created_at, staff_id, kind, forged) != stored
