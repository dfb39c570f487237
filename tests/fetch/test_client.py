"""The HTTP client against a real local server: limits, encodings, robots.txt, retries, politeness."""

from __future__ import annotations

import dataclasses
import email.utils
import gzip
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import brotli
import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from generator.ingest.fetch.charset import decode_text
from generator.ingest.fetch.client import Fetcher, FetchError, retry_wait
from generator.ingest.fetch.polite import Politeness
from tests.fetch.conftest import FAST


def test_get_follows_redirects_and_reports_the_final_url(web: HTTPServer, fetcher: Fetcher) -> None:
    web.expect_request("/old").respond_with_data("", status=301, headers={"Location": web.url_for("/new")})
    web.expect_request("/new").respond_with_data("hello", content_type="text/plain", headers={"ETag": '"v1"', "Last-Modified": "Mon, 24 Jun 2024 09:00:00 GMT"})
    got = fetcher.get(web.url_for("/old"))
    assert (got.status, got.data, got.url) == (200, b"hello", web.url_for("/new"))
    assert got.etag == '"v1"' and got.last_modified == "Mon, 24 Jun 2024 09:00:00 GMT"


def test_user_agent_is_sent(web: HTTPServer, fetcher: Fetcher) -> None:
    web.expect_request("/ua", headers={"User-Agent": "digest-test/1.0"}).respond_with_data("ok")
    assert fetcher.get(web.url_for("/ua")).data == b"ok"


def test_conditional_get_sends_validators_and_takes_304(web: HTTPServer, fetcher: Fetcher) -> None:
    web.expect_request("/feed", headers={"If-None-Match": '"v1"', "If-Modified-Since": "Mon, 24 Jun 2024 09:00:00 GMT"}).respond_with_data("", status=304)
    got = fetcher.get(web.url_for("/feed"), etag='"v1"', last_modified="Mon, 24 Jun 2024 09:00:00 GMT")
    assert got.status == 304 and got.data == b""


@pytest.mark.parametrize(("encoding", "compress"), [("gzip", gzip.compress), ("br", brotli.compress)])
def test_compressed_bodies_are_decoded(web: HTTPServer, fetcher: Fetcher, encoding: str, compress: object) -> None:
    body = "Harbour news, compressed. " * 50
    assert callable(compress)
    web.expect_request("/z").respond_with_data(compress(body.encode()), headers={"Content-Encoding": encoding}, content_type="text/plain")
    assert fetcher.get(web.url_for("/z")).data.decode() == body


@pytest.mark.parametrize(("status", "reason"), [(404, "HTTP 404 NOT FOUND"), (500, "HTTP 500 INTERNAL SERVER ERROR"), (410, "HTTP 410 GONE")])
def test_http_errors_are_one_line_naming_the_url(web: HTTPServer, fetcher: Fetcher, status: int, reason: str) -> None:
    web.expect_request("/gone").respond_with_data("nope", status=status)
    with pytest.raises(FetchError) as info:
        fetcher.get(web.url_for("/gone"))
    assert str(info.value).casefold() == f"{web.url_for('/gone')}: {reason}".casefold()


def test_a_redirect_loop_stops_at_the_limit(web: HTTPServer, fetcher: Fetcher) -> None:
    web.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    web.expect_request("/b").respond_with_data("", status=302, headers={"Location": "/a"})
    with pytest.raises(FetchError, match=r"/a: too many redirects \(more than 3, fetch.max_redirects\)$"):
        fetcher.get(web.url_for("/a"))
    assert len([r for r, _ in web.log if r.path in ("/a", "/b")]) == 4  # the first request and three redirects


