"""ESC/POS rendering with the real python-escpos, decoded back to text; file and no printers."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from tests.escpos_text import EscPosDecodeError, decode_escpos, drawer_kicks, receipts_in
from till_tui.domain.cart import Adjustment
from till_tui.domain.receipt import (
    Receipt,
    ReceiptLine,
    ReceiptTender,
    Row,
    ShopHeader,
    layout_receipt,
)
from till_tui.domain.vat import vat_breakdown
from till_tui.hw.printer import (
    FilePrinter,
    NoPrinter,
    PrinterError,
    drawer_pulse,
    open_printer,
    render_escpos,
)

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def sample_receipt(sale_number: int = 7) -> Receipt:
    lines = (
        ReceiptLine("Crème brûlée", 2000, 350, 700, None, 0, 1000),
        ReceiptLine("Pâte à tartiner", 1000, 1250, 1125, Adjustment("percent", 1000), -125, 550),
    )
    total = sum(line.amount for line in lines)
    vat = vat_breakdown((line.vat_rate, line.amount) for line in lines)
    return Receipt(
        shop=ShopHeader("Café de la Gare", ("Place de l'Église",), ("À bientôt !",)),
        sale_number=sale_number,
        register="Caisse 1",
        cashier="Hélène",
        created_at=datetime(2025, 3, 12, 9, 30),
        lines=lines,
        subtotal=total,
        basket_adjustment=0,
        basket_rule=None,
        total=total,
        vat=vat,
        tenders=(ReceiptTender("Espèces", total, 2000, 2000 - total),),
        change=2000 - total,
        title="DUPLICATA",
    )


def render(receipt: Receipt, **kwargs: object) -> bytes:
    rows = layout_receipt(receipt, width=42, currency="EUR", locale="fr_FR")
    return render_escpos(rows, **kwargs)  # type: ignore[arg-type]


def test_render_decodes_to_the_receipt_text() -> None:
    data = render(sample_receipt())
    assert data.startswith(b"\x1b@\x1bt\x13")  # reset, then code page 19 = CP858
    assert b"\xd5" in data  # € in CP858
    text = decode_escpos(data)
    lines = text.splitlines()
    assert "Crème brûlée" in lines
    assert any(line.startswith("Pâte à tartiner") and line.endswith("12,50") for line in lines)
    assert any(line.startswith("TOTAL") and line.endswith("18,25 €") for line in lines)
    assert "Sale N° 7" in lines and "Cashier: Hélène" in lines and "À bientôt !" in lines
    assert "Place de l'Église" in lines
    assert any(line.startswith("  Discount 10 %") and line.endswith("-1,25") for line in lines)
    assert "?" not in text and "\u00a0" not in text and "\u202f" not in text
    assert all(len(line) <= 42 for line in lines)


def test_render_styles_and_cut() -> None:
    data = render(sample_receipt())
    assert b"\x1bE\x01\x1ba\x01Caf" in data  # centred, bold shop name
    assert b"\x1b!\x30\x1bE\x01\x1ba\x01DUPLICATA\n" in data  # double size, bold, centred
    assert b"\x1b!\x00" in data
    assert data.endswith(b"\x1bd\x06\x1dV\x01")  # feed 6 lines, partial cut
    uncut = render(sample_receipt(), cut=False)
    assert b"\x1dV" not in uncut and uncut.endswith(b"\x1bd\x04")
    assert decode_escpos(uncut).rstrip() == decode_escpos(data).rstrip()


def test_render_with_another_code_page() -> None:
    data = render_escpos([Row("Crème 5 €")], codepage="cp437", cut=False)
    assert data.startswith(b"\x1b@\x1bt\x00")
    assert decode_escpos(data).strip() == "Crème 5 ?"  # CP437 has é but no €
    data = render_escpos([Row("Crème 5 €")], codepage="CP1252", cut=False)
    assert decode_escpos(data).strip() == "Crème 5 €"


def test_render_refuses_unknown_profile_and_code_page() -> None:
    with pytest.raises(PrinterError, match="no-such-printer"):
        render_escpos([Row("x")], profile="no-such-printer")
    with pytest.raises(PrinterError, match="CP9999"):
        render_escpos([Row("x")], codepage="CP9999")
    assert render_escpos([Row("x")], profile="TM-T88V").startswith(b"\x1b@\x1bt\x13")


def test_decoder_is_strict() -> None:
    with pytest.raises(EscPosDecodeError):
        decode_escpos(b"\x1bp\x02\x19\xfa")  # cash drawer kick on no known pin
    with pytest.raises(EscPosDecodeError):
        decode_escpos(b"\x1bp\x00\x19")  # drawer kick cut short
    with pytest.raises(EscPosDecodeError):
        decode_escpos(b"\x1bq\x00")  # unknown command
    with pytest.raises(EscPosDecodeError):
        decode_escpos(b"\x1bt")  # cut short
    with pytest.raises(EscPosDecodeError):
        decode_escpos(b"abc\rdef")
    assert decode_escpos(b"\x1bt\x13\xd5\x1b@\xd5\n") == "€╒\n"  # ESC @: back to CP437


def test_drawer_pulse_is_esc_p_on_pin_2_or_5() -> None:
    # ESC p m t1 t2: m = 0 (pin 2) or 1 (pin 5), 50 x 2 ms on, 50 x 2 ms off.
    assert drawer_pulse() == b"\x1bp\x00\x32\x32"
    assert drawer_pulse(2) == b"\x1bp\x00\x32\x32"
    assert drawer_pulse(5) == b"\x1bp\x01\x32\x32"
    assert drawer_pulse(5, profile="TM-T88V") == b"\x1bp\x01\x32\x32"
    assert drawer_kicks(drawer_pulse(2)) == [(2, 50, 50)]
    assert drawer_kicks(drawer_pulse(5)) == [(5, 50, 50)]
    assert decode_escpos(drawer_pulse(2) + drawer_pulse(5)) == ""  # prints nothing


def test_drawer_pulse_after_a_receipt_decodes() -> None:
    data = render(sample_receipt(3)) + drawer_pulse(5)
    receipts = receipts_in(data)
    assert len(receipts) == 1 and "Sale N° 3" in receipts[0].splitlines()
    assert drawer_kicks(data) == [(5, 50, 50)]
    assert drawer_kicks(render(sample_receipt(3))) == []


@pytest.mark.parametrize("pin", [0, 1, 3, 4, 6, True])
def test_drawer_pulse_refuses_other_pins(pin: int) -> None:
    with pytest.raises(PrinterError, match="drawer pin must be 2 or 5"):
        drawer_pulse(pin)


def test_drawer_pulse_refuses_an_unknown_profile() -> None:
    with pytest.raises(PrinterError, match="unknown printer model no-such-printer"):
        drawer_pulse(2, profile="no-such-printer")


def test_file_printer_appends_receipts(tmp_path: Path) -> None:
    path = tmp_path / "receipts.escpos"
    printer = open_printer("file", path)
    assert isinstance(printer, FilePrinter)
    assert printer.description == f"file {path}"
    printer.send(render(sample_receipt(1)))
    printer.send(render(sample_receipt(2)))
    receipts = receipts_in(path.read_bytes())
    assert len(receipts) == 2
    assert "Sale N° 1" in receipts[0].splitlines() and "Sale N° 2" in receipts[1].splitlines()
    assert all("Crème brûlée" in receipt for receipt in receipts)


def test_file_printer_reports_unwritable_paths(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-dir" / "receipts.escpos"
    with pytest.raises(PrinterError) as caught:
        FilePrinter(missing).send(b"x")
    assert str(caught.value) == f"Printer: cannot write to {missing} (No such file or directory)"
    with pytest.raises(PrinterError, match=r"cannot write to .* \(Is a directory\)"):
        FilePrinter(tmp_path).send(b"x")


def test_no_printer_and_unsupported_kinds(tmp_path: Path) -> None:
    printer = open_printer("none", None)
    assert isinstance(printer, NoPrinter) and printer.description == "none"
    printer.send(b"anything")
    with pytest.raises(PrinterError, match="parallel is not supported yet"):
        open_printer("parallel", None)
    with pytest.raises(PrinterError):
        open_printer("file", None)


def test_importing_the_module_does_not_import_escpos() -> None:
    code = (
        "import sys, till_tui.hw.printer, till_tui.hw.print_queue; print('escpos' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_escpos_import_leaves_logging_alone(tmp_path: Path) -> None:
    code = (
        "import logging, os; from till_tui.hw.printer import render_escpos; "
        "render_escpos([]); print(len(logging.root.handlers), "
        "os.environ['ESCPOS_CAPABILITIES_PICKLE_DIR'])"
    )
    env = {"PATH": "", "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    handlers, pickle_dir = result.stdout.split()
    assert handlers == "0"
    assert Path(pickle_dir) == tmp_path / "cache" / "till-tui" / "escpos"
    assert any(Path(pickle_dir).glob("*.capabilities.pickle"))
