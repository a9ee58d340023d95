"""Staff: adding members and checking PINs. PINs are stored as salted scrypt hashes only.

Logging in is journaled on the register's chain: each login, each wrong PIN, each logout.
Five wrong PINs in a row lock the login of the register for a minute (the lock is journaled
too, so restarting the till does not lift it).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from till_tui.domain.staff import PIN_LENGTHS, ROLES, Role, StaffMember
from till_tui.i18n import _
from till_tui.store import journal
from till_tui.store.db import database, transaction
from till_tui.store.models import Journal, Staff, now

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
LOCK_AFTER = 5
"""Wrong PINs in a row that lock the login."""
LOCK_SECONDS = 60
"""How long the login stays locked."""


class StaffError(ValueError):
    """A refused staff change; the message says why."""


class LoginLocked(StaffError):
    """Too many wrong PINs: the login is locked for `seconds` more."""

    def __init__(self, seconds: int) -> None:
        super().__init__(
            _("Too many wrong PINs: the login is locked for {seconds} s.").format(seconds=seconds)
        )
        self.seconds = seconds


class ApprovalLocked(StaffError):
    """Too many wrong PINs at a manager's approval: approvals are locked for `seconds` more."""

    def __init__(self, seconds: int) -> None:
        super().__init__(
            _("Too many wrong PINs: approvals are locked for {seconds} s.").format(seconds=seconds)
        )
        self.seconds = seconds


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    """A salted scrypt hash of `pin`, as "scrypt$n$r$p$salt$hash" (hex)."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_pin(pin: str, stored: str) -> bool:
    """True if `pin` matches the `stored` hash (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p))
    return hmac.compare_digest(candidate.hex(), digest)


def _member(row: Staff) -> StaffMember:
    role: Role = "manager" if row.role == "manager" else "cashier"
    return StaffMember(id=row.id, name=row.name, role=role)


_LOGINS_SQL = (
    "SELECT kind, created_at FROM journal WHERE register = ?"
    " AND kind IN ('login', 'login_failed', 'login_locked') ORDER BY seq DESC LIMIT ?"
)
_APPROVALS_SQL = (
    "SELECT kind, created_at FROM journal WHERE register = ?"
    " AND kind IN ('approval', 'pin_failed', 'approval_locked') ORDER BY seq DESC LIMIT ?"
)


class StaffDirectory:
    """Who may use the till (of register `register`, whose journal records the logins)."""

    def __init__(self, register: str = "") -> None:
        self.register = register

    def add(self, name: str, pin: str, role: str) -> StaffMember:
        """Add a member; the PIN is 4 to 8 digits and not already someone else's."""
        name = name.strip()
        if not name:
            raise StaffError(_("A name is required."))
        if role not in ROLES:
            raise StaffError(_("The role must be cashier or manager."))
        if not (pin.isascii() and pin.isdigit()) or len(pin) not in PIN_LENGTHS:
            raise StaffError(_("The PIN must be 4 to 8 digits."))
        if self.authenticate(pin) is not None:
            raise StaffError(_("This PIN is already used by someone else: choose another."))
        with transaction():
            if Staff.get_or_none(Staff.name == name) is not None:
                raise StaffError(_("A staff member named {name} exists already.").format(name=name))
            row = Staff.create(name=name, role=role, pin_hash=hash_pin(pin))
        return _member(row)

    def authenticate(self, pin: str) -> StaffMember | None:
        """The active member whose PIN this is, or None. Takes ~50 ms per member (scrypt)."""
        if not pin.isdigit():
            return None
        for row in Staff.select().where(Staff.active == True).order_by(Staff.id):  # noqa: E712
            if verify_pin(pin, row.pin_hash):
                return _member(row)
        return None

    def count(self) -> int:
        return int(Staff.select().where(Staff.active == True).count())  # noqa: E712

    # -- at the login screen ------------------------------------------------------------------

    def locked_for(self) -> int:
        """Seconds the login stays locked (0: not locked)."""
        return self._locked_for(_LOGINS_SQL, "login_locked")

    def _locked_for(self, sql: str, lock: str) -> int:
        last = database.execute_sql(sql, (self.register, 1)).fetchone()
        if last is None or last[0] != lock:
            return 0
        until = Journal.created_at.python_value(last[1]) + timedelta(seconds=LOCK_SECONDS)
        left = (until - now()).total_seconds()
        return max(int(left + 0.999), 0)

    def log_in(self, pin: str) -> StaffMember | None:
        """The member whose PIN this is (journaled "login"), or None (journaled
        "login_failed"). The fifth wrong PIN in a row locks the login (journaled
        "login_locked") and raises LoginLocked, as does any try while it is locked."""
        left = self.locked_for()
        if left:
            raise LoginLocked(left)
        member = self.authenticate(pin)
        with transaction():
            if member is not None:
                journal.append(self.register, "login", member.id, {"staff": member.name})
                return member
            failures = self._failures_in_a_row() + 1
            journal.append(self.register, "login_failed", None, {"in_a_row": failures})
            if failures >= LOCK_AFTER:
                journal.append(self.register, "login_locked", None, {"seconds": LOCK_SECONDS})
        if failures >= LOCK_AFTER:
            raise LoginLocked(LOCK_SECONDS)
        return None

    def _failures_in_a_row(self, sql: str = _LOGINS_SQL, failed: str = "login_failed") -> int:
        failures = 0
        for kind, _stamp in database.execute_sql(sql, (self.register, LOCK_AFTER)):
            if kind != failed:
                break
            failures += 1
        return failures

    def log_out(self, member: StaffMember) -> None:
        """`member` left the till (logged out or locked it); the shift stays open."""
        with transaction():
            journal.append(self.register, "logout", member.id, {"staff": member.name})

    def approval_locked_for(self) -> int:
        """Seconds a manager's approval stays locked (0: not locked)."""
        return self._locked_for(_APPROVALS_SQL, "approval_locked")

    def approve(self, pin: str) -> StaffMember | None:
        """The manager whose PIN this is, typed to approve what a cashier may not do alone
        (journaled "approval"), or None: a PIN that is no manager's (a cashier's own
        included) is journaled "pin_failed". The fifth in a row locks approvals for a
        minute (journaled "approval_locked") and raises ApprovalLocked, as does any try
        while they are locked: a cashier cannot guess a manager's PIN."""
        left = self.approval_locked_for()
        if left:
            raise ApprovalLocked(left)
        member = self.authenticate(pin)
        with transaction():
            if member is not None and member.is_manager:
                journal.append(self.register, "approval", member.id, {"staff": member.name})
                return member
            failures = self._failures_in_a_row(_APPROVALS_SQL, "pin_failed") + 1
            journal.append(
                self.register,
                "pin_failed",
                member.id if member is not None else None,
                {"for": "approval", "in_a_row": failures},
            )
            if failures >= LOCK_AFTER:
                journal.append(self.register, "approval_locked", None, {"seconds": LOCK_SECONDS})
        if failures >= LOCK_AFTER:
            raise ApprovalLocked(LOCK_SECONDS)
        return None
