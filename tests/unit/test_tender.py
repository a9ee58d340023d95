"""Tenders: every kind's rule in `make_tender`, the card digits and references as typed, the
draft form of a tender (old drafts included), and where a split payment stands."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from till_tui.domain.tender import (
    ACCOUNT_KINDS,
    MAX_REFERENCE,
    OverAvailable,
    Tender,
    TenderError,
    check_last4,
    check_reference,
    make_tender,
    payment_state,
    used_from_account,
)

NON_CASH = ("card", "prepaid", "credit", "external", "other")
ALL_KINDS = ("cash", *NON_CASH)
ATTACH = re.escape("Attach the customer first (F2 or scan the card).")


def tender(kind: str, typed: int, due: int, **extra: Any) -> Tender:
    """A tender of `kind`; account kinds get a generous `available` unless told otherwise."""
    if kind in ACCOUNT_KINDS:
        extra.setdefault("available", 10**9)
    return make_tender(method=kind, kind=kind, label=kind.title(), typed=typed, due=due, **extra)


# --- amounts: change only from cash, nothing above what is due ----------------------------------


@pytest.mark.parametrize(
    ("typed", "due", "amount", "change"),
    [(2000, 1152, 1152, 848), (1152, 1152, 1152, 0), (500, 1152, 500, 0), (1, 1, 1, 0)],
)
def test_cash_pays_at_most_what_is_due_and_gives_the_rest_back(
    typed: int, due: int, amount: int, change: int
) -> None:
    cash = make_tender(method="cash", kind="cash", label="Cash", typed=typed, due=due)
    assert (cash.method, cash.kind, cash.label) == ("cash", "cash", "Cash")
    assert (cash.amount, cash.tendered, cash.change) == (amount, typed, change)
    assert cash.amount == min(typed, due)
    assert cash.change == typed - cash.amount
    assert not cash.on_account


@pytest.mark.parametrize("kind", NON_CASH)
def test_other_kinds_pay_exactly_what_is_typed_up_to_what_is_due(kind: str) -> None:
    part = tender(kind, 400, 1000)
    assert (part.kind, part.amount, part.tendered, part.change) == (kind, 400, 400, 0)
    whole = tender(kind, 1000, 1000)
    assert (whole.amount, whole.tendered, whole.change) == (1000, 1000, 0)
    assert part.on_account == (kind in ACCOUNT_KINDS)


@pytest.mark.parametrize("kind", NON_CASH)
def test_other_kinds_never_go_above_what_is_due(kind: str) -> None:
    with pytest.raises(TenderError, match=re.escape("Only cash can be more than the amount due")):
        tender(kind, 1001, 1000)


@pytest.mark.parametrize("kind", ALL_KINDS)
@pytest.mark.parametrize("typed", [0, -1, -1000])
def test_zero_or_negative_amounts_are_refused(kind: str, typed: int) -> None:
    with pytest.raises(TenderError, match="more than zero"):
        tender(kind, typed, 1000)


@pytest.mark.parametrize("kind", ALL_KINDS)
@pytest.mark.parametrize("due", [0, -5])
def test_nothing_due_is_refused(kind: str, due: int) -> None:
    with pytest.raises(TenderError, match="Nothing is due"):
        tender(kind, 100, due)


# --- prepaid and credit: a customer, and never more than the account allows ---------------------


@pytest.mark.parametrize("kind", ACCOUNT_KINDS)
def test_account_tenders_need_a_customer(kind: str) -> None:
    with pytest.raises(TenderError, match=ATTACH) as refused:
        make_tender(method=kind, kind=kind, label="Account", typed=100, due=1000, available=None)
    assert not isinstance(refused.value, OverAvailable)
    with pytest.raises(TenderError, match=ATTACH):
        make_tender(method=kind, kind=kind, label="Account", typed=100, due=1000)


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("prepaid", "Not enough prepaid balance for this payment."),
        ("credit", "This is more than the credit available."),
    ],
)
def test_above_what_is_available_says_what_is_available(kind: str, message: str) -> None:
    with pytest.raises(OverAvailable, match=re.escape(message)) as refused:
        tender(kind, 701, 1000, available=700)
    assert refused.value.available == 700
    assert isinstance(refused.value, TenderError)
    with pytest.raises(OverAvailable) as nothing_left:
        tender(kind, 1, 1000, available=0)
    assert nothing_left.value.available == 0


@pytest.mark.parametrize("kind", ACCOUNT_KINDS)
def test_exactly_what_is_available_is_accepted(kind: str) -> None:
    exact = tender(kind, 700, 1000, available=700)
    assert (exact.amount, exact.tendered, exact.change) == (700, 700, 0)
    assert exact.on_account


def test_non_account_kinds_ignore_available() -> None:
    card = tender("card", 500, 1000, available=0)
    assert card.amount == 500


# --- card digits --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kept"), [("1234", "1234"), (" 12 34 ", "1234"), ("0000", "0000")]
)
def test_last4_is_four_digits_spaces_ignored(typed: str, kept: str) -> None:
    assert check_last4(typed) == kept
    assert tender("card", 500, 500, last4=typed).last4 == kept


@pytest.mark.parametrize(
    "typed", ["123", "12345", "12a4", "abcd", "12-4", "١٢٣٤", "１２３４", "12³4", "12\t34", "    "]
)
def test_last4_other_than_four_ascii_digits_is_refused(typed: str) -> None:
    with pytest.raises(TenderError, match="last 4 digits"):
        check_last4(typed)
    with pytest.raises(TenderError, match="last 4 digits"):
        tender("card", 500, 500, last4=typed)


def test_no_last4_is_no_last4() -> None:
    assert tender("card", 500, 500).last4 == ""


# --- what each kind keeps -----------------------------------------------------------------------


def test_external_id_is_kept_only_for_external_tenders() -> None:
    room = tender("external", 500, 500, reference="204", external_id="PMS-ROOM")
    assert (room.external_id, room.reference) == ("PMS-ROOM", "204")
    for kind in ("card", "prepaid", "credit", "other"):
        assert tender(kind, 500, 500, external_id="PMS-ROOM").external_id == "", kind


def test_due_days_are_kept_only_for_credit_tenders() -> None:
    assert tender("credit", 500, 500, due_days=30).due_days == 30
    for kind in ("card", "prepaid", "external", "other"):
        assert tender(kind, 500, 500, due_days=30).due_days == 0, kind
    cash = make_tender(method="cash", kind="cash", label="Cash", typed=500, due=500, due_days=30)
    assert cash.due_days == 0


def test_cash_keeps_its_reference_but_no_card_digits_or_external_id() -> None:
    cash = make_tender(
        method="cash", kind="cash", label="Cash", typed=900, due=500, reference="envelope 3",
        last4="1234", external_id="X",
    )  # fmt: skip
    assert (cash.reference, cash.last4, cash.external_id, cash.change) == (
        "envelope 3",
        "",
        "",
        400,
    )


def test_other_keeps_its_reference() -> None:
    cheque = tender("other", 500, 500, reference="Chq 0042")
    assert (cheque.reference, cheque.last4, cheque.external_id, cheque.due_days) == (
        "Chq 0042", "", "", 0,
    )  # fmt: skip


# --- references ---------------------------------------------------------------------------------


def test_a_required_reference_must_be_typed() -> None:
    for empty in ("", "   ", "\t\n"):
        with pytest.raises(TenderError, match="Type the reference"):
            check_reference(empty, required=True)
        assert check_reference(empty, required=False) == ""


def test_reference_whitespace_is_collapsed() -> None:
    assert check_reference("  room \t 204\n ", required=True) == "room 204"
    assert check_reference("Chq  0042", required=False) == "Chq 0042"


def test_reference_length_limit() -> None:
    longest = "x" * MAX_REFERENCE
    assert check_reference(longest, required=True) == longest
    assert check_reference(f"  {longest}  ", required=True) == longest  # spaces do not count
    with pytest.raises(TenderError, match=f"too long \\(at most {MAX_REFERENCE} characters\\)"):
        check_reference(longest + "x", required=False)


@pytest.mark.parametrize("text", ["204\x00", "a\x07b", "zero\u200bwidth", "\x1b[31m204"])
def test_non_printable_references_are_refused(text: str) -> None:
    with pytest.raises(TenderError, match="cannot be printed"):
        check_reference(text, required=False)


def test_accented_references_are_printable() -> None:
    assert check_reference("Chambre Élysée", required=True) == "Chambre Élysée"


# --- the tenders of one sale --------------------------------------------------------------------


def test_used_from_account_sums_one_kind() -> None:
    tenders = [
        tender("prepaid", 300, 2000),
        tender("credit", 500, 1700),
        tender("prepaid", 200, 1200),
        make_tender(method="cash", kind="cash", label="Cash", typed=5000, due=1000),
    ]
    assert used_from_account(tenders, "prepaid") == 500
    assert used_from_account(tenders, "credit") == 500
    assert used_from_account(tenders, "card") == 0
    assert used_from_account([], "prepaid") == 0


def test_payment_state_over_a_mix() -> None:
    total = 4250
    prepaid = tender("prepaid", 1000, total)
    card = tender("card", 2000, total - 1000, last4="4242")
    state = payment_state(total, [prepaid, card])
    assert (state.total, state.paid, state.due, state.change) == (4250, 3000, 1250, 0)
    assert not state.complete
    cash = make_tender(method="cash", kind="cash", label="Cash", typed=2000, due=state.due)
    state = payment_state(total, [prepaid, card, cash])
    assert (state.paid, state.due, state.change) == (4250, 0, 750)
    assert state.complete
    assert payment_state(total, []) == payment_state(total, ())
    assert payment_state(total, []).due == total
    overpaid = Tender("card", "card", "Card", amount=5000, tendered=5000)
    assert payment_state(total, [overpaid]).due == 0  # never negative


# --- the draft form -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "original",
    [
        Tender("card", "card", "Card", 1500, 1500, 0, "AUTH 1", last4="4242"),
        Tender("room", "external", "Room", 900, 900, 0, "204", external_id="PMS-ROOM"),
        Tender("account", "credit", "On account", 700, 700, 0, due_days=30),
        Tender("cash", "cash", "Espèces", 650, 2000, 1350),
        Tender("prepaid", "prepaid", "Prepaid", 1, 1),
    ],
)
def test_to_dict_from_dict_round_trip(original: Tender) -> None:
    data = original.to_dict()
    assert set(data) == {
        "method", "kind", "label", "amount", "tendered", "change", "reference", "last4",
        "external_id", "due_days",
    }  # fmt: skip
    assert Tender.from_dict(data) == original
    assert Tender.from_dict(json.loads(json.dumps(data))) == original


def test_a_tender_from_a_draft_of_the_previous_version_loads() -> None:
    old = {
        "method": "card", "kind": "card", "label": "Carte", "amount": 1200, "tendered": 1200,
        "change": 0, "reference": "AUTH 9",
    }  # fmt: skip
    loaded = Tender.from_dict(old)
    assert loaded == Tender("card", "card", "Carte", 1200, 1200, 0, "AUTH 9")
    assert (loaded.last4, loaded.external_id, loaded.due_days) == ("", "", 0)
    oldest = {k: v for k, v in old.items() if k != "reference"}
    assert Tender.from_dict(oldest).reference == ""


# --- any sequence of tenders --------------------------------------------------------------------

steps = st.lists(
    st.tuples(st.sampled_from(ALL_KINDS), st.integers(min_value=-10, max_value=3_000_000)),
    min_size=1,
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(
    total=st.integers(min_value=1, max_value=2_000_000),
    prepaid=st.integers(min_value=0, max_value=2_000_000),
    credit=st.integers(min_value=0, max_value=2_000_000),
    attempts=steps,
)
def test_tenders_against_what_is_due_never_overpay(
    total: int, prepaid: int, credit: int, attempts: list[tuple[str, int]]
) -> None:
    allowed = {"prepaid": prepaid, "credit": credit}
    tenders: list[Tender] = []
    for kind, typed in attempts:
        state = payment_state(total, tenders)
        available = (
            allowed[kind] - used_from_account(tenders, kind) if kind in ACCOUNT_KINDS else None
        )
        try:
            made = make_tender(
                method=kind, kind=kind, label=kind, typed=typed, due=state.due, available=available
            )
        except OverAvailable as error:
            assert available is not None and typed > available
            assert error.available == available
            continue
        except TenderError:
            assert typed <= 0 or state.due <= 0 or (kind != "cash" and typed > state.due)
            continue
        assert typed > 0 and state.due > 0
        assert made.amount > 0
        assert made.amount == made.tendered - made.change
        assert made.tendered == typed
        if kind != "cash":
            assert made.change == 0 and made.amount == typed
        tenders.append(made)

    state = payment_state(total, tenders)
    assert state.paid == sum(t.amount for t in tenders) <= total
    assert state.due == total - state.paid
    assert state.change == sum(t.change for t in tenders if t.kind == "cash")
    assert all(t.change == 0 for t in tenders if t.kind != "cash")
    for kind in ACCOUNT_KINDS:
        assert used_from_account(tenders, kind) <= allowed[kind]
    for made in tenders:
        assert Tender.from_dict(made.to_dict()) == made
