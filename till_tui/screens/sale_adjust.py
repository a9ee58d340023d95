"""F4 on the sale screen: discounts, extra charges and new unit prices, with a manager's PIN
for what a cashier may not do alone (domain/approvals.py), and the same check before F10.

The approving manager is written on the cart, so it is saved with the draft and the store
records it with the sale; a manager logged in approves by themselves (the store records them).
"""

from __future__ import annotations

from collections.abc import Callable

from till_tui.domain import approvals
from till_tui.domain.approvals import Approval
from till_tui.domain.cart import Adjustment, Cart, CartError
from till_tui.domain.money import format_money, format_rate
from till_tui.domain.staff import StaffMember
from till_tui.i18n import _
from till_tui.screens.sale_customer import SaleCustomer


class SaleAdjust(SaleCustomer):
    """The adjustments side of the sale screen. The sale screen builds on this."""

    def _selected_line(self) -> int | None:
        """The index of the selected cart line (the sale screen knows its table)."""
        raise NotImplementedError

    def _line_changed(self, index: int | None) -> None:
        """Redraw line `index` (None: none) and the totals after the cart changed."""
        raise NotImplementedError

    @property
    def _limit(self) -> int:
        return self.till.config.till.cashier_max_discount

    def _is_manager(self) -> bool:
        session = self.till.session
        return session is not None and session.cashier.is_manager

    def action_adjust(self) -> None:
        from till_tui.screens.adjust import AdjustDialog, AdjustResult

        index = self._selected_line()
        line = self.cart.lines[index] if index is not None else None

        def chosen(result: AdjustResult | None) -> None:
            if result is None:
                return
            if result.price is not None:
                self.apply_price(result.price)
            else:
                self.apply_adjustment(result.on_line, result.adjustment)

        self.app.push_screen(AdjustDialog(line, self.cart.adjustment), chosen)

    def apply_adjustment(self, on_line: bool, adjustment: Adjustment | None) -> None:
        index = self._selected_line()
        target = index if on_line else None
        try:
            if target is not None:
                cart = self.cart.with_line_adjustment(target, adjustment)
            else:
                cart = self.cart.with_basket_adjustment(adjustment)
        except CartError as error:
            self.say(str(error), error=True)
            return
        self._approved(cart, target, "discount")

    def apply_price(self, price: int) -> None:
        """Sell the selected line at `price` a unit."""
        index = self._selected_line()
        if index is None:
            return
        try:
            cart = self.cart.with_unit_price(index, price)
        except CartError as error:
            self.say(str(error), error=True)
            return
        self._approved(cart, index, "price")

    def _approved(self, cart: Cart, line: int | None, kind: approvals.ApprovalKind) -> None:
        """Make `cart` current, after a manager's PIN if a cashier changed `line` (None: the
        whole sale) beyond what they may do alone."""
        need = next(
            (n for n in approvals.missing(cart, self._limit) if (n.line, n.kind) == (line, kind)),
            None,
        )
        if need is None or self._is_manager():
            self._apply(cart, line)
            return

        def approved(manager: StaffMember | None) -> None:
            if manager is None:
                self.say(_("Not approved: nothing was changed."), error=True)
                return
            self._apply(approvals.approve(cart, manager.id, [need]), line)
            self.say(_("Approved by: {name}").format(name=manager.name))

        self._ask_manager(self._reason(cart, need), approved)

    def _apply(self, cart: Cart, line: int | None) -> None:
        self._save(cart)
        self._line_changed(line)

    def _reason(self, cart: Cart, need: Approval) -> str:
        """What the manager approves, in the PIN dialog."""
        config = self.till.config.till
        if need.kind == "price":
            line = cart.lines[need.line or 0]
            return _("Sell {name} at {price} instead of {list_price}.").format(
                name=line.name,
                price=format_money(line.unit_price, config.currency, config.locale),
                list_price=format_money(line.list_price or 0, config.currency, config.locale),
            )
        rate = format_rate(need.rate, config.locale)
        limit = format_rate(self._limit * 100, config.locale)
        if need.line is None:
            return _("Discount {rate} on the whole sale: a cashier may give up to {limit}.").format(
                rate=rate, limit=limit
            )
        return _("Discount {rate} on {name}: a cashier may give up to {limit}.").format(
            rate=rate, name=cart.lines[need.line].name, limit=limit
        )

    def _ask_manager(self, reason: str, approved: Callable[[StaffMember | None], None]) -> None:
        from till_tui.screens.account_dialogs import ManagerPin

        self.app.push_screen(ManagerPin(reason), approved)

    def approve_then(self, then: Callable[[], None]) -> None:
        """Run `then` (the payment) once the cart has every approval it needs: a discount can
        go above the limit after the lines changed, or a cashier takes over a manager's sale."""
        missing = approvals.missing(self.cart, self._limit)
        if not missing or self._is_manager():
            then()
            return

        def approved(manager: StaffMember | None) -> None:
            if manager is None:
                self.say(_("A manager must approve the sale before it is paid."), error=True)
                return
            self._save(approvals.approve(self.cart, manager.id, missing))
            then()

        reason = " ".join(approvals.refusal(self.cart, need) for need in missing)
        self._ask_manager(reason, approved)
