"""Customers: adding and editing them, the card scan lookup, search as the cashier types, and
CSV import."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import peewee

from till_tui.domain.customer import Customer
from till_tui.domain.money import AmountError, parse_money
from till_tui.i18n import _
from till_tui.store.catalog import ImportFailed, ImportResult, search_key
from till_tui.store.csv_rows import csv_rows
from till_tui.store.db import database, transaction
from till_tui.store.errors import StoreError
from till_tui.store.models import Customer as CustomerRow
from till_tui.store.models import now

__all__ = ["CustomerError", "Customers", "ImportFailed", "ImportResult", "fts_query"]

CUSTOMER_COLUMNS = ("name", "card", "phone", "email", "credit_limit")
_FIELDS = "id, name, card, phone, email, credit_limit"
_CARD_SQL = f"SELECT {_FIELDS} FROM customer WHERE card = ?"
_GET_SQL = f"SELECT {_FIELDS} FROM customer WHERE id = ?"
# Names that start with the typed text come first, in name order (an index range scan)...
_STARTS_SQL = (
    f"SELECT {_FIELDS} FROM customer WHERE search_name >= ? AND search_name < ?"
    " ORDER BY search_name LIMIT ?"
)
# ... then any other match of every word, from the full-text index. No ORDER BY rank: ranking
# every match of a 2-letter prefix in a large customer base costs tens of milliseconds.
_SEARCH_SQL = (
    f"SELECT {_FIELDS} FROM customer WHERE id IN"
    " (SELECT rowid FROM customer_fts WHERE customer_fts MATCH ? LIMIT ?)"
)
_NAME_HEADERS = {"name", "nom"}
_CARD_HEADERS = {"card", "carte", "card_code", "code"}
_PHONE_CHARS = set("0123456789 +-.()/")
BATCH = 2000


class CustomerError(ValueError):
    """A refused customer change; the message is for the cashier."""


def _customer(row: Any) -> Customer:
    id_, name, card, phone, email, credit_limit = row
    return Customer(id_, name, card or "", phone, email, credit_limit)


def fts_query(text: str) -> str:
    """An FTS5 query from what a cashier typed: each word quoted (so no word is read as FTS5
    syntax) and matched as a prefix; every word must match."""
    words = search_key(text).split()
    return " ".join('"' + word.replace('"', '""') + '"*' for word in words)


def _clean(name: str, card: str, phone: str, email: str, limit: int | None) -> str | None:
    """The problem with a customer's fields, or None."""
    if not name.strip():
        return _("the name is empty")
    if any(ch.isspace() for ch in card):
        return _("the card code contains spaces")
    if phone and not set(phone) <= _PHONE_CHARS:
        return _("the phone number {phone} is not valid").format(phone=phone)
    if email and ("@" not in email or any(ch.isspace() for ch in email)):
        return _("the e-mail address {email} is not valid").format(email=email)
    if limit is not None and limit < 0:
        return _("the credit limit cannot be negative")
    return None


