"""Printers the till talks to both ways: USB (pyusb), network (TCP port 9100) and serial
(pyserial). Each sends ESC/POS bytes built beforehand (`render_escpos`, `drawer_pulse`) and
reads the printer's real-time status (DLE EOT, see `printer_status.py`).

Each operation opens the connection, does its work and closes it: a printer switched off and
on, a cable pulled and plugged back, a USB-serial adapter that comes back under the same name
all work again at the next receipt without restarting the till. Before sending, the printer is
asked for its status: an offline printer (cover open, out of paper) would keep the bytes in
its buffer and print them later, or lose them when switched off, and a drawer would open
minutes after the sale. Such a receipt stays in the print queue instead; a printer that never
answers status queries (a one-way interface) is sent the bytes all the same.

Why not python-escpos' connectors (`escpos.printer.Network`, `Serial`, `Usb`): their `open`
and `close` log through the root logger with `logging.info`, which installs a stderr handler
(`logging.basicConfig`) that then writes over the terminal UI; `Usb.open` resets the device on
every open, only knows interface 0 and logs (instead of raising) a permission error; `Serial`
reads status answers 16 bytes at a time, so each query waits for the whole timeout; and their
errors are flattened into text. The same few calls on sockets, pyserial and pyusb keep the
error numbers, which give the cashier a message that says what to do.

pyserial and pyusb are imported on first use, like python-escpos.
"""

from __future__ import annotations

import contextlib
import errno
import socket
import threading
import time
from typing import Any, Protocol

from till_tui.hw.printer import PrinterError
from till_tui.hw.printer_status import PrinterStatus, query, read_status, wait_for_answer
from till_tui.i18n import _

STATUS_TIMEOUT = 1.0
"""Seconds to wait for the answer to one status query: a printer answers in milliseconds."""

POLL_CONNECT_TIMEOUT = 2.0
"""Seconds a status poll waits for a network printer to accept the connection (at most the
configured timeout): a poll must not hold the till for long when the printer is gone."""

DRAIN_TIMEOUT = 1.0
"""Seconds to wait for a network printer to close its side once a job is sent."""


_device_locks: dict[str, threading.Lock] = {}
_device_locks_lock = threading.Lock()


def _device_lock(key: str) -> threading.Lock:
    """The lock held while talking to printer `key`, shared by every object that reaches it:
    a status query from one thread never cuts into a receipt sent by another."""
    with _device_locks_lock:
        return _device_locks.setdefault(key, threading.Lock())


class _Link(Protocol):
    """An open connection to a printer."""

    def write(self, data: bytes) -> None: ...

    def answer(self, timeout: float) -> int | None:
        """The printer's next status answer byte, or None if none came within `timeout`."""
        ...

    def finish(self) -> None:
        """Wait until the bytes written have left for the printer."""
        ...

    def close(self) -> None: ...


class _TwoWayPrinter:
    """A printer the till can ask for its status; subclasses open the connection."""

    reports_status = True
    description = ""

    def __init__(self, key: str) -> None:
        self._lock = _device_lock(key)
        self._answered = False
        """The printer answered a status query through this object (keep one per till)."""

    def _open(self, *, poll: bool = False) -> _Link:
        """Open the connection; raises PrinterError with what the cashier should check."""
        raise NotImplementedError

    def _ask(self, link: _Link, n: int) -> int | None:
        link.write(query(n))
        byte = link.answer(STATUS_TIMEOUT)
        if byte is not None:
            self._answered = True
        return byte

    def _status(self, link: _Link) -> PrinterStatus:
        return read_status(lambda n: self._ask(link, n), answered_before=self._answered)

    def send(self, data: bytes) -> None:
        """Print `data` if the printer is ready (or cannot tell); raises PrinterError."""
        with self._lock:
            link = self._open()
            try:
                status = self._status(link)
                if status.online is False or status.paper == "out":
                    raise PrinterError(status.message)
                link.write(data)
                link.finish()
            finally:
                link.close()

    def status(self) -> PrinterStatus:
        """Ask the printer; never raises: a printer that cannot be reached is offline."""
        with self._lock:
            try:
                link = self._open(poll=True)
            except PrinterError as error:
                return PrinterStatus(False, None, str(error))
            try:
                return self._status(link)
            except PrinterError as error:
                return PrinterStatus(False, None, str(error))
            finally:
                link.close()


# -- network -----------------------------------------------------------------------------------


