"""Split payments written by `Sales.complete`: every tender as given, what the customer's account
paid in the same transaction, all or nothing when a rule or the database says no (another till
spending the balance meanwhile, a failure half-way), and sales read back for reprints."""

from __future__ import annotations

import json
import multiprocessing
import os
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import peewee
import pytest

from tests.store.tills import EUR, Till, open_till
from till_tui.config import Config
from till_tui.demo import DEMO_CUSTOMERS, demo_barcode
from till_tui.domain.cart import Adjustment
from till_tui.domain.customer import Customer
from till_tui.domain.ledger import Balances
from till_tui.domain.sale import CompletedSale
from till_tui.domain.staff import StaffMember
from till_tui.domain.tender import Tender, make_tender
from till_tui.store.db import close_database, database, open_database
from till_tui.store.errors import StoreError
from till_tui.store.journal import GENESIS, row_hash
from till_tui.store.models import Sale
from till_tui.store.sales import SaleError
from till_tui.store.services import Services

TABLES = (
    "sale", "sale_line", "sale_vat", "payment", "ledger_entry", "journal", "receipt_copy",
)  # fmt: skip
HELENE, JEAN, HOTEL = (card for _name, card, *_rest in DEMO_CUSTOMERS)  # no credit, 1000, 500
CROISSANT, EXPRESSO, WINE, CHAMPAGNE = 13, 1, 39, 40  # 1.20, 1.50, 8.90, 32.00 €


@pytest.fixture
def till(services: Services, config: Config) -> Till:
    return open_till(services, config)


