"""Small original HTML pages for the HTML ingest tests (written for them, never copied from real pages)."""

from __future__ import annotations

import json
from typing import Any

PARAGRAPHS = [
    "The harbour bridge in Lowmouth reopened on Saturday after eight months of repairs that cost the town far more than planned.",
    "Engineers found rust deep inside two of the main cables in March, and the council closed the bridge the same afternoon.",
    "Ferry crews carried more than a million passengers while it was shut, many of them commuters who had never used the boats before.",
    "The council says the final bill will be published in the autumn, once the last contractors have sent their invoices and the audit is done.",
]
QUOTE = "We are glad to have our evenings back, and the children can walk to school again."
ITEMS = ["new steel cables on both sides", "a wider deck with a cycle lane", "lights that dim after midnight"]

LD = {
    "@context": "https://schema.org",
    "@type": "NewsArticle",
    "headline": "Lowmouth bridge reopens after eight months",
    "datePublished": "2024-06-23T08:15:00+01:00",
    "author": [{"@type": "Person", "name": "Nell Ashby"}, {"@type": "Person", "name": "Ivo Marsh"}],
    "publisher": {"@type": "Organization", "name": "The Lowmouth Courier"},
    "image": {"@type": "ImageObject", "url": "/images/bridge-lead.jpg"},
    "description": "Eight months and four million pounds later, the river is crossable again.",
}

RELATED = """
<aside class="related-stories"><h2>More stories</h2>
  <ul>
    <li><h3><a href="/local/clock">Town hall clock stops again</a></h3><p>The clock lost a full hour on Monday, the third time this year.</p></li>
    <li><h3><a href="https://other.example.net/lifeboat">Lifeboat crew rescues two kayakers</a></h3><p>Volunteers reached the pair within twenty minutes of the call.</p></li>
    <li><h3><a href="/local/market">Market traders fear the new parking charges</a></h3></li>
  </ul>
</aside>"""


def article(
    *,
    ld: dict[str, Any] | None = LD,
    head: str = "",
    lang: str | None = "en-GB",
    title: str = "Lowmouth bridge reopens after eight months | The Lowmouth Courier",
    body_extra: str = "",
    related: str = RELATED,
    canonical: str | None = "https://courier.example.org/news/2024/06/bridge-reopens",
) -> str:
    ld_script = f'<script type="application/ld+json">{json.dumps(ld)}</script>' if ld else ""
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    html_lang = f' lang="{lang}"' if lang else ""
    paragraphs = "\n".join(f"<p>{p}</p>" for p in PARAGRAPHS[1:3])
    return f"""<!DOCTYPE html>
<html{html_lang}><head><meta charset="utf-8"><title>{title}</title>{link}{ld_script}{head}
<style>body {{ font-family: serif }}</style><script>window.tracker = "x";</script></head>
<body>
<nav class="site-nav"><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<main><article>
<h1>Lowmouth bridge reopens after eight months</h1>
<p class="byline">By Nell Ashby and Ivo Marsh</p>
<figure><img src="/images/bridge-lead.jpg" alt="The bridge at dawn"><figcaption>The bridge at dawn.</figcaption></figure>
<p>{PARAGRAPHS[0]} Read the <a href="/reports/bridge.pdf">engineers' report</a> or <a href="javascript:openPopup()">watch the video</a>.</p>
{paragraphs}
<h2>What was repaired</h2>
<ul>{"".join(f"<li>{item}</li>" for item in ITEMS)}</ul>
<blockquote><p>{QUOTE}</p></blockquote>
<p>Sign up for our daily newsletter</p>
<p>{PARAGRAPHS[3]} <em>Further closures</em> are not planned.</p>
{body_extra}
</article></main>
{related}
<footer><p>Copyright 2024 The Lowmouth Courier. All rights reserved.</p><a href="/privacy">Privacy policy</a></footer>
</body></html>"""


def listing() -> str:
    cards = "\n".join(
        f'<div class="card"><h2><a href="/news/{i}">{headline}</a></h2><p>{dek}</p></div>'
        for i, (headline, dek) in enumerate(
            [
                ("Lowmouth bridge reopens after eight months", "Eight months and four million pounds later, the river is crossable again for everyone."),
                ("Town hall clock stops again", "The clock lost a full hour on Monday, the third time this year, and nobody knows why."),
                ("Lifeboat crew rescues two kayakers", "Volunteers reached the pair within twenty minutes of the call on a stormy afternoon."),
                ("Market traders fear the new parking charges", "Stallholders say footfall fell by a quarter in a month after the charges began."),
                ("School choir wins the county cup", "Forty singers aged nine to eleven beat eleven other schools with two songs of their own."),
            ]
        )
    )
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>News | The Lowmouth Courier</title></head>
<body><main><h1>Latest news</h1>{cards}</main></body></html>"""