def test_a_redirect_is_checked_against_robots_txt_too(web: HTTPServer, fetcher: Fetcher) -> None:
    web.clear()
    web.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /private/\n")
    web.expect_request("/go").respond_with_data("", status=302, headers={"Location": "/private/page"})
    web.expect_request("/private/page").respond_with_data("never")
    with pytest.raises(FetchError) as info:
        fetcher.get(web.url_for("/go"))
    assert str(info.value) == f"{web.url_for('/go')}: disallowed by the site's robots.txt (redirected to {web.url_for('/private/page')})"
    assert "/private/page" not in [r.path for r, _ in web.log]


def test_a_slow_server_times_out(web: HTTPServer, slow_handler: Callable[[bytes], Callable[[Request], Response]]) -> None:
    web.expect_request("/slow").respond_with_handler(slow_handler(b"late"))
    with Fetcher(dataclasses.replace(FAST, timeout=0.3)) as client, pytest.raises(FetchError, match=r"/slow: timed out after 0.3 s \(fetch.timeout\)$"):
        client.get(web.url_for("/slow"))


def test_a_body_over_the_limit_is_refused_while_streaming(web: HTTPServer) -> None:
    def endless(request: Request) -> Response:
        return Response((b"x" * 1000 for _ in range(1000)), content_type="text/plain")  # chunked: no Content-Length

    web.expect_request("/big").respond_with_handler(endless)
    web.expect_request("/declared").respond_with_data(b"y" * 5000)
    web.expect_request("/bomb").respond_with_data(gzip.compress(b"z" * 50_000), headers={"Content-Encoding": "gzip"})
    with Fetcher(dataclasses.replace(FAST, max_bytes=4000)) as client:
        for path in ("/big", "/declared", "/bomb"):
            with pytest.raises(FetchError, match=r"over the 4,000-byte limit \(ingest.max_bytes\)"):
                client.get(web.url_for(path))


def test_connection_refused_is_one_line(fetcher: Fetcher) -> None:
    with pytest.raises(FetchError) as info:
        fetcher.get("http://127.0.0.1:9/nothing")
    assert str(info.value).startswith("http://127.0.0.1:9/nothing: cannot connect: ") and "\n" not in str(info.value)


def test_robots_txt_is_respected(web: HTTPServer, fetcher: Fetcher) -> None:
    web.clear()
    web.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /private/\n\nUser-agent: digest-test\nDisallow: /feeds/\n")
    web.expect_request("/public").respond_with_data("ok")
    web.expect_request("/feeds/all.xml").respond_with_data("never")
    assert fetcher.get(web.url_for("/public")).data == b"ok"
    with pytest.raises(FetchError, match=r"/feeds/all.xml: disallowed by the site's robots.txt$"):
        fetcher.get(web.url_for("/feeds/all.xml"))
    paths = [r.path for r, _ in web.log]
    assert "/feeds/all.xml" not in paths and paths.count("/robots.txt") == 1  # read once per site


def test_robots_txt_with_a_server_error_allows_nothing(web: HTTPServer, fetcher: Fetcher) -> None:
    web.clear()
    web.expect_request("/robots.txt").respond_with_data("", status=500)
    web.expect_request("/page").respond_with_data("never")
    with pytest.raises(FetchError, match=r"disallowed by the site's robots\.txt"):
        fetcher.get(web.url_for("/page"))


def test_429_and_503_are_retried_honouring_retry_after(web: HTTPServer) -> None:
    waits: list[float] = []
    replies = iter([Response("", status=429, headers={"Retry-After": "1"}), Response("", status=503), Response("finally")])
    web.expect_request("/busy").respond_with_handler(lambda request: next(replies))
    with Fetcher(dataclasses.replace(FAST, max_retry_wait=5.0), sleep=waits.append) as client:
        assert client.get(web.url_for("/busy")).data == b"finally"
    assert waits == [1.0, 2.0]  # Retry-After, then backoff (1 s doubled on the second retry)


