"""A notice: one published version of one disclosure, with where it came from."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Annotated

import orjson
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from models.codelists import Kind, NoticeType, Role
from models.fields import ValueKind as V
from models.fields import field
from models.kinds import AreaFields, Text


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("a timestamp must carry its time zone")
    return value


Aware = Annotated[datetime, AfterValidator(_aware)]
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
# Only http(s) links are ever published (no javascript:, data:, file: …).
HttpLink = Annotated[str, Field(pattern=r"^https?://[^\s<>\"']+$", max_length=4000)]


class Source(BaseModel):
    """Provenance of one copy of a notice: where and when it was read, and the raw bytes' hash."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    platform: Annotated[str, Field(min_length=1, max_length=200)]
    url: Annotated[str, Field(min_length=1, max_length=4000)]
    fetched_at: Aware
    sha256: Sha256
    parser_version: Annotated[str, Field(min_length=1, max_length=100)]
    http_status: int | None = None
    location: str | None = Field(default=None, max_length=200, description="Where in the raw input, e.g. 'row 12'.")


class RegionRef(BaseModel):
    """A GB/T 2260 division as resolved (code) and as published (name)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: Annotated[str, Field(pattern=r"^\d{6}$")]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    province_code: Annotated[str, Field(pattern=r"^\d{2}0000$")]


class CommonFields(BaseModel):
    """Fields every notice has, with the labels submissions and portals use for them."""

    notice_type: NoticeType | None = field(V.choice, ("公告类型", "信息类型", "notice_type"), "Stage of the notice.",
                                           choices=tuple(t.value for t in NoticeType))
    title: Text | None = field(V.text, ("公告标题", "标题", "公告名称"), "Title as published.")
    publisher: str | None = field(V.text, ("发布单位", "发布机构", "信息来源", "来源"), "Who published the notice.",
                                  role=Role.publisher)
    published_at: datetime | None = field(V.datetime, ("发布时间", "公告时间", "发布日期", "公告日期", "公示时间"), "Publication time (+08:00).")
    region_code: str | None = field(V.identifier, ("行政区划代码", "区划代码", "行政区代码"), "GB/T 2260 division code.")
    region: str | None = field(V.text, ("行政区", "行政区域", "所在地区", "地区", "区域", "项目所在地区", "招标项目所在地区"), "Division name as published.")
    project_no: str | None = field(V.identifier, ("项目编号", "采购项目编号", "招标项目编号", "招标编号", "采购计划编号", "交易编号",
                                                                  "原公告的采购项目编号"),
                                   "Project number as published.", identifier=True)
    project_name: str | None = field(V.text, ("项目名称", "采购项目名称", "招标项目名称"), "Project name.")
    body: str | None = field(V.text, ("正文", "公告内容", "内容"), "Body text.")
    source_url: str | None = field(V.text, ("原文链接", "原文链接地址", "链接", "网址"), "Link to the original notice.")
    notice_no: str | None = field(V.identifier, ("公告编号", "公告ID", "公示文号", "公告文号"), "The publisher's id of this notice, if it has one.")
    corrects: str | None = field(V.identifier, ("原公告编号", "原公告链接", "被更正公告"),
                                 "The notice (id or URL) this one corrects or terminates.")


class Attachment(BaseModel):
    """A file a notice links to (采购文件, 中小企业声明函 …): its name as printed and its link."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, Field(min_length=1, max_length=500)]
    url: HttpLink | None = None


class Notice(BaseModel):
    """One published notice version: the unit every stage of the pipeline handles."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Kind
    notice_type: NoticeType
    title: Annotated[str, Field(min_length=1, max_length=2000)]
    publisher: str | None = Field(default=None, max_length=500)
    published_at: Aware
    region: RegionRef | None = None
    project_no: str | None = Field(default=None, max_length=200)
    project_name: str | None = Field(default=None, max_length=2000)
    notice_no: str | None = Field(default=None, max_length=200)
    corrects: str | None = Field(default=None, max_length=4000)
    original_url: HttpLink | None = Field(default=None, description="Link to the notice on the publishing platform.")
    body: str = Field(default="", max_length=2_000_000)
    fields: AreaFields
    body_text: str = Field(default="", max_length=2_000_000, description=(
        "The notice's cleaned text as read on the page. Kept beside the version, outside the content hash: "
        "platforms lay the same notice out differently, and that must not split a cross-platform copy."))
    attachments: list[Attachment] = Field(default_factory=list, max_length=500,
                                          description="Attachments named by the notice (outside the content hash).")
    source: Source
    raw: dict[str, str] = Field(default_factory=dict, description="Original text of every input cell whose stored value differs from it, by field.")
    flags: dict[str, list[str]] = Field(default_factory=dict, description="Normalizer notes per field (zero, unit_from_header …).")

    @property
    def currency(self) -> str:
        """ISO 4217 code of the notice's amounts: CNY unless its area fields name another."""
        return getattr(self.fields, "currency", None) or "CNY"

    def content(self) -> dict:
        """The facts of the notice, without provenance: what a version is made of."""
        return self.model_dump(mode="json", exclude={"source", "raw", "flags", "body_text", "attachments"}, exclude_none=True)

    def content_sha256(self, content: dict | None = None) -> str:
        """sha256 of the canonical JSON of :meth:`content` (sorted keys)."""
        data = self.content() if content is None else content
        return hashlib.sha256(orjson.dumps(data, option=orjson.OPT_SORT_KEYS)).hexdigest()
