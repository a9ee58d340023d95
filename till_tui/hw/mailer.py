"""E-mailed receipts: check the customer's address, build the message, send it over SMTP.

`send_message` is a plain smtplib client (SMTP_SSL, or SMTP with STARTTLS, optional login)
configured by `[email]` in config.toml. Every failure comes out as a `MailError` whose text is
a short message for the cashier; no OSError or smtplib exception escapes. It blocks for up to
`timeout` seconds per network step, so the till calls it from a thread worker.

smtplib, ssl and the email package are imported inside the functions: the till imports this
module only when it sends a receipt, and start-up stays light either way.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from till_tui.config import EmailConfig
from till_tui.i18n import _

if TYPE_CHECKING:
    import ssl
    from email.message import EmailMessage
    from smtplib import SMTP

MAX_ADDRESS_LENGTH = 254
MAX_LOCAL_PART_LENGTH = 64
AUTH_REQUIRED = 530
"""The SMTP reply to MAIL FROM without the login or the STARTTLS the server requires."""

# One domain label (after IDNA encoding): letters and digits, inner hyphens.
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


class MailError(Exception):
    """An e-mail problem; `str(error)` is a short message for the cashier."""


def check_address(text: str) -> str:
    """The e-mail address the cashier typed, stripped (domain in lower case); raises MailError.

    One bare address (local@domain) only: no display name, no list, no spaces, no quoting; the
    domain has a dot (or is "localhost"). The part before "@" must be ASCII, as most mail
    servers require; a domain with accents (café.fr) comes back IDNA-encoded (xn--caf-dma.fr).
    """
    from email.errors import HeaderParseError
    from email.headerregistry import Address

    address = text.strip()
    if not address:
        raise MailError(_("Type an e-mail address"))
    if "," in address or ";" in address:
        raise MailError(_("Type only one e-mail address"))
    invalid = MailError(_("{address} is not a valid e-mail address").format(address=address))
    local, _at, domain = address.partition("@")
    if (
        not local
        or not domain
        or "@" in domain
        or any(ch.isspace() or not ch.isprintable() for ch in address)
    ):
        raise invalid
    try:
        parsed = Address(addr_spec=address)  # refuses a non-ASCII local part
    except (ValueError, IndexError, HeaderParseError):
        raise invalid from None
    # The parser accepts comments and quoting and rewrites them: accept only what it keeps as is.
    if parsed.addr_spec != address:
        raise invalid
    local, domain = parsed.username, parsed.domain
    if (
        not local
        or len(local) > MAX_LOCAL_PART_LENGTH
        or local.startswith(".")
        or local.endswith(".")
        or ".." in local
    ):
        raise invalid
    try:
        domain = domain.encode("idna").decode("ascii").lower()
    except UnicodeError:  # an empty or overlong label
        raise invalid from None
    if len(local) + 1 + len(domain) > MAX_ADDRESS_LENGTH:
        raise invalid
    if domain != "localhost":
        labels = domain.split(".")
        if len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels):
            raise invalid
        if labels[-1].isdigit():  # 127.0.0.1 is no domain
            raise invalid
    return f"{local}@{domain}"


def build_message(*, sender: str, to: str, subject: str, body: str) -> EmailMessage:
    """A plain-text UTF-8 message from `sender` (the `[email] from` setting) to `to`.

    `to` is checked with `check_address` (raises MailError). The body is quoted-printable,
    which every server carries unchanged, with accents and the euro sign.
    """
    from email.message import EmailMessage
    from email.utils import formatdate, make_msgid, parseaddr

    recipient = check_address(to)
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    # The sender's domain, not socket.getfqdn(), which may wait on a DNS lookup.
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    message.set_content(body, charset="utf-8", cte="quoted-printable")
    return message


def send_message(
    config: EmailConfig,
    password_path: Path | None,
    message: EmailMessage,
    *,
    tls_context: ssl.SSLContext | None = None,
) -> None:
    """Send `message` through the SMTP server of `config`; raises MailError, nothing else.

    `password_path` is the password file already resolved by the caller
    (`config.resolve(email.password_file)`), or None to use `config.password`. `tls_context`
    replaces the default one (system certificates, host name checked), e.g. to trust a
    private certificate authority.
    """
    if not config.enabled:
        raise MailError(_("E-mail is not set up: no mail server in the configuration"))
    password = _password(config, password_path) if config.user else ""

    import smtplib
    import ssl

    server = f"{config.host}:{config.port}"
    step = "connect"
    try:
        context = tls_context
        if context is None and (config.ssl or config.starttls):
            context = ssl.create_default_context()
        client: SMTP
        if config.ssl:
            client = smtplib.SMTP_SSL(
                config.host, config.port, timeout=config.timeout, context=context
            )
        else:
            client = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
    except (OSError, UnicodeError) as error:
        raise _mail_error(error, step, server, config) from None
    try:
        if config.starttls and not config.ssl:
            step = "starttls"
            client.starttls(context=context)
        if config.user:
            step = "login"
            client.login(config.user, password)
        step = "send"
        refused = client.send_message(message)
    except (OSError, UnicodeError) as error:
        raise _mail_error(error, step, server, config) from None
    finally:
        _quit(client)
    if refused:  # only some recipients were refused
        raise MailError(
            _("The mail server refused the address {address}").format(
                address=", ".join(sorted(refused))
            )
        )


def _password(config: EmailConfig, path: Path | None) -> str:
    """`config.password`, or the first line of the password file at `path`."""
    if path is None:
        return config.password
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise MailError(
            _("The mail password file {path} is not UTF-8 text").format(path=path)
        ) from None
    except OSError as error:
        raise MailError(
            _("Cannot read the mail password file {path} ({reason})").format(
                path=path, reason=error.strerror or error
            )
        ) from None
    lines = text.splitlines()
    if not lines or not lines[0]:
        raise MailError(_("The mail password file {path} is empty").format(path=path))
    return lines[0]


def _quit(client: SMTP) -> None:
    """Say goodbye and close; the message is already sent (or refused), so never raise."""
    try:
        client.quit()
    except (OSError, UnicodeError):
        pass
    finally:
        client.close()


def _mail_error(error: Exception, step: str, server: str, config: EmailConfig) -> MailError:
    """The cashier's message for what smtplib or the network raised during `step`."""
    import smtplib
    import socket
    import ssl

    if isinstance(error, smtplib.SMTPAuthenticationError):
        return MailError(
            _("The mail server {server} refused the login of {user}").format(
                server=server, user=config.user
            )
        )
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return MailError(
            _("The mail server refused the address {address}").format(
                address=", ".join(sorted(error.recipients))
            )
        )
    if isinstance(error, smtplib.SMTPSenderRefused) and error.smtp_code != AUTH_REQUIRED:
        return MailError(
            _("The mail server refused the sender address {address}").format(address=error.sender)
        )
    if isinstance(error, smtplib.SMTPNotSupportedError):
        if step == "starttls":
            return MailError(
                _("The mail server {server} offers no secure connection (STARTTLS)").format(
                    server=server
                )
            )
        if step == "login":
            return MailError(_("The mail server {server} accepts no login").format(server=server))
        return MailError(
            _("The mail server {server} does not accept addresses with accents").format(
                server=server
            )
        )
    # smtplib turns a read that timed out into SMTPServerDisconnected("...: timed out").
    if isinstance(error, TimeoutError) or isinstance(error.__context__, TimeoutError):
        return MailError(
            _("The mail server {server} did not answer within {seconds} s").format(
                server=server, seconds=config.timeout
            )
        )
    if isinstance(error, smtplib.SMTPServerDisconnected | ConnectionResetError | BrokenPipeError):
        return MailError(_("The mail server {server} closed the connection").format(server=server))
    if isinstance(error, smtplib.SMTPResponseException):
        reason = error.smtp_error
        text = reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
        return MailError(
            _("The mail server {server} answered: {code} {reason}").format(
                server=server, code=error.smtp_code, reason=" ".join(text.split())
            )
        )
    if isinstance(error, smtplib.SMTPException):
        if step == "login":  # "No suitable authentication method found."
            return MailError(_("The mail server {server} accepts no login").format(server=server))
        return MailError(
            _("Mail error with {server} ({reason})").format(server=server, reason=error)
        )
    if isinstance(error, UnicodeError):
        if step == "login":
            return MailError(
                _("The mail user name or password has characters the server cannot receive")
            )
        return MailError(
            _("Mail error with {server} ({reason})").format(server=server, reason=error)
        )
    if isinstance(error, ssl.SSLError):
        why = getattr(error, "verify_message", None) or getattr(error, "reason", None) or error
        return MailError(
            _("Secure connection to the mail server {server} failed ({reason})").format(
                server=server, reason=why
            )
        )
    if isinstance(error, socket.gaierror):
        return MailError(
            _("The mail server {host} was not found (check its name and the network)").format(
                host=config.host
            )
        )
    if isinstance(error, ConnectionRefusedError):
        return MailError(_("The mail server {server} refused the connection").format(server=server))
    why = error.strerror if isinstance(error, OSError) and error.strerror else error
    return MailError(
        _("Cannot reach the mail server {server} ({reason})").format(server=server, reason=why)
    )