class NetworkPrinter(_TwoWayPrinter):
    """An Ethernet or Wi-Fi printer taking raw ESC/POS on a TCP port (9100)."""

    def __init__(self, host: str, port: int = 9100, *, timeout: float = 5.0) -> None:
        super().__init__(f"network:{host}:{port}")
        self.host = host
        self.port = port
        self.timeout = timeout
        self.address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        self.description = _("network printer {address}").format(address=self.address)

    def _open(self, *, poll: bool = False) -> _Link:
        timeout = min(self.timeout, POLL_CONNECT_TIMEOUT) if poll else self.timeout
        try:
            sock = socket.create_connection((self.host, self.port), timeout=timeout)
        except OSError as error:
            raise PrinterError(
                _("Printer offline: cannot reach {address} ({reason})").format(
                    address=self.address, reason=self._reason(error, timeout)
                )
            ) from error
        return _SocketLink(self, sock)

    def _reason(self, error: OSError, timeout: float) -> str:
        if isinstance(error, socket.gaierror):
            return _("unknown host name")
        if isinstance(error, TimeoutError) or error.errno == errno.ETIMEDOUT:
            return _("no answer within {seconds} s").format(seconds=f"{timeout:g}")
        if error.errno == errno.ECONNREFUSED:
            return _("connection refused")
        if error.errno in (errno.EHOSTUNREACH, errno.EHOSTDOWN):
            return _("no route to the printer")
        if error.errno == errno.ENETUNREACH:
            return _("network unreachable")
        if error.errno in (errno.ECONNRESET, errno.EPIPE, errno.ECONNABORTED):
            return _("connection lost")
        return error.strerror or str(error) or type(error).__name__

    def _failed(self, error: OSError) -> PrinterError:
        return PrinterError(
            _("Printer offline: the connection to {address} failed ({reason})").format(
                address=self.address, reason=self._reason(error, self.timeout)
            )
        )


class _SocketLink:
    def __init__(self, printer: NetworkPrinter, sock: socket.socket) -> None:
        self.printer = printer
        self.sock = sock

    def write(self, data: bytes) -> None:
        self.sock.settimeout(self.printer.timeout)
        try:
            self.sock.sendall(data)
        except OSError as error:
            raise self.printer._failed(error) from error

    def answer(self, timeout: float) -> int | None:
        return wait_for_answer(self._read, timeout)

    def _read(self, seconds: float) -> bytes | None:
        self.sock.settimeout(seconds)
        try:
            data = self.sock.recv(64)
        except TimeoutError:
            return None
        except OSError as error:
            raise self.printer._failed(error) from error
        return data or None  # b"": the printer closed the connection

    def finish(self) -> None:
        """Say we are done (FIN after the data) and read until the printer closes its side:
        closing with unread bytes (a late status answer) would reset the connection, and a
        reset may drop the end of the receipt.

        The bytes sent only reached this machine's buffers: a printer that answers status
        queries is asked once more, and answers only once it has taken every byte before the
        question. No answer means it hung up mid-receipt (switched off, a cable pulled, a
        crash): an error, so the receipt waits in the queue instead of being lost."""
        printer = self.printer
        if printer._answered:
            self.write(query(1))
            if self.answer(printer.timeout) is None:
                raise PrinterError(
                    _("Printer offline: {address} stopped before the end of the receipt").format(
                        address=printer.address
                    )
                )
        try:
            self.sock.shutdown(socket.SHUT_WR)
        except OSError as error:
            raise self.printer._failed(error) from error
        deadline = time.monotonic() + DRAIN_TIMEOUT
        while (left := deadline - time.monotonic()) > 0:
            self.sock.settimeout(left)
            try:
                if not self.sock.recv(256):
                    return
            except OSError:  # a time-out or a reset once everything was sent: nothing lost
                return

    def close(self) -> None:
        self.sock.close()


# -- serial ------------------------------------------------------------------------------------

SERIAL_PARITIES = {"N": "none", "E": "even", "O": "odd", "M": "mark", "S": "space"}


def _pyserial() -> Any:
    try:
        import serial  # type: ignore[import-untyped]
    except ImportError as error:
        raise PrinterError(
            _("Serial printers need the pyserial package (pip install pyserial)")
        ) from error
    return serial


