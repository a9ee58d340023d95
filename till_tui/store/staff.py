"""Staff: adding members and checking PINs. PINs are stored as salted scrypt hashes only."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from till_tui.domain.staff import ROLES, Role, StaffMember
from till_tui.i18n import _
from till_tui.store.db import transaction
from till_tui.store.models import Staff

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
PIN_LENGTHS = range(4, 9)


class StaffError(ValueError):
    """A refused staff change; the message says why."""


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


class StaffDirectory:
    """Who may use the till."""

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
