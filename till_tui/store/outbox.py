"""Receipts that leave the till by e-mail, and where their sending stands.

A receipt to e-mail is written as `pending` before anything is sent; the sender marks it
`sent` or `failed` (with the reason) afterwards, so a failure is never silent and the receipt
can be sent again from the sales history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from till_tui.store.db import in_transaction
from till_tui.store.models import ReceiptEmail, now


@dataclass(frozen=True, slots=True)
class EmailStatus:
    id: int
    sale_id: int
    address: str
    status: str
    """pending, sent or failed."""
    attempts: int
    last_error: str
    created_at: datetime
    sent_at: datetime | None


def _status(row: Any) -> EmailStatus:
    """An EmailStatus from a `.dicts()` row of receipt_email."""
    return EmailStatus(
        id=row["id"],
        sale_id=row["sale"],
        address=row["address"],
        status=row["status"],
        attempts=row["attempts"],
        last_error=row["last_error"],
        created_at=row["created_at"],
        sent_at=row["sent_at"],
    )


class Outbox:
    """E-mailed receipts of every register (history shows them per sale)."""

    def queue(self, sale_id: int, address: str, staff_id: int | None) -> int:
        """Record that sale `sale_id`'s receipt is to be e-mailed to `address`; its id."""
        row = in_transaction(
            lambda: ReceiptEmail.create(
                sale=sale_id, address=address, staff=staff_id, created_at=now()
            )
        )
        return int(row.id)

    def _update(self, email_id: int, **values: object) -> None:
        in_transaction(
            lambda: (
                ReceiptEmail.update(attempts=ReceiptEmail.attempts + 1, **values)
                .where(ReceiptEmail.id == email_id)
                .execute()
            )
        )

    def sent(self, email_id: int) -> None:
        self._update(email_id, status="sent", last_error="", sent_at=now())

    def failed(self, email_id: int, reason: str) -> None:
        self._update(email_id, status="failed", last_error=reason)

    def get(self, email_id: int) -> EmailStatus:
        return _status(ReceiptEmail.select().where(ReceiptEmail.id == email_id).dicts().get())

    def for_sale(self, sale_id: int) -> list[EmailStatus]:
        """The e-mails of a sale's receipt, oldest first."""
        query = ReceiptEmail.select().where(ReceiptEmail.sale == sale_id).order_by(ReceiptEmail.id)
        return [_status(row) for row in query.dicts()]
