"""A crawler that goes only where it should (issue 14, item 5).

A real crawl (Scrapy in its own process, real HTTP on 127.0.0.1) of the imitation portal in
its adversarial mode: a ggzy list answer whose records point to another host, to
``file:///etc/hostname`` and to a ``data:`` page, with a malformed record among good ones; a 429
whose ``Retry-After: 1`` never ends; a GBK page labelled UTF-8; an endless body. Single
responses go through the replay harness (the spiders' callbacks, no network).
"""

from __future__ import annotations

import json
import time

import pytest
import scrapy
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import HtmlResponse, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from collectors.items import ErrorItem
from collectors.run import crawl_in_subprocess
from demo import replay
from demo.portal import running
from demo.portal.app import Portal
from demo.portal.catalog import build_catalog, expected
from tests.test_collect_crawl import rows

PROJECTS = 6
MAXSIZE = 1024 * 1024  # the endless page passes it quickly; every real page is far below it
OVERRIDES = {"DOWNLOAD_TIMEOUT": 5, "RETRY_TIMES": 1, "DOWNLOAD_MAXSIZE": MAXSIZE}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    db = tmp_path_factory.mktemp("limits") / "gongkai.db"
    with running(projects=PROJECTS, adversarial=True) as portal:
        summary = crawl_in_subprocess(["ggzy"], db, base_url=portal.url, overrides=OVERRIDES)
    return db, summary, portal.url


def errors_about(summary, fragment):
    return [e for e in summary.errors if fragment in e["input"]]


# -- hosts and schemes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fragment", ["http://localhost:", "file:///etc/hostname", "data:text/html"])
def test_links_off_the_source_are_error_rows_never_fetched(crawled, fragment):
    db, summary, _url = crawled
    found = errors_about(summary, fragment)
    assert len(found) == 1, summary.errors
    reason = found[0]["reason"]
    assert reason.startswith("not followed:"), reason
    if fragment.startswith("http"):
        assert "'localhost'" in reason
        assert "127.0.0.1" in reason
    else:
        assert "is not http or https" in reason
    # never fetched: nothing was stored from it
    stored = [u for (u,) in rows(db, "SELECT url FROM notice_sources")]
    assert not [u for u in stored if u.startswith(fragment)]
    assert rows(db, "SELECT count(*) FROM notice_sources WHERE url NOT LIKE 'http://127.0.0.1:%'")[0][0] == 0


def test_a_malformed_list_record_is_an_error_row_and_the_rest_of_the_page_is_read(crawled):
    db, summary, _url = crawled
    bad = [e for e in summary.errors if e["origin"] == "ggzy" and e["location"] == "data.records[1]"]
    assert len(bad) == 1, summary.errors
    assert "has no 'url'" in bad[0]["reason"]
    assert json.loads(bad[0]["value"]) == {"id": "bad"}
    # every good ggzy copy is stored: the records after the bad one (and the later pages) too
    want = expected(build_catalog(projects=PROJECTS, adversarial=True), {"ggzy"})
    by_platform = dict(rows(db, "SELECT platform, count(*) FROM notice_sources GROUP BY platform"))
    assert by_platform == {"全国公共资源交易平台": want.sources["ggzy"]}
    assert {s.name: s.finish_reason for s in summary.spiders} == {"ggzy": "finished"}


# -- reasons that say what happened --------------------------------------------------------------------


def copy_url(portal_url, fault):
    copy = next(c for c in build_catalog(projects=PROJECTS, adversarial=True).copies if c.fault == fault)
    return portal_url + Portal.detail_path(copy), copy


def test_an_endless_429_is_reported_as_rate_limited_with_its_wait(crawled):
    _db, summary, portal_url = crawled
    url, _copy = copy_url(portal_url, "rate_limited")
    found = [e for e in summary.errors if e["input"] == url]
    assert len(found) == 1, summary.errors
    reason = found[0]["reason"]
    assert "rate-limited (HTTP 429)" in reason
    assert "Retry-After: 1" in reason
    assert "1 retry" in reason
    assert "exceeds" not in reason


def test_a_gbk_page_labelled_utf8_is_decoded(crawled):
    db, summary, portal_url = crawled
    url, copy = copy_url(portal_url, "mislabelled_gbk")
    assert not [e for e in summary.errors if e["input"] == url]
    titles = {t for (t,) in rows(db, "SELECT title FROM notices")}
    assert copy.notice.title in titles


