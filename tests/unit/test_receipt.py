"""Receipt layout: content in fr_FR and en_US, and no row ever wider than the paper."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from till_tui.domain.cart import Adjustment, Cart
from till_tui.domain.money import format_amount, format_money, format_rate
from till_tui.domain.product import Product
from till_tui.domain.receipt import (
    MIN_WIDTH,
    Receipt,
    ReceiptLine,
    ReceiptTender,
    Row,
    ShopHeader,
    clean_text,
    layout_receipt,
    receipt_text,
)

CREME = Product(id=1, barcode="1", name="Crème brûlée", price=150, vat_rate=1000)
PATE = Product(id=2, barcode="2", name="Pâte à tartiner", price=450, vat_rate=550)
WINE = Product(
    id=3, barcode="3", name="Vin rouge AOC Côtes-du-Rhône 75 cl", price=1290, vat_rate=2000
)
SHOP = ShopHeader(
    name="Épicerie Fine",
    lines=("12 rue des Lilas", "75011 Paris"),
    footer=("Merci de votre visite !",),
)
WHEN = datetime(2025, 3, 12, 14, 5)


def make_receipt(cart: Cart, tenders: tuple[tuple[str, int], ...] = (), **extra: object) -> Receipt:
    """A receipt for `cart`, like the sale service will build it; tenders are (label, tendered)."""
    totals = cart.totals()
    lines = tuple(
        ReceiptLine(
            name=line.name,
            quantity=line.quantity,
            unit_price=line.unit_price,
            amount=line.net,
            adjustment=line.adjustment,
            adjustment_amount=line.adjustment_amount,
            vat_rate=line.vat_rate,
        )
        for line in cart.lines
    )
    due = totals.total
    receipt_tenders = []
    for label, tendered in tenders:
        amount = min(tendered, due)
        receipt_tenders.append(ReceiptTender(label, amount, tendered, tendered - amount))
        due -= amount
    fields: dict[str, object] = {
        "shop": SHOP,
        "sale_number": 12,
        "register": "Caisse 1",
        "cashier": "Aurélie",
        "created_at": WHEN,
        "lines": lines,
        "subtotal": totals.subtotal,
        "basket_adjustment": totals.basket_adjustment,
        "basket_rule": cart.adjustment,
        "total": totals.total,
        "vat": totals.vat,
        "tenders": tuple(receipt_tenders),
        "change": sum(t.change for t in receipt_tenders),
        "note": cart.note,
    }
    fields.update(extra)
    return Receipt(**fields)  # type: ignore[arg-type]


def sample_cart() -> Cart:
    cart, _ = Cart().add(CREME, 3000)
    cart, _ = cart.add(PATE)
    cart, index = cart.add(WINE)
    return cart.with_line_adjustment(index, Adjustment("percent", 1000))


def texts(rows: tuple[Row, ...]) -> list[str]:
    return [row.text for row in rows]


def find(rows: tuple[Row, ...], start: str) -> Row:
    return next(row for row in rows if row.text.startswith(start))


def assert_fits(rows: tuple[Row, ...], width: int) -> None:
    for row in rows:
        limit = width // 2 if row.double else width
        assert len(row.text) <= limit, (row, width)
        assert "\n" not in row.text and "\t" not in row.text


def test_layout_fr_content() -> None:
    receipt = make_receipt(sample_cart(), (("Espèces", 5000),))
    rows = layout_receipt(receipt, width=42, currency="EUR", locale="fr_FR")
    assert_fits(rows, 42)
    assert rows[0] == Row("Épicerie Fine", bold=True, align="center")
    assert Row("75011 Paris", align="center") in rows
    all_text = texts(rows)
    assert "Sale N° 12" in all_text
    assert "12/03/2025 14:05" in all_text
    assert "Register: Caisse 1" in all_text and "Cashier: Aurélie" in all_text
    # 3 x 1,50 on its own row under the name; one unit: name and amount on one row.
    creme = all_text.index("Crème brûlée")
    assert re.fullmatch(r"  3 x 1,50 +4,50", all_text[creme + 1])
    assert re.fullmatch(r"Pâte à tartiner +4,50", find(rows, "Pâte").text)
    assert re.fullmatch(r"Vin rouge AOC Côtes-du-Rhône 75 cl +12,90", find(rows, "Vin").text)
    discount = all_text.index(find(rows, "  Discount").text)
    assert re.fullmatch(r"  Discount 10\u00a0% +-1,29", all_text[discount])
    assert discount == all_text.index(find(rows, "Vin").text) + 1
    # No basket adjustment: no subtotal; the total is bold, double size, with the currency.
    assert not any(text.startswith("Subtotal") for text in all_text)
    total = find(rows, "TOTAL")
    assert total.bold and total.double and len(total.text) == 21
    assert total.text.endswith(format_money(2061, "EUR", "fr_FR"))
    assert rows.index(Row("Merci de votre visite !", align="center")) == len(rows) - 1


def test_vat_table_rows_sum() -> None:
    receipt = make_receipt(sample_cart(), (("Espèces", 5000),))
    rows = layout_receipt(receipt, width=42, currency="EUR", locale="fr_FR")
    all_text = texts(rows)
    header = next(i for i, text in enumerate(all_text) if text.startswith("Rate"))
    assert all_text[header].split() == ["Rate", "Base", "VAT", "Total"]
    assert all(len(text) == 42 for text in all_text[header : header + 4])
    base_sum = vat_sum = total_sum = 0
    for vat, text in zip(receipt.vat, all_text[header + 1 : header + 4], strict=True):
        rate, base, tax, total = text.rsplit(maxsplit=3)
        assert rate == format_rate(vat.rate, "fr_FR")
        assert [base, tax, total] == [
            format_amount(v, "EUR", "fr_FR") for v in (vat.base, vat.vat, vat.total)
        ]
        assert vat.base + vat.vat == vat.total
        base_sum, vat_sum, total_sum = base_sum + vat.base, vat_sum + vat.vat, total_sum + vat.total
    assert [v.rate for v in receipt.vat] == [550, 1000, 2000]
    assert total_sum == receipt.total == 2061
    assert base_sum + vat_sum == receipt.total
    # The line amounts, adjustments included, add up to the total too.
    assert sum(line.amount for line in receipt.lines) == receipt.total


def test_tender_and_change() -> None:
    receipt = make_receipt(sample_cart(), (("Espèces", 5000),))
    all_text = texts(layout_receipt(receipt, width=42, currency="EUR", locale="fr_FR"))
    tender = all_text.index(next(t for t in all_text if t.startswith("Espèces")))
    assert re.fullmatch(r"Espèces +50,00", all_text[tender])
    assert re.fullmatch(r"Change +29,39", all_text[tender + 1])


def test_card_and_cash_with_reference() -> None:
    receipt = make_receipt(sample_cart(), (("Carte", 1000), ("Cash", 2000)))
    card = ReceiptTender("Card", 1000, 1000, 0, "AUTH 123456")
    receipt = replace(receipt, tenders=(card, *receipt.tenders[1:]))
    all_text = texts(layout_receipt(receipt, width=32, currency="EUR", locale="en_US"))
    assert re.fullmatch(r"Card +10\.00", all_text[all_text.index("  Ref. AUTH 123456") - 1])
    assert re.fullmatch(r"Cash +20\.00", next(t for t in all_text if t.startswith("Cash ")))
    assert re.fullmatch(r"Change +9\.39", next(t for t in all_text if t.startswith("Change")))


def test_basket_discount_en_us() -> None:
    cart = sample_cart().with_basket_adjustment(Adjustment("amount", 261)).with_note("Gift wrap")
    receipt = make_receipt(cart, (("Cash", 1800),))
    rows = layout_receipt(receipt, width=42, currency="EUR", locale="en_US")
    assert_fits(rows, 42)
    all_text = texts(rows)
    assert "3/12/25, 2:05\u202fPM" in all_text
    assert re.fullmatch(r"  3 x 1\.50 +4\.50", all_text[all_text.index("Crème brûlée") + 1])
    assert re.fullmatch(r"  Discount 10% +-1\.29", find(rows, "  Discount").text)
    subtotal = all_text.index(find(rows, "Subtotal").text)
    assert re.fullmatch(r"Subtotal +20\.61", all_text[subtotal])
    assert re.fullmatch(r"Discount +-2\.61", all_text[subtotal + 1])
    assert re.fullmatch(r"TOTAL +€18\.00", all_text[subtotal + 2])
    assert "Change" not in " ".join(all_text)
    assert "Gift wrap" in all_text
    vat = [t for t in all_text if re.match(r"\d+(\.\d+)?%", t)]
    assert len(vat) == 3 and vat[0].startswith("5.5%")


def test_extra_charge_and_title() -> None:
    cart = sample_cart().with_basket_adjustment(Adjustment("percent", 500, surcharge=True))
    receipt = make_receipt(cart, title="DUPLICATE")
    rows = layout_receipt(receipt, width=32, currency="EUR", locale="fr_FR")
    assert_fits(rows, 32)
    assert Row("DUPLICATE", bold=True, double=True, align="center") in rows
    assert re.fullmatch(r"Extra charge 5\u00a0% +1,03", find(rows, "Extra charge").text)


def test_narrow_paper_and_big_amounts() -> None:
    big = Product(id=9, barcode="9", name="Piano à queue", price=9_999_999_99, vat_rate=2000)
    cart, _ = Cart().add(big, 7000)
    receipt = make_receipt(cart, (("Virement", 70_000_000_00),))
    for width in (MIN_WIDTH, 24, 32):
        rows = layout_receipt(receipt, width=width, currency="EUR", locale="fr_FR")
        assert_fits(rows, width)
        assert format_money(receipt.total, "EUR", "fr_FR") in " ".join(texts(rows))
    with pytest.raises(ValueError):
        layout_receipt(receipt, width=MIN_WIDTH - 1, currency="EUR", locale="fr_FR")


def test_receipt_text() -> None:
    receipt = make_receipt(sample_cart(), (("Espèces", 5000),))
    rows = layout_receipt(receipt, width=42, currency="EUR", locale="fr_FR")
    text = receipt_text(rows, 42)
    lines = text.splitlines()
    assert len(lines) == len(rows)
    assert all(len(line) <= 42 for line in lines)
    assert lines[0] == "Épicerie Fine".center(42).rstrip()
    assert "Crème brûlée" in lines and "Sale N° 12" in lines


def test_clean_text() -> None:
    assert clean_text("Cre\u0300me\tbru\u0302le\u0301e\n ") == "Crème brûlée"
    assert clean_text("a\u200bb\u2028c") == "ab c"


NAME_CHARS = "abcdefghijklmnopqrstuvwxyz ABCDEÉÈÊÀÂÇÎÏÔÛÜŒéèêëàâçîïôûüœ'’-.,()€%°\t\n\u0301"
names = st.text(alphabet=NAME_CHARS, min_size=1, max_size=120)


@st.composite
def adjustments(draw: st.DrawFn, base: int) -> Adjustment | None:
    kind = draw(st.sampled_from(["none", "percent", "amount", "surcharge"]))
    if kind == "percent":
        return Adjustment("percent", draw(st.integers(1, 10_000)))
    if kind == "amount" and base > 0:
        return Adjustment("amount", draw(st.integers(1, base)))
    if kind == "surcharge":
        return Adjustment(
            draw(st.sampled_from(["percent", "amount"])), draw(st.integers(1, 5000)), surcharge=True
        )
    return None


@st.composite
def receipts(draw: st.DrawFn) -> Receipt:
    cart = Cart()
    for index in range(draw(st.integers(1, 6))):
        product = Product(
            id=index,
            barcode=str(index),
            name=draw(names),
            price=draw(st.integers(0, 10_000_000)),
            vat_rate=draw(st.sampled_from([0, 210, 550, 1000, 2000])),
        )
        cart, line = cart.add(product, draw(st.integers(1, 100_000)))
        adjustment = draw(adjustments(cart.lines[line].gross))
        if adjustment is not None:
            cart = cart.with_line_adjustment(line, adjustment)
    basket = draw(adjustments(sum(line.net for line in cart.lines)))
    if basket is not None:
        cart = cart.with_basket_adjustment(basket)
    tenders = draw(st.lists(st.tuples(names, st.integers(0, 10**12)), max_size=3))
    return make_receipt(
        cart.with_note(draw(st.text(alphabet=NAME_CHARS, max_size=200))),
        tuple(tenders),
        shop=ShopHeader(
            draw(names),
            tuple(draw(st.lists(names, max_size=3))),
            tuple(draw(st.lists(names, max_size=2))),
        ),
        register=draw(st.text(alphabet=NAME_CHARS, max_size=60)),
        cashier=draw(st.text(alphabet=NAME_CHARS, max_size=60)),
        title=draw(st.sampled_from(["", "DUPLICATE", "DUPLICATA DU TICKET DE CAISSE N° 12"])),
    )


@settings(max_examples=150, deadline=None)
@given(
    receipt=receipts(),
    width=st.integers(MIN_WIDTH, 64),
    locale=st.sampled_from(["fr_FR", "en_US", "de_DE"]),
)
def test_no_row_is_wider_than_the_paper(receipt: Receipt, width: int, locale: str) -> None:
    rows = layout_receipt(receipt, width=width, currency="EUR", locale=locale)
    assert_fits(rows, width)
    assert all(len(line) <= width for line in receipt_text(rows, width).splitlines())
    assert any(row.bold and row.text.startswith("TOTAL") for row in rows)
