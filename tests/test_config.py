from __future__ import annotations

from pathlib import Path

import pytest

from generator.config import load_config
from generator.problems import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.exit_code == 2
    return str(info.value)


def test_defaults_and_paths_resolve_relative_to_the_config_file(tmp_path: Path) -> None:
    sub = tmp_path / "sub"
    sub.mkdir()
    config = load_config(write(sub, "site: {title: T, url: 'https://x.org'}\npaths: {output: ../public}\n"))
    assert config.content_dir == sub / "content"
    assert config.output_dir == tmp_path / "public"
    assert config.base_url == "https://x.org/"
    assert config.digest.period == "day"
    assert config.feeds.limit == 50


def test_unknown_key_names_key_line_and_close_match(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, "site:\n  title: T\n  url: https://x.org/\n  timezon: UTC\n"))
    assert "config.yaml:4" in message
    assert "unknown key `site.timezon`" in message
    assert "did you mean `timezone`?" in message


def test_unknown_section_is_suggested(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, "site: {title: T, url: 'https://x.org/'}\nfeed: {limit: 3}\n"))
    assert "unknown key `feed`" in message and "`feeds`" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("site: {title: T, url: 'https://x.org/'}\nfeeds: {limit: many}\n", "`feeds.limit`: expected `int`, got `str`"),
        ("site: {title: T, url: 'x.org'}\n", "absolute http(s) URL"),
        ("site: {title: T, url: '/relative/'}\n", "absolute http(s) URL"),
        ("site: {title: T, url: 'https://x.org/', timezone: Mars/Olympus}\n", "unknown time zone"),
        ('site: {title: T, url: "https://x.org/\\u202egnp.exe/"}\n', "must not contain"),
        ('site: {title: T, url: "https://x.org/\\x85/"}\n', "must not contain"),
        ("site: {title: T, url: 'https://x.org/'}\ndigest: {period: month}\n", "`digest.period`"),
        ("site: {title: T, url: 'https://x.org/', image: card.png}\n", "`site.image` must be an absolute http(s) URL like"),
        ("site: {title: T, url: 'https://x.org/', image: 'https://x.org/a b.png'}\n", "`site.image` must not contain"),
        ("site: {url: 'https://x.org/'}\n", "`title`"),
        ("- just\n- a list\n", "must be a YAML mapping"),
        ("site: [unclosed\n", "invalid YAML"),
    ],
)
def test_invalid_configs_are_explained(tmp_path: Path, text: str, expected: str) -> None:
    assert expected in error_of(write(tmp_path, text))


def test_missing_config_file(tmp_path: Path) -> None:
    assert "config file not found" in error_of(tmp_path / "nope.yaml")


def test_site_text_loses_control_and_bidi_characters_once(tmp_path: Path) -> None:
    """Pages print these settings as they are: validation cleans them, as entries are cleaned at load."""
    text = 'site: {title: "My\\x01\\x0b \\u202eDigest", url: "https://x.org/", description: "A\\u2066 b\\x1b", author: "\\x7fEd\\u2069"}\n'
    site = load_config(write(tmp_path, text)).site
    assert (site.title, site.description, site.author) == ("My Digest", "A b", "Ed")


def test_a_language_cldr_does_not_know_is_refused_naming_config_yaml(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, "site: {title: T, url: 'https://x.org', language: xx-YY}\n"))
    assert "config.yaml" in message and "unknown locale 'xx-YY'" in message and "\n" not in message.strip()
    assert load_config(write(tmp_path, "site: {title: T, url: 'https://x.org', language: pt-BR}\n")).site.language == "pt-BR"
