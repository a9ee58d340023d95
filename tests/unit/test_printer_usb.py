"""USB printers: the configuration and the messages when there is no printer to talk to.

This machine has no USB bus: a real USB printer is not exercised here. What is tested is what
a till says when libusb is missing, or when the printer is not on the bus, with the real pyusb.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import write_config
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
