"""Problems found in user input, and the exit codes they map to.

Every stage reports what is wrong as a `Problem` naming the file (and line
when there is one) so the user can go straight to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

EXIT_OK = 0
EXIT_CONTENT = 1  # some entries or raw pages are bad
EXIT_USAGE = 2  # bad command line, config or templates


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one input file."""

    path: Path | None
    message: str
    line: int | None = None
    hint: str | None = None
    warning: bool = False

    def __str__(self) -> str:
        where = str(self.path) if self.path is not None else "<input>"
        if self.line is not None:
            where += f":{self.line}"
        text = f"{where}: {'warning: ' if self.warning else ''}{self.message}"
        return f"{text} ({self.hint})" if self.hint else text


def as_warning(problem: Problem) -> str:
    """`file:line: warning: what (how to fix)`, whichever stage made the problem."""
    return str(replace(problem, warning=True))


YAML_HINT = "check the YAML there: indent with spaces, and quote text that holds `: ` or starts with [ { * & ! | >"

# What to write instead, for msgspec's "expected `X`, got `Y`" messages.
_EXAMPLES = {
    "array": "a list, like `[economy, shipping]` or one `- item` per line",
    "str": "text; quote it if YAML reads it as something else (`'1984'`)",
    "int": "a whole number, like `20`",
    "bool": "`true` or `false`",
    "object": "a mapping of `key: value` lines",
}
_EXPECTED = re.compile(r"expected `(?P<kind>[a-z]+)")


def type_hint(message: str) -> str | None:
    """How to fix a wrong-type value, from a validation message."""
    match = _EXPECTED.search(message)
    example = _EXAMPLES.get(match["kind"]) if match else None
    return f"write {example}" if example else None


class DigestError(Exception):
    """An error that stops a command; carries every problem found."""

    exit_code = EXIT_CONTENT

    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems = problems if isinstance(problems, list) else [problems]
        super().__init__("\n".join(str(p) for p in self.problems))


class ConfigError(DigestError):
    """The configuration is missing or invalid."""

    exit_code = EXIT_USAGE


class TemplateError(DigestError):
    """A template failed to compile or render."""

    exit_code = EXIT_USAGE


class OutputError(DigestError):
    """The output folder cannot be written safely."""

    exit_code = EXIT_USAGE
