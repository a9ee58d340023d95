"""The names of the figures of a shift report, shared by the printed report and the terminal's
tables (translated where they are shown)."""

from __future__ import annotations

from till_tui.i18n import N_

METHOD_PARTS: tuple[tuple[str, str], ...] = (
    ("opening_float", N_("Opening float")),
    ("sales", N_("Sales")),
    ("refunds", N_("Refunds")),
    ("topups", N_("Top-ups")),
    ("deposits", N_("Deposits")),
    ("settlements", N_("Settlements")),
    ("topup_cancels", N_("Top-ups cancelled")),
    ("cash_in", N_("Cash in")),
    ("cash_out", N_("Cash out")),
)
"""MethodLine attribute -> label, in the order they add up to the expected amount."""

ACCOUNT_LABELS: tuple[tuple[str, str], ...] = (
    ("topups", N_("Prepaid top-ups")),
    ("topup_cancels", N_("Top-ups cancelled")),
    ("deposits", N_("Deposits taken")),
    ("prepaid_payments", N_("Paid from prepaid")),
    ("prepaid_refunds", N_("Refunded to prepaid")),
    ("credit_charges", N_("Charged on account")),
    ("settlements", N_("Account settlements")),
    ("credit_refunds", N_("Refunded on account")),
)
"""AccountTotals attribute -> label."""
