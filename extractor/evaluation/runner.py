"""Run the extractor over a dataset of cases and score it: the bundled gold set, or N synthetic reports
whose gold comes from the values they were drawn from."""

from __future__ import annotations

import hashlib
import random
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from .. import __version__
from ..errors import UsageError
from ..ingest import Document, load
from ..pipeline import extract_document
from ..schema import Formats, Overview, Provenance, Report, Source
from ..synthetic import LAYOUTS, RULES, SyntheticDoc, generate
from ..synthetic.values import violations

if TYPE_CHECKING:
    from ..llm.extract import ModelStage
from .evaluators import DEFAULT_EVALUATORS, Case, Evaluator, Scores
from .gold import Gold, GoldCell, GoldFee, GoldFinding, GoldPlatform, check_gold, load_gold


class CaseResult(BaseModel):
    name: str
    group: str
    scores: dict[str, float]
    misses: dict[str, list[str]] = Field(default_factory=dict)
    error: str | None = None
    calls: int = Field(default=0, description="Model calls for this document.")
    tokens: int = Field(default=0, description="Model tokens for this document, re-asks included.")
    seconds: float = Field(default=0.0, description="Wall time of the extraction.")


class EvalReport(BaseModel):
    """One eval run: what ran (version, backend, model, prompts, tokens, time) and how it scored."""

    extractor_version: str
    backend: str
    model: str | None = None
    mode: str | None = Field(default=None, description="instructor mode of the model calls.")
    tables: str | None = Field(default=None, description="--tables choice of the model stage.")
    base_url: str | None = Field(default=None, description="Model endpoint.")
    prompt_hashes: dict[str, str] = Field(default_factory=dict)
    tokens: int = 0
    wall_s: float
    created: str
    dataset: str
    cases: list[CaseResult]
    averages: dict[str, float] = Field(description="Mean of each score over the cases.")
    by_group: dict[str, dict[str, float]] = Field(default_factory=dict, description="Means per layout.")
    by_row: dict[str, float] = Field(default_factory=dict, description="Cell accuracy per table row, micro.")


Extract = Callable[[Case], Report]


def rules_backend(case: Case) -> Report:
    return extract_document(Document.from_text(case.text, path=case.name), case.name)


def backend_for(stage: ModelStage | None) -> Extract:
    if stage is None:
        return rules_backend
    return lambda case: extract_document(Document.from_text(case.text, path=case.name), case.name, stage)


def gold_cases(folder: Path) -> list[Case]:
    """The hand-labeled set. Refuses a gold file whose labels are not verbatim in its document."""
    cases = []
    for gold, doc_path in load_gold(folder):
        data = doc_path.read_bytes()
        doc = load(doc_path)
        problems = check_gold(gold, doc.text, data)
        if problems:
            raise UsageError("gold labels do not fit their documents: " + "; ".join(problems))
        cases.append(Case(gold.doc_id, doc.text, gold))
    if not cases:
        raise UsageError(f"{folder}: no gold files; give --gold a folder of <doc_id>.json files")
    return cases


def _gold_table(values: dict[str, dict[str, int | float | None]], doc: SyntheticDoc, table: str) -> dict:  # type: ignore[type-arg]
    return {
        row: {col: GoldCell(value=v, raw=doc.cells[f"{table}.{row}.{col}"][0]) for col, v in cols.items()}
        for row, cols in values.items()
    }


def synthetic_gold(doc: SyntheticDoc, name: str) -> Gold:
    """Gold from the drawn values. Its findings are the rules those true values violate, computed from the
    values by ``synthetic.violations`` (not by the validators under test)."""
    tv = doc.values
    formats = Formats(table2=tv.fmt2, table3=tv.fmt3, table4=tv.fmt3)
    violated = violations(tv)
    return Gold(
        doc_id=name,
        document="<synthetic>",
        sha256=hashlib.sha256(doc.text.encode()).hexdigest(),
        organ=doc.organ,
        year=doc.year,
        formats=formats,
        table2=_gold_table(tv.table2, doc, "table2"),
        table3=_gold_table(tv.table3, doc, "table3"),
        table4=_gold_table(tv.table4, doc, "table4"),
        problems=doc.problems,
        improvements=doc.improvements,
        platforms=[GoldPlatform(name=n, kind=k) for n, k in doc.platforms],  # type: ignore[arg-type]
        info_processing_fee=GoldFee(value=doc.fee),
        findings=[GoldFinding(rule=r, table=t) for r, t in sorted(violated, key=str)],
    )


INPUT_FORMATS = ("txt", "html", "docx", "pdf", "scan")


