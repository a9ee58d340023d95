"""A completed sale as the store returns it, and its receipt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from till_tui.domain.cart import Cart, CartTotals
from till_tui.domain.tender import Tender


@dataclass(frozen=True, slots=True)
class CompletedSale:
    """A sale written to the store: numbered, immutable."""

    id: int
    number: int
    register: str
    created_at: datetime
    cashier: str
    cart: Cart
    totals: CartTotals
    tenders: tuple[Tender, ...]

    @property
    def change(self) -> int:
        return sum(t.change for t in self.tenders)
