"""The shift report: one computation for the X report (mid-shift) and the Z report (close).

Pure: the store reads a shift's facts (sums of payments, ledger movements, cash movements...)
into `ShiftFacts`, and `compute` turns them into a `ShiftReport`. The rules peer tills get wrong:

- Cash received is what stays in the drawer: a cash payment's `amount` (tendered - change),
  never what was handed over; tendered and change are shown apart, for information.
- The opening float is counted once, in the cash expected, never as takings.
- Top-ups, deposits and settlements of customer accounts are money in (by their method) but
  not revenue and carry no VAT; prepaid and on-account payments are revenue but no money in.
- A refund pays money back through its method (negative); cash in / cash out move the drawer
  but are not revenue.
- A count is never refused: differences are shown, the note and approval are the close's job.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Protocol

from till_tui.domain.tender import MONEY_IN_KINDS
from till_tui.domain.vat import VatLine

ACCOUNT_MONEY_IN = ("topup", "deposit", "settlement")
"""Ledger movements that take money in by a payment method."""
ACCOUNT_MONEY_OUT = ("topup_cancel",)
"""Ledger movements that give money back by a payment method."""


class Method(Protocol):
    """A configured payment method (config.PaymentMethod fits)."""

    @property
    def code(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def label(self) -> str: ...


@dataclass(frozen=True, slots=True)
class MethodInfo:
    """A payment method as the report shows it."""

    code: str
    kind: str
    label: str


@dataclass(frozen=True, slots=True)
class PaymentSum:
    """Payments of one method in a shift, for sales or for refunds."""

    method: str
    kind: str
    label: str
    refund: bool
    count: int
    amount: int
    tendered: int
    change: int


@dataclass(frozen=True, slots=True)
class LedgerSum:
    """Ledger movements of one kind and method in a shift."""

    kind: str
    method: str
    count: int
    amount: int
    tendered: int
    change: int


@dataclass(frozen=True, slots=True)
class CashMove:
    """Cash put into ("in") or taken out of ("out") the drawer."""

    direction: str
    amount: int
    reason: str
    staff: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ShiftFacts:
    """What the store knows about a shift, summed by SQL."""

    register: str
    shift_number: int
    opened_at: datetime
    opened_by: str
    opening_float: int
    cashiers: tuple[str, ...]
    sales_count: int
    sales_total: int
    refunds_count: int
    refunds_total: int
    """Negative: money given back."""
    discounts: int
    """Discounts given on sales, less the share given back by refunds."""
    vat: tuple[VatLine, ...]
    """Per rate, sales and refunds together."""
    payments: tuple[PaymentSum, ...]
    ledger: tuple[LedgerSum, ...]
    movements: tuple[CashMove, ...]
    no_sale: int
    grand_total_before: int
    grand_total_abs_before: int
    closed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class MethodLine:
    """The money of one payment method over the shift, and what should be there."""

    code: str
    label: str
    kind: str
    sales: int = 0
    refunds: int = 0
    """Negative."""
    topups: int = 0
    deposits: int = 0
    settlements: int = 0
    topup_cancels: int = 0
    """Negative."""
    cash_in: int = 0
    cash_out: int = 0
    """Negative."""
    opening_float: int = 0
    tendered: int = 0
    """Cash handed over (sales and account movements), for information."""
    change: int = 0
    """Change given back, for information."""

    @property
    def expected(self) -> int:
        """What should be in the drawer (cash) or on the method's statement."""
        return (
            self.opening_float
            + self.sales
            + self.refunds
            + self.topups
            + self.deposits
            + self.settlements
            + self.topup_cancels
            + self.cash_in
            + self.cash_out
        )

    @property
    def net(self) -> int:
        """Money taken by this method during the shift (the float left out)."""
        return self.expected - self.opening_float


