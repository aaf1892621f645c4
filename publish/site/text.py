"""Display formatting and the filters that keep collected text safe in HTML and feeds.

Money is exact: amounts arrive as integer fen (``*_fen`` columns) or as exact decimal yuan
text (``notices.fields``) and are formatted with :class:`~decimal.Decimal`, never floats.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from models.normalize.amounts import fen_to_yuan
from models.normalize.text import strip_invisible

_WAN = Decimal(10_000)
_YI = Decimal(100_000_000)


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


def _yuan(value: Any, fen: bool) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        yuan = fen_to_yuan(int(value)) if fen else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return yuan if yuan.is_finite() else None


def money(value: Any, lang: str = "zh", *, fen: bool = False, currency: str | None = None) -> str:
    """``302000000000`` fen (or ``"3020000000"`` yuan) → ``3,020,000,000.00 元（30.2 亿元）``.

    The figure in 万元 (from 1 万) or 亿元 (from 1 亿) is exact too (never rounded). An amount in
    another currency (``currency``, ISO 4217; None or CNY is the yuan) is shown with its code and
    never converted: ``10,000.00 CAD``."""
    if value is None or value == "":
        return ""
    yuan = _yuan(value, fen)
    if yuan is None:
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
    if abs(yuan) >= _YI:
        text += f"（{_group((yuan / _YI).normalize())} 亿元）"
    elif abs(yuan) >= _WAN:
        text += f"（{_group((yuan / _WAN).normalize())} 万元）"
    return text


def money_short(value: Any, lang: str = "zh", *, fen: bool = False, currency: str | None = None) -> str:
    """A list's amount: 万元 from 1 万, 亿元 from 1 亿, two decimals; rounding is said (``约``/``≈``).

    ``1050955`` yuan → ``约 105.10 万元``;
    ``3020000000`` yuan → ``30.20 亿元``. The exact figure is :func:`money` (shown beside, in a title)."""
    yuan = _yuan(value, fen)
    if yuan is None:
        return clean(value)
    if currency and currency != "CNY":
        return money(value, lang, fen=fen, currency=currency)
    if lang == "en":
        unit, scale = ("million", Decimal(1_000_000)) if abs(yuan) >= _WAN else ("", Decimal(1))
        shown = (yuan / scale).quantize(Decimal("0.01"))
        about = "≈ " if shown * scale != yuan else ""
        return f"{about}CNY {_group(shown)}{' ' + unit if unit else ''}"
    unit, scale = ("亿元", _YI) if abs(yuan) >= _YI else ("万元", _WAN) if abs(yuan) >= _WAN else ("元", Decimal(1))
    shown = (yuan / scale).quantize(Decimal("0.01"))
    about = "约 " if shown * scale != yuan else ""
    return f"{about}{_group(shown)} {unit}"


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


# People read Beijing time (UTC+8): a time with another offset (fetch and ingest times are UTC) is converted.
BEIJING = timezone(timedelta(hours=8))


def _in_beijing(text: str) -> str:
    """An ISO time with an offset, in Beijing time (``2026-03-01T00:00:00+00:00`` → ``2026-03-01T08:00:00+08:00``)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is None:
        return text  # a local time as published: already the source's (Chinese) time
    return moment.astimezone(BEIJING).isoformat()


def date(value: Any) -> str:
    """``2025-02-16T16:30:00+08:00`` → ``2025-02-16 16:30``, in Beijing time (an offset other than +08:00 is converted)."""
    if not value:
        return ""
    text = str(value)
    if len(text) >= 16 and text[10] == "T":
        text = _in_beijing(text)
        day, clock = text[:10], text[11:16]
        return day if clock == "00:00" else f"{day} {clock}"
    return text[:10]


def beijing(value: Any, lang: str = "zh") -> str:
    """A time for people, in Beijing time and labelled: ``2026-03-01T00:00:00+00:00`` → ``2026-03-01 08:00（北京时间）``
    (a day alone, or midnight, is shown as the day)."""
    if not value:
        return ""
    text = str(value)
    shown = date(text)
    if len(shown) <= 10:
        return shown  # a day: no time of day to label
    return f"{shown} (Beijing time)" if lang == "en" else f"{shown}（北京时间）"


def paragraphs(text: Any, limit: int = 200) -> list[str]:
    """Body text split into paragraphs (blank lines or line breaks), at most ``limit``."""
    body = clean(text).strip()
    if not body:
        return []
    parts = [p.strip() for p in re.split(r"\n+", body) if p.strip()]
    return parts[:limit]
