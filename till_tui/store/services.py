"""The store's services, built once from the config: what screens and commands call."""

from __future__ import annotations

from dataclasses import dataclass

from till_tui.config import Config
from till_tui.store.catalog import Catalog
from till_tui.store.db import open_database
from till_tui.store.drafts import Drafts
from till_tui.store.sales import Sales
from till_tui.store.shifts import Shifts
from till_tui.store.staff import StaffDirectory


@dataclass(frozen=True, slots=True)
class Services:
    """Everything the till does to its data, for one register."""

    register: str
    catalog: Catalog
    staff: StaffDirectory
    shifts: Shifts
    sales: Sales
    drafts: Drafts

    @classmethod
    def open(cls, config: Config) -> Services:
        """Open (and migrate) the configured database and build the services on it."""
        open_database(config.store.database, config.base_dir)
        register = config.till.register
        return cls(
            register=register,
            catalog=Catalog(),
            staff=StaffDirectory(),
            shifts=Shifts(register),
            sales=Sales(register),
            drafts=Drafts(register),
        )