class SerialPrinter(_TwoWayPrinter):
    """A printer on a serial port (RS-232, or a USB-serial adapter: /dev/ttyUSB0)."""

    def __init__(
        self,
        device: str,
        *,
        baudrate: int = 9600,
        bytesize: int = 8,
        parity: str = "N",
        stopbits: int = 1,
        timeout: float = 5.0,
    ) -> None:
        super().__init__(f"serial:{device}")
        self.device = device
        self.baudrate = baudrate
        self.bytesize = bytesize
        self.parity = parity.upper()
        self.stopbits = stopbits
        self.timeout = timeout
        self.description = _("serial printer {device}").format(device=device)

    def _open(self, *, poll: bool = False) -> _Link:
        serial = _pyserial()
        try:
            port = serial.Serial(
                port=self.device,
                baudrate=self.baudrate,
                bytesize=self.bytesize,
                parity=self.parity,
                stopbits=self.stopbits,
                timeout=STATUS_TIMEOUT,
                write_timeout=self.timeout,
                exclusive=True,  # another program writing at the same time would mix bytes
            )
        except serial.SerialException as error:
            raise PrinterError(self._open_failed(error)) from error
        except (ValueError, OSError) as error:
            raise PrinterError(
                _("Serial port {device}: {reason}").format(device=self.device, reason=error)
            ) from error
        link = _SerialLink(self, port, serial)
        try:
            port.reset_input_buffer()  # a late answer from before is no answer to our query
        except (serial.SerialException, OSError) as error:
            link.close()
            raise link._failed(error) from error
        return link

    def _open_failed(self, error: Any) -> str:
        number = getattr(error, "errno", None)
        if number in (errno.EACCES, errno.EPERM):
            return _(
                "Serial port {device}: permission denied (add the till user to the dialout group)"
            ).format(device=self.device)
        if number in (errno.ENOENT, errno.ENODEV, errno.ENXIO):
            return _(
                "Serial port {device} not found: is the printer (or its USB adapter) plugged in?"
            ).format(device=self.device)
        if number in (errno.EBUSY, errno.EAGAIN, errno.EWOULDBLOCK):
            return _("Serial port {device} is in use by another program").format(device=self.device)
        reason = getattr(error, "strerror", None) or str(error)
        return _("Serial port {device}: {reason}").format(device=self.device, reason=reason)


class _SerialLink:
    def __init__(self, printer: SerialPrinter, port: Any, serial: Any) -> None:
        self.printer = printer
        self.port = port
        self.serial = serial

    def _failed(self, error: Exception) -> PrinterError:
        if isinstance(error, self.serial.SerialTimeoutException):
            return PrinterError(
                _(
                    "Serial printer {device} took no data for {seconds} s: "
                    "is it switched on and online?"
                ).format(device=self.printer.device, seconds=f"{self.printer.timeout:g}")
            )
        return PrinterError(
            _("Serial port {device}: {reason}").format(device=self.printer.device, reason=error)
        )

    def write(self, data: bytes) -> None:
        try:
            self.port.write(data)
        except (self.serial.SerialException, OSError) as error:
            raise self._failed(error) from error

    def answer(self, timeout: float) -> int | None:
        return wait_for_answer(self._read, timeout)

    def _read(self, seconds: float) -> bytes | None:
        self.port.timeout = seconds
        try:
            data: bytes = self.port.read(1)
        except (self.serial.SerialException, OSError) as error:
            raise self._failed(error) from error
        return data or None  # nothing within the time

    def finish(self) -> None:
        try:
            self.port.flush()  # until the last byte has left the port
        except (self.serial.SerialException, OSError) as error:
            raise self._failed(error) from error

    def close(self) -> None:
        with contextlib.suppress(self.serial.SerialException, OSError):
            self.port.close()


# -- USB ---------------------------------------------------------------------------------------


def _pyusb() -> Any:
    try:
        import usb.core  # type: ignore[import-untyped]
        import usb.util  # type: ignore[import-untyped]
    except ImportError as error:
        raise PrinterError(_("USB printers need the pyusb package (pip install pyusb)")) from error
    return usb