def test_an_endless_body_is_cut_at_the_size_limit_with_that_reason(crawled):
    _db, summary, portal_url = crawled
    url, _copy = copy_url(portal_url, "oversize")
    found = [e for e in summary.errors if e["input"] == url]
    assert len(found) == 1, summary.errors
    reason = found[0]["reason"]
    assert f"size limit of {MAXSIZE} bytes" in reason, reason
    assert "DOWNLOAD_MAXSIZE" in reason


def test_every_error_row_has_a_reason(crawled):
    _db, summary, _url = crawled
    for e in summary.errors:
        head, sep, tail = e["reason"].partition(":")
        assert head.strip(), e
        assert tail.strip() or not sep, e


# -- single responses (no network) ---------------------------------------------------------------------


def spider(name="ggzy"):
    return replay.spider(name)


@pytest.mark.parametrize(("url", "fragment"), [
    ("http://portal.test/x.html", None),
    ("https://portal.test/x.html", None),
    ("HTTP://PORTAL.TEST./x.html", None),
    ("http://portal.test:8443/x.html", None),
    ("http://evil.example/x.html", "'evil.example'"),
    ("http://portal.test@evil.example/x.html", "'evil.example'"),
    ("file:///etc/hostname", "scheme file:"),
    ("data:text/html,hello", "scheme data:"),
    ("ftp://portal.test/x", "scheme ftp:"),
    ("http://[::1/x", "not a valid URL"),
])
def test_refusal_names_the_reason(url, fragment):
    reason = spider().refusal(url)
    if fragment is None:
        assert reason is None
    else:
        assert reason is not None
        assert fragment in reason


def test_declared_hosts_are_allowed():
    s = replay.spider("ggzy", allowed_hosts="files.portal.test, cdn.portal.test")
    assert s.refusal("https://cdn.portal.test/a.html") is None
    assert s.refusal("https://other.portal.test/a.html") is not None


def test_the_middleware_refuses_before_any_download_and_the_errback_names_it():
    from collectors.middlewares import SourceBoundsMiddleware

    s = spider()
    mw = SourceBoundsMiddleware(s.crawler)
    s.crawler.spider = s
    ok = s.request("/information/x.html", s.parse_detail)
    assert mw.process_request(ok) is None
    bad = s.request("file:///etc/hostname", s.parse_detail, headers={"Referer": "http://portal.test/list"})
    with pytest.raises(IgnoreRequest) as exc:
        mw.process_request(bad)
    failure = Failure(exc.value)
    failure.request = bad
    (item,) = list(s.failed(failure))
    assert isinstance(item, ErrorItem)
    assert item.url == "file:///etc/hostname"
    assert item.reason.startswith("not followed: the link's scheme file: is not http or https")
    assert "linked from http://portal.test/list" in item.reason


def list_response(spider_name, url, body, **cb_kwargs):
    request = scrapy.Request(url, meta={"retry_times": 99}, cb_kwargs=cb_kwargs)
    return TextResponse(url=url, body=body.encode(), encoding="utf-8", request=request)


def test_ggzy_malformed_records_do_not_cost_the_page():
    s = spider()
    good = {"url": "/information/deal/html/a/320000/0101/20260101/001.html", "informationType": "0101",
            "title": "t", "publishTime": "2026-01-01"}
    records = [good, {"id": "bad"}, "not an object", {**good, "url": good["url"].replace("001", "002")}]
    body = json.dumps({"code": 200, "data": {"records": records, "total": 41}})
    query = {"classify": "01", "stage": "0101", "begin": "2025-01-01", "end": "2025-12-31", "province": "0"}
    out = list(s.parse_list(list_response("ggzy", "http://portal.test/list", body), query=query, page=1))
    requests = [o for o in out if isinstance(o, scrapy.Request)]
    errors = [o for o in out if isinstance(o, ErrorItem)]
    assert [r.url.rsplit("/", 1)[1] for r in requests[:2]] == ["001.html", "002.html"]
    assert len(requests) == 4  # both detail pages, then list pages 2 and 3
    assert [(e.location, e.reason) for e in errors] == [
        ("data.records[1]", "list record skipped: the record has no 'url'"),
        ("data.records[2]", "list record skipped: the record is a str, not an object")]
    assert errors[0].value == '{"id": "bad"}'


