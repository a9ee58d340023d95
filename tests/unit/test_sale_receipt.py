"""A completed sale's receipt: what the store returns, as the customer reads it."""

from __future__ import annotations

import os
import re
import time
from datetime import UTC, datetime

import pytest

from tests.escpos_text import decode_escpos
from till_tui.domain.cart import Adjustment, Cart
from till_tui.domain.customer import Customer
from till_tui.domain.ledger import Balances
from till_tui.domain.product import Product
from till_tui.domain.receipt import ShopHeader, layout_receipt, receipt_text
from till_tui.domain.sale import CompletedSale, receipt_for
from till_tui.domain.tender import make_tender
from till_tui.hw.printer import render_escpos

CROISSANT = Product(1, "3760123000130", "Croissant au beurre", 120, 550)
WINE = Product(2, "3760123000390", "Vin rouge Côtes-du-Rhône", 890, 2000)


@pytest.fixture
def paris_time():
    previous = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Paris"
    time.tzset()
    yield
    if previous is None:
        os.environ.pop("TZ")
    else:
        os.environ["TZ"] = previous
    time.tzset()


def test_the_receipt_shows_the_shop_time_not_utc(paris_time: None) -> None:
    cart, _ = Cart().add(CROISSANT, 3000)
    cart, _ = cart.add(WINE)
    cart = cart.with_basket_adjustment(Adjustment("amount", 100))
    total = cart.totals().total
    sale = CompletedSale(
        id=1,
        number=7,
        register="R1",
        created_at=datetime(2026, 7, 14, 10, 30, tzinfo=UTC),
        cashier="Camille",
        cart=cart,
        totals=cart.totals(),
        tenders=(make_tender(method="cash", kind="cash", label="Cash", typed=2000, due=total),),
    )
    receipt = receipt_for(sale, ShopHeader("Café de la Gare"))
    text = receipt_text(layout_receipt(receipt, width=42, currency="EUR", locale="fr_FR"), 42)
    assert "12:30" in text  # 10:30 UTC is 12:30 in Paris in July
    assert "Sale N° 7" in text
    assert receipt.total == total == 360 + 890 - 100
    assert receipt.change == 2000 - total
    assert [line.amount for line in receipt.lines] == [360, 890]
    assert sum(v.total for v in receipt.vat) == total


# --- split payments and the customer's account ----------------------------------------------------

JEAN = Customer(3, "Jean DUPONT", card="2900000000025", credit_limit=1000_00)
HELENE = Customer(1, "Hélène Dupont", card="2900000000018")
WIDTH = 42


def split_sale(customer: Customer | None, balances: Balances | None) -> CompletedSale:
    """2 croissants and a wine (11.30): 5.00 prepaid, 4.00 by card, 10.00 cash handed over."""
    cart, _ = Cart().add(CROISSANT, 2000)
    cart, _ = cart.add(WINE)
    cart = cart.with_customer(customer.id if customer else None)
    total = cart.totals().total
    prepaid = make_tender(
        method="prepaid", kind="prepaid", label="Prepaid", typed=500, due=total, available=2000
    )
    card = make_tender(
        method="card", kind="card", label="Card", typed=400, due=total - 500, last4="1234",
        reference="204",
    )  # fmt: skip
    cash = make_tender(method="cash", kind="cash", label="Cash", typed=1000, due=total - 900)
    return CompletedSale(
        id=1,
        number=7,
        register="R1",
        created_at=datetime(2026, 7, 14, 10, 30, tzinfo=UTC),
        cashier="Camille",
        cart=cart,
        totals=cart.totals(),
        tenders=(prepaid, card, cash),
        customer=customer,
        balances=balances,
    )


def rows_of(sale: CompletedSale) -> list[str]:
    receipt = receipt_for(sale, ShopHeader("Café de la Gare"))
    return [
        row.text for row in layout_receipt(receipt, width=WIDTH, currency="EUR", locale="en_US")
    ]


def test_a_customer_with_credit_sees_both_balances_after_the_sale() -> None:
    texts = rows_of(split_sale(JEAN, Balances(prepaid=1500, unpaid=2000, credit_limit=1000_00)))
    customer = texts.index("Customer: Jean DUPONT")
    assert re.fullmatch(r"  Prepaid balance +15\.00", texts[customer + 1])
    assert re.fullmatch(r"  Credit available +980\.00", texts[customer + 2])
    assert all(len(text) <= WIDTH for text in texts)
    assert customer > texts.index(next(t for t in texts if t.startswith("Change")))


def test_no_credit_account_no_credit_line() -> None:
    texts = rows_of(split_sale(HELENE, Balances(prepaid=0)))
    customer = texts.index("Customer: Hélène Dupont")
    assert re.fullmatch(r"  Prepaid balance +0\.00", texts[customer + 1])
    assert not any("Credit available" in text for text in texts)


def test_a_credit_account_with_nothing_left_still_shows_its_line() -> None:
    texts = rows_of(split_sale(JEAN, Balances(prepaid=0, unpaid=1200_00, credit_limit=1000_00)))
    assert re.fullmatch(r"  Credit available +0\.00", next(t for t in texts if "Credit" in t))


def test_no_customer_no_customer_block() -> None:
    texts = rows_of(split_sale(None, None))
    assert not any(t.startswith("Customer:") or "balance" in t or "Credit" in t for t in texts)


def test_a_card_prints_its_last_digits_and_a_reference_under_its_line() -> None:
    texts = rows_of(split_sale(JEAN, Balances(prepaid=1500, credit_limit=1000_00)))
    card = texts.index(next(t for t in texts if t.startswith("Card ")))
    assert re.fullmatch(r"Card +4\.00", texts[card])
    assert texts[card + 1] == "  Card **** 1234"
    assert texts[card + 2] == "  Ref. 204"
    assert re.fullmatch(r"Cash +10\.00", texts[card + 3])
    assert re.fullmatch(r"Prepaid +5\.00", texts[card - 1])
    assert sum("****" in t for t in texts) == 1


def test_a_three_way_split_receipt_through_python_escpos() -> None:
    sale = split_sale(JEAN, Balances(prepaid=1500, unpaid=2000, credit_limit=1000_00))
    rows = layout_receipt(
        receipt_for(sale, ShopHeader("Café de la Gare")), width=WIDTH, currency="EUR",
        locale="en_US",
    )  # fmt: skip
    lines = decode_escpos(render_escpos(rows)).splitlines()
    start = lines.index(next(line for line in lines if line.startswith("Prepaid ")))
    end = lines.index("", start)
    assert lines[start - 1] == ""
    assert lines[start:end] == [
        "Prepaid                               5.00",
        "Card                                  4.00",
        "  Card **** 1234",
        "  Ref. 204",
        "Cash                                 10.00",
        "Change                                7.70",
    ]
    assert lines[end + 1 : end + 4] == [
        "Customer: Jean DUPONT",
        "  Prepaid balance                    15.00",
        "  Credit available                  980.00",
    ]
    assert sale.change == 770 and sale.totals.total == 1130
