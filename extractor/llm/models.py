"""What the model fills. Field descriptions are part of the prompt: they say what to put, never give
example values (measured: examples leak into answers)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..schema import Count, NamedPlatform, OverviewFacts
from ..spec import TABLE2_ROW_LABELS, TABLE3_ROW_LABELS, TABLE4_BLOCKS

VERBATIM = "原文照录：逐字复制原文中的句子，不改写、不概括、不翻译。"


def _prompt_descriptions(**descriptions: str) -> ConfigDict:
    """The same fields as an output model, described for the model in its own language: a response model
    derived from an output model keeps one definition of the shape, and its own words for the prompt."""

    def rewrite(schema: dict[str, Any]) -> None:
        for name, text in descriptions.items():
            schema["properties"][name]["description"] = text

    return ConfigDict(json_schema_extra=rewrite)


class ProblemOut(BaseModel):
    text: str = Field(description="一个存在的问题。" + VERBATIM + "不含“一是”“（一）”“1.”等序号。")


class ImprovementOut(BaseModel):
    text: str = Field(description="一项改进情况或改进措施。" + VERBATIM + "不含序号。")
    answers_problem: int | None = Field(
        default=None,
        description="原文明确指出该措施针对哪个问题时，填该问题在 problems 中的序号（第一个问题为 1）；否则为 null。",
    )


class NarrativeOut(BaseModel):
    problems: list[ProblemOut] = Field(description="报告承认的存在问题，每个不同的问题一条。")
    improvements: list[ImprovementOut] = Field(description="改进情况、改进措施或下一步打算，每项措施一条。")


class PlatformOut(NamedPlatform):
    model_config = _prompt_descriptions(
        name="发布政府信息所用平台或渠道的名称，按原文照录。",
        kind="website：网站、门户网站、信息公开平台；new_media：微信公众号、微博、政务新媒体、客户端；"
        "bulletin_board：公开栏、公告栏、宣传栏；service_hall：便民服务中心、政务服务大厅、公开专区、查阅点；"
        "hotline：热线电话；other：其他。",
    )


class CountOut(Count):
    model_config = _prompt_descriptions(
        what="所计数的事项，按原文。", number="原文给出的数字。", unit="原文给出的单位。"
    )


class SubItemOut(OverviewFacts):
    model_config = _prompt_descriptions(
        counts="该小项中出现的数量。", channels="该小项提到的渠道或平台。", measures="该小项描述的主要措施，每条一句。"
    )

    counts: list[CountOut] = Field(default_factory=list)


class OverviewOut(BaseModel):
    publishing_platforms: list[PlatformOut] = Field(
        description="用于发布政府信息的平台和渠道，每个一条；不含监督投诉渠道，不含仅作为问题提到的平台。"
    )
    active_disclosure: SubItemOut | None = Field(default=None, description="主动公开小项。")
    requests: SubItemOut | None = Field(default=None, description="依申请公开小项。")
    information_management: SubItemOut | None = Field(default=None, description="政府信息管理小项。")
    platforms: SubItemOut | None = Field(default=None, description="政府信息公开平台建设小项。")
    supervision: SubItemOut | None = Field(default=None, description="监督保障小项（考核、评议、责任追究、培训）。")
    info_processing_fee: float | None = Field(
        default=None, description="“其他需要报告的事项”说明的信息处理费（元）；明确说未收取为 0；未提及为 null。"
    )
    info_processing_fee_text: str | None = Field(
        default=None, description="说明信息处理费的原句，" + VERBATIM + "未提及为 null。"
    )


_T2Row = Literal[tuple(TABLE2_ROW_LABELS)]  # type: ignore[valid-type]
_T3Row = Literal[tuple(TABLE3_ROW_LABELS)]  # type: ignore[valid-type]
_T4Block = Literal[TABLE4_BLOCKS]  # type: ignore[valid-type]
CELL_VALUES = "该行各列的数值，按表头从左到右；空白、“/”、“—”为 null。"
# Values are asked as floats (JSON "number"), whatever the cell: the model need not tell counts from amounts.
ModelNumber = float | None


class Table2RowOut(BaseModel):
    row: _T2Row = Field(  # type: ignore[valid-type]
        description="行：" + "；".join(f"{k}={v}" for k, v in TABLE2_ROW_LABELS.items())
    )
    values: list[ModelNumber] = Field(description=CELL_VALUES)


class Table2Out(BaseModel):
    format: Literal["2019", "2021"] = Field(
        description="2021：表头为本年制发件数、本年废止件数、现行有效件数；2019：本年新制作数量、本年新公开数量、对外公开总数量。"
    )
    rows: list[Table2RowOut]


class Table3RowOut(BaseModel):
    row: _T3Row = Field(  # type: ignore[valid-type]
        description="行：" + "；".join(f"{k}={v}" for k, v in TABLE3_ROW_LABELS.items())
    )
    values: list[ModelNumber] = Field(
        description="自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他、总计七列的数值；空白为 null。"
    )


class Table3Out(BaseModel):
    rows: list[Table3RowOut]


class Table4BlockOut(BaseModel):
    block: _T4Block = Field(
        description="review=行政复议；litigation_direct=未经复议直接起诉；litigation_after_review=复议后起诉"
    )
    values: list[ModelNumber] = Field(description="结果维持、结果纠正、其他结果、尚未审结、总计五列的数值。")


class Table4Out(BaseModel):
    blocks: list[Table4BlockOut]
