"""Warnings that compare the prose with the tables (N1), check section 六 states the fee (N2), and that
all six sections are there (S1). The prose may legitimately speak of something else: warnings, not errors."""

from __future__ import annotations

from .claims import Claim, claims
from .ingest import Document
from .rules import N1, N2, S1
from .schema import Cell, CellRef, Fee, Finding, Formats
from .sections import Section
from .spec import SECTION_KEYS
from .types import Span, Table


def _lookup(tables: dict[str, Table[Cell] | None], path: str) -> Cell | None:
    table, row, col = path.split(".")
    data = tables.get(table)
    return data.get(row, {}).get(col) if data else None


def _sum(tables: dict[str, Table[Cell] | None], paths: tuple[str, ...]) -> float | None:
    """The sum of the cells, None when one is missing or blank (nothing to compare)."""
    cells = [_lookup(tables, p) for p in paths]
    if any(c is None or c["value"] is None for c in cells):
        return None
    return sum(c["value"] for c in cells if c is not None and c["value"] is not None)


def _finding(
    claim: Claim, tables: dict[str, Table[Cell] | None], found: float, others: list[tuple[tuple[str, ...], float]]
) -> Finding:
    """``others``: the other readings the sentence allows, with their sums; none of them matched either."""
    cells = [_lookup(tables, p) for p in claim.paths]
    nor = "".join(f"; read as {' + '.join(paths)}, {value:g}" for paths, value in others)
    return Finding(
        rule=N1.id,
        severity="warning",
        message=f"the text says {claim.what}: {claim.stated}, but {' + '.join(claim.paths)} = {found:g}{nor}",
        cells=[
            CellRef(path=p, value=c["value"] if c else None, span=c["span"] if c else None)
            for p, c in zip(claim.paths, cells, strict=True)
        ],
        expected=claim.stated,
        found=found,
        span=claim.span,
    )


def check_prose(
    doc: Document, sections: dict[str, Section], tables: dict[str, Table[Cell] | None], formats: Formats
) -> list[Finding]:
    """N1: numbers the prose states vs the cells they correspond to. A claim that one honest reading of its
    sentence explains (see ``claims``) is not a contradiction."""
    findings: list[Finding] = []
    seen: set[tuple[tuple[str, ...], int]] = set()  # one warning per distinct claim
    for claim in claims(doc, sections, formats.table2):
        found = _sum(tables, claim.paths)
        if found is None or (claim.paths, claim.stated) in seen:
            continue
        seen.add((claim.paths, claim.stated))
        if abs(found - claim.stated) < 1e-9:
            continue
        others = [(alt, r) for alt in claim.alternatives if (r := _sum(tables, alt)) is not None]
        if any(abs(r - claim.stated) < 1e-9 for _, r in others):
            continue
        findings.append(_finding(claim, tables, found, others))
    return findings


def fee_statement_missing(fee: Fee | None, formats: Formats) -> bool:
    """The 2021 format asks section 六 to state the 信息处理费 charged, and no fee was read."""
    return fee is None and "2021" in (formats.table2, formats.table3)


def check_fee_stated(other_span: Span | None, fee: Fee | None, formats: Formats) -> list[Finding]:
    """N2: the 2021 format asks section 六 (``other_span``) to state the 信息处理费 charged."""
    if not fee_statement_missing(fee, formats):
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
