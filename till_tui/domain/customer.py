"""Customers as the rest of the till sees them: who they are, and their credit limit."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Customer:
    """A customer of the shop. `card` is "" when the customer has no loyalty card.

    `credit_limit` is in minor units; None means the customer has no credit account.
    """

    id: int
    name: str
    card: str = ""
    phone: str = ""
    email: str = ""
    credit_limit: int | None = None

    @property
    def has_credit(self) -> bool:
        return self.credit_limit is not None
