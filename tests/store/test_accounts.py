"""Customer accounts at the till: top-ups, deposits, cancelled top-ups, settlements, credit
limits and statements. Every operation leaves exactly one immutable ledger row and one journal
row, and every balance equals the sum of the ledger."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import TypedDict

import peewee
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from till_tui.config import CASH, PaymentMethod
from till_tui.domain.customer import Customer
from till_tui.domain.ledger import Balances
from till_tui.domain.staff import StaffMember
from till_tui.store.accounts import AccountError, AccountPermissionError
from till_tui.store.db import close_database, database, open_database, transaction
from till_tui.store.journal import GENESIS, row_hash
from till_tui.store.services import Services

CARD = PaymentMethod(code="card", label="Card", kind="card")
PREPAID = PaymentMethod(code="wallet", label="Wallet", kind="prepaid")
EUR = 100


class Who(TypedDict):
    staff: StaffMember
    shift_id: int | None


@dataclass
class Desk:
    services: Services
    cashier: StaffMember
    manager: StaffMember
    shift_id: int
    customer: Customer

    def balances(self) -> Balances:
        return self.services.accounts.balances(self.customer.id)

    @property
    def who(self) -> Who:
        return {"staff": self.cashier, "shift_id": self.shift_id}


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    """An empty store of its own: a cashier, a manager, nothing else."""
    open_database("sqlite:///till.db", tmp_path)
    services = Services("R1")
    services.staff.add("Camille", "1234", "cashier")
    services.staff.add("Maxime", "9999", "manager")
    yield services
    close_database()


@pytest.fixture
def desk(services: Services) -> Desk:
    cashier = services.staff.authenticate("1234")
    manager = services.staff.authenticate("9999")
    assert cashier is not None and manager is not None
    shift = services.shifts.open(cashier, 10_000)
    customer = services.customers.add("Hélène Martin", card="C1")
    return Desk(services, cashier, manager, shift.id, customer)


def count(table: str) -> int:
    return int(database.execute_sql(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def ledger_sums(customer_id: int) -> tuple[int, int]:
    """(prepaid, unpaid) recomputed from the raw rows, independently of the service."""
    prepaid = unpaid = 0
    for kind, amount in database.execute_sql(
        "SELECT kind, amount FROM ledger_entry WHERE customer_id = ?", (customer_id,)
    ):
        if kind in ("topup", "deposit", "prepaid_refund"):
            prepaid += amount
        elif kind in ("topup_cancel", "prepaid_payment"):
            prepaid -= amount
        elif kind == "credit_charge":
            unpaid += amount
        else:
            unpaid -= amount
    return prepaid, unpaid


def test_a_cash_top_up_gives_change_and_writes_one_entry_and_one_journal_row(desk: Desk) -> None:
    journal_before = count("journal")
    receipt = desk.services.accounts.top_up(
        desk.customer.id, 30 * EUR, CASH, 50 * EUR, staff=desk.cashier, shift_id=desk.shift_id
    )
    assert (receipt.number, receipt.kind, receipt.amount) == (1, "topup", 30 * EUR)
    assert (receipt.tendered, receipt.change, receipt.method_label) == (50 * EUR, 20 * EUR, "Cash")
    assert receipt.customer == desk.customer
    assert receipt.cashier == desk.cashier.name
    assert receipt.balances.prepaid == 30 * EUR
    assert count("ledger_entry") == 1
    assert count("journal") == journal_before + 1
    row = database.execute_sql(
        "SELECT kind, amount, method, tendered, change_given, receipt_number, register, shift_id"
        " FROM ledger_entry"
    ).fetchone()
    assert tuple(row) == ("topup", 3000, "cash", 5000, 2000, 1, "R1", desk.shift_id)
    kind, payload = database.execute_sql(
        "SELECT kind, payload FROM journal ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert kind == "topup"
    assert '"amount":3000' in payload


def test_no_sale_row_and_no_vat_for_a_top_up(desk: Desk) -> None:
    desk.services.accounts.top_up(
        desk.customer.id, 30 * EUR, CARD, staff=desk.cashier, shift_id=desk.shift_id
    )
    assert count("sale") == 0
    assert count("sale_vat") == 0


def test_only_cash_gives_change_and_cash_must_cover_the_amount(desk: Desk) -> None:
    accounts = desk.services.accounts
    with pytest.raises(AccountError, match="Only cash"):
        accounts.top_up(desk.customer.id, 10 * EUR, CARD, 20 * EUR, staff=desk.cashier,
                        shift_id=desk.shift_id)  # fmt: skip
    with pytest.raises(AccountError, match="less than"):
        accounts.top_up(desk.customer.id, 10 * EUR, CASH, 5 * EUR, staff=desk.cashier,
                        shift_id=desk.shift_id)  # fmt: skip
    with pytest.raises(AccountError, match="cannot be used"):
        accounts.top_up(desk.customer.id, 10 * EUR, PREPAID, staff=desk.cashier,
                        shift_id=desk.shift_id)  # fmt: skip
    with pytest.raises(AccountError, match="more than zero"):
        accounts.top_up(desk.customer.id, 0, CASH, staff=desk.cashier, shift_id=desk.shift_id)
    with pytest.raises(AccountError, match="No customer"):
        accounts.top_up(999, 10 * EUR, CASH, staff=desk.cashier, shift_id=desk.shift_id)
    assert count("ledger_entry") == 0


def test_ledger_rows_cannot_be_updated_or_deleted(desk: Desk) -> None:
    desk.services.accounts.top_up(
        desk.customer.id, 10 * EUR, CASH, staff=desk.cashier, shift_id=desk.shift_id
    )
    with pytest.raises(peewee.IntegrityError, match="immutable"):
        database.execute_sql("UPDATE ledger_entry SET amount = 1000000")
    with pytest.raises(peewee.IntegrityError, match="immutable"):
        database.execute_sql("DELETE FROM ledger_entry")
    with pytest.raises(peewee.IntegrityError, match="immutable"):
        database.execute_sql("INSERT OR REPLACE INTO ledger_entry SELECT * FROM ledger_entry")
    assert desk.balances().prepaid == 10 * EUR


def test_a_cancel_is_refunded_by_the_same_method_and_never_above_what_remains(desk: Desk) -> None:
    accounts, cid = desk.services.accounts, desk.customer.id
    kw = desk.who
    accounts.top_up(cid, 40 * EUR, CARD, **kw)
    accounts.debit_prepaid(cid, 25 * EUR, **kw)
    with pytest.raises(AccountError, match="more than the prepaid balance"):
        accounts.cancel_top_up(cid, 15 * EUR + 1, CARD, **kw, approved_by=desk.manager)
    with pytest.raises(AccountError, match="Only Cash top-ups"):
        accounts.cancel_top_up(cid, 5 * EUR, CASH, **kw, approved_by=desk.manager)
    receipt = accounts.cancel_top_up(cid, 15 * EUR, CARD, **kw, approved_by=desk.manager)
    assert (receipt.kind, receipt.number, receipt.change) == ("topup_cancel", 2, 0)
    assert receipt.balances.prepaid == 0
    assert desk.balances().prepaid == 0 == ledger_sums(cid)[0]


def test_receipt_numbers_are_gap_free_across_kinds_even_after_a_refusal(desk: Desk) -> None:
    accounts, cid = desk.services.accounts, desk.customer.id
    kw = desk.who
    numbers = [accounts.top_up(cid, 10 * EUR, CASH, **kw).number]
    with pytest.raises(AccountError):
        accounts.cancel_top_up(cid, 50 * EUR, CASH, **kw, approved_by=desk.manager)
    numbers.append(accounts.deposit(cid, 20 * EUR, CARD, **kw).number)
    accounts.debit_prepaid(cid, 1 * EUR, **kw)  # a payment in a sale: no account receipt
    numbers.append(
        accounts.cancel_top_up(cid, 5 * EUR, CASH, **kw, approved_by=desk.manager).number
    )
    assert numbers == [1, 2, 3]


def test_deposits_are_prepaid_but_never_credit(desk: Desk) -> None:
    accounts, cid = desk.services.accounts, desk.customer.id
    kw = desk.who
    accounts.set_credit_limit(cid, 1000 * EUR, desk.manager)
    accounts.deposit(cid, 200 * EUR, CASH, **kw)
    accounts.charge_credit(cid, 700 * EUR, due_date="2024-02-29", **kw)
    balances = desk.balances()
    assert balances == Balances(200 * EUR, 700 * EUR, 200 * EUR, 1000 * EUR)
    assert balances.available == 300 * EUR
    with pytest.raises(AccountError, match="credit available"):
        accounts.charge_credit(cid, 300 * EUR + 1, due_date="2024-02-29", **kw)
    assert desk.balances() == balances


def test_no_limit_no_credit(desk: Desk) -> None:
    with pytest.raises(AccountError, match="no credit account"):
        desk.services.accounts.charge_credit(
            desk.customer.id, 1, due_date="2024-02-29", staff=desk.cashier, shift_id=desk.shift_id
        )


def test_a_cashier_cannot_set_a_credit_limit_a_manager_can(desk: Desk) -> None:
    accounts, cid = desk.services.accounts, desk.customer.id
    journal_before = count("journal")
    with pytest.raises(AccountPermissionError, match="Only a manager"):
        accounts.set_credit_limit(cid, 500 * EUR, desk.cashier)
    assert desk.balances().credit_limit is None
    assert count("journal") == journal_before
    with pytest.raises(AccountPermissionError, match="Only a manager"):
        accounts.set_credit_limit(cid, 500 * EUR, desk.cashier, approved_by=desk.cashier)
    assert accounts.set_credit_limit(cid, 500 * EUR, desk.manager).available == 500 * EUR
    accounts.set_credit_limit(cid, None, desk.cashier, approved_by=desk.manager)
    assert desk.services.customers.get(cid).credit_limit is None
    rows = list(
        database.execute_sql(
            "SELECT staff_id, payload FROM journal WHERE kind = 'credit_limit' ORDER BY id"
        )
    )
    manager, cashier = desk.manager.id, desk.cashier.id
    assert rows == [
        (manager, f'{{"approved_by":{manager},"customer":{cid},"new":50000,"old":null}}'),
        (cashier, f'{{"approved_by":{manager},"customer":{cid},"new":null,"old":50000}}'),
    ]
    with pytest.raises(AccountError, match="negative"):
        accounts.set_credit_limit(cid, -1, desk.manager)


def test_settlements_pay_the_oldest_invoice_first_and_may_be_partial(desk: Desk) -> None:
    accounts, cid = desk.services.accounts, desk.customer.id
    kw = desk.who
    accounts.set_credit_limit(cid, 1000 * EUR, desk.manager)
    accounts.charge_credit(cid, 50 * EUR, due_date="2024-01-31", **kw)
    accounts.charge_credit(cid, 30 * EUR, due_date="2024-02-29", **kw)
    first = accounts.settle(cid, 60 * EUR, CARD, **kw)
    assert [(i.amount, i.unpaid_after) for i in first.invoices] == [
        (50 * EUR, 0),
        (10 * EUR, 20 * EUR),
    ]
    assert first.balances.unpaid == 20 * EUR
    assert [(i.due_date, i.unpaid) for i in accounts.open_invoices(cid)] == [
        ("2024-02-29", 20 * EUR)
    ]
    with pytest.raises(AccountError, match="owes"):
        accounts.settle(cid, 20 * EUR + 1, CASH, **kw)
    last = accounts.settle(cid, 20 * EUR, CASH, 50 * EUR, **kw)
    assert (last.change, last.balances.unpaid) == (30 * EUR, 0)
    assert accounts.open_invoices(cid) == []
    assert ledger_sums(cid) == (0, 0)


def test_the_statement_lists_every_movement_with_running_balances(desk: Desk) -> None:
    accounts, cid = desk.services.accounts, desk.customer.id
    kw = desk.who
    accounts.set_credit_limit(cid, 100 * EUR, desk.manager)
    accounts.top_up(cid, 50 * EUR, CASH, **kw)
    accounts.debit_prepaid(cid, 12 * EUR, **kw)
    accounts.charge_credit(cid, 40 * EUR, due_date="2024-03-31", **kw)
    accounts.settle(cid, 15 * EUR, CARD, **kw)
    accounts.cancel_top_up(cid, 8 * EUR, CASH, **kw, approved_by=desk.manager)
    lines = accounts.statement(cid)
    assert [(ln.kind, ln.amount, ln.prepaid, ln.unpaid) for ln in lines] == [
        ("topup", 5000, 5000, 0),
        ("prepaid_payment", -1200, 3800, 0),
        ("credit_charge", 4000, 3800, 4000),
        ("settlement", -1500, 3800, 2500),
        ("topup_cancel", -800, 3000, 2500),
    ]
    assert [ln.number for ln in lines] == ["R1", "", "", "R2", "R3"]
    assert {(ln.register, ln.cashier) for ln in lines} == {("R1", desk.cashier.name)}
    assert lines[2].due_date == "2024-03-31"
    assert all(a.created_at <= b.created_at for a, b in pairwise(lines))
    last = desk.balances()
    assert (last.prepaid, last.unpaid) == (lines[-1].prepaid, lines[-1].unpaid) == ledger_sums(cid)


def test_every_ledger_row_has_its_journal_row_and_the_chain_holds(desk: Desk) -> None:
    accounts, cid = desk.services.accounts, desk.customer.id
    kw = desk.who
    accounts.top_up(cid, 50 * EUR, CASH, **kw)
    accounts.deposit(cid, 50 * EUR, CARD, **kw)
    accounts.debit_prepaid(cid, 10 * EUR, **kw)
    kinds = [r[0] for r in database.execute_sql("SELECT kind FROM journal ORDER BY seq")]
    assert kinds == ["shift_open", "topup", "deposit", "prepaid_payment"]
    prev = GENESIS
    for register, seq, stamp, staff_id, kind, payload, prev_hash, digest in database.execute_sql(
        "SELECT register, seq, created_at, staff_id, kind, payload, prev_hash, hash"
        " FROM journal ORDER BY seq"
    ):
        assert prev_hash == prev
        assert digest == row_hash(prev, register, seq, stamp, staff_id, kind, payload)
        prev = digest


# --- random sequences against the real store ----------------------------------------------------

operation = st.tuples(
    st.sampled_from(["topup", "deposit", "cancel", "pay", "charge", "settle", "limit"]),
    st.integers(min_value=1, max_value=20_000),
)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(st.lists(operation, min_size=1, max_size=25))
def test_random_operations_keep_every_balance_equal_to_the_ledger(
    desk: Desk, ops: list[tuple[str, int]]
) -> None:
    accounts = desk.services.accounts
    cid = desk.services.customers.add("Random").id  # a fresh account for each example
    kw = desk.who
    rows_before = count("ledger_entry")
    written = 0
    for op, amount in ops:
        before = accounts.balances(cid)
        try:
            if op == "topup":
                accounts.top_up(cid, amount, CASH, amount + 500, **kw)
            elif op == "deposit":
                accounts.deposit(cid, amount, CARD, **kw)
            elif op == "cancel":
                accounts.cancel_top_up(cid, amount, CASH, **kw, approved_by=desk.manager)
            elif op == "pay":
                accounts.debit_prepaid(cid, amount, **kw)
            elif op == "charge":
                accounts.charge_credit(cid, amount, due_date="2030-01-01", **kw)
            elif op == "settle":
                accounts.settle(cid, amount, CARD, **kw)
            else:
                accounts.set_credit_limit(cid, amount * 3, desk.manager)
                continue
        except AccountError:
            assert accounts.balances(cid) == before  # a refusal writes nothing
            continue
        written += 1
        after = accounts.balances(cid)
        assert after.prepaid >= 0
        assert after.unpaid >= 0
        assert (after.prepaid, after.unpaid) == ledger_sums(cid)
        if op == "charge":
            assert after.unpaid <= (after.credit_limit or 0)
    assert count("ledger_entry") - rows_before == written
    lines = accounts.statement(cid)
    assert len(lines) == written
    if lines:
        assert (lines[-1].prepaid, lines[-1].unpaid) == ledger_sums(cid)


def test_sale_refunds_go_back_to_the_account_they_came_from(desk: Desk) -> None:
    accounts, cid = desk.services.accounts, desk.customer.id
    accounts.set_credit_limit(cid, 100 * EUR, desk.manager)
    accounts.top_up(cid, 20 * EUR, CASH, **desk.who)
    accounts.debit_prepaid(cid, 15 * EUR, **desk.who)
    accounts.charge_credit(cid, 60 * EUR, due_date="2024-03-31", **desk.who)
    after = accounts.sale_entry(cid, "prepaid_refund", 15 * EUR, **desk.who)
    assert after.prepaid == 20 * EUR
    with pytest.raises(AccountError, match="owes on account"):
        accounts.sale_entry(cid, "credit_refund", 60 * EUR + 1, **desk.who)
    assert accounts.sale_entry(cid, "credit_refund", 60 * EUR, **desk.who).unpaid == 0
    with pytest.raises(AccountError, match="Unknown"):
        accounts.sale_entry(cid, "topup", 1, **desk.who)  # top-ups need a receipt and a method
    with pytest.raises(AccountError, match="due date"):
        accounts.sale_entry(cid, "credit_charge", 1, **desk.who)
    assert (desk.balances().prepaid, desk.balances().unpaid) == ledger_sums(cid) == (20 * EUR, 0)


def test_inside_an_open_transaction_a_debit_joins_it_and_rolls_back_with_it(desk: Desk) -> None:
    accounts, cid = desk.services.accounts, desk.customer.id
    accounts.top_up(cid, 20 * EUR, CASH, **desk.who)
    journal_rows = count("journal")

    class SaleFailed(Exception):
        pass

    with pytest.raises(SaleFailed), transaction():
        assert accounts.debit_prepaid(cid, 5 * EUR, **desk.who).prepaid == 15 * EUR
        raise SaleFailed  # e.g. the sale insert failing after the payment was recorded
    assert desk.balances().prepaid == 20 * EUR
    assert count("journal") == journal_rows
