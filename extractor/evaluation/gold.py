"""Gold labels: what a careful reader finds in a document, one JSON file per document in a gold set's folder
(evals/gold/ for the bundled documents, evals/real/gold/ for the real ones).

The format is this pydantic model (``extractor eval --gold-schema`` prints its JSON Schema, kept in
evals/gold/schema.json). Gold is written by reading the document, never by copying extractor output.
"""

from __future__ import annotations

import hashlib
import re
from fnmatch import fnmatchcase
from pathlib import Path

from pydantic import BaseModel, Field

from ..schema import Formats, NamedPlatform
from ..types import Table


class GoldCell(BaseModel):
    value: int | float | None = Field(description="The number printed; null for a blank, '/', '—', '-' or '无'.")
    raw: str = Field(description="The cell text as printed; empty for a blank cell.")


class GoldFee(BaseModel):
    value: int | float | None = Field(description="信息处理费 in 元; 0 when none was charged; null when not stated.")
    text: str | None = Field(default=None, description="The sentence stating it, verbatim.")


class GoldProseNumber(BaseModel):
    text: str = Field(description="The phrase stating the number, verbatim.")
    path: str = Field(
        description="The cell it corresponds to (table3.new_received.total), a sum of cells ('a + b'), or 'other'."
    )
    value: int | float


class GoldFinding(BaseModel):
    rule: str = Field(description="Rule id of SPEC §4 the document really violates (R3.1, N2, ...).")
    table: str | None = Field(
        default=None, description="The table the finding is about; null for document-level rules."
    )
    note: str = ""


class GoldPlatform(NamedPlatform):
    """A channel the report publishes through, once, with every name the report gives it."""

    aliases: list[str] = Field(
        default_factory=list,
        description="Other names the report uses for the same channel (the portal named in full in one place and "
        "short in another); a predicted name matching any of them matches this platform.",
    )


class Gold(BaseModel):
    """Everything true about one document that the extractor is scored on."""

    doc_id: str
    document: str = Field(description="Path of the document, relative to the gold file's folder.")
    sha256: str = Field(description="SHA-256 of the document's bytes: the labels are for exactly this file.")
    title: str | None = None
    organ: str | None = None
    year: int | None = None
    formats: Formats
    table2: Table[GoldCell] | None = None
    table3: Table[GoldCell] | None = None
    table4: Table[GoldCell] | None = None
    uncertain: list[str] = Field(
        default_factory=list,
        description="Cell paths the scorer skips ('table3.granted.total', or a pattern: 'table2.regulations.*'): "
        "labels the readers could not settle.",
    )
    problems: list[str] = Field(default_factory=list, description="One verbatim item per distinct problem.")
    improvements: list[str] = Field(default_factory=list, description="One verbatim item per distinct measure.")
    platforms: list[GoldPlatform] = Field(default_factory=list)
    info_processing_fee: GoldFee = Field(default_factory=lambda: GoldFee(value=None))
    prose_numbers: list[GoldProseNumber] = Field(default_factory=list)
    findings: list[GoldFinding] = Field(default_factory=list)
    notes: str = ""

    def table(self, name: str) -> Table[GoldCell] | None:
        return {"table2": self.table2, "table3": self.table3, "table4": self.table4}[name]

    def is_uncertain(self, path: str) -> bool:
        return any(fnmatchcase(path, pattern) for pattern in self.uncertain)

    def verbatim(self) -> list[tuple[str, str]]:
        """(field, text) of every label that must be a substring of the document."""
        out = [("problems", t) for t in self.problems] + [("improvements", t) for t in self.improvements]
        out += [("platforms", name) for p in self.platforms for name in (p.name, *p.aliases)]
        out += [("prose_numbers", n.text) for n in self.prose_numbers]
        if self.info_processing_fee.text:
            out.append(("info_processing_fee", self.info_processing_fee.text))
        return out


_SPACE = re.compile(r"\s+")


def check_gold(gold: Gold, text: str, data: bytes) -> list[str]:
    """Problems with a gold file against its document: wrong hash, labels that are not verbatim.

    ``text`` is what the readers make of the file. Labels are compared with whitespace removed on both
    sides: for an HTML page or a PDF the line breaks and spaces of that text change as the readers
    improve, while the words a reader labeled do not."""
    problems = []
    if hashlib.sha256(data).hexdigest() != gold.sha256:
        problems.append(f"{gold.doc_id}: the document changed since it was labeled (sha256 differs)")
    flat = _SPACE.sub("", text)
    for field, item in gold.verbatim():
        if _SPACE.sub("", item) not in flat:
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
