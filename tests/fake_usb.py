"""A USB ESC/POS printer behind pyusb, for a machine without a USB bus.

`PrinterBackend` is a pyusb backend (`usb.backend.IBackend`): it lists one device with the
descriptors of a receipt printer (one configuration, interface 0, a bulk OUT and a bulk IN
endpoint) and answers pyusb's calls as libusb would for it. Everything above the backend is
the real pyusb (finding the device, its descriptors and endpoints, claiming the interface,
bulk writes and reads) and the till's own USB printer code. The bytes written go to a
`FakePrinter`, which prints them and answers DLE EOT status queries on the IN endpoint.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import usb.backend  # type: ignore[import-untyped]
import usb.core  # type: ignore[import-untyped]

from tests.printer_server import FakePrinter, Parser

OUT_EP = 0x01
IN_EP = 0x82
BULK = 0x02


def _device_descriptor(vendor: int, product: int) -> SimpleNamespace:
    return SimpleNamespace(
        bLength=18, bDescriptorType=1, bcdUSB=0x0200, bDeviceClass=0, bDeviceSubClass=0,
        bDeviceProtocol=0, bMaxPacketSize0=64, idVendor=vendor, idProduct=product,
        bcdDevice=0x0100, iManufacturer=0, iProduct=0, iSerialNumber=0, bNumConfigurations=1,
        address=5, bus=1, port_number=1, port_numbers=(1,), speed=2,
    )  # fmt: skip


CONFIGURATION = SimpleNamespace(
    bLength=9, bDescriptorType=2, wTotalLength=32, bNumInterfaces=1, bConfigurationValue=1,
    iConfiguration=0, bmAttributes=0xC0, bMaxPower=50, extra_descriptors=[],
)  # fmt: skip
INTERFACE = SimpleNamespace(
    bLength=9, bDescriptorType=4, bInterfaceNumber=0, bAlternateSetting=0, bNumEndpoints=2,
    bInterfaceClass=7, bInterfaceSubClass=1, bInterfaceProtocol=2, iInterface=0,
    extra_descriptors=[],
)  # fmt: skip


def _endpoint(address: int) -> SimpleNamespace:
    return SimpleNamespace(
        bLength=7, bDescriptorType=5, bEndpointAddress=address, bmAttributes=BULK,
        wMaxPacketSize=64, bInterval=0, bRefresh=0, bSynchAddress=0, extra_descriptors=[],
    )  # fmt: skip


ENDPOINTS = [_endpoint(OUT_EP), _endpoint(IN_EP)]


@dataclass
class PrinterBackend(usb.backend.IBackend):  # type: ignore[misc]
    """One USB receipt printer, as libusb would show it."""

    vendor: int = 0x04B8
    product: int = 0x0202
    printer: FakePrinter = field(default_factory=FakePrinter)
    plugged: bool = True
    kernel_driver: bool = True
    """usblp holds the interface until the till detaches it."""
    claimed: bool = False
    opened: int = 0
    closed: int = 0
    answers: bytearray = field(default_factory=bytearray)
    parser: Parser | None = None

    def enumerate_devices(self) -> list[str]:
        return ["printer"] if self.plugged else []

    def get_device_descriptor(self, dev: str) -> SimpleNamespace:
        return _device_descriptor(self.vendor, self.product)

    def get_configuration_descriptor(self, dev: str, config: int) -> SimpleNamespace:
        return CONFIGURATION

    def get_interface_descriptor(
        self, dev: str, intf: int, alt: int, config: int
    ) -> SimpleNamespace:
        if (intf, alt) != (0, 0):
            raise IndexError("one interface, no alternate setting")  # as libusb's backend
        return INTERFACE

    def get_endpoint_descriptor(
        self, dev: str, ep: int, intf: int, alt: int, config: int
    ) -> SimpleNamespace:
        return ENDPOINTS[ep]

    def open_device(self, dev: str) -> str:
        self._present()
        self.opened += 1
        self.parser = Parser(self.printer)
        return "handle"

    def close_device(self, dev_handle: str) -> None:
        self.closed += 1

    def get_configuration(self, dev_handle: str) -> int:
        self._present()
        return 1

    def set_configuration(self, dev_handle: str, config_value: int) -> None:
        self._present()

    def is_kernel_driver_active(self, dev_handle: str, intf: int) -> bool:
        return self.kernel_driver

    def detach_kernel_driver(self, dev_handle: str, intf: int) -> None:
        self.kernel_driver = False

    def claim_interface(self, dev_handle: str, intf: int) -> None:
        self._present()
        if self.kernel_driver:
            raise usb.core.USBError("Resource busy", errno=errno.EBUSY)
        self.claimed = True

    def release_interface(self, dev_handle: str, intf: int) -> None:
        self.claimed = False

    def bulk_write(self, dev_handle: str, ep: int, intf: int, data: Any, timeout: int) -> int:
        self._present()
        assert ep == OUT_EP and self.claimed and self.parser is not None
        self.answers += self.parser.feed(bytes(data))
        return len(data)

    def bulk_read(self, dev_handle: str, ep: int, intf: int, buff: Any, timeout: int) -> int:
        self._present()
        assert ep == IN_EP and self.claimed
        if not self.answers:
            raise usb.core.USBTimeoutError("Operation timed out", errno=errno.ETIMEDOUT)
        count = min(len(buff), len(self.answers))
        for index in range(count):  # `buff` is an array.array('B') of pyusb's
            buff[index] = self.answers[index]
        del self.answers[:count]
        return count

    def _present(self) -> None:
        if not self.plugged:
            raise usb.core.USBError("No such device (it may have been disconnected)", errno.ENODEV)
