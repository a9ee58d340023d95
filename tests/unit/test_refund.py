"""Refunds worked out on paper: line amounts, what is left, VAT, and where the money goes back."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from till_tui.domain.cart import Adjustment, Cart, CartLine
from till_tui.domain.ledger import Balances
from till_tui.domain.money import QTY_UNIT
from till_tui.domain.product import Product
from till_tui.domain.refund import (
    OriginalLine,
    OriginalTender,
    Refundable,
    RefundError,
    RefundPlan,
    StoreCredit,
    allocate,
    plan_refund,
    refund_line,
    with_earlier_refunds,
)
from till_tui.domain.tender import Tender
from till_tui.domain.vat import VatLine

ESPRESSO = Product(1, "3760123000017", "Café expresso", 150, 1000)
CROISSANT = Product(2, "3760123000130", "Croissant", 120, 550)
WINE = Product(3, "3760123000390", "Vin rouge", 890, 2000)
PENNY = Product(4, "0000000000004", "Bonbon", 1, 2000)
PREPAID = StoreCredit("prepaid", "Cagnotte")


def tender(kind: str, amount: int, **details: str) -> Tender:
    """A tender as the sale took it (cash exact: no change)."""
    return Tender(kind, kind, kind.title(), amount, amount, **details)  # type: ignore[arg-type]


def sale_of(cart: Cart, *tenders: Tender, balances: Balances | None = None) -> Refundable:
    """The sale as the store keeps it (line ids from 11), nothing refunded yet."""
    totals = cart.totals()
    assert sum(t.amount for t in tenders) == totals.total
    return Refundable(
        sale_id=1,
        number=7,
        register="R1",
        created_at=datetime(2026, 7, 14, 10, 30, tzinfo=UTC),
        cashier="Camille",
        lines=tuple(
            OriginalLine(
                line_id=11 + index,
                position=index + 1,
                product_id=line.product_id,
                code=line.code,
                name=line.name,
                unit_price=line.unit_price,
                vat_rate=line.vat_rate,
                quantity=line.quantity,
                adjustment=line.adjustment,
                adjustment_amount=line.adjustment_amount,
                basket_share=share,
                total=amount,
            )
            for index, (line, share, amount) in enumerate(
                zip(cart.lines, totals.basket_shares, totals.line_totals, strict=True)
            )
        ),
        vat=totals.vat,
        refunded_vat=(),
        tenders=tuple(
            OriginalTender(t.method, t.kind, t.label, t.amount, t.reference, t.last4)
            for t in tenders
        ),
        balances=balances,
    )


def after(sale: Refundable, plan: RefundPlan) -> Refundable:
    """The sale once `plan` is written: what the store reads back for the next refund."""
    given = {line.origin.line_id: line for line in plan.lines}
    lines = []
    for line in sale.lines:
        back = given.get(line.line_id)
        if back is not None:
            line = replace(
                line,
                refunded_quantity=line.refunded_quantity + back.quantity,
                refunded_adjustment=line.refunded_adjustment + back.adjustment_amount,
                refunded_share=line.refunded_share + back.basket_share,
                refunded_total=line.refunded_total + back.total,
            )
        lines.append(line)
    vat = {v.rate: v for v in sale.refunded_vat}
    for v in plan.vat:
        old = vat.get(v.rate, VatLine(v.rate, 0, 0, 0))
        vat[v.rate] = VatLine(v.rate, old.base + v.base, old.vat + v.vat, old.total + v.total)
    tenders = with_earlier_refunds(
        sale.tenders, [(t.method, t.kind, t.last4, t.reference, t.amount) for t in plan.tenders]
    )
    return replace(
        sale, lines=tuple(lines), refunded_vat=tuple(vat[r] for r in sorted(vat)), tenders=tenders
    )


def ring(*items: tuple[Product, int]) -> Cart:
    cart = Cart()
    for product, quantity in items:
        cart, _index = cart.add(product, quantity * QTY_UNIT)
    return cart


# -- whole and partial -----------------------------------------------------------------------


def test_a_whole_sale_comes_back_exactly_card_first_then_cash() -> None:
    cart = ring((ESPRESSO, 3), (CROISSANT, 2), (WINE, 1))
    cart = cart.with_line_adjustment(2, Adjustment("amount", 90))  # wine 8.90 - 0.90
    cart = cart.with_basket_adjustment(Adjustment("percent", 1000))
    totals = cart.totals()
    assert totals.total == 1490 - 149 == 1341
    sale = sale_of(cart, tender("cash", 341), tender("card", 1000, last4="4242"))

    plan = plan_refund(sale, {line.line_id: line.remaining for line in sale.lines})

    assert plan.completes
    assert plan.total == totals.total
    assert plan.subtotal == totals.subtotal and plan.basket_adjustment == totals.basket_adjustment
    assert plan.discount_total == totals.discount_total == 90 + 149
    assert plan.vat == totals.vat
    assert [(t.kind, t.amount, t.last4, t.change, t.tendered) for t in plan.tenders] == [
        ("card", 1000, "4242", 0, 1000),
        ("cash", 341, "", 0, 341),
    ]
    assert plan.has_cash


def test_a_partial_refund_gives_back_its_share_of_the_discounts() -> None:
    # 3 x 1.50 with 0.10 off the line = 4.40; refund one, then one, then the last.
    cart = ring((ESPRESSO, 3)).with_line_adjustment(0, Adjustment("amount", 10))
    sale = sale_of(cart, tender("card", 440))
    line_id = sale.lines[0].line_id

    first = plan_refund(sale, {line_id: QTY_UNIT})
    assert (first.lines[0].total, first.lines[0].adjustment_amount) == (147, -3)  # 146.67, -3.33
    assert first.lines[0].net == 147 and first.discount_total == 3
    assert not first.completes
    sale = after(sale, first)
    assert sale.lines[0].remaining == 2 * QTY_UNIT

    second = plan_refund(sale, {line_id: QTY_UNIT})
    assert (second.lines[0].total, second.lines[0].adjustment_amount) == (147, -3)
    sale = after(sale, second)

    last = plan_refund(sale, {line_id: QTY_UNIT})
    assert last.completes
    assert (last.lines[0].total, last.lines[0].adjustment_amount) == (146, -4)  # what is left
    assert 147 + 147 + 146 == 440


def test_rounding_never_gives_back_more_than_the_line() -> None:
    # 8 sweets at 0.01 with 0.03 off: 0.05 for 8. Each sweet rounds 0.625 up to 0.01.
    cart = ring((PENNY, 8)).with_line_adjustment(0, Adjustment("amount", 3))
    sale = sale_of(cart, tender("cash", 5))
    given = []
    for _sweet in range(8):
        plan = plan_refund(sale, {11: QTY_UNIT})
        given.append(plan.total)
        sale = after(sale, plan)
        assert sale.lines[0].refunded_total <= 5
        assert sale.lines[0].refunded_adjustment >= -3
    assert given == [1, 1, 1, 1, 1, 0, 0, 0]
    assert sale.fully_refunded and sale.refunded_total == 5


def test_vat_of_partial_refunds_never_exceeds_the_rate_and_ends_exact() -> None:
    # Four lines of 0.03 at 20 %: the rate's VAT is 0.02 (12 x 20 / 120), but each line alone
    # rounds 0.005 up to 0.01. Plus a croissant, so the last line does not end the sale.
    cart = Cart()
    for index in range(4):
        cart, _index = cart.add(Product(10 + index, f"C{index}", f"Sweet {index}", 3, 2000))
    cart, _index = cart.add(CROISSANT)
    sale = sale_of(cart, tender("cash", 132))
    assert [v for v in sale.vat if v.rate == 2000] == [VatLine(2000, 10, 2, 12)]
    vat_given = []
    for line in sale.lines[:4]:
        plan = plan_refund(sale, {line.line_id: QTY_UNIT})
        (row,) = plan.vat
        assert row.total == row.base + row.vat == 3
        vat_given.append(row.vat)
        sale = after(sale, plan)
    assert vat_given == [1, 1, 0, 0]
    assert [v for v in sale.refunded_vat if v.rate == 2000] == [VatLine(2000, 10, 2, 12)]

    last = plan_refund(sale, {sale.lines[4].line_id: QTY_UNIT})
    assert last.completes and last.vat == (VatLine(550, 114, 6, 120),)


def test_a_refund_is_vat_breakdown_on_its_own_lines() -> None:
    cart = ring((ESPRESSO, 2), (WINE, 2))
    sale = sale_of(cart, tender("card", 2080))
    plan = plan_refund(sale, {11: QTY_UNIT, 12: QTY_UNIT})
    assert plan.vat == (VatLine(1000, 136, 14, 150), VatLine(2000, 742, 148, 890))
    assert plan.vat_total == 162


# -- what is left ------------------------------------------------------------------------------


def test_quantities_are_limited_to_what_is_left() -> None:
    sale = sale_of(ring((ESPRESSO, 3), (WINE, 1)), tender("cash", 1340))
    with pytest.raises(RefundError, match="Only 3 of Café expresso is left to refund"):
        plan_refund(sale, {11: 4 * QTY_UNIT})
    sale = after(sale, plan_refund(sale, {11: 2 * QTY_UNIT}))
    with pytest.raises(RefundError, match="Only 1 of Café expresso is left to refund"):
        plan_refund(sale, {11: 2 * QTY_UNIT})
    sale = after(sale, plan_refund(sale, {11: QTY_UNIT}))
    with pytest.raises(RefundError, match="Café expresso was already refunded in full"):
        plan_refund(sale, {11: QTY_UNIT})
    with pytest.raises(RefundError, match="Choose what to refund first"):
        plan_refund(sale, {11: 0})
    with pytest.raises(RefundError, match="has no such line"):
        plan_refund(sale, {99: QTY_UNIT})
    with pytest.raises(RefundError, match="more than zero"):
        refund_line(sale.lines[1], -QTY_UNIT)
    assert not sale.fully_refunded
    assert plan_refund(sale, {12: QTY_UNIT}).completes


def test_a_weighed_line_can_be_refunded_in_part() -> None:
    apples = Product(5, "2000000000001", "Pommes", 349, 550)  # 3.49 a kilo
    cart, _index = Cart().add(apples, 1250)  # 1.250 kg = 4.3625 -> 4.36
    sale = sale_of(cart, tender("cash", 436))
    plan = plan_refund(sale, {11: 250})
    assert plan.total == 87  # 436 x 0.250 / 1.250 = 87.2
    with pytest.raises(RefundError, match=r"Only 1\.250 of Pommes"):
        plan_refund(sale, {11: 1300})


# -- where the money goes back ---------------------------------------------------------------


def test_non_cash_tenders_first_in_their_order_then_cash_each_capped() -> None:
    tenders = (
        OriginalTender("cash", "cash", "Cash", 500),
        OriginalTender("room", "external", "Room", 300, reference="204"),
        OriginalTender("card", "card", "Card", 200, last4="1111"),
    )
    assert [(t.method, t.amount) for t in allocate(tenders, 250)] == [("room", 250)]
    assert [(t.method, t.amount) for t in allocate(tenders, 600)] == [
        ("room", 300),
        ("card", 200),
        ("cash", 100),
    ]
    (room,) = allocate(tenders, 10)
    assert (room.reference, room.tendered, room.change) == ("204", 10, 0)
    with pytest.raises(RefundError):
        allocate(tenders, 1001)


def test_earlier_refunds_are_taken_off_the_tender_they_went_through() -> None:
    tenders = (
        OriginalTender("card", "card", "Card", 300, last4="1111"),
        OriginalTender("card", "card", "Card", 400, last4="2222"),
        OriginalTender("cash", "cash", "Cash", 100),
    )
    left = with_earlier_refunds(
        tenders,
        [
            ("card", "card", "2222", "", 150),
            ("cash", "cash", "", "", 30),
            ("x", "other", "", "", 9),
        ],
    )
    assert [t.left for t in left] == [300, 250, 70]
    assert [(t.last4 or t.kind, t.amount) for t in allocate(left, 600)] == [
        ("1111", 300),
        ("2222", 250),
        ("cash", 50),
    ]


def test_store_credit_goes_to_the_prepaid_balance_with_the_configured_method() -> None:
    sale = sale_of(ring((WINE, 1)), tender("card", 890, last4="1234"))
    plan = plan_refund(sale, {11: QTY_UNIT}, store_credit=PREPAID)
    assert plan.store_credit
    assert [(t.method, t.kind, t.label, t.amount, t.last4) for t in plan.tenders] == [
        ("prepaid", "prepaid", "Cagnotte", 890, "")
    ]
    assert plan.back_through("prepaid") == 890 and not plan.has_cash


def test_a_refund_on_account_is_never_more_than_the_customer_owes() -> None:
    cart = ring((WINE, 2))
    owes = Balances(prepaid=0, unpaid=500, credit_limit=100_000)
    sale = sale_of(cart, tender("credit", 1780), balances=owes)
    plan = plan_refund(sale, {11: QTY_UNIT // 2})  # 4.45: within the 5.00 owed
    assert plan.back_through("credit") == 445
    with pytest.raises(RefundError, match="refund as store credit instead"):
        plan_refund(sale, {11: QTY_UNIT})
    assert plan_refund(sale, {11: QTY_UNIT}, store_credit=PREPAID).total == 890


def test_a_free_line_gives_nothing_back_and_takes_no_tender() -> None:
    cart = ring((ESPRESSO, 1), (WINE, 1)).with_line_adjustment(0, Adjustment("percent", 10_000))
    sale = sale_of(cart, tender("cash", 890))
    plan = plan_refund(sale, {11: QTY_UNIT})
    assert (plan.total, plan.tenders, plan.discount_total) == (0, (), 150)


# -- properties ------------------------------------------------------------------------------

KINDS = ("cash", "card", "prepaid", "credit", "external", "other")
DISCOUNTS = st.none() | st.builds(Adjustment, st.just("percent"), st.integers(1, 10_000))


@st.composite
def sales(draw: st.DrawFn) -> Refundable:
    cart = Cart()
    for _line in range(draw(st.integers(1, 5))):
        line = CartLine(
            product_id=draw(st.integers(1, 50)),
            code="C",
            name="Item",
            unit_price=draw(st.integers(0, 5_000)),
            vat_rate=draw(st.sampled_from([0, 550, 1000, 2000])),
            quantity=draw(st.integers(1, 6)) * QTY_UNIT,
            adjustment=draw(DISCOUNTS),
        )
        cart = replace(cart, lines=(*cart.lines, line))
    cart = cart.with_basket_adjustment(draw(DISCOUNTS))
    total = cart.totals().total
    cuts = sorted(draw(st.lists(st.integers(0, total), max_size=3)))
    amounts = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
    tenders = [
        tender(draw(st.sampled_from(KINDS)), amount, last4=str(1000 + index))
        for index, amount in enumerate(amounts)
        if amount
    ]
    return sale_of(cart, *tenders, balances=Balances(unpaid=10**9, credit_limit=10**9))


@settings(max_examples=300, deadline=None)
@given(sales(), st.data())
def test_partial_refunds_never_exceed_the_sale_and_all_of_them_return_it_exactly(
    sale: Refundable, data: st.DataObject
) -> None:
    original = sale
    while not sale.fully_refunded:
        left = [line for line in sale.lines if line.remaining]
        chosen = data.draw(st.lists(st.sampled_from(left), min_size=1, unique=True))
        quantities = {
            line.line_id: data.draw(st.integers(1, line.remaining // QTY_UNIT)) * QTY_UNIT
            for line in chosen
        }
        plan = plan_refund(sale, quantities)
        assert plan.total == sum(t.amount for t in plan.tenders)
        assert all(t.change == 0 and t.tendered == t.amount > 0 for t in plan.tenders)
        assert plan.total == plan.subtotal + plan.basket_adjustment
        assert plan.completes == all(
            line.remaining == quantities.get(line.line_id, 0) for line in sale.lines
        )
        sale = after(sale, plan)

        for line in sale.lines:
            for whole, back in (
                (line.total, line.refunded_total),
                (line.adjustment_amount, line.refunded_adjustment),
                (line.basket_share, line.refunded_share),
            ):
                assert abs(back) <= abs(whole) and back * whole >= 0
        refunded = {v.rate: v for v in sale.refunded_vat}
        for v in original.vat:
            row = refunded.get(v.rate, VatLine(v.rate, 0, 0, 0))
            assert row.base + row.vat == row.total
            for whole, back in ((v.total, row.total), (v.vat, row.vat), (v.base, row.base)):
                assert abs(back) <= abs(whole) and back * whole >= 0
        for t in sale.tenders:
            assert 0 <= t.refunded <= t.amount

    assert sale.refunded_total == original.total
    assert all(
        (line.refunded_adjustment, line.refunded_share, line.refunded_total)
        == (line.adjustment_amount, line.basket_share, line.total)
        for line in sale.lines
    )
    assert {v.rate: v for v in sale.refunded_vat} == {
        v.rate: v for v in original.vat if v.rate in {r.rate for r in sale.refunded_vat}
    }
    assert {v.rate for v in original.vat} == {v.rate for v in sale.refunded_vat}
    assert all(t.refunded == t.amount for t in sale.tenders)
