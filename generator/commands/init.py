"""`digest init DIR`: scaffold a new digest without touching existing files."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import click

from generator.problems import EXIT_USAGE


def scaffold_files() -> list[tuple[Path, Path]]:
    """(source, path relative to the new digest) for every scaffold file."""
    root = Path(str(resources.files("generator"))) / "scaffold"
    return [(p, p.relative_to(root)) for p in sorted(root.rglob("*")) if p.is_file() and "__pycache__" not in p.parts]


@click.command("init")
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
def command(directory: Path) -> None:
    """Create config.yaml, content/ and templates/ for a new digest in DIRECTORY."""
    files = scaffold_files()
    clashes = [rel for _, rel in files if (directory / rel).exists()]
    if clashes:
        for rel in clashes:
            click.echo(f"error: {directory / rel} already exists; not overwriting it", err=True)
        raise SystemExit(EXIT_USAGE)
    for source, rel in files:
        target = directory / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    click.echo(f"Created a new digest in {directory}. Next: cd {directory} && digest build")
    click.echo(f"Your own translations of the theme's labels go in {directory / 'locales'}/<lang>/LC_MESSAGES/messages.po (see its README.md)")
