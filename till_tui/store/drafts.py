"""The sale in progress (saved at every change, so a crash loses nothing) and parked sales."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from till_tui.domain.cart import Cart
from till_tui.domain.tender import Tender
from till_tui.i18n import _
from till_tui.store.db import database, transaction
from till_tui.store.models import Draft, ParkedSale, now

_SAVE_SQL = (
    "INSERT INTO draft (register, staff_id, updated_at, payload) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (register) DO UPDATE SET"
    " staff_id = excluded.staff_id, updated_at = excluded.updated_at, payload = excluded.payload"
)


def _payload(cart: Cart, tenders: Sequence[Tender]) -> str:
    """The cart and the tenders already taken for it, as one JSON document."""
    return json.dumps({**cart.to_dict(), "tenders": [t.to_dict() for t in tenders]})


def _tenders(payload: str) -> tuple[Tender, ...]:
    return tuple(Tender.from_dict(t) for t in json.loads(payload).get("tenders", []))


@dataclass(frozen=True, slots=True)
class Parked:
    """A parked sale as listed for resuming."""

    id: int
    parked_at: datetime
    staff: str
    cart: Cart
    tenders: tuple[Tender, ...] = ()


class Drafts:
    """The draft and the parked sales of one register."""

    def __init__(self, register: str) -> None:
        self.register = register

    def save(self, cart: Cart, staff_id: int | None, tenders: Sequence[Tender] = ()) -> None:
        """Save the sale in progress and the tenders taken for it (an empty sale clears it).

        One small write, on every change.
        """
        if cart.is_empty and not cart.note and cart.customer_id is None and not tenders:
            self.clear()
            return
        stamp = Draft.updated_at.db_value(now())
        with transaction():  # a full disk or a read-only file: a StoreError that says so
            database.execute_sql(
                _SAVE_SQL, (self.register, staff_id, stamp, _payload(cart, tenders))
            )

    def load(self) -> Cart | None:
        """The sale in progress left by the last session (or crash), if any."""
        row = Draft.get_or_none(Draft.register == self.register)
        return Cart.from_dict(json.loads(row.payload)) if row else None

    def load_tenders(self) -> tuple[Tender, ...]:
        """The tenders already taken for the sale in progress."""
        row = Draft.get_or_none(Draft.register == self.register)
        return _tenders(row.payload) if row else ()

    def clear(self) -> None:
        with transaction():
            Draft.delete().where(Draft.register == self.register).execute()

    def park(self, cart: Cart, staff_id: int | None, tenders: Sequence[Tender] = ()) -> int:
        """Put the sale (and its tenders) aside; the till starts an empty one. Returns its id."""
        if cart.is_empty:
            raise ValueError(_("The cart is empty: nothing to park."))
        with transaction():
            row = ParkedSale.create(
                register=self.register,
                staff=staff_id,
                label=cart.note,
                payload=_payload(cart, tenders),
            )
            self.clear()
        return int(row.id)

    def parked(self) -> list[Parked]:
        """The register's parked sales, oldest first."""
        rows = (
            ParkedSale.select().where(ParkedSale.register == self.register).order_by(ParkedSale.id)
        )
        return [
            Parked(
                row.id,
                row.parked_at,
                row.staff.name if row.staff else "",
                Cart.from_dict(json.loads(row.payload)),
                _tenders(row.payload),
            )
            for row in rows
        ]

    def resume(
        self,
        parked_id: int,
        current: Cart,
        staff_id: int | None,
        current_tenders: Sequence[Tender] = (),
    ) -> Cart:
        """Take a parked sale back; the current cart, if not empty, is parked in its place.

        The resumed sale's tenders come back with it: read them with `load_tenders()`.
        """
        with transaction():
            row = ParkedSale.get_or_none(
                (ParkedSale.id == parked_id) & (ParkedSale.register == self.register)
            )
            if row is None:
                raise ValueError(_("That parked sale was resumed already."))
            cart = Cart.from_dict(json.loads(row.payload))
            tenders = _tenders(row.payload)
            row.delete_instance()
            if not current.is_empty:
                ParkedSale.create(
                    register=self.register,
                    staff=staff_id,
                    label=current.note,
                    payload=_payload(current, current_tenders),
                )
            self.save(cart, staff_id, tenders)
        return cart
