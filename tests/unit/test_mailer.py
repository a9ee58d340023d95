"""E-mailed receipts: address checks, the message, and a real SMTP exchange with aiosmtpd.

Every sending test talks to a real server on 127.0.0.1 (aiosmtpd in a thread, or a bare socket
that misbehaves on purpose); nothing of the till is mocked.
"""

from __future__ import annotations

import email
import email.policy
import shutil
import socket
import ssl
import subprocess
import threading
from dataclasses import replace
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from tests.smtp import HOST, Inbox, StartServer, free_port
from till_tui.config import EmailConfig
from till_tui.hw.mailer import MailError, build_message, check_address, send_message

SHOP = "boutique@exemple.fr"
CUSTOMER = "anne.martin@exemple.fr"
USER = "till"
PASSWORD = "s3cret-Pa55"
BODY = "Épicerie Hélène\nCrème brûlée      2 x 3,50\nTotal 12,50 €\nMerci de votre visite !\n"


def check_password(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
) -> AuthResult:
    good = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == USER.encode()
        and auth_data.password == PASSWORD.encode()
    )
    return AuthResult(success=good, handled=False)  # aiosmtpd answers 235 or 535


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A private certificate authority and a server certificate for 127.0.0.1 signed by it."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is needed to make test certificates")
    folder = tmp_path_factory.mktemp("tls")
    ca_key, ca_cert = folder / "ca.key", folder / "ca.pem"
    key, request, cert = folder / "server.key", folder / "server.csr", folder / "server.pem"
    extensions = folder / "server.ext"
    extensions.write_text(
        "basicConstraints = critical, CA:FALSE\n"
        "keyUsage = critical, digitalSignature, keyEncipherment\n"
        "extendedKeyUsage = serverAuth\n"
        "subjectAltName = IP:127.0.0.1\n"
        "subjectKeyIdentifier = hash\n"
        "authorityKeyIdentifier = keyid\n",
        encoding="utf-8",
    )
    new_key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    ca_extensions = ["basicConstraints=critical,CA:TRUE", "keyUsage=critical,keyCertSign,cRLSign"]
    commands: list[list[str | Path]] = [
        [openssl, "req", "-x509", *new_key, "-keyout", ca_key, "-out", ca_cert, "-days", "2"],
        [openssl, "req", *new_key, "-keyout", key, "-out", request, "-subj", "/CN=127.0.0.1"],
        [openssl, "x509", "-req", "-in", request, "-CA", ca_cert, "-CAkey", ca_key],
    ]
    commands[0] += ["-subj", "/CN=Till test CA"]
    commands[0] += [part for extension in ca_extensions for part in ("-addext", extension)]
    commands[2] += ["-CAcreateserial", "-out", cert, "-days", "2", "-extfile", extensions]
    for command in commands:
        subprocess.run(command, check=True, capture_output=True)
    return {"ca": ca_cert, "cert": cert, "key": key}