def test_exchange_malformed_records_do_not_cost_the_page():
    s = spider("exchange")
    good = {"url": "/project/A/1.html", "xmmc": "a"}
    answer = {"data": {"data": [good, {"xmmc": "no url"}, {**good, "url": "/project/A/2.html"}], "totalPage": 1}}
    body = f"jQuery_1({json.dumps(answer)})"
    out = list(s.parse_list(list_response("exchange", "http://portal.test/l", body), query={"mark": "xm"}, page=1))
    assert [o.url.rsplit("/", 1)[1] for o in out if isinstance(o, scrapy.Request)] == ["1.html", "2.html"]
    (error,) = [o for o in out if isinstance(o, ErrorItem)]
    assert error.location == "data.data[1]"


def test_a_gbk_page_labelled_utf8_is_read_as_gb18030():
    s = spider()
    html = ("<html><head><meta charset='utf-8'></head><body><h4 class='h4_o'>某某项目中标结果公告</h4>"
            "<p class='p_o'>发布时间：2026-01-05</p></body></html>")
    url = "http://portal.test/information/deal/html/b/320000/0202/20260105/1.html"
    request = scrapy.Request(url, meta={"retry_times": 99})
    response = HtmlResponse(url=url, body=html.encode("gb18030"), headers={"Content-Type": "text/html; charset=utf-8"},
                            request=request)
    seen = []

    from collectors.spiders.base import guarded

    @guarded
    def callback(self, resp):
        seen.append(resp.text)
        return iter(())

    list(callback(s, response))
    assert "某某项目中标结果公告" in seen[0]


def test_bytes_that_are_neither_utf8_nor_gb18030_are_an_encoding_mismatch():
    s = spider()
    url = "http://portal.test/x.html"
    body = b"<html><body>" + bytes([0x81, 0x20]) * 200 + b"</body></html>"  # invalid in both
    response = HtmlResponse(url=url, body=body, headers={"Content-Type": "text/html; charset=utf-8"},
                            request=scrapy.Request(url, meta={"retry_times": 99}))

    from collectors.spiders.base import guarded

    @guarded
    def callback(self, resp):
        raise AssertionError("not called")

    (error,) = list(callback(s, response))
    assert error.reason.startswith("encoding mismatch: labelled utf-8")


def test_a_truncated_utf8_page_is_still_utf8():
    from collectors.spiders.base import redecoded

    text = "<html><body>中标结果公告</body></html>".encode()
    response = HtmlResponse(url="http://portal.test/x", body=text[:-20], encoding="utf-8")
    assert redecoded(response) == (response, None)


def failure_for(exc, request):
    failure = Failure(exc)
    failure.request = request
    return failure


def test_429_reasons_say_rate_limited_and_whether_the_wait_was_too_long():
    s = spider()
    request = scrapy.Request("http://portal.test/x", meta={"retry_times": 2})
    for header, want in (("1", "rate-limited (HTTP 429): gave up after 2 retries, each waiting 1 s as Retry-After: 1 asked"),
                         ("3600", "rate-limited (HTTP 429): Retry-After: 3600 asks for 3600 s, more than "
                                  "RETRY_AFTER_MAX (120 s): not waited for")):
        response = TextResponse(url=request.url, status=429, headers={"Retry-After": header}, body=b"", request=request)
        (item,) = list(s.failed(failure_for(HttpError(response), request)))
        assert item.reason == want


def test_an_empty_download_cancelled_error_gets_its_cause():
    s = spider()
    maxsize = s.settings.getint("DOWNLOAD_MAXSIZE")
    big = scrapy.Request("http://portal.test/big", meta={"gongkai_bytes": maxsize + 10, "download_maxsize": maxsize,
                                                          "gongkai_started": time.monotonic()})
    (item,) = list(s.failed(failure_for(DownloadCancelledError(""), big)))
    assert f"the body passed the size limit of {maxsize} bytes (DOWNLOAD_MAXSIZE)" in item.reason
    slow = scrapy.Request("http://portal.test/slow", meta={"gongkai_bytes": 10, "download_timeout": 2,
                                                           "gongkai_started": time.monotonic() - 3})
    (item,) = list(s.failed(failure_for(DownloadCancelledError(""), slow)))
    assert "time limit of 2 s (DOWNLOAD_TIMEOUT)" in item.reason
    other = scrapy.Request("http://portal.test/other", meta={"gongkai_bytes": 10, "gongkai_started": time.monotonic()})
    (item,) = list(s.failed(failure_for(DownloadCancelledError(""), other)))
    assert item.reason.startswith("download cancelled")
    assert "10 bytes" in item.reason
