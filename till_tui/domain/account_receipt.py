"""The receipt of a top-up, a cancelled top-up, a deposit or a settlement.

Money taken into (or given back from) a customer account is not a sale: no lines, no VAT.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from babel.dates import format_datetime

from till_tui.domain.account import AccountReceipt, StatementLine
from till_tui.domain.customer import Customer
from till_tui.domain.ledger import Balances
from till_tui.domain.receipt import MIN_WIDTH, Layout, Row, ShopHeader
from till_tui.i18n import N_, _

KIND_LABELS = {
    "topup": N_("Top-up"),
    "topup_cancel": N_("Top-up cancelled"),
    "deposit": N_("Deposit"),
    "prepaid_payment": N_("Paid from prepaid"),
    "prepaid_refund": N_("Refund to prepaid"),
    "credit_charge": N_("Sale on account"),
    "settlement": N_("Settlement"),
    "credit_refund": N_("Credit note"),
}
"""How each ledger movement is named on screen and on paper."""

TITLES = {
    "topup": N_("Prepaid top-up"),
    "topup_cancel": N_("Top-up cancelled"),
    "deposit": N_("Deposit"),
    "settlement": N_("Account settlement"),
}


def layout_account_receipt(
    receipt: AccountReceipt, shop: ShopHeader, *, width: int, currency: str, locale: str
) -> tuple[Row, ...]:
    """The rows of an account receipt for paper `width` characters wide."""
    if width < MIN_WIDTH:
        raise ValueError(f"receipt width {width} is below {MIN_WIDTH}")
    out = Layout(width, currency, locale)
    out.text(shop.name, align="center", bold=True)
    for line in shop.lines:
        out.text(line, align="center")
    out.blank()
    title = _(TITLES.get(receipt.kind, receipt.kind))
    out.text(title, align="center", bold=True, double=True)
    out.blank()
    out.text(_("Receipt N° {number}").format(number=receipt.number))
    out.text(format_datetime(receipt.created_at.astimezone(), "short", locale=locale))
    out.text(_("Register: {register}").format(register=receipt.register))
    out.text(_("Cashier: {cashier}").format(cashier=receipt.cashier))
    if receipt.approved_by:
        out.text(_("Approved by: {name}").format(name=receipt.approved_by))
    out.rule()
    out.text(_("Customer: {name}").format(name=receipt.customer.name))
    if receipt.customer.card:
        out.text(_("Card: {card}").format(card=receipt.customer.card))
    out.pair(title, out.amount(receipt.amount), bold=True)
    for invoice in receipt.invoices:
        label = (
            _("Sale N° {number}").format(number=invoice.sale_number)
            if invoice.sale_number is not None
            else _("Sale on account")
        )
        out.pair("  " + label, out.amount(invoice.amount))
    out.pair(receipt.method_label, out.amount(receipt.tendered or receipt.amount))
    if receipt.change:
        out.pair(_("Change"), out.amount(receipt.change))
    out.rule()
    balances = receipt.balances
    out.pair(_("Prepaid balance"), out.amount(balances.prepaid))
    if balances.credit_limit is not None:
        out.pair(_("Unpaid on account"), out.amount(balances.unpaid))
        out.pair(_("Credit available"), out.amount(balances.available))
    out.blank()
    out.text(_("Not a sale: no VAT on this receipt."))
    if shop.footer:
        out.blank()
        for footer in shop.footer:
            out.text(footer, align="center")
    return tuple(out.rows)


def layout_statement(
    customer: Customer,
    balances: Balances,
    lines: Sequence[StatementLine],
    shop: ShopHeader,
    *,
    printed_at: datetime,
    width: int,
    currency: str,
    locale: str,
) -> tuple[Row, ...]:
    """A customer's statement: every movement and the balances after it, oldest first."""
    out = Layout(width, currency, locale)
    out.text(shop.name, align="center", bold=True)
    out.blank()
    out.text(_("Account statement"), align="center", bold=True, double=True)
    out.text(format_datetime(printed_at.astimezone(), "short", locale=locale), align="center")
    out.rule()
    out.text(_("Customer: {name}").format(name=customer.name))
    if customer.card:
        out.text(_("Card: {card}").format(card=customer.card))
    out.rule()
    for line in lines:
        when = format_datetime(line.created_at.astimezone(), "short", locale=locale)
        out.text(f"{when}  {line.number}  {line.register}  {line.cashier}")
        out.pair("  " + _(KIND_LABELS.get(line.kind, line.kind)), out.amount(line.amount))
        if line.approved_by:
            out.text(_("Approved by: {name}").format(name=line.approved_by), indent="    ")
        out.pair(
            "    " + _("prepaid / unpaid"),
            f"{out.amount(line.prepaid)} / {out.amount(line.unpaid)}",
        )
    if not lines:
        out.text(_("No movement yet."))
    out.rule()
    out.pair(_("Prepaid balance"), out.amount(balances.prepaid), bold=True)
    if balances.credit_limit is not None:
        out.pair(_("Unpaid on account"), out.amount(balances.unpaid), bold=True)
        out.pair(_("Credit available"), out.amount(balances.available))
    return tuple(out.rows)
