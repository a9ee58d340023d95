"""Staff as a manager sets them up: PINs are never stored, never shared, and always checked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import CASHIER_PIN, MANAGER_PIN, write_config
from till_tui.config import Config, load_config
from till_tui.domain.staff import StaffMember
from till_tui.store.db import close_database, database
from till_tui.store.services import Services
from till_tui.store.staff import StaffDirectory, StaffError, verify_pin

# A distinctive PIN: its digits cannot turn up by chance in a timestamp or a hex hash.
DISTINCTIVE_PIN = "73915286"


@pytest.fixture
def shop(tmp_path: Path) -> Config:
    return load_config(
        write_config(
            tmp_path / "shop",
            '[store]\ndatabase = "sqlite:///till.db"\n[till]\nlocale = "en_US"\n'
            '[printer]\nkind = "none"\n',
        )
    )


@pytest.fixture
def staff(shop: Config) -> Iterator[StaffDirectory]:
    """The staff of a new shop: nobody yet."""
    yield Services.open(shop).staff
    close_database()


def database_bytes(folder: Path) -> bytes:
    """Everything SQLite has put on disk for the store: the file, its WAL and shared memory."""
    return b"".join(path.read_bytes() for path in sorted(folder.glob("till.db*")))


def test_a_pin_is_stored_only_as_a_salted_scrypt_hash(shop: Config, staff: StaffDirectory) -> None:
    member = staff.add("Alice", DISTINCTIVE_PIN, "manager")
    assert member == StaffMember(member.id, "Alice", "manager")
    stored = database.execute_sql("SELECT pin_hash FROM staff WHERE id = ?", (member.id,))
    pin_hash = stored.fetchone()[0]
    assert pin_hash.startswith("scrypt$")
    assert DISTINCTIVE_PIN not in pin_hash
    assert verify_pin(DISTINCTIVE_PIN, pin_hash)
    assert not verify_pin("73915287", pin_hash)

    files = sorted(p.name for p in shop.base_dir.glob("till.db*"))
    assert "till.db" in files
    raw = database_bytes(shop.base_dir)
    assert b"Alice" in raw  # the name is on disk: the bytes we read are the real ones
    assert DISTINCTIVE_PIN.encode() not in raw
    assert DISTINCTIVE_PIN.encode("utf-16-le") not in raw

    close_database()  # checkpoint the WAL into the main file, and look again
    raw = database_bytes(shop.base_dir)
    assert b"Alice" in raw
    assert DISTINCTIVE_PIN.encode() not in raw


def test_the_same_pin_gets_a_different_hash_each_time(staff: StaffDirectory) -> None:
    staff.add("Alice", "4321", "cashier")
    staff.add("Bob", "4322", "cashier")
    hashes = [row[0] for row in database.execute_sql("SELECT pin_hash FROM staff").fetchall()]
    salts = {pin_hash.split("$")[4] for pin_hash in hashes}
    assert len(salts) == 2


def test_two_members_cannot_share_a_pin(services: Services) -> None:
    with pytest.raises(StaffError, match="already used"):
        services.staff.add("Dominique", CASHIER_PIN, "cashier")
    with pytest.raises(StaffError, match="already used"):
        services.staff.add("Dominique", MANAGER_PIN, "manager")
    assert services.staff.count() == 2
    assert (
        database.execute_sql("SELECT COUNT(*) FROM staff WHERE name = 'Dominique'").fetchone()[0]
        == 0
    )


def test_two_members_cannot_share_a_name(services: Services) -> None:
    with pytest.raises(StaffError, match="Camille"):
        services.staff.add(" Camille ", "5555", "cashier")
    assert services.staff.count() == 2


@pytest.mark.parametrize("pin", ["abcd", "12a4", "123", "123456789", "12 34", "", "-1234", "12.4"])
def test_a_pin_must_be_four_to_eight_digits(staff: StaffDirectory, pin: str) -> None:
    with pytest.raises(StaffError, match="4 to 8 digits"):
        staff.add("Alice", pin, "cashier")
    assert staff.count() == 0


@pytest.mark.parametrize("pin", ["¹²³⁴", "１２３４"])
def test_a_pin_of_non_ascii_digits_is_refused(staff: StaffDirectory, pin: str) -> None:
    with pytest.raises(StaffError):
        staff.add("Alice", pin, "cashier")
    assert staff.count() == 0


@pytest.mark.parametrize("pin", ["1234", "12345678"])
def test_four_and_eight_digits_are_accepted(staff: StaffDirectory, pin: str) -> None:
    member = staff.add("Alice", pin, "cashier")
    assert staff.authenticate(pin) == member


def test_name_and_role_are_checked(staff: StaffDirectory) -> None:
    with pytest.raises(StaffError, match="name"):
        staff.add("   ", "4321", "cashier")
    with pytest.raises(StaffError, match="cashier or manager"):
        staff.add("Alice", "4321", "owner")
    assert staff.count() == 0


def test_authenticate_finds_the_right_member(services: Services) -> None:
    cashier = services.staff.authenticate(CASHIER_PIN)
    manager = services.staff.authenticate(MANAGER_PIN)
    assert cashier is not None and (cashier.name, cashier.role) == ("Camille", "cashier")
    assert manager is not None and (manager.name, manager.role) == ("Patron", "manager")
    assert manager.is_manager and not cashier.is_manager
    assert services.staff.authenticate("0000") is None
    assert services.staff.authenticate(CASHIER_PIN + "0") is None
    assert services.staff.authenticate("") is None
    assert services.staff.authenticate("abcd") is None


def test_a_member_no_longer_active_cannot_log_in(services: Services) -> None:
    database.execute_sql("UPDATE staff SET active = 0 WHERE name = 'Camille'")
    assert services.staff.authenticate(CASHIER_PIN) is None
    assert services.staff.count() == 1