class UsbPrinter(_TwoWayPrinter):
    """A printer on USB, reached through libusb (pyusb), by its vendor and product ids.

    The printer's bulk OUT endpoint takes the bytes and its bulk IN endpoint gives the status
    answers; both are found in the interface's descriptors unless `in_ep` / `out_ep` are set.
    The kernel's usblp driver (which makes /dev/usb/lp0) is detached from the interface first.
    """

    def __init__(
        self,
        vendor_id: int,
        product_id: int,
        *,
        interface: int = 0,
        in_ep: int | None = None,
        out_ep: int | None = None,
        timeout: float = 5.0,
    ) -> None:
        self.ids = f"{vendor_id:04x}:{product_id:04x}"
        super().__init__(f"usb:{self.ids}")
        self.vendor_id = vendor_id
        self.product_id = product_id
        self.interface = interface
        self.in_ep = in_ep
        self.out_ep = out_ep
        self.timeout = timeout
        self.description = _("USB printer {ids}").format(ids=self.ids)

    def _open(self, *, poll: bool = False) -> _Link:
        usb = _pyusb()
        try:
            device = usb.core.find(idVendor=self.vendor_id, idProduct=self.product_id)
        except usb.core.NoBackendError as error:
            raise PrinterError(
                _(
                    "USB printer {ids}: the libusb library is missing "
                    "(install the libusb-1.0-0 package)"
                ).format(ids=self.ids)
            ) from error
        except usb.core.USBError as error:
            raise self._failed(error) from error
        if device is None:
            raise PrinterError(
                _("USB printer {ids} not found: is it plugged in and switched on?").format(
                    ids=self.ids
                )
            )
        try:
            return self._claim(usb, device)
        except usb.core.USBError as error:
            usb.util.dispose_resources(device)
            raise self._failed(error) from error
        except PrinterError:
            usb.util.dispose_resources(device)
            raise

    def _claim(self, usb: Any, device: Any) -> _Link:
        try:
            if device.is_kernel_driver_active(self.interface):
                device.detach_kernel_driver(self.interface)
        except NotImplementedError:  # not on this platform's backend
            pass
        try:
            configuration = device.get_active_configuration()
        except usb.core.USBError as error:
            if error.errno in (errno.EACCES, errno.EPERM, errno.ENODEV, errno.EBUSY):
                raise
            device.set_configuration()  # not configured yet
            configuration = device.get_active_configuration()
        found = usb.util.find_descriptor(configuration, bInterfaceNumber=self.interface)
        if found is None:
            raise PrinterError(
                _("USB printer {ids} has no interface {n} (check [printer] interface)").format(
                    ids=self.ids, n=self.interface
                )
            )
        out_ep = self._endpoint(usb, found, usb.util.ENDPOINT_OUT, self.out_ep)
        if out_ep is None:
            raise PrinterError(
                _("USB printer {ids}: no output endpoint (check [printer] out_ep)").format(
                    ids=self.ids
                )
            )
        in_ep = self._endpoint(usb, found, usb.util.ENDPOINT_IN, self.in_ep)
        usb.util.claim_interface(device, self.interface)
        return _UsbLink(self, usb, device, out_ep, in_ep)

    @staticmethod
    def _endpoint(usb: Any, interface: Any, direction: int, address: int | None) -> Any:
        def wanted(endpoint: Any) -> bool:
            if address is not None:
                return bool(endpoint.bEndpointAddress == address)
            return bool(
                usb.util.endpoint_direction(endpoint.bEndpointAddress) == direction
                and usb.util.endpoint_type(endpoint.bmAttributes) == usb.util.ENDPOINT_TYPE_BULK
            )

        return usb.util.find_descriptor(interface, custom_match=wanted)

    def _failed(self, error: Any) -> PrinterError:
        number = getattr(error, "errno", None)
        if number in (errno.EACCES, errno.EPERM):
            message = _(
                "USB printer {ids}: permission denied "
                "(a udev rule must give the till user access to it)"
            )
        elif number in (errno.ENODEV, errno.ENOENT):
            message = _("USB printer {ids} not found: is it plugged in and switched on?")
        elif number == errno.EBUSY:
            message = _("USB printer {ids} is in use by another program")
        elif number == errno.ETIMEDOUT:
            message = _("USB printer {ids} took no data for {seconds} s: is it online?")
        else:
            reason = getattr(error, "strerror", None) or str(error)
            return PrinterError(
                _("USB printer {ids}: {reason}").format(ids=self.ids, reason=reason)
            )
        return PrinterError(message.format(ids=self.ids, seconds=f"{self.timeout:g}"))


class _UsbLink:
    def __init__(self, printer: UsbPrinter, usb: Any, device: Any, out_ep: Any, in_ep: Any):
        self.printer = printer
        self.usb = usb
        self.device = device
        self.out_ep = out_ep
        self.in_ep = in_ep

    def write(self, data: bytes) -> None:
        try:
            self.out_ep.write(data, timeout=int(self.printer.timeout * 1000))
        except self.usb.core.USBError as error:
            raise self.printer._failed(error) from error

    def answer(self, timeout: float) -> int | None:
        return None if self.in_ep is None else wait_for_answer(self._read, timeout)

    def _read(self, seconds: float) -> bytes | None:
        assert self.in_ep is not None
        try:
            data = self.in_ep.read(self.in_ep.wMaxPacketSize, timeout=max(1, int(seconds * 1000)))
        except self.usb.core.USBError as error:
            if error.errno == errno.ETIMEDOUT:
                return None
            raise self.printer._failed(error) from error
        return bytes(data)

    def finish(self) -> None:
        return None  # a bulk write returns once the printer took the data

    def close(self) -> None:
        with contextlib.suppress(self.usb.core.USBError):
            self.usb.util.release_interface(self.device, self.printer.interface)
        self.usb.util.dispose_resources(self.device)
