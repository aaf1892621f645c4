"""The demo world: parties with a registry, times, amounts, and the fate of projects."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from demo.generate.places import Place, pick_place
from demo.generate.values import Org, fen_of, make_uscc
from demo.generate.vocabulary import (
    AGENT_FORMS,
    COMPANY_FORMS,
    FIRST_DAY,
    NATIONAL,
    OPEN_SHARE,
    PROVINCES,
    REPEAT_WINNER_SHARE,
    START_SPAN_DAYS,
    TERMINATED_SHARE,
    TRADE_NAMES,
    WINNER_POOL_SIZE,
)
from models.normalize.amounts import fen_to_yuan

# -- the demo world ------------------------------------------------------------------------------


def _zipf(n: int, power: float = 1.0) -> list[float]:
    """Weights 1, 1/2^p, 1/3^p …: a few parties win (or act) often, most rarely."""
    return [1.0 / (i + 1) ** power for i in range(n)]


class World:
    """Random names and parties, with a registry so a name always has the same code."""

    def __init__(self, rng: random.Random, seed: int | str | None = None) -> None:
        self.rng = rng
        self.seed = seed  # seeds the red-flag values' own streams (flag_rng), never rng
        # Red-flag cases that replace a drawn value (a shortened deadline, a late result, a contract above
        # the award, a lone valid bid, a re-listing below the appraisal) only in a world told its seed (the
        # demo's submissions): the imitation portal's world is not, so its recorded pages keep their values
        # and only gain the added fields (bidder counts, listing dates …).
        self.alter = seed is not None
        self.orgs: dict[str, Org] = {}
        self.pools: dict[str, list[Org]] = {}
        self.agents: dict[str, list[tuple[Org, str]]] = {}
        self.serial = 1000
        self.counts: dict[str, int] = {}

    def flag_rng(self, uid: str) -> random.Random:
        """The project's own stream for the values the red flags read (bidder counts, listing dates …).

        Separate from ``rng`` so that adding such values moves no other project, identifier or page."""
        return random.Random(f"{self.seed}:{uid}:flags")

    def nth(self, key: str) -> int:
        """0, 1, 2 … on successive calls for ``key``: fixed choices by order (e.g. every other 协议出让
        parcel clears a flag), so each indicator has both outcomes in any demo large enough."""
        n = self.counts.get(key, 0)
        self.counts[key] = n + 1
        return n

    def next_serial(self) -> int:
        self.serial += self.rng.randint(1, 9)
        return self.serial

    def org(self, name: str, region_code: str, dept: str = "91") -> Org:
        if name not in self.orgs:
            self.orgs[name] = Org(name, make_uscc(self.rng, region_code, dept))
        return self.orgs[name]

    def company(self, industries: Sequence[str], place: Place) -> Org:
        rng = self.rng
        form = rng.choices([f for f, _ in COMPANY_FORMS], [w for _, w in COMPANY_FORMS])[0]
        word = place.word if rng.random() < 0.75 else PROVINCES[place.province2][0]
        name = f"{word}{rng.choice(TRADE_NAMES)}{rng.choice(industries)}{form}"
        return self.org(name, place.code)

    def winner(self, industries: Sequence[str], place: Place) -> Org:
        """A frequent winner of this trade (from anywhere) or a local company."""
        key = "/".join(industries)
        pool = self.pools.get(key)
        if pool is None:
            pool = []
            size = WINNER_POOL_SIZE if len(industries) > 3 else WINNER_POOL_SIZE // 3
            while len(pool) < size:
                home = pick_place(self.rng, NATIONAL + ("44", "45", "51", "33", "11"))
                org = self.company(industries, home)
                if org not in pool:
                    pool.append(org)
            self.pools[key] = pool
        if self.rng.random() < REPEAT_WINNER_SHARE:
            return self.rng.choices(pool, _zipf(len(pool)))[0]
        return self.company(industries, place)

    def agent(self, place: Place) -> tuple[Org, str]:
        """An agency of the province (a few per province, reused), with its project-number code."""
        agents = self.agents.setdefault(place.province2, [])
        if len(agents) < 4 or self.rng.random() < 0.15:
            home = pick_place(self.rng, [place.province2], prefecture_share=0.6)
            org = self.company_named(f"{home.word}{self.rng.choice(TRADE_NAMES)}{self.rng.choice(AGENT_FORMS)}", home)
            code = "".join(self.rng.choice("ABCDEFGHJKLMNPQRSTWXYZ") for _ in range(self.rng.randint(3, 5)))
            agents.append((org, code))
        return self.rng.choices(agents, _zipf(len(agents), 0.5))[0]

    def company_named(self, name: str, place: Place) -> Org:
        return self.org(name, place.code)

    def public_body(self, name: str, place: Place, dept: str) -> Org:
        return self.org(name, place.code, dept)


def at_work_hours(base: datetime, rng: random.Random, days: tuple[int, int]) -> datetime:
    """A working-hours time ``days`` after ``base`` (whole minutes)."""
    d = base + timedelta(days=rng.randint(*days))
    return d.replace(hour=rng.randint(8, 17), minute=rng.choice((0, 5, 10, 15, 20, 30, 35, 40, 45, 50)), second=0)


def first_notice_at(rng: random.Random) -> datetime:
    return at_work_hours(FIRST_DAY, rng, (0, START_SPAN_DAYS))


def yuan_between(rng: random.Random, low_yuan: int, high_yuan: int, step_yuan: int = 1) -> Decimal:
    return fen_to_yuan(rng.randrange(low_yuan // step_yuan, high_yuan // step_yuan + 1) * step_yuan * 100)


def scaled(v: Decimal, rng: random.Random, low: float, high: float, step_fen: int = 100) -> Decimal:
    """``v`` times a random factor in [low, high], rounded down to ``step_fen``."""
    n = int(fen_of(v) * rng.uniform(low, high)) // step_fen * step_fen
    return fen_to_yuan(max(n, step_fen))


def project_fates(rng: random.Random, n: int) -> list[str]:
    """complete / open / terminated for ``n`` projects: at least one terminated and one open."""
    out = ["complete"] * n
    if n < 4:
        return out
    idx = list(range(n))
    rng.shuffle(idx)
    k_term = max(1, round(n * TERMINATED_SHARE))
    k_open = max(1, round(n * OPEN_SHARE))
    for i in idx[:k_term]:
        out[i] = "terminated"
    for i in idx[k_term:k_term + k_open]:
        out[i] = "open"
    return out


def split_counts(n: int, shares: Sequence[float]) -> list[int]:
    counts = [max(1, round(n * s)) for s in shares[:-1]]
    counts.append(max(1, n - sum(counts)))
    return counts
