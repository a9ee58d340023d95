"""The catalogue: scan lookups, search by name, and CSV import."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

import peewee

from till_tui.domain.money import AmountError, parse_money, parse_percent
from till_tui.domain.product import Product
from till_tui.i18n import _
from till_tui.store.csv_rows import csv_rows
from till_tui.store.db import database, transaction
from till_tui.store.models import Product as ProductRow

PRODUCT_COLUMNS = ("barcode", "name", "price", "vat_rate", "sku", "group")
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})  # "oeufs" finds "Œufs"
_PRICE_HEADERS = {"price", "prix"}
_VAT_HEADERS = {"vat_rate", "vat", "tva", "taux_tva", "taux tva"}
_LOOKUP_SQL = (
    "SELECT id, barcode, name, price, vat_rate, sku, product_group FROM product"
    " WHERE barcode = ? AND active = 1"
)


def search_key(text: str) -> str:
    """Lower case without accents: "Hélène" and "HELENE" both give "helene"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return plain.translate(_LIGATURES)


class ImportFailed(Exception):
    """A CSV import that wrote nothing; `errors` lists "line N: problem" for each bad row."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True, slots=True)
class ImportResult:
    added: int
    updated: int


@dataclass(frozen=True, slots=True)
class NewProduct:
    """A product to add to the catalogue (or to update, by barcode)."""

    barcode: str
    name: str
    price: int
    vat_rate: int
    sku: str = ""
    group: str = ""


class Catalog:
    """Products as the till sells them."""

    def find(self, barcode: str) -> Product | None:
        """The active product with this barcode or PLU. One indexed query, no ORM overhead:
        this is the scan path."""
        row = database.execute_sql(_LOOKUP_SQL, (barcode,)).fetchone()
        return Product(*row) if row else None

    def search(self, text: str, limit: int = 50) -> list[Product]:
        """Products whose name (or barcode) contains every word of `text`.

        Names that start with the first word come first, then names with a word that starts
        with it ("creme" ranks "Crème brûlée", then "Café crème", then "demi-écrémé").
        """
        words = search_key(text).split()
        if not words:
            return []
        query = ProductRow.select().where(ProductRow.active == True)  # noqa: E712
        for word in words:
            pattern = f"%{word}%"
            query = query.where(
                ProductRow.search_name**pattern | ProductRow.barcode.startswith(word)
            )
        first = words[0]
        rank = peewee.Case(
            None,
            [
                (ProductRow.search_name.startswith(first), 0),
                (ProductRow.search_name ** f"% {first}%", 1),
            ],
            2,
        )
        rows = query.order_by(rank, ProductRow.search_name).limit(limit)
        return [
            Product(r.id, r.barcode, r.name, r.price, r.vat_rate, r.sku, r.product_group)
            for r in rows
        ]

    def count(self) -> int:
        return int(ProductRow.select().where(ProductRow.active == True).count())  # noqa: E712

    def import_csv(self, path: Path, currency: str = "EUR") -> ImportResult:
        """Load products from CSV (barcode,name,price,vat_rate[,sku,group]); all or nothing.

        An existing barcode is updated (name, price, VAT, sku, group). Raises ImportFailed
        listing every bad line; then nothing is written.
        """
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            message = _("cannot read {path}: {error}").format(path=path, error=error)
            raise ImportFailed([message]) from None
        rows = _parse_products(text, currency)
        return self.save_products(rows)

    def save_products(self, rows: list[NewProduct]) -> ImportResult:
        """Add or update `rows` in one transaction."""
        added = updated = 0
        with transaction():
            existing = {
                p.barcode: p
                for p in ProductRow.select().where(
                    ProductRow.barcode.in_([r.barcode for r in rows])
                )
            }
            for row in rows:
                fields = {
                    "name": row.name,
                    "search_name": search_key(row.name),
                    "price": row.price,
                    "vat_rate": row.vat_rate,
                    "sku": row.sku,
                    "product_group": row.group,
                    "active": True,
                }
                if row.barcode in existing:
                    ProductRow.update(**fields).where(ProductRow.barcode == row.barcode).execute()
                    updated += 1
                else:
                    ProductRow.create(barcode=row.barcode, **fields)
                    added += 1
        return ImportResult(added=added, updated=updated)


def _parse_products(text: str, currency: str) -> list[NewProduct]:
    rows: list[NewProduct] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    for line_number, cells in csv_rows(text, min_columns=4, is_header=_is_header):
        problem = _check_cells(cells)
        if problem:
            errors.append(_("line {n}: {problem}").format(n=line_number, problem=problem))
            continue
        barcode, name, price_text, rate_text, *rest = cells
        try:
            price = parse_money(price_text, currency)
            rate = parse_percent(rate_text)
        except AmountError as error:
            errors.append(_("line {n}: {problem}").format(n=line_number, problem=error))
            continue
        if rate >= 10_000:
            errors.append(
                _("line {n}: VAT rate {rate} is not a percentage below 100").format(
                    n=line_number, rate=rate_text
                )
            )
            continue
        if barcode in seen:
            errors.append(
                _("line {n}: barcode {code} already on line {first}").format(
                    n=line_number, code=barcode, first=seen[barcode]
                )
            )
            continue
        seen[barcode] = line_number
        sku = rest[0] if rest else ""
        group = rest[1] if len(rest) > 1 else ""
        rows.append(NewProduct(barcode, name, price, rate, sku, group))
    if errors:
        raise ImportFailed(errors)
    if not rows:
        raise ImportFailed([_("the file holds no products")])
    return rows


def _is_header(cells: list[str]) -> bool:
    """A header row names the price and VAT columns (in English or French)."""
    names = [cell.casefold() for cell in cells]
    return len(names) >= 4 and names[2] in _PRICE_HEADERS and names[3] in _VAT_HEADERS


def _check_cells(cells: list[str]) -> str | None:
    if not 4 <= len(cells) <= len(PRODUCT_COLUMNS):
        return _(
            "expected 4 to 6 columns (barcode,name,price,vat_rate[,sku,group]), found {n}"
        ).format(n=len(cells))
    if not cells[0] or any(ch.isspace() for ch in cells[0]):
        return _("the barcode is empty or contains spaces")
    if not cells[1]:
        return _("the name is empty")
    return None
