"""Nothing the user owns is lost: build never writes into content/, never replaces a folder it did
not make, never deletes a file it did not write."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.robustness.sites import cli, config_text, mtimes, snapshot, write_entries


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    write_entries(root / "content", 12)
    (root / "config.yaml").write_text(config_text(), encoding="utf-8")
    return root


def _everything_but_site(root: Path) -> dict[str, object]:
    """Bytes and mtimes of every input (config, content), i.e. all but the output and the tool's state."""
    return {"content": snapshot(root / "content"), "mtimes": mtimes(root / "content"), "config": (root / "config.yaml").read_bytes()}


@pytest.mark.parametrize("args", [("build",), ("build", "--keep-going"), ("check",)])
def test_build_and_check_never_write_into_content(project: Path, args: tuple[str, ...]) -> None:
    (project / "content" / "bad.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")  # a failing entry too
    before = _everything_but_site(project)
    cli(*args, cwd=project)
    (project / "content" / "bad.md").unlink()
    assert cli("build", cwd=project).returncode == 0
    after = _everything_but_site(project)
    (project / "content" / "bad.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    assert snapshot(project / "content") == before["content"]
    assert {k: v for k, v in after["mtimes"].items() if k != "bad.md"} == {k: v for k, v in before["mtimes"].items() if k != "bad.md"}  # type: ignore[attr-defined]
    assert after["config"] == before["config"]


@pytest.mark.parametrize(
    ("output", "what"),
    [
        ("..", "contains the config file"),  # the folder holding the project
        (".", "contains the config file"),
        ("content", "contains paths.content"),
        ("content/site", "is inside paths.content"),
        ("templates/site", "is inside paths.templates"),
    ],
)
def test_output_overlapping_the_inputs_is_refused_and_nothing_is_touched(project: Path, output: str, what: str) -> None:
    (project / "templates").mkdir()
    (project / "templates" / "README.md").write_text("my notes", encoding="utf-8")
    (project / "config.yaml").write_text(config_text(output=output), encoding="utf-8")
    before = snapshot(project.parent)
    result = cli("build", cwd=project)
    assert result.returncode == 2
    assert f"error: config.yaml:7: output folder {(project / output).resolve()} {what}" in result.stderr, result.stderr
    assert "(point paths.output at a folder of its own, like `site`)" in result.stderr
    assert snapshot(project.parent) == before


def test_output_override_into_content_is_refused(project: Path) -> None:
    before = snapshot(project)
    result = cli("build", "--output", "content/public", cwd=project)
    assert result.returncode == 2 and "is inside paths.content" in result.stderr, result.stderr
    assert snapshot(project) == before


def test_home_folder_as_output_is_refused(project: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / ".config").mkdir(parents=True)
    (home / ".bashrc").write_text("export EDITOR=vi\n", encoding="utf-8")
    (home / ".config" / "app.toml").write_text("x = 1\n", encoding="utf-8")
    before = snapshot(home)
    result = cli("build", "--output", str(home), cwd=project)
    assert result.returncode == 2
    assert (
        f"error: {home}: output folder holds files newsdigest did not create; refusing to replace it (point paths.output (or --output) at an empty or new folder)"
        in result.stderr
    )
    assert snapshot(home) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "project"]  # nothing written beside it either


def test_output_path_that_is_a_file_is_refused(project: Path) -> None:
    (project / "site").write_text("not a folder", encoding="utf-8")
    result = cli("build", cwd=project)
    assert result.returncode == 2 and "output path exists and is not a folder" in result.stderr
    assert (project / "site").read_text(encoding="utf-8") == "not a folder"


def test_files_beside_the_site_are_never_touched(project: Path) -> None:
    """Only site/ and the tool's own state folder change; a backup or notes next to them survive every build."""
    (project / "site.bak").mkdir()
    (project / "site.bak" / "index.html").write_text("old backup", encoding="utf-8")
    (project / "notes.txt").write_text("keep me", encoding="utf-8")
    assert cli("build", cwd=project).returncode == 0
    write_entries(project / "content", 3, seed=9, first=100)
    assert cli("build", cwd=project).returncode == 0
    assert (project / "site.bak" / "index.html").read_text(encoding="utf-8") == "old backup"
    assert (project / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_a_file_the_user_adds_to_site_is_not_silently_deleted(project: Path) -> None:
    """A CNAME or verification file dropped into site/ by hand must survive rebuilds, or the build must refuse."""
    assert cli("build", cwd=project).returncode == 0
    (project / "site" / "CNAME").write_text("news.example.org\n", encoding="utf-8")
    for round_ in range(2):  # two real rebuilds: the tree swapped out by the first is swapped back in by the second
        write_entries(project / "content", 2, seed=round_, first=200 + 10 * round_)
        result = cli("build", cwd=project)
        if result.returncode != 0:
            assert result.returncode == 2 and "CNAME" in result.stderr, result.stderr
            break
        assert (project / "site" / "CNAME").read_text(encoding="utf-8") == "news.example.org\n", f"lost after rebuild {round_ + 1}"
