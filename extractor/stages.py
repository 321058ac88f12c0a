"""The typed value each stage of the pipeline returns, and the rule-based stages that make them.

A stage never edits another's output: the tables stage returns ``Tables``, the narrative stage
``Narrative``, the model stage ``ModelAdditions``; ``merge`` decides what the record keeps, ``validate``
checks it, and ``pipeline`` assembles the record once from these values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .channels import extract_platforms
from .claims import stated_table3
from .crosscheck import check_fee_stated, check_prose, check_sections
from .fee import extract_fee
from .ingest import Document
from .narrative import channels_region, extract_overview
from .organs import resolve_title
from .problems import extract_problems
from .rules import S3
from .schema import (
    Cell,
    CellRef,
    Fee,
    Finding,
    Formats,
    Item,
    Overview,
    OverviewFacts,
    Platform,
    PromptUse,
    Usage,
)
from .sections import Section, Title, find_title
from .tables import ParsedTable, TableProblem, parse_table2, parse_table3, parse_table4
from .types import Format, Table
from .validators import check_tables

TABLES = ("table2", "table3", "table4")
_PARSERS: dict[str, Callable[[Document, int, int], ParsedTable]] = {
    "table2": parse_table2,
    "table4": parse_table4,
}
_UNREAD = ParsedTable(None, None)


@dataclass(frozen=True)
class Tables:
    """What the parser read of the three tables: cells, formats, and the problems it met."""

    parsed: dict[str, ParsedTable]

    def data(self, table: str) -> Table[Cell] | None:
        return self.parsed[table].data

    @property
    def formats(self) -> Formats:
        """Table 4 is printed alike in both formats: it follows table 3's, when it was read."""
        t3 = self.parsed["table3"].format
        return Formats(
            table2=self.parsed["table2"].format, table3=t3, table4=t3 if self.data("table4") is not None else None
        )

    @property
    def empty(self) -> bool:
        return all(p.data is None for p in self.parsed.values())

    def findings(self) -> list[Finding]:
        return [_problem_finding(p) for parsed in self.parsed.values() for p in parsed.problems]


def read_tables(doc: Document, sections: dict[str, Section]) -> Tables:
    """Each table parsed from its own section; a table whose section is missing is not read."""
    parsed = {}
    for key in TABLES:
        sec = sections.get(key)
        if sec is None:
            parsed[key] = _UNREAD
        elif key == "table3":  # what the prose states may settle glued digit runs (crawler text)
            parsed[key] = parse_table3(doc, sec.body_start, sec.end, stated=lambda: stated_table3(doc, sections))
        else:
            parsed[key] = _PARSERS[key](doc, sec.body_start, sec.end)
    return Tables(parsed)


def _problem_finding(p: TableProblem) -> Finding:
    # A cell, or a whole row ("table3.granted": a refused or missing row), so exports can tell which.
    cells = [CellRef(path=p.path, value=None, span=None)] if p.path and p.path.count(".") in (1, 2) else []
    return Finding(rule=p.rule, severity=p.severity, message=p.message, cells=cells, span=p.span)


@dataclass(frozen=True)
class Narrative:
    """What the rules read of the prose: the title, the overview, section 五's items, platforms, the fee."""

    title: Title
    overview: Overview
    problems: list[Item]
    improvements: list[Item]
    platforms: list[Platform]
    fee: Fee | None


def read_narrative(doc: Document, sections: dict[str, Section]) -> Narrative:
    # the page's own title (an HTML page's <title>, its publisher) stands in where the text has none
    title = resolve_title(find_title(doc, min((s.start for s in sections.values()), default=0)), doc.meta)
    overview = extract_overview(doc, sections.get("overview"))
    problems, improvements = extract_problems(doc, sections.get("problems_and_improvements"))
    platforms = extract_platforms(doc, channels_region(doc, sections, title.year))
    fee = extract_fee(doc, sections.get("other_matters"))
    return Narrative(title, overview, problems, improvements, platforms, fee)


@dataclass(frozen=True)
class ModelAdditions:
    """What the model stage adds. ``None`` for a part it was not asked (its section is missing): the rules'
    reading stands. ``tables`` holds only the tables the model filled, with the format it read."""

    problems: list[Item] | None = None
    improvements: list[Item] | None = None
    platforms: list[Platform] | None = None
    facts: dict[str, OverviewFacts] = field(default_factory=dict)  # overview sub-item -> facts
    fee: Fee | None = None  # only where the rules found no fee statement
    tables: dict[str, tuple[Table[Cell], Format]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    prompts: dict[str, PromptUse] = field(default_factory=dict)
    usage: Usage = field(default_factory=Usage)


@dataclass(frozen=True)
class Content:
    """What the record holds: the parse and the rules' narrative, with the model's additions merged in."""

    tables: dict[str, Table[Cell] | None]
    formats: Formats
    overview: Overview
    problems: list[Item]
    improvements: list[Item]
    platforms: list[Platform]
    fee: Fee | None


def merge(tables: Tables, narrative: Narrative, model: ModelAdditions | None) -> Content:
    """The model's answer replaces the rules' where it was asked; a table it filled replaces the parse's
    (and its format the parse's); overview facts are attached to the sub-items the rules found."""
    data = {t: tables.data(t) for t in TABLES}
    formats = tables.formats
    if model is None:
        n = narrative
        return Content(data, formats, n.overview, n.problems, n.improvements, n.platforms, n.fee)
    overview = narrative.overview
    facts = {k: v for k, v in model.facts.items() if getattr(overview, k) is not None}
    if facts:
        overview = overview.model_copy(
            update={k: getattr(overview, k).model_copy(update={"facts": v}) for k, v in facts.items()}
        )
    if model.tables:
        data.update({t: cells for t, (cells, _) in model.tables.items()})
        formats = formats.model_copy(update={t: fmt for t, (_, fmt) in model.tables.items()})
    return Content(
        data,
        formats,
        overview,
        narrative.problems if model.problems is None else model.problems,
        narrative.improvements if model.improvements is None else model.improvements,
        narrative.platforms if model.platforms is None else model.platforms,
        narrative.fee if model.fee is None else model.fee,
    )


def validate(doc: Document, sections: dict[str, Section], content: Content) -> list[Finding]:
    """The document rules on what the record holds: table arithmetic, prose vs cells, the fee statement,
    the six sections, and bytes the decoder had to replace."""
    t = content.tables
    other = sections.get("other_matters")
    return [
        *check_tables(t["table2"], t["table3"], t["table4"], content.formats),
        *check_prose(doc, sections, t, content.formats),
        *check_fee_stated((other.start, other.end) if other else None, content.fee, content.formats),
        *check_sections(sections),
        *replaced_bytes(doc),
    ]


def replaced_bytes(doc: Document) -> list[Finding]:
    """S3: bytes invalid in the file's encoding were decoded as U+FFFD; say where, so a reader can look."""
    if not doc.replaced:
        return []
    at = doc.text.find("\ufffd")
    offsets = ", ".join(str(o) for o in doc.replaced)
    return [
        Finding(
            rule=S3.id,
            severity="warning",
            message=f"{len(doc.replaced)} invalid {doc.encoding} byte sequence(s) replaced with U+FFFD "
            f"(byte offsets {offsets}); check the file's copy",
            span=(at, at + 1) if at >= 0 else None,
        )
    ]
