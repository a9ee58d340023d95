"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, keeping what it receives."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Callable
from email.message import EmailMessage

from aiosmtpd.smtp import SMTP, Envelope, Session

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
    return port


class Inbox:
    """An aiosmtpd handler that keeps what it receives and refuses one address."""

    REFUSED = "nobody@exemple.fr"

    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address == self.REFUSED:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def message(self) -> EmailMessage:
        """The one message received, parsed back."""
        assert len(self.envelopes) == 1
        content = self.envelopes[0].original_content
        assert isinstance(content, bytes)
        parsed = email.message_from_bytes(content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


StartServer = Callable[..., tuple[Inbox, int]]
