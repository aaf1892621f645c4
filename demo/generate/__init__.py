"""Seeded demo submissions in all five areas, and one big CSV for benchmarks.

The package is split by concern: :mod:`~demo.generate.vocabulary` (the words the world is made
of), :mod:`~demo.generate.values` (identifiers and planned values), :mod:`~demo.generate.places`
(divisions), :mod:`~demo.generate.cells` (value → messy cell), :mod:`~demo.generate.world`
(parties, times, amounts), one lifecycle module per area (:mod:`~demo.generate.land`,
:mod:`~demo.generate.mining`, :mod:`~demo.generate.procurement`, :mod:`~demo.generate.state_asset`,
:mod:`~demo.generate.tender`), :mod:`~demo.generate.files` and :mod:`~demo.generate.layouts`
(writers and the agencies' layouts), :mod:`~demo.generate.plan` (the demo) and
:mod:`~demo.generate.big_csv`. This module re-exports the public names other packages use
(the imitation portal builds its catalog from them).

``generate_demo`` writes the files the demo submits, in submission order, each with
``gongkai submit FILE --kind KIND --agency AGENCY [--map MAP]``. They look like what
agencies really send (source-formats.md §3.3-§9), so that every stage of the pipeline
meets real-world input rather than tidy fixtures:

* **Five areas, many provinces.** ``projects_per_kind`` projects per area, placed in
  real GB/T 2260 counties and prefectures (``models/data/divisions.csv``) of more than
  ten provinces, each with a lifecycle of notices (one row = one notice): land
  出让公告 → 更正 → 成交公示 → 供地结果 (划拨 parcels only have the 供地结果), mining
  出让公告 → 出让结果, procurement 采购公告 → 更正 (budget or deadline) → 中标/成交结果
  → 合同, state assets 挂牌披露 → 交易结果, tenders 招标公告 → 澄清 → 中标候选人公示 →
  中标结果. About 5 % of projects end in a 终止/流标/废标 notice with a reason, about
  10 % stop before the result (still open).
* **Realistic parties.** Company names are 地名 + 字号 + 行业 + 有限公司 with valid
  unified social credit codes (mod-31 check, GB 11714 organization code inside); a
  pool of frequent winners repeats across projects; buyers are bureaus, hospitals,
  schools and universities of the project's county; agents, 自然资源局/厅 and
  产权交易所 are named the way they are in real notices. Project numbers follow the
  shapes of source-formats.md §8.4.
* **Format variety.** CSV UTF-8 with English field names, CSV GB18030 with Chinese
  labels and units in the headers (``成交价格(万元)``, ``面积(公顷)``), a UTF-8 CSV with
  a BOM, one XLSX, one JSON array with nested ``lots``, one JSONL with nested
  ``sections``, and a file whose headers need a ``--map`` YAML (written beside it).
  Cells are messy but valid: ``￥56.980000 万元（人民币）``, ``人民币9950000.00元``,
  ``1,234,500.00元``, ``壹万陆仟叁佰陆拾玖元整（¥16369.00）``, full-width digits, bare
  numbers under a unit header, dates such as ``2026年03月17日``, ``2026/3/17`` and
  ``2026.03.17 10:00:00``, values padded with U+3000, one ``0元 人民币`` contract.
  Some files name the notice type, others leave it to be derived.
* **Corrections, duplicates, re-submission.** 更正/澄清 rows name the notice they
  correct (``corrects`` = its ``notice_no``) where the file has notice numbers; a
  province's and a city's 公共资源交易中心 (and 中国土地市场网 and a province's
  自然资源厅) both submit some of the same notices, with the same facts and an
  explicit publisher column; a later file re-submits notices of an earlier one,
  most unchanged and three with one value changed (new versions).
* **Red flags, both ways.** Every indicator of :mod:`models.indicators` has projects that it
  flags and projects that it clears: bidder counts, listing dates, benchmark land prices,
  协议出让 grounds, re-listings below the appraisal, short submission periods, late results,
  contracts above the award, a lone valid bid. These values come from each project's own
  stream (``World.flag_rng``) or from fixed turns (``World.nth``), never from the world's
  stream, so adding them moved no project. Two last files (:data:`FLAG_CASE_PROJECTS` more
  projects) hold the cases the comparing indicators need: one county's industrial parcels of
  a year, one far below the others, and one hospital awarding the same supplier four times.
* **Natural persons.** Three last files (:data:`PEOPLE_PROJECTS` more projects, their own stream:
  :mod:`~demo.generate.people`) name people the privacy policy masks: residential parcels transferred
  by agreement to individuals, a state-owned vehicle auctioned to an individual, tenders listing
  their evaluation experts.
* **Refused files.** Two files (``invalid=True``) mix good rows with bad rows of
  distinct kinds (a USCC with a wrong check character, 2026-02-30, an unknown
  procurement method, a negative amount, an area without any unit under a plain
  ``面积`` header); their headers are all known, so the refusal report lists rows.

``generate_big_csv`` writes one UTF-8 CSV of **procurement** notices with English
headers (:data:`BIG_CSV_HEADERS`), 2-4 notices per project (announcement, sometimes
one or two corrections, result), for the submission benchmark. Values come from
precomputed pools (a few thousand buyers, agents and winners, a few hundred
regions), so 100,000 rows take a few seconds. ``generate_big_corpus`` writes the scale
benchmark's corpus: one such CSV per area, all five areas in assumed shares
(:data:`~demo.generate.big_corpus.AREA_SHARES`), with lifecycles, corrections, exact duplicates,
revised versions, long bodies and red flags both ways (:mod:`~demo.generate.big_corpus`).

Everything is a pure function of the seed: only ``random.Random(seed)`` (or string
seeds derived from it), fixed base dates in 2025-2026, never the clock; the XLSX zip
timestamps and document properties are pinned, so the same seed gives byte-identical
files.
"""