def server_tls(certificates: dict[str, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificates["cert"], certificates["key"])
    return context


def client_tls(certificates: dict[str, Path]) -> ssl.SSLContext:
    """The default client context (host name checked) trusting the test authority only."""
    return ssl.create_default_context(cafile=str(certificates["ca"]))


def plain(port: int, **changes: Any) -> EmailConfig:
    """Settings for a server on 127.0.0.1:`port` without TLS (changed by `changes`)."""
    config = EmailConfig(host=HOST, port=port, starttls=False, sender=SHOP, timeout=5)
    return replace(config, **changes)


def receipt(to: str = CUSTOMER) -> EmailMessage:
    return build_message(
        sender=f"Épicerie Hélène <{SHOP}>", to=to, subject="Votre ticket n° 7", body=BODY
    )


def closed_port() -> int:
    """A port nothing listens on (just freed)."""
    return free_port()


def raises_mail_error(config: EmailConfig, *, password_path: Path | None = None) -> str:
    with pytest.raises(MailError) as caught:
        send_message(config, password_path, receipt())
    message = str(caught.value)
    assert "Traceback" not in message
    assert "\n" not in message
    return message


# check_address


@pytest.mark.parametrize(
    ("typed", "cleaned"),
    [
        ("anne.martin@exemple.fr", "anne.martin@exemple.fr"),
        ("  anne@exemple.fr \n", "anne@exemple.fr"),
        ("Anne.Martin+tickets@Exemple.FR", "Anne.Martin+tickets@exemple.fr"),
        ("o'neil@mail.example.co.uk", "o'neil@mail.example.co.uk"),
        ("root@localhost", "root@localhost"),
        ("a@b-c.de", "a@b-c.de"),
        ("anne@Café.fr", "anne@xn--caf-dma.fr"),
    ],
)
def test_a_good_address_comes_back_cleaned(typed: str, cleaned: str) -> None:
    assert check_address(typed) == cleaned


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("", "Type an e-mail address"),
        ("   ", "Type an e-mail address"),
        ("anne@exemple.fr, paul@exemple.fr", "only one"),
        ("anne@exemple.fr;paul@exemple.fr", "only one"),
        ("anne", "not a valid"),
        ("anne@", "not a valid"),
        ("@exemple.fr", "not a valid"),
        ("anne@exemple", "not a valid"),
        ("anne @exemple.fr", "not a valid"),
        ("anne@exemple .fr", "not a valid"),
        ("anne\t@exemple.fr", "not a valid"),
        ("anne@@exemple.fr", "not a valid"),
        ("anne@exe@mple.fr", "not a valid"),
        ("anne@exemple..fr", "not a valid"),
        ("anne@.exemple.fr", "not a valid"),
        ("anne@exemple.fr.", "not a valid"),
        ("anne@-exemple.fr", "not a valid"),
        ("anne@exemple-.fr", "not a valid"),
        ("anne@exe_mple.fr", "not a valid"),
        ("anne@127.0.0.1", "not a valid"),
        ("anne@[127.0.0.1]", "not a valid"),
        (".anne@exemple.fr", "not a valid"),
        ("anne.@exemple.fr", "not a valid"),
        ("an..ne@exemple.fr", "not a valid"),
        ("<anne@exemple.fr>", "not a valid"),
        ("Anne <anne@exemple.fr>", "not a valid"),
        ("anne(work)@exemple.fr", "not a valid"),
        ('"anne"@exemple.fr', "not a valid"),
        ("anne@exemple.fr\r\nBcc: x@y.fr", "not a valid"),
        ("hélène@exemple.fr", "not a valid"),
        ("anne@café..fr", "not a valid"),
        ("a" * 65 + "@exemple.fr", "not a valid"),
        ("anne@" + "a" * 250 + ".fr", "not a valid"),
    ],
)
def test_a_bad_address_is_refused_with_a_message(typed: str, problem: str) -> None:
    with pytest.raises(MailError, match=problem):
        check_address(typed)


# build_message


