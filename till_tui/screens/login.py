"""Login: the cashier types a PIN and Enter. Opens the shift if none is open."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Static

from till_tui.domain.staff import PIN_LENGTHS, StaffMember
from till_tui.i18n import N_, _
from till_tui.screens.base import HELP_BINDING, TillScreen
from till_tui.store.errors import StoreError
from till_tui.widgets.key_bar import KeyBar


class LoginScreen(TillScreen[None]):
    """Type your PIN and press Enter."""

    CSS_PATH = "login.tcss"
    HELP = N_("Type your PIN and press Enter. Ctrl+Q leaves the till from this screen.")
    BINDINGS: ClassVar[list[BindingType]] = [
        HELP_BINDING,
        Binding("escape", "clear", N_("Clear"), id="clear"),
        Binding("ctrl+q", "app.quit_till", N_("Quit"), id="quit"),
    ]

    def compose(self) -> ComposeResult:
        config = self.till.config
        shop = config.shop.name or "till-tui"
        with Vertical(id="login", classes="box"):
            yield Static(Text(shop, style="bold"), id="shop")
            yield Static(
                Text(_("Register {register}").format(register=config.till.register)),
                id="register",
            )
            yield Static(_("PIN"), classes="label")
            yield Input(password=True, id="pin", restrict=r"[0-9]*", max_length=PIN_LENGTHS[-1])
            yield Static("", id="message")
            if self.till.demo_hint:
                yield Static(Text(_("Demo till: ") + self.till.demo_hint), id="demo-hint")
                if config.printer.kind == "file":
                    path = config.resolve(config.printer.path)
                    yield Static(
                        Text(_("Receipts are written to {path}").format(path=path)),
                        id="receipts-path",
                    )
        yield KeyBar()

    def scanned(self, code: str) -> bool:
        """A scan (over evdev, or typed by a keyboard-wedge scanner): a code that can be a PIN
        (up to 8 digits: a staff badge) is checked as one; any other (a product, a loyalty
        card) is ignored and said so, so a stray scan never counts towards the login lock."""
        pin = self.query_one("#pin", Input)
        if len(code) <= PIN_LENGTHS[-1] and code.isascii() and code.isdigit() and not pin.disabled:
            pin.value = code
            self.submit_pin(code)
            return True
        self.say(_("Scan ignored: type your PIN to log in."), error=True)
        return False

    def on_screen_resume(self) -> None:
        self.query_one("#pin", Input).focus()

    def action_clear(self) -> None:
        self.query_one("#pin", Input).value = ""
        self.say("")

    @on(Input.Submitted, "#pin")
    def check_pin(self, event: Input.Submitted) -> None:
        if event.value:
            self.submit_pin(event.value)

    def submit_pin(self, pin: str) -> None:
        self.query_one("#pin", Input).disabled = True
        self.say(_("Checking…"))
        self.authenticate(pin)

    @work(thread=True, exclusive=True, group="login", exit_on_error=False)
    def authenticate(self, pin: str) -> None:
        # scrypt takes ~50 ms per staff member: keep it off the UI thread.
        from till_tui.store.staff import LoginLocked

        self.till.record_config_once()
        try:
            member = self.till.services.staff.log_in(pin)  # journaled, locked after 5 wrong
            if member is not None:
                self._warm_up()
        except LoginLocked as locked:
            self.app.call_from_thread(self._locked, str(locked), locked.seconds)
            return
        except StoreError as error:
            self.app.call_from_thread(self._failed, str(error))
            return
        self.app.call_from_thread(self._logged_in, member)

    def _locked(self, message: str, seconds: int) -> None:
        """Too many wrong PINs: the PIN field stays disabled until the lock ends."""
        pin = self.query_one("#pin", Input)
        pin.value = ""
        self.say(message, error=True)
        self.set_timer(seconds, self._unlocked)

    def _unlocked(self) -> None:
        self._ready_for_pin()
        self.say(_("Type your PIN."))

    def _ready_for_pin(self) -> None:
        pin = self.query_one("#pin", Input)
        pin.disabled = False
        pin.value = ""
        pin.focus()

    def _warm_up(self) -> None:
        """Load the sale machinery in this worker thread, so the sale screen opens at once
        and a scan typed right after login is not lost in the screen change."""
        import till_tui.screens.sale  # noqa: F401

        services = self.till.services
        for service in (services.shifts, services.drafts, services.sales, services.catalog):
            assert service is not None

    def _failed(self, message: str) -> None:
        self._ready_for_pin()
        self.say(message, error=True)

    def _logged_in(self, member: StaffMember | None) -> None:
        if member is None:
            self._failed(_("Wrong PIN. Try again."))
            return
        self._ready_for_pin()
        self.say("")
        shift = self.till.services.shifts.current()
        if shift is None:
            from till_tui.screens.open_shift import OpenShiftScreen

            self.app.push_screen(OpenShiftScreen(member))
        else:
            self.till.start_session(member, shift)
