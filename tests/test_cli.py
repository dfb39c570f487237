"""The `digest` command line as users run it."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.config import Config
from tests.conftest import ROOT, entry_text, site_files


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True, check=False)


def test_check_reports_every_bad_entry_and_exits_1(make_digest: Callable[..., Config]) -> None:
    config = make_digest({"good.md": entry_text("Good"), "a.md": "---\ntitle: A\n---\n", "b.md": "---\ntitle: B\ndate: 2024-13-01\n---\n"})
    result = run("check", "--config", str(config.path))
    assert result.returncode == 1
    assert "a.md" in result.stderr and "needs `date` or `added`" in result.stderr
    assert "b.md:3" in result.stderr
    assert not config.output_dir.exists()


def test_check_ok(make_digest: Callable[..., Config]) -> None:
    config = make_digest({"good.md": entry_text("Good")})
    result = run("check", cwd=config.path.parent)
    assert result.returncode == 0, result.stderr
    assert "OK: 1 entries in 1 issues" in result.stdout


def test_bad_config_exits_2_naming_key(make_digest: Callable[..., Config], tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("site: {title: T, url: 'https://x.org/', langauge: en}\n", encoding="utf-8")
    result = run("build", "--config", str(tmp_path / "bad.yaml"))
    assert result.returncode == 2
    assert "unknown key `site.langauge` (did you mean `language`?)" in result.stderr


@pytest.mark.parametrize("command", ["build", "check"])
def test_a_missing_content_folder_is_one_line_and_exit_2(command: str, tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("site: {title: T, url: 'https://x.org/'}\npaths: {content: contnet}\n", encoding="utf-8")
    result = run(command, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines() == [
        f"error: {tmp_path / 'contnet'}: content folder not found (create it (digest ingest writes there), or set paths.content in config.yaml)"
    ]
    assert not (tmp_path / "site").exists()


def test_build_with_output_override_from_another_folder(make_digest: Callable[..., Config], tmp_path: Path) -> None:
    config = make_digest({"good.md": entry_text("Good")})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = run("build", "--config", str(config.path), "--output", "public", cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    assert (elsewhere / "public" / "index.html").is_file()
    assert not config.output_dir.exists()


def test_build_refuses_an_output_folder_it_did_not_create(make_digest: Callable[..., Config]) -> None:
    config = make_digest({"good.md": entry_text("Good")})
    config.output_dir.mkdir()
    (config.output_dir / "precious.txt").write_text("mine", encoding="utf-8")
    result = run("build", cwd=config.path.parent)
    assert result.returncode == 2
    assert "holds files newsdigest did not create" in result.stderr
    assert (config.output_dir / "precious.txt").read_text(encoding="utf-8") == "mine"


def test_init_scaffolds_a_digest_that_builds_and_never_overwrites(tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "new"
    created = runner.invoke(cli, ["init", str(target)])
    assert created.exit_code == 0
    assert {p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()} == {
        "config.yaml",
        "content/welcome.md",
        "templates/README.md",
        "locales/README.md",
    }
    assert f"{target / 'locales'}/<lang>/LC_MESSAGES/messages.po" in created.output  # where a site's own translations go
    (target / "config.yaml").write_text("# edited by me\n" + (target / "config.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    again = runner.invoke(cli, ["init", str(target)])
    assert again.exit_code == 2 and "already exists" in again.output
    assert (target / "config.yaml").read_text(encoding="utf-8").startswith("# edited by me")
    assert run("build", cwd=target).returncode == 0
    assert (target / "site" / "index.html").is_file()


def test_digest_script_and_module_agree(make_digest: Callable[..., Config]) -> None:
    config = make_digest({"good.md": entry_text("Good")})
    script = Path(sys.executable).with_name("digest")
    result = subprocess.run([str(script), "build", "-q", "--output", "a"], cwd=config.path.parent, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert run("build", "-q", "--output", "b", cwd=config.path.parent).returncode == 0
    assert site_files(config.path.parent / "a") == site_files(config.path.parent / "b")


@pytest.mark.slow
def test_installed_wheel_finds_its_default_templates(tmp_path: Path, make_digest: Callable[..., Config]) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)], check=True, capture_output=True)
    (wheel,) = wheels.glob("*.whl")
    unpacked = tmp_path / "unpacked"
    zipfile.ZipFile(wheel).extractall(unpacked)
    assert (unpacked / "generator" / "theme" / "base.html").is_file()
    assert (unpacked / "generator" / "theme" / "locales" / "de" / "LC_MESSAGES" / "messages.po").is_file()  # catalogs ship with the theme
    config = make_digest({"good.md": entry_text("Good")})  # no templates/ folder of its own
    env = {"PYTHONPATH": str(unpacked), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", "import generator, sys; print(generator.__file__); sys.argv=['digest','build']; from generator.cli import main; main()"],
        cwd=config.path.parent,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert str(unpacked) in result.stdout
    assert (config.output_dir / "static" / "style.css").is_file()
