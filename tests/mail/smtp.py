"""Real SMTP servers on 127.0.0.1 for the tests (aiosmtpd): plain, STARTTLS or TLS from the start, with login.

A `Mailbox` handler keeps every message it accepted, refuses the recipients
it is told to, and can drop the connection instead of answering a message,
as a server that goes away half-way through a send would.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = "digest", "s3cret-Pässword"


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes
    tls: bool
    login: str | None

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.data, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Mailbox:
    refuse: set[str] = field(default_factory=set)  # recipients answered with 550
    drop_after: int | None = None  # close the connection instead of accepting message number drop_after + 1
    received: list[Received] = field(default_factory=list)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]) -> str:
        if address in self.refuse:
            return "550 5.1.1 <" + address + ">: no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.drop_after is not None and len(self.received) >= self.drop_after:
            server.transport.close()
            return "421 4.3.0 going away"
        login = session.auth_data.login.decode() if session.authenticated else None
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content or envelope.content, _encrypted(server), login))
        return "250 2.0.0 accepted"


def _encrypted(server: Any) -> bool:
    """TLS from the start or after STARTTLS: the connection's transport speaks it."""
    return server.transport.get_extra_info("ssl_object") is not None


def _authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False, auth_data=auth_data)  # handled=False: aiosmtpd answers 535 itself


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Certificates:
    ca_file: Path  # what a client trusts
    server: ssl.SSLContext


def certificates(folder: Path) -> Certificates:
    """A CA made for the test and a certificate for 127.0.0.1 signed by it."""
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    ca.cert_pem.write_to_path(str(folder / "ca.pem"))
    return Certificates(folder / "ca.pem", context)


@contextmanager
def smtp_server(mailbox: Mailbox, security: str = "none", certs: Certificates | None = None, login: bool = False, port: int | None = None) -> Iterator[int]:
    """Serve on 127.0.0.1; yields the port."""
    kwargs: dict[str, Any] = {}
    if security == "ssl":
        assert certs is not None
        kwargs["ssl_context"] = certs.server
    elif security == "starttls":
        assert certs is not None
        kwargs.update(tls_context=certs.server, require_starttls=True)
    if login:
        # aiosmtpd knows TLS only after STARTTLS: with TLS from the start it would never offer AUTH.
        kwargs.update(authenticator=_authenticator, auth_required=True, auth_require_tls=security == "starttls")
    port = port or free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()
