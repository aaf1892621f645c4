"""A notice page of any portal family: title, time, area, region, text, then the generic reader.

The families differ in where they put the title and the publication time and in a few
labels; everything else is the generic reader (:mod:`collectors.parsers.generic`). Each
family is a short declaration (:class:`Family`): how to recognise it (host words, markup),
which area it publishes by default, and the selectors of its title and time. A page of a
family nobody declared still goes through the same steps with the generic choices.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from collectors.parsers import Extracted, ParseError
from collectors.parsers.document import Line, Page, attachments, decode, parse_html, squash
from collectors.parsers.generic import read_blocks, region_in
from models.assemble import Cell
from models.codelists import NOTICE_TYPE_WORDS, Kind, notice_type_from_title
from models.normalize import lookup_region
from models.normalize.regions import children


@dataclass(frozen=True)
class Family:
    """A software or portal family: how to recognise its pages and what it publishes."""

    name: str
    platform: str
    markers: tuple[str, ...]  # substrings of the URL or the page that identify the family
    kind: Kind | None = None  # the only area it publishes, if any


FAMILIES: tuple[Family, ...] = (
    Family("ccgp", "中国政府采购网", ("ccgp.gov.cn", "vF_detail", "ccgp-", "政府采购网"), Kind.procurement),
    Family("ggzy", "全国公共资源交易平台", ("ggzy.gov.cn", "h4_o", "detail_Table")),
    Family("epoint", "公共资源交易平台 (新点)", ("ewb-", "Epoint", "epoint", "infoContentM", "jyxx/")),
    Family("cbex", "北京产权交易所", ("cbex", "jpxkc", "北交互联"), Kind.state_asset),
    Family("landchina", "中国土地市场网", ("landchina",), Kind.land),
    Family("mnr", "自然资源部矿业权出让", ("ky.mnr.gov.cn", "data-bind"), Kind.mining),
    Family("gldcms", "公共资源交易网 (广联达)", ("ggzyjy.shandong", "gldcms", "ggzy")),
)
_FAMILY_BY_NAME = {f.name: f for f in FAMILIES}

# Words that tell an area from a notice's title and text (title words weigh triple).
_AREA_WORDS: dict[Kind, tuple[str, ...]] = {
    Kind.procurement: ("政府采购", "采购人", "采购代理机构", "采购项目", "采购公告", "中标（成交）", "竞争性磋商",
                       "竞争性谈判", "询价", "单一来源", "采购需求", "供应商", "采购单位", "磋商"),
    Kind.tender: ("招标人", "标段", "施工", "监理", "工程建设", "评标结果", "中标候选人", "建设工程", "招标公告",
                  "勘察", "设计", "项目负责人", "工期", "建设单位", "资格预审"),
    Kind.land: ("宗地", "国有建设用地", "土地使用权", "出让地块", "电子监管号", "容积率", "供地", "土地用途"),
    Kind.mining: ("采矿权", "探矿权", "矿业权", "矿区", "矿种"),
    Kind.state_asset: ("产权", "转让方", "受让方", "股权", "挂牌价", "竞价", "司法处置", "买受人", "处置公告",
                       "标的物", "评估价", "保留价"),
}
_TITLE_WORDS = re.compile(r"公告|公示|结果|通知|招标|采购|出让|转让|处置|项目|工程")
# A title ends with the notice it is (…中标公告, …结果公示, …(代招标公告)).
_TITLE_END = re.compile(r"(?:公告|公示|结果|通知|公告书|合同)\s*[)）]?\s*$|(?:公告|公示)[(（][^)）]{1,48}[)）]$")
_TITLE_CLASS = re.compile(r"ewb-trade-h|ewb-article-tt|article-title|detail-title|\btc\b|h4_o|title|^h1")
_CRUMB = re.compile(r"当前位置|当前的位置|您的位置|首页\s*[>»]|[>»].*[>»]")
_FOOTER = re.compile(r"主办单位|版权所有|ICP备|网站标识码|技术支持[:：]|Copyright|©")
_DATETIME = re.compile(
    r"(\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*\d{1,2}\s*[:：时]\s*\d{1,2}(?:\s*[:：分]\s*\d{1,2}\s*秒?)?分?)?)")
_TIME_LABELS = re.compile(r"(?:信息)?发布(?:时间|日期)|信息时间|公告时间|发稿时间|公示时间")
_TAGS = re.compile(r"<[^>]+>")


def detect_family(data: bytes | str, url: str | None = None) -> Family | None:
    """The family whose markers appear in the URL, else in the page's first 64 KB."""
    if url:
        for family in FAMILIES:
            if any(m in url for m in family.markers if "." in m or "/" in m):
                return family
    head = data[:65536] if isinstance(data, str) else data[:65536].decode("utf-8", errors="ignore")
    for family in FAMILIES:
        if any(m in head for m in family.markers):
            return family
    return None


