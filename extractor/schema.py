"""What we emit: one ``Report`` per document (or a ``FailureRecord``), keyed by SPEC's vocabulary.

Descriptions are part of the contract (and, for the model-filled parts, of the prompt): they say what a
value means, never give example values.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Literal, NotRequired

from pydantic import BaseModel, ConfigDict, Field
from typing_extensions import TypedDict

from .rules import X1
from .types import Format, Grounding, PlatformKind, Severity, Span, Table

__all__ = [
    "Cell",
    "CellCorrection",
    "CellRef",
    "Count",
    "CrossYearFinding",
    "ErrorInfo",
    "FailureRecord",
    "Fee",
    "Finding",
    "Format",
    "Formats",
    "Grounding",
    "Item",
    "Level",
    "NamedPlatform",
    "Overview",
    "OverviewFacts",
    "OverviewItem",
    "Platform",
    "PlatformKind",
    "PromptUse",
    "Provenance",
    "Publication",
    "Record",
    "Report",
    "SectionInfo",
    "Severity",
    "Source",
    "Span",
    "Table",
    "Usage",
    "YearCellRef",
]

Level = Literal["province", "city", "county", "township", "department"]

SPAN_DESCRIPTION = "[start, end) character offsets into the decoded document text: text[start:end] shows it."


CellCorrection = TypedDict(
    "CellCorrection",
    {
        "from": Annotated[int | float | None, Field(description="The value before the correction (as extracted).")],
        "note": Annotated[str, Field(description="Why it was corrected, as the person wrote it; may be empty.")],
    },
)


# A TypedDict rather than a model: a report has 200+ cells, and validating them as dicts is 3x cheaper
# (72 vs 202 µs for table 3), most of the per-document budget. Its docstring is the schema's description.
class Cell(TypedDict):
    """One table cell as printed: blank is not zero."""

    value: Annotated[
        int | float | None,
        Field(description="The number printed in the cell; null when it is blank or printed '/', '—', '-' or '无'."),
    ]
    raw: Annotated[str, Field(description="The cell text exactly as printed; empty string for a blank cell.")]
    span: Annotated[
        Span | None, Field(description=SPAN_DESCRIPTION + " Null for a cell filled by the model (not located).")
    ]
    unit: NotRequired[
        Annotated[str, Field(description="Unit of an amount cell (万元 or 元) when the column or the cell states one.")]
    ]
    corrected: NotRequired[
        Annotated[
            CellCorrection,
            Field(
                description="Present when a person corrected the value (extractor correct); raw and span still show "
                "what the document printed."
            ),
        ]
    ]
    confidence: NotRequired[
        Annotated[
            float,
            Field(
                description="OCR confidence (0-1) of the cell's least certain character, present only when the cell "
                "was read from a page image and that confidence is low: check the value on the page."
            ),
        ]
    ]


class _Record(BaseModel):
    """What we emit is immutable once assembled: a stage returns new values, it never edits a record."""

    model_config = ConfigDict(frozen=True)


class OcrPageInfo(_Record):
    page: int = Field(description="Page number, from 1.")
    size: tuple[int, int] = Field(description="Width and height in pixels of the page image the boxes are on.")
    dpi: int = Field(description="Resolution the page image was read at.")
    angle: float = Field(
        description="Degrees the scan was turned (counter-clockwise, about its centre) to straighten it; the boxes "
        "are on the straightened image."
    )
    boxes: list[tuple[int, int, int, int, int, int, int]] = Field(
        description="[start, end, x0, y0, x1, y1, confidence in percent] for each piece of text read: text[start:end] "
        "was read inside that box. Ordered by start, so a span's region is found by bisecting."
    )


class OcrInfo(_Record):
    engine: str = Field(description="The OCR engine and models.")
    pages: list[OcrPageInfo]


class Source(_Record):
    path: str = Field(description="Path of the input file as given on the command line.")
    sha256: str | None = Field(default=None, description="SHA-256 of the file's bytes.")
    encoding: str | None = Field(
        default=None,
        description="Encoding the bytes were decoded with; html/<charset>, pdf or docx for converted files, "
        "pdf+ocr for a PDF with pages read by OCR, ocr for an image.",
    )
    chars: int | None = Field(default=None, description="Length of the decoded text in characters.")
    bytes: int | None = Field(default=None, description="Size of the file in bytes.")
    pages: list[Span] | None = Field(
        default=None,
        description="PDF or scan: [start, end) of each page in the text spans index (page n is pages[n-1]).",
    )
    ocr: OcrInfo | None = Field(default=None, description="Pages read by OCR: where each piece of the text was read.")


class Formats(_Record):
    table2: Format | None = Field(default=None, description="Format of table 2, told from its column headers.")
    table3: Format | None = Field(
        default=None, description="Format of table 3, told from its result rows ((六)其他处理 split in three: 2021)."
    )
    table4: Format | None = Field(
        default=None, description="Table 4 is printed alike in both formats; it follows table 3's format."
    )


class SectionInfo(_Record):
    heading: str | None = Field(description="The heading as printed; null when the section was recovered from content.")
    span: Span = Field(description="Span of the whole section, heading included. " + SPAN_DESCRIPTION)
    recovered: bool = Field(default=False, description="True when no heading was found and the start was inferred.")


class Count(_Record):
    what: str = Field(description="What is counted, as the text says it.")
    number: float = Field(description="The number stated.")
    unit: str | None = Field(default=None, description="The unit stated (件, 条, 次, ...).")


class OverviewFacts(_Record):
    counts: Sequence[Count] = Field(default_factory=list, description="Counts the sub-item states.")
    channels: list[str] = Field(default_factory=list, description="Channels or platforms it names.")
    measures: list[str] = Field(default_factory=list, description="Measures or practices it describes, briefly.")


class OverviewItem(_Record):
    heading: str | None = Field(description="The sub-item heading as printed, if the report has one.")
    text: str = Field(description="The sub-item's text, verbatim.")
    span: Span = Field(description=SPAN_DESCRIPTION)
    facts: OverviewFacts | None = Field(default=None, description="Short structured facts (model backend only).")


class Overview(_Record):
    active_disclosure: OverviewItem | None = Field(default=None, description="主动公开 sub-item.")
    requests: OverviewItem | None = Field(default=None, description="依申请公开 sub-item.")
    information_management: OverviewItem | None = Field(default=None, description="政府信息管理 sub-item.")
    platforms: OverviewItem | None = Field(default=None, description="政府信息公开平台建设 sub-item.")
    supervision: OverviewItem | None = Field(
        default=None, description="监督保障 sub-item (考核, 社会评议, 责任追究, 培训)."
    )


GROUNDING_DESCRIPTION = (
    "How the text was found in the source: exact, fuzzy (aligned; text is then the source's), or none "
    "(not found: the item is kept but flagged)."
)


class Item(_Record):
    text: str = Field(description="One problem or one improvement measure, verbatim from the source.")
    span: Span | None = Field(description=SPAN_DESCRIPTION)
    grounding: Grounding = Field(default=Grounding.EXACT, description=GROUNDING_DESCRIPTION)
    answers: int | None = Field(
        default=None, description="For an improvement: index of the problem it answers, when the text says so."
    )


class NamedPlatform(_Record):
    """A publishing platform as the report names it (what the gold labels and the model returns)."""

    name: str = Field(description="The platform's name as written in the report.")
    kind: PlatformKind = Field(description="What kind of channel it is.")


class Platform(NamedPlatform):
    """A platform located in the source."""

    span: Span | None = Field(description=SPAN_DESCRIPTION)
    grounding: Grounding = Field(default=Grounding.EXACT, description=GROUNDING_DESCRIPTION)


class Fee(_Record):
    value: float | int | None = Field(description="The 信息处理费 charged this year; 0 when the report says none.")
    unit: str = Field(default="元", description="Unit of value.")
    text: str = Field(description="The sentence stating it, verbatim.")
    span: Span = Field(description=SPAN_DESCRIPTION)


class CellRef(_Record):
    path: str = Field(description="Dotted path of the cell, e.g. table.row.column.")
    value: int | float | None = Field(description="The cell's value (null when blank or not found).")
    span: Span | None = Field(description=SPAN_DESCRIPTION)


class Finding(_Record):
    rule: str = Field(
        description="Rule id: SPEC §4's (R3.1 … S1), a parse rule (S2) or a model check (G1, L1–L3); "
        "'extractor rules' lists them all."
    )
    severity: Severity
    message: str = Field(description="What is wrong, in plain words.")
    cells: list[CellRef] = Field(default_factory=list, description="The cells involved.")
    expected: int | float | str | None = Field(default=None, description="What the rule expects.")
    found: int | float | str | None = Field(default=None, description="What the document has.")
    span: Span | None = Field(default=None, description="Prose or section evidence. " + SPAN_DESCRIPTION)


def severity_by_cell(findings: list[Finding]) -> dict[str, str]:
    """Cell path -> severity of the worst finding that names it (what a reader highlights)."""
    worst: dict[str, str] = {}
    for f in findings:
        for ref in f.cells:
            if worst.get(ref.path) != "error":
                worst[ref.path] = f.severity
    return worst


class PromptUse(_Record):
    version: str = Field(description="The prompt file's version line.")
    template_sha256: str = Field(description="SHA-256 of the prompt file.")
    rendered_sha256: list[str] = Field(default_factory=list, description="SHA-256 of each rendered prompt sent.")
    schema_sha256: str = Field(description="SHA-256 of the response schema's JSON Schema.")


class Usage(_Record):
    calls: int = Field(default=0, description="Model calls made (re-asks inside a call not counted).")
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = Field(default=0, description="All tokens: re-asks, retries and abandoned answers included.")
    cached: int = Field(default=0, description="Answers taken from the response cache (no call made).")
    attempts: int = Field(default=0, description="Requests sent: first tries, transport retries, re-asks.")
    re_asks: int = Field(default=0, description="Invalid answers asked again (the reasons are in the log).")
    timeouts: int = Field(default=0, description="Answers abandoned at the timeout (not asked again).")
    estimated_tokens: int = Field(
        default=0, description="Of total_tokens, those estimated: abandoned answers (prompt by size, the token cap)."
    )
    batched: int = Field(default=0, description="Answers collected from a provider batch (--via batch-api).")
    cost: float | None = Field(
        default=None, description="Estimated cost from the price table; null when the model has no price."
    )
    currency: str | None = Field(default=None, description="The price table's currency for cost.")


class Provenance(_Record):
    extractor: str = "extractor"
    version: str
    backend: str = Field(description="rules: the deterministic core, no model; llm: a model added the narrative.")
    model: str | None = Field(default=None, description="Model name (llm backend).")
    mode: str | None = Field(default=None, description="instructor mode (tools, json, json_schema).")
    prompts: dict[str, PromptUse] = Field(default_factory=dict, description="Prompt files used, by task.")
    usage: Usage | None = Field(default=None, description="Model calls and tokens for this document.")
    config: str | None = Field(
        default=None, description="The run's configuration (version, backend, model, prompts); resume keys on it."
    )
    timings_ms: dict[str, float] = Field(default_factory=dict, description="Wall time per stage in milliseconds.")


class Publication(_Record):
    """What the saved page says about itself (HTML ``<meta>`` tags, else its printed 来源/时间 line)."""

    title: str | None = Field(default=None, description="The page's article title (ArticleTitle, title element).")
    published: str | None = Field(default=None, description="Publication date as the page states it, YYYY-MM-DD.")
    source: str | None = Field(default=None, description="The publisher the page names (ContentSource, 来源).")
    url: str | None = Field(default=None, description="The page's own address (Url, og:url, canonical link).")


class Report(_Record):
    """One extracted 政府信息公开工作年度报告."""

    doc_id: str = Field(description="The file name's stem, made unique within a run.")
    source: Source
    title: str | None = None
    organ: str | None = Field(default=None, description="The reporting body, as printed in the title.")
    year: int | None = Field(default=None, description="The year reported on.")
    organ_key: str | None = Field(
        default=None, description="The organ's name normalised for grouping (extractor/organs.py); null if unknown."
    )
    level: Level | None = Field(default=None, description="Administrative level, when the organ's name states it.")
    publication: Publication | None = Field(default=None, description="Page metadata, when the input has it.")
    format: Formats
    sections: dict[str, SectionInfo] = Field(default_factory=dict, description="The six sections found.")
    table2: Table[Cell] | None = Field(default=None, description="主动公开政府信息情况: row key -> column key -> cell.")
    table3: Table[Cell] | None = Field(
        default=None, description="收到和处理政府信息公开申请情况: row -> column -> cell."
    )
    table4: Table[Cell] | None = Field(default=None, description="行政复议、行政诉讼: block -> column -> cell.")
    overview: Overview = Field(default_factory=Overview)
    problems: list[Item] = Field(default_factory=list)
    improvements: list[Item] = Field(default_factory=list)
    platforms: list[Platform] = Field(default_factory=list)
    info_processing_fee: Fee | None = None
    findings: list[Finding] = Field(default_factory=list)
    provenance: Provenance
    pre_2019: bool = Field(
        default=False,
        description="True for a report in the format used before 2019 (no standard tables 2-4): its tables are "
        "null by design, not missing.",
    )
    needs_model: list[str] = Field(
        default_factory=list,
        description="Narrative parts the rules read with low confidence (problems, improvements, platforms, "
        "info_processing_fee): a model can be asked for just these.",
    )


class ErrorInfo(_Record):
    type: str = Field(description="Error class name.")
    message: str = Field(description="What went wrong and how to fix it.")
    retry: bool = Field(
        default=False,
        description="True when a re-run may succeed (the model endpoint failed, the file could not be opened, an "
        "internal error): re-running the same command tries the document again and its new record supersedes "
        "this one. False for a problem of the file itself, which a re-run does not try again.",
    )


class FailureRecord(_Record):
    """Written in place of a Report when a document cannot be extracted; the batch goes on."""

    doc_id: str
    source: Source
    error: ErrorInfo
    config: str | None = Field(default=None, description="The run's configuration, as in Provenance.config.")
    usage: Usage | None = Field(default=None, description="Model calls, tokens and cost spent before the failure.")


Record = Report | FailureRecord


class YearCellRef(_Record):
    doc_id: str = Field(description="The record the cell is in.")
    year: int | None = Field(description="That record's year.")
    path: str = Field(description="Dotted path of the cell, e.g. table3.carried_over.total.")
    value: int | float | None = Field(description="The cell's value (null when blank or not found).")
    span: Span | None = Field(description=SPAN_DESCRIPTION + " In that record's text.")


class CrossYearFinding(_Record):
    """A check across two records of one organ (SPEC X1): always a warning, as bodies restate figures."""

    rule: str = Field(default=X1.id, description="X1: across years of one body.")
    severity: Severity = "warning"
    organ_key: str = Field(description="The organ both records belong to.")
    doc_ids: list[str] = Field(description="The records compared, earlier year first.")
    years: list[int] = Field(description="Their years.")
    message: str = Field(description="What does not line up, in plain words.")
    cells: list[YearCellRef] = Field(default_factory=list, description="The cells compared, in both records.")
    expected: int | float | None = Field(default=None, description="What last year's figures imply.")
    found: int | float | None = Field(default=None, description="What this year's record has.")
