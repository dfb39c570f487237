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


HAND_MADE = {"CNAME": "news.example.org\n", ".well-known/security.txt": "Contact: mailto:desk@example.org\n"}


def _add_by_hand(site: Path) -> None:
    for rel, text in HAND_MADE.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(text, encoding="utf-8")


def _rebuilt(project: Path, rounds: int, first: int) -> None:
    """`rounds` real rebuilds, each after new entries: the tree swapped out by one is swapped back in by the next."""
    for round_ in range(rounds):
        write_entries(project / "content", 2, seed=round_, first=first + 10 * round_)
        result = cli("build", cwd=project)
        assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("builds_before", [1, 3])  # after a first build, and once both trees have been live
def test_files_the_user_adds_to_site_survive_rebuilds_and_stay_gone_once_deleted(project: Path, builds_before: int) -> None:
    """A CNAME or verification file dropped into site/ by hand is carried into every new site; deleted by hand, it stays deleted."""
    assert cli("build", cwd=project).returncode == 0
    _rebuilt(project, builds_before - 1, first=100)
    _add_by_hand(project / "site")
    for round_ in range(3):
        _rebuilt(project, 1, first=200 + 10 * round_)
        assert {rel: (project / "site" / rel).read_text(encoding="utf-8") for rel in HAND_MADE} == HAND_MADE, f"lost after rebuild {round_ + 1}"
    (project / "site" / "CNAME").unlink()
    _rebuilt(project, 3, first=300)
    assert not (project / "site" / "CNAME").exists()
    assert (project / "site" / ".well-known" / "security.txt").read_text(encoding="utf-8") == HAND_MADE[".well-known/security.txt"]


def test_a_build_that_would_write_over_a_file_put_there_by_hand_is_refused(project: Path) -> None:
    """The user's file stands where a page is built next: the build stops, naming it, and neither the file nor the site changes."""
    assert cli("build", cwd=project).returncode == 0
    entry = next((project / "content").rglob("entry-00003.md"))
    kept = entry.read_bytes()
    pages = set(snapshot(project / "site").files)
    entry.unlink()
    assert cli("build", cwd=project).returncode == 0
    gone = sorted(rel for rel in pages - set(snapshot(project / "site").files) if rel.endswith("/index.html") and rel.count("/") > 3)
    assert len(gone) == 1, gone  # the entry's own article page
    (project / "site" / gone[0]).parent.mkdir(parents=True)
    (project / "site" / gone[0]).write_text("my own page\n", encoding="utf-8")
    before = snapshot(project / "site")
    entry.write_bytes(kept)
    result = cli("build", cwd=project)
    assert result.returncode == 2, result.stderr
    assert f"error: {project / 'site' / gone[0]}: a file newsdigest did not write stands where the build writes one" in result.stderr
    assert snapshot(project / "site") == before
