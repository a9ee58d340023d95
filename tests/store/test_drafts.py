"""The sale in progress survives a crash, and a sale can be parked while the next customer pays."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.conftest import CASHIER_PIN, MANAGER_PIN
from till_tui.config import Config
from till_tui.demo import demo_barcode
from till_tui.domain.cart import Adjustment, Cart
from till_tui.domain.product import Product
from till_tui.domain.staff import StaffMember
from till_tui.store.db import database
from till_tui.store.drafts import Drafts
from till_tui.store.services import Services


def product(services: Services, index: int) -> Product:
    found = services.catalog.find(demo_barcode(index))
    assert found is not None
    return found


def member(services: Services, pin: str) -> StaffMember:
    found = services.staff.authenticate(pin)
    assert found is not None
    return found


def coffee_and_croissants(services: Services) -> Cart:
    cart, _index = Cart().add(product(services, 1))  # Café expresso
    cart, index = cart.add(product(services, 13), 3_000)  # 3 croissants
    cart = cart.with_line_adjustment(index, Adjustment("percent", 1_000))
    return cart.with_basket_adjustment(Adjustment("amount", 20)).with_note("table 4")


def wine(services: Services) -> Cart:
    cart, _index = Cart().add(product(services, 39))
    return cart


def draft_count() -> int:
    return int(database.execute_sql("SELECT COUNT(*) FROM draft").fetchone()[0])


# --- the draft ------------------------------------------------------------------------------------


def test_the_draft_round_trips(services: Services) -> None:
    cashier = member(services, CASHIER_PIN)
    assert services.drafts.load() is None
    cart = coffee_and_croissants(services)
    services.drafts.save(cart, cashier.id)
    loaded = services.drafts.load()
    assert loaded == cart
    assert loaded is not None and loaded.totals() == cart.totals()

    # Every change overwrites the one draft of the register.
    weighed, _index = cart.add(product(services, 30), 1_250)  # 1.250 kg of apples
    services.drafts.save(weighed, cashier.id)
    assert services.drafts.load() == weighed
    assert draft_count() == 1
    staff_id = database.execute_sql("SELECT staff_id FROM draft").fetchone()[0]
    assert staff_id == cashier.id


def test_an_empty_cart_clears_the_draft(services: Services) -> None:
    services.drafts.save(wine(services), None)
    assert services.drafts.load() is not None
    services.drafts.save(Cart(), None)
    assert services.drafts.load() is None
    assert draft_count() == 0
    services.drafts.save(Cart(), None)  # clearing nothing is fine
    assert draft_count() == 0


def test_an_empty_cart_with_a_note_is_kept(services: Services) -> None:
    noted = Cart().with_note("call back Mrs Martin")
    services.drafts.save(noted, None)
    assert services.drafts.load() == noted


# --- parking and resuming -------------------------------------------------------------------------


def test_park_list_and_resume(services: Services) -> None:
    cashier = member(services, CASHIER_PIN)
    manager = member(services, MANAGER_PIN)
    first = coffee_and_croissants(services)
    services.drafts.save(first, cashier.id)

    parked_id = services.drafts.park(first, cashier.id)
    assert services.drafts.load() is None  # the till starts an empty sale
    [parked] = services.drafts.parked()
    assert (parked.id, parked.staff, parked.cart) == (parked_id, "Camille", first)

    # The next customer's wine is being rung up when the first customer comes back.
    second = wine(services)
    services.drafts.save(second, manager.id)
    resumed = services.drafts.resume(parked_id, second, manager.id)
    assert resumed == first
    assert services.drafts.load() == first
    [in_its_place] = services.drafts.parked()
    assert in_its_place.id != parked_id
    assert (in_its_place.staff, in_its_place.cart) == ("Patron", second)

    # Resuming with an empty cart parks nothing in its place.
    assert services.drafts.resume(in_its_place.id, Cart(), cashier.id) == second
    assert services.drafts.parked() == []
    assert services.drafts.load() == second


def test_parked_sales_are_listed_oldest_first(services: Services) -> None:
    carts = [wine(services), coffee_and_croissants(services), Cart().add(product(services, 20))[0]]
    ids = [services.drafts.park(cart, None) for cart in carts]
    assert ids == sorted(ids)
    listed = services.drafts.parked()
    assert [p.id for p in listed] == ids
    assert [p.cart for p in listed] == carts
    assert [p.staff for p in listed] == ["", "", ""]
    labels = database.execute_sql("SELECT label FROM parked_sale ORDER BY id").fetchall()
    assert [row[0] for row in labels] == ["", "table 4", ""]


def test_an_empty_cart_cannot_be_parked(services: Services) -> None:
    with pytest.raises(ValueError, match="nothing to park"):
        services.drafts.park(Cart(), None)
    assert services.drafts.parked() == []


def test_resuming_the_same_sale_twice_fails_clearly(services: Services) -> None:
    parked_id = services.drafts.park(wine(services), None)
    services.drafts.resume(parked_id, Cart(), None)
    current = coffee_and_croissants(services)
    services.drafts.save(current, None)
    with pytest.raises(ValueError, match="resumed already"):
        services.drafts.resume(parked_id, current, None)
    # The failed resume changed nothing: the current sale is neither parked nor replaced.
    assert services.drafts.parked() == []
    assert services.drafts.load() == current


# --- per register ---------------------------------------------------------------------------------


def test_drafts_and_parked_sales_are_per_register(services: Services, config: Config) -> None:
    r2 = Services.open(replace(config, till=replace(config.till, register="R2")))
    assert isinstance(r2.drafts, Drafts) and r2.drafts.register == "R2"
    here, there = coffee_and_croissants(services), wine(services)
    services.drafts.save(here, None)
    assert r2.drafts.load() is None
    r2.drafts.save(there, None)
    assert (services.drafts.load(), r2.drafts.load()) == (here, there)

    parked_id = services.drafts.park(here, None)
    assert r2.drafts.parked() == []
    with pytest.raises(ValueError, match="resumed already"):
        r2.drafts.resume(parked_id, Cart(), None)
    assert r2.drafts.load() == there  # R2's sale in progress is untouched
    assert [p.id for p in services.drafts.parked()] == [parked_id]

    r2.drafts.save(Cart(), None)
    assert r2.drafts.load() is None
    assert services.drafts.load() is None  # parked above, so R1's draft was cleared
    assert services.drafts.resume(parked_id, Cart(), None) == here
    assert services.drafts.load() == here
    assert r2.drafts.load() is None
