"""`till verify` and `till export journal` on a real store: a shift with cash and prepaid
sales, a refund, a top-up, a reprint and a Z; then the data altered directly in SQLite, as
someone with the file and sqlite3 could, and each alteration caught."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from tests.escpos_text import decode_escpos
from tests.store.tills import EUR, open_till
from tests.test_cli import till
from till_tui.config import load_config
from till_tui.demo import DEMO_CUSTOMERS, DemoStore
from till_tui.store.db import close_database
from till_tui.store.services import Services
from till_tui.store.verify import verify

JEAN = DEMO_CUSTOMERS[1][1]


@pytest.fixture
def shop(demo: DemoStore) -> DemoStore:
    """Two sales (one paid from the prepaid account), a top-up, a refund, a reprint, cash in,
    a no-sale drawer opening, a credit limit, a Z, and a sale in the next shift."""
    config = load_config(demo.config_path)
    shop = open_till(Services.open(config), config)
    services = shop.services
    jean = shop.customer(JEAN)
    shop.top_up(jean, 20 * EUR)
    first = shop.complete(shop.ring(1, 2))
    due = shop.ring(13, customer=jean).totals().total
    shop.complete(shop.ring(13, customer=jean), shop.pay("prepaid", due, due, available=20 * EUR))
    refundable = services.refunds.refundable(first.id)
    line = refundable.lines[0]
    services.refunds.refund(
        first.id,
        {line.line_id: line.remaining},
        staff=shop.cashier,
        approved_by=shop.manager,
        shift_id=shop.shift_id,
    )
    services.sales.record_copy(first.id, shop.cashier)
    services.shifts.move_cash(shop.shift_id, shop.cashier, "in", 20 * EUR, "float top-up")
    services.drawer.no_sale(shop.cashier, approved_by=shop.manager, shift_id=shop.shift_id)
    services.accounts.set_credit_limit(jean.id, 500 * EUR, shop.cashier, shop.manager)
    services.shifts.close(
        shop.shift_id,
        shop.manager,
        {"cash": 150 * EUR + 280 + 20 * EUR},  # the float, the sales, the cash in
        methods=config.payment_methods,
        threshold=5 * EUR,
    )
    shift = services.shifts.open(shop.cashier, 100 * EUR)
    shop.shift_id = shift.id
    shop.complete(shop.ring(2))
    close_database()
    return demo


def tamper(shop: DemoStore, sql: str) -> None:
    """Change the file behind the till's back, triggers dropped first."""
    with sqlite3.connect(shop.folder / "till.db") as connection:
        triggers = connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        drops = "".join(f"DROP TRIGGER {name};" for (name,) in triggers.fetchall())
        connection.executescript(drops + sql)
    connection.close()