def test_the_message_is_plain_utf8_text_that_survives_the_trip() -> None:
    message = receipt()
    wire = message.as_bytes()
    assert wire.isascii()  # quoted-printable: no server can mangle the accents
    parsed = email.message_from_bytes(wire, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    assert parsed.get_content_type() == "text/plain"
    assert parsed.get_content_charset() == "utf-8"
    assert parsed.get_content() == BODY
    assert parsed["Subject"] == "Votre ticket n° 7"
    assert parsed["From"].addresses[0].display_name == "Épicerie Hélène"
    assert parsed["From"].addresses[0].addr_spec == SHOP
    assert parsed["To"] == CUSTOMER
    assert parsedate_to_datetime(parsed["Date"]).tzinfo is not None
    assert parsed["Message-ID"].startswith("<")
    assert parsed["Message-ID"].endswith("@exemple.fr>")


def test_each_message_has_its_own_id() -> None:
    assert receipt()["Message-ID"] != receipt()["Message-ID"]


def test_the_recipient_is_checked_when_the_message_is_built() -> None:
    with pytest.raises(MailError, match="not a valid"):
        receipt(to="anne@exemple")
    assert receipt(to=" anne@Exemple.fr ")["To"] == "anne@exemple.fr"


# send_message: delivery


def test_a_receipt_is_delivered(smtp_server: StartServer) -> None:
    inbox, port = smtp_server()
    send_message(plain(port), None, receipt())
    envelope = inbox.envelopes[0]
    assert envelope.mail_from == SHOP
    assert envelope.rcpt_tos == [CUSTOMER]
    received = inbox.message()
    assert received["From"].addresses[0].addr_spec == SHOP
    assert received["To"] == CUSTOMER
    assert received["Subject"] == "Votre ticket n° 7"
    body = received.get_body()
    assert body is not None
    content = body.get_content().replace("\r\n", "\n")
    assert "Total 12,50 €\n" in content
    assert "Crème brûlée      2 x 3,50\n" in content
    assert content == BODY


def test_a_sender_with_accents_needs_a_server_that_takes_them(smtp_server: StartServer) -> None:
    message = build_message(sender="hélène@exemple.fr", to=CUSTOMER, subject="Ticket", body=BODY)
    inbox, port = smtp_server()  # aiosmtpd's Controller offers SMTPUTF8
    send_message(plain(port), None, message)
    assert inbox.envelopes[0].mail_from == "hélène@exemple.fr"

    ascii_only, port = smtp_server(enable_SMTPUTF8=False)
    with pytest.raises(MailError, match="does not accept addresses with accents"):
        send_message(plain(port), None, message)
    assert ascii_only.envelopes == []


def test_a_refused_recipient_is_named(smtp_server: StartServer) -> None:
    inbox, port = smtp_server()
    with pytest.raises(MailError, match=r"refused the address nobody@exemple\.fr"):
        send_message(plain(port), None, receipt(to=Inbox.REFUSED))
    assert inbox.envelopes == []


# send_message: the server cannot be reached


def test_without_a_server_in_the_config_nothing_is_sent() -> None:
    message = raises_mail_error(EmailConfig())
    assert "not set up" in message


def test_a_server_that_is_down_is_named() -> None:
    port = closed_port()
    message = raises_mail_error(plain(port))
    assert f"{HOST}:{port}" in message
    assert "refused the connection" in message


def test_an_unknown_server_name_is_reported() -> None:
    message = raises_mail_error(plain(25, host="mail.no-such-host.invalid"))
    assert "mail.no-such-host.invalid was not found" in message


def test_a_silent_server_times_out() -> None:
    with socket.create_server((HOST, 0)) as silent:  # accepts in the kernel, never greets
        port = silent.getsockname()[1]
        message = raises_mail_error(plain(port, timeout=1))
    assert f"{HOST}:{port}" in message
    assert "did not answer within 1 s" in message


def test_a_server_that_hangs_up_is_reported() -> None:
    with socket.create_server((HOST, 0)) as listener:
        port = listener.getsockname()[1]

        def greet_then_hang_up() -> None:
            connection, _ = listener.accept()
            with connection:
                connection.sendall(b"220 flaky.example ESMTP\r\n")
                connection.recv(1024)  # EHLO

        thread = threading.Thread(target=greet_then_hang_up)
        thread.start()
        message = raises_mail_error(plain(port))
        thread.join()
    assert f"{HOST}:{port} closed the connection" in message


# send_message: login


def test_the_right_password_logs_in(smtp_server: StartServer) -> None:
    inbox, port = smtp_server(authenticator=check_password, auth_require_tls=False)
    send_message(plain(port, user=USER, password=PASSWORD), None, receipt())
    assert inbox.envelopes[0].rcpt_tos == [CUSTOMER]


def test_the_password_can_come_from_the_first_line_of_a_file(
    smtp_server: StartServer, tmp_path: Path
) -> None:
    inbox, port = smtp_server(authenticator=check_password, auth_require_tls=False)
    password_file = tmp_path / "smtp-password"
    password_file.write_text(f"{PASSWORD}\nnot the password\n", encoding="utf-8")
    send_message(plain(port, user=USER, password_file="smtp-password"), password_file, receipt())
    assert len(inbox.envelopes) == 1


def test_a_wrong_password_is_refused(smtp_server: StartServer, tmp_path: Path) -> None:
    inbox, port = smtp_server(authenticator=check_password, auth_require_tls=False)
    message = raises_mail_error(plain(port, user=USER, password="guess"))
    assert f"{HOST}:{port} refused the login of {USER}" in message

    password_file = tmp_path / "smtp-password"
    password_file.write_text("guess\n", encoding="utf-8")
    message = raises_mail_error(plain(port, user=USER), password_path=password_file)
    assert "refused the login" in message
    assert inbox.envelopes == []


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_without_login_an_authenticating_server_refuses_the_message(
    smtp_server: StartServer,
) -> None:
    inbox, port = smtp_server(
        authenticator=check_password, auth_require_tls=False, auth_required=True
    )
    message = raises_mail_error(plain(port))
    assert f"{HOST}:{port} answered: 530" in message
    assert inbox.envelopes == []


def test_a_server_without_login_is_reported(smtp_server: StartServer) -> None:
    _, port = smtp_server()  # no authenticator: no AUTH in its EHLO answer
    message = raises_mail_error(plain(port, user=USER, password=PASSWORD))
    assert "accepts no login" in message


def test_a_password_smtplib_cannot_encode_is_reported(smtp_server: StartServer) -> None:
    _, port = smtp_server(authenticator=check_password, auth_require_tls=False)
    message = raises_mail_error(plain(port, user=USER, password="crème"))
    assert "characters the server cannot receive" in message


@pytest.mark.parametrize(
    ("content", "problem"),
    [(None, "Cannot read the mail password file"), (b"", "is empty"), (b"\xff\xfe", "UTF-8")],
)
def test_a_bad_password_file_is_reported_before_connecting(
    tmp_path: Path, content: bytes | None, problem: str
) -> None:
    password_file = tmp_path / "smtp-password"
    if content is not None:
        password_file.write_bytes(content)
    # Nothing listens on the port: the file is the problem reported, so it is read first.
    message = raises_mail_error(plain(closed_port(), user=USER), password_path=password_file)
    assert problem in message
    assert str(password_file) in message


# send_message: TLS


def test_starttls_with_a_trusted_certificate_delivers(
    smtp_server: StartServer, certificates: dict[str, Path]
) -> None:
    inbox, port = smtp_server(
        tls_context=server_tls(certificates),
        require_starttls=True,
        authenticator=check_password,
        auth_required=True,  # aiosmtpd offers AUTH only over TLS by default
    )
    config = plain(port, starttls=True, user=USER, password=PASSWORD)
    send_message(config, None, receipt(), tls_context=client_tls(certificates))
    assert inbox.message().get_content().replace("\r\n", "\n") == BODY


def test_a_server_requiring_starttls_refuses_a_plain_client(
    smtp_server: StartServer, certificates: dict[str, Path]
) -> None:
    inbox, port = smtp_server(tls_context=server_tls(certificates), require_starttls=True)
    message = raises_mail_error(plain(port))
    assert f"{HOST}:{port} answered: 530" in message
    assert "STARTTLS" in message
    assert inbox.envelopes == []


def test_an_untrusted_certificate_stops_starttls(
    smtp_server: StartServer, certificates: dict[str, Path]
) -> None:
    inbox, port = smtp_server(tls_context=server_tls(certificates), require_starttls=True)
    # The default context trusts the system's authorities, not the test one.
    message = raises_mail_error(plain(port, starttls=True))
    assert f"Secure connection to the mail server {HOST}:{port} failed" in message
    assert "certificate" in message
    assert inbox.envelopes == []


def test_a_certificate_for_another_name_stops_starttls(
    smtp_server: StartServer, certificates: dict[str, Path]
) -> None:
    inbox, port = smtp_server(tls_context=server_tls(certificates), require_starttls=True)
    # The same server reached as "localhost": its certificate names 127.0.0.1 only.
    config = plain(port, host="localhost", starttls=True)
    with pytest.raises(MailError, match="Secure connection") as caught:
        send_message(config, None, receipt(), tls_context=client_tls(certificates))
    assert "localhost" in str(caught.value)
    assert inbox.envelopes == []


def test_starttls_against_a_server_without_it_is_reported(smtp_server: StartServer) -> None:
    _, port = smtp_server()
    message = raises_mail_error(plain(port, starttls=True))
    assert f"{HOST}:{port} offers no secure connection" in message


def test_tls_from_the_start_delivers(
    smtp_server: StartServer, certificates: dict[str, Path]
) -> None:
    inbox, port = smtp_server(ssl_context=server_tls(certificates))
    config = plain(port, ssl=True)
    send_message(config, None, receipt(), tls_context=client_tls(certificates))
    assert inbox.envelopes[0].rcpt_tos == [CUSTOMER]


def test_tls_from_the_start_against_a_plain_server_is_reported(smtp_server: StartServer) -> None:
    inbox, port = smtp_server()
    message = raises_mail_error(plain(port, ssl=True))
    assert f"Secure connection to the mail server {HOST}:{port} failed" in message
    assert inbox.envelopes == []
