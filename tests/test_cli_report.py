"""`till report x|z [--print]`: the same figures as the till's screen, in the terminal and on
the printer, from a real store in another process."""

from __future__ import annotations

from pathlib import Path

from tests.escpos_text import receipts_in
from tests.store.tills import EUR, open_till
from tests.test_cli import till
from till_tui.config import Config
from till_tui.demo import DemoStore
from till_tui.store.db import close_database
from till_tui.store.services import Services

MENU, CHAMPAGNE = 12, 40  # 14.90 at 10 %, 32.00 at 20 %


def test_x_then_z(tmp_path: Path, demo: DemoStore, services: Services, config: Config) -> None:
    result = till(tmp_path, "report", "x", config=demo.config_path)
    assert result.returncode == 1
    assert "no shift is open on register R1" in result.stderr

    shop = open_till(services, config)
    shop.complete(shop.ring(MENU), shop.pay("cash", 20 * EUR, 1490))
    shop.complete(shop.ring(CHAMPAGNE), shop.pay("card", 3200, 3200))
    services.shifts.move_cash(shop.shift_id, shop.cashier, "out", 500, "Window cleaner")
    close_database()

    result = till(tmp_path, "report", "x", config=demo.config_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "X REPORT" in out and "Traceback" not in result.stderr
    assert "Sales (2)" in out and "46.90" in out
    # cash expected: 150.00 float + 14.90 - 5.00 out
    assert "159.90" in out and "Window cleaner" in out
    assert "20.00" in out and "-5.10" in out  # handed over, change given

    result = till(tmp_path, "report", "z", config=demo.config_path)
    assert result.returncode == 1
    assert "No shift has been closed on this register yet." in result.stderr

    Services.open(shop.config)
    services.shifts.close(
        shop.shift_id, shop.cashier, {"cash": 15990, "card": 3200},
        methods=config.payment_methods, threshold=500,
    )  # fmt: skip
    close_database()
    before = demo.receipts.read_bytes() if demo.receipts.exists() else b""
    result = till(tmp_path, "report", "z", "1", "--print", config=demo.config_path)
    assert result.returncode == 0, result.stderr
    assert "Z REPORT N° 1" in result.stdout and "Report printed." in result.stdout
    printed = receipts_in(demo.receipts.read_bytes()[len(before) :])
    assert len(printed) == 1
    z = printed[0]
    assert "Z REPORT N° 1" in z and "Grand total" in z
    assert "REVENUE incl. VAT" in z and "46.90" in z
    assert "Counted" in z and "159.90" in z

    result = till(tmp_path, "report", "z", "2", config=demo.config_path)
    assert result.returncode == 1 and "No Z report N° 2" in result.stderr
    result = till(tmp_path, "report", "x", "3", config=demo.config_path)
    assert result.returncode == 1 and "no number" in result.stderr
