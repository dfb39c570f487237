"""Bad input through the real CLI: every case gives `file[:line]: what (how to fix)` and its exit code.

One table drives `digest check` and `digest build` for entries, files,
configuration and templates. Exit codes are the README's: 1 for content
errors, 2 for configuration, template and usage errors.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from tests.conftest import CONFIG, entry_text
from tests.robustness.sites import snapshot

GOOD = entry_text("Good story", body="Fine text.")
FM = "---\ntitle: T\ndate: 2024-06-23\n"  # front matter opening shared by many cases: `title` on line 2
Setup = Callable[[Path], None]


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    file: str  # as shown: relative to content/ for entries; the config or template file otherwise
    line: int | None  # None: the message must carry no line number
    what: str  # literal text of what is wrong
    hint: str | None  # literal text inside the trailing "(how to fix)"
    code: int
    entries: dict[str, str | bytes] = field(default_factory=dict)
    config: str = CONFIG
    setup: Setup | None = None


def _link(name: str, target: str) -> Setup:
    return lambda root: (root / "content" / name).symlink_to(root / target)


def _secret(root: Path) -> None:
    (root / "secret.md").write_text(entry_text("Secret"), encoding="utf-8")
    _link("leak.md", "secret.md")(root)


def _template(text: str) -> Setup:
    def setup(root: Path) -> None:
        (root / "templates").mkdir()
        (root / "templates" / "article.html").write_text(text, encoding="utf-8")

    return setup


SITE = "site: {title: T, url: 'https://x.org/'}\n"
CASES = [
    # front matter
    Case(
        "yaml-invalid",
        "a.md",
        4,
        "invalid YAML: mapping values are not allowed in this context",
        "check the YAML there",
        1,
        {"a.md": FM + "summary: Ports: reopened\n---\n"},
    ),
    Case("not-a-mapping", "a.md", 2, "front matter must be a YAML mapping", "write one `key: value` per line", 1, {"a.md": "---\n- a\n- b\n---\n"}),
    Case("no-front-matter", "a.md", 1, "entry must start with a `---` line", None, 1, {"a.md": "Just text.\n"}),
    Case("unclosed", "a.md", 1, "front matter is not closed: add a `---` line after it", None, 1, {"a.md": FM}),
    Case("missing-title", "a.md", 2, "missing required key `title`", "add `title: Headline`", 1, {"a.md": "---\ndate: 2024-06-23\n---\n"}),
    Case("tags-int", "a.md", 4, "`tags`: expected `array`, got `int`", "write a list", 1, {"a.md": FM + "tags: 5\n---\n"}),
    Case("title-list", "a.md", 2, "`title`: expected `str`, got `array`", "write text", 1, {"a.md": "---\ntitle: [a, b]\ndate: 2024-06-23\n---\n"}),
    Case("draft-str", "a.md", 4, "`draft`: expected `bool`, got `str`", "write `true` or `false`", 1, {"a.md": FM + "draft: maybe\n---\n"}),
    Case("date-unparsable", "a.md", 3, "`date`: invalid date 'next tuesday'", "", 1, {"a.md": "---\ntitle: T\ndate: next tuesday\n---\n"}),
    Case("date-impossible", "a.md", 3, "`date`: invalid date '2024-02-30': day is out of range", "", 1, {"a.md": "---\ntitle: T\ndate: 2024-02-30\n---\n"}),
    Case("date-number", "a.md", 3, "`added`: expected an ISO date like 2024-06-23, got int", None, 1, {"a.md": "---\ntitle: T\nadded: 20240623\n---\n"}),
    Case(
        "date-overflow",
        "a.md",
        3,
        "`added` 9999-12-31T23:59:59-12:00 is after year 9999 in the site's time zone (Europe/Berlin), where pages and feeds show it",
        "use a date from 0001-01-02 to 9999-12-30",
        1,
        {"a.md": "---\ntitle: T\nadded: 9999-12-31T23:59:59-12:00\n---\n"},
    ),
    Case(
        "date-before-year-1",
        "a.md",
        3,
        "`date` 0001-01-01 (midnight in Europe/Berlin) is before year 1 in UTC, where pages and feeds show it",
        "use a date from 0001-01-02 to 9999-12-30",
        1,
        {"a.md": "---\ntitle: T\ndate: 0001-01-01\n---\n"},
    ),
    Case("kind-unknown", "a.md", 4, "`kind`: invalid enum value 'opinion'", "use `kind: article` or `kind: teaser`", 1, {"a.md": FM + "kind: opinion\n---\n"}),
    Case("no-date", "a.md", None, "needs `date` or `added`", "add `date: 2024-06-23`", 1, {"a.md": "---\ntitle: T\n---\n"}),
    Case(
        "duplicate-id",
        "b.md",
        None,
        "duplicate id 'same1', already used by a.md",
        "give each entry its own `id`",
        1,
        {"a.md": entry_text("A", id="same1"), "b.md": entry_text("B", id="same1")},
    ),
    Case("duplicate-derived-id", "b.md", None, "duplicate id", "give each entry its own `id`", 1, {"a.md": FM + "---\nOne\n", "b.md": FM + "---\nTwo\n"}),
    Case(
        "slug-traversal",
        "a.md",
        4,
        "`slug` may hold only lowercase letters, digits and hyphens, got '../../etc/passwd'",
        "use `slug: etc-passwd`",
        1,
        {"a.md": FM + "slug: ../../etc/passwd\n---\n"},
    ),
    Case("slug-absolute", "a.md", 4, "`slug` may hold only", "use `slug: etc-passwd`", 1, {"a.md": FM + "slug: /etc/passwd\n---\n"}),
    Case("slug-dots", "a.md", 4, "`slug` may hold only", "remove it to derive one from the title", 1, {"a.md": FM + "slug: '..'\n---\n"}),
    Case("slug-backslash", "a.md", 4, "`slug` may hold only", "use `slug: windows-system32`", 1, {"a.md": FM + "slug: '..\\..\\windows\\system32'\n---\n"}),
    Case("id-traversal", "a.md", 4, "`id` may hold only letters, digits", "use an id like", 1, {"a.md": FM + "id: ../../../index\n---\n"}),
    Case("from-markup", "a.md", 4, "`from` may hold only letters, digits", "use an id like", 1, {"a.md": FM + "from: '<b>x</b>'\n---\n"}),
    Case(
        "url-javascript",
        "a.md",
        4,
        "`url` must be an absolute http(s) URL, got 'javascript:alert(1)'",
        "use `url: https://",
        1,
        {"a.md": FM + "url: javascript:alert(1)\n---\n"},
    ),
    Case("url-relative", "a.md", 4, "`url` must be an absolute http(s) URL", "use `url: https://", 1, {"a.md": FM + "url: /elsewhere\n---\n"}),
    # files
    Case(
        "latin-1",
        "a.md",
        2,
        "not valid UTF-8 (byte 0xe9)",
        "re-save the file as UTF-8",
        1,
        {"a.md": "---\ntitle: Caf\xe9\ndate: 2024-01-01\n---\n".encode("latin-1")},
    ),
    Case("utf-16", "a.md", None, "binary file, not a markdown entry", "move it out of the content folder", 1, {"a.md": (FM + "---\n").encode("utf-16")}),
    Case("binary", "a.md", None, "binary file, not a markdown entry", "move it out of the content folder", 1, {"a.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"}),
    Case("empty", "a.md", None, "file is empty", "write front matter", 1, {"a.md": b""}),
    Case("blank", "a.md", None, "file is empty", "write front matter", 1, {"a.md": "\n  \n\t\n"}),
    Case(
        "huge",
        "a.md",
        None,
        "file is 2,0",
        "raise build.max_entry_bytes in config.yaml",
        1,
        {"a.md": entry_text("Big", body="x" * 2000)},
        CONFIG + "build: {max_entry_bytes: 1000}\n",
    ),
    Case(
        "symlink-outside",
        "leak.md",
        None,
        "symlink points outside the content folder; refusing to read it",
        "copy the file into the content folder",
        1,
        setup=_secret,
    ),
    Case("symlink-broken", "gone.md", None, "broken symlink", "fix or delete the link", 1, setup=_link("gone.md", "content/nothing.md")),
    Case(
        "symlink-loop",
        "loop.md",
        None,
        "broken symlink: its target does not exist or the links form a loop",
        "fix or delete the link",
        1,
        setup=_link("loop.md", "content/loop.md"),
    ),
    # Unreadable even for root (CI runs as root, where chmod 000 does not stop a read): a FIFO would block a naive read forever.
    Case(
        "fifo",
        "pipe.md",
        None,
        "not a regular file (a pipe, socket or device)",
        "move it out of the content folder",
        1,
        setup=lambda root: os.mkfifo(root / "content" / "pipe.md"),
    ),
    # config
    Case(
        "config-missing",
        "config.yaml",
        None,
        "config file not found",
        "pass --config PATH or run `digest init`",
        2,
        setup=lambda root: (root / "config.yaml").unlink(),
    ),
    Case("config-not-yaml", "config.yaml", 2, "invalid YAML", "check the YAML there: indent with spaces", 2, config="site:\n\ttitle: T\n"),
    Case(
        "config-not-mapping",
        "config.yaml",
        1,
        "config must be a YAML mapping of sections",
        "start from the config.yaml that `digest init` writes",
        2,
        config="- site\n- paths\n",
    ),
    Case("config-empty", "config.yaml", 1, "config must be a YAML mapping of sections", "start from the config.yaml that `digest init` writes", 2, config=""),
    Case("config-not-utf8", "config.yaml", 2, "not valid UTF-8 (byte 0xe9)", "save it as UTF-8", 2, config="site:\n  title: Caf\udce9\n"),
    Case(
        "config-unknown-key",
        "config.yaml",
        4,
        "unknown key `site.timezon`",
        "did you mean `timezone`?",
        2,
        config="site:\n  title: T\n  url: https://x.org/\n  timezon: UTC\n",
    ),
    Case("config-unknown-section", "config.yaml", 2, "unknown key `feed`", "did you mean `feeds`?", 2, config=SITE + "feed: {limit: 3}\n"),
    Case("config-missing-title", "config.yaml", 1, "`site`: object missing required field `title`", None, 2, config="site: {url: 'https://x.org/'}\n"),
    Case("config-wrong-int", "config.yaml", 2, "`feeds.limit`: expected `int`, got `str`", "write a whole number", 2, config=SITE + "feeds: {limit: many}\n"),
    Case(
        "config-wrong-bool",
        "config.yaml",
        3,
        "`feeds.teasers`: expected `bool`, got `str`",
        "write `true` or `false`",
        2,
        config=SITE + "feeds:\n  teasers: sometimes\n",
    ),
    Case("config-wrong-enum", "config.yaml", 2, "`digest.period`: invalid enum value 'month'", None, 2, config=SITE + "digest: {period: month}\n"),
    Case(
        "config-url-relative",
        "config.yaml",
        3,
        "`site.url` must be an absolute http(s) URL like https://example.org/digest/, got '/digest/'",
        None,
        2,
        config="site:\n  title: T\n  url: /digest/\n",
    ),
    Case("config-url-no-scheme", "config.yaml", 3, "`site.url` must be an absolute http(s) URL", None, 2, config="site:\n  title: T\n  url: example.org\n"),
    Case("config-url-bad-port", "config.yaml", 3, "`site.url` is malformed", None, 2, config="site:\n  title: T\n  url: 'https://example.org:99999/'\n"),
    Case(
        "config-url-space",
        "config.yaml",
        3,
        "`site.url` must not contain spaces, quotes or <>",
        None,
        2,
        config="site:\n  title: T\n  url: 'https://exa mple.org/'\n",
    ),
    Case(
        "config-url-password",
        "config.yaml",
        3,
        "`site.url` must not contain a user name or password",
        None,
        2,
        config="site:\n  title: T\n  url: 'https://me:secret@example.org/'\n",
    ),
    Case(
        "config-timezone",
        "config.yaml",
        4,
        "`site.timezone` unknown time zone 'Mars/Olympus'",
        None,
        2,
        config="site:\n  title: T\n  url: https://x.org/\n  timezone: Mars/Olympus\n",
    ),
    Case("config-limit-zero", "config.yaml", 3, "`build.max_entry_bytes` must be at least 1", None, 2, config=SITE + "build:\n  max_entry_bytes: 0\n"),
]

# Template problems only show up when rendering, so they belong to `build`.
TEMPLATE_CASES = [
    Case("template-syntax", "templates/article.html", 2, "template syntax error", None, 2, {"a.md": GOOD}, setup=_template("<h1>\n{% if %}\n")),
    Case(
        "template-undefined",
        "templates/article.html",
        3,
        "undefined in template: 'generator.entries.model.Entry object' has no attribute 'headline'",
        None,
        2,
        {"a.md": GOOD},
        setup=_template("a\nb\n{{ entry.headline }}\n"),
    ),
]


def _message_pattern(case: Case) -> re.Pattern[str]:
    where = r"(?:\S*/)?" + re.escape(case.file) + (f":{case.line}" if case.line is not None else "")
    tail = rf" \(.*{re.escape(case.hint)}.*\)" if case.hint is not None else ""
    return re.compile(rf"^error: {where}: .*{re.escape(case.what)}.*{tail}$", re.MULTILINE)


def _prepare(root: Path, case: Case) -> None:
    (root / "config.yaml").write_bytes(case.config.encode("utf-8", "surrogateescape"))
    (root / "content").mkdir()
    for rel, data in case.entries.items():
        (root / "content" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "content" / rel).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    if case.setup is not None:
        case.setup(root)


def _invoke(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str]:
    monkeypatch.chdir(root)
    result = CliRunner().invoke(cli, list(args))
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_gives_file_line_what_how_and_exit_code(case: Case, command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _prepare(tmp_path, case)
    code, stderr = _invoke(tmp_path, monkeypatch, command)
    assert code == case.code, stderr
    assert _message_pattern(case).search(stderr), f"no line matching {_message_pattern(case).pattern!r} in:\n{stderr}"
    assert "Traceback" not in stderr
    assert not (tmp_path / "site").exists()  # a failed build publishes nothing


@pytest.mark.parametrize("case", TEMPLATE_CASES, ids=[c.id for c in TEMPLATE_CASES])
def test_template_errors_give_template_file_and_line(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _prepare(tmp_path, case)
    code, stderr = _invoke(tmp_path, monkeypatch, "build")
    assert code == case.code, stderr
    assert _message_pattern(case).search(stderr), stderr
    assert not (tmp_path / "site").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions; the FIFO case covers an unreadable entry")
def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _prepare(tmp_path, Case("unreadable", "a.md", None, "", None, 1, {"a.md": GOOD}))
    (tmp_path / "content" / "a.md").chmod(0)
    code, stderr = _invoke(tmp_path, monkeypatch, "check")
    assert code == 1 and re.search(r"^error: a\.md: cannot read file: Permission denied", stderr, re.MULTILINE), stderr


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("bom.md", "\ufeff" + entry_text("Good story")),
        ("crlf.md", entry_text("Good story").replace("\n", "\r\n")),
        ("bom-crlf.md", "\ufeff" + entry_text("Good story").replace("\n", "\r\n")),
        ("cr.md", entry_text("Good story").replace("\n", "\r")),
    ],
)
def test_bom_and_line_endings_are_accepted(name: str, data: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _prepare(tmp_path, Case(name, name, None, "", None, 0, {name: data}))
    code, stderr = _invoke(tmp_path, monkeypatch, "build", "-q")
    assert code == 0, stderr
    page = (tmp_path / "site" / "2024" / "12" / "14" / "good-story" / "index.html").read_text(encoding="utf-8")
    assert "<h1>Good story</h1>" in page and "\ufeff" not in page and "\r" not in page


def test_symlinks_inside_content_are_read_and_folders_leading_outside_are_not(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def setup(root: Path) -> None:
        (root / "content" / "alias.md").symlink_to(root / "content" / "real" / "story.md")  # same entry twice → duplicate id
        (root / "outside").mkdir()
        (root / "outside" / "secret.md").write_text(entry_text("Secret outside"), encoding="utf-8")
        (root / "content" / "linked").symlink_to(root / "outside", target_is_directory=True)

    _prepare(tmp_path, Case("links", "", None, "", None, 0, {"real/story.md": GOOD, "folder.md/inner.md": entry_text("Inner")}, setup=setup))
    code, stderr = _invoke(tmp_path, monkeypatch, "check")
    assert code == 1 and re.search(r"^error: (alias|real/story)\.md: duplicate id", stderr, re.MULTILINE), stderr
    (tmp_path / "content" / "alias.md").unlink()
    code, stderr = _invoke(tmp_path, monkeypatch, "build", "-q")
    assert code == 0, stderr
    published = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "site").rglob("*.html"))
    assert "Good story" in published and "Inner" in published  # a folder named *.md is just a folder
    assert "Secret outside" not in published


def test_default_build_lists_every_problem_and_leaves_the_old_site_untouched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _prepare(tmp_path, Case("old", "", None, "", None, 0, {"good.md": GOOD}))
    assert _invoke(tmp_path, monkeypatch, "build", "-q")[0] == 0
    before = snapshot(tmp_path / "site")
    bad = {"a.md": "---\ntitle: [\n---\n", "b/c.md": "---\ntitle: T\n---\n", "d.md": b"\x00", "e.md": FM + "tags: 5\n---\n"}
    for rel, data in bad.items():
        path = tmp_path / "content" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
    (tmp_path / "content" / "new.md").write_text(entry_text("New good story"), encoding="utf-8")
    code, stderr = _invoke(tmp_path, monkeypatch, "build")
    assert code == 1
    errors = [line for line in stderr.splitlines() if line.startswith("error: ")]
    assert sorted(e.split(":")[1].strip() for e in errors) == ["a.md", "b/c.md", "d.md", "e.md"], stderr
    assert snapshot(tmp_path / "site") == before


def test_keep_going_builds_the_rest_and_lists_what_it_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _prepare(tmp_path, Case("kg", "", None, "", None, 0, {"good.md": GOOD, "bad.md": "---\ntitle: T\n---\n", "worse.md": b"\xff\xfe"}))
    code, stderr = _invoke(tmp_path, monkeypatch, "build", "--keep-going")
    assert code == 1  # content errors, even though the rest was published
    skipped = sorted(line.split(":")[1].strip() for line in stderr.splitlines() if line.startswith("skipped: "))
    assert skipped == ["bad.md", "worse.md"], stderr
    assert (tmp_path / "site" / "2024" / "12" / "14" / "good-story" / "index.html").is_file()


def test_two_entries_wanting_one_url_are_disambiguated_deterministically_with_a_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = entry_text("Same title", id="aaaa1111", added="2024-12-14T08:00:00+00:00")
    second = entry_text("Same title", id="bbbb2222", added="2024-12-14T09:00:00+00:00")
    twin = entry_text("Same title", id="cccc3333", added="2024-12-14T09:00:00+00:00")  # same moment as `second`: id decides
    sites = []
    for order, names in enumerate((("x.md", "y.md", "z.md"), ("z.md", "y.md", "x.md"))):
        root = tmp_path / str(order)
        root.mkdir()
        _prepare(root, Case("url", "", None, "", None, 0, dict(zip(names, (first, second, twin), strict=True))))
        code, stderr = _invoke(root, monkeypatch, "build", "-q")
        assert code == 0, stderr
        warnings = {line for line in stderr.splitlines() if ": warning: " in line}
        assert warnings == {
            f"{names[1]}: warning: URL /2024/12/14/same-title/ is already used by {names[0]}; using /2024/12/14/same-title-bbbb2222/ (give one of them its own `slug`)",
            f"{names[2]}: warning: URL /2024/12/14/same-title/ is already used by {names[0]}; using /2024/12/14/same-title-cccc3333/ (give one of them its own `slug`)",
        }, stderr
        sites.append(snapshot(root / "site"))
    assert sites[0] == sites[1]
    assert {"2024/12/14/same-title/index.html", "2024/12/14/same-title-bbbb2222/index.html", "2024/12/14/same-title-cccc3333/index.html"} <= set(sites[0].files)  # type: ignore[union-attr]


def test_usage_error_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _prepare(tmp_path, Case("usage", "", None, "", None, 0, {"a.md": GOOD}))
    code, stderr = _invoke(tmp_path, monkeypatch, "build", "--no-such-option")
    assert code == 2 and "No such option" in stderr


def test_template_that_is_not_utf8_is_reported_not_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _prepare(tmp_path, Case("template-latin-1", "", None, "", None, 2, {"a.md": GOOD}))
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "article.html").write_bytes("<p>Caf\xe9 {{ entry.title }}</p>".encode("latin-1"))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["build"])
    assert result.exit_code == 2, (result.exception, result.stderr)
    assert re.search(r"^error: \S*templates/article\.html(:\d+)?: .*UTF-8", result.stderr, re.MULTILINE), result.stderr
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("command", ["check", "build"])
def test_every_problem_of_an_entry_is_listed_with_its_line(command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = '---\ntitle: [not, text]\ndate: 2024-02-30\nslug: "Bad Slug!"\ntags: 5\nurl: javascript:alert(1)\nid: "a b"\n---\nBody.\n'
    _prepare(tmp_path, Case("many", "a.md", None, "", None, 1, {"a.md": bad, "b.md": GOOD}))
    code, stderr = _invoke(tmp_path, monkeypatch, command)
    assert code == 1
    found = re.findall(r"^error: a\.md:(\d+): (`[a-z]+`)", stderr, re.MULTILINE)
    assert found == [("2", "`title`"), ("3", "`date`"), ("4", "`slug`"), ("5", "`tags`"), ("6", "`url`"), ("7", "`id`")], stderr