def guess_kind(title: str, text: str, default: Kind | None = None) -> Kind:
    """The area of a notice from its words (title words weigh triple); ``default`` breaks no tie
    but wins when nothing is said."""
    scores: dict[Kind, int] = {}
    for kind, words in _AREA_WORDS.items():
        scores[kind] = sum(3 * title.count(w) + min(text.count(w), 10) for w in words)
    best = max(scores, key=lambda k: scores[k])
    if default is not None and (scores[best] == 0 or scores[default] >= scores[best] * 0.5):
        return default
    return best if scores[best] else (default or Kind.procurement)


def _clean_title(text: str) -> str:
    return squash(_TAGS.sub("", text or ""))


def find_title(page: Page) -> str:
    """The notice's title: ArticleTitle, a <title> or heading that reads like one, a title-classed
    heading, a line that reads like one, else the <title>."""
    meta = _clean_title(page.meta.get("ArticleTitle", ""))
    if meta and _TITLE_WORDS.search(meta):
        return meta
    if 8 <= len(page.title_tag) <= 200 and _TITLE_END.search(page.title_tag):
        return page.title_tag
    site, _, item = page.title_tag.partition("-")
    if 0 < len(site) <= 8 and len(item) >= 4 and any(isinstance(b, Line) and b.text == item for b in page.blocks):
        return page.title_tag  # 北交互联-京NC6575…: the site's name and the item the page is about
    classed = next((squash(text) for tag, text in page.headings if _TITLE_CLASS.search(tag) and not tag.startswith("h1")
                    and 6 <= len(squash(text)) <= 200 and not _CRUMB.search(text)), "")
    if classed:
        return classed
    # the longest heading or early line that reads like a title (a heading 单一来源采购公示 under a
    # line that names the project too: the line)
    candidates = [squash(text) for _tag, text in page.headings]
    candidates += [b.text for b in page.blocks[:150] if isinstance(b, Line)]
    titled = [t for t in candidates if 6 <= len(t) <= 150 and _TITLE_END.search(t) and not _CRUMB.search(t)
              and not re.search(r"[：:。]", re.sub(r"[(（][^)）]*[)）]", "", t))]
    best = max(titled, key=len) if titled else ""
    if not best:
        best = next((text for tag, text in page.headings if _TITLE_CLASS.search(tag) and 4 <= len(text) <= 200), "")
    if meta and (not best or len(meta) > len(best)):
        return meta
    if best:
        return best
    title = page.title_tag  # as printed, site name included
    if len(title) >= 6:
        return title
    return next((text for _tag, text in page.headings if 6 <= len(text) <= 200), title)


_CN_DATE = re.compile(r"[〇零一二三四五六七八九○Ｏ]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日")
_CN_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "○": "0", "Ｏ": "0"}


def _cn_number(text: str) -> int:
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (int(_CN_DIGITS[tens]) if tens else 1) * 10 + (int(_CN_DIGITS[ones]) if ones else 0)
    return int("".join(_CN_DIGITS[c] for c in text))


