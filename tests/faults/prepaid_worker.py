"""One till in its own OS process, selling on a shared database file: every sale is paid by the
same customer's prepaid balance, through the real services, the way the sale and payment
screens call them (the draft saved as the product is scanned, then the sale completed).

    python -m tests.faults.prepaid_worker FOLDER REGISTER CUSTOMER_ID SALES

It opens the database, prints "ready", waits for a line on its standard input (so that two
workers start selling at the same moment), sells SALES times, and prints one JSON report:
the numbers of the sales it completed, how many were refused for want of balance, and every
other exception, counted by type (none may reach a cashier).
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from till_tui.demo import demo_barcode
from till_tui.domain.cart import Cart
from till_tui.domain.tender import Tender
from till_tui.i18n import set_locale
from till_tui.store.db import close_database, open_database
from till_tui.store.sales import SaleError
from till_tui.store.services import Services

URL = "sqlite:///till.db"
CASHIER_PIN = "1234"
PRODUCT = 1  # Café expresso, 1.50
PAUSE = 0.002
"""Seconds between two sales, one time in two (the next customer steps up): the other till
gets the lock as often as it waits for it."""
REFUSAL = "Not enough prepaid balance for this payment."
"""The one refusal a sale paid from a spent balance may meet: the cashier is told why."""


def sell(folder: Path, register: str, customer_id: int, sales: int) -> dict[str, Any]:
    open_database(URL, folder)
    services = Services(register)
    cashier = services.staff.authenticate(CASHIER_PIN)
    shift = services.shifts.current()
    assert cashier is not None and shift is not None, "the test opens a shift on each register"
    product = services.catalog.find(demo_barcode(PRODUCT))
    assert product is not None
    cart, _line = Cart().add(product)
    cart = cart.with_customer(customer_id)
    total = cart.totals().total
    # What the payment screen makes once it has read a balance that covered the sale: the
    # other till may spend that balance before this sale is written.
    tender = Tender("prepaid", "prepaid", "Prepaid", total, total, 0)

    numbers: list[int] = []
    refused = 0
    errors: Counter[str] = Counter()
    messages: dict[str, str] = {}
    print("ready", flush=True)
    sys.stdin.readline()
    for _sale in range(sales):
        try:
            services.drafts.save(cart, cashier.id)  # the scan
            sale = services.sales.complete(cart, (tender,), staff=cashier, shift_id=shift.id)
        except SaleError as error:
            if str(error) == REFUSAL:
                refused += 1
                services.drafts.save(Cart(), cashier.id)  # the cashier clears the sale
                continue
            errors[type(error).__name__] += 1
            messages.setdefault(type(error).__name__, str(error))
        except Exception as error:  # every other failure is counted, never hidden
            errors[type(error).__name__] += 1
            messages.setdefault(type(error).__name__, str(error))
        else:
            numbers.append(sale.number)
        time.sleep(random.choice((0, PAUSE)))
    close_database()
    return {"numbers": numbers, "refused": refused, "errors": errors, "messages": messages}


def main() -> None:
    folder, register, customer_id, sales = sys.argv[1:5]
    set_locale("en_US")
    report = sell(Path(folder), register, int(customer_id), int(sales))
    print(json.dumps(report), flush=True)


if __name__ == "__main__":
    main()
