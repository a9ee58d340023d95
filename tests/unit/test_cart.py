"""The cart through a cashier's day: scanning, weighing, discounts, extra charges, totals.

Hand-computed values are explained in comments; the properties check the cart against
independent exact arithmetic with `fractions.Fraction`.
"""

from __future__ import annotations

import json
import math
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from till_tui.domain.cart import Adjustment, Cart, CartError, CartLine, spread
from till_tui.domain.product import Product

CROISSANT = Product(1, "3760000000011", "Croissant", 120, 550)  # 1.20 € at 5.5 %
COFFEE = Product(2, "3760000000028", "Coffee", 150, 1000)  # 1.50 € at 10 %
WINE = Product(3, "3760000000035", "Bottle of wine", 1200, 2000)  # 12.00 € at 20 %
APPLES = Product(4, "2000000000046", "Apples (kg)", 299, 550)  # 2.99 €/kg at 5.5 %


def exact_half_up(value: Fraction) -> int:
    magnitude = math.floor(abs(value) + Fraction(1, 2))
    return -magnitude if value < 0 else magnitude


def ring_up(*products: Product) -> Cart:
    cart = Cart()
    for product in products:
        cart, _index = cart.add(product)
    return cart


# --- the morning rush ------------------------------------------------------------------------


def test_scanning_the_same_croissant_twice_grows_one_line() -> None:
    cart, first = Cart().add(CROISSANT)
    cart, second = cart.add(CROISSANT)
    assert first == second == 0
    assert len(cart.lines) == 1
    assert cart.lines[0].quantity == 2000
    assert cart.totals().total == 240  # 2 x 1.20 €


def test_half_a_kilo_of_apples_rounds_half_up() -> None:
    cart, _ = Cart().add(APPLES, 500)
    # 2.99 €/kg x 0.500 kg = 1.495 € -> 1.50 €
    assert cart.lines[0].gross == 150
    assert cart.totals().total == 150


def test_a_repriced_product_gets_its_own_line() -> None:
    cart, _ = Cart().add(COFFEE)
    cart, index = cart.add(Product(2, "3760000000028", "Coffee", 170, 1000))
    assert index == 1
    assert [line.unit_price for line in cart.lines] == [150, 170]


def test_a_line_with_its_own_discount_is_not_merged() -> None:
    cart = ring_up(WINE).with_line_adjustment(0, Adjustment("percent", 1000))
    cart, index = cart.add(WINE)
    assert index == 1
    assert [line.quantity for line in cart.lines] == [1000, 1000]
    # A third scan grows the plain line, not the discounted one.
    cart, index = cart.add(WINE)
    assert index == 1
    assert [line.quantity for line in cart.lines] == [1000, 2000]


def test_mixed_basket_with_a_ten_percent_basket_discount() -> None:
    cart = ring_up(CROISSANT, WINE).with_basket_adjustment(Adjustment("percent", 1000))
    totals = cart.totals()
    assert totals.subtotal == 1320  # 1.20 € + 12.00 €
    assert totals.basket_adjustment == -132  # 10 % of 13.20 €
    assert totals.basket_shares == (-12, -120)  # in proportion: 10 % of each line
    assert totals.line_totals == (108, 1080)
    assert totals.total == 1188
    assert totals.discount_total == 132
    # VAT: 1.08 € x 5.5/105.5 = 0.0563 -> 0.06 €; 10.80 € / 6 = 1.80 €
    assert [(line.rate, line.vat) for line in totals.vat] == [(550, 6), (2000, 180)]
    assert totals.vat_total == 186


def test_line_discount_and_room_service_charge() -> None:
    cart = ring_up(WINE, COFFEE).with_line_adjustment(0, Adjustment("percent", 1000))
    cart = cart.with_basket_adjustment(Adjustment("amount", 300, surcharge=True))
    totals = cart.totals()
    assert cart.lines[0].net == 1080  # 12.00 € less 10 %
    assert totals.subtotal == 1230  # 10.80 € + 1.50 €
    assert totals.basket_adjustment == 300
    assert totals.total == 1530
    assert totals.discount_total == 120  # the charge is not a discount


def test_a_free_item_is_a_hundred_percent_discount() -> None:
    cart = ring_up(COFFEE, CROISSANT).with_line_adjustment(0, Adjustment("percent", 10_000))
    cart = cart.with_basket_adjustment(Adjustment("amount", 20))
    totals = cart.totals()
    assert cart.lines[0].net == 0
    assert totals.basket_shares == (0, -20)  # the free coffee takes no share
    assert totals.total == 100
    assert totals.discount_total == 170


