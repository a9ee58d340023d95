"""Refunds on a real SQLite store: a new, negative sale that references the original, written
in one transaction with its payments, ledger entries and journal row; money back through each
tender kind or as store credit; never more than was sold, never twice the same line."""

from __future__ import annotations

import json
import re
import threading
from typing import Any

import pytest

from tests.store.tills import EUR, Till, open_till
from till_tui.config import Config
from till_tui.demo import DEMO_CUSTOMERS
from till_tui.domain.cart import Adjustment
from till_tui.domain.money import QTY_UNIT
from till_tui.domain.receipt import ShopHeader, layout_receipt, receipt_text
from till_tui.domain.refund import Refundable
from till_tui.domain.sale import CompletedSale, receipt_for
from till_tui.store.db import close_database, database
from till_tui.store.journal import GENESIS, row_hash
from till_tui.store.refunds import RefundError, RefundPermissionError
from till_tui.store.services import Services

HELENE, JEAN, HOTEL = (card for _name, card, *_rest in DEMO_CUSTOMERS)  # no credit, 1000, 500
EXPRESSO, CREME, CROISSANT, WINE, CHAMPAGNE = 1, 2, 13, 39, 40  # 1.50 2.80 1.20 8.90 32.00
TABLES = ("sale", "sale_line", "sale_vat", "payment", "ledger_entry", "journal", "sale_balance")


@pytest.fixture
def till(services: Services, config: Config) -> Till:
    return open_till(services, config)


def refund(
    till: Till, sale: CompletedSale, quantities: dict[int, int] | None = None, **options: Any
) -> CompletedSale:
    """Refund `quantities` ({line position: units}; all that is left by default), approved
    by the manager."""
    left = till.services.refunds.refundable(sale.id)
    if quantities is None:
        lines = {line.line_id: line.remaining for line in left.lines if line.remaining}
    else:
        lines = {
            left.lines[position - 1].line_id: units * QTY_UNIT
            for position, units in quantities.items()
        }
    return till.services.refunds.refund(
        sale.id,
        lines,
        staff=till.cashier,
        approved_by=options.pop("approved_by", till.manager),
        shift_id=till.shift_id,
        **options,
    )


def sale_row(sale_id: int) -> tuple[Any, ...]:
    row = database.execute_sql(
        "SELECT number, refund_of, approved_by, customer_id, subtotal, basket_adjustment,"
        " discount_total, total, vat_total FROM sale WHERE id = ?",
        (sale_id,),
    ).fetchone()
    return tuple(row)


def line_rows(sale_id: int) -> list[tuple[Any, ...]]:
    return [
        tuple(row)
        for row in database.execute_sql(
            "SELECT l.position, l.name, l.quantity, l.unit_price, l.adjustment_amount,"
            " l.basket_share, l.total, o.position FROM sale_line AS l"
            " LEFT JOIN sale_line AS o ON o.id = l.origin_line WHERE l.sale_id = ?"
            " ORDER BY l.position",
            (sale_id,),
        )
    ]


def vat_rows(sale_id: int) -> list[tuple[Any, ...]]:
    return [
        tuple(row)
        for row in database.execute_sql(
            "SELECT rate, base, vat, total FROM sale_vat WHERE sale_id = ? ORDER BY rate",
            (sale_id,),
        )
    ]


def payment_rows(sale_id: int) -> list[tuple[Any, ...]]:
    return [
        tuple(row)
        for row in database.execute_sql(
            "SELECT method, kind, label, amount, tendered, change_given, last4, reference,"
            " external_id FROM payment WHERE sale_id = ? ORDER BY position",
            (sale_id,),
        )
    ]


def ledger_rows(sale_id: int) -> list[tuple[Any, ...]]:
    return [
        tuple(row)
        for row in database.execute_sql(
            "SELECT kind, amount, method, customer_id FROM ledger_entry WHERE sale_id = ?"
            " ORDER BY id",
            (sale_id,),
        )
    ]


