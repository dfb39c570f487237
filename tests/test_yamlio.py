"""The YAML reader: direct construction must give exactly what PyYAML's general path gives."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import yamlio


def general(text: str) -> Any:
    """PyYAML's own construction with the same resolvers (the reference)."""
    return yaml.load(text, Loader=yamlio.SafeLoader)


scalars = st.one_of(
    st.text(max_size=12),
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
    st.sampled_from(["yes", "no", "on", "2024-06-23", "2024-06-23T08:00:00+02:00", "0x1F", "1_000", "~", "null", ".inf", "1e3"]),
)
documents = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(documents, st.sampled_from([None, True, False]))
def test_plain_documents_match_the_general_construction(value: Any, flow: bool | None) -> None:
    text = yaml.safe_dump({"root": value}, default_flow_style=flow, allow_unicode=True)
    assert yamlio.parse(text) == general(text)


def test_unquoted_words_and_dates_stay_text() -> None:
    assert yamlio.parse("lang: no\ndraft: true\ndate: 2024-06-23\ncount: 3\ntags: [a, 1984]\n") == {
        "lang": "no",
        "draft": True,
        "date": "2024-06-23",
        "count": 3,
        "tags": ["a", 1984],
    }


def test_aliases_merge_keys_and_other_keys_take_the_general_path() -> None:
    shared = yamlio.parse("a: &x [1, 2]\nb: *x\n")
    assert shared == {"a": [1, 2], "b": [1, 2]} and shared["a"] is shared["b"]  # shared, as PyYAML does
    looped = yamlio.parse("a: &y {k: *y}\n")
    assert looped["a"]["k"] is looped["a"]
    assert yamlio.parse("base: &b {x: 1}\nmore:\n  <<: *b\n  y: 2\n")["more"] == {"x": 1, "y": 2}
    assert yamlio.parse("1: one\n") == {1: "one"}
    with pytest.raises(yaml.YAMLError, match="unhashable key"):
        yamlio.parse("? [a]\n: b\n")


def test_exponential_aliases_are_not_expanded() -> None:
    lines = ["a0: &a0 [x, x]"] + [f"a{n}: &a{n} [*a{n - 1}, *a{n - 1}]" for n in range(1, 40)]
    data = yamlio.parse("\n".join(lines) + "\n")
    assert data["a39"][0] is data["a38"]  # 2**40 leaves if copied