def _cn_date(text: str) -> str:
    """二〇二五年十二月三日 → 2025年12月3日 (dates written in Chinese numerals, as signatures are)."""
    year, rest = text.split("年", 1)
    month, rest = rest.split("月", 1)
    return f"{''.join(_CN_DIGITS[c] for c in year)}年{_cn_number(month)}月{_cn_number(rest.rstrip('日'))}日"


def find_time(page: Page, title: str) -> str | None:
    """The publication time a person reads near the title (发布时间：…), else the head's PubDate."""
    lines = page.lines()
    start = next((i for i, line in enumerate(lines) if title and title[:20] in line), 0)
    found: list[str] = []
    for line in lines[start:start + 12] + lines[:start]:
        m = _TIME_LABELS.search(line)
        if m:
            rest = line[m.end():]
            if d := _DATETIME.search(rest[:40]):
                found.append(d.group(1))
    if found:
        # a date alone may be the short form of a time printed elsewhere on the page (公告时间)
        with_time = [f for f in found if re.search(r"[:：时点]", f) and f[:8] == found[0][:8]]
        return (with_time or found)[0]
    for comment in page.comments:
        if _TIME_LABELS.search(comment) and (d := _DATETIME.search(comment)):
            return d.group(1)
    pub = page.meta.get("PubDate") or page.meta.get("publishdate") or page.meta.get("article:published_time")
    if pub and (d := _DATETIME.search(pub)):
        return d.group(1)
    if title:  # a date printed alone under the title (2026年09月28日 15:53 来源：)
        for line in lines[start + 1:start + 4]:
            if (d := _DATETIME.search(line)) and len(line) < 80 and not re.search(r"[：:]", line[:d.start()]):
                return d.group(1)
    for line in reversed(lines[-15:]):  # the date under the signature
        line = line.strip()
        if _CN_DATE.fullmatch(line):
            return _cn_date(line)
        if (d := _DATETIME.fullmatch(re.sub(r"\s+", "", line))) and len(line) <= 20:
            return d.group(1)
    return None


def body_text(page: Page, title: str) -> str:
    """The notice's text: from its title to the site footer, one line per paragraph or row."""
    lines = page.lines()
    start = 0
    if title:
        for i, line in enumerate(lines):
            if title[:20] in line and len(line) < len(title) + 40:
                start = i
    end = len(lines)
    for i in range(len(lines) - 1, start, -1):
        if _FOOTER.search(lines[i]):
            end = i
        elif i < len(lines) - 8:
            break
    return "\n".join(lines[start:end])


def _breadcrumb(page: Page) -> str:
    for block in page.blocks[:60]:
        text = block.text if isinstance(block, Line) else (block.rows[0][0] if block.rows and block.rows[0] else "")
        if re.search(r"当前位置|当前的位置|您的位置|首页\s*[>»]", text):
            return text
    return ""


def parse_page(html: str, *, url: str | None = None, family: Family | None = None,
               kind: Kind | None = None) -> Extracted:
    """One notice page → Extracted (cells, lots, text, attachments). Raises ParseError when the
    page holds no notice (a block page, an empty shell)."""
    page = parse_html(html.replace("釆", "采"), url)  # 釆 (U+91C6) for 采: a common typo (釆购人信息)
    title = find_title(page)
    text = body_text(page, title)
    if len(text) < 20:
        raise ParseError("the page holds no notice text")
    family = family or detect_family(html, url)
    kind = kind or guess_kind(title, text, family.kind if family else None)
    out = read_blocks(page, kind, title=title)
    out.kind = kind
    cells = out.cells
    if title:
        cells["title"] = Cell(title)
    elif "project_name" not in cells:
        raise ParseError("no title and no project name: the page names no notice")
    # (a body-only fragment: the models derive the title from the project name and the stage)
    when = find_time(page, title)
    if when:
        cells["published_at"] = Cell(when)
    elif "published_at" in cells:
        pass
    publisher = page.meta.get("ContentSource") or page.meta.get("SiteName")
    if publisher and publisher not in ("网站名称",):
        cells.setdefault("publisher", Cell(publisher))
    # the URL the page was fetched from is the source's, not a fact of the notice: as a fact it would
    # split the same notice read on two platforms into versions (original_url is in the content hash)
    _set_type(cells, title, page, text)
    if "notice_type" not in cells and _is_list_page(page, out):
        cells["notice_type"] = Cell("other")
    _set_initiator(cells, kind, text)
    _set_method(cells, kind, title, text)
    _set_name_from_title(cells, page, title)
    _set_region(cells, page, title)
    out.body_text = text
    out.attachments = attachments(page)
    return out