def synthetic_cases(n: int, seed: int = 0, break_rate: float = 0.2, inputs: tuple[str, ...] = ("txt",)) -> list[Case]:
    """N generated reports, cycling through the layouts; both formats, blanks, and one rule broken in
    ``break_rate`` of them. Each is scored as text (grouped by layout) and, per ``inputs``, also as an HTML
    page, a DOCX, a PDF and a scanned PDF (page images only, read back by OCR) written to disk and read back
    (grouped by input format)."""
    rng = random.Random(seed)
    cases = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(n):
            layout = LAYOUTS[i % len(LAYOUTS)]
            broken = rng.choice(RULES) if rng.random() < break_rate else None
            doc = generate(
                seed * 1_000_003 + i,
                layout,
                rng.choice(["2019", "2021"]),
                rng.choice(["2019", "2021"]),
                subtotal=rng.random() < 0.2,
                blank_rate=rng.choice([0.0, 0.0, 0.1]),
                break_rule=broken,
            )
            name = f"synthetic-{i:05d}-{layout}"
            gold = synthetic_gold(doc, name)
            if "txt" in inputs:
                cases.append(Case(name, doc.text, gold, group=layout))
            for kind in inputs:
                if kind != "txt":
                    cases.append(
                        Case(f"{name}.{kind}", _as_file(doc, kind, Path(tmp) / f"{name}.{kind}"), gold, group=kind)
                    )
    return cases


def _as_file(doc: SyntheticDoc, kind: str, path: Path) -> str:
    """The report written as ``kind`` and read back: the text the extractor sees for that input format."""
    from ..readers import read
    from ..synthetic.files import to_docx, to_html, to_pdf
    from ..synthetic.scan import to_scan

    path = path.with_suffix(".pdf") if kind == "scan" else path
    path.write_bytes({"html": to_html, "docx": to_docx, "pdf": to_pdf, "scan": to_scan}[kind](doc))
    return read(path).text


def _empty_report(case: Case) -> Report:
    return Report.model_construct(
        doc_id=case.name,
        source=Source(path=case.name),
        format=Formats(),
        sections={},
        table2=None,
        table3=None,
        table4=None,
        overview=Overview(),
        problems=[],
        improvements=[],
        platforms=[],
        info_processing_fee=None,
        findings=[],
        provenance=Provenance(version=__version__, backend="none"),
    )


def _mean(values: Iterable[float]) -> float:
    vals = list(values)
    return sum(vals) / len(vals) if vals else float("nan")


def run(
    cases: list[Case],
    extract: Extract,
    dataset: str,
    backend: str = "rules",
    model: str | None = None,
    evaluators: tuple[Evaluator, ...] = DEFAULT_EVALUATORS,
) -> EvalReport:
    start = time.perf_counter()
    results: list[CaseResult] = []
    rows: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    prompt_hashes: dict[str, str] = {}
    for case in cases:
        error = None
        began = time.perf_counter()
        try:
            report = extract(case)
        except Exception as exc:  # an extraction that fails scores zero; the run goes on
            error = f"{type(exc).__name__}: {exc}"
            report = _empty_report(case)
        seconds = time.perf_counter() - began
        usage = report.provenance.usage
        for name, use in report.provenance.prompts.items():
            prompt_hashes[name] = f"v{use.version} {use.template_sha256[:12]}"
        scores = Scores()
        for evaluator in evaluators:
            evaluator.evaluate(case, report, scores)
        for row, (ok, n) in scores.rows.items():
            rows[row][0] += ok
            rows[row][1] += n
        results.append(
            CaseResult(
                name=case.name,
                group=case.group,
                scores=scores.values,
                misses=scores.misses,
                error=error,
                calls=usage.calls if usage else 0,
                tokens=usage.total_tokens if usage else 0,
                seconds=round(seconds, 3),
            )
        )
    names = list(dict.fromkeys(k for r in results for k in r.scores))
    groups: dict[str, list[CaseResult]] = defaultdict(list)
    for r in results:
        groups[r.group].append(r)
    return EvalReport(
        extractor_version=__version__,
        backend=backend,
        model=model,
        prompt_hashes=prompt_hashes,
        tokens=sum(r.tokens for r in results),
        wall_s=round(time.perf_counter() - start, 3),
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        dataset=dataset,
        cases=results,
        averages={k: _mean(r.scores[k] for r in results if k in r.scores) for k in names},
        by_group={g: {k: _mean(r.scores[k] for r in rs if k in r.scores) for k in names} for g, rs in groups.items()}
        if len(groups) > 1
        else {},
        by_row={row: ok / n for row, (ok, n) in sorted(rows.items()) if n},
    )


def compare(base: EvalReport, new: EvalReport, tolerance: float) -> tuple[list[tuple[str, str, float, float]], bool]:
    """(scope, score, base, new) for every score that changed, and whether any dropped by more than
    ``tolerance``. Scope is 'average', a group, or a case present in both runs."""
    changes: list[tuple[str, str, float, float]] = []
    scopes = [("average", base.averages, new.averages)]
    scopes += [(f"group {g}", base.by_group[g], new.by_group[g]) for g in base.by_group if g in new.by_group]
    new_cases = {c.name: c for c in new.cases}
    scopes += [(c.name, c.scores, new_cases[c.name].scores) for c in base.cases if c.name in new_cases]
    regressed = False
    for c in base.cases:
        if c.name not in new_cases:  # a document the new run lost is a regression, not a non-change
            changes.append((c.name, "(missing from the new run)", 1.0, float("nan")))
            regressed = True
    for scope, old, cur in scopes:
        for name in dict.fromkeys([*old, *cur]):
            a, b = old.get(name, float("nan")), cur.get(name, float("nan"))
            if a != b and not (a != a and b != b):  # changed (NaN == NaN here)
                changes.append((scope, name, a, b))
                if b != b or b < a - tolerance:
                    regressed = True
    return changes, regressed
