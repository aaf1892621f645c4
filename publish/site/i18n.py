"""Interface languages: zh-CN is the source language, English comes from a Babel catalogue.

Message ids are the Chinese interface strings (in templates ``{{ _("首页") }}``, in Python
:func:`N_` marks them for extraction). The English catalogue is the text file
``publish/locale/en/LC_MESSAGES/messages.po``; it is compiled in memory with Babel at build
time (no ``.mo`` file is committed or generated). Data values (titles, names, places) are
never translated: they stay as published. Regenerate the template catalogue with
``make messages`` after adding strings; ``tests/test_site_i18n.py`` fails when an
interface string has no English translation.
"""

from __future__ import annotations

import gettext
from functools import cache
from io import BytesIO

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from models.codelists import choice_label as choice_label  # a codelist value (采购方式 …) in a language
from models.codelists import kind_label as kind_label  # re-exported: the site's label of a kind
from models.codelists import notice_type_label as notice_type_label
from models.kinds import LOT_SUMMARY
from publish import resources

LANGS = ("zh", "en")
HTML_LANG = {"zh": "zh-CN", "en": "en"}


def N_(message: str) -> str:
    return message


STATUS_LABELS = {
    "announced": N_("已公告"),
    "candidates": N_("候选人公示中"),
    "awarded": N_("已成交"),
    "contracted": N_("已签合同"),
    "terminated": N_("已终止"),
    "other": N_("其他"),
}
ROLE_LABELS = {
    "publisher": N_("发布单位"),
    "buyer": N_("采购人"),
    "agent": N_("代理机构"),
    "winner": N_("中标（成交）人"),
    "candidate": N_("候选人"),
    "tenderer": N_("招标人"),
    "transferor": N_("转让方"),
    "transferee": N_("受让方"),
    "land_user": N_("土地使用权人"),
    "grantor": N_("出让人"),
}
# Units of quantities other than money and areas (FieldSpec.unit): msgids, shown after the number.
UNIT_LABELS = {"年": N_("年"), "日历天": N_("日历天"), "天": N_("天"), "%": "%"}
# How a value was read (the normalizers' flags), for the note beside a notice's value; a flag not
# listed here is not shown (it is an internal code; the data downloads keep every flag).
FLAG_LABELS = {
    "unit_from_header": N_("单位取自表头"),
    "unit_from_label": N_("单位取自文字说明"),
    "unit_assumed": N_("未注明单位，按元计"),
    "date_only": N_("只公布了日期"),
    "both_forms": N_("大写与小写金额一致"),
    "repeated": N_("金额重复出现，取其一"),
    "per_unit": N_("单价"),
    "placeholder": N_("原文为占位文字"),
    "compact": N_("日期为紧凑写法"),
    "working_days": N_("工作日"),
}
# Headers of a lot (包/标段) table and the parts of an award: the keys of models.kinds.Lot/Award.
LOT_HEADERS = {
    "lot": N_("标段（包）"), "budget": N_("预算金额"), "role": N_("类别"), "rank": N_("排名"),
    "name": N_("名称"), "uscc": N_("统一社会信用代码"), "amount": N_("金额"), "offer": N_("报价（非金额）"),
    "project_manager": N_("项目负责人"), "duration_days": N_("工期"),
}
# Summary columns of projects_<kind> that are not area fields: their labels are msgids.
EXTRA_COLUMN_LABELS = {c.column: c.label for c in LOT_SUMMARY}


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The gettext translations of ``lang`` (zh: the identity)."""
    if lang == "zh":
        return gettext.NullTranslations()
    po = resources.locale_dir() / lang / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buf = BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def gettext_for(lang: str):
    return translations(lang).gettext


def status_label(status: str, lang: str) -> str:
    return gettext_for(lang)(STATUS_LABELS[status]) if status in STATUS_LABELS else status


def role_label(role: str, lang: str) -> str:
    return gettext_for(lang)(ROLE_LABELS[role]) if role in ROLE_LABELS else role


def field_label(spec, lang: str) -> str:
    """A field's label: the Chinese label (with unit), or in English the first clause of its description."""
    if lang != "en":
        return spec.label
    text = spec.description.split(" (")[0].split(". ")[0].rstrip(".")
    if spec.unit == "元":
        return f"{text} (CNY)"
    if spec.unit == "平方米":
        return f"{text} (m²)"
    return text


def unit_label(unit: str | None, lang: str) -> str:
    """A quantity's unit in ``lang`` (``年`` → ``years``); None: no unit."""
    if not unit:
        return ""
    return gettext_for(lang)(UNIT_LABELS[unit]) if unit in UNIT_LABELS else unit


def flag_notes(flags: list[str], lang: str) -> list[str]:
    """The notes people read about how a value was obtained; ``from <period>`` names the period it came from."""
    gettext = gettext_for(lang)
    out = []
    for flag in flags:
        if flag in FLAG_LABELS:
            out.append(gettext(FLAG_LABELS[flag]))
        elif flag.startswith("from "):
            out.append(gettext("取自“%(source)s”") % {"source": flag[5:]})
    return out


def extra_label(column: str, lang: str) -> str:
    return gettext_for(lang)(EXTRA_COLUMN_LABELS[column]) if column in EXTRA_COLUMN_LABELS else column
