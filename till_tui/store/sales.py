"""Completing a sale: everything about it is written in ONE transaction, or nothing is.

The sale, its lines, its VAT table, its payments, the ledger entries of what the customer's
account paid (prepaid debits, credit charges with their due date), its journal row and its
gap-free number are written together, and the draft is cleared in the same transaction. The
account rules are checked against balances read inside that transaction: if another till
spent the money meanwhile, nothing of the sale is written and the cashier is told why.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from till_tui.config import DEFAULT_CASHIER_MAX_DISCOUNT
from till_tui.domain.cart import Cart, CartLine
from till_tui.domain.customer import Customer
from till_tui.domain.ledger import Balances
from till_tui.domain.sale import CompletedSale
from till_tui.domain.staff import StaffMember
from till_tui.domain.tender import (
    ACCOUNT_KINDS,
    Tender,
    TenderError,
    check_last4,
    payment_state,
)
from till_tui.i18n import _
from till_tui.store import journal
from till_tui.store.db import database
from till_tui.store.ledger_book import AccountError, LedgerBook, run_in_transaction
from till_tui.store.models import (
    Draft,
    Payment,
    ReceiptCopy,
    Sale,
    SaleBalance,
    SaleLine,
    SaleVat,
    now,
)
from till_tui.store.sale_approvals import (
    ApprovalMissing,
    Approvers,
    approvers_of,
    journal_entry,
    read_rule,
    stored_rule,
)
from till_tui.store.training import (
    Training,
    account_tenders_refused,
    real_register,
    training_register,
)

_SALE_SQL = (
    "SELECT s.number, s.register, s.created_at, st.name, s.basket_rule, s.note, s.customer_id,"
    " o.number, COALESCE(ap.name, ''), s.subtotal, s.basket_adjustment, s.discount_total,"
    " s.total, s.approved_by, s.training FROM sale AS s JOIN staff AS st ON st.id = s.staff_id"
    " LEFT JOIN sale AS o ON o.id = s.refund_of LEFT JOIN staff AS ap ON ap.id = s.approved_by"
    " WHERE s.id = ?"
)
_LINES_SQL = (
    "SELECT product_id, code, name, unit_price, vat_rate, quantity, adjustment,"
    " adjustment_amount, basket_share, total, discount_approved_by, list_price,"
    " price_approved_by FROM sale_line WHERE sale_id = ? ORDER BY position"
)
_VAT_SQL = "SELECT rate, base, vat, total FROM sale_vat WHERE sale_id = ? ORDER BY rate"
_FIND_SQL = (
    "SELECT id, number FROM sale WHERE register = ?1 AND number = ?2"
    " UNION SELECT s.id, s.number FROM payment AS p JOIN sale AS s ON s.id = p.sale_id"
    " WHERE p.reference = ?3 COLLATE NOCASE AND p.reference <> '' AND s.register = ?1"
    " UNION SELECT s.id, s.number FROM payment AS p JOIN sale AS s ON s.id = p.sale_id"
    " WHERE p.last4 = ?4 AND p.last4 <> '' AND s.register = ?1"
    " ORDER BY 2 DESC LIMIT ?5"
)
_BALANCE_SQL = "SELECT prepaid, unpaid, deposits, credit_limit FROM sale_balance WHERE sale_id = ?"
_PAYMENTS_SQL = (
    "SELECT method, kind, label, amount, tendered, change_given, reference, last4, external_id"
    " FROM payment WHERE sale_id = ? ORDER BY position"
)


class SaleError(ValueError):
    """A sale the store refuses to write; the message is for the cashier."""


class SalePermissionError(SaleError, PermissionError):
    """A discount above the cashier's limit, or a price below the catalogue price, that no
    manager approved."""


def _check(cart: Cart, tenders: Sequence[Tender]) -> None:
    if cart.is_empty:
        raise SaleError(_("The cart is empty."))
    state = payment_state(cart.totals().total, tenders)
    if state.paid != state.total:
        raise SaleError(_("The sale is not fully paid."))
    for tender in tenders:
        if (
            tender.change < 0
            or tender.amount <= 0
            or tender.amount != tender.tendered - tender.change
        ):
            raise SaleError(_("A tender amount is wrong."))
        if tender.change and tender.kind != "cash":
            raise SaleError(_("Only cash can give change."))
        if tender.last4:
            try:
                digits = check_last4(tender.last4)
            except TenderError as error:
                raise SaleError(str(error)) from None
            if digits != tender.last4:
                raise SaleError(_("Type the last 4 digits of the card."))
        if tender.on_account and cart.customer_id is None:
            raise SaleError(_("Attach the customer first (F2 or scan the card)."))


class Sales:
    """Sales of one register."""

    def __init__(
        self, register: str, *, cashier_max_discount: int = DEFAULT_CASHIER_MAX_DISCOUNT
    ) -> None:
        self.register = register
        self.cashier_max_discount = cashier_max_discount
        """Percent of what it applies to: a bigger discount needs a manager's approval."""

    def next_number(self, *, training: bool = False) -> int:
        """The number the next sale will get (gap-free per register); `training`: the next
        training sale's, in the training sequence."""
        register = training_register(self.register) if training else self.register
        row = database.execute_sql(
            "SELECT COALESCE(MAX(number), 0) + 1 FROM sale WHERE register = ?", (register,)
        ).fetchone()
        return int(row[0])

    def complete(
        self, cart: Cart, tenders: Sequence[Tender], *, staff: StaffMember, shift_id: int
    ) -> CompletedSale:
        """Write the sale and everything that belongs to it in one transaction.

        A discount above `cashier_max_discount` % or a unit price below the catalogue price
        needs a manager: the one the cart names (`approved_by`), else `staff` if a manager.

        Raises SaleError (a rule broken: nothing written; SalePermissionError for a missing
        approval) or StoreError (the database)."""
        _check(cart, tenders)
        totals = cart.totals()

        def work() -> tuple[Sale, Customer | None, Balances | None]:
            approvers = approvers_of(cart, staff, self.cashier_max_discount)
            training = Training(self.register).is_on()  # decided inside the transaction
            if training and any(t.kind in ACCOUNT_KINDS for t in tenders):
                raise SaleError(account_tenders_refused())
            sale = self._write(cart, tenders, staff, shift_id, approvers, training=training)
            customer = balances = None
            if cart.customer_id is not None:
                customer, balances = self._account_entries(
                    sale, cart.customer_id, tenders, staff, shift_id
                )
            payload = _journal_payload(sale, cart, tenders, approvers)
            kind = "training_sale" if training else "sale"
            journal.append(self.register, kind, staff.id, payload)
            Draft.delete().where(Draft.register == self.register).execute()
            return sale, customer, balances

        try:
            sale, customer, balances = run_in_transaction(work)
        except AccountError as error:  # e.g. the balance was spent by another till meanwhile
            raise SaleError(str(error)) from None
        except ApprovalMissing as error:
            raise SalePermissionError(str(error)) from None
        return CompletedSale(
            id=sale.id,
            number=sale.number,
            register=self.register,
            created_at=sale.created_at,
            cashier=staff.name,
            cart=cart,
            totals=totals,
            tenders=tuple(tenders),
            customer=customer,
            balances=balances,
            training=bool(sale.training),
        )

    def _write(
        self,
        cart: Cart,
        tenders: Sequence[Tender],
        staff: StaffMember,
        shift_id: int,
        approvers: Approvers,
        *,
        training: bool = False,
    ) -> Sale:
        """Insert the sale, its lines, VAT rows and payments. Inside the sale's transaction.
        A training sale is numbered and stored under the register's training code."""
        totals = cart.totals()
        sale = Sale.create(
            register=training_register(self.register) if training else self.register,
            number=self.next_number(training=training),
            training=training,
            shift=shift_id,
            staff=staff.id,
            subtotal=totals.subtotal,
            basket_adjustment=totals.basket_adjustment,
            basket_rule=stored_rule(cart.adjustment),
            discount_total=totals.discount_total,
            total=totals.total,
            vat_total=totals.vat_total,
            note=cart.note,
            customer=cart.customer_id,
            approved_by=approvers.get(("discount", None)),
        )
        SaleLine.insert_many(
            [
                {
                    "sale": sale.id,
                    "position": index + 1,
                    "product": line.product_id or None,
                    "code": line.code,
                    "name": line.name,
                    "unit_price": line.unit_price,
                    "quantity": line.quantity,
                    "vat_rate": line.vat_rate,
                    "adjustment": stored_rule(line.adjustment),
                    "adjustment_amount": line.adjustment_amount,
                    "basket_share": share,
                    "total": amount,
                    "discount_approved_by": approvers.get(("discount", index)),
                    "list_price": line.list_price,
                    "price_approved_by": approvers.get(("price", index)),
                }
                for index, (line, share, amount) in enumerate(
                    zip(cart.lines, totals.basket_shares, totals.line_totals, strict=True)
                )
            ]
        ).execute()
        SaleVat.insert_many(
            [
                {"sale": sale.id, "rate": v.rate, "base": v.base, "vat": v.vat, "total": v.total}
                for v in totals.vat
            ]
        ).execute()
        Payment.insert_many(
            [
                {
                    "sale": sale.id,
                    "position": position,
                    "method": t.method,
                    "kind": t.kind,
                    "amount": t.amount,
                    "tendered": t.tendered,
                    "change_given": t.change,
                    "reference": t.reference,
                    "label": t.label,
                    "last4": t.last4,
                    "external_id": t.external_id,
                }
                for position, t in enumerate(tenders, start=1)
            ]
        ).execute()
        return sale

    def _account_entries(
        self,
        sale: Sale,
        customer_id: int,
        tenders: Sequence[Tender],
        staff: StaffMember,
        shift_id: int,
    ) -> tuple[Customer, Balances]:
        """Debit the prepaid balance and charge the credit account for the sale's account
        tenders, checked against the balances inside this transaction; the balances after."""
        from till_tui.store.accounts import Accounts

        accounts = Accounts(self.register)
        for tender in tenders:
            if tender.kind == "prepaid":
                accounts.debit_prepaid(
                    customer_id,
                    tender.amount,
                    staff=staff,
                    shift_id=shift_id,
                    sale_id=sale.id,
                    method=tender.method,
                    reference=tender.reference,
                )
            elif tender.kind == "credit":
                due = (sale.created_at.astimezone() + timedelta(days=tender.due_days)).date()
                accounts.charge_credit(
                    customer_id,
                    tender.amount,
                    staff=staff,
                    shift_id=shift_id,
                    due_date=due,
                    sale_id=sale.id,
                    method=tender.method,
                    reference=tender.reference,
                )
        balances = record_balances(accounts, customer_id, sale.id)
        return accounts.customers.get(customer_id), balances

    # --- reading back -----------------------------------------------------------------------

    def get(self, sale_id: int) -> CompletedSale:
        """A completed sale as it was written, with its customer's balances right after it
        and its reprint count; a refund with the number of the sale it refunds, the manager
        who approved it and its stored (negative) money. Raises SaleError if there is no such
        sale."""
        row = database.execute_sql(_SALE_SQL, (sale_id,)).fetchone()
        if row is None:
            raise SaleError(_("No sale {id}.").format(id=sale_id))
        number, register, created, cashier, basket_rule, note, customer_id = row[:7]
        refund_of, approved_by, subtotal, basket_adjustment, discount_total, total = row[7:13]
        training = bool(row[14])
        created_at = Sale.created_at.python_value(created)
        rows = database.execute_sql(_LINES_SQL, (sale_id,)).fetchall()
        lines = tuple(
            CartLine(
                product_id=r[0] or 0,
                code=r[1],
                name=r[2],
                unit_price=r[3],
                vat_rate=r[4],
                quantity=r[5],
                adjustment=read_rule(r[6], r[10]),
                list_price=r[11],
                price_approved_by=r[12],
            )
            for r in rows
        )
        cart = Cart(
            lines=lines,
            # A refund's approver approved the refund, not a discount.
            adjustment=read_rule(basket_rule, None if refund_of is not None else row[13]),
            note=note,
            customer_id=customer_id,
        )
        tenders = tuple(
            Tender(
                method=method,
                kind=kind,
                label=label or method,
                amount=amount,
                tendered=tendered,
                change=change,
                reference=reference,
                last4=last4,
                external_id=external_id,
            )
            for method, kind, label, amount, tendered, change, reference, last4, external_id in (
                database.execute_sql(_PAYMENTS_SQL, (sale_id,))
            )
        )
        customer = balances = None
        if customer_id is not None:
            from till_tui.store.customers import Customers

            customer = Customers().get(customer_id)
            row = database.execute_sql(_BALANCE_SQL, (sale_id,)).fetchone()
            balances = Balances(*row) if row else None
        totals = cart.totals()
        line_adjustments: tuple[int, ...] = ()
        if refund_of is not None:  # a refund: its money as stored (negative), not recomputed
            from till_tui.domain.cart import CartTotals
            from till_tui.domain.vat import VatLine

            totals = CartTotals(
                subtotal=subtotal,
                basket_adjustment=basket_adjustment,
                line_totals=tuple(r[9] for r in rows),
                basket_shares=tuple(r[8] for r in rows),
                total=total,
                vat=tuple(VatLine(*v) for v in database.execute_sql(_VAT_SQL, (sale_id,))),
                discount_total=discount_total,
            )
            line_adjustments = tuple(r[7] for r in rows)
        return CompletedSale(
            id=sale_id,
            number=number,
            register=real_register(register) if training else register,
            created_at=created_at,
            cashier=cashier,
            cart=cart,
            totals=totals,
            tenders=tenders,
            customer=customer,
            balances=balances,
            copies=self.copies(sale_id),
            refund_of=refund_of,
            approved_by=approved_by if refund_of is not None else "",  # a sale's: on its cart
            line_adjustments=line_adjustments,
            training=training,
        )

    def by_number(self, number: int, register: str | None = None) -> CompletedSale:
        """The sale numbered `number` on `register` (this one by default)."""
        row = Sale.get_or_none(
            (Sale.register == (register or self.register)) & (Sale.number == number)
        )
        if row is None:
            raise SaleError(_("No sale N° {number}.").format(number=number))
        return self.get(row.id)

    def recent(self, limit: int = 20, *, shift_id: int | None = None) -> list[CompletedSale]:
        """The register's latest sales, newest first (of one shift, if given)."""
        query = Sale.select(Sale.id).where(Sale.register == self.register)
        if shift_id is not None:
            query = query.where(Sale.shift == shift_id)
        return [self.get(row.id) for row in query.order_by(Sale.number.desc()).limit(limit)]

    def find(self, text: str, limit: int = 50) -> list[CompletedSale]:
        """This register's sales whose number is `text`, or with a payment whose reference
        (e.g. a room number, case ignored) or card's last 4 digits are `text`; newest first."""
        text = text.strip()
        if not text:
            return []
        number = int(text) if text.isdigit() and len(text) < 10 else -1
        rows = database.execute_sql(_FIND_SQL, (self.register, number, text, text, limit))
        return [self.get(sale_id) for sale_id, _number in rows]

    def copies(self, sale_id: int) -> int:
        """How many times the receipt of sale `sale_id` was reprinted."""
        return int(ReceiptCopy.select().where(ReceiptCopy.sale == sale_id).count())

    def record_copy(self, sale_id: int, staff: StaffMember) -> int:
        """Record one more reprint of the sale's receipt (journaled); its number n."""

        def work() -> int:
            copy = self.copies(sale_id) + 1
            sale = Sale.get_or_none(Sale.id == sale_id)
            if sale is None:
                raise SaleError(_("No sale {id}.").format(id=sale_id))
            number = sale.number
            ReceiptCopy.create(
                sale=sale_id, copy=copy, register=self.register, staff=staff.id, created_at=now()
            )
            journal.append(
                self.register,
                "reprint",
                staff.id,
                {"sale": number, "sale_id": sale_id, "copy": copy},
            )
            return copy

        return run_in_transaction(work)

    def count(self) -> int:
        return int(Sale.select().where(Sale.register == self.register).count())


def record_balances(accounts: LedgerBook, customer_id: int, sale_id: int) -> Balances:
    """Store the customer's balances right after sale (or refund) `sale_id`, as its receipt
    prints them; inside the sale's transaction. The balances."""
    balances = accounts.balances(customer_id)
    SaleBalance.insert(
        sale=sale_id,
        prepaid=balances.prepaid,
        unpaid=balances.unpaid,
        deposits=balances.deposits,
        credit_limit=balances.credit_limit,
    ).execute()
    return balances


def _journal_payload(
    sale: Sale, cart: Cart, tenders: Sequence[Tender], approvers: Approvers
) -> dict[str, object]:
    totals = cart.totals()
    payload: dict[str, object] = {
        "number": sale.number,
        "total": totals.total,
        "vat": [[v.rate, v.base, v.vat, v.total] for v in totals.vat],
        "lines": [
            [line.code, line.quantity, line.unit_price, amount]
            for line, amount in zip(cart.lines, totals.line_totals, strict=True)
        ],
        "tenders": [
            [t.method, t.amount, t.tendered, t.change, t.reference, t.last4] for t in tenders
        ],
        "customer": cart.customer_id,
    }
    if approvers:
        payload["approvals"] = journal_entry(approvers)
    return payload