def test_retry_after_may_be_an_http_date() -> None:
    soon = email.utils.formatdate(time.time() + 60, usegmt=True)
    assert 55.0 <= retry_wait(httpx.Response(503, headers={"Retry-After": soon}), 0) <= 60.0
    past = email.utils.formatdate(time.time() - 60, usegmt=True)
    assert retry_wait(httpx.Response(503, headers={"Retry-After": past}), 0) == 0.0
    assert retry_wait(httpx.Response(503, headers={"Retry-After": "soon, maybe"}), 2) == 4.0  # unreadable: the backoff, 1 s doubled twice


def test_retries_are_bounded(web: HTTPServer) -> None:
    waits: list[float] = []
    web.expect_request("/down").respond_with_data("", status=503, headers={"Retry-After": "0"})
    web.expect_request("/later").respond_with_data("", status=429, headers={"Retry-After": "3600"})
    with Fetcher(FAST, sleep=waits.append) as client:
        with pytest.raises(FetchError, match=r"/down: HTTP 503 SERVICE UNAVAILABLE after 3 tries$"):
            client.get(web.url_for("/down"))
        with pytest.raises(FetchError, match=r"/later: HTTP 429, asked to retry after 3600 s \(over fetch.max_retry_wait\)$"):
            client.get(web.url_for("/later"))
    assert waits == [0.0, 0.0]


def test_at_most_two_requests_at_a_time_per_host(web: HTTPServer) -> None:
    lock, state = threading.Lock(), {"now": 0, "max": 0}

    def tracked(request: Request) -> Response:
        with lock:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
        time.sleep(0.15)
        with lock:
            state["now"] -= 1
        return Response("ok")

    web.expect_request("/p").respond_with_handler(tracked)
    with Fetcher(FAST) as client, ThreadPoolExecutor(6) as pool:
        results = list(pool.map(lambda i: client.get(web.url_for(f"/p?i={i}")).data, range(6)))
    assert results == [b"ok"] * 6
    assert state["max"] == 2


def test_politeness_spaces_requests_to_one_host_by_the_delay() -> None:
    clock, slept = [100.0], []
    gate = Politeness(5.0, clock=lambda: clock[0], sleep=slept.append)
    for _ in range(3):
        with gate.turn("a.example"):
            pass
    with gate.turn("b.example"):  # another host does not wait
        pass
    assert slept == [5.0, 10.0]


RUSSIAN = "Мост в гавани снова открыт после восьми месяцев ремонта, который обошёлся городу намного дороже, чем планировалось."
FRENCH = "Le café de la gare a rouvert après des mois de travaux. Déjà les habitués reviennent, et l'été s'annonce chargé à la terrasse."


@pytest.mark.parametrize(
    ("data", "content_type", "text"),
    [
        ("Café déjà".encode("iso-8859-1"), "text/plain; charset=iso-8859-1", "Café déjà"),
        ("Café – déjà".encode("cp1252"), "text/plain; charset=ISO-8859-1", "Café – déjà"),  # Latin-1 read as its superset
        (FRENCH.encode(), "text/plain; charset=iso-8859-1", FRENCH),  # UTF-8 bytes under a Latin-1 header
        (
            f'<meta charset="windows-1252"><p>{FRENCH}'.encode("cp1252"),
            "text/html; charset=utf-8",
            f'<meta charset="windows-1252"><p>{FRENCH}',
        ),  # the meta tag, not the wrong header
        ('<meta charset="iso-8859-1"><p>Café déjà</p>'.encode("iso-8859-1"), "text/html", '<meta charset="iso-8859-1"><p>Café déjà</p>'),
        ("Ünïcödé".encode(), "text/plain", "Ünïcödé"),
        (b"\xef\xbb\xbfBOM first", "text/plain; charset=iso-8859-1", "BOM first"),
        (RUSSIAN.encode("cp1251"), "text/plain", RUSSIAN),  # nothing declared, not UTF-8: charset-normalizer's guess
    ],
)
def test_charset_from_header_then_meta_then_detection(data: bytes, content_type: str, text: str) -> None:
    assert decode_text(data, content_type) == text
