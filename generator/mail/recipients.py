"""Recipients from the command line (`--to`) or a list file (`--list`), checked before anything is sent."""

from __future__ import annotations

from collections.abc import Iterable
from email.headerregistry import Address
from pathlib import Path

from generator.mail.address import address_key, parse_address
from generator.problems import ConfigError, Problem


def from_arguments(values: Iterable[str]) -> list[Address]:
    problems, found = [], []
    for value in values:
        try:
            found.append(parse_address(value))
        except ValueError as exc:
            problems.append(Problem(Path("--to"), str(exc)))
    if problems:
        raise ConfigError(problems)
    return unique(found)


def from_list(path: Path) -> list[Address]:
    """One address per line; blank lines and lines starting with # are skipped. Every bad line is reported."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(Problem(path, "address list is not valid UTF-8", hint="save it as UTF-8")) from None
    except OSError as exc:
        raise ConfigError(Problem(path, f"cannot read address list: {exc.strerror or exc}")) from None
    problems, found = [], []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            found.append(parse_address(line))
        except ValueError as exc:
            problems.append(Problem(path, str(exc), number))
    if problems:
        raise ConfigError(problems)
    if not found:
        raise ConfigError(Problem(path, "address list holds no address", hint="write one address per line"))
    return unique(found)


def unique(addresses: Iterable[Address]) -> list[Address]:
    """Each reader once, in the order given."""
    seen: dict[str, Address] = {}
    for address in addresses:
        seen.setdefault(address_key(address), address)
    return list(seen.values())
