"""Display formatting and the filters that keep collected text safe in HTML and feeds.

Money is exact: amounts arrive as integer fen (``*_fen`` columns) or as exact decimal yuan
text (``notices.fields``) and are formatted with :class:`~decimal.Decimal`, never floats.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from models.normalize.amounts import fen_to_yuan
from models.normalize.text import strip_invisible

_WAN = Decimal(10_000)


def clean(value: Any) -> str:
    """Text safe for XML and display: control characters and bidi overrides removed."""
    if value is None:
        return ""
    # XML-forbidden characters (lxml raises on them, ckan/ckan#6371) and bidi overrides that
    # can reorder displayed text: the same rule the normalizers apply at the boundary.
    return strip_invisible(str(value))


def http_url(value: Any) -> str | None:
    """The URL if it is an absolute http(s) link without spaces or quotes, else None."""
    if not isinstance(value, str) or len(value) > 4000:
        return None
    text = value.strip()
    if re.search(r"[\s<>\"'`\x00-\x1f]", text):
        return None
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return text


def _group(d: Decimal, places: int | None = None) -> str:
    if places is not None:
        d = d.quantize(Decimal(1).scaleb(-places))
    return f"{d:,f}"


def money(value: Any, lang: str = "zh", *, fen: bool = False, currency: str | None = None) -> str:
    """``302000000000`` fen (or ``"3020000000"`` yuan) → ``3,020,000,000.00 元（302,000 万元）``.

    An amount in another currency (``currency``, ISO 4217; None or CNY is the yuan) is shown
    with its code and never converted: ``10,000.00 CAD``."""
    if value is None or value == "":
        return ""
    try:
        yuan = fen_to_yuan(int(value)) if fen else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return clean(value)
    if not yuan.is_finite():
        return clean(value)
    exact = _group(yuan, 2)
    if currency and currency != "CNY":
        return f"{exact} {clean(currency)}"
    if lang == "en":
        text = f"CNY {exact}"
        if abs(yuan) >= _WAN:
            text += f" ({_group((yuan / Decimal(1_000_000)).normalize())} million)"
        return text
    text = f"{exact} 元"
    if abs(yuan) >= _WAN:
        wan = (yuan / _WAN).normalize()
        text += f"（{_group(wan)} 万元）"
    return text


def number(value: Any) -> str:
    """Thousands separators for an integer or an exact decimal text."""
    if value is None or value == "":
        return ""
    try:
        d = Decimal(str(value))
    except InvalidOperation:
        return clean(value)
    if d == d.to_integral():
        return f"{int(d):,}"
    return _group(d.normalize())


def date(value: Any) -> str:
    """``2025-02-16T16:30:00+08:00`` → ``2025-02-16 16:30`` (times stay in the source's zone)."""
    if not value:
        return ""
    text = str(value)
    if len(text) >= 16 and text[10] == "T":
        day, clock = text[:10], text[11:16]
        return day if clock == "00:00" else f"{day} {clock}"
    return text[:10]


def paragraphs(text: Any, limit: int = 200) -> list[str]:
    """Body text split into paragraphs (blank lines or line breaks), at most ``limit``."""
    body = clean(text).strip()
    if not body:
        return []
    parts = [p.strip() for p in re.split(r"\n+", body) if p.strip()]
    return parts[:limit]