def test_spread_gives_leftover_cents_to_largest_remainders() -> None:
    # 1.00 € off three equal lines: 33 + 33 + 33, the spare cent to the first line.
    assert spread(-100, (500, 500, 500)) == (-34, -33, -33)
    # 0.10 € over weights 1 and 2: 3.33 and 6.67 -> 3 and 6, the spare cent to 6.67.
    assert spread(10, (1, 2)) == (3, 7)
    assert spread(0, (1, 2)) == (0, 0)
    assert spread(5, (0, 0)) == (0, 0)
    assert spread(5, ()) == ()


# --- what the cart refuses -------------------------------------------------------------------


def test_discount_rules() -> None:
    cart = ring_up(WINE)
    for refused in (
        Adjustment("percent", 10_001),  # more than 100 %
        Adjustment("amount", 1201),  # more than the 12.00 € it applies to
        Adjustment("amount", 0),
        Adjustment("percent", -500),
    ):
        with pytest.raises(CartError):
            cart.with_line_adjustment(0, refused)
        with pytest.raises(CartError):
            cart.with_basket_adjustment(refused)
    # Extra charges have no ceiling.
    assert cart.with_basket_adjustment(Adjustment("percent", 15_000, surcharge=True)).totals().total
    with pytest.raises(CartError):
        Cart().with_basket_adjustment(Adjustment("percent", 1000))  # nothing to discount
    assert cart.with_line_adjustment(0, Adjustment("amount", 1200)).lines[0].net == 0


def test_quantity_rules() -> None:
    cart = ring_up(WINE)
    with pytest.raises(CartError):
        cart.add(COFFEE, 0)
    with pytest.raises(CartError):
        cart.set_quantity(0, 0)
    with pytest.raises(CartError):
        cart.change_quantity(0, -1000)
    assert cart.change_quantity(0, 2000).lines[0].quantity == 3000
    # Two bottles with 15.00 € off; going back to one bottle (12.00 €) would go below zero.
    two = cart.set_quantity(0, 2000).with_line_adjustment(0, Adjustment("amount", 1500))
    with pytest.raises(CartError):
        two.set_quantity(0, 1000)


def test_removing_the_last_line_clears_the_basket_discount() -> None:
    cart = ring_up(CROISSANT, COFFEE).with_basket_adjustment(Adjustment("percent", 500))
    cart = cart.remove(0)
    assert cart.adjustment == Adjustment("percent", 500)  # one line left: kept
    cart = cart.remove(0)
    assert cart.is_empty
    assert cart.adjustment is None


def test_basket_discount_never_exceeds_what_is_left() -> None:
    # 5.00 € off coffee + wine, then the wine is taken back: refused, the coffee is not free.
    cart = ring_up(COFFEE, WINE).with_basket_adjustment(Adjustment("amount", 500))
    with pytest.raises(CartError):
        cart.remove(1)
    # A draft saved that way by an older version is clamped: free, never negative.
    restored = Cart.from_dict({**cart.to_dict(), "lines": [cart.lines[0].to_dict()]})
    totals = restored.totals()
    assert totals.basket_adjustment == -150
    assert totals.total == 0


def test_a_restored_line_discount_never_goes_below_zero() -> None:
    # A draft saved with 5.00 € off a coffee that costs 1.50 €: the coffee is free, not -3.50 €.
    line = CartLine(2, "3760000000028", "Coffee", 150, 1000, adjustment=Adjustment("amount", 500))
    cart = Cart.from_dict({"lines": [line.to_dict()]})
    assert cart.lines[0].adjustment_amount == -150
    assert cart.lines[0].net == 0
    assert cart.totals().total == 0
    assert cart.totals().discount_total == 150


def test_note_is_trimmed_and_unknown_adjustment_kind_refused() -> None:
    assert ring_up(COFFEE).with_note("  no sugar ").note == "no sugar"
    with pytest.raises(ValueError):
        Adjustment.from_dict({"kind": "bogus", "value": 1, "surcharge": False})


# --- properties ------------------------------------------------------------------------------

percent_discounts = st.builds(Adjustment, st.just("percent"), st.integers(1, 10_000))
kinds = st.sampled_from(["percent", "amount"])
surcharges = st.builds(Adjustment, kinds, st.integers(1, 100_000), st.just(True))


