"""`digest mail` as a user runs it, against real SMTP servers on 127.0.0.1 (aiosmtpd).

Each test runs the command in its own process and reads what the server
received with the stdlib email parser.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from generator.cache import BuildCache
from generator.config import Config
from tests.conftest import CONFIG
from tests.mail.htmlscan import assert_mail_ready
from tests.mail.smtp import PASSWORD, USER, Certificates, Mailbox, certificates, free_port, smtp_server
from tests.mail.test_compose import BASE, ENTRIES

PASSWORD_ENV = "DIGEST_TEST_SMTP_PASSWORD"
SENDER = "Zoë’s Digest <digest@news.example.org>"


def mail_config(port: int, security: str = "starttls", login: bool = True, ca_file: str = "ca.pem") -> str:
    lines = ["host: 127.0.0.1", f"port: {port}", f"security: {security}", f"from: {SENDER!r}", "reply_to: desk@news.example.org"]
    lines += ["unsubscribe: ['mailto:leave@news.example.org', 'https://news.example.org/leave?list=digest']", "timeout: 10"]
    if login:
        lines += [f"user: {USER}", f"password_env: {PASSWORD_ENV}"]
    if ca_file:
        lines.append(f"ca_file: {ca_file}")
    return CONFIG + "mail:\n" + textwrap.indent("\n".join(lines), "  ") + "\n"


@pytest.fixture
def root(make_digest: Callable[..., Config], tmp_path: Path) -> Path:
    make_digest(ENTRIES)
    return tmp_path


@pytest.fixture
def certs(tmp_path: Path) -> Certificates:
    return certificates(tmp_path)


def digest_mail(root: Path, *args: str, password: str | None = PASSWORD) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != PASSWORD_ENV}
    if password is not None:
        env[PASSWORD_ENV] = password
    return subprocess.run([sys.executable, "-m", "generator", "mail", *args], cwd=root, env=env, capture_output=True, text=True, timeout=120, check=False)


def configure(root: Path, text: str) -> None:
    (root / "config.yaml").write_text(text, encoding="utf-8")


def errors(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("error: ")]


def test_sends_the_latest_issue_over_starttls_with_login(root: Path, certs: Certificates) -> None:
    mailbox = Mailbox()
    with smtp_server(mailbox, "starttls", certs, login=True) as port:
        configure(root, mail_config(port))
        result = digest_mail(root, "--to", "Ana Ruiz <ana@example.org>", "--to", "Jürgen Groß <juergen@example.org>")
    assert result.returncode == 0, result.stderr
    assert "sent: Ana Ruiz <ana@example.org>" in result.stdout
    assert result.stdout.splitlines()[-1] == "2024-12-14: 2 sent, 0 refused, 0 already sent before"
    assert [(r.sender, r.recipients, r.tls, r.login) for r in mailbox.received] == [
        ("digest@news.example.org", ["ana@example.org"], True, USER),
        ("digest@news.example.org", ["juergen@example.org"], True, USER),
    ]
    msg = mailbox.received[1].message
    assert mailbox.received[1].data.isascii()  # every non-ASCII header and part is encoded for the wire
    assert msg["Subject"] == "Test Digest · 14 December 2024" and "=?utf-8?" in mailbox.received[1].data.decode().split("Subject:")[1].splitlines()[0]
    assert msg["From"].addresses[0].display_name == "Zoë’s Digest" and msg["From"].addresses[0].addr_spec == "digest@news.example.org"
    assert msg["To"].addresses[0].display_name == "Jürgen Groß"
    assert msg["Reply-To"] == "desk@news.example.org"
    assert msg["List-Unsubscribe"].strip() == "<mailto:leave@news.example.org>, <https://news.example.org/leave?list=digest>"  # may be folded
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"  # RFC 8058, for the https URL
    assert msg["List-Id"] == "Test Digest <news.example.org>" and msg["Content-Language"] == "en"
    assert msg["Message-ID"].endswith("@news.example.org>") and msg["Date"].datetime.tzinfo is not None
    assert msg.get_content_type() == "multipart/alternative"
    text, html = msg.iter_parts()
    assert (text.get_content_type(), text.get_content_charset(), html.get_content_type()) == ("text/plain", "utf-8", "text/html")
    body = html.get_content()
    assert_mail_ready(body, "https://news.example.org/")
    assert "Read the story →" in body and f'href="{BASE}issues/2024-12-14/email.html"' in body and 'href="https://news.example.org/leave?list=digest"' in body
    assert "By Zoë Ünal" in text.get_content() and f"{BASE}issues/2024-12-14/" in text.get_content()


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # it is TLS from the start; aiosmtpd cannot tell
def test_tls_from_the_start_and_a_list_file_and_a_named_issue(root: Path, certs: Certificates) -> None:
    (root / "readers.txt").write_text("# readers\nana@example.org\n\n  Bob <bob@example.org>  \nANA@example.org\n", encoding="utf-8")
    mailbox = Mailbox()
    with smtp_server(mailbox, "ssl", certs, login=True) as port:
        configure(root, mail_config(port, "ssl"))
        result = digest_mail(root, "2024-12-13", "--list", "readers.txt")
    assert result.returncode == 0, result.stderr
    assert [r.recipients for r in mailbox.received] == [["ana@example.org"], ["bob@example.org"]]  # ANA@ is Ana
    assert all(r.tls for r in mailbox.received)
    assert mailbox.received[0].message["Subject"] == "Test Digest · 13 December 2024"


def test_no_address_gets_an_issue_twice_unless_resent(root: Path, certs: Certificates) -> None:
    mailbox = Mailbox()
    with smtp_server(mailbox, "starttls", certs, login=True) as port:
        configure(root, mail_config(port))
        assert digest_mail(root, "--to", "ana@example.org").returncode == 0
        again = digest_mail(root, "--to", "Ana@Example.org", "--to", "bob@example.org")
        assert again.returncode == 0, again.stderr
        assert again.stdout.splitlines()[-1] == "2024-12-14: 1 sent, 0 refused, 1 already sent before (--resend sends again)"
        nothing = digest_mail(root, "--to", "ana@example.org", "--to", "bob@example.org")
        assert nothing.returncode == 0 and "0 sent" in nothing.stdout
        other_issue = digest_mail(root, "2024-12-13", "--to", "ana@example.org")
        resent = digest_mail(root, "--resend", "--to", "ana@example.org")
    assert other_issue.returncode == 0 and resent.returncode == 0
    assert [(r.recipients, r.message["Subject"][-16:]) for r in mailbox.received] == [
        (["ana@example.org"], "14 December 2024"),
        (["bob@example.org"], "14 December 2024"),
        (["ana@example.org"], "13 December 2024"),
        (["ana@example.org"], "14 December 2024"),
    ]


def test_a_refused_recipient_does_not_stop_the_others(root: Path, certs: Certificates) -> None:
    mailbox = Mailbox(refuse={"gone@example.org"})
    with smtp_server(mailbox, "starttls", certs, login=True) as port:
        configure(root, mail_config(port))
        result = digest_mail(root, "--to", "ana@example.org", "--to", "gone@example.org", "--to", "bob@example.org")
        assert result.returncode == 1
        assert errors(result) == [f"error: 127.0.0.1:{port}: gone@example.org refused: 550 5.1.1 <gone@example.org>: no such mailbox here"]
        assert [r.recipients for r in mailbox.received] == [["ana@example.org"], ["bob@example.org"]]
        mailbox.refuse.clear()
        retry = digest_mail(root, "--to", "ana@example.org", "--to", "gone@example.org", "--to", "bob@example.org")
    assert retry.returncode == 0, retry.stderr
    assert [r.recipients for r in mailbox.received][2:] == [["gone@example.org"]]  # the refused one was not marked as sent


def test_a_send_cut_off_half_way_resumes_with_the_rest(root: Path, certs: Certificates) -> None:
    readers = [f"reader{n}@example.org" for n in range(5)]
    (root / "readers.txt").write_text("\n".join(readers) + "\n", encoding="utf-8")
    dropping = Mailbox(drop_after=2)
    with smtp_server(dropping, "starttls", certs, login=True) as port:
        configure(root, mail_config(port))
        cut = digest_mail(root, "--list", "readers.txt")
    assert cut.returncode == 1
    (line,) = errors(cut)
    assert line.startswith(f"error: 127.0.0.1:{port}: connection lost after 2 of 5 copies (") and "run the same command again for the rest" in line
    assert [r.recipients[0] for r in dropping.received] == readers[:2]
    assert "sent: reader1@example.org" in cut.stdout and "reader2" not in cut.stdout
    working = Mailbox()
    with smtp_server(working, "starttls", certs, login=True) as port:
        configure(root, mail_config(port))
        resumed = digest_mail(root, "--list", "readers.txt")
    assert resumed.returncode == 0, resumed.stderr
    assert [r.recipients[0] for r in working.received] == readers[2:]
    assert resumed.stdout.splitlines()[-1] == "2024-12-14: 3 sent, 0 refused, 2 already sent before (--resend sends again)"


def test_refused_login_sends_and_records_nothing(root: Path, certs: Certificates) -> None:
    mailbox = Mailbox()
    with smtp_server(mailbox, "starttls", certs, login=True) as port:
        configure(root, mail_config(port))
        refused = digest_mail(root, "--to", "ana@example.org", password="wrong")
        assert refused.returncode == 1 and refused.stdout == ""
        assert errors(refused) == [
            f"error: 127.0.0.1:{port}: login refused for user {USER}: 535 5.7.8 Authentication credentials invalid (check mail.user and the password)"
        ]
        assert mailbox.received == []
        assert digest_mail(root, "--to", "ana@example.org").returncode == 0
    assert len(mailbox.received) == 1


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("unreachable", "cannot reach the server: Connection refused (check mail.host and mail.port)"),
        ("untrusted", "the server's certificate is not trusted: "),
        ("untrusted ssl", "the server's certificate is not trusted: "),  # TLS from the start checks it too
        ("no starttls", "the server does not offer STARTTLS (set mail.security: ssl for a server that speaks TLS from the start (port 465))"),
    ],
)
def test_a_server_that_cannot_be_used_is_one_line_and_nothing_is_recorded(root: Path, certs: Certificates, case: str, expected: str) -> None:
    mailbox = Mailbox()
    if case == "unreachable":
        port = free_port()
        configure(root, mail_config(port))
        result = digest_mail(root, "--to", "ana@example.org")
    else:
        security = {"untrusted": "starttls", "untrusted ssl": "ssl"}.get(case, "none")
        with smtp_server(mailbox, security, certs, login=False) as port:
            configure(
                root, mail_config(port, "ssl" if security == "ssl" else "starttls", login=False, ca_file="" if case.startswith("untrusted") else "ca.pem")
            )
            result = digest_mail(root, "--to", "ana@example.org")
    assert result.returncode == 1 and result.stdout == ""
    (line,) = errors(result)
    assert line.startswith(f"error: 127.0.0.1:{port}: {expected}"), line
    assert mailbox.received == []
    with smtp_server(mailbox, "starttls", certs, login=True) as port:
        configure(root, mail_config(port))
        assert digest_mail(root, "--to", "ana@example.org").returncode == 0
    assert len(mailbox.received) == 1  # the failed run marked no one as sent


def test_bad_input_is_refused_before_any_connection(root: Path) -> None:
    mailbox = Mailbox()
    with smtp_server(mailbox) as port:
        configure(root, mail_config(port, "none", login=False, ca_file=""))
        unknown = digest_mail(root, "2031-01-01", "--to", "ana@example.org")
        bad_address = digest_mail(root, "--to", "not an address")
        (root / "readers.txt").write_text("ana@example.org\nbob@\n", encoding="utf-8")
        bad_list = digest_mail(root, "--list", "readers.txt")
        both = digest_mail(root, "--to", "ana@example.org", "--list", "readers.txt")
        configure(root, mail_config(port, "starttls", ca_file=""))
        no_password = digest_mail(root, "--to", "ana@example.org", password=None)
        configure(root, CONFIG + f"mail: {{port: {port}, security: none, from: 'desk@news.example.org'}}\n")
        no_host = digest_mail(root, "--to", "ana@example.org")
        configure(root, CONFIG + f"mail: {{host: 127.0.0.1, port: {port}, security: none}}\n")
        no_from = digest_mail(root, "--to", "ana@example.org")
        configure(root, mail_config(port, "none", login=False, ca_file=""))
        (root / "content" / "broken.md").write_text("---\ntitle: [unclosed\n---\nText.\n", encoding="utf-8")
        broken_entry = digest_mail(root, "--to", "ana@example.org")
    assert mailbox.received == []
    assert unknown.returncode == 2 and errors(unknown) == [
        f"error: {root / 'content'}: no issue '2031-01-01' in the digest (the latest are 2024-12-14, 2024-12-13; leave ISSUE out to send the latest)"
    ]
    assert no_host.returncode == 2 and errors(no_host) == [
        f"error: {root / 'config.yaml'}: `mail.host` is not set: name the SMTP server to send through (or use --eml DIR to write .eml files)"
    ]
    assert no_from.returncode == 2 and len(errors(no_from)) == 1 and "`mail.from` is not set" in errors(no_from)[0]
    # An entry with errors stops the mail as it stops a build (exit 1), naming the file and line.
    assert broken_entry.returncode == 1 and len(errors(broken_entry)) == 1 and errors(broken_entry)[0].startswith("error: broken.md:")
    assert bad_address.returncode == 2 and errors(bad_address) == [
        "error: --to: not an email address: 'not an address' (write ana@example.org or Ana Ruiz <ana@example.org>)"
    ]
    assert bad_list.returncode == 2 and errors(bad_list)[0].startswith("error: readers.txt:2: not an email address: 'bob@'")
    assert both.returncode == 2 and "--to ADDR (repeatable) or --list FILE" in both.stderr
    assert no_password.returncode == 2
    assert errors(no_password) == [
        f"error: {root / 'config.yaml'}: environment variable {PASSWORD_ENV} (named by `mail.password_env`) is not set"
        f" (export {PASSWORD_ENV}=... with the SMTP password before running `digest mail`)"
    ]


def test_eml_files_are_whole_multipart_messages_and_nothing_is_recorded(root: Path) -> None:
    configure(root, mail_config(free_port(), login=False, ca_file=""))  # no server is needed
    result = digest_mail(root, "--eml", "out", "--to", "Ana Ruiz <ana@example.org>", "--to", "o'brien/x@example.org")
    assert result.returncode == 0, result.stderr
    files = sorted(p.name for p in (root / "out").iterdir())
    assert files == ["2024-12-14-ana@example.org.eml", "2024-12-14-o_brien_x@example.org.eml"]
    raw = (root / "out" / files[0]).read_bytes()
    assert raw.isascii() and b"\r\n" in raw
    msg = message_from_bytes(raw, policy=policy.default)
    assert isinstance(msg, EmailMessage) and msg.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in msg.iter_parts()] == ["text/plain", "text/html"]
    assert msg["To"] == "Ana Ruiz <ana@example.org>" and msg["Subject"] == "Test Digest · 14 December 2024"
    dry = digest_mail(root, "--dry-run", "--to", "ana@example.org")
    assert "would send to: ana@example.org" in dry.stdout  # writing .eml files sent nothing


def test_dry_run_shows_the_plan_and_sends_nothing(root: Path, certs: Certificates) -> None:
    mailbox = Mailbox()
    with smtp_server(mailbox, "starttls", certs, login=True) as port:
        configure(root, mail_config(port))
        assert digest_mail(root, "--to", "ana@example.org").returncode == 0
        dry = digest_mail(root, "--dry-run", "--to", "ana@example.org", "--to", "bob@example.org", password=None)  # no password needed
        eml = digest_mail(root, "--eml", "out", "--to", "ana@example.org", "--to", "bob@example.org", password=None)
    assert dry.returncode == 0, dry.stderr
    assert eml.returncode == 0, eml.stderr
    assert [p.name for p in (root / "out").iterdir()] == ["2024-12-14-bob@example.org.eml"]  # --eml skips who already has it too
    assert eml.stdout.splitlines()[-1] == "2024-12-14: 1 .eml files written to out, 1 already sent before (--resend sends again) (nothing sent or recorded)"
    lines = dry.stdout.splitlines()
    assert lines[0] == "2024-12-14: 'Test Digest · 14 December 2024' from Zoë’s Digest <digest@news.example.org>"
    assert "would send to: bob@example.org" in lines and "already sent to: ana@example.org" in lines
    assert lines[-1] == "2024-12-14: 1 to send, 1 already sent before (--resend sends again) (dry run: nothing sent)"
    assert len(mailbox.received) == 1


def test_a_second_sender_waits_and_then_skips_what_the_first_sent(root: Path, certs: Certificates) -> None:
    mailbox = Mailbox()
    state = root / ".site.newsdigest"
    state.mkdir()
    with smtp_server(mailbox, "starttls", certs, login=True) as port:
        configure(root, mail_config(port))
        with (state / "mail.lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # a first `digest mail` is sending
            env = {**os.environ, PASSWORD_ENV: PASSWORD}
            args = [sys.executable, "-m", "generator", "mail", "--to", "ana@example.org", "--to", "bob@example.org"]
            second = subprocess.Popen(args, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            assert second.stderr is not None
            assert second.stderr.readline() == "waiting: another digest mail is sending this site's issues\n"
            assert mailbox.received == []
            cache = BuildCache(state / "cache.sqlite")
            cache.record_mailed("2024-12-14", "ana@example.org", "2024-12-15T07:00:00+00:00")  # what the first one sent
            cache.close()
        out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    assert out.splitlines()[-1] == "2024-12-14: 1 sent, 0 refused, 1 already sent before (--resend sends again)"
    assert [r.recipients for r in mailbox.received] == [["bob@example.org"]]


def test_a_weekly_issue_through_a_local_relay_without_login_or_unsubscribe(root: Path) -> None:
    """`security: none` (a relay on this machine), no reply_to, no unsubscribe: none of their headers or links."""
    mailbox = Mailbox()
    with smtp_server(mailbox) as port:
        configure(root, CONFIG + f"digest: {{period: week}}\nmail: {{host: 127.0.0.1, port: {port}, security: none, from: {SENDER!r}}}\n")
        result = digest_mail(root, "2024-W50", "--to", "ana@example.org", password=None)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "2024-W50: 1 sent, 0 refused, 0 already sent before"
    (received,) = mailbox.received
    assert (received.recipients, received.tls, received.login) == (["ana@example.org"], False, None)
    msg = received.message
    assert msg["Subject"] == "Test Digest · Week of 9 December 2024"
    assert [name for name in ("Reply-To", "List-Unsubscribe", "List-Unsubscribe-Post") if name in msg] == []
    assert msg["List-Id"] == "Test Digest <news.example.org>"
    text, html = msg.iter_parts()
    assert [part["Content-Transfer-Encoding"] for part in (text, html)] == ["quoted-printable"] * 2  # 7-bit lines any server relays
    body = html.get_content()
    assert_mail_ready(body, BASE)
    assert f'href="{BASE}issues/2024-W50/email.html"' in body and f'href="{BASE}issues/2024-W50/"' in body
    assert "Unsubscribe" not in body and "Unsubscribe" not in text.get_content()
    assert f"This email on the web: {BASE}issues/2024-W50/email.html" in text.get_content()
