"""Gold labels: what a careful reader finds in a document, one JSON file per document in evals/gold/.

The format is this pydantic model (``extractor eval --gold-schema`` prints its JSON Schema, kept in
evals/gold/schema.json). Gold is written by reading the document, never by copying extractor output.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from pydantic import BaseModel, Field

from ..schema import Formats, PlatformKind


class GoldCell(BaseModel):
    value: int | float | None = Field(description="The number printed; null for a blank, '/', '—', '-' or '无'.")
    raw: str = Field(description="The cell text as printed; empty for a blank cell.")


GoldTable = dict[str, dict[str, GoldCell]]


class GoldPlatform(BaseModel):
    name: str = Field(description="The platform's name, verbatim.")
    kind: PlatformKind


class GoldFee(BaseModel):
    value: int | float | None = Field(description="信息处理费 in 元; 0 when none was charged; null when not stated.")
    text: str | None = Field(default=None, description="The sentence stating it, verbatim.")


class GoldProseNumber(BaseModel):
    text: str = Field(description="The phrase stating the number, verbatim.")
    path: str = Field(description="The cell it corresponds to, e.g. table3.new_received.total, or 'other'.")
    value: int | float


class GoldFinding(BaseModel):
    rule: str = Field(description="Rule id of SPEC §4 the document really violates (R3.1, N2, ...).")
    table: str | None = Field(
        default=None, description="The table the finding is about; null for document-level rules."
    )
    note: str = ""


class Gold(BaseModel):
    """Everything true about one document that the extractor is scored on."""

    doc_id: str
    document: str = Field(description="Path of the document, relative to the gold file's folder.")
    sha256: str = Field(description="SHA-256 of the document's bytes: the labels are for exactly this file.")
    title: str | None = None
    organ: str | None = None
    year: int | None = None
    formats: Formats
    table2: GoldTable | None = None
    table3: GoldTable | None = None
    table4: GoldTable | None = None
    problems: list[str] = Field(default_factory=list, description="One verbatim item per distinct problem.")
    improvements: list[str] = Field(default_factory=list, description="One verbatim item per distinct measure.")
    platforms: list[GoldPlatform] = Field(default_factory=list)
    info_processing_fee: GoldFee = Field(default_factory=lambda: GoldFee(value=None))
    prose_numbers: list[GoldProseNumber] = Field(default_factory=list)
    findings: list[GoldFinding] = Field(default_factory=list)
    notes: str = ""

    def table(self, name: str) -> GoldTable | None:
        return {"table2": self.table2, "table3": self.table3, "table4": self.table4}[name]

    def verbatim(self) -> list[tuple[str, str]]:
        """(field, text) of every label that must be a substring of the document."""
        out = [("problems", t) for t in self.problems] + [("improvements", t) for t in self.improvements]
        out += [("platforms", p.name) for p in self.platforms] + [("prose_numbers", n.text) for n in self.prose_numbers]
        if self.info_processing_fee.text:
            out.append(("info_processing_fee", self.info_processing_fee.text))
        return out


def check_gold(gold: Gold, text: str, data: bytes) -> list[str]:
    """Problems with a gold file against its document: wrong hash, labels that are not verbatim."""
    problems = []
    if hashlib.sha256(data).hexdigest() != gold.sha256:
        problems.append(f"{gold.doc_id}: the document changed since it was labeled (sha256 differs)")
    for field, item in gold.verbatim():
        if item not in text:
            problems.append(f"{gold.doc_id}: {field} item is not in the document: {item[:40]!r}")
    return problems


def load_gold(folder: Path) -> list[tuple[Gold, Path]]:
    """Every gold file in ``folder`` (schema.json excluded), with the path of its document."""
    out = []
    for path in sorted(folder.glob("*.json")):
        if path.name == "schema.json":
            continue
        gold = Gold.model_validate_json(path.read_text(encoding="utf-8"))
        out.append((gold, (folder / gold.document).resolve()))
    return out