@st.composite
def cart_lines(draw: st.DrawFn) -> CartLine:
    line = CartLine(
        product_id=draw(st.integers(1, 50)),
        code=draw(st.text(max_size=13)),
        name=draw(st.text(max_size=20)),
        unit_price=draw(st.integers(0, 200_000)),
        vat_rate=draw(st.sampled_from([0, 210, 550, 1000, 2000])),
        quantity=draw(st.integers(1, 20_000)),
    )
    amount_discounts = (
        st.builds(Adjustment, st.just("amount"), st.integers(1, line.gross))
        if line.gross > 0
        else st.nothing()
    )
    adjustment = draw(st.none() | percent_discounts | amount_discounts | surcharges)
    return CartLine(**{**line.to_dict(), "adjustment": adjustment})


@st.composite
def carts(draw: st.DrawFn, basket: bool = True) -> Cart:
    cart = Cart(
        lines=tuple(draw(st.lists(cart_lines(), min_size=1, max_size=8))),
        note=draw(st.text(max_size=30)),
        customer_id=draw(st.none() | st.integers(1, 10**6)),
    )
    subtotal = sum(line.net for line in cart.lines)
    if basket:
        choices = st.none() | percent_discounts | surcharges
        if subtotal > 0:
            choices |= st.builds(Adjustment, st.just("amount"), st.integers(1, subtotal))
        cart = cart.with_basket_adjustment(draw(choices))
    return cart


@given(carts())
def test_totals_add_up(cart: Cart) -> None:
    totals = cart.totals()
    nets = [line.net for line in cart.lines]
    for line in cart.lines:
        # Independently: price x quantity, half-up to the cent, never below zero after a discount.
        assert line.gross == exact_half_up(Fraction(line.unit_price * line.quantity, 1000))
        assert line.net >= 0
    assert totals.subtotal == sum(nets)
    assert sum(totals.basket_shares) == totals.basket_adjustment
    for net, share, line_total in zip(nets, totals.basket_shares, totals.line_totals, strict=True):
        assert line_total == net + share
    assert totals.total == sum(totals.line_totals)
    assert sum(line.total for line in totals.vat) == totals.total
    assert totals.vat_total == sum(line.vat for line in totals.vat)


@given(carts(basket=False), st.data())
def test_basket_discount_is_spread_exactly(cart: Cart, data: st.DataObject) -> None:
    subtotal = cart.totals().subtotal
    assume(subtotal > 0)
    amounts = st.builds(Adjustment, st.just("amount"), st.integers(1, subtotal))
    discount = data.draw(percent_discounts | amounts)
    totals = cart.with_basket_adjustment(discount).totals()

    if discount.kind == "percent":
        expected = exact_half_up(Fraction(subtotal * discount.value, 10_000))
    else:
        expected = discount.value
    assert totals.basket_adjustment == -expected
    assert sum(totals.basket_shares) == -expected
    for line, share, line_total in zip(
        cart.lines, totals.basket_shares, totals.line_totals, strict=True
    ):
        assert abs(share - Fraction(-expected * line.net, subtotal)) < 1
        assert line_total >= 0
    assert totals.total == subtotal - expected


@given(st.integers(-(10**7), 10**7), st.lists(st.integers(0, 10**6), min_size=1, max_size=12))
def test_spread_shares_are_within_a_cent_of_exact(delta: int, weights: list[int]) -> None:
    assume(sum(weights) > 0)
    shares = spread(delta, tuple(weights))
    assert sum(shares) == delta
    for share, weight in zip(shares, weights, strict=True):
        assert abs(share - Fraction(delta * weight, sum(weights))) < 1
        if weight == 0:
            assert share == 0


@given(carts(basket=False), surcharges)
def test_extra_charge_increases_the_total(cart: Cart, charge: Adjustment) -> None:
    before = cart.totals()
    after = cart.with_basket_adjustment(charge).totals()
    if charge.kind == "percent":
        expected = exact_half_up(Fraction(before.subtotal * charge.value, 10_000))
    else:
        expected = charge.value if before.subtotal > 0 else 0
    assert after.total == before.total + expected >= before.total
    assert after.discount_total == before.discount_total


