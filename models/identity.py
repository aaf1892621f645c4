"""Stable identifiers: which project a notice belongs to, which notice it is, which party.

Ids are derived from what the sources publish, never from where or when we read them,
so the same notice read from two platforms, or submitted twice, gets the same id
(source-formats.md §0.2 and §7: deduplicate on normalized title, project code and date).
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from models.codelists import Kind
from models.normalize.text import match_key as _match_key

# Names and numbers repeat across a batch; NFKC is the costly part of a key.
match_key = lru_cache(maxsize=1 << 16)(_match_key)

_TYPE_WORDS = re.compile(
    r"(?:的)?(?:中标|成交|结果|更正|变更|澄清|终止|中止|流标|废标|候选人|合同|出让|挂牌|招标|采购|资格预审|补充)*"
    r"(?:公告|公示|通知|信息)+$"
)
_BRACKETED_NO = re.compile(r"[（(【\[]\s*(?:项目)?编号[：:][^）)】\]]*[）)】\]]")
KIND_PREFIX = {
    Kind.land: "land",
    Kind.mining: "mining",
    Kind.procurement: "proc",
    Kind.state_asset: "asset",
    Kind.tender: "tender",
}


def _digest(*parts: str, size: int = 16) -> str:
    h = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return h[:size]


def core_title(title: str) -> str:
    """The title without its stage words and bracketed project number: the project's name.

    ``某某项目（项目编号：X-1）中标结果公告`` → ``某某项目``."""
    key = _BRACKETED_NO.sub("", match_key(title))
    key = _BRACKETED_NO.sub("", key)
    stripped = _TYPE_WORDS.sub("", key)
    return stripped or key


def project_id(
    kind: Kind,
    province_code: str | None,
    *,
    identifiers: list[str],
    title: str,
    publisher: str | None,
) -> str:
    """The project a notice belongs to.

    The first non-empty identifier (e-supervision number, project number …) wins. An
    e-supervision number is national (it embeds the county); other numbers are scoped
    to the province. Without any identifier, the title's core plus the publisher."""
    prefix = KIND_PREFIX[Kind(kind)]
    province = (province_code or "000000")[:2]
    for ident in identifiers:
        if ident:
            scope = "cn" if kind == Kind.land and re.fullmatch(r"\d{10}[A-Z].*", ident) else province
            return f"{prefix}-{province}-{_digest(prefix, scope, match_key(ident))}"
    return f"{prefix}-{province}-{_digest(prefix, province, 't', core_title(title), match_key(publisher or ''))}"


def notice_id(project: str, notice_type: str, published_date: str, title: str, notice_no: str | None) -> str:
    """The notice a version belongs to: the publisher's own id when given, else the
    project, stage, publication date and normalized title."""
    if notice_no:
        return "n-" + _digest(project, "no", match_key(notice_no), size=20)
    return "n-" + _digest(project, notice_type, published_date, match_key(title), size=20)


def party_id(name: str | None, uscc: str | None) -> str:
    """A party: its unified social credit code when valid, else its normalized name."""
    if uscc:
        return uscc
    return "name-" + _digest(match_key(name or ""))
