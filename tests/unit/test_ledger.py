"""The rules of a customer's money: prepaid never below zero, credit never above the limit,
deposits kept out of the credit available, and balances that always equal the ledger.

The property test applies random movements through `check` and compares the fold with an
independent recomputation written the long way round.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from till_tui.domain.ledger import (
    ENTRY_KINDS,
    Balances,
    LedgerError,
    allocate,
    apply,
    balances,
    check,
    open_invoices,
)

EUR = 100  # one euro in cents


def test_the_design_example_limit_1000_unpaid_700_deposits_200_leaves_300() -> None:
    account = balances(
        [("deposit", 200 * EUR), ("credit_charge", 500 * EUR), ("credit_charge", 200 * EUR)],
        credit_limit=1000 * EUR,
    )
    assert account == Balances(prepaid=200 * EUR, unpaid=700 * EUR, deposits=200 * EUR,
                               credit_limit=1000 * EUR)  # fmt: skip
    assert account.available == 300 * EUR
    check(account, "credit_charge", 300 * EUR)  # exactly what is available: accepted
    with pytest.raises(LedgerError, match="credit available"):
        check(account, "credit_charge", 300 * EUR + 1)


def test_no_limit_means_no_credit_at_all() -> None:
    account = balances([("topup", 50 * EUR), ("deposit", 500 * EUR)])
    assert account.credit_limit is None
    assert account.available == 0
    with pytest.raises(LedgerError, match="no credit account"):
        check(account, "credit_charge", 1)


def test_a_zero_limit_is_an_account_with_nothing_available() -> None:
    account = Balances(credit_limit=0)
    assert account.has_credit
    assert account.available == 0
    with pytest.raises(LedgerError, match="credit available"):
        check(account, "credit_charge", 1)


def test_available_is_never_negative_when_the_limit_was_lowered_below_unpaid() -> None:
    assert Balances(unpaid=700 * EUR, credit_limit=500 * EUR).available == 0


def test_a_prepaid_payment_can_use_the_whole_balance_but_not_a_cent_more() -> None:
    account = balances([("topup", 20 * EUR), ("topup", 5 * EUR)])
    assert apply(account, "prepaid_payment", 25 * EUR).prepaid == 0
    with pytest.raises(LedgerError, match="Not enough prepaid"):
        check(account, "prepaid_payment", 25 * EUR + 1)


def test_a_top_up_is_never_cancelled_for_more_than_what_remains() -> None:
    account = balances([("topup", 30 * EUR), ("prepaid_payment", 12 * EUR)])
    assert account.prepaid == 18 * EUR
    assert apply(account, "topup_cancel", 18 * EUR).prepaid == 0
    with pytest.raises(LedgerError, match="cancelled"):
        check(account, "topup_cancel", 18 * EUR + 1)


def test_deposits_are_prepaid_money_shown_apart() -> None:
    account = balances([("deposit", 100 * EUR), ("topup", 20 * EUR), ("prepaid_payment", 30 * EUR)])
    assert account.prepaid == 90 * EUR
    assert account.deposits == 100 * EUR


def test_a_settlement_never_pays_more_than_is_owed() -> None:
    account = balances([("credit_charge", 70 * EUR)], credit_limit=100 * EUR)
    assert apply(account, "settlement", 30 * EUR).unpaid == 40 * EUR
    with pytest.raises(LedgerError, match="owes"):
        check(account, "settlement", 70 * EUR + 1)
    with pytest.raises(LedgerError, match="owes"):
        check(account, "credit_refund", 70 * EUR + 1)


@pytest.mark.parametrize("kind", ENTRY_KINDS)
@pytest.mark.parametrize("amount", [0, -1, -100])
def test_amounts_are_always_positive(kind: str, amount: int) -> None:
    with pytest.raises(LedgerError, match="more than zero"):
        check(Balances(prepaid=10**6, unpaid=10**6, credit_limit=10**7), kind, amount)


def test_an_unknown_movement_is_refused() -> None:
    with pytest.raises(LedgerError, match="Unknown"):
        check(Balances(), "gift", 100)
    with pytest.raises(LedgerError, match="Unknown"):
        balances([("gift", 100)])


def test_settlements_pay_the_oldest_invoice_first() -> None:
    charges = [(1, 10, "2024-01-31", 50 * EUR), (2, 11, "2024-02-29", 30 * EUR),
               (3, 12, "2024-03-31", 20 * EUR)]  # fmt: skip
    still_open = open_invoices(charges, paid=60 * EUR)  # the first paid, 10 € of the second
    assert [(i.entry_id, i.unpaid) for i in still_open] == [(2, 20 * EUR), (3, 20 * EUR)]
    parts = allocate(still_open, 25 * EUR)
    assert [(i.entry_id, part) for i, part in parts] == [(2, 20 * EUR), (3, 5 * EUR)]


# --- random sequences ---------------------------------------------------------------------------

movements = st.lists(
    st.tuples(st.sampled_from(ENTRY_KINDS), st.integers(min_value=-5, max_value=50_000)),
    max_size=60,
)


def recompute(entries: list[tuple[str, int]]) -> tuple[int, int, int]:
    """The balances the long way round: one sum per kind, then the definitions."""
    total = {kind: sum(a for k, a in entries if k == kind) for kind in ENTRY_KINDS}
    prepaid = (total["topup"] + total["deposit"] + total["prepaid_refund"]
               - total["topup_cancel"] - total["prepaid_payment"])  # fmt: skip
    unpaid = total["credit_charge"] - total["settlement"] - total["credit_refund"]
    return prepaid, unpaid, total["deposit"]


@settings(max_examples=300, deadline=None)
@given(movements, st.none() | st.integers(min_value=0, max_value=200_000))
def test_random_movements_never_break_the_rules_and_always_equal_the_ledger(
    moves: list[tuple[str, int]], limit: int | None
) -> None:
    ledger: list[tuple[str, int]] = []
    current = balances([], limit)
    for kind, amount in moves:
        try:
            check(current, kind, amount)
        except LedgerError:
            # A refusal is only ever for a rule the movement really breaks.
            prepaid, unpaid, _deposits = recompute(ledger)
            assert (
                amount <= 0
                or (kind in ("prepaid_payment", "topup_cancel") and amount > prepaid)
                or (kind == "credit_charge" and (limit is None or unpaid + amount > limit))
                or (kind in ("settlement", "credit_refund") and amount > unpaid)
            )
            continue
        ledger.append((kind, amount))
        current = balances(ledger, limit)
        assert current == apply(balances(ledger[:-1], limit), kind, amount)
        prepaid, unpaid, deposits = recompute(ledger)
        assert (current.prepaid, current.unpaid, current.deposits) == (prepaid, unpaid, deposits)
        assert current.prepaid >= 0
        assert current.unpaid >= 0
        assert current.available >= 0
        if limit is None:
            assert current.available == 0
        else:
            assert current.unpaid <= limit or kind != "credit_charge"
            assert current.available == max(limit - unpaid, 0)  # deposits never count