def counts() -> dict[str, int]:
    return {
        table: int(database.execute_sql(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
        for table in TABLES
    }


def payment_rows(sale_id: int) -> list[tuple[Any, ...]]:
    return [
        tuple(row)
        for row in database.execute_sql(
            "SELECT position, method, kind, amount, tendered, change_given, last4, label,"
            " reference, external_id FROM payment WHERE sale_id = ? ORDER BY position",
            (sale_id,),
        )
    ]


def last_journal(kind: str) -> dict[str, Any]:
    row = database.execute_sql(
        "SELECT payload FROM journal WHERE kind = ? ORDER BY id DESC LIMIT 1", (kind,)
    ).fetchone()
    assert row is not None, kind
    data: dict[str, Any] = json.loads(row[0])
    return data


def journal_kinds() -> list[str]:
    return [row[0] for row in database.execute_sql("SELECT kind FROM journal ORDER BY id")]


def assert_chain_holds(register: str) -> None:
    previous = GENESIS
    for reg, seq, stamp, staff_id, kind, payload, prev_hash, digest in database.execute_sql(
        "SELECT register, seq, created_at, staff_id, kind, payload, prev_hash, hash"
        " FROM journal WHERE register = ? ORDER BY seq",
        (register,),
    ):
        assert prev_hash == previous
        assert digest == row_hash(prev_hash, reg, seq, stamp, staff_id, kind, payload)
        previous = digest


class Unchanged:
    """Everything a refused sale must leave as it was."""

    def __init__(self, till: Till, customer: Customer) -> None:
        self.till = till
        self.customer = customer
        self.counts = counts()
        self.number = till.services.sales.next_number()
        self.balances = till.balances(customer)
        self.draft = till.services.drafts.load()
        self.tenders = till.services.drafts.load_tenders()
        self.journal = journal_kinds()

    def check(self) -> None:
        assert counts() == self.counts
        assert journal_kinds() == self.journal
        assert self.till.services.sales.next_number() == self.number
        assert self.till.balances(self.customer) == self.balances
        assert self.till.services.drafts.load() == self.draft
        assert self.till.services.drafts.load_tenders() == self.tenders


# --- a three-way split ----------------------------------------------------------------------------


def test_prepaid_card_and_cash_with_change_are_written_as_given(till: Till) -> None:
    helene = till.customer(HELENE)
    till.top_up(helene, 20 * EUR)
    cart = till.ring(CROISSANT, CROISSANT, EXPRESSO, WINE, customer=helene)  # 12.80
    total = cart.totals().total
    assert total == 1280
    prepaid = till.pay(
        "prepaid", 500, total, reference="Noël", available=till.balances(helene).prepaid
    )
    card = till.pay("card", 400, total - 500, last4="42 42", reference="AUTH 77")
    cash = till.pay("cash", 1000, total - 900)
    till.services.drafts.save(cart, till.cashier.id, [prepaid, card])
    journal_before = journal_kinds()

    sale = till.complete(cart, prepaid, card, cash)

    assert (sale.number, sale.register, sale.cashier) == (1, "R1", "Camille")
    assert sale.change == 620
    assert sale.tenders == (prepaid, card, cash)
    assert sale.customer == helene
    assert sale.balances == till.balances(helene)
    assert sale.balances is not None and sale.balances.prepaid == 15 * EUR
    assert payment_rows(sale.id) == [
        (1, "prepaid", "prepaid", 500, 500, 0, "", "Prepaid", "Noël", ""),
        (2, "card", "card", 400, 400, 0, "4242", "Card", "AUTH 77", ""),
        (3, "cash", "cash", 380, 1000, 620, "", "Cash", "", ""),
    ]
    entries = database.execute_sql(
        "SELECT kind, amount, customer_id, sale_id, method, shift_id, register, staff_id,"
        " tendered, change_given, receipt_number, due_date, reference FROM ledger_entry"
        " WHERE sale_id IS NOT NULL"
    ).fetchall()
    assert [tuple(e) for e in entries] == [
        ("prepaid_payment", 500, helene.id, sale.id, "prepaid", till.shift_id, "R1",
         till.cashier.id, 500, 0, None, None, "Noël"),
    ]  # fmt: skip
    assert journal_kinds() == [*journal_before, "prepaid_payment", "sale"]
    debit = last_journal("prepaid_payment")
    assert (debit["sale"], debit["amount"], debit["prepaid"]) == (sale.id, 500, 15 * EUR)
    payload = last_journal("sale")
    assert payload["number"] == 1
    assert payload["customer"] == helene.id
    assert payload["tenders"] == [
        ["prepaid", 500, 500, 0, "Noël", ""],
        ["card", 400, 400, 0, "AUTH 77", "4242"],
        ["cash", 380, 1000, 620, "", ""],
    ]
    assert till.services.drafts.load() is None
    assert till.services.drafts.load_tenders() == ()
    assert_chain_holds("R1")


def test_external_and_other_tenders_keep_their_reference_and_external_id(till: Till) -> None:
    cart = till.ring(WINE, CHAMPAGNE)  # 40.90
    total = cart.totals().total
    room = till.pay("room", 3000, total, reference="204")
    cheque = till.pay("cheque", total - 3000, total - 3000, reference="Chq 0042")
    sale = till.complete(cart, room, cheque)
    assert payment_rows(sale.id) == [
        (1, "room", "external", 3000, 3000, 0, "", "Room", "204", "PMS-ROOM"),
        (2, "cheque", "other", 1090, 1090, 0, "", "Cheque", "Chq 0042", ""),
    ]
    assert counts()["ledger_entry"] == 0  # no customer money moved
    assert sale.customer is None and sale.balances is None


def test_card_digits_that_are_not_4_digits_are_refused_before_anything_is_written(
    till: Till,
) -> None:
    cart = till.ring(WINE)
    for bad in ("12a4", "123", "١٢٣٤"):
        forged = Tender("card", "card", "Card", 890, 890, last4=bad)  # e.g. a hand-edited draft
        before = counts()
        with pytest.raises(SaleError, match="last 4 digits"):
            till.complete(cart, forged)
        assert counts() == before


def test_card_digits_with_a_space_are_not_a_database_error(till: Till) -> None:
    """The store checks the digits with check_last4, which ignores spaces: "12 34" passes the
    check, so it must either be stored as typed digits or refused as a sale rule, never reach
    the payment table's CHECK constraint as a database error."""
    cart = till.ring(WINE)
    spaced = Tender("card", "card", "Card", 890, 890, last4="12 34")
    try:
        sale = till.complete(cart, spaced)
    except SaleError:
        assert counts()["sale"] == 0
    else:
        assert payment_rows(sale.id)[0][6] == "1234"


# --- sales on account -----------------------------------------------------------------------------


@pytest.fixture
def shop_zone() -> Iterator[str]:
    """The till's clock in a time zone where today's local date is not the UTC date: UTC-12
    in the morning (UTC), UTC+14 in the afternoon."""
    zone = "Etc/GMT+12" if datetime.now(UTC).hour < 12 else "Pacific/Kiritimati"
    previous = os.environ.get("TZ")
    os.environ["TZ"] = zone
    time.tzset()
    yield zone
    if previous is None:
        os.environ.pop("TZ")
    else:
        os.environ["TZ"] = previous
    time.tzset()


def test_a_credit_tender_charges_the_account_due_after_the_credit_days(
    till: Till, shop_zone: str
) -> None:
    jean = till.customer(JEAN)
    assert till.balances(jean).available == 1000 * EUR
    cart = till.ring(CHAMPAGNE, WINE, customer=jean)  # 40.90
    total = cart.totals().total
    credit = till.pay(
        "account", 3000, total, reference="PO 17", available=till.balances(jean).available
    )
    assert credit.due_days == 30
    cash = till.pay("cash", 2000, total - 3000)
    sale = till.complete(cart, credit, cash)

    stored = Sale.get_by_id(sale.id).created_at
    local_day = stored.astimezone(ZoneInfo(shop_zone)).date()
    assert local_day != stored.astimezone(UTC).date()  # the test tells the two apart
    entry = database.execute_sql(
        "SELECT kind, amount, sale_id, method, shift_id, reference, due_date FROM ledger_entry"
        " WHERE customer_id = ?",
        (jean.id,),
    ).fetchone()
    assert tuple(entry) == (
        "credit_charge", 3000, sale.id, "account", till.shift_id, "PO 17",
        (local_day + timedelta(days=30)).isoformat(),
    )  # fmt: skip
    assert sale.balances == Balances(0, 3000, 0, 1000 * EUR)
    assert sale.balances.available == 970 * EUR
    assert last_journal("credit_charge")["sale"] == sale.id
    [invoice] = till.services.accounts.open_invoices(jean.id)
    assert (invoice.sale_number, invoice.unpaid) == (sale.number, 3000)
    assert payment_rows(sale.id)[0][1:5] == ("account", "credit", 3000, 3000)


def test_a_charge_beyond_the_credit_available_writes_nothing(till: Till) -> None:
    hotel = till.customer(HOTEL)
    cart = till.ring(CHAMPAGNE, CHAMPAGNE, customer=hotel)  # 64.00
    total = cart.totals().total
    credit = till.pay("account", total, total, available=till.balances(hotel).available)
    # Meanwhile another till puts 450.00 on the hotel's 500.00 account: 50.00 are left.
    till.services.accounts.charge_credit(
        hotel.id, 450 * EUR, staff=till.manager, shift_id=None, due_date=date(2030, 1, 31)
    )
    till.services.drafts.save(cart, till.cashier.id, [credit])
    unchanged = Unchanged(till, hotel)
    with pytest.raises(SaleError, match="more than the credit available"):
        till.complete(cart, credit)
    unchanged.check()
    assert database.execute_sql("SELECT COUNT(*) FROM sale").fetchone()[0] == 0

    # Paying the rest another way goes through, with the same number the refused sale had.
    part = till.pay("account", 50 * EUR, total, available=till.balances(hotel).available)
    sale = till.complete(cart, part, till.pay("card", total - 50 * EUR, total - 50 * EUR))
    assert sale.number == unchanged.number
    assert sale.balances is not None and sale.balances.available == 0


def test_a_credit_tender_for_a_customer_without_credit_is_refused(till: Till) -> None:
    helene = till.customer(HELENE)
    cart = till.ring(WINE, customer=helene)
    credit = Tender("account", "credit", "On account", 890, 890, due_days=30)
    unchanged = Unchanged(till, helene)
    with pytest.raises(SaleError, match="no credit account"):
        till.complete(cart, credit)
    unchanged.check()


@pytest.mark.parametrize("kind", ["prepaid", "credit"])
def test_a_tender_on_account_without_a_customer_on_the_cart_is_refused(
    till: Till, kind: str
) -> None:
    jean = till.customer(JEAN)  # has money and credit, but is not on the cart
    till.top_up(jean, 50 * EUR)
    cart = till.ring(WINE)
    on_account = Tender(kind, kind, kind.title(), 890, 890, due_days=30 if kind == "credit" else 0)
    unchanged = Unchanged(till, jean)
    with pytest.raises(SaleError, match="Attach the customer"):
        till.complete(cart, on_account)
    unchanged.check()


# --- the balance spent by another till meanwhile -------------------------------------------------


def spend_from_another_till(
    url: str, folder: str, customer_id: int, amount: int, staff: StaffMember
) -> int:
    """Another till, in its own OS process: pay `amount` from the wallet; the balance after."""
    open_database(url, Path(folder))
    try:
        after = Services("R2").accounts.debit_prepaid(
            customer_id, amount, staff=staff, shift_id=None
        )
    finally:
        close_database()
    return after.prepaid


def test_a_balance_spent_by_another_process_meanwhile_refuses_the_sale(till: Till) -> None:
    helene = till.customer(HELENE)
    till.top_up(helene, 10 * EUR)
    cart = till.ring(WINE, CROISSANT, customer=helene)  # 10.10
    total = cart.totals().total
    prepaid = till.pay("prepaid", 10 * EUR, total, available=till.balances(helene).prepaid)
    cash = till.pay("cash", 10, total - 10 * EUR)
    till.services.drafts.save(cart, till.cashier.id, [prepaid, cash])
    before = Unchanged(till, helene)

    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        left = pool.apply(
            spend_from_another_till,
            (till.config.store.database, str(till.config.base_dir), helene.id, 6 * EUR,
             till.cashier),
        )  # fmt: skip
    assert left == 4 * EUR
    assert till.balances(helene).prepaid == 4 * EUR

    with pytest.raises(SaleError, match="Not enough prepaid balance"):
        till.complete(cart, prepaid, cash)
    after_spend = counts()
    assert after_spend == {**before.counts, "ledger_entry": before.counts["ledger_entry"] + 1,
                           "journal": before.counts["journal"] + 1}  # fmt: skip
    assert database.execute_sql("SELECT COUNT(*) FROM sale").fetchone()[0] == 0
    assert (
        database.execute_sql(
            "SELECT COUNT(*) FROM ledger_entry WHERE sale_id IS NOT NULL"
        ).fetchone()[0]
        == 0
    )
    assert till.services.sales.next_number() == before.number
    assert till.services.drafts.load() == cart
    assert till.services.drafts.load_tenders() == (prepaid, cash)
    assert till.balances(helene).prepaid == 4 * EUR


def test_a_balance_spent_by_a_sale_on_another_connection_refuses_the_sale(till: Till) -> None:
    helene = till.customer(HELENE)
    till.top_up(helene, 10 * EUR)
    cart = till.ring(CROISSANT, EXPRESSO, customer=helene)  # 2.70
    total = cart.totals().total
    prepaid = till.pay("prepaid", total, total, available=till.balances(helene).prepaid)
    till.services.drafts.save(cart, till.cashier.id, [prepaid])

    # Register R2, its own shift, its own SQLite connection (peewee keeps one per thread).
    r2 = Services("R2")
    r2_shift = r2.shifts.open(till.manager, 0).id
    other_cart = till.ring(WINE, customer=helene)  # 8.90 of the 10.00
    done: list[CompletedSale | BaseException] = []

    def other_till() -> None:
        try:
            other = make_tender(
                method="prepaid", kind="prepaid", label="Prepaid", typed=890, due=890,
                available=1000,
            )  # fmt: skip
            done.append(r2.sales.complete(other_cart, [other], staff=till.manager,
                                          shift_id=r2_shift))  # fmt: skip
        except BaseException as error:  # reported by the test below
            done.append(error)
        finally:
            close_database()

    thread = threading.Thread(target=other_till)
    thread.start()
    thread.join(timeout=60)
    [other_sale] = done
    assert isinstance(other_sale, CompletedSale), other_sale
    assert (other_sale.register, other_sale.number) == ("R2", 1)
    assert other_sale.balances is not None and other_sale.balances.prepaid == 110

    unchanged = Unchanged(till, helene)
    with pytest.raises(SaleError, match="Not enough prepaid balance"):
        till.complete(cart, prepaid)
    unchanged.check()
    assert till.services.sales.count() == 0


# --- a failure after the payments were written ----------------------------------------------------


def test_a_database_failure_after_the_payments_leaves_nothing_and_no_gap(till: Till) -> None:
    helene = till.customer(HELENE)
    till.top_up(helene, 20 * EUR)
    till.complete(till.ring(EXPRESSO))  # sale 1
    cart = till.ring(WINE, CROISSANT, customer=helene)  # 10.10
    total = cart.totals().total
    prepaid = till.pay("prepaid", 6 * EUR, total, available=till.balances(helene).prepaid)
    cash = till.pay("cash", 5 * EUR, total - 6 * EUR)
    till.services.drafts.save(cart, till.cashier.id, [prepaid, cash])
    unchanged = Unchanged(till, helene)
    assert unchanged.number == 2

    # Journal rows are written after the sale, its lines, VAT rows, payments and ledger entries.
    database.execute_sql(
        "CREATE TEMP TRIGGER fail_journal BEFORE INSERT ON journal"
        " BEGIN SELECT RAISE(ABORT, 'disk I/O error (injected)'); END"
    )
    try:
        with pytest.raises(StoreError, match=r"disk I/O error \(injected\)"):
            till.complete(cart, prepaid, cash)
        unchanged.check()
        assert not database.in_transaction()
    finally:
        database.execute_sql("DROP TRIGGER IF EXISTS temp.fail_journal")

    sale = till.complete(cart, prepaid, cash)
    assert sale.number == 2
    assert sale.balances is not None and sale.balances.prepaid == 14 * EUR
    assert counts()["payment"] == unchanged.counts["payment"] + 2
    assert counts()["ledger_entry"] == unchanged.counts["ledger_entry"] + 1
    assert till.services.drafts.load() is None
    assert_chain_holds("R1")


# --- reading sales back ---------------------------------------------------------------------------


def test_a_sale_reads_back_as_it_was_printed_with_the_balances_of_its_time(till: Till) -> None:
    jean = till.customer(JEAN)
    till.top_up(jean, 30 * EUR)
    cart = till.ring(CROISSANT, CROISSANT, CHAMPAGNE, customer=jean)
    cart = cart.with_basket_adjustment(Adjustment("percent", 1000)).with_note("table 3")
    total = cart.totals().total  # 34.40 - 10 % = 30.96
    assert total == 3096
    prepaid = till.pay("prepaid", 10 * EUR, total, available=30 * EUR)
    credit = till.pay("account", 15 * EUR, total - 10 * EUR, available=1000 * EUR)
    card = make_tender(
        method="card", kind="card", label="Carte bancaire", typed=total - 25 * EUR,
        due=total - 25 * EUR, last4="1234", reference="AUTH 5",
    )  # fmt: skip
    sale = till.complete(cart, prepaid, credit, card)
    assert sale.balances == Balances(20 * EUR, 15 * EUR, 0, 1000 * EUR)

    # Later: a top-up, a settlement and another sale on the same account.
    till.top_up(jean, 50 * EUR)
    till.services.accounts.settle(
        jean.id, 5 * EUR, till.method("cash"), staff=till.cashier, shift_id=till.shift_id
    )
    later = till.ring(WINE, customer=jean)
    till.complete(later, till.pay("prepaid", 890, 890, available=70 * EUR))
    assert till.balances(jean) != sale.balances

    again = till.services.sales.get(sale.id)
    assert (again.id, again.number, again.register, again.cashier) == (sale.id, 1, "R1", "Camille")
    assert again.created_at == sale.created_at
    assert again.cart == cart
    assert again.totals == sale.totals == cart.totals()
    assert [(t.method, t.kind, t.label, t.amount, t.tendered, t.change, t.reference, t.last4)
            for t in again.tenders] == [
        ("prepaid", "prepaid", "Prepaid", 1000, 1000, 0, "", ""),
        ("account", "credit", "On account", 1500, 1500, 0, "", ""),
        ("card", "card", "Carte bancaire", 596, 596, 0, "AUTH 5", "1234"),
    ]  # fmt: skip
    assert again.customer == jean
    assert again.balances == sale.balances
    assert again.copies == 0
    assert till.services.sales.by_number(1) == again
    assert till.services.sales.by_number(1, "R1") == again


def test_a_cash_sale_with_a_customer_reads_back_the_balances_of_its_time(till: Till) -> None:
    helene = till.customer(HELENE)
    till.top_up(helene, 12 * EUR)
    cart = till.ring(EXPRESSO, customer=helene)
    sale = till.complete(cart, till.pay("cash", 200, 150))
    assert sale.balances is not None and sale.balances.prepaid == 12 * EUR
    till.top_up(helene, 8 * EUR)
    assert till.services.sales.get(sale.id).balances == sale.balances


def test_a_reprint_shows_the_credit_available_at_the_time_of_the_sale(till: Till) -> None:
    hotel = till.customer(HOTEL)
    cart = till.ring(CHAMPAGNE, customer=hotel)
    sale = till.complete(cart, till.pay("account", 32 * EUR, 32 * EUR, available=500 * EUR))
    assert sale.balances is not None and sale.balances.available == 468 * EUR
    # A manager lowers the hotel's limit the next day: the duplicate must still print what
    # the original printed.
    till.services.accounts.set_credit_limit(hotel.id, 100 * EUR, till.manager)
    again = till.services.sales.get(sale.id)
    assert again.balances == sale.balances


def test_unknown_sales_are_refused(till: Till) -> None:
    with pytest.raises(SaleError, match="No sale 42"):
        till.services.sales.get(42)
    till.complete(till.ring(WINE))
    with pytest.raises(SaleError, match="No sale N° 2"):
        till.services.sales.by_number(2)
    with pytest.raises(SaleError, match="No sale N° 1"):
        till.services.sales.by_number(1, "R2")


def test_recent_sales_newest_first_by_shift(till: Till) -> None:
    numbers = [till.complete(till.ring(index)).number for index in (EXPRESSO, WINE, CROISSANT)]
    assert numbers == [1, 2, 3]
    r2 = Services("R2")
    r2_shift = r2.shifts.open(till.manager, 0).id
    r2.sales.complete(till.ring(CHAMPAGNE), [till.pay("card", 3200, 3200)], staff=till.manager,
                      shift_id=r2_shift)  # fmt: skip

    recent = till.services.sales.recent(2)
    assert [(s.register, s.number) for s in recent] == [("R1", 3), ("R1", 2)]
    assert [s.cart.lines[0].code for s in recent] == [demo_barcode(CROISSANT), demo_barcode(WINE)]
    assert [s.number for s in till.services.sales.recent()] == [3, 2, 1]
    assert [s.number for s in till.services.sales.recent(10, shift_id=till.shift_id)] == [3, 2, 1]
    assert till.services.sales.recent(10, shift_id=r2_shift) == []
    assert [(s.register, s.number) for s in r2.sales.recent(shift_id=r2_shift)] == [("R2", 1)]
    assert till.services.sales.recent(2)[0] == till.services.sales.get(recent[0].id)


def test_reprints_are_counted_journaled_and_immutable(till: Till) -> None:
    first = till.complete(till.ring(WINE))
    other = till.complete(till.ring(EXPRESSO))
    sales = till.services.sales
    assert sales.copies(first.id) == 0
    assert [sales.record_copy(first.id, till.cashier) for _ in range(3)] == [1, 2, 3]
    assert sales.record_copy(other.id, till.manager) == 1
    assert (sales.copies(first.id), sales.copies(other.id)) == (3, 1)
    assert sales.get(first.id).copies == 3

    rows = database.execute_sql(
        "SELECT staff_id, payload FROM journal WHERE kind = 'reprint' ORDER BY seq"
    ).fetchall()
    assert [(staff, json.loads(payload)) for staff, payload in rows] == [
        (till.cashier.id, {"sale": 1, "sale_id": first.id, "copy": 1}),
        (till.cashier.id, {"sale": 1, "sale_id": first.id, "copy": 2}),
        (till.cashier.id, {"sale": 1, "sale_id": first.id, "copy": 3}),
        (till.manager.id, {"sale": 2, "sale_id": other.id, "copy": 1}),
    ]
    copies = database.execute_sql(
        "SELECT sale_id, copy, register, staff_id FROM receipt_copy ORDER BY id"
    ).fetchall()
    assert [tuple(c) for c in copies] == [
        (first.id, 1, "R1", till.cashier.id), (first.id, 2, "R1", till.cashier.id),
        (first.id, 3, "R1", till.cashier.id), (other.id, 1, "R1", till.manager.id),
    ]  # fmt: skip
    assert_chain_holds("R1")

    with pytest.raises(peewee.IntegrityError, match="immutable"):
        database.execute_sql("UPDATE receipt_copy SET copy = 9 WHERE sale_id = ?", (first.id,))
    with pytest.raises(peewee.IntegrityError, match="immutable"):
        database.execute_sql("DELETE FROM receipt_copy")
    with pytest.raises(peewee.IntegrityError, match="immutable"):
        database.execute_sql("INSERT OR REPLACE INTO receipt_copy SELECT * FROM receipt_copy")
    assert counts()["receipt_copy"] == 4
    assert sales.copies(first.id) == 3
