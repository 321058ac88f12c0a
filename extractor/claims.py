"""Numbers the prose states about the tables ("收到申请70件", "未发生行政复议"), read as sentences.

A claim names the cells it is about. Some sentences have two honest readings: "收到75件" may count the
applications carried over from last year as well (74 new + 1), so such a claim carries the alternative cells
too, and only a number no reading explains is a contradiction. Negations are read with their object:
"未发生因依申请公开被行政复议纠错" says no review corrected anything, not that there was no review.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .ingest import Document
from .sections import Section
from .spec import TABLE3_RESULT_ROWS_2021
from .types import Span

_STOP = r"[^。;\n]"
# Between 收到 and 申请: not about a review, lawsuit or complaint ("未收到行政复议申请"), not another clause.
_REQ_GAP = r"(?:(?!复议|诉讼|投诉|举报|其中)[^。;\n,])"
# A count that is not a part ("办结5件，其中予以公开3件": 3 is not the total).
_COUNT_GAP = r"(?:(?!其中)[^。;\n\d])"
# What a negated review/lawsuit is about when it is not the review itself: its outcome ("被行政复议纠错").
_OUTCOME = r"(?!\s*(?:案件)?(?:纠错|纠正|撤销|败诉|确认违法|被|结果))"
_DENIED = tuple(f"table3.{r}.total" for r in TABLE3_RESULT_ROWS_2021 if r.startswith("denied_"))
_NEW = ("table3.new_received.total",)
_NEW_AND_CARRIED = ("table3.new_received.total", "table3.carried_over.total")
_LITIGATION = ("table4.litigation_direct.total", "table4.litigation_after_review.total")


@dataclass(frozen=True, slots=True)
class _Kind:
    pattern: re.Pattern[str]
    what: str
    paths: tuple[str, ...]  # the cells whose sum the number is
    trigger: str  # a word the sentence must contain (a cheap test before the regex)
    alternatives: tuple[tuple[str, ...], ...] = ()  # other honest readings of the same words


_KINDS: tuple[_Kind, ...] = (
    _Kind(re.compile(rf"未(?:收到|接到|受理){_REQ_GAP}{{0,30}}?申请"), "no request received", _NEW, "申请"),
    _Kind(
        re.compile(rf"(?:收到|受理|接到){_REQ_GAP}{{0,24}}?申请{_COUNT_GAP}{{0,8}}?(\d+)\s*(?:件|个|条|宗|份)"),
        "requests received",
        _NEW,
        "申请",
        (_NEW_AND_CARRIED,),
    ),
    _Kind(
        re.compile(rf"新收{_REQ_GAP}{{0,24}}?申请{_COUNT_GAP}{{0,8}}?(\d+)\s*(?:件|个|条|宗|份)"),
        "new requests received",
        _NEW,
        "新收",
    ),
    _Kind(  # "全年办理政府信息公开申请1件": handled, or received (new, or with last year's)
        re.compile(rf"(?<!依)办理{_REQ_GAP}{{0,16}}?申请{_COUNT_GAP}{{0,8}}?(\d+)\s*(?:件|个|条)"),
        "requests handled",
        ("table3.results_total.total",),
        "办理",
        (_NEW, _NEW_AND_CARRIED),
    ),
    _Kind(
        re.compile(rf"(?:办结|已答复|答复办理|办理完毕){_COUNT_GAP}{{0,12}}?(\d+)\s*件"),
        "requests completed",
        ("table3.results_total.total",),
        "件",
    ),
    _Kind(
        re.compile(
            r"结转(?:至|到)?(?:下一?年度?|\d{4}年)[^。;\n\d]{0,12}?(\d+)\s*件|(\d+)\s*件(?:申请)?结转(?:至|到)?下一?年度"
        ),
        "requests carried forward",
        ("table3.carried_forward.total",),
        "结转",
    ),
    _Kind(
        re.compile(r"(?<!不)予以公开(?:[及和与、]部分公开)[^。;\n\d]{0,6}?(\d+)\s*件"),
        "requests granted in whole or in part",
        ("table3.granted.total", "table3.partially_granted.total"),
        "部分公开",
    ),
    _Kind(
        re.compile(r"(?<!不)予以公开(?![及和与、]部分公开)[^。;\n\d]{0,6}?(\d+)\s*件"),
        "requests granted",
        ("table3.granted.total",),
        "予以公开",
    ),
    _Kind(re.compile(r"不予公开[^。;\n\d]{0,6}?(\d+)\s*件"), "requests denied", _DENIED, "不予公开"),
    _Kind(
        re.compile(r"行政复议(?:案件|申请)?[^。;\n\d、]{0,8}?(\d+)\s*(?:件|起|宗)"),
        "administrative reviews",
        ("table4.review.total",),
        "行政复议",
    ),
    _Kind(
        re.compile(rf"(?:未|没有)(?:发生|收到|产生|出现|涉及)(?:(?!被){_STOP}){{0,12}}?行政复议{_OUTCOME}"),
        "no administrative review",
        ("table4.review.total",),
        "行政复议",
    ),
    _Kind(
        re.compile(r"行政诉讼(?:案件)?[^。;\n\d、]{0,8}?(\d+)\s*(?:件|起|宗)"),
        "administrative lawsuits",
        _LITIGATION,
        "行政诉讼",
    ),
    _Kind(
        re.compile(rf"(?:未|没有)(?:发生|收到|产生|出现|涉及)(?:(?!被){_STOP}){{0,16}}?行政诉讼{_OUTCOME}"),
        "no administrative lawsuit",
        _LITIGATION,
        "行政诉讼",
    ),
)
_NO_DOCUMENTS = re.compile(
    rf"(?:未|没有)(?:制发|制定|出台|发布|印发|新制发|新制定){_STOP}{{0,14}}?(?:规章|规范性文件)"
    rf"(?:{_STOP}{{0,6}}?(?:规章|规范性文件))?"
)


def claimed_cells() -> frozenset[str]:
    """Every cell a claim may name, in any of its readings (the rule registry lists them under N1)."""
    return frozenset(p for k in _KINDS for paths in (k.paths, *k.alternatives) for p in paths)


@dataclass(frozen=True, slots=True)
class Claim:
    """A number the text states (0 for a negation) about the sum of ``paths``."""

    what: str
    paths: tuple[str, ...]
    stated: int
    span: Span
    alternatives: tuple[tuple[str, ...], ...] = ()


def prose_regions(doc: Document, sections: dict[str, Section]) -> list[Span]:
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


def claims(doc: Document, sections: dict[str, Section], table2_format: str | None) -> Iterator[Claim]:
    """Every claim of the prose, in the order of the kinds above, then the 未制发规章/规范性文件 ones (their
    column depends on table 2's format: ``issued`` in 2021, ``made`` in 2019)."""
    norm = doc.norm
    doc_col = "issued" if table2_format == "2021" else "made"
    for start, end in prose_regions(doc, sections):
        for kind in _KINDS:
            if norm.find(kind.trigger, start, end) < 0:
                continue  # cheap test first: most reports state few of these
            for m in kind.pattern.finditer(norm, start, end):
                stated = int(next(g for g in m.groups() if g is not None)) if kind.pattern.groups else 0
                yield Claim(kind.what, kind.paths, stated, (m.start(), m.end()), kind.alternatives)
        if table2_format is None:
            continue
        for m in _NO_DOCUMENTS.finditer(norm, start, end):
            span = (m.start(), m.end())
            if "规章" in m.group():
                yield Claim("no regulations issued", (f"table2.regulations.{doc_col}",), 0, span)
            if "规范性文件" in m.group():
                yield Claim("no normative documents issued", (f"table2.normative_documents.{doc_col}",), 0, span)


def stated_table3(doc: Document, sections: dict[str, Section]) -> dict[str, int]:
    """Table-3 totals the prose states with one reading only (办结 N件, 结转 N件), "row.column" -> N; used to
    settle glued digit runs. A number stated twice differently is dropped."""
    out: dict[str, int] = {}
    dropped: set[str] = set()
    for claim in claims(doc, sections, None):
        if len(claim.paths) != 1 or claim.alternatives or not claim.paths[0].startswith("table3."):
            continue
        if claim.what not in ("requests completed", "requests carried forward"):
            continue
        key = claim.paths[0].removeprefix("table3.")
        if out.get(key, claim.stated) != claim.stated:
            dropped.add(key)
        out[key] = claim.stated
    return {k: v for k, v in out.items() if k not in dropped}