_INITIATOR = re.compile(r"^(?:经[^，,]{2,40}批准[，,]\s*)?(?P<who>[\u4e00-\u9fff（）()]{2,40}?(?:人民法院|人民政府|自然资源局|自然资源和规划局|规划和自然资源局"
                        r"|管理局|委员会|中心|公司|医院|学校|大学|研究院|研究所))(?:将于|定于|拟于|决定|现就|就|受|于\d)")
_INITIATOR_FIELD = {Kind.state_asset: "transferor", Kind.land: "grantor", Kind.mining: "grantor",
                    Kind.procurement: "buyer", Kind.tender: "tenderer"}


_METHOD_IN_TEXT = re.compile(r"(?:采用|进行|以|通过|实行|按)(公开招标|邀请招标|竞争性磋商|竞争性谈判|单一来源(?:采购)?|询价|"
                             r"挂牌|拍卖|招标)(?:方式|的方式|形式)?")


def _set_method(cells: dict[str, Cell], kind: Kind, title: str, text: str) -> None:
    """The procedure, when no label names it: from the title ([竞争性磋商]…, …单一来源采购公告), else
    from the text (…现对该项目进行公开招标)."""
    from models.assemble import specs_for
    from models.codelists import METHOD_ALIASES

    name = "supply_method" if kind is Kind.land else "method"
    spec = specs_for(kind).get(name)
    if spec is None or name in cells:
        return
    choices = [c for c in spec.choices if c != "其他"]
    aliases = [a for a, c in METHOD_ALIASES.items() if c in choices and len(a) >= 3]
    for word in sorted(choices + aliases, key=len, reverse=True):
        if word in title:
            cells[name] = Cell(word)
            return
    for m in _METHOD_IN_TEXT.finditer(text[:5000]):
        value = METHOD_ALIASES.get(m.group(1), m.group(1))
        if value in choices:
            cells[name] = Cell(value)
            return


_DATED = re.compile(r"\d{4}[-./年]\d{1,2}[-./月]\d{1,2}")


def _is_list_page(page: Page, read: Extracted) -> bool:
    """A channel list (20 titles with dates), not a notice: few facts, many dated notice links."""
    titled_links = sum(1 for text, _href in page.links if _TITLE_END.search(text) or text.endswith("..."))
    dated_lines = sum(1 for b in page.blocks if isinstance(b, Line) and _DATED.search(b.text) and len(b.text) < 120)
    facts = len([k for k in read.cells if k not in ("title", "published_at", "publisher")]) + len(read.lots)
    return titled_links >= 10 and dated_lines >= 10 and facts <= 2


_ENTRUSTED = re.compile(r"(?:^|[，。])(?P<agent>[\u4e00-\u9fff（）()]{4,40}?)(?:受|接受)(?P<principal>[\u4e00-\u9fff（）()]{4,60}?)的?委托")