class Customers:
    """The shop's customers."""

    def add(
        self,
        name: str,
        card: str = "",
        phone: str = "",
        email: str = "",
        credit_limit: int | None = None,
    ) -> Customer:
        """Add a customer: only the name is required; a card code must be unused."""
        name, card, phone, email = name.strip(), card.strip(), phone.strip(), email.strip()
        problem = _clean(name, card, phone, email, credit_limit)
        if problem:
            raise CustomerError(problem[:1].upper() + problem[1:] + ".")
        with transaction():
            self._check_card_free(card, None)
            row = CustomerRow.create(
                name=name,
                search_name=search_key(name),
                card=card or None,
                phone=phone,
                email=email,
                credit_limit=credit_limit,
            )
        return Customer(row.id, name, card, phone, email, credit_limit)

    def update(
        self,
        customer_id: int,
        *,
        name: str | None = None,
        card: str | None = None,
        phone: str | None = None,
        email: str | None = None,
    ) -> Customer:
        """Change a customer's name, card, phone or e-mail (the credit limit is changed by a
        manager through Accounts.set_credit_limit)."""
        with transaction():
            old = self.get(customer_id)
            new = Customer(
                old.id,
                (name if name is not None else old.name).strip(),
                (card if card is not None else old.card).strip(),
                (phone if phone is not None else old.phone).strip(),
                (email if email is not None else old.email).strip(),
                old.credit_limit,
            )
            problem = _clean(new.name, new.card, new.phone, new.email, None)
            if problem:
                raise CustomerError(problem[:1].upper() + problem[1:] + ".")
            self._check_card_free(new.card, customer_id)
            CustomerRow.update(
                name=new.name,
                search_name=search_key(new.name),
                card=new.card or None,
                phone=new.phone,
                email=new.email,
            ).where(CustomerRow.id == customer_id).execute()
        return new

    def _check_card_free(self, card: str, customer_id: int | None) -> None:
        if not card:
            return
        owner = self.find_by_card(card)
        if owner is not None and owner.id != customer_id:
            raise CustomerError(
                _("The card {card} already belongs to {name}.").format(card=card, name=owner.name)
            )

    def get(self, customer_id: int) -> Customer:
        """The customer with this id; CustomerError if there is none."""
        row = database.execute_sql(_GET_SQL, (customer_id,)).fetchone()
        if row is None:
            raise CustomerError(_("No customer number {id}.").format(id=customer_id))
        return _customer(row)

    def find_by_card(self, code: str) -> Customer | None:
        """The customer whose card this is. One indexed query: this is the scan path."""
        row = database.execute_sql(_CARD_SQL, (code,)).fetchone()
        return _customer(row) if row else None

    def search(self, text: str, limit: int = 20) -> list[Customer]:
        """Customers whose name, phone, e-mail or card has a word starting with each typed word,
        accents and case ignored ("hel" finds "Hélène", "dupo" finds "DUPONT")."""
        query = fts_query(text)
        if not query or limit <= 0:
            return []
        key = " ".join(search_key(text).split())
        rows = database.execute_sql(_STARTS_SQL, (key, key + "\U0010ffff", limit)).fetchall()
        if len(rows) < limit:
            seen = {row[0] for row in rows}
            more = database.execute_sql(_SEARCH_SQL, (query, limit + len(rows))).fetchall()
            rows += [row for row in more if row[0] not in seen][: limit - len(rows)]
        return [_customer(row) for row in rows]

    def count(self) -> int:
        return int(database.execute_sql("SELECT COUNT(*) FROM customer").fetchone()[0])

    def import_csv(self, path: Path, currency: str = "EUR") -> ImportResult:
        """Add customers from CSV (name,card[,phone,email,credit_limit]); all or nothing.

        A card code already in the file or in the store is refused. Raises ImportFailed listing
        every bad line; then nothing is written.
        """
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            message = _("cannot read {path}: {error}").format(path=path, error=error)
            raise ImportFailed([message]) from None
        rows, lines = _parse_customers(text, currency)
        stamp = CustomerRow.created_at.db_value(now())
        try:
            with transaction():
                existing = {
                    card
                    for (card,) in database.execute_sql(
                        "SELECT card FROM customer WHERE card IS NOT NULL"
                    )
                }
                taken = {
                    r["card"]: line
                    for r, line in zip(rows, lines, strict=True)
                    if r["card"] in existing
                }
                if taken:
                    raise ImportFailed(
                        [
                            _("line {n}: the card {card} already belongs to a customer").format(
                                n=line, card=card
                            )
                            for card, line in taken.items()
                        ]
                    )
                for start in range(0, len(rows), BATCH):
                    batch = [dict(r, created_at=stamp) for r in rows[start : start + BATCH]]
                    CustomerRow.insert_many(batch).execute()
        except StoreError as error:
            cause = error.__cause__
            if isinstance(cause, (peewee.IntegrityError, sqlite3.IntegrityError)):
                raise ImportFailed([str(error)]) from None
            raise
        return ImportResult(added=len(rows), updated=0)


def _parse_customers(text: str, currency: str) -> tuple[list[dict[str, Any]], list[int]]:
    rows: list[dict[str, Any]] = []
    lines: list[int] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    for line_number, cells in csv_rows(text, min_columns=2, is_header=_is_header):

        def bad(problem: str, n: int = line_number) -> None:
            errors.append(_("line {n}: {problem}").format(n=n, problem=problem))

        if not 2 <= len(cells) <= len(CUSTOMER_COLUMNS):
            bad(
                _(
                    "expected 2 to 5 columns (name,card[,phone,email,credit_limit]), found {n}"
                ).format(n=len(cells))
            )
            continue
        name, card, phone, email, limit_text = (cells + [""] * 5)[:5]
        try:
            limit = parse_money(limit_text, currency) if limit_text else None
        except AmountError as error:
            bad(str(error))
            continue
        problem = _clean(name, card, phone, email, limit)
        if problem:
            bad(problem)
            continue
        if card in seen:
            bad(_("card {card} already on line {first}").format(card=card, first=seen[card]))
            continue
        if card:
            seen[card] = line_number
        rows.append(
            {
                "name": name,
                "search_name": search_key(name),
                "card": card or None,
                "phone": phone,
                "email": email,
                "credit_limit": limit,
            }
        )
        lines.append(line_number)
    if errors:
        raise ImportFailed(errors)
    if not rows:
        raise ImportFailed([_("the file holds no customers")])
    return rows, lines


def _is_header(cells: list[str]) -> bool:
    names = [cell.casefold() for cell in cells]
    return len(names) >= 2 and names[0] in _NAME_HEADERS and names[1] in _CARD_HEADERS
