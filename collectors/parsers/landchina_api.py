"""中国土地市场网 (new landchina, ``api.landchina.com``) 供地结果 JSON (source-formats.md §3.1, §3.3).

``POST /tGdxm/result/detail {"gdGuid":…}`` answers ``{"code":200,"data":{…},"relate":[…]}``.
Keys and units are the new API's: ``gyMj`` in 公顷, ``je`` in 万元, dates such as ``fbSj``
with a ``T``. The buyer can be in ``data.srr`` or ``relate[0].srDw``. A throttled answer carries
the sentinel ``5c8f40a2-bd2b-4119-a404-af3283225661`` instead of data.
"""

from __future__ import annotations

from typing import Any

from collectors.parsers import Extracted, ParseError
from models.assemble import Cell

BLOCK_SENTINEL = "5c8f40a2-bd2b-4119-a404-af3283225661"

# key → (field, unit)
KEYS: dict[str, tuple[str, str | None]] = {
    "xzqFullName": ("region", None),
    "dzBaBh": ("e_supervision_no", None),
    "xmMc": ("project_name", None),
    "zdBh": ("parcel_no", None),
    "tdZl": ("location", None),
    "gyMj": ("area_m2", "公顷"),
    "tdYt": ("land_use", None),
    "gyFs": ("supply_method", None),
    "crNx": ("term_years", None),
    "hyFl": ("industry", None),
    "tdJb": ("land_grade", None),
    "je": ("price", "万元"),
    "srr": ("holder", None),
    "minRjl": ("plot_ratio_min", None),
    "maxRjl": ("plot_ratio_max", None),
    "jdSj": ("delivery_date", None),
    "kgSj": ("start_date", None),
    "jgSj": ("completion_date", None),
    "pzJg": ("approving_authority", None),
    "qdRq": ("contract_date", None),
    "bh": ("contract_no", None),
    "fbSj": ("published_at", None),
}
FIELD_KEY = {f: key for key, (f, _u) in KEYS.items()}


def parse_detail(answer: Any) -> Extracted:
    """Fields of one 供地结果 detail answer (already decoded JSON)."""
    if not isinstance(answer, dict):
        raise ParseError("the answer is not a JSON object")
    if answer.get("code") not in (200, "200", None):
        raise ParseError(f"the API answered code {answer.get('code')}: {answer.get('msg') or answer.get('message')}")
    data = answer.get("data")
    if not isinstance(data, dict):
        raise ParseError("no data object in the answer")
    out = Extracted({})
    for key, value in data.items():
        known = KEYS.get(key)
        if known is None:
            if value not in (None, ""):
                out.unknown[key] = str(value)
        elif value not in (None, ""):
            out.cells[known[0]] = Cell(value, known[1])
    if "holder" not in out.cells:
        relate = answer.get("relate") or []
        if relate and isinstance(relate[0], dict) and relate[0].get("srDw"):
            out.cells["holder"] = Cell(relate[0]["srDw"])
    return out
