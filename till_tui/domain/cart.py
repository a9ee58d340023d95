"""The cart: lines, discounts and extra charges, totals and VAT. Pure and immutable.

Every change returns a new `Cart`; the screen keeps the current one and the store saves it as
the draft that survives a crash. All amounts are integer minor units, tax-inclusive.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from till_tui.domain.money import MAX_AMOUNT, QTY_UNIT, half_up_div
from till_tui.domain.product import Product
from till_tui.domain.vat import VatLine, vat_breakdown
from till_tui.i18n import _

AdjustmentKind = Literal["percent", "amount"]
MAX_PERCENT = 10_000  # 100 % in basis points


class CartError(ValueError):
    """A change the cart refuses; the message is for the cashier."""


@dataclass(frozen=True, slots=True)
class Adjustment:
    """A discount (or, with `surcharge`, an extra charge) on a line or on the whole basket.

    `value` is basis points for "percent" (1000 = 10 %) and minor units for "amount"; always > 0.
    `approved_by` is the staff id of the manager who approved a discount above what a cashier
    may give alone (see domain/approvals.py); None when nobody had to.
    """

    kind: AdjustmentKind
    value: int
    surcharge: bool = False
    approved_by: int | None = None

    def delta(self, base: int) -> int:
        """The signed change this adjustment makes to `base` (negative for a discount)."""
        if self.kind == "percent":
            amount = half_up_div(base * self.value, MAX_PERCENT)
        else:
            amount = self.value
        return amount if self.surcharge else -amount

    def check(self, base: int) -> None:
        """Raise CartError if this adjustment cannot apply to `base`."""
        if self.value <= 0:
            raise CartError(_("A discount or extra charge must be more than zero."))
        if self.surcharge:
            return
        if self.kind == "percent" and self.value > MAX_PERCENT:
            raise CartError(_("A discount cannot exceed 100 %."))
        if self.kind == "amount" and self.value > base:
            raise CartError(_("The discount is larger than the amount it applies to."))

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "value": self.value, "surcharge": self.surcharge}
        if self.approved_by is not None:
            data["approved_by"] = self.approved_by
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Adjustment:
        kind = data["kind"]
        if kind not in ("percent", "amount"):
            raise ValueError(f"unknown adjustment kind {kind!r}")
        approved_by = data.get("approved_by")  # absent from drafts written before approvals
        return cls(
            kind=kind,
            value=int(data["value"]),
            surcharge=bool(data["surcharge"]),
            approved_by=int(approved_by) if approved_by is not None else None,
        )


@dataclass(frozen=True, slots=True)
class CartLine:
    """One line of the cart: a product at a unit price, a quantity in thousandths.

    When the unit price was changed at the till, `list_price` is the catalogue price the line
    was rung up at and `price_approved_by` the manager who approved a lower price (None when
    nobody had to); both are None for a line at its catalogue price.
    """

    product_id: int
    code: str
    name: str
    unit_price: int
    vat_rate: int
    quantity: int = QTY_UNIT
    adjustment: Adjustment | None = None
    list_price: int | None = None
    price_approved_by: int | None = None

    @classmethod
    def of(cls, product: Product, quantity: int = QTY_UNIT) -> CartLine:
        return cls(
            product_id=product.id,
            code=product.barcode,
            name=product.name,
            unit_price=product.price,
            vat_rate=product.vat_rate,
            quantity=quantity,
        )

    @property
    def gross(self) -> int:
        """Unit price times quantity, before any adjustment."""
        return half_up_div(self.unit_price * self.quantity, QTY_UNIT)

    @property
    def adjustment_amount(self) -> int:
        """Signed effect of the line's own adjustment (negative for a discount)."""
        if self.adjustment is None:
            return 0
        return max(self.adjustment.delta(self.gross), -self.gross)

    @property
    def net(self) -> int:
        """The line total after its own adjustment, before the basket adjustment."""
        return self.gross + self.adjustment_amount

    @property
    def price_lowered(self) -> bool:
        """Was the unit price changed to less than the catalogue price?"""
        return self.list_price is not None and self.unit_price < self.list_price

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "product_id": self.product_id,
            "code": self.code,
            "name": self.name,
            "unit_price": self.unit_price,
            "vat_rate": self.vat_rate,
            "quantity": self.quantity,
            "adjustment": self.adjustment.to_dict() if self.adjustment else None,
        }
        if self.list_price is not None:
            data["list_price"] = self.list_price
            data["price_approved_by"] = self.price_approved_by
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CartLine:
        adjustment = data.get("adjustment")
        list_price = data.get("list_price")  # absent from drafts written before price changes
        approved_by = data.get("price_approved_by")
        return cls(
            product_id=int(data["product_id"]),
            code=str(data["code"]),
            name=str(data["name"]),
            unit_price=int(data["unit_price"]),
            vat_rate=int(data["vat_rate"]),
            quantity=int(data["quantity"]),
            adjustment=Adjustment.from_dict(adjustment) if adjustment else None,
            list_price=int(list_price) if list_price is not None else None,
            price_approved_by=int(approved_by) if approved_by is not None else None,
        )