def test_an_intact_store_verifies(tmp_path: Path, shop: DemoStore) -> None:
    result = till(tmp_path, "verify", config=shop.config_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "register R1: 13 journal rows (chain intact)" in result.stdout
    assert (
        "checked: sales and refunds 4, account movements 2, Z reports 1, other records 6"
        in result.stdout
    )
    assert "Verified: nothing was altered." in result.stdout


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        (
            "UPDATE sale SET total = total - 100 WHERE number = 2",
            "journal row 5, sale: sale N° 2: total: does not match the journal",
        ),
        (
            "UPDATE sale_line SET total = 10 WHERE sale_id = 1 AND position = 2",
            "journal row 3, sale: sale N° 1: lines: does not match the journal",
        ),
        (
            "DELETE FROM journal WHERE seq = 6",
            "journal row 7, reprint: sequence 7 where 6 was expected (a row is missing)",
        ),
        (
            "UPDATE journal SET seq = 1000 WHERE seq = 4;"
            " UPDATE journal SET seq = 4 WHERE seq = 5;"
            " UPDATE journal SET seq = 5 WHERE seq = 1000;",
            "journal row 4, sale: prev_hash is not the previous row's hash",
        ),
        (
            "UPDATE ledger_entry SET amount = 1 WHERE kind = 'topup'",
            "account movement 1 differs from the journal's",
        ),
        (
            "UPDATE shift_close SET grand_total = grand_total + 500",
            "Z 1: its grand totals differ from the journal's",
        ),
        (
            "INSERT INTO sale (register, number, shift_id, staff_id, created_at, subtotal,"
            " basket_adjustment, discount_total, total, vat_total, note)"
            " SELECT register, 99, shift_id, staff_id, created_at, 500, 0, 0, 500, 45, ''"
            " FROM sale WHERE number = 1",
            "sale N° 99 has no journal row",
        ),
        (
            "UPDATE sale SET vat_total = 0 WHERE number = 1",
            "journal row 3, sale: sale N° 1: VAT total: does not match the journal",
        ),
        (
            "UPDATE payment SET tendered = tendered + 1000, change_given = change_given + 1000"
            " WHERE sale_id = 1",
            "journal row 3, sale: sale N° 1: tenders: does not match the journal",
        ),
        (
            "UPDATE cash_movement SET amount = 1",
            "journal row 8, cash_in: cash movement 1 differs from the journal's",
        ),
        (
            "DELETE FROM receipt_copy",
            "journal row 7, reprint: reprint 1/1 is in the journal but not in the tables",
        ),
        (
            # The last row of a kind removed from the end of a chain: no gap to see there.
            "DELETE FROM journal WHERE kind = 'drawer_open'",
            "drawer opening 1 has no journal row",
        ),
        (
            "UPDATE customer SET credit_limit = 99999999",
            "journal row 10, credit_limit: customer 2: credit limit differs from the journal's",
        ),
        (
            "UPDATE shift SET opening_float = 1 WHERE number = 2",
            "shift_open: shift 2 differs from the journal's",
        ),
    ],
    ids=[
        "sale-total",
        "sale-line",
        "journal-deleted",
        "journal-swapped",
        "ledger",
        "z",
        "added",
        "sale-vat",
        "change",
        "cash-movement",
        "reprint-deleted",
        "drawer-journal-cut",
        "credit-limit",
        "float",
    ],
)
def test_each_alteration_is_caught(
    tmp_path: Path, shop: DemoStore, sql: str, expected: str
) -> None:
    tamper(shop, sql)
    result = till(tmp_path, "verify", config=shop.config_path)
    assert result.returncode == 1, result.stdout
    assert "NOT VERIFIED" in result.stderr
    assert expected in " ".join(result.stderr.split()), result.stderr
    assert "Traceback" not in result.stderr
    # The failure is journaled, at the end of the register's chain.
    with sqlite3.connect(shop.folder / "till.db") as connection:
        kind, payload = connection.execute(
            "SELECT kind, payload FROM journal ORDER BY id DESC LIMIT 1"
        ).fetchone()
    connection.close()
    assert kind == "verify_failed"
    assert json.loads(payload)["problems"] >= 1


def test_verify_reads_every_check_in_one_pass(shop: DemoStore) -> None:
    Services.open(load_config(shop.config_path))
    try:
        result = verify()
    finally:
        close_database()
    assert result.ok and result.problems == []
    assert (result.rows, result.sales, result.entries, result.closes) == (13, 4, 2, 1)
    assert result.records == 6  # 2 shifts, cash in, drawer, reprint, Jean's credit limit


