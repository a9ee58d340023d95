"""VAT from tax-inclusive totals, per rate, half-up to the cent."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from till_tui.domain.money import half_up_div


@dataclass(frozen=True, slots=True)
class VatLine:
    """One row of the VAT table: rate (basis points), base excl. VAT, VAT, and total incl. VAT."""

    rate: int
    base: int
    vat: int
    total: int


def vat_included(total: int, rate: int) -> int:
    """The VAT inside a tax-inclusive `total` at `rate` basis points, half-up to the minor unit."""
    return half_up_div(total * rate, 10_000 + rate)


def vat_breakdown(amounts: Iterable[tuple[int, int]]) -> tuple[VatLine, ...]:
    """(rate, tax-inclusive amount) pairs -> one VatLine per rate, sorted by rate.

    VAT is computed once per rate on the rate's total (not per line), so the table is exact.
    """
    per_rate: dict[int, int] = {}
    for rate, amount in amounts:
        per_rate[rate] = per_rate.get(rate, 0) + amount
    lines = []
    for rate in sorted(per_rate):
        total = per_rate[rate]
        vat = vat_included(total, rate)
        lines.append(VatLine(rate=rate, base=total - vat, vat=vat, total=total))
    return tuple(lines)
