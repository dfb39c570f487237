"""The `mail:` section: typed, checked once at start-up, errors with their key and line; never a password."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.config import load_config
from tests.test_config import error_of, write

SITE = "site: {title: T, url: 'https://x.org/'}\n"


def test_defaults_and_values(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(SITE + "mail: {host: smtp.x.org, security: ssl, from: 'X <news@x.org>', unsubscribe: 'mailto:leave@x.org'}\n", encoding="utf-8")
    mail = load_config(path).mail
    assert (mail.host, mail.smtp_port, mail.sender, mail.unsubscribe_urls) == ("smtp.x.org", 465, "X <news@x.org>", ("mailto:leave@x.org",))
    path.write_text(SITE, encoding="utf-8")
    assert load_config(path).mail.smtp_port == 587 and load_config(path).mail.host == ""


@pytest.mark.parametrize(
    ("mail", "expected"),
    [
        ("  host: smtp.x.org\n  password: hunter2\n", "config.yaml:4: unknown key `mail.password` (did you mean `password_env`?)"),
        ("  host: smtp.x.org\n  from: not an address\n", "config.yaml:4: `mail.from` not an email address: 'not an address'"),
        ("  user: me\n", "config.yaml:3: `mail.user` is set but `password_env` is not"),
        ("  user: me\n  password_env: 'NOT A NAME'\n", "`mail.password_env` must be the name of an environment variable"),
        ("  security: none\n  user: me\n  password_env: PW\n", "the password would cross the network in clear"),
        ("  security: tls\n", "`mail.security`"),
        ("  unsubscribe: ['javascript:alert(1)']\n", "`mail.unsubscribe` must be mailto: or http(s) URLs"),
        ("  port: 70000\n", "`mail.port` must be between 1 and 65535"),
        ("  from: 'Desk \u202egro.x@ <news@x.org>'\n", "`mail.from` must not hold control or bidirectional formatting characters"),
    ],
)
def test_bad_mail_settings_are_explained(tmp_path: Path, mail: str, expected: str) -> None:
    assert expected in error_of(write(tmp_path, SITE + "mail:\n" + mail))
