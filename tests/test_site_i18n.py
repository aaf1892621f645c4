"""Every interface string has an English translation; money and dates are formatted exactly."""

from __future__ import annotations

from babel.messages.pofile import read_po

from publish.site import messages, text


def test_every_interface_string_is_translated():
    with messages.po_path("en").open("rb") as fh:
        catalog = read_po(fh, locale="en")
    extracted = messages.extract()
    assert len(extracted) > 100
    missing = [mid for mid in extracted if not (catalog.get(mid) and catalog.get(mid).string)]
    assert missing == [], f"untranslated (run `make messages`, then translate): {missing[:10]}"


def test_money_is_exact():
    assert text.money(302000000000, "zh", fen=True) == "3,020,000,000.00 元（30.2 亿元）"
    assert text.money("0.01", "zh") == "0.01 元"
    assert text.money("12345678.90", "zh") == "12,345,678.90 元（1,234.56789 万元）"
    assert text.money(123456789012345678, "en", fen=True).startswith("CNY 1,234,567,890,123,456.78")
    assert text.money("not a number", "zh") == "not a number"


def test_http_url_only_http_and_https():
    assert text.http_url("https://www.ccgp.gov.cn/a?b=1") == "https://www.ccgp.gov.cn/a?b=1"
    for bad in ("javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,x", "//evil", "http://x\"onload=",
                "file:///etc/passwd", " java\tscript:x", "http:/nohost", None, 5):
        assert text.http_url(bad) is None, bad