@dataclass(frozen=True, slots=True)
class CartTotals:
    """Everything a screen, a receipt or the store needs to know about the cart's money."""

    subtotal: int
    """Sum of line nets (after line adjustments, before the basket adjustment)."""
    basket_adjustment: int
    """Signed basket adjustment (negative for a discount)."""
    line_totals: tuple[int, ...]
    """Each line's final amount, with its share of the basket adjustment."""
    basket_shares: tuple[int, ...]
    """Each line's share of the basket adjustment; they sum to `basket_adjustment`."""
    total: int
    """What the customer pays: the sum of `line_totals`."""
    vat: tuple[VatLine, ...]
    """VAT table per rate, computed on `line_totals`."""
    discount_total: int
    """All discounts given, line and basket (a positive number); extra charges not counted."""

    @property
    def vat_total(self) -> int:
        return sum(line.vat for line in self.vat)


def spread(delta: int, weights: tuple[int, ...]) -> tuple[int, ...]:
    """Split `delta` over non-negative `weights` in proportion; the shares sum exactly to `delta`.

    Largest remainder: each share is rounded down, and the units left over go to the lines with
    the largest remainders (the earlier line on a tie).
    """
    total_weight = sum(weights)
    if total_weight == 0 or delta == 0:
        return tuple(0 for _ in weights)
    magnitude = abs(delta)
    floors = []
    remainders = []
    for index, weight in enumerate(weights):
        q, r = divmod(magnitude * weight, total_weight)
        floors.append(q)
        remainders.append((-r, index))
    for _r, index in sorted(remainders)[: magnitude - sum(floors)]:
        floors[index] += 1
    sign = -1 if delta < 0 else 1
    return tuple(sign * share for share in floors)


def _approval_kept(before: CartLine, after: CartLine) -> CartLine:
    """`after`, whose approved discount of a fixed amount loses its approval when the line
    it applies to shrank (fewer units, a lower price): it is then asked for again."""
    adjustment = after.adjustment
    if (
        adjustment is None
        or adjustment.kind != "amount"
        or adjustment.approved_by is None
        or after.gross >= before.gross
    ):
        return after
    return replace(after, adjustment=replace(adjustment, approved_by=None))


