"""Warnings that compare the prose with the tables (N1), check section 六 states the fee (N2), and that
all six sections are there (S1). The prose may legitimately speak of something else: warnings, not errors."""

from __future__ import annotations

import re

from .ingest import Document
from .rules import N1, N2, S1
from .schema import Cell, CellRef, Fee, Finding, Formats
from .sections import Section
from .spec import SECTION_KEYS, TABLE3_RESULT_ROWS_2021
from .types import Span, Table

_STOP = r"[^。;\n]"
# Between 收到 and 申请: not about a review, lawsuit or complaint ("未收到行政复议申请"), not another clause.
_REQ_GAP = r"(?:(?!复议|诉讼|投诉|举报|其中)[^。;\n,])"
# A count that is not a part ("办结5件，其中予以公开3件": 3 is not the total).
_COUNT_GAP = r"(?:(?!其中)[^。;\n\d])"
_DENIED = tuple(f"table3.{r}.total" for r in TABLE3_RESULT_ROWS_2021 if r.startswith("denied_"))
# (pattern, what it states, cells it names, a word it needs). A pattern with a group states that number;
# without, 0.
CLAIMS: tuple[tuple[re.Pattern[str], str, tuple[str, ...], str], ...] = (
    (
        re.compile(rf"未(?:收到|接到|受理){_REQ_GAP}{{0,30}}?申请"),
        "no request received",
        ("table3.new_received.total",),
        "申请",
    ),
    (
        re.compile(rf"(?:收到|受理|新收|接到){_REQ_GAP}{{0,24}}?申请{_COUNT_GAP}{{0,8}}?(\d+)\s*(?:件|个|条|宗|份)"),
        "requests received",
        ("table3.new_received.total",),
        "申请",
    ),
    (
        re.compile(rf"(?:办结|已答复|答复办理|办理完毕){_COUNT_GAP}{{0,12}}?(\d+)\s*件"),
        "requests completed",
        ("table3.results_total.total",),
        "件",
    ),
    (
        re.compile(r"结转(?:至|到)?下一?年度?[^。;\n\d]{0,12}?(\d+)\s*件"),
        "requests carried forward",
        ("table3.carried_forward.total",),
        "结转",
    ),
    (
        re.compile(r"(?<!不)予以公开[^。;\n\d]{0,6}?(\d+)\s*件"),
        "requests granted",
        ("table3.granted.total",),
        "予以公开",
    ),
    (re.compile(r"不予公开[^。;\n\d]{0,6}?(\d+)\s*件"), "requests denied", _DENIED, "不予公开"),
    (
        re.compile(r"行政复议(?:案件|申请)?[^。;\n\d、]{0,8}?(\d+)\s*(?:件|起|宗)"),
        "administrative reviews",
        ("table4.review.total",),
        "行政复议",
    ),
    (
        re.compile(rf"(?:未|没有)(?:发生|收到|产生|出现|涉及){_STOP}{{0,12}}?行政复议"),
        "no administrative review",
        ("table4.review.total",),
        "行政复议",
    ),
    (
        re.compile(r"行政诉讼(?:案件)?[^。;\n\d、]{0,8}?(\d+)\s*(?:件|起|宗)"),
        "administrative lawsuits",
        ("table4.litigation_direct.total", "table4.litigation_after_review.total"),
        "行政诉讼",
    ),
    (
        re.compile(rf"(?:未|没有)(?:发生|收到|产生|出现|涉及){_STOP}{{0,16}}?行政诉讼"),
        "no administrative lawsuit",
        ("table4.litigation_direct.total", "table4.litigation_after_review.total"),
        "行政诉讼",
    ),
)
_NO_DOCUMENTS = re.compile(
    rf"(?:未|没有)(?:制发|制定|出台|发布|印发|新制发|新制定){_STOP}{{0,14}}?(?:规章|规范性文件)"
    rf"(?:{_STOP}{{0,6}}?(?:规章|规范性文件))?"
)


def _lookup(tables: dict[str, Table[Cell] | None], path: str) -> Cell | None:
    table, row, col = path.split(".")
    data = tables.get(table)
    return data.get(row, {}).get(col) if data else None


def _prose_regions(doc: Document, sections: dict[str, Section]) -> list[Span]:
    """Everything but the three tables."""
    cuts = sorted((s.start, s.end) for k, s in sections.items() if k in ("table2", "table3", "table4"))
    regions, pos = [], 0
    for s, e in cuts:
        if s > pos:
            regions.append((pos, s))
        pos = max(pos, e)
    if pos < len(doc.norm):
        regions.append((pos, len(doc.norm)))
    return regions


def check_prose(
    doc: Document, sections: dict[str, Section], tables: dict[str, Table[Cell] | None], formats: Formats
) -> list[Finding]:
    """N1: numbers the prose states vs the cells they correspond to."""
    findings: list[Finding] = []
    seen: set[tuple[tuple[str, ...], int]] = set()  # one warning per distinct claim

    def compare(paths: tuple[str, ...], stated: int, what: str, span: Span) -> None:
        cells = [_lookup(tables, p) for p in paths]
        if any(c is None or c["value"] is None for c in cells) or (paths, stated) in seen:
            return
        found = sum(c["value"] for c in cells if c is not None and c["value"] is not None)
        seen.add((paths, stated))
        if abs(found - stated) > 1e-9:
            findings.append(
                Finding(
                    rule=N1.id,
                    severity="warning",
                    message=f"the text says {what}: {stated}, but {' + '.join(paths)} = {found:g}",
                    cells=[
                        CellRef(path=p, value=c["value"] if c else None, span=c["span"] if c else None)
                        for p, c in zip(paths, cells, strict=True)
                    ],
                    expected=stated,
                    found=found,
                    span=span,
                )
            )

    doc_col = "issued" if formats.table2 == "2021" else "made"
    for start, end in _prose_regions(doc, sections):
        for pattern, what, paths, trigger in CLAIMS:
            if doc.norm.find(trigger, start, end) < 0:
                continue  # cheap test first: most reports state few of these
            for m in pattern.finditer(doc.norm, start, end):
                stated = int(m.group(1)) if pattern.groups else 0
                compare(paths, stated, what, (m.start(), m.end()))
        if formats.table2 is not None:
            for m in _NO_DOCUMENTS.finditer(doc.norm, start, end):
                if "规章" in m.group():
                    compare((f"table2.regulations.{doc_col}",), 0, "no regulations issued", (m.start(), m.end()))
                if "规范性文件" in m.group():
                    compare(
                        (f"table2.normative_documents.{doc_col}",),
                        0,
                        "no normative documents issued",
                        (m.start(), m.end()),
                    )
    return findings


def check_fee_stated(other_span: Span | None, fee: Fee | None, formats: Formats) -> list[Finding]:
    """N2: the 2021 format asks section 六 (``other_span``) to state the 信息处理费 charged."""
    if fee is not None or "2021" not in (formats.table2, formats.table3):
        return []
    return [
        Finding(
            rule=N2.id,
            severity="warning",
            message="section 六 does not state the 信息处理费 charged (required by the 2021 format)",
            span=other_span,
        )
    ]


def check_sections(sections: dict[str, Section]) -> list[Finding]:
    """S1: every one of the six sections is there (recovered ones count, with their inferred start)."""
    return [
        Finding(rule=S1.id, severity="warning", message=f"section '{key}' was not found (no heading, no content)")
        for key in SECTION_KEYS
        if key not in sections
    ]
