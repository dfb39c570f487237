"""Feed fixtures written for the tests (RSS 0.91/1.0/2.0, Atom, JSON Feed), as bytes."""

from __future__ import annotations

import json


def rss2(items: str, title: str = "The Harbour Gazette") -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>{title}</title>
  <link>https://gazette.example.com/</link>
  <description>News from the harbour</description>
  <language>en-gb</language>
  {items}
</channel>
</rss>
""".encode()


STORM = """<item>
    <title>Ports reopen after the storm</title>
    <link>https://gazette.example.com/2024/ports-reopen</link>
    <guid isPermaLink="false">gazette-1001</guid>
    <pubDate>Sun, 23 Jun 2024 07:30:00 +0200</pubDate>
    <dc:creator>Ana Ruiz</dc:creator>
    <category>Economy</category>
    <category>Shipping</category>
    <description>Cranes are moving again at the east quay.</description>
    <content:encoded><![CDATA[<p>Cranes are moving again at the <a href="/quays/east">east quay</a> after three days of gales closed the harbour.</p>
<p>The harbour master said the first container ships would berth on Monday morning, and that
<a href="javascript:alert(1)">the backlog</a> would take a week to clear.</p><img src="/photo.jpg" alt="cranes">]]></content:encoded>
  </item>"""

FERRY = """<item>
    <title>Ferry timetable changes for the summer</title>
    <link>https://gazette.example.com/2024/ferry-timetable</link>
    <guid>https://gazette.example.com/2024/ferry-timetable</guid>
    <pubDate>Mon, 24 Jun 2024 09:00:00 +0000</pubDate>
    <description>&lt;p&gt;The island ferry will run every forty minutes from July, the operator announced on Monday.&lt;/p&gt;</description>
  </item>"""

RSS2 = rss2(STORM + FERRY)

RSS1 = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://valley.example.net/">
    <title>Valley Weekly</title>
    <link>https://valley.example.net/</link>
    <description>Valley news</description>
  </channel>
  <item rdf:about="https://valley.example.net/mill">
    <title>The old mill gets a new roof</title>
    <link>https://valley.example.net/mill</link>
    <description>Volunteers finished the roof of the old mill on Saturday, two years after the fire.</description>
    <dc:date>2024-06-20T10:00:00Z</dc:date>
    <dc:subject>Heritage</dc:subject>
  </item>
</rdf:RDF>
"""

RSS091 = b"""<?xml version="1.0"?>
<rss version="0.91">
  <channel>
    <title>Old Town Crier</title>
    <link>https://crier.example.org/</link>
    <description>An old feed</description>
    <language>en</language>
    <item>
      <title>Market square to close for repairs</title>
      <link>https://crier.example.org/market</link>
      <description>The market square will close for a month while the paving is repaired.</description>
    </item>
  </channel>
</rss>
"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Northern Ledger</title>
  <link href="https://ledger.example.com/"/>
  <id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>
  <updated>2024-06-22T18:30:02Z</updated>
  <entry>
    <title type="html">Council &lt;em&gt;approves&lt;/em&gt; the tram line</title>
    <link href="https://ledger.example.com/tram"/>
    <id>tag:ledger.example.com,2024:tram</id>
    <published>2024-06-22T08:00:00+01:00</published>
    <updated>2024-06-22T18:30:02Z</updated>
    <author><name>Jo Park</name></author>
    <author><name>Sam Lee</name></author>
    <category term="transport" label="Transport"/>
    <summary>The vote was close.</summary>
    <content type="html">&lt;h2&gt;A close vote&lt;/h2&gt;&lt;p&gt;The council approved the tram line by one vote on Friday night, ending ten years of debate.&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>Library hours extended</title>
    <link href="https://ledger.example.com/library"/>
    <id>tag:ledger.example.com,2024:library</id>
    <updated>2024-06-21T12:00:00Z</updated>
    <content type="text">The central library will stay open until nine on weekdays.

Weekend hours do not change.</content>
  </entry>
</feed>
"""

JSON_FEED = json.dumps(
    {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Coast Radio",
        "home_page_url": "https://radio.example.com/",
        "language": "en",
        "items": [
            {
                "id": "42",
                "url": "https://radio.example.com/news/lighthouse",
                "title": "Lighthouse keeper retires",
                "content_html": '<p>After forty years the <a href="/keepers">keeper</a> hands over the keys.</p>',
                "date_published": "2024-06-19T06:00:00Z",
                "authors": [{"name": "Radio Desk"}],
                "tags": ["People"],
            },
            {"id": "43", "url": "https://radio.example.com/news/tide", "content_text": "High tides are expected on the weekend. Keep clear of the sea wall."},
            "not an item",
        ],
    }
).encode()

BROKEN = rss2(
    STORM
    + """<item><description></description></item>
  <item><title>Half an item</title><link>https://gazette.example.com/half</link><description>Cut off mid<b>way"""
)
