"""The store's services, built once from the config: what screens and commands call.

Each service is created (and its module imported) the first time it is used, so the login
screen does not wait for the sale machinery to load.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from till_tui.config import DEFAULT_CASHIER_MAX_DISCOUNT, Config
from till_tui.store.db import open_database

if TYPE_CHECKING:
    from till_tui.store.accounts import Accounts
    from till_tui.store.catalog import Catalog
    from till_tui.store.customers import Customers
    from till_tui.store.drafts import Drafts
    from till_tui.store.drawer import Drawer
    from till_tui.store.history import History
    from till_tui.store.outbox import Outbox
    from till_tui.store.refunds import Refunds
    from till_tui.store.reports import Reports
    from till_tui.store.sales import Sales
    from till_tui.store.shifts import Shifts
    from till_tui.store.staff import StaffDirectory
    from till_tui.store.training import Training


class Services:
    """Everything the till does to its data, for one register."""

    def __init__(
        self, register: str, *, cashier_max_discount: int = DEFAULT_CASHIER_MAX_DISCOUNT
    ) -> None:
        self.register = register
        self.cashier_max_discount = cashier_max_discount
        """Percent: the largest discount a cashier completes a sale with, unapproved."""

    @classmethod
    def open(cls, config: Config) -> Services:
        """Open (and migrate) the configured database and build the services on it."""
        open_database(config.store.database, config.base_dir)
        return cls(config.till.register, cashier_max_discount=config.till.cashier_max_discount)

    @cached_property
    def catalog(self) -> Catalog:
        from till_tui.store.catalog import Catalog

        return Catalog()

    @cached_property
    def staff(self) -> StaffDirectory:
        from till_tui.store.staff import StaffDirectory

        return StaffDirectory(self.register)

    @cached_property
    def shifts(self) -> Shifts:
        from till_tui.store.shifts import Shifts

        return Shifts(self.register)

    @cached_property
    def sales(self) -> Sales:
        from till_tui.store.sales import Sales

        return Sales(self.register, cashier_max_discount=self.cashier_max_discount)

    @cached_property
    def refunds(self) -> Refunds:
        from till_tui.store.refunds import Refunds

        return Refunds(self.register)

    @cached_property
    def drafts(self) -> Drafts:
        from till_tui.store.drafts import Drafts

        return Drafts(self.register)

    @cached_property
    def history(self) -> History:
        from till_tui.store.history import History

        return History(self.register)

    @cached_property
    def customers(self) -> Customers:
        from till_tui.store.customers import Customers

        return Customers()

    @cached_property
    def accounts(self) -> Accounts:
        from till_tui.store.accounts import Accounts

        return Accounts(self.register)

    @cached_property
    def outbox(self) -> Outbox:
        from till_tui.store.outbox import Outbox

        return Outbox()

    @cached_property
    def drawer(self) -> Drawer:
        from till_tui.store.drawer import Drawer

        return Drawer(self.register)

    @cached_property
    def reports(self) -> Reports:
        from till_tui.store.reports import Reports

        return Reports(self.register)

    @cached_property
    def training(self) -> Training:
        from till_tui.store.training import Training

        return Training(self.register)
