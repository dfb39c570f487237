"""What an email's HTML part holds: links, styles, stylesheets and scripts, read with the stdlib parser."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Scan:
    links: list[str] = field(default_factory=list)  # every href and src
    tags: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # every start tag with its attributes
    style_text: str = ""  # what <style> elements still hold


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scan = Scan()
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.scan.tags.append((tag, values))
        self.scan.links += [values[name] for name in ("href", "src") if name in values]
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.scan.style_text += data


def scan(html: str) -> Scan:
    scanner = _Scanner()
    scanner.feed(html)
    return scanner.scan


def assert_mail_ready(html: str, base_url: str) -> Scan:
    """The properties every email HTML part must have, whatever the issue."""
    found = scan(html)
    names = [tag for tag, _ in found.tags]
    assert "script" not in names
    assert not [a for tag, a in found.tags if tag == "link" and "stylesheet" in a.get("rel", "")]
    assert found.links and all(link.startswith((base_url, "mailto:")) for link in found.links), [x for x in found.links if not x.startswith(base_url)]
    # Rules are inlined: what stays in <style> is the media query alone, and the layout cells carry their styles.
    assert found.style_text.strip().startswith("@media") and found.style_text.count("@media") == 1
    styled = {a.get("class", ""): a.get("style", "") for tag, a in found.tags if tag in ("table", "td")}
    assert "max-width: 600px" in styled["column"] and "width: 100%" in styled["column"]
    assert all(styled[c] for c in ("outer", "outer-cell", "masthead", "head", "footer")), styled
    return found
