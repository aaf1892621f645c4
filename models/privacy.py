"""Natural persons among the parties, and what each output may show of them.

Some parties are people, not organisations: the user of a housing plot transferred by agreement, an
individual bidder at a judicial auction, the experts of an evaluation panel. China's Personal
Information Protection Law (个人信息保护法, 2021) applies to their names: Art. 13(6) allows processing
information that the person or the law has made public "within a reasonable scope", and Art. 27
asks a processor of such public information to weigh the person's significant rights. Gongkai
therefore publishes organisations as they are and applies a **policy** to people: per role and area,
``publish`` (as published), ``mask`` (陈** — the surname and one star per character) or ``omit``
(a placeholder). The original stays in the store only; every output applies the policy.

A party is taken for a natural person when it has no unified social credit code (organisations have
one) and its name looks like a person's: 2–4 Han characters (a minority name may carry a middle dot)
without an organisational word, or a lottery/bidder code (摇号号码, 竞买号 …) standing for a person.
Experts are people by their role.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

from models.codelists import Kind, Role


class Policy(StrEnum):
    publish = "publish"  # shown as published
    mask = "mask"  # 陈**: surname kept, one star per further character
    omit = "omit"  # replaced by a placeholder saying why


PLACEHOLDER = ("（自然人，依隐私政策不公开）", "(a natural person, not published under the privacy policy)")

_HAN = r"[\u3400-\u4dbf\u4e00-\u9fff]"
_PERSON = re.compile(rf"^{_HAN}{{2,4}}$|^{_HAN}{{1,6}}[·•]{_HAN}{{1,8}}$")
# Words that make a short name an organisation's (a department, a village committee, a shop); a
# given name rarely ends in one of them, and a wrong guess masks an organisation, never shows a person.
_ORG = re.compile(r"(公司|集团|中心|委员会|政府|医院|学校|大学|银行|合作社|事务所|研究所|研究院|设计院|街道|"
                  r"[局厅厂社站处馆所院校部委办村镇乡县市省])$")
# A lottery, bidder or plate code standing for a person (摇号 in land and car auctions).
_CODE = re.compile(r"(摇号|竞买号|竞价号|竞买人编号|号牌)|^[A-Z]{0,3}\d{3,8}$")
PERSON_ROLES = frozenset({"expert"})  # roles whose holders are always people


def is_natural_person(name: str | None, uscc: str | None = None, role: str | None = None) -> bool:
    """Whether a party is taken for a natural person (see the module's rule)."""
    if not name:
        return False
    if role in PERSON_ROLES:
        return True
    if uscc:
        return False
    text = name.strip()
    if _CODE.search(text):
        return True
    return bool(_PERSON.match(text)) and not _ORG.search(text)


def mask(name: str) -> str:
    """陈某某 → 陈**; 买买提·艾力 → 买**·**; a code keeps its first character."""
    text = name.strip()
    if not text:
        return text
    if "·" in text or "•" in text:
        parts = re.split(r"([·•])", text)
        return "".join(p if p in "·•" else (p[0] + "*" * (len(p) - 1) if i == 0 else "*" * len(p))
                       for i, p in enumerate(parts))
    return text[0] + "*" * (len(text) - 1)


# -- the policy --------------------------------------------------------------------------------------

DEFAULT_FILE = Path(__file__).with_name("data") / "privacy.toml"


@dataclass(frozen=True)
class PrivacyPolicy:
    """What to do with a natural person's name, per role and area (``default`` ← role ← role+area)."""

    default: Policy
    roles: Mapping[str, Policy]
    areas: Mapping[tuple[str, str], Policy]

    def of(self, role: str, kind: Kind | str | None = None) -> Policy:
        area = Kind(kind).value if kind else None
        if area and (role, area) in self.areas:
            return self.areas[(role, area)]
        return self.roles.get(role, self.default)

    def shown(self, name: str, role: str, kind: Kind | str | None = None, lang: str = "zh") -> str:
        """The name as an output may show it (the caller has found it is a natural person's)."""
        policy = self.of(role, kind)
        if policy is Policy.publish:
            return name
        if policy is Policy.mask:
            return mask(name)
        return PLACEHOLDER[1 if lang == "en" else 0]


@cache
def load_policy(path: Path | None = None) -> PrivacyPolicy:
    """The packaged policy, or a deployment's file (``GONGKAI_PRIVACY``: store.config)."""
    file = path or DEFAULT_FILE
    try:
        table = tomllib.loads(file.read_text(encoding="utf-8"))
        unknown = sorted(set(table) - {"default", "roles", "areas"})
        if unknown:
            raise ValueError(f"unknown key(s) {', '.join(unknown)}: use default, [roles] and [areas.<role>]")
        roles_known = {r.value for r in Role} | PERSON_ROLES | {"project_manager"}
        named = set(table.get("roles", {})) | set(table.get("areas", {}))
        if named - roles_known:
            raise ValueError(f"unknown role(s) {', '.join(sorted(named - roles_known))}: "
                             f"one of {', '.join(sorted(roles_known))}")
        default = Policy(table.get("default", "mask"))
        roles = {role: Policy(v) for role, v in table.get("roles", {}).items()}
        areas = {(role, Kind(area).value): Policy(v) for role, by_area in table.get("areas", {}).items()
                 for area, v in by_area.items()}
    except (OSError, tomllib.TOMLDecodeError, ValueError) as e:
        raise ValueError(f"{file}: cannot read the privacy policy ({e})") from e
    return PrivacyPolicy(default, roles, areas)
