"""Problems found in user input, and the exit codes they map to.

Every stage reports what is wrong as a `Problem` naming the file (and line
when there is one) so the user can go straight to it.
"""

from __future__ import annotations

from dataclasses import dataclass
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
