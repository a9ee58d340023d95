"""`till demo`: a throwaway store with a realistic catalogue, two staff and a file printer."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from till_tui.domain.money import parse_money, parse_percent

if TYPE_CHECKING:
    from till_tui.store.services import Services

DEMO_CASHIER = ("Camille", "1234", "cashier")
DEMO_MANAGER = ("Patron", "9999", "manager")

# (name, price, VAT %): a French café-épicerie. Food to take away 5.5 %, drinks and food
# served on site 10 %, alcohol and non-food 20 %.
CATALOGUE: tuple[tuple[str, str, str], ...] = (
    ("Café expresso", "1.50", "10"),
    ("Café crème", "2.80", "10"),
    ("Cappuccino", "3.50", "10"),
    ("Chocolat chaud", "3.20", "10"),
    ("Thé vert à la menthe", "2.90", "10"),
    ("Jus d'orange pressé", "4.20", "10"),
    ("Croque-monsieur", "6.50", "10"),
    ("Quiche lorraine (part)", "4.80", "10"),
    ("Salade niçoise", "9.90", "10"),
    ("Crème brûlée", "4.50", "10"),
    ("Tarte Tatin (part)", "4.20", "10"),
    ("Menu déjeuner", "14.90", "10"),
    ("Croissant au beurre", "1.20", "5.5"),
    ("Pain au chocolat", "1.35", "5.5"),
    ("Baguette tradition", "1.30", "5.5"),
    ("Pain de campagne 500 g", "3.40", "5.5"),
    ("Chausson aux pommes", "1.60", "5.5"),
    ("Éclair au café", "3.10", "5.5"),
    ("Macarons (boîte de 6)", "9.50", "5.5"),
    ("Madeleines de Commercy", "4.90", "5.5"),
    ("Pâte à tartiner 400 g", "4.50", "5.5"),
    ("Confiture d'abricots", "3.95", "5.5"),
    ("Miel de lavande 250 g", "7.80", "5.5"),
    ("Comté AOP 18 mois 200 g", "6.90", "5.5"),
    ("Camembert de Normandie", "3.60", "5.5"),
    ("Beurre doux 250 g", "2.95", "5.5"),
    ("Œufs plein air x6", "3.20", "5.5"),
    ("Lait demi-écrémé 1 L", "1.15", "5.5"),
    ("Yaourt nature x4", "2.10", "5.5"),
    ("Pommes Golden 1 kg", "2.99", "5.5"),
    ("Café moulu pur arabica", "5.40", "5.5"),
    ("Thé Earl Grey (20 sachets)", "3.70", "5.5"),
    ("Eau minérale 1,5 L", "0.95", "5.5"),
    ("Eau pétillante 50 cl", "1.10", "5.5"),
    ("Limonade artisanale 33 cl", "2.40", "5.5"),
    ("Jus de pomme 1 L", "2.80", "5.5"),
    ("Chocolat noir 70 %", "2.60", "5.5"),
    ("Biscuits sablés bretons", "3.30", "5.5"),
    ("Vin rouge Côtes-du-Rhône", "8.90", "20"),
    ("Champagne brut 75 cl", "32.00", "20"),
    ("Bière blonde 33 cl", "2.90", "20"),
    ("Cidre brut 75 cl", "4.60", "20"),
    ("Journal du jour", "2.50", "20"),
    ("Carte postale", "1.00", "20"),
    ("Sac cabas réutilisable", "1.50", "20"),
    ("Bougie parfumée", "12.90", "20"),
    ("Piles AA x4", "5.90", "20"),
    ("Parapluie pliant", "15.00", "20"),
    ("Mug « Paris »", "9.90", "20"),
    ("Torchon en lin", "11.50", "20"),
)


DEMO_CUSTOMERS: tuple[tuple[str, str, str, str, str | None], ...] = (
    # name, loyalty card (EAN-13, in-store prefix 29), phone, e-mail, credit limit
    ("Hélène Dupont", "2900000000018", "06 12 34 56 78", "helene.dupont@example.fr", None),
    ("Jean DUPONT", "2900000000025", "06 98 76 54 32", "", "1000.00"),
    ("Hôtel du Parc", "2900000000032", "04 78 11 22 33", "compta@hotel-parc.example", "500.00"),
)
"""Demo customers, with no history: the demo till's journal starts with its first shift."""