@dataclass(frozen=True, slots=True)
class AccountTotals:
    """Customer accounts moved during the shift: not revenue, no VAT."""

    topups: int = 0
    topup_cancels: int = 0
    deposits: int = 0
    prepaid_payments: int = 0
    prepaid_refunds: int = 0
    credit_charges: int = 0
    settlements: int = 0
    credit_refunds: int = 0


@dataclass(frozen=True, slots=True)
class Count:
    """One method's expected and counted amount at the close; counted None = not counted."""

    code: str
    label: str
    expected: int
    counted: int | None

    @property
    def difference(self) -> int | None:
        return None if self.counted is None else self.counted - self.expected


@dataclass(frozen=True, slots=True)
class ShiftReport:
    """An X or Z report. `z_number` None: an X report (nothing closed)."""

    register: str
    shift_number: int
    opened_at: datetime
    opened_by: str
    closed_at: datetime | None
    cashiers: tuple[str, ...]
    sales_count: int
    sales_total: int
    refunds_count: int
    refunds_total: int
    discounts: int
    vat: tuple[VatLine, ...]
    methods: tuple[MethodLine, ...]
    on_account: tuple[MethodLine, ...]
    """Prepaid and credit methods: revenue paid from customer accounts, no money in."""
    accounts: AccountTotals
    movements: tuple[CashMove, ...]
    no_sale: int
    opening_float: int
    grand_total: int
    grand_total_abs: int
    z_number: int | None = None
    closed_by: str = ""
    approved_by: str = ""
    note: str = ""
    counts: tuple[Count, ...] = field(default=())
    journal_seq: int | None = None
    """A Z: the register's last journal row before its closing (every event of the shift is
    chained into it), printed with its hash so the paper Z anchors the journal."""
    journal_hash: str = ""

    @property
    def revenue(self) -> int:
        """Revenue incl. VAT: sales less refunds."""
        return self.sales_total + self.refunds_total

    @property
    def vat_total(self) -> int:
        return sum(v.vat for v in self.vat)

    @property
    def cash(self) -> MethodLine | None:
        return next((m for m in self.methods if m.kind == "cash"), None)

    def expected(self) -> dict[str, int]:
        """Expected amount per money-in method."""
        return {m.code: m.expected for m in self.methods}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form, stored with the Z so a reprint prints the same figures."""
        data = asdict(self)
        for key in ("opened_at", "closed_at"):
            data[key] = data[key].isoformat() if data[key] else None
        for move in data["movements"]:
            move["created_at"] = move["created_at"].isoformat()
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ShiftReport:
        def when(text: str | None) -> datetime | None:
            return datetime.fromisoformat(text) if text else None

        values = dict(data)
        values["opened_at"] = when(values["opened_at"])
        values["closed_at"] = when(values["closed_at"])
        values["cashiers"] = tuple(values["cashiers"])
        values["vat"] = tuple(VatLine(**v) for v in values["vat"])
        values["methods"] = tuple(MethodLine(**m) for m in values["methods"])
        values["on_account"] = tuple(MethodLine(**m) for m in values["on_account"])
        values["accounts"] = AccountTotals(**values["accounts"])
        values["movements"] = tuple(
            CashMove(**{**m, "created_at": datetime.fromisoformat(m["created_at"])})
            for m in values["movements"]
        )
        values["counts"] = tuple(Count(**c) for c in values["counts"])
        return cls(**values)


def compute(facts: ShiftFacts, methods: Sequence[Method]) -> ShiftReport:
    """The report of a shift from its facts; `methods` are the configured payment methods (in
    their order; methods no longer configured but used in the shift are added after them)."""
    known = {m.code: MethodInfo(m.code, m.kind, m.label) for m in methods}
    for p in facts.payments:
        known.setdefault(p.method, MethodInfo(p.method, p.kind, p.label or p.method))
    for entry in facts.ledger:
        if entry.kind in ACCOUNT_MONEY_IN or entry.kind in ACCOUNT_MONEY_OUT:
            known.setdefault(entry.method, MethodInfo(entry.method, "other", entry.method))
    lines: dict[str, dict[str, int]] = {code: {} for code in known}

    def add(code: str, key: str, amount: int) -> None:
        lines[code][key] = lines[code].get(key, 0) + amount

    for p in facts.payments:
        add(p.method, "refunds" if p.refund else "sales", p.amount)
        if p.kind == "cash" and not p.refund:
            add(p.method, "tendered", p.tendered)
            add(p.method, "change", p.change)
    for entry in facts.ledger:
        if entry.kind in ACCOUNT_MONEY_IN:
            add(entry.method, f"{entry.kind}s", entry.amount)
        elif entry.kind in ACCOUNT_MONEY_OUT:
            add(entry.method, "topup_cancels", -entry.amount)
        else:
            continue
        if known[entry.method].kind == "cash":
            add(entry.method, "tendered", entry.tendered)
            add(entry.method, "change", entry.change)
    cash_code = next((m.code for m in known.values() if m.kind == "cash"), "cash")
    if cash_code not in known:
        known[cash_code] = MethodInfo(cash_code, "cash", cash_code)
        lines[cash_code] = {}
    add(cash_code, "opening_float", facts.opening_float)
    for move in facts.movements:
        if move.direction == "in":
            add(cash_code, "cash_in", move.amount)
        else:
            add(cash_code, "cash_out", -move.amount)

    def line(info: MethodInfo) -> MethodLine:
        return MethodLine(code=info.code, label=info.label, kind=info.kind, **lines[info.code])

    money_in = tuple(line(m) for m in known.values() if m.kind in MONEY_IN_KINDS)
    on_account = tuple(
        line(m) for m in known.values() if m.kind not in MONEY_IN_KINDS and lines[m.code]
    )
    return ShiftReport(
        register=facts.register,
        shift_number=facts.shift_number,
        opened_at=facts.opened_at,
        opened_by=facts.opened_by,
        closed_at=facts.closed_at,
        cashiers=facts.cashiers,
        sales_count=facts.sales_count,
        sales_total=facts.sales_total,
        refunds_count=facts.refunds_count,
        refunds_total=facts.refunds_total,
        discounts=facts.discounts,
        vat=facts.vat,
        methods=money_in,
        on_account=on_account,
        accounts=_accounts(facts.ledger),
        movements=facts.movements,
        no_sale=facts.no_sale,
        opening_float=facts.opening_float,
        grand_total=facts.grand_total_before + facts.sales_total + facts.refunds_total,
        grand_total_abs=(
            facts.grand_total_abs_before + abs(facts.sales_total) + abs(facts.refunds_total)
        ),
    )


def _accounts(entries: Iterable[LedgerSum]) -> AccountTotals:
    sums: dict[str, int] = {}
    for entry in entries:
        sums[entry.kind] = sums.get(entry.kind, 0) + entry.amount
    return AccountTotals(
        topups=sums.get("topup", 0),
        topup_cancels=sums.get("topup_cancel", 0),
        deposits=sums.get("deposit", 0),
        prepaid_payments=sums.get("prepaid_payment", 0),
        prepaid_refunds=sums.get("prepaid_refund", 0),
        credit_charges=sums.get("credit_charge", 0),
        settlements=sums.get("settlement", 0),
        credit_refunds=sums.get("credit_refund", 0),
    )


def counts(report: ShiftReport, counted: Mapping[str, int | None]) -> tuple[Count, ...]:
    """Expected vs counted for each money-in method (cash first as configured)."""
    return tuple(Count(m.code, m.label, m.expected, counted.get(m.code)) for m in report.methods)


def over_threshold(lines: Iterable[Count], threshold: int) -> bool:
    """True when any counted method differs from what was expected by more than `threshold`."""
    return any(c.difference is not None and abs(c.difference) > threshold for c in lines)
