"""A completed sale's receipt: what the store returns, as the customer reads it."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime

import pytest

from till_tui.domain.cart import Adjustment, Cart
from till_tui.domain.product import Product
from till_tui.domain.receipt import ShopHeader, layout_receipt, receipt_text
from till_tui.domain.sale import CompletedSale, receipt_for
from till_tui.domain.tender import make_tender

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
