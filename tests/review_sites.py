"""Records and sites the review tests share: a report that breaks a rule in a known cell, and one whose every
field (file name included) carries markup."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from extractor.pipeline import extract_path
from extractor.rules import G1, R3_2
from extractor.schema import FailureRecord, Finding, Item, Platform, Report
from extractor.synthetic import generate
from extractor.types import Grounding

PAYLOAD = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"><b class="x">bold</b>&amp;'


def broken_report(folder: Path, rule: str = R3_2.id, seed: int = 101) -> tuple[Report, str]:
    """A 2021-format report breaking ``rule`` in one cell, extracted from a file in ``folder``; that cell's path."""
    doc = generate(seed, "tab", "2021", "2021", break_rule=rule)
    path = folder / f"broken_{rule}_{seed}.txt"
    path.write_text(doc.text, encoding="utf-8")
    report = extract_path(path, path.stem)
    assert isinstance(report, Report)
    return report, doc.values.broken[0][1]


def hostile_records(folder: Path) -> list[Report | FailureRecord]:
    """A report with markup in its file name, text, doc_id, organ, title, items, platform, an ungrounded model
    item, a model-filled cell, a corrected cell's note and a finding; and a failure record with markup."""
    doc = generate(7, "tab", "2021", "2021")
    path = folder / '<img src=x onerror="window.__pwned=3">.txt'
    path.write_text(f"{PAYLOAD}\n{doc.text}", encoding="utf-8")
    report = extract_path(path, "x")
    assert isinstance(report, Report) and report.table2 and report.problems
    table2 = {r: dict(cols) for r, cols in report.table2.items()}
    row = next(iter(table2.values()))
    col = next(iter(row))
    row[col] = {"value": 1, "raw": PAYLOAD, "span": None}
    table4 = {r: dict(cols) for r, cols in (report.table4 or {}).items()}
    table4.setdefault("review", {})["upheld"] = {
        "value": 2,
        "raw": "1",
        "span": None,
        "corrected": {"from": 1, "note": PAYLOAD},
    }
    report = report.model_copy(  # records are immutable: the hostile one is a changed copy
        update={
            "doc_id": PAYLOAD,
            "organ": PAYLOAD,
            "title": PAYLOAD,
            "problems": [report.problems[0].model_copy(update={"text": PAYLOAD}), *report.problems[1:]],
            "improvements": [*report.improvements, Item(text=PAYLOAD, span=None, grounding=Grounding.NONE)],
            "platforms": [*report.platforms, Platform(name=PAYLOAD, kind="other", span=None, grounding=Grounding.NONE)],
            "table2": table2,
            "table4": table4,
            "findings": [
                *report.findings,
                Finding(rule=G1.id, severity="warning", message=PAYLOAD, expected=PAYLOAD, found=PAYLOAD),
            ],
        }
    )
    failure = extract_path(folder / "missing.txt", PAYLOAD + "-failed")
    assert isinstance(failure, FailureRecord)
    failure = failure.model_copy(update={"error": failure.error.model_copy(update={"message": PAYLOAD})})
    return [report, failure]


def write_jsonl(path: Path, records: Sequence[Report | FailureRecord]) -> Path:
    path.write_text("".join(r.model_dump_json() + "\n" for r in records), encoding="utf-8")
    return path
