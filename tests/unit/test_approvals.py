"""What a cashier may not do alone, as pure rules: a discount's share of what it applies to
against `[till] cashier_max_discount`, a unit price changed below the catalogue price, and the
approvals carried by the cart (and its draft, old drafts included)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import write_config
from till_tui.config import DEFAULT_CASHIER_MAX_DISCOUNT, ConfigError, load_config
from till_tui.domain import approvals
from till_tui.domain.approvals import Approval, discount_rate, over_limit
from till_tui.domain.cart import Adjustment, Cart, CartError, CartLine
from till_tui.domain.product import Product
from till_tui.domain.receipt import ShopHeader, layout_receipt, receipt_text
from till_tui.domain.sale import CompletedSale, receipt_for

COFFEE = Product(2, "3760000000028", "Coffee", 150, 1000)  # 1.50 € at 10 %
WINE = Product(3, "3760000000035", "Bottle of wine", 1200, 2000)  # 12.00 € at 20 %


def ring_up(*products: Product) -> Cart:
    cart = Cart()
    for product in products:
        cart, _index = cart.add(product)
    return cart


# --- a discount's share ---------------------------------------------------------------------------


def test_a_discount_is_measured_against_what_it_applies_to() -> None:
    assert discount_rate(Adjustment("percent", 1_000), 1_200) == 1_000
    assert discount_rate(Adjustment("amount", 120), 1_200) == 1_000  # 1.20 of 12.00
    assert discount_rate(Adjustment("amount", 121), 1_200) == 1_009  # 10.08 % rounded up
    assert discount_rate(Adjustment("amount", 500, surcharge=True), 100) == 0
    assert not over_limit(Adjustment("amount", 120), 1_200, 10)
    assert over_limit(Adjustment("amount", 121), 1_200, 10)
    assert over_limit(Adjustment("percent", 1_001), 1_200, 10)
    assert over_limit(Adjustment("amount", 1), 1_200, 0), "0: every discount needs a manager"
    assert not over_limit(Adjustment("percent", 10_000), 1_200, 100), "100: none does"
    assert not over_limit(Adjustment("percent", 90_000, surcharge=True), 1_200, 0)


@given(
    value=st.integers(1, 100_000), base=st.integers(1, 100_000), limit=st.integers(0, 100)
)  # fmt: skip
def test_over_the_limit_is_exact_fraction_arithmetic(value: int, base: int, limit: int) -> None:
    amount = Adjustment("amount", min(value, base))
    assert over_limit(amount, base, limit) == (amount.value * 100 > limit * base)


def test_the_basket_discount_is_measured_on_the_subtotal_after_line_discounts() -> None:
    cart = ring_up(WINE, COFFEE).with_line_adjustment(0, Adjustment("amount", 120))  # 10.80 + 1.50
    at_limit = cart.with_basket_adjustment(Adjustment("amount", 123))  # 10 % of 12.30
    assert approvals.needed(at_limit, 10) == ()
    over = cart.with_basket_adjustment(Adjustment("amount", 124))
    assert approvals.needed(over, 10) == (Approval("discount", None, None, 1_009),)
    assert approvals.needed(over, 100) == ()


def test_what_a_cart_needs_and_what_an_approval_gives() -> None:
    cart = ring_up(WINE, COFFEE).with_line_adjustment(1, Adjustment("percent", 5_000))
    cart = cart.with_unit_price(0, 1_000)
    cart = cart.with_basket_adjustment(Adjustment("percent", 500))
    missing = approvals.missing(cart, 10)
    assert missing == (
        Approval("price", 0, None),
        Approval("discount", 1, None, 5_000),
    )
    approved = approvals.approve(cart, 7, missing[:1])
    assert approvals.missing(approved, 10) == missing[1:], "only what the manager saw"
    approved = approvals.approve(approved, 8, missing[1:])
    assert approvals.missing(approved, 10) == ()
    assert approvals.needed(approved, 10) == (
        Approval("price", 0, 7),
        Approval("discount", 1, 8, 5_000),
    )
    assert approved.lines[0].price_approved_by == 7
    assert approved.lines[1].adjustment == Adjustment("percent", 5_000, approved_by=8)
    assert approved.totals() == cart.totals(), "an approval changes no money"
    assert "Bottle of wine" in approvals.refusal(cart, missing[0])
    assert "Coffee" in approvals.refusal(cart, missing[1])


# --- a new unit price -----------------------------------------------------------------------------


def test_a_new_price_keeps_the_catalogue_price_and_the_catalogue_price_clears_it() -> None:
    cart = ring_up(WINE).with_unit_price(0, 1_000)
    line = cart.lines[0]
    assert (line.unit_price, line.list_price, line.price_lowered) == (1_000, 1_200, True)
    assert cart.totals().total == 1_000
    again = cart.with_unit_price(0, 1_100)
    assert again.lines[0].list_price == 1_200, "still the catalogue's, not the last price"
    raised = cart.with_unit_price(0, 1_500)
    assert (raised.lines[0].list_price, raised.lines[0].price_lowered) == (1_200, False)
    back = cart.with_unit_price(0, 1_200)
    assert back.lines[0] == CartLine.of(WINE)


def test_a_new_price_is_never_zero_and_keeps_a_fixed_discount_possible() -> None:
    cart = ring_up(WINE)
    for refused in (0, -100):
        with pytest.raises(CartError, match="more than zero"):
            cart.with_unit_price(0, refused)
    discounted = cart.with_line_adjustment(0, Adjustment("amount", 500))
    with pytest.raises(CartError):
        discounted.with_unit_price(0, 400)  # 5.00 off a 4.00 line
    basket = ring_up(WINE).with_basket_adjustment(Adjustment("amount", 1_000))
    with pytest.raises(CartError, match="basket discount"):
        basket.with_unit_price(0, 500)


def test_a_new_price_needs_a_new_approval_and_the_same_product_starts_a_new_line() -> None:
    cart = approvals.approve(
        ring_up(WINE).with_unit_price(0, 1_000), 7, [Approval("price", 0, None)]
    )
    assert cart.lines[0].price_approved_by == 7
    assert cart.with_unit_price(0, 900).lines[0].price_approved_by is None
    grown, index = cart.add(WINE)
    assert index == 1 and len(grown.lines) == 2, "a changed price is not the catalogue's line"


def test_an_approved_fixed_discount_is_asked_again_when_what_it_applies_to_shrinks() -> None:
    # 3.00 off three bottles (36.00) is 8.3 %; approved, then two bottles go: 25 % of 12.00.
    cart, _ = Cart().add(WINE, 3_000)
    cart = cart.with_basket_adjustment(Adjustment("amount", 300, approved_by=7))
    cart = cart.with_line_adjustment(0, Adjustment("amount", 300, approved_by=7))
    grown, _ = cart.add(WINE)
    assert grown.adjustment == cart.adjustment and grown.lines[0] == cart.lines[0]
    fewer = cart.set_quantity(0, 1_000)
    assert fewer.adjustment is not None and fewer.adjustment.approved_by is None
    assert fewer.lines[0].adjustment is not None
    assert fewer.lines[0].adjustment.approved_by is None
    assert [need.line for need in approvals.missing(fewer, 10)] == [0, None]
    cheaper = cart.with_unit_price(0, 1_100)
    assert cheaper.adjustment is not None and cheaper.adjustment.approved_by is None
    # A discount in percent keeps its share whatever the base: its approval stays.
    in_percent = cart.with_basket_adjustment(Adjustment("percent", 2_000, approved_by=7))
    assert in_percent.set_quantity(0, 1_000).adjustment == in_percent.adjustment
    # Another line removed: the basket shrank, its fixed discount is asked again.
    two = ring_up(WINE, COFFEE).with_basket_adjustment(Adjustment("amount", 200, approved_by=7))
    assert two.remove(1).adjustment == Adjustment("amount", 200)


# --- the draft ------------------------------------------------------------------------------------


def test_approvals_and_prices_round_trip_through_the_draft_dict() -> None:
    cart = ring_up(WINE, COFFEE).with_unit_price(0, 1_000)
    cart = cart.with_line_adjustment(1, Adjustment("percent", 2_000, approved_by=9))
    cart = approvals.approve(cart, 9, approvals.missing(cart, 10))
    cart = cart.with_basket_adjustment(Adjustment("amount", 100, approved_by=9))
    assert Cart.from_dict(cart.to_dict()) == cart


def test_a_dict_written_before_approvals_still_loads_and_plain_carts_write_the_same() -> None:
    old = {
        "lines": [
            {
                "product_id": 3,
                "code": WINE.barcode,
                "name": WINE.name,
                "unit_price": 1_200,
                "vat_rate": 2_000,
                "quantity": 1_000,
                "adjustment": {"kind": "amount", "value": 50, "surcharge": False},
            }
        ],
        "adjustment": {"kind": "percent", "value": 500, "surcharge": False},
        "note": "",
        "customer_id": None,
    }
    cart = Cart.from_dict(old)
    assert cart.lines[0].adjustment == Adjustment("amount", 50)
    assert (cart.lines[0].list_price, cart.lines[0].price_approved_by) == (None, None)
    assert cart.adjustment == Adjustment("percent", 500)
    assert cart.to_dict() == old, "nothing new is written for a cart without changes"


# --- the receipt ----------------------------------------------------------------------------------


def test_the_receipt_says_the_price_was_changed() -> None:
    cart = ring_up(WINE, COFFEE).with_unit_price(0, 1_000)
    sale = CompletedSale(
        id=1, number=1, register="R1", created_at=datetime(2025, 3, 12, 14, 5, tzinfo=UTC),
        cashier="Camille", cart=cart, totals=cart.totals(), tenders=(),
    )  # fmt: skip
    rows = layout_receipt(
        receipt_for(sale, ShopHeader("Shop")), width=42, currency="EUR", locale="en_US"
    )
    lines = receipt_text(rows, 42).splitlines()
    wine = lines.index(next(line for line in lines if line.startswith("Bottle of wine")))
    assert lines[wine + 1] == "  Price changed from 12.00"
    assert lines[wine].split()[-1] == "10.00"
    assert not any("Price changed" in line for line in lines[wine + 2 :]), "coffee: unchanged"


# --- the config -----------------------------------------------------------------------------------


def test_the_limit_is_ten_percent_unless_configured(tmp_path: Path) -> None:
    assert load_config(write_config(tmp_path, "[till]\n")).till.cashier_max_discount == 10
    assert DEFAULT_CASHIER_MAX_DISCOUNT == 10
    for limit in (0, 25, 100):
        path = write_config(tmp_path, f"[till]\ncashier_max_discount = {limit}\n")
        assert load_config(path).till.cashier_max_discount == limit


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("-1", "between 0"),
        ("101", "between 0"),
        ("12.5", "whole number"),
        ("'10'", "whole number"),
        ("true", "whole number"),
    ],
)
def test_a_bad_limit_names_the_key(tmp_path: Path, value: str, problem: str) -> None:
    path = write_config(tmp_path, f"[till]\ncashier_max_discount = {value}\n")
    with pytest.raises(ConfigError) as refused:
        load_config(path)
    assert refused.value.key == "[till] cashier_max_discount"
    assert problem in str(refused.value) and str(path) in str(refused.value)
