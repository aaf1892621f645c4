"""Per spider: recorded responses (real samples where they exist, imitation-portal recordings
otherwise) replayed through the callbacks → exactly the normalized items of the golden files.

After a deliberate parser change, ``make golden-collect`` shows the diff of every expected file
(and fails); ``make golden-collect ACCEPT=1`` writes them once the diff is reviewed.
"""

from __future__ import annotations

import json
import shutil

import pytest
import scrapy

from collectors.run import spider_classes
from collectors.spiders.base import GongkaiSpider
from demo import replay

SPIDERS = spider_classes()
CASES = [(name, case) for name in SPIDERS for case in replay.cases(name)]
DOC_FIELDS = ("Source:", "Coverage:", "Fields:", "Caveats:", "Disclosure deadline:")


@pytest.mark.parametrize(("spider", "case"), CASES, ids=[f"{s}/{c['name']}" for s, c in CASES])
def test_golden(spider, case):
    folder = replay.GOLDEN / spider
    body = replay.body_of(case, folder)
    if body is None:
        pytest.skip(f"{case['real']} is absent (../shared is not beside this checkout)")
    path = replay.expected_path(spider, case)
    actual = replay.dumps(replay.replay(spider, case, body))
    if json.loads(actual) != json.loads(path.read_text(encoding="utf-8")):
        changed = replay.changes({path.name: path.read_bytes()}, {path.name: actual.encode()})
        pytest.fail(f"replay differs from the golden file (review, then `make golden-collect ACCEPT=1`):\n"
                    f"{replay.diff(changed, max_lines=40)}", pytrace=False)


@pytest.mark.parametrize("name", list(SPIDERS))
def test_every_spider_is_documented_and_has_golden_files(name):
    cls = SPIDERS[name]
    doc = cls.__doc__ or ""
    missing = [f for f in DOC_FIELDS if f not in doc]
    assert not missing, f"{name}'s docstring lacks {missing}"
    assert cls.platform
    assert cls.kinds
    assert cls.default_base_url.startswith("http")
    # Scrapy 2.19 ignores start_requests() unless start() is defined: every spider defines start()
    assert "start" in vars(GongkaiSpider)
    assert issubclass(cls, GongkaiSpider)
    first = next(iter(replay.spider(name).first_requests()))
    assert isinstance(first, scrapy.Request)
    assert first.url.startswith(replay.BASE)
    assert first.errback is not None, "every request needs the errback that records failures"
    cases = replay.cases(name)
    assert cases, f"no golden cases for {name}"
    for case in cases:
        assert replay.expected_path(name, case).exists(), f"{name}/{case['name']}: run make golden-collect"
    outputs = [json.loads(replay.expected_path(name, c).read_text(encoding="utf-8")) for c in cases]
    kinds = {next(iter(o)) for out in outputs for o in out}
    assert "notice" in kinds, f"{name}: no golden case yields a notice"


def test_golden_notices_carry_provenance():
    for name in SPIDERS:
        for case in replay.cases(name):
            for out in json.loads(replay.expected_path(name, case).read_text(encoding="utf-8")):
                if "notice" in out:
                    src = out["notice"]["source"]
                    assert len(src["sha256"]) == 64
                    assert src["parser_version"].startswith(f"{name}/")
                    assert src["http_status"] == 200
                    assert src["fetched_at"]


def test_real_samples_become_the_expected_notices():
    """Spot checks that read like the source: the ccgp correction links to its original."""
    out = json.loads((replay.GOLDEN / "ccgp" / "real-correction-beijing.expected.json").read_text(encoding="utf-8"))
    notice = out[0]["notice"]
    assert notice["notice_type"] == "correction"
    assert notice["project_no"] == "11010226210200025327-XM001"  # U+3000 padding gone
    assert notice["corrects"].startswith("http://www.ccgp-beijing.gov.cn/")
    empty = json.loads((replay.GOLDEN / "ocds" / "real-py-dncp-empty.expected.json")
                       .read_text(encoding="utf-8"))
    assert empty == [{"error": {"field": None, "location": None, "reason": "empty body (HTTP 200 with no content)",
                                "url": "https://example.org/py_dncp_record_package_283826_EMPTY.json", "value": None}}]
    misfiled = json.loads((replay.GOLDEN / "ggzy" / "b-procurement-misfiled-result.expected.json")
                          .read_text(encoding="utf-8"))[0]["notice"]
    assert misfiled["notice_type"] == "result"
    assert "overridden by the title" in misfiled["flags"]["notice_type"][0]


def test_regeneration_shows_the_diff_and_writes_only_when_accepted(tmp_path, monkeypatch, capsys):
    golden = tmp_path / "collect"
    shutil.copytree(replay.GOLDEN / "exchange", golden / "exchange")
    monkeypatch.setattr(replay, "GOLDEN", golden)
    path = golden / "exchange" / "detail-result.expected.json"
    good = path.read_text(encoding="utf-8")
    assert '"notice_type": "result"' in good
    path.write_text(good.replace('"notice_type": "result"', '"notice_type": "award"'), encoding="utf-8")

    assert replay.main([]) == 1  # unreviewed change: the diff, no write, a failing exit status
    out = capsys.readouterr()
    assert "--- golden/exchange/detail-result.expected.json" in out.out
    diff_lines = out.out.splitlines()
    assert any(line.startswith("-") and '"notice_type": "award"' in line for line in diff_lines)
    assert any(line.startswith("+") and '"notice_type": "result"' in line for line in diff_lines)
    assert "1 golden file(s) would change" in out.err
    assert '"notice_type": "award"' in path.read_text(encoding="utf-8")

    assert replay.main(["--accept"]) == 0
    assert path.read_text(encoding="utf-8") == good
    assert replay.main([]) == 0
    assert "golden files unchanged" in capsys.readouterr().out


def test_diff_summarizes_binary_files_and_cuts_long_diffs():
    changed = replay.changes({"a.body": "旧".encode("gbk"), "b.json": b"".join(b"%d\n" % i for i in range(100))},
                             {"a.body": "新".encode("gbk"), "b.json": b"x\n", "c.json": b"new\n"})
    text = replay.diff(changed, max_lines=10)
    assert "Binary or non-UTF-8 file a.body differs: 2 → 2 bytes" in text
    assert "… 94 more diff lines" in text
    assert "--- /dev/null\n+++ new/c.json\n" in text
