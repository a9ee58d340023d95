"""USB printers: the configuration and the messages when there is no printer to talk to.

This machine has no USB bus. What is tested with the real pyusb alone is what a till says when
libusb is missing, or when the printer is not on the bus; then a printer on the bus is played
by a pyusb backend (tests/fake_usb.py), under the real pyusb and the till's USB code:
receipts, status, endpoints, unplugging.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import write_config
from tests.escpos_text import decode_escpos
from tests.fake_usb import PrinterBackend
from tests.printer_server import PAPER_OUT, STATUS_ANSWERS
from tests.unit.test_printer import render, sample_receipt
from till_tui.config import ConfigError, PrinterConfig, load_config
from till_tui.hw.printer import PrinterError, open_printer
from till_tui.hw.printer_status import PrinterStatus
from till_tui.hw.printers import UsbPrinter


def libusb_available() -> bool:
    import usb.backend.libusb0  # type: ignore[import-untyped]
    import usb.backend.libusb1  # type: ignore[import-untyped]

    return bool(usb.backend.libusb1.get_backend() or usb.backend.libusb0.get_backend())


def usb_printer(**settings: str | int) -> UsbPrinter:
    config = PrinterConfig(kind="usb", vendor_id="0x04b8", product_id="0x0202", **settings)  # type: ignore[arg-type]
    printer = open_printer(config)
    assert isinstance(printer, UsbPrinter)
    return printer


def test_a_usb_printer_from_the_config(tmp_path: Path) -> None:
    text = """\
[printer]
kind = "usb"
vendor_id = "0x04B8"
product_id = "0202"
interface = 0
in_ep = "0x82"
out_ep = "0x01"
timeout = 3
"""
    config = load_config(write_config(tmp_path, text))
    printer = open_printer(config.printer)
    assert isinstance(printer, UsbPrinter)
    assert printer.description == "USB printer 04b8:0202"
    assert (printer.vendor_id, printer.product_id) == (0x04B8, 0x0202)
    assert (printer.in_ep, printer.out_ep, printer.timeout) == (0x82, 0x01, 3)
    assert printer.reports_status
    # Empty endpoints: found in the interface's descriptors.
    found = usb_printer()
    assert found.in_ep is None and found.out_ep is None and found.interface == 0


@pytest.mark.parametrize(
    ("lines", "key", "problem"),
    [
        ('product_id = "0x0202"', "[printer] vendor_id", 'is required when kind = "usb"'),
        ('vendor_id = "0x04b8"', "[printer] product_id", 'is required when kind = "usb"'),
        (
            'vendor_id = "Epson"\nproduct_id = "0x0202"',
            "[printer] vendor_id",
            "must be a hex id like 0x04b8, not 'Epson'",
        ),
        (
            'vendor_id = "0x04b8"\nproduct_id = "0x12345"',
            "[printer] product_id",
            "must be a hex id like 0x04b8",
        ),
        ("vendor_id = 1208", "[printer] vendor_id", "must be a string in quotes"),
        (
            'vendor_id = "0x04b8"\nproduct_id = "0x0202"\nin_ep = "0x01"',
            "[printer] in_ep",
            "must be an endpoint like 0x82 (0x81 to 0x8f), or empty to find it",
        ),
        (
            'vendor_id = "0x04b8"\nproduct_id = "0x0202"\nout_ep = "0x82"',
            "[printer] out_ep",
            "must be an endpoint like 0x01 (0x01 to 0x0f), or empty to find it",
        ),
        (
            'vendor_id = "0x04b8"\nproduct_id = "0x0202"\ninterface = 300',
            "[printer] interface",
            "between 0 and 255",
        ),
    ],
)
def test_usb_settings_are_checked(tmp_path: Path, lines: str, key: str, problem: str) -> None:
    path = write_config(tmp_path, f'[printer]\nkind = "usb"\n{lines}\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.key == key
    assert problem in caught.value.problem
    assert str(caught.value).startswith(f"{path}: {key}: ")


def test_without_libusb_the_till_says_what_to_install() -> None:
    if libusb_available():
        pytest.skip("libusb is installed here: see test_a_printer_not_on_the_bus")
    printer = usb_printer()
    expected = (
        "USB printer 04b8:0202: the libusb library is missing (install the libusb-1.0-0 package)"
    )
    with pytest.raises(PrinterError) as caught:
        printer.send(b"x")
    assert str(caught.value) == expected
    assert printer.status() == PrinterStatus(False, None, expected)


def test_a_printer_not_on_the_bus() -> None:
    if not libusb_available():
        pytest.skip("libusb is not installed here: see test_without_libusb_...")
    printer = usb_printer()
    expected = "USB printer 04b8:0202 not found: is it plugged in and switched on?"
    with pytest.raises(PrinterError) as caught:
        printer.send(b"x")
    assert str(caught.value) == expected
    assert printer.status() == PrinterStatus(False, None, expected)


# -- a printer on the bus (pyusb over a backend that plays the printer: tests/fake_usb.py) --


@pytest.fixture
def bus(monkeypatch: pytest.MonkeyPatch) -> PrinterBackend:
    """One Epson receipt printer on the USB bus, found by the real pyusb."""
    import usb.core  # type: ignore[import-untyped]

    backend = PrinterBackend(vendor=0x04B8, product=0x0202)
    real_find = usb.core.find
    monkeypatch.setattr(usb.core, "find", lambda **match: real_find(backend=backend, **match))
    return backend


def test_a_receipt_goes_out_byte_for_byte_and_the_status_comes_back(bus: PrinterBackend) -> None:
    printer = usb_printer()
    data = render(sample_receipt(7))
    printer.send(data)
    assert bytes(bus.printer.printed) == data
    assert "Sale N° 7" in decode_escpos(bytes(bus.printer.printed)).splitlines()
    assert not bus.kernel_driver, "the kernel's usblp driver is detached from the printer"
    assert not bus.claimed and bus.opened >= 1, "the interface is let go after the receipt"
    assert bus.printer.queries[:2] == [1, 4], "asked whether it can print first"
    assert printer.status() == PrinterStatus(True, "ok", "Printer ready")


@STATUS_ANSWERS
def test_the_printers_state_is_read_over_usb(
    bus: PrinterBackend, answers: dict[int, int], expected: PrinterStatus
) -> None:
    bus.printer.set(answers)
    assert usb_printer().status() == expected


def test_a_paper_out_printer_is_sent_nothing(bus: PrinterBackend) -> None:
    bus.printer.set(PAPER_OUT)
    with pytest.raises(PrinterError) as caught:
        usb_printer().send(b"receipt")
    assert "out of paper" in str(caught.value)
    assert bytes(bus.printer.printed) == b"", "nothing printed later by surprise"


def test_endpoints_and_interface_from_the_config(bus: PrinterBackend) -> None:
    printer = usb_printer(in_ep="0x82", out_ep="0x01")
    printer.send(b"hello")
    assert bytes(bus.printer.printed) == b"hello"
    with pytest.raises(PrinterError) as caught:
        usb_printer(interface=1).send(b"x")
    assert str(caught.value) == (
        "USB printer 04b8:0202 has no interface 1 (check [printer] interface)"
    )


def test_a_printer_unplugged_says_so(bus: PrinterBackend) -> None:
    bus.plugged = False
    expected = "USB printer 04b8:0202 not found: is it plugged in and switched on?"
    with pytest.raises(PrinterError) as caught:
        usb_printer().send(b"x")
    assert str(caught.value) == expected
    assert usb_printer().status() == PrinterStatus(False, None, expected)