def _set_initiator(cells: dict[str, Cell], kind: Kind, text: str) -> None:
    """Who opens the procedure, from the opening sentence (北京市第一中级人民法院将于…进行司法处置;
    XX公司受XX的委托，就…进行采购)."""
    name = _INITIATOR_FIELD.get(kind)
    if not name:
        return
    from models.assemble import specs_for

    if name not in specs_for(kind):
        return
    for line in text.splitlines()[:60]:
        if m := _ENTRUSTED.search(line[:200]):
            cells.setdefault(name, Cell(m.group("principal")))
            if "agent" in specs_for(kind):
                cells.setdefault("agent", Cell(m.group("agent")))
            break
    if name in cells:
        return
    for line in text.splitlines()[:400]:
        if m := _INITIATOR.match(line):
            cells[name] = Cell(m.group("who"))
            return


def _set_name_from_title(cells: dict[str, Cell], page: Page, title: str) -> None:
    """``北交互联-京NC6575…``: a <title> of site and item names the item when the page prints it alone."""
    if "project_name" in cells or "-" not in page.title_tag:
        return
    site, _, item = page.title_tag.partition("-")
    if len(site) <= 8 and len(item) >= 4 and any(isinstance(b, Line) and b.text == item for b in page.blocks):
        cells["project_name"] = Cell(item)


_BODY_STAGE = (
    (re.compile(r"更正(?:信息|事项|内容|公告)|变更公告|澄清公告"), "correction"),
    (re.compile(r"(?:废标|流标|终止)(?:公告|情形|原因|理由)"), "termination"),
    (re.compile(r"中标(?:（成交）|\(成交\))?(?:信息|结果)|成交(?:信息|结果)"), "result"),
    (re.compile(r"中标候选人|评标结果"), "candidates"),
)


def _set_type(cells: dict[str, Cell], title: str, page: Page, text: str = "") -> None:
    if not title and "notice_type" not in cells:
        for pattern, stage in _BODY_STAGE:
            if pattern.search(text[:3000]):
                cells["notice_type"] = Cell(stage)
                return
    if "notice_type" not in cells and not notice_type_from_title(title) and (
            "correction" in cells or "original_published_at" in cells or "correction_date" in cells):
        cells["notice_type"] = Cell("correction")
        return
    if "notice_type" not in cells and not notice_type_from_title(title) and re.search(
            r"竞价结束|已成交|成交价\s*[：:]\s*[￥¥]?\s*\d", text):
        cells["notice_type"] = Cell("result")
        return
    crumb = _breadcrumb(page)
    column = page.meta.get("ColumnName") or page.meta.get("ColumnType") or ""
    for word in (column, *reversed(re.split(r"[>»/]", crumb))):
        word = word.strip()
        found = NOTICE_TYPE_WORDS.get(word)
        if found and not notice_type_from_title(title):
            cells.setdefault("notice_type", Cell(found.value))
            return


def _set_region(cells: dict[str, Cell], page: Page, title: str) -> None:
    if "region" in cells:
        parsed = lookup_region(None, str(cells["region"].value))
        if parsed.value is not None and not parsed.error:
            return  # the division the page prints (行政区域) is the answer, even where a name is finer
        printed = str(cells.pop("region").value)
    else:
        printed = ""
    names = [_breadcrumb(page)]
    names += [str(cells[k].value) for k in ("buyer", "tenderer", "grantor", "transferor") if k in cells]
    names += [title, str(cells["project_name"].value) if "project_name" in cells else ""]
    names += [str(cells[k].value) for k in ("publisher", "agent", "location") if k in cells]
    code = region_in(names)
    if code and printed:
        # a name the list holds many times (市辖区, 城区): the one under the division the page names
        key = printed.strip()
        for child in children(code):
            if child.name == key or any(g.name == key for g in children(child.code)):
                code = child.code if child.name == key else next(g.code for g in children(child.code) if g.name == key)
                break
    if code:
        cells["region_code"] = Cell(code)


def read_page_bytes(data: bytes, *, url: str | None = None, family: str | None = None,
                    kind: Kind | None = None) -> Extracted:
    """Bytes of a saved page (any charset) → Extracted."""
    fam = _FAMILY_BY_NAME.get(family) if family else None
    return parse_page(decode(data), url=url, family=fam, kind=kind)
