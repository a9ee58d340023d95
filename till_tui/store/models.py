"""Peewee models over the schema that the migrations create (see migrations/m0001_initial.py).

Models are for the store's services only: screens call services and get domain objects back.
Times are stored as ISO 8601 text in UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import peewee

from till_tui.store.db import database


class UtcDateTimeField(peewee.TextField):
    """An aware datetime stored as ISO 8601 text in UTC (sorts as text, reads back aware)."""

    def db_value(self, value: Any) -> Any:
        if isinstance(value, datetime):
            return value.astimezone(UTC).isoformat(timespec="microseconds")
        return value

    def python_value(self, value: Any) -> Any:
        return datetime.fromisoformat(value) if isinstance(value, str) else value


def now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


class BaseModel(peewee.Model):
    class Meta:
        database = database
        legacy_table_names = False


class Product(BaseModel):
    id = peewee.AutoField()
    barcode = peewee.TextField(unique=True)
    name = peewee.TextField()
    search_name = peewee.TextField(index=True)
    price = peewee.BigIntegerField()
    vat_rate = peewee.IntegerField()
    sku = peewee.TextField(default="")
    product_group = peewee.TextField(default="")
    active = peewee.BooleanField(default=True)
    created_at = UtcDateTimeField(default=now)


class Staff(BaseModel):
    id = peewee.AutoField()
    name = peewee.TextField(unique=True)
    role = peewee.TextField()
    pin_hash = peewee.TextField()
    active = peewee.BooleanField(default=True)
    created_at = UtcDateTimeField(default=now)


class Shift(BaseModel):
    id = peewee.AutoField()
    register = peewee.TextField()
    number = peewee.IntegerField()
    opened_at = UtcDateTimeField(default=now)
    opened_by = peewee.ForeignKeyField(Staff, column_name="opened_by")
    opening_float = peewee.BigIntegerField()


class Sale(BaseModel):
    id = peewee.AutoField()
    register = peewee.TextField()
    number = peewee.IntegerField()
    shift = peewee.ForeignKeyField(Shift, column_name="shift_id")
    staff = peewee.ForeignKeyField(Staff, column_name="staff_id")
    created_at = UtcDateTimeField(default=now)
    subtotal = peewee.BigIntegerField()
    basket_adjustment = peewee.BigIntegerField()
    basket_rule = peewee.TextField(null=True)
    discount_total = peewee.BigIntegerField()
    total = peewee.BigIntegerField()
    vat_total = peewee.BigIntegerField()
    note = peewee.TextField(default="")
    customer = peewee.DeferredForeignKey("Customer", column_name="customer_id", null=True)
    refund_of = peewee.ForeignKeyField("self", column_name="refund_of", null=True)
    """The sale this one refunds (a refund's money is negative); None for a sale."""
    approved_by = peewee.ForeignKeyField(Staff, column_name="approved_by", null=True)
    """A refund: the manager who approved it; a sale: the manager who approved its basket
    discount above the cashier's limit (see migrations/m0005_approvals.py)."""
    training = peewee.BooleanField(default=False)
    """A sale made in training mode (its number is in the training sequence: m0006)."""


class SaleLine(BaseModel):
    id = peewee.AutoField()
    sale = peewee.ForeignKeyField(Sale, column_name="sale_id", backref="lines")
    position = peewee.IntegerField()
    product = peewee.ForeignKeyField(Product, column_name="product_id", null=True)
    code = peewee.TextField()
    name = peewee.TextField()
    unit_price = peewee.BigIntegerField()
    quantity = peewee.IntegerField()
    vat_rate = peewee.IntegerField()
    adjustment = peewee.TextField(null=True)
    adjustment_amount = peewee.BigIntegerField()
    basket_share = peewee.BigIntegerField()
    total = peewee.BigIntegerField()
    origin_line = peewee.ForeignKeyField("self", column_name="origin_line", null=True)
    """For a refund's line: the line of the original sale it gives back."""
    discount_approved_by = peewee.ForeignKeyField(
        Staff, column_name="discount_approved_by", null=True
    )
    """The manager who approved the line's discount above the cashier's limit."""
    list_price = peewee.BigIntegerField(null=True)
    """The catalogue price, when the line was sold at a unit price changed at the till."""
    price_approved_by = peewee.ForeignKeyField(Staff, column_name="price_approved_by", null=True)
    """The manager who approved a unit price below the catalogue price."""


class SaleVat(BaseModel):
    id = peewee.AutoField()
    sale = peewee.ForeignKeyField(Sale, column_name="sale_id", backref="vat")
    rate = peewee.IntegerField()
    base = peewee.BigIntegerField()
    vat = peewee.BigIntegerField()
    total = peewee.BigIntegerField()


class Payment(BaseModel):
    id = peewee.AutoField()
    sale = peewee.ForeignKeyField(Sale, column_name="sale_id", backref="payments")
    position = peewee.IntegerField()
    method = peewee.TextField()
    kind = peewee.TextField()
    amount = peewee.BigIntegerField()
    tendered = peewee.BigIntegerField()
    change_given = peewee.BigIntegerField()
    reference = peewee.TextField(default="")
    last4 = peewee.TextField(default="")
    external_id = peewee.TextField(default="")
    label = peewee.TextField(default="")


class Journal(BaseModel):
    id = peewee.AutoField()
    register = peewee.TextField()
    seq = peewee.IntegerField()
    created_at = UtcDateTimeField(default=now)
    staff = peewee.ForeignKeyField(Staff, column_name="staff_id", null=True)
    kind = peewee.TextField()
    payload = peewee.TextField()
    prev_hash = peewee.TextField()
    hash = peewee.TextField()


class Draft(BaseModel):
    register = peewee.TextField(primary_key=True)
    staff = peewee.ForeignKeyField(Staff, column_name="staff_id", null=True)
    updated_at = UtcDateTimeField(default=now)
    payload = peewee.TextField()


class ParkedSale(BaseModel):
    id = peewee.AutoField()
    register = peewee.TextField()
    staff = peewee.ForeignKeyField(Staff, column_name="staff_id", null=True)
    parked_at = UtcDateTimeField(default=now)
    label = peewee.TextField()
    payload = peewee.TextField()


class Customer(BaseModel):
    """A customer (see migrations/m0002_customers.py); `card` is NULL when there is none."""

    id = peewee.AutoField()
    name = peewee.TextField()
    search_name = peewee.TextField(index=True)
    card = peewee.TextField(null=True, unique=True)
    phone = peewee.TextField(default="")
    email = peewee.TextField(default="")
    credit_limit = peewee.BigIntegerField(null=True)
    created_at = UtcDateTimeField(default=now)


class LedgerEntry(BaseModel):
    """One movement of a customer's money; immutable (corrections are new entries)."""

    id = peewee.AutoField()
    customer = peewee.ForeignKeyField(Customer, column_name="customer_id", backref="entries")
    kind = peewee.TextField()
    amount = peewee.BigIntegerField()
    created_at = UtcDateTimeField(default=now)
    register = peewee.TextField()
    staff = peewee.ForeignKeyField(Staff, column_name="staff_id")
    shift = peewee.ForeignKeyField(Shift, column_name="shift_id", null=True)
    sale = peewee.ForeignKeyField(Sale, column_name="sale_id", null=True)
    receipt_number = peewee.IntegerField(null=True)
    method = peewee.TextField(null=True)
    tendered = peewee.BigIntegerField(default=0)
    change_given = peewee.BigIntegerField(default=0)
    reference = peewee.TextField(default="")
    due_date = peewee.TextField(null=True)
    approved_by = peewee.ForeignKeyField(Staff, column_name="approved_by", null=True)
    """The manager who approved the movement (a cancelled top-up)."""


class SaleBalance(BaseModel):
    """A customer's balances right after a sale, as printed on its receipt; immutable."""

    sale = peewee.ForeignKeyField(Sale, column_name="sale_id", primary_key=True)
    prepaid = peewee.BigIntegerField()
    unpaid = peewee.BigIntegerField()
    deposits = peewee.BigIntegerField()
    credit_limit = peewee.BigIntegerField(null=True)


class ReceiptCopy(BaseModel):
    """A reprint of a sale's receipt: `copy` is the n of "DUPLICATA n"; immutable."""

    id = peewee.AutoField()
    sale = peewee.ForeignKeyField(Sale, column_name="sale_id", backref="copies")
    copy = peewee.IntegerField()
    created_at = UtcDateTimeField(default=now)
    register = peewee.TextField()
    staff = peewee.ForeignKeyField(Staff, column_name="staff_id")


class DrawerOpening(BaseModel):
    """The cash drawer opened without a sale; immutable."""

    id = peewee.AutoField()
    register = peewee.TextField()
    shift = peewee.ForeignKeyField(Shift, column_name="shift_id", null=True)
    staff = peewee.ForeignKeyField(Staff, column_name="staff_id")
    approved_by = peewee.ForeignKeyField(Staff, column_name="approved_by")
    created_at = UtcDateTimeField(default=now)
    reason = peewee.TextField(default="")


class ReceiptEmail(BaseModel):
    """A receipt to e-mail, and where its sending stands."""

    id = peewee.AutoField()
    sale = peewee.ForeignKeyField(Sale, column_name="sale_id", backref="emails")
    address = peewee.TextField()
    created_at = UtcDateTimeField(default=now)
    staff = peewee.ForeignKeyField(Staff, column_name="staff_id", null=True)
    status = peewee.TextField(default="pending")
    attempts = peewee.IntegerField(default=0)
    last_error = peewee.TextField(default="")
    sent_at = UtcDateTimeField(null=True)


class ShiftClose(BaseModel):
    """A closed shift and its Z report (see migrations/m0004_shifts.py); immutable."""

    shift = peewee.ForeignKeyField(Shift, column_name="shift_id", primary_key=True)
    register = peewee.TextField()
    z_number = peewee.IntegerField()
    closed_at = UtcDateTimeField(default=now)
    closed_by = peewee.ForeignKeyField(Staff, column_name="closed_by")
    approved_by = peewee.ForeignKeyField(Staff, column_name="approved_by", null=True)
    note = peewee.TextField(default="")
    grand_total = peewee.BigIntegerField()
    grand_total_abs = peewee.BigIntegerField()
    report = peewee.TextField()


class ShiftCount(BaseModel):
    """Expected and counted amount of one payment method at a shift's close; immutable."""

    shift = peewee.ForeignKeyField(Shift, column_name="shift_id")
    method = peewee.TextField()
    expected = peewee.BigIntegerField()
    counted = peewee.BigIntegerField(null=True)

    class Meta:
        primary_key = peewee.CompositeKey("shift", "method")


class CashMovement(BaseModel):
    """Cash put into ("in") or taken out of ("out") the drawer, with a reason; immutable."""

    id = peewee.AutoField()
    register = peewee.TextField()
    shift = peewee.ForeignKeyField(Shift, column_name="shift_id")
    staff = peewee.ForeignKeyField(Staff, column_name="staff_id")
    created_at = UtcDateTimeField(default=now)
    direction = peewee.TextField()
    amount = peewee.BigIntegerField()
    reason = peewee.TextField()


class RegisterMode(BaseModel):
    """Whether a register is in training mode (see migrations/m0006_training.py)."""

    register = peewee.TextField(primary_key=True)
    training = peewee.BooleanField(default=False)
    changed_at = UtcDateTimeField(default=now)
    changed_by = peewee.ForeignKeyField(Staff, column_name="changed_by")
    approved_by = peewee.ForeignKeyField(Staff, column_name="approved_by")


ALL_MODELS: tuple[type[BaseModel], ...] = (
    Product,
    Staff,
    Shift,
    Sale,
    SaleLine,
    SaleVat,
    Payment,
    Journal,
    Draft,
    ParkedSale,
    Customer,
    LedgerEntry,
    SaleBalance,
    ReceiptCopy,
    DrawerOpening,
    ReceiptEmail,
    ShiftClose,
    ShiftCount,
    CashMovement,
    RegisterMode,
)