def ean13(body: str) -> str:
    """Append the EAN-13 check digit to a 12-digit `body`."""
    if len(body) != 12 or not body.isdigit():
        raise ValueError("an EAN-13 body is 12 digits")
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def demo_barcode(index: int) -> str:
    """The demo product `index`'s EAN-13 (French GS1 prefix 376, a made-up company)."""
    return ean13(f"3760123{index:05d}")


@dataclass(frozen=True, slots=True)
class DemoStore:
    """Where a demo store lives and what the login screen tells the user about it."""

    folder: Path
    config_path: Path
    receipts: Path

    @property
    def hint(self) -> str:
        return (
            f"PIN {DEMO_CASHIER[1]} ({DEMO_CASHIER[0]}), "
            f"{DEMO_MANAGER[1]} ({DEMO_MANAGER[0]}, manager)"
        )


CONFIG_TEMPLATE = """\
# A demo till: delete this folder, or run `till demo --reset`, to start again.
[store]
database = "sqlite:///till.db"

[till]
register = "R1"
currency = "EUR"
locale = "{locale}"
receipt_default = "print"
close_threshold = "5.00"
cashier_max_discount = 10

[shop]
name = "Café de la Gare"
header = ["12 place de la Gare, 69002 Lyon", "Tél. 04 78 00 00 00", "SIRET 123 456 789 00012"]
footer = ["Merci de votre visite !", "À bientôt"]

[printer]
kind = "file"
path = "receipts.escpos"
width = 42

[[payment_methods]]
code = "cash"
label = "{cash}"
kind = "cash"

[[payment_methods]]
code = "card"
label = "{card}"
kind = "card"
ask_last4 = true

[[payment_methods]]
code = "prepaid"
label = "{prepaid}"
kind = "prepaid"

[[payment_methods]]
code = "account"
label = "{account}"
kind = "credit"
credit_days = 30

[[payment_methods]]
code = "room"
label = "{room}"
kind = "external"
requires_reference = true
external_id = "PMS-ROOM"

[[payment_methods]]
code = "cheque"
label = "{cheque}"
kind = "other"
"""

METHOD_LABELS = {
    "fr": {
        "cash": "Espèces",
        "card": "Carte",
        "prepaid": "Cagnotte",
        "account": "Compte client",
        "room": "Chambre",
        "cheque": "Chèque",
    },
    "en": {
        "cash": "Cash",
        "card": "Card",
        "prepaid": "Prepaid",
        "account": "On account",
        "room": "Room",
        "cheque": "Cheque",
    },
}


def stock_catalogue(services: Services) -> None:
    """Save the demo catalogue (`CATALOGUE`, barcodes `demo_barcode(1..)`) in the store."""
    from till_tui.store.catalog import NewProduct

    services.catalog.save_products(
        [
            NewProduct(demo_barcode(i), name, parse_money(price), parse_percent(rate))
            for i, (name, price, rate) in enumerate(CATALOGUE, start=1)
        ]
    )


def demo_store(folder: Path, *, reset: bool = False, locale: str = "fr_FR") -> DemoStore:
    """Create (or reuse) the demo store in `folder`: config, database, catalogue, staff."""
    from till_tui.config import load_config
    from till_tui.store.db import close_database
    from till_tui.store.services import Services

    if reset and folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    config_path = folder / "config.toml"
    if not config_path.exists():
        labels = METHOD_LABELS["fr" if locale.startswith("fr") else "en"]
        config_path.write_text(CONFIG_TEMPLATE.format(locale=locale, **labels), "utf-8")
    config = load_config(config_path)
    services = Services.open(config)
    if services.catalog.count() == 0:
        stock_catalogue(services)
    if services.staff.count() == 0:
        for name, pin, role in (DEMO_CASHIER, DEMO_MANAGER):
            services.staff.add(name, pin, role)
    if services.customers.count() == 0:
        for name, card, phone, email, limit in DEMO_CUSTOMERS:
            credit_limit = parse_money(limit) if limit else None
            services.customers.add(
                name, card=card, phone=phone, email=email, credit_limit=credit_limit
            )
    close_database()
    return DemoStore(folder, config_path, config.resolve(config.printer.path))
