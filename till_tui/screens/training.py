"""T in the shift menu (F9): a manager switches the register's training mode on or off.

The store checks the manager and journals the switch (store/training.py); here a cashier is
asked for a manager's PIN, and the sale screen's header turns red (or back) at once.
"""

from __future__ import annotations

from till_tui.domain.staff import StaffMember
from till_tui.i18n import _
from till_tui.screens.base import TillScreen
from till_tui.store.errors import StoreError


def switch_training(screen: TillScreen[None], *, cart_empty: bool) -> None:
    """Turn training mode on if it is off, off if it is on, from the sale screen `screen`.
    Refused while a sale is in progress: the mode decides what the sale becomes."""
    from till_tui.screens.account_dialogs import ManagerPin

    till = screen.till
    session = till.session
    assert session is not None
    if not cart_empty:
        screen.say(
            _("Finish or park (F6) the sale in progress before switching training mode."),
            error=True,
        )
        return
    try:
        on = not till.services.training.is_on()
    except StoreError as error:
        screen.say(str(error), error=True)
        return

    def approved(manager: StaffMember | None) -> None:
        if manager is None:
            return
        try:
            till.services.training.switch(on, staff=session.cashier, approved_by=manager)
        except (StoreError, PermissionError) as error:
            screen.say(str(error), error=True)
            return
        till.status_changed()  # every screen's header shows the mode
        if on:
            screen.say(_("Training mode on: sales are practice, kept out of the figures."))
        else:
            screen.say(_("Training mode off: sales are real again."))

    if session.cashier.is_manager:
        approved(session.cashier)
    else:
        reason = _("Switch training mode on.") if on else _("Switch training mode off.")
        till.push_screen(ManagerPin(reason), approved)
