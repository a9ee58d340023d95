"""What a cashier may not do alone, checked by the store whatever the screen did: a discount
above `[till] cashier_max_discount`, a unit price below the catalogue price, a cancelled
top-up. Refused without a manager, accepted with one, and the approving manager recorded."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import peewee
import pytest

from tests.store.tills import EUR, Till, open_till
from till_tui.config import Config
from till_tui.domain.cart import Adjustment, Cart
from till_tui.domain.sale import CompletedSale
from till_tui.domain.staff import StaffMember
from till_tui.store.accounts import AccountPermissionError
from till_tui.store.db import database
from till_tui.store.sales import SaleError, SalePermissionError
from till_tui.store.services import Services

ESPRESSO, CROISSANT, WINE = 1, 13, 39  # 1.50, 1.20 and 8.90 in the demo catalogue
HELENE = "2900000000018"


@pytest.fixture
def till(services: Services, config: Config) -> Till:
    return open_till(services, config)


def complete(till: Till, cart: Cart, staff: StaffMember, limit: int | None = None) -> CompletedSale:
    """Complete `cart` paid in cash by `staff`; with `limit`, at a till configured so."""
    sales = till.services.sales
    if limit is not None:
        sales = Services(till.services.register, cashier_max_discount=limit).sales
    total = cart.totals().total
    tender = till.pay("cash", total, total)
    return sales.complete(cart, [tender], staff=staff, shift_id=till.shift_id)


def one(sql: str, *params: object) -> tuple[Any, ...]:
    row = database.execute_sql(sql, params).fetchone()
    assert row is not None, sql
    return tuple(row)


def count(table: str) -> int:
    return int(one(f"SELECT COUNT(*) FROM {table}")[0])


def line_row(sale_id: int, position: int = 1) -> tuple[Any, ...]:
    """(discount_approved_by, list_price, price_approved_by, unit_price) of a stored line."""
    return one(
        "SELECT discount_approved_by, list_price, price_approved_by, unit_price FROM sale_line"
        " WHERE sale_id = ? AND position = ?",
        sale_id,
        position,
    )


def journal_payload(kind: str) -> dict[str, object]:
    (payload,) = one("SELECT payload FROM journal WHERE kind = ? ORDER BY seq DESC LIMIT 1", kind)
    data = json.loads(str(payload))
    assert isinstance(data, dict)
    return data


# --- discounts ------------------------------------------------------------------------------------


def test_a_cashiers_line_discount_above_the_limit_is_refused_and_nothing_is_written(
    till: Till,
) -> None:
    cart = till.ring(WINE).with_line_adjustment(0, Adjustment("percent", 1_500))  # 15 % > 10 %
    with pytest.raises(SalePermissionError, match=r"Vin rouge.*manager must approve"):
        complete(till, cart, till.cashier)
    assert isinstance(SalePermissionError("x"), SaleError), "the payment screen shows it"
    assert (count("sale"), count("sale_line"), count("payment")) == (0, 0, 0)
    assert till.services.sales.next_number() == 1


def test_a_cashiers_basket_discount_above_the_limit_is_refused(till: Till) -> None:
    cart = till.ring(WINE, ESPRESSO).with_basket_adjustment(Adjustment("amount", 200))  # 19 %
    with pytest.raises(SalePermissionError, match="discount on the sale"):
        complete(till, cart, till.cashier)
    assert count("sale") == 0


def test_the_limit_itself_is_allowed_and_an_amount_counts_as_its_share(till: Till) -> None:
    at_limit = till.ring(WINE).with_line_adjustment(0, Adjustment("percent", 1_000))
    sale = complete(till, at_limit, till.cashier)
    assert line_row(sale.id)[0] is None, "nobody had to approve"
    fifteen_cents = till.ring(ESPRESSO).with_line_adjustment(0, Adjustment("amount", 15))
    complete(till, fifteen_cents, till.cashier)  # 0.15 of 1.50: exactly 10 %
    one_cent_more = till.ring(ESPRESSO).with_line_adjustment(0, Adjustment("amount", 16))
    with pytest.raises(SalePermissionError):
        complete(till, one_cent_more, till.cashier)
    basket = till.ring(ESPRESSO, ESPRESSO).with_basket_adjustment(Adjustment("amount", 30))
    complete(till, basket, till.cashier)  # 0.30 of 3.00
    assert count("sale") == 3


def test_a_cashier_with_a_managers_approval_completes_and_the_manager_is_recorded(
    till: Till,
) -> None:
    manager = till.manager.id
    cart = till.ring(WINE, ESPRESSO)
    cart = cart.with_line_adjustment(0, Adjustment("percent", 5_000, approved_by=manager))
    cart = cart.with_basket_adjustment(Adjustment("amount", 100, approved_by=manager))
    sale = complete(till, cart, till.cashier)

    assert line_row(sale.id, 1)[0] == manager
    assert line_row(sale.id, 2)[0] is None
    assert one("SELECT approved_by, staff_id FROM sale WHERE id = ?", sale.id) == (
        manager,
        till.cashier.id,
    )
    rule = one("SELECT adjustment FROM sale_line WHERE sale_id = ? AND position = 1", sale.id)[0]
    assert json.loads(str(rule)) == {"kind": "percent", "value": 5_000, "surcharge": False}
    assert journal_payload("sale")["approvals"] == [
        ["discount", 1, manager],
        ["discount", 0, manager],
    ]

    back = till.services.sales.get(sale.id)
    assert back.cart == cart, "read back with who approved what"
    assert back.approved_by == "", "a sale's approver is no refund's: nothing printed for it"


def test_an_approval_must_name_a_manager(till: Till) -> None:
    forged = Adjustment("percent", 5_000, approved_by=till.cashier.id)
    cart = till.ring(WINE).with_line_adjustment(0, forged)
    with pytest.raises(SalePermissionError):
        complete(till, cart, till.cashier)
    nobody = till.ring(WINE).with_basket_adjustment(replace(forged, approved_by=4242))
    with pytest.raises(SalePermissionError):
        complete(till, nobody, till.cashier)
    assert count("sale") == 0


def test_a_manager_gives_any_discount_alone_and_is_recorded_as_approving_it(till: Till) -> None:
    cart = till.ring(WINE, ESPRESSO).with_line_adjustment(0, Adjustment("percent", 10_000))
    cart = cart.with_basket_adjustment(Adjustment("amount", 100))
    sale = complete(till, cart, till.manager)
    assert line_row(sale.id)[0] == till.manager.id
    assert one("SELECT approved_by FROM sale WHERE id = ?", sale.id)[0] == till.manager.id


def test_a_limit_of_zero_needs_a_manager_for_every_discount_but_no_extra_charge(
    till: Till,
) -> None:
    cent = till.ring(WINE).with_line_adjustment(0, Adjustment("amount", 1))
    with pytest.raises(SalePermissionError):
        complete(till, cent, till.cashier, limit=0)
    charged = till.ring(WINE).with_basket_adjustment(Adjustment("percent", 50_000, surcharge=True))
    charged = charged.with_line_adjustment(0, Adjustment("amount", 500, surcharge=True))
    sale = complete(till, charged, till.cashier, limit=0)
    assert one("SELECT approved_by FROM sale WHERE id = ?", sale.id)[0] is None
    assert line_row(sale.id)[0] is None
    assert sale.totals.total == 8_90 + 5_00 + 5 * (8_90 + 5_00)


def test_a_limit_of_a_hundred_lets_a_cashier_give_everything_away(till: Till) -> None:
    cart = till.ring(WINE, ESPRESSO).with_line_adjustment(0, Adjustment("percent", 10_000))
    cart = cart.with_basket_adjustment(Adjustment("amount", 1_00))  # 1.00 of the 1.50 left
    sale = complete(till, cart, till.cashier, limit=100)
    assert sale.totals.total == 50
    assert line_row(sale.id)[0] is None
    assert one("SELECT approved_by FROM sale WHERE id = ?", sale.id)[0] is None


# --- price changes --------------------------------------------------------------------------------


def test_a_lower_price_needs_a_manager_and_the_catalogue_price_is_recorded(till: Till) -> None:
    lower = till.ring(WINE, ESPRESSO).with_unit_price(0, 7_00)
    assert lower.lines[0].list_price == 8_90
    with pytest.raises(SalePermissionError, match=r"price of Vin rouge.*below the catalogue"):
        complete(till, lower, till.cashier)
    assert count("sale") == 0

    approved = replace(
        lower, lines=(replace(lower.lines[0], price_approved_by=till.manager.id), lower.lines[1])
    )
    sale = complete(till, approved, till.cashier)
    assert line_row(sale.id, 1) == (None, 8_90, till.manager.id, 7_00)
    assert line_row(sale.id, 2) == (None, None, None, 1_50)
    assert journal_payload("sale")["approvals"] == [["price", 1, till.manager.id]]
    back = till.services.sales.get(sale.id).cart.lines[0]
    assert (back.unit_price, back.list_price, back.price_approved_by) == (
        7_00,
        8_90,
        till.manager.id,
    )


def test_a_raised_price_needs_nobody_but_is_recorded(till: Till) -> None:
    sale = complete(till, till.ring(ESPRESSO).with_unit_price(0, 2_00), till.cashier)
    assert line_row(sale.id) == (None, 1_50, None, 2_00)


def test_a_manager_lowers_a_price_alone_and_is_recorded(till: Till) -> None:
    sale = complete(till, till.ring(WINE).with_unit_price(0, 5_00), till.manager)
    assert line_row(sale.id) == (None, 8_90, till.manager.id, 5_00)


def test_completed_approvals_cannot_be_rewritten(till: Till) -> None:
    sale = complete(till, till.ring(WINE).with_unit_price(0, 5_00), till.manager)
    for sql in (
        "UPDATE sale_line SET price_approved_by = NULL",
        "UPDATE sale_line SET list_price = 500",
        "UPDATE sale SET approved_by = NULL",
    ):
        with pytest.raises(peewee.IntegrityError, match="immutable"):
            database.execute_sql(sql)
    assert line_row(sale.id) == (None, 8_90, till.manager.id, 5_00)


# --- the draft ------------------------------------------------------------------------------------


def test_approvals_survive_in_the_draft_and_an_old_draft_still_loads(till: Till) -> None:
    manager = till.manager.id
    cart = till.ring(WINE, CROISSANT).with_unit_price(0, 6_00)
    cart = replace(cart, lines=(replace(cart.lines[0], price_approved_by=manager), cart.lines[1]))
    cart = cart.with_line_adjustment(1, Adjustment("percent", 2_000, approved_by=manager))
    till.services.drafts.save(cart, till.cashier.id)
    assert till.services.drafts.load() == cart

    old = {  # a draft written before approvals and price changes existed
        "lines": [
            {
                "product_id": till.product(WINE).id,
                "code": till.product(WINE).barcode,
                "name": "Vin rouge Côtes-du-Rhône",
                "unit_price": 8_90,
                "vat_rate": 2_000,
                "quantity": 1_000,
                "adjustment": {"kind": "percent", "value": 500, "surcharge": False},
            }
        ],
        "adjustment": {"kind": "amount", "value": 10, "surcharge": False},
        "note": "",
        "customer_id": None,
        "tenders": [],
    }
    database.execute_sql("UPDATE draft SET payload = ?", (json.dumps(old),))
    loaded = till.services.drafts.load()
    assert loaded is not None
    assert loaded.lines[0].adjustment == Adjustment("percent", 500)
    assert (loaded.lines[0].list_price, loaded.lines[0].price_approved_by) == (None, None)
    assert loaded.adjustment == Adjustment("amount", 10)
    complete(till, loaded, till.cashier)  # 5 % and 0.10: within a cashier's limit


# --- cancelled top-ups ----------------------------------------------------------------------------


def test_a_cashier_cannot_cancel_a_top_up_alone(till: Till) -> None:
    helene = till.customer(HELENE)
    till.top_up(helene, 30 * EUR)
    rows, prepaid = count("ledger_entry"), till.balances(helene).prepaid
    accounts = till.services.accounts
    with pytest.raises(AccountPermissionError, match="Only a manager can cancel a top-up"):
        accounts.cancel_top_up(
            helene.id, 10 * EUR, till.method("card"), staff=till.cashier, shift_id=till.shift_id
        )
    with pytest.raises(AccountPermissionError):  # a cashier is no approver
        accounts.cancel_top_up(
            helene.id, 10 * EUR, till.method("card"), staff=till.cashier,
            shift_id=till.shift_id, approved_by=till.cashier,
        )  # fmt: skip
    assert (count("ledger_entry"), till.balances(helene).prepaid) == (rows, prepaid)


def test_a_cancelled_top_up_records_the_approving_manager(till: Till) -> None:
    helene = till.customer(HELENE)
    till.top_up(helene, 30 * EUR)
    accounts, card = till.services.accounts, till.method("card")
    receipt = accounts.cancel_top_up(
        helene.id, 10 * EUR, card, staff=till.cashier, shift_id=till.shift_id,
        approved_by=till.manager,
    )  # fmt: skip
    assert receipt.balances.prepaid == 20 * EUR
    entry = "SELECT staff_id, approved_by FROM ledger_entry WHERE kind = ? ORDER BY id DESC"
    assert one(entry, "topup_cancel") == (till.cashier.id, till.manager.id)
    assert journal_payload("topup_cancel")["approved_by"] == till.manager.id

    accounts.cancel_top_up(helene.id, 5 * EUR, card, staff=till.manager, shift_id=till.shift_id)
    assert one(entry, "topup_cancel") == (till.manager.id, till.manager.id)
    assert one(entry, "topup") == (till.cashier.id, None)
    assert "approved_by" not in journal_payload("topup"), "other movements journal as before"
