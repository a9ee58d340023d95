"""A product as the till sells it: read from the catalogue, copied into sale lines."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Product:
    """A catalogue item. `price` is tax-inclusive minor units; `vat_rate` is basis points."""

    id: int
    barcode: str
    name: str
    price: int
    vat_rate: int
    sku: str = ""
    group: str = ""