@dataclass(frozen=True, slots=True)
class Cart:
    """The sale being rung up. Immutable: every change returns a new cart."""

    lines: tuple[CartLine, ...] = ()
    adjustment: Adjustment | None = None
    note: str = ""
    customer_id: int | None = field(default=None)

    @property
    def is_empty(self) -> bool:
        return not self.lines

    def add(self, product: Product, quantity: int = QTY_UNIT) -> tuple[Cart, int]:
        """Add `quantity` of `product`; a plain line of the same product grows instead.

        Returns the new cart and the index of the line that changed.
        """
        if quantity <= 0:
            raise CartError(_("The quantity must be more than zero."))
        for index, line in enumerate(self.lines):
            if (
                line.product_id == product.id
                and line.unit_price == product.price
                and line.adjustment is None
                and line.list_price is None
            ):
                grown = replace(line, quantity=line.quantity + quantity)
                return self._with_line(index, grown)._checked_size(grown), index
        new = CartLine.of(product, quantity)
        return replace(self, lines=(*self.lines, new))._checked_size(new), len(self.lines)

    def set_quantity(self, index: int, quantity: int) -> Cart:
        """Set line `index` to `quantity` thousandths (more than zero: Delete removes a line)."""
        if quantity <= 0:
            raise CartError(
                _("The quantity must be more than zero: use Delete to remove the line.")
            )
        line = self.lines[index]
        changed = _approval_kept(line, replace(line, quantity=quantity))
        if line.adjustment is not None and line.adjustment.kind == "amount":
            line.adjustment.check(changed.gross)
        cart = self._with_line(index, changed)._basket_approval_kept(self)
        return cart._checked_basket()._checked_size(changed)

    def change_quantity(self, index: int, step: int) -> Cart:
        """Add `step` thousandths (negative to remove) to line `index`."""
        return self.set_quantity(index, self.lines[index].quantity + step)

    def remove(self, index: int) -> Cart:
        """Remove line `index`; the basket adjustment goes too when the cart becomes empty."""
        lines = self.lines[:index] + self.lines[index + 1 :]
        adjustment = self.adjustment if lines else None
        cart = replace(self, lines=lines, adjustment=adjustment)._basket_approval_kept(self)
        return cart._checked_basket()

    def with_line_adjustment(self, index: int, adjustment: Adjustment | None) -> Cart:
        """Set (or clear, with None) the discount or extra charge of line `index`."""
        line = self.lines[index]
        if adjustment is not None:
            adjustment.check(line.gross)
        adjusted = replace(line, adjustment=adjustment)
        cart = self._with_line(index, adjusted)._basket_approval_kept(self)
        return cart._checked_basket()._checked_size(adjusted)

    def with_unit_price(self, index: int, price: int) -> Cart:
        """Sell line `index` at `price` a unit instead of its catalogue price (the catalogue
        price again clears the change). A new price always needs a new approval."""
        if price <= 0:
            raise CartError(_("A price must be more than zero."))
        line = self.lines[index]
        list_price = line.unit_price if line.list_price is None else line.list_price
        changed = replace(
            line,
            unit_price=price,
            list_price=None if price == list_price else list_price,
            price_approved_by=None,
        )
        changed = _approval_kept(line, changed)
        if changed.adjustment is not None and changed.adjustment.kind == "amount":
            changed.adjustment.check(changed.gross)
        cart = self._with_line(index, changed)._basket_approval_kept(self)
        return cart._checked_basket()._checked_size(changed)

    def with_basket_adjustment(self, adjustment: Adjustment | None) -> Cart:
        """Set (or clear, with None) the discount or extra charge on the whole basket."""
        if adjustment is not None:
            if self.is_empty:
                raise CartError(_("The cart is empty."))
            adjustment.check(sum(line.net for line in self.lines))
        return replace(self, adjustment=adjustment)._checked_size()

    def with_note(self, note: str) -> Cart:
        return replace(self, note=note.strip())

    def with_customer(self, customer_id: int | None) -> Cart:
        """Attach the customer `customer_id` to the sale (None detaches)."""
        return replace(self, customer_id=customer_id)

    def _checked_basket(self) -> Cart:
        """This cart, if its basket discount still fits what is left; else CartError.

        Without this check a fixed basket discount would silently make a smaller sale free.
        """
        if self.adjustment is not None and self.lines:
            try:
                self.adjustment.check(sum(line.net for line in self.lines))
            except CartError:
                raise CartError(
                    _("The basket discount would be larger than the sale: change it first (F4).")
                ) from None
        return self

    def _basket_approval_kept(self, before: Cart) -> Cart:
        """This cart; its basket discount of a fixed amount loses its approval when the sale
        it applies to shrank since `before` (the same amount is a bigger share of less)."""
        basket = self.adjustment
        if basket is None or basket.kind != "amount" or basket.approved_by is None:
            return self
        if sum(line.net for line in self.lines) >= sum(line.net for line in before.lines):
            return self
        return replace(self, adjustment=replace(basket, approved_by=None))

    def _checked_size(self, *changed: CartLine) -> Cart:
        """This cart, if no `changed` line and no total exceeds MAX_AMOUNT; else CartError.

        Each of a price and a quantity may be at its own cap; their product, or an extra
        charge of thousands of percent, would not fit the database's 64-bit integers. Lines
        left as they were passed this check when they changed."""
        for line in changed:
            if max(line.gross, line.net) > MAX_AMOUNT:
                raise CartError(_("That line would be too large: check the quantity and price."))
        subtotal = sum(line.net for line in self.lines)
        basket = self.adjustment.delta(subtotal) if self.adjustment is not None else 0
        if max(subtotal, subtotal + basket) > MAX_AMOUNT:
            raise CartError(_("The sale would be too large: check the quantities and prices."))
        return self

    def _with_line(self, index: int, line: CartLine) -> Cart:
        return replace(self, lines=(*self.lines[:index], line, *self.lines[index + 1 :]))

    def totals(self) -> CartTotals:
        """Totals, basket spread and VAT table of the cart."""
        nets = tuple(line.net for line in self.lines)
        subtotal = sum(nets)
        basket = 0
        if self.adjustment is not None and subtotal > 0:
            basket = max(self.adjustment.delta(subtotal), -subtotal)
        shares = spread(basket, nets)
        line_totals = tuple(net + share for net, share in zip(nets, shares, strict=True))
        vat = vat_breakdown(
            (line.vat_rate, amount) for line, amount in zip(self.lines, line_totals, strict=True)
        )
        return CartTotals(
            subtotal=subtotal,
            basket_adjustment=basket,
            line_totals=line_totals,
            basket_shares=shares,
            total=sum(line_totals),
            vat=vat,
            discount_total=-sum(
                delta
                for delta in (*(line.adjustment_amount for line in self.lines), basket)
                if delta < 0
            ),
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form, for the draft that survives a crash and for parked sales."""
        return {
            "lines": [line.to_dict() for line in self.lines],
            "adjustment": self.adjustment.to_dict() if self.adjustment else None,
            "note": self.note,
            "customer_id": self.customer_id,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Cart:
        adjustment = data.get("adjustment")
        customer_id = data.get("customer_id")
        return cls(
            lines=tuple(CartLine.from_dict(line) for line in data.get("lines", [])),
            adjustment=Adjustment.from_dict(adjustment) if adjustment else None,
            note=str(data.get("note", "")),
            customer_id=int(customer_id) if customer_id is not None else None,
        )
