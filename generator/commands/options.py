"""Options shared by every command."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from generator.config import Config, load_config


def config_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """`--config PATH`, loaded and validated into a Config before the command runs."""

    def load(ctx: click.Context, param: click.Parameter, value: Path) -> Config:
        return load_config(value)

    return click.option(
        "--config",
        "config",
        type=click.Path(path_type=Path, dir_okay=False),
        default=Path("config.yaml"),
        show_default=True,
        callback=load,
        help="Path to config.yaml; paths inside it resolve relative to it.",
    )(func)


def jobs_option(work: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`--jobs N`: how many processes share `work`, this one included (default: one per core)."""
    return click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help=f"Processes that {work}, this one included (default: all cores).")