@given(carts(), st.integers(10_001, 10**6), st.integers(1, 10**6))
def test_discount_above_full_or_above_base_is_refused(
    cart: Cart, too_many_points: int, extra: int
) -> None:
    with pytest.raises(CartError):
        cart.with_basket_adjustment(Adjustment("percent", too_many_points))
    with pytest.raises(CartError):
        cart.with_basket_adjustment(Adjustment("amount", cart.totals().subtotal + extra))
    with pytest.raises(CartError):
        cart.with_line_adjustment(0, Adjustment("amount", cart.lines[0].gross + extra))


@given(carts())
def test_removing_lines_keeps_the_basket_adjustment_or_refuses_and_the_last_clears_it(
    cart: Cart,
) -> None:
    while len(cart.lines) > 1:
        adjustment = cart.adjustment
        rest = sum(line.net for line in cart.lines[1:])
        fits = (
            adjustment is None
            or adjustment.surcharge
            or adjustment.kind == "percent"
            or adjustment.value <= rest
        )
        if fits:
            cart = cart.remove(0)
            assert cart.adjustment == adjustment
        else:  # a fixed discount larger than what is left: refused, never a free sale
            with pytest.raises(CartError):
                cart.remove(0)
            cart = cart.with_basket_adjustment(None)  # the cashier changes the discount first
    assert cart.remove(0) == Cart(note=cart.note, customer_id=cart.customer_id)


@given(st.integers(1, 30))
def test_scanning_n_times_makes_one_line_of_n(times: int) -> None:
    cart = ring_up(*[COFFEE] * times)
    assert len(cart.lines) == 1
    assert cart.lines[0].quantity == times * 1000
    assert cart.totals().total == times * 150


@given(carts())
def test_draft_survives_a_crash(cart: Cart) -> None:
    assert Cart.from_dict(cart.to_dict()) == cart
    assert Cart.from_dict(json.loads(json.dumps(cart.to_dict()))) == cart


def test_a_basket_discount_never_silently_makes_a_smaller_sale_free() -> None:
    espresso = Product(1, "3760123000017", "Café expresso", 150, 1000)
    croissant = Product(2, "3760123000130", "Croissant au beurre", 120, 550)
    cart, _ = Cart().add(espresso)
    cart, _ = cart.add(croissant)
    cart = cart.with_basket_adjustment(Adjustment("amount", 200))  # 2.00 off 2.70
    with pytest.raises(CartError, match="basket discount"):
        cart.remove(0)  # 1.20 left: the discount would swallow it
    with pytest.raises(CartError, match="basket discount"):
        cart.with_line_adjustment(0, Adjustment("percent", 5000))  # 1.95 left
    assert cart.change_quantity(0, 1000).totals().total == 420 - 200
    ten_percent = cart.with_basket_adjustment(Adjustment("percent", 1000))
    assert ten_percent.remove(0).remove(0).adjustment is None  # an empty cart drops it


def test_a_line_or_a_sale_too_large_for_the_books_is_refused() -> None:
    from till_tui.domain.money import MAX_AMOUNT, MAX_QUANTITY, QTY_UNIT

    dear = Product(9, "9", "Dear", MAX_AMOUNT, 2000)  # each of price and quantity at its cap
    cart, index = Cart().add(dear)
    with pytest.raises(CartError, match="line would be too large"):
        cart.set_quantity(index, MAX_QUANTITY)
    with pytest.raises(CartError, match="line would be too large"):
        cart.add(dear)  # two of them: the line would grow past the cap
    with pytest.raises(CartError, match="line would be too large"):
        cart.with_line_adjustment(index, Adjustment("percent", 100_000 * 100, surcharge=True))
    half = Product(10, "10", "Half", MAX_AMOUNT // 2 + 1, 2000)
    with pytest.raises(CartError, match="sale would be too large"):
        other = Product(11, "11", "Other half", MAX_AMOUNT // 2 + 1, 2000)
        ring_up(half, COFFEE).add(other)  # each line fits, their sum does not
    with pytest.raises(CartError, match="sale would be too large"):
        ring_up(half).with_basket_adjustment(Adjustment("percent", 100 * 100, surcharge=True))
    # The cart was left as it was, and what fits is still sold: the cap itself is fine.
    assert cart.totals().total == MAX_AMOUNT
    assert cart.lines[0].quantity == QTY_UNIT
    assert ring_up(WINE).set_quantity(0, MAX_QUANTITY).totals().total == 1200 * 1_000_000
