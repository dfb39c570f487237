"""Mailing an issue over SMTP: one connection, one transaction per recipient.

Every failure is one line naming the server. A refused recipient costs only
its own copy; a refused login, an untrusted certificate or an unreachable
server stop before anything is sent; a connection lost half-way stops there,
and what the server accepted until then has already been recorded by the
caller (`sent` runs right after each accepted transaction).
"""

from __future__ import annotations

import base64
import smtplib
import ssl
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path

from generator.config.schema import MailConfig
from generator.problems import EXIT_CONTENT, ConfigError, DigestError, Problem


class MailError(DigestError):
    """The server could not be used or refused something (exit 1)."""

    exit_code = EXIT_CONTENT


@dataclass(frozen=True, slots=True)
class Server:
    host: str
    port: int
    security: str  # starttls | ssl | none
    user: str
    password: str
    ca_file: Path | None
    timeout: float

    @property
    def name(self) -> Path:
        """How errors name the server: `smtp.example.org:587`."""
        return Path(f"{self.host}:{self.port}")


def server_settings(mail: MailConfig, config_path: Path, environ: Mapping[str, str]) -> Server:
    """The server to send through, with its password from the environment; refused before any connection."""
    if not mail.host:
        raise ConfigError(Problem(config_path, "`mail.host` is not set: name the SMTP server to send through", hint="or use --eml DIR to write .eml files"))
    password = ""
    if mail.password_env:
        password = environ.get(mail.password_env, "")
        if not password:
            hint = f"export {mail.password_env}=... with the SMTP password before running `digest mail`"
            raise ConfigError(Problem(config_path, f"environment variable {mail.password_env} (named by `mail.password_env`) is not set", hint=hint))
    ca_file = (config_path.parent / mail.ca_file).resolve() if mail.ca_file else None
    if ca_file is not None and not ca_file.is_file():
        raise ConfigError(Problem(config_path, f"`mail.ca_file`: no such file {ca_file}"))
    return Server(mail.host, mail.smtp_port, mail.security, mail.user, password, ca_file, mail.timeout)


Copy = Callable[[Address], EmailMessage]  # a recipient's message, made when its turn comes


def send_all(server: Server, sender: Address, recipients: Sequence[Address], make: Copy, sent: Callable[[Address], None]) -> list[Problem]:
    """Send each recipient its copy; returns the recipients the server refused. Raises MailError when it cannot go on."""
    refused: list[Problem] = []
    with _connected(server) as smtp:
        for count, recipient in enumerate(recipients):
            try:
                smtp.send_message(make(recipient), from_addr=sender.addr_spec, to_addrs=[recipient.addr_spec])
            except smtplib.SMTPRecipientsRefused as exc:
                code, reply = next(iter(exc.recipients.values()))
                refused.append(Problem(server.name, f"{recipient.addr_spec} refused: {code} {_text(reply)}"))
                continue
            except smtplib.SMTPDataError as exc:
                refused.append(Problem(server.name, f"copy to {recipient.addr_spec} refused: {_reply(exc)}"))
                continue
            except smtplib.SMTPSenderRefused as exc:
                raise MailError([*refused, Problem(server.name, f"sender {sender.addr_spec} refused: {_reply(exc)}", hint="check mail.from")]) from None
            except (smtplib.SMTPException, OSError) as exc:
                lost = Problem(server.name, f"connection lost after {count} of {len(recipients)} copies ({_reason(exc)})", hint=_RESUME)
                raise MailError([*refused, lost]) from None
            sent(recipient)
    return refused


_RESUME = "the copies sent are recorded: run the same command again for the rest"
_NO_STARTTLS = "set mail.security: ssl for a server that speaks TLS from the start (port 465)"


@contextmanager
def _connected(server: Server) -> Iterator[smtplib.SMTP]:
    smtp = _open(server)
    try:
        _secure_and_login(server, smtp)
        yield smtp
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


def _open(server: Server) -> smtplib.SMTP:
    try:
        if server.security == "ssl":
            return smtplib.SMTP_SSL(server.host, server.port, timeout=server.timeout, context=_tls_context(server))
        return smtplib.SMTP(server.host, server.port, timeout=server.timeout)
    except (smtplib.SMTPException, OSError) as exc:
        raise _failure(server, exc) from None


def _secure_and_login(server: Server, smtp: smtplib.SMTP) -> None:
    try:
        if server.security == "starttls":
            smtp.starttls(context=_tls_context(server))
        if server.user:
            _login(smtp, server.user, server.password)
    except smtplib.SMTPAuthenticationError as exc:
        refused = Problem(server.name, f"login refused for user {server.user}: {_reply(exc)}", hint="check mail.user and the password")
        raise MailError(refused) from None
    except smtplib.SMTPNotSupportedError as exc:
        if "STARTTLS" in str(exc):
            raise MailError(Problem(server.name, "the server does not offer STARTTLS", hint=_NO_STARTTLS)) from None
        raise MailError(Problem(server.name, "the server does not offer login (AUTH)", hint="check mail.security and mail.port")) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise _failure(server, exc) from None


def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    if (user + password).isascii():
        smtp.login(user, password)  # picks the best mechanism the server offers
        return
    # smtplib encodes credentials as ASCII; AUTH PLAIN carries UTF-8 (RFC 4616), so send that one ourselves.
    smtp.ehlo_or_helo_if_needed()
    if not smtp.has_extn("auth"):
        raise smtplib.SMTPNotSupportedError("SMTP AUTH extension not supported by server.")
    token = base64.b64encode(b"\0" + user.encode() + b"\0" + password.encode()).decode("ascii")
    code, reply = smtp.docmd("AUTH", "PLAIN " + token)
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)


def _tls_context(server: Server) -> ssl.SSLContext:
    """Certificates checked against the system's CAs, or only those in mail.ca_file."""
    return ssl.create_default_context(cafile=str(server.ca_file) if server.ca_file else None)


def _failure(server: Server, exc: BaseException) -> MailError:
    if isinstance(exc, ssl.SSLCertVerificationError):
        untrusted = f"the server's certificate is not trusted: {exc.verify_message}"
        return MailError(Problem(server.name, untrusted, hint="set mail.ca_file to the CA that signed it"))
    if isinstance(exc, ssl.SSLError):
        return MailError(Problem(server.name, f"TLS failed: {exc.reason or exc}", hint="check mail.security and mail.port"))
    if isinstance(exc, smtplib.SMTPResponseException):
        return MailError(Problem(server.name, f"the server refused: {_reply(exc)}"))
    return MailError(Problem(server.name, f"cannot reach the server: {_reason(exc)}", hint="check mail.host and mail.port"))


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def _reply(exc: smtplib.SMTPResponseException) -> str:
    return f"{exc.smtp_code} {_text(exc.smtp_error)}"


def _text(reply: bytes | str) -> str:
    """A server reply on one line."""
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return " ".join(text.split())
