"""A small, strict ESC/POS decoder for tests: what text would a printer put on paper?

It walks the byte stream like a printer does, understands the commands python-escpos emits for
receipts and the cash drawer pulse (ESC p, which prints nothing: `drawer_kicks` lists them),
decodes text in the code page selected with ESC t, and raises on anything else, so a test
notices when the bytes change shape.
"""

from __future__ import annotations

ESC = 0x1B
GS = 0x1D
LF = 0x0A

CODE_PAGES = {
    0: "cp437",
    2: "cp850",
    3: "cp860",
    4: "cp863",
    5: "cp865",
    16: "cp1252",
    17: "cp866",
    18: "cp852",
    19: "cp858",
    40: "iso8859_15",
}
"""ESC t n -> Python codec, for the code pages of python-escpos' default profile we may use."""

DEFAULT_CODEC = "cp437"
"""Code page 0, active at power-on and after ESC @."""

# ESC x n: commands with one parameter byte and no effect on the text.
_ESC_ONE_ARG = {
    ord("E"): "bold",
    ord("!"): "print mode (size)",
    ord("a"): "alignment",
    ord("-"): "underline",
    ord("M"): "font",
    ord("3"): "line spacing",
}


DRAWER_PINS = {0: 2, 1: 5, 48: 2, 49: 5}
"""ESC p m t1 t2: m -> the drawer connector pin it pulses."""


class EscPosDecodeError(ValueError):
    """Bytes the decoder does not understand."""


class _Decoder:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0
        self.codec = DEFAULT_CODEC
        self.text: list[str] = []
        self.pages: list[str] = []
        self.kicks: list[tuple[int, int, int]] = []

    def arg(self, offset: int) -> int:
        index = self.pos + offset
        if index >= len(self.data):
            raise EscPosDecodeError(f"command cut short at byte {self.pos}")
        return self.data[index]

    def run(self) -> list[str]:
        while self.pos < len(self.data):
            byte = self.data[self.pos]
            if byte == LF:
                self.text.append("\n")
                self.pos += 1
            elif byte == ESC:
                self.esc()
            elif byte == GS:
                self.gs()
            elif byte < 0x20 or byte == 0x7F:
                raise EscPosDecodeError(f"unknown control byte {byte:#04x} at {self.pos}")
            else:
                self.printable()
        self.pages.append("".join(self.text))
        return self.pages

    def printable(self) -> None:
        end = self.pos
        while end < len(self.data) and self.data[end] >= 0x20 and self.data[end] != 0x7F:
            end += 1
        self.text.append(self.data[self.pos : end].decode(self.codec))
        self.pos = end

    def esc(self) -> None:
        command = self.arg(1)
        if command == ord("@"):
            self.codec = DEFAULT_CODEC
            self.pos += 2
        elif command == ord("2"):
            self.pos += 2
        elif command == ord("t"):
            page = self.arg(2)
            if page not in CODE_PAGES:
                raise EscPosDecodeError(f"unknown code page ESC t {page}")
            self.codec = CODE_PAGES[page]
            self.pos += 3
        elif command == ord("p"):
            mode = self.arg(2)
            if mode not in DRAWER_PINS:
                raise EscPosDecodeError(f"unknown drawer pin ESC p {mode}")
            self.kicks.append((DRAWER_PINS[mode], self.arg(3), self.arg(4)))
            self.pos += 5
        elif command == ord("d"):
            self.text.append("\n" * self.arg(2))
            self.pos += 3
        elif command in _ESC_ONE_ARG:
            self.arg(2)
            self.pos += 3
        else:
            raise EscPosDecodeError(f"unknown command ESC {command:#04x} at {self.pos}")

    def gs(self) -> None:
        command = self.arg(1)
        if command == ord("!"):
            self.arg(2)
            self.pos += 3
        elif command == ord("V"):
            mode = self.arg(2)
            if mode in (0, 1, 48, 49):
                self.pos += 3
            elif mode in (65, 66):
                self.arg(3)
                self.pos += 4
            else:
                raise EscPosDecodeError(f"unknown cut mode GS V {mode}")
            self.pages.append("".join(self.text))
            self.text = []
        else:
            raise EscPosDecodeError(f"unknown command GS {command:#04x} at {self.pos}")


def decode_escpos(data: bytes) -> str:
    """The text `data` prints, decoded in the active code page, lines separated by "\\n"."""
    return "".join(_Decoder(data).run())


def drawer_kicks(data: bytes) -> list[tuple[int, int, int]]:
    """The cash drawer pulses in `data`, in order: (pin 2 or 5, on time, off time in 2 ms)."""
    decoder = _Decoder(data)
    decoder.run()
    return decoder.kicks


def receipts_in(data: bytes) -> list[str]:
    """The text of each receipt in `data` (a spool holding several), split at the paper cuts.

    Text after the last cut counts as a receipt only if it prints something.
    """
    pages = _Decoder(data).run()
    if not pages[-1].strip():
        pages.pop()
    return pages
