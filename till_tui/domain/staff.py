"""Staff members as the rest of the till sees them (never with their PIN)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PIN_LENGTHS = range(4, 9)
"""A PIN has 4 to 8 digits."""

Role = Literal["cashier", "manager"]
ROLES: tuple[Role, ...] = ("cashier", "manager")


@dataclass(frozen=True, slots=True)
class StaffMember:
    id: int
    name: str
    role: Role

    @property
    def is_manager(self) -> bool:
        return self.role == "manager"