from __future__ import annotations

from demo.generate.big_csv import generate_big_corpus, generate_big_csv
from demo.generate.cells import area_units, cn_upper_yuan, wan_text
from demo.generate.files import GeneratedFile
from demo.generate.land import land_project
from demo.generate.mining import mining_project
from demo.generate.people import PEOPLE, PEOPLE_PROJECTS
from demo.generate.places import Place, pick_place
from demo.generate.plan import FLAG_CASE_PROJECTS, generate_demo
from demo.generate.procurement import procurement_project
from demo.generate.state_asset import state_asset_project
from demo.generate.tender import tender_project
from demo.generate.values import (
    LotValue,
    Org,
    PlannedNotice,
    PlannedProject,
    Raw,
    Stage,
    area_m2,
    bad_uscc,
    centi_of,
    fen_of,
    make_uscc,
    money_wan,
    uscc_check_char,
)
from demo.generate.vocabulary import BIG_CSV_HEADERS, DEFAULT_SEED, NATIONAL
from demo.generate.world import World, project_fates

__all__ = [
    "BIG_CSV_HEADERS",
    "FLAG_CASE_PROJECTS",
    "PEOPLE",
    "PEOPLE_PROJECTS",
    "DEFAULT_SEED",
    "GeneratedFile",
    "LotValue",
    "NATIONAL",
    "Org",
    "Place",
    "PlannedNotice",
    "PlannedProject",
    "Raw",
    "Stage",
    "World",
    "area_m2",
    "area_units",
    "bad_uscc",
    "centi_of",
    "cn_upper_yuan",
    "fen_of",
    "generate_big_corpus",
    "generate_big_csv",
    "generate_demo",
    "land_project",
    "make_uscc",
    "mining_project",
    "money_wan",
    "pick_place",
    "procurement_project",
    "project_fates",
    "state_asset_project",
    "tender_project",
    "uscc_check_char",
    "wan_text",
]