def test_the_journal_export_lets_an_auditor_recompute_every_hash(
    tmp_path: Path, shop: DemoStore
) -> None:
    out = tmp_path / "journal.jsonl"
    today = date.today().isoformat()
    result = till(
        tmp_path, "export", "journal", "--from", today, "--to", today, "-o", str(out),
        config=shop.config_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "13 journal rows written to" in result.stdout
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [row["seq"] for row in rows] == list(range(1, 14))
    assert rows[0]["prev_hash"] == "0" * 64
    previous = rows[0]["prev_hash"]
    for row in rows:  # with hashlib alone, as an auditor would
        assert row["prev_hash"] == previous
        content = [
            row["prev_hash"], row["register"], row["seq"], row["created_at"], row["staff_id"],
            row["kind"], row["payload"],
        ]  # fmt: skip
        text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert hashlib.sha256(text.encode("utf-8")).hexdigest() == row["hash"]
        assert json.loads(row["payload"]) == row["data"]
        previous = row["hash"]
    kinds = [row["kind"] for row in rows]
    assert kinds.count("sale") == 3 and kinds.count("refund") == 1
    assert "shift_close" in kinds and "reprint" in kinds and "topup" in kinds
    sale = next(row for row in rows if row["kind"] == "sale")
    assert sale["staff"] == "Camille"
    assert set(sale["data"]) >= {"number", "total", "vat", "lines", "tenders"}

    result = till(
        tmp_path, "export", "journal", "--from", "2001-01-01", "--to", "2001-01-31",
        config=shop.config_path,
    )  # fmt: skip
    assert result.returncode == 0 and result.stdout == "", "nothing journaled then"


def rewrite_chain(shop: DemoStore, register: str = "R1") -> None:
    """Recompute every hash of the register's chain, as someone with sqlite3 and the README's
    algorithm could after changing a row: the chain verifies again."""
    with sqlite3.connect(shop.folder / "till.db") as connection:
        rows = connection.execute(
            "SELECT id, seq, created_at, staff_id, kind, payload FROM journal"
            " WHERE register = ? ORDER BY seq",
            (register,),
        ).fetchall()
        previous = "0" * 64
        for row_id, seq, created_at, staff_id, kind, payload in rows:
            content = [previous, register, seq, created_at, staff_id, kind, payload]
            text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
            connection.execute(
                "UPDATE journal SET prev_hash = ?, hash = ? WHERE id = ?",
                (previous, digest, row_id),
            )
            previous = digest
    connection.close()


def test_the_z_prints_the_journal_row_it_closes_on(shop: DemoStore) -> None:
    with sqlite3.connect(shop.folder / "till.db") as connection:
        (report,) = connection.execute("SELECT report FROM shift_close").fetchone()
        (close_seq,) = connection.execute(
            "SELECT seq FROM journal WHERE kind = 'shift_close'"
        ).fetchone()
        data = json.loads(report)
        (anchored,) = connection.execute(
            "SELECT hash FROM journal WHERE seq = ?", (data["journal_seq"],)
        ).fetchone()
    connection.close()
    assert data["journal_seq"] == close_seq - 1, "the last row of the shift"
    assert data["journal_hash"] == anchored
    text = decode_escpos(reprint_z(shop))
    assert f"Journal: row {close_seq - 1}" in text
    assert f"SHA-256 {anchored[0:4]} {anchored[4:8]} {anchored[8:12]} {anchored[12:16]}" in text


def reprint_z(shop: DemoStore) -> bytes:
    """Z 1 as `till report z 1 --print` prints it (a file printer)."""
    receipts = shop.folder / "receipts.escpos"
    receipts.unlink(missing_ok=True)
    result = till(shop.folder, "report", "z", "1", "--print", config=shop.config_path)
    assert result.returncode == 0, result.stderr
    return receipts.read_bytes()


def test_a_journal_rewritten_with_every_hash_recomputed_is_caught_by_the_z(
    tmp_path: Path, shop: DemoStore
) -> None:
    # The no-sale opening's reason changed in its table and in its journal row, then every
    # hash recomputed: the chain and the records agree again; only the paper Z does not.
    tamper(
        shop,
        "UPDATE drawer_opening SET reason = 'till float';"
        ' UPDATE journal SET payload = replace(payload, \'"reason":""\','
        " '\"reason\":\"till float\"') WHERE kind = 'drawer_open';",
    )
    rewrite_chain(shop)
    result = till(tmp_path, "verify", config=shop.config_path)
    assert result.returncode == 1, result.stdout
    problems = " ".join(result.stderr.split())
    assert "journal row 10, shift_close: Z 1 printed journal row 10 with another hash" in problems
    assert "chain intact" in result.stdout, "the chain itself verifies"