def counts() -> dict[str, int]:
    return {
        table: int(database.execute_sql(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
        for table in TABLES
    }


def printed(sale: CompletedSale, title: str = "") -> list[str]:
    shop = ShopHeader("Café de la Gare")
    rows = layout_receipt(
        receipt_for(sale, shop, title=title), width=42, currency="EUR", locale="en_US"
    )
    return receipt_text(rows, 42).splitlines()


def amount_on(lines: list[str], label: str) -> str:
    """The amount printed at the end of the row starting with `label`."""
    row = next(line for line in lines if line.startswith(label))
    return row.split()[-1]


def body_amounts(lines: list[str]) -> list[int]:
    """The amounts printed between the two rules of a receipt (the lines), in cents."""
    rule = "-" * 42
    start = lines.index(rule)
    body = lines[start + 1 : lines.index(rule, start + 1)]
    return [
        int(match[1].replace(".", ""))
        for line in body
        if (match := re.search(r"(-?\d+\.\d\d)$", line))
    ]


def left_of(till: Till, sale: CompletedSale) -> Refundable:
    return till.services.refunds.refundable(sale.id)


# --- each tender kind -------------------------------------------------------------------------


def test_a_whole_cash_sale_is_refunded_from_the_drawer(till: Till) -> None:
    cart = till.ring(EXPRESSO, EXPRESSO, CROISSANT)  # 3.00 at 10 % + 1.20 at 5.5 %
    sale = till.complete(cart, till.pay("cash", 10 * EUR, 420))  # 5.80 change

    back = refund(till, sale)

    assert (back.number, back.refund_of, back.approved_by, back.cashier) == (
        2,
        1,
        "Patron",
        "Camille",
    )
    assert sale_row(back.id) == (2, sale.id, till.manager.id, None, -420, 0, 0, -420, -33)
    assert line_rows(back.id) == [
        (1, "Café expresso", 2000, 150, 0, 0, -300, 1),
        (2, "Croissant au beurre", 1000, 120, 0, 0, -120, 2),
    ]
    assert vat_rows(back.id) == [(550, -114, -6, -120), (1000, -273, -27, -300)]
    assert vat_rows(back.id) == [(v.rate, -v.base, -v.vat, -v.total) for v in sale.totals.vat]
    assert payment_rows(back.id) == [("cash", "cash", "Cash", -420, -420, 0, "", "", "")]
    assert back.has_cash and back.change == 0
    assert back.totals.total == -420 and back.totals.line_totals == (-300, -120)
    assert left_of(till, sale).fully_refunded

    lines = printed(back)
    assert "Refund of sale 1" in [line.strip() for line in lines]
    assert "Approved by: Patron" in lines
    assert amount_on(lines, "  2 x 1.50") == "-3.00"
    assert sum(body_amounts(lines)) == -420
    assert amount_on(lines, "TOTAL") == "-€4.20"
    assert amount_on(lines, "Cash ") == "-4.20"
    assert not any(line.startswith("Change") for line in lines)


def test_part_of_a_cash_sale_comes_back_in_cash(till: Till) -> None:
    sale = till.complete(till.ring(EXPRESSO, EXPRESSO, EXPRESSO, WINE))  # 4.50 + 8.90
    back = refund(till, sale, {1: 2})
    assert sale_row(back.id)[4:] == (-300, 0, 0, -300, -27)
    assert payment_rows(back.id) == [("cash", "cash", "Cash", -300, -300, 0, "", "", "")]
    left = left_of(till, sale)
    assert [(line.remaining, line.refunded_quantity) for line in left.lines] == [
        (1000, 2000),
        (1000, 0),
    ]
    assert [t.left for t in left.tenders] == [1340 - 300]


def test_a_card_refund_goes_back_to_the_same_card(till: Till) -> None:
    cart = till.ring(CHAMPAGNE, WINE)  # 40.90
    sale = till.complete(cart, till.pay("card", 4090, 4090, last4="4242"))
    first = refund(till, sale, {2: 1})
    assert payment_rows(first.id) == [("card", "card", "Card", -890, -890, 0, "4242", "", "")]
    assert not first.has_cash
    lines = printed(first)
    assert amount_on(lines, "TOTAL") == "-€8.90"
    assert "  Card **** 4242" in lines

    rest = refund(till, sale)
    assert payment_rows(rest.id) == [("card", "card", "Card", -3200, -3200, 0, "4242", "", "")]
    assert [t.left for t in left_of(till, sale).tenders] == [0]


def test_a_prepaid_refund_goes_back_onto_the_balance(till: Till) -> None:
    helene = till.customer(HELENE)
    till.top_up(helene, 20 * EUR)
    cart = till.ring(WINE, CROISSANT, customer=helene)  # 10.10
    sale = till.complete(cart, till.pay("prepaid", 1010, 1010, available=20 * EUR))
    assert till.balances(helene).prepaid == 990

    back = refund(till, sale, {1: 1})

    assert payment_rows(back.id) == [("prepaid", "prepaid", "Prepaid", -890, -890, 0, "", "", "")]
    assert ledger_rows(back.id) == [("prepaid_refund", 890, "prepaid", helene.id)]
    assert till.balances(helene).prepaid == 990 + 890
    assert sale_row(back.id)[3] == helene.id
    assert back.customer == helene
    assert back.balances is not None and back.balances.prepaid == 1880
    lines = printed(back)
    assert "Customer: Hélène Dupont" in lines
    assert amount_on(lines, "  Prepaid balance") == "18.80"

    whole = refund(till, sale)
    assert ledger_rows(whole.id) == [("prepaid_refund", 120, "prepaid", helene.id)]
    assert till.balances(helene).prepaid == 20 * EUR


def test_a_credit_refund_takes_it_off_what_the_customer_owes(till: Till) -> None:
    jean = till.customer(JEAN)
    cart = till.ring(CHAMPAGNE, WINE, customer=jean)  # 40.90 on account
    available = till.balances(jean).available
    sale = till.complete(cart, till.pay("account", 4090, 4090, available=available))
    assert till.balances(jean).unpaid == 4090

    back = refund(till, sale, {2: 1})

    assert payment_rows(back.id) == [("account", "credit", "On account", -890, -890, 0, "", "", "")]
    assert ledger_rows(back.id) == [("credit_refund", 890, "account", jean.id)]
    balances = till.balances(jean)
    assert balances.unpaid == 3200
    assert balances.available == 100_000 - 3200
    [invoice] = till.services.accounts.open_invoices(jean.id)
    assert (invoice.sale_number, invoice.unpaid) == (1, 3200)
    assert back.balances is not None and back.balances.unpaid == 3200


def test_a_credit_refund_above_what_is_owed_is_refused_and_store_credit_offered(
    till: Till,
) -> None:
    jean = till.customer(JEAN)
    cart = till.ring(CHAMPAGNE, customer=jean)
    available = till.balances(jean).available
    sale = till.complete(cart, till.pay("account", 3200, 3200, available=available))
    till.services.accounts.settle(
        jean.id, 3000, till.method("cash"), staff=till.cashier, shift_id=till.shift_id
    )  # 2.00 still owed
    before, number = counts(), till.services.sales.next_number()

    with pytest.raises(RefundError, match="refund as store credit instead"):
        refund(till, sale)
    assert counts() == before and till.services.sales.next_number() == number

    back = refund(till, sale, to_store_credit=True, store_credit_method=till.method("prepaid"))
    assert ledger_rows(back.id) == [("prepaid_refund", 3200, "prepaid", jean.id)]
    assert (till.balances(jean).prepaid, till.balances(jean).unpaid) == (3200, 200)


def test_a_room_charge_is_refunded_to_the_room_with_its_reference(till: Till) -> None:
    hotel = till.customer(HOTEL)
    cart = till.ring(WINE, EXPRESSO, customer=hotel)  # 10.40
    sale = till.complete(cart, till.pay("room", 1040, 1040, reference="204"))
    back = refund(till, sale, {2: 1})
    assert payment_rows(back.id) == [
        ("room", "external", "Room", -150, -150, 0, "", "204", "PMS-ROOM")
    ]
    assert ledger_rows(back.id) == []
    assert "  Ref. 204" in printed(back)


def test_a_cheque_is_refunded_as_a_cheque(till: Till) -> None:
    sale = till.complete(till.ring(CHAMPAGNE), till.pay("cheque", 3200, 3200, reference="0012345"))
    back = refund(till, sale)
    assert payment_rows(back.id) == [
        ("cheque", "other", "Cheque", -3200, -3200, 0, "", "0012345", "")
    ]
    assert amount_on(printed(back), "TOTAL") == "-€32.00"


def test_a_split_sale_refunds_the_card_before_the_cash(till: Till) -> None:
    cart = till.ring(WINE, EXPRESSO, CROISSANT)  # 11.60
    sale = till.complete(
        cart, till.pay("cash", 2000, 660), till.pay("card", 500, 500, last4="1111")
    )  # cash 6.60 (13.40 change), then card 5.00
    first = refund(till, sale, {1: 1})  # 8.90: the card's 5.00, then 3.90 cash
    assert payment_rows(first.id) == [
        ("card", "card", "Card", -500, -500, 0, "1111", "", ""),
        ("cash", "cash", "Cash", -390, -390, 0, "", "", ""),
    ]
    rest = refund(till, sale)  # 2.70: only cash is left
    assert payment_rows(rest.id) == [("cash", "cash", "Cash", -270, -270, 0, "", "", "")]
    assert [t.left for t in left_of(till, sale).tenders] == [0, 0]


# --- discounts, VAT, the receipt ----------------------------------------------------------------


def test_discounts_come_back_in_proportion_and_the_receipt_adds_up(till: Till) -> None:
    cart = till.ring(EXPRESSO, EXPRESSO, EXPRESSO, WINE)
    cart = cart.with_line_adjustment(0, Adjustment("amount", 10))  # 4.50 - 0.10 = 4.40
    cart = cart.with_basket_adjustment(Adjustment("percent", 1000))  # 13.30 - 1.33 = 11.97
    sale = till.complete(cart)
    assert sale.totals.line_totals == (396, 801)

    one = refund(till, sale, {1: 1})
    # 1 of 3: total 396/3 = 1.32, its discount -0.10/3 -> -0.03, its share -0.44/3 -> -0.15
    assert line_rows(one.id) == [(1, "Café expresso", 1000, 150, 3, 15, -132, 1)]
    assert sale_row(one.id)[4:] == (-147, 15, -18, -132, -12)
    lines = printed(one)
    assert amount_on(lines, "Café expresso") == "-1.50"
    assert amount_on(lines, "  Discount") == "0.03"
    assert amount_on(lines, "Subtotal") == "-1.47"
    assert amount_on(lines, "Discount 10%") == "0.15"
    assert amount_on(lines, "TOTAL") == "-€1.32"

    rest = refund(till, sale)
    rows = line_rows(rest.id)
    assert rows == [
        (1, "Café expresso", 2000, 150, 7, 29, -264, 1),
        (2, "Vin rouge Côtes-du-Rhône", 1000, 890, 0, 89, -801, 2),
    ]
    # The two refunds give back exactly the sale: amounts, discounts and VAT per rate.
    both = [sale_row(one.id), sale_row(rest.id)]
    assert [sum(column) for column in zip(*(row[4:] for row in both), strict=True)] == [
        -sale.totals.subtotal,
        -sale.totals.basket_adjustment,
        -sale.totals.discount_total,
        -sale.totals.total,
        -sale.totals.vat_total,
    ]
    vat = {v.rate: (v.base, v.vat, v.total) for v in sale.totals.vat}
    given: dict[int, list[int]] = {}
    for refund_id in (one.id, rest.id):
        for rate, base, tax, total in vat_rows(refund_id):
            given.setdefault(rate, [0, 0, 0])
            given[rate] = [given[rate][0] - base, given[rate][1] - tax, given[rate][2] - total]
    assert {rate: tuple(v) for rate, v in given.items()} == vat
    lines = printed(rest)
    assert sum(body_amounts(lines)) == sale_row(rest.id)[4]  # the lines add up to the subtotal
    assert amount_on(lines, "Subtotal") == "-11.83"  # 2.93 + 8.90
    assert amount_on(lines, "TOTAL") == "-€10.65"


def test_a_refund_reads_back_and_reprints_as_it_was(till: Till) -> None:
    sale = till.complete(till.ring(WINE, CROISSANT), till.pay("card", 1010, 1010, last4="9876"))
    back = refund(till, sale, {1: 1})
    again = till.services.sales.get(back.id)
    assert again == back
    assert again.refund_of == 1 and again.is_refund and not sale.is_refund
    assert [r.number for r in till.services.sales.recent(5)] == [2, 1]
    duplicate = printed(again, "DUPLICATE 1")
    stripped = [line.strip() for line in duplicate]
    assert stripped.index("DUPLICATE 1") < stripped.index("Refund of sale 1")
    assert amount_on(duplicate, "TOTAL") == "-€8.90"
    assert printed(again) == printed(back)
    assert till.services.sales.get(sale.id) == sale  # the sale itself never changes


# --- what is left, twice, permissions -------------------------------------------------------------


def test_quantities_are_limited_to_what_is_left(till: Till) -> None:
    sale = till.complete(till.ring(EXPRESSO, EXPRESSO, EXPRESSO, WINE))
    before = counts()
    with pytest.raises(RefundError, match="Only 3 of Café expresso is left to refund"):
        refund(till, sale, {1: 4})
    assert counts() == before
    refund(till, sale, {1: 2})
    with pytest.raises(RefundError, match="Only 1 of Café expresso is left to refund"):
        refund(till, sale, {1: 2})
    refund(till, sale, {1: 1})
    with pytest.raises(RefundError, match="Café expresso was already refunded in full"):
        refund(till, sale, {1: 1})
    left = left_of(till, sale)
    assert [line.remaining for line in left.lines] == [0, 1000]
    assert left.refunds == (2, 3)


def test_the_same_line_cannot_be_refunded_twice(till: Till) -> None:
    sale = till.complete(till.ring(WINE))
    stale = left_of(till, sale)  # what the second till's screen still shows
    refund(till, sale)
    before = counts()
    with pytest.raises(RefundError, match="already refunded in full"):
        till.services.refunds.refund(
            sale.id,
            {stale.lines[0].line_id: stale.lines[0].remaining},
            staff=till.cashier,
            approved_by=till.manager,
            shift_id=till.shift_id,
        )
    assert counts() == before


def test_two_tills_refunding_the_same_line_at_once_refund_it_once(till: Till) -> None:
    sale = till.complete(till.ring(CHAMPAGNE))
    line = left_of(till, sale).lines[0]
    r2 = Services("R2")
    r2_shift = r2.shifts.open(till.manager, 0).id
    start = threading.Barrier(2)
    results: list[object] = []

    def other_till(services: Services, shift_id: int) -> None:
        try:
            start.wait(timeout=10)
            results.append(
                services.refunds.refund(
                    sale.id,
                    {line.line_id: line.remaining},
                    staff=till.manager,
                    approved_by=till.manager,
                    shift_id=shift_id,
                )
            )
        except Exception as error:  # reported below
            results.append(error)
        finally:
            close_database()

    threads = [
        threading.Thread(target=other_till, args=(till.services, till.shift_id)),
        threading.Thread(target=other_till, args=(r2, r2_shift)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    refunds = [r for r in results if isinstance(r, CompletedSale)]
    refused = [r for r in results if isinstance(r, RefundError)]
    assert (len(refunds), len(refused)) == (1, 1), results
    assert "already refunded in full" in str(refused[0])
    assert left_of(till, sale).refunded_total == 3200
    assert (
        database.execute_sql(
            "SELECT COUNT(*) FROM sale WHERE refund_of = ?", (sale.id,)
        ).fetchone()[0]
        == 1
    )


def test_a_cashier_cannot_approve_a_refund(till: Till) -> None:
    sale = till.complete(till.ring(WINE))
    before = counts()
    with pytest.raises(RefundPermissionError, match="Only a manager can approve a refund"):
        refund(till, sale, approved_by=till.cashier)
    with pytest.raises(PermissionError):
        refund(till, sale, approved_by=till.cashier)
    assert counts() == before
    manager_alone = till.services.refunds.refund(
        sale.id,
        {left_of(till, sale).lines[0].line_id: QTY_UNIT},
        staff=till.manager,
        approved_by=till.manager,
        shift_id=till.shift_id,
    )
    assert manager_alone.approved_by == "Patron" and manager_alone.cashier == "Patron"


def test_a_refund_or_an_unknown_sale_cannot_be_refunded(till: Till) -> None:
    sale = till.complete(till.ring(WINE))
    back = refund(till, sale)
    with pytest.raises(RefundError, match="Sale N° 2 is a refund: it cannot be refunded"):
        till.services.refunds.refundable(back.id)
    with pytest.raises(RefundError, match="Sale N° 2 is a refund"):
        till.services.refunds.refund(
            back.id, {1: QTY_UNIT}, staff=till.cashier, approved_by=till.manager,
            shift_id=till.shift_id,
        )  # fmt: skip
    with pytest.raises(RefundError, match="No sale 99"):
        till.services.refunds.refundable(99)
    with pytest.raises(RefundError, match="Choose what to refund first"):
        refund(till, sale, {1: 0})


# --- store credit ---------------------------------------------------------------------------------


def test_store_credit_goes_onto_the_customers_prepaid_balance(till: Till) -> None:
    helene = till.customer(HELENE)
    cart = till.ring(WINE, EXPRESSO, customer=helene)  # 10.40
    sale = till.complete(cart, till.pay("card", 1040, 1040, last4="5555"))
    back = refund(
        till, sale, {1: 1}, to_store_credit=True, store_credit_method=till.method("prepaid")
    )
    assert payment_rows(back.id) == [("prepaid", "prepaid", "Prepaid", -890, -890, 0, "", "", "")]
    assert ledger_rows(back.id) == [("prepaid_refund", 890, "prepaid", helene.id)]
    assert till.balances(helene).prepaid == 890
    # The card was not refunded: what is left of it is still there for a later refund.
    assert [t.left for t in left_of(till, sale).tenders] == [1040]
    rest = refund(till, sale)
    assert payment_rows(rest.id)[0][:4] == ("card", "card", "Card", -150)


def test_store_credit_needs_a_customer_and_can_attach_one(till: Till) -> None:
    helene, jean = till.customer(HELENE), till.customer(JEAN)
    sale = till.complete(till.ring(WINE))  # no customer, cash
    before = counts()
    with pytest.raises(RefundError, match="Store credit needs a customer"):
        refund(till, sale, to_store_credit=True)
    assert counts() == before

    back = refund(till, sale, to_store_credit=True, customer_id=helene.id,
                  store_credit_method=till.method("prepaid"))  # fmt: skip
    assert sale_row(back.id)[3] == helene.id
    assert back.customer == helene and not back.has_cash
    assert till.balances(helene).prepaid == 890
    assert "Customer: Hélène Dupont" in printed(back)

    other = till.complete(till.ring(CROISSANT, customer=jean))
    with pytest.raises(RefundError, match="Store credit goes to the sale's customer, Jean DUPONT"):
        refund(till, other, to_store_credit=True, customer_id=helene.id)
    without_method = refund(till, other, to_store_credit=True)
    assert payment_rows(without_method.id)[0][:3] == ("prepaid", "prepaid", "Store credit")
    assert till.balances(jean).prepaid == 120


# --- numbers, journal, ledger -------------------------------------------------------------------


def test_refunds_take_the_next_number_without_gaps(till: Till) -> None:
    first = till.complete(till.ring(WINE))
    with pytest.raises(RefundError):
        refund(till, first, approved_by=till.manager, to_store_credit=True)  # no customer
    back = refund(till, first)
    second = till.complete(till.ring(EXPRESSO))
    assert [first.number, back.number, second.number] == [1, 2, 3]
    numbers = [n for (n,) in database.execute_sql("SELECT number FROM sale ORDER BY number")]
    assert numbers == [1, 2, 3]
    assert till.services.sales.next_number() == 4


def test_the_refund_is_journaled_in_the_chain(till: Till) -> None:
    helene = till.customer(HELENE)
    till.top_up(helene, 10 * EUR)
    cart = till.ring(WINE, customer=helene)
    sale = till.complete(cart, till.pay("prepaid", 890, 890, available=1000))
    back = refund(till, sale)

    kinds = [k for (k,) in database.execute_sql("SELECT kind FROM journal ORDER BY seq")]
    assert kinds[-3:] == ["sale", "prepaid_refund", "refund"]
    payload = json.loads(
        database.execute_sql("SELECT payload FROM journal WHERE kind = 'refund'").fetchone()[0]
    )
    assert payload == {
        "number": 2,
        "refund_of": sale.id,
        "refund_of_number": 1,
        "approved_by": till.manager.id,
        "total": -890,
        "vat": [[2000, -742, -148, -890]],
        "lines": [[sale.cart.lines[0].code, 1000, 890, -890]],
        "tenders": [["prepaid", -890, -890, 0, "", ""]],
        "customer": helene.id,
    }
    assert back.totals.total == payload["total"]
    previous = GENESIS
    for reg, seq, stamp, staff_id, kind, data, prev_hash, digest in database.execute_sql(
        "SELECT register, seq, created_at, staff_id, kind, payload, prev_hash, hash"
        " FROM journal WHERE register = 'R1' ORDER BY seq"
    ):
        assert prev_hash == previous
        assert digest == row_hash(prev_hash, reg, seq, stamp, staff_id, kind, data)
        previous = digest


def test_ledger_balances_after_refunds_of_every_account_kind(till: Till) -> None:
    jean = till.customer(JEAN)
    till.top_up(jean, 50 * EUR)
    cart = till.ring(CHAMPAGNE, WINE, EXPRESSO, customer=jean)  # 42.40
    available = till.balances(jean).available
    sale = till.complete(
        cart,
        till.pay("prepaid", 2000, 4240, available=5000),
        till.pay("account", 2240, 2240, available=available),
    )
    assert (till.balances(jean).prepaid, till.balances(jean).unpaid) == (3000, 2240)

    back = refund(till, sale)  # prepaid first (in the sale's order), then on account
    assert ledger_rows(back.id) == [
        ("prepaid_refund", 2000, "prepaid", jean.id),
        ("credit_refund", 2240, "account", jean.id),
    ]
    balances = till.balances(jean)
    assert (balances.prepaid, balances.unpaid, balances.available) == (5000, 0, 100_000)
    assert till.services.accounts.open_invoices(jean.id) == []
    statement = till.services.accounts.statement(jean.id)
    assert [(line.kind, line.amount, line.sale_number) for line in statement[-2:]] == [
        ("prepaid_refund", 2000, 2),
        ("credit_refund", -2240, 2),
    ]
