"""Run the extractor over sets of cases and score it: the gold sets (the bundled documents, the real ones),
or N synthetic reports whose gold comes from the values they were drawn from.

Each document is read from its file by the same readers as ``extractor extract`` and extracted by the same
pipeline; a document whose extraction fails or crashes is a recorded failure (its error kept, the
``failed`` count raised), never a row of zeros.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from .. import __version__
from ..errors import UsageError
from ..ingest import Document
from ..paths import EVALS
from ..pipeline import extract_document
from ..readers import read
from ..schema import Formats, Report
from ..synthetic import LAYOUTS, RULES, SyntheticDoc, generate
from ..synthetic.values import violations
from ..types import Number, Table
from .evaluators import DEFAULT_EVALUATORS, Case, Context, Evaluator, Score, metric, row_counts
from .gold import Gold, GoldCell, GoldFee, GoldFinding, GoldPlatform, check_gold, load_gold

if TYPE_CHECKING:
    from ..llm.extract import ModelStage

GOLD_SETS = {"bundled": EVALS / "gold", "real": EVALS / "real" / "gold"}


class CaseResult(BaseModel):
    name: str
    group: str
    scores: dict[str, float]
    misses: dict[str, list[str]] = Field(default_factory=dict)
    error: str | None = Field(default=None, description="Why the extraction failed; its scores are then absent.")
    calls: int = Field(default=0, description="Model calls for this document.")
    tokens: int = Field(default=0, description="Model tokens for this document, re-asks included.")
    seconds: float = Field(default=0.0, description="Wall time of reading and extracting the document.")


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
    overall: dict[str, float] = Field(
        description="Each score over all cases: the mean over the documents scored (failed ones have no scores), "
        "or the sum for counts (wrong_values, failed)."
    )
    groups: dict[str, dict[str, float]] = Field(
        default_factory=dict, description="The same per gold set (bundled, real) or synthetic layout / input format."
    )
    by_row: dict[str, float] = Field(default_factory=dict, description="Cell accuracy per table row, micro.")


Extract = Callable[[Case, Document], Report]


def rules_backend(case: Case, doc: Document) -> Report:
    return extract_document(doc, case.name)


def backend_for(stage: ModelStage | None) -> Extract:
    if stage is None:
        return rules_backend
    return lambda case, doc: extract_document(doc, case.name, stage)


def gold_cases(folder: Path, group: str | None = None) -> list[Case]:
    """A hand-labeled set. Refuses a gold file whose labels are not verbatim in its document."""
    cases = []
    for gold, doc_path in load_gold(folder):
        problems = check_gold(gold, read(doc_path).text, doc_path.read_bytes())
        if problems:
            raise UsageError("gold labels do not fit their documents: " + "; ".join(problems))
        cases.append(Case(gold.doc_id, doc_path, gold, group or folder.name))
    if not cases:
        raise UsageError(f"{folder}: no gold files; give --gold a folder of <doc_id>.json files")
    return cases


def _gold_table(values: Table[Number | None], doc: SyntheticDoc, table: str) -> Table[GoldCell]:
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
        platforms=[GoldPlatform(name=n, kind=k) for n, k in doc.platforms],
        info_processing_fee=GoldFee(value=doc.fee),
        findings=[GoldFinding(rule=r, table=t) for r, t in sorted(violated, key=str)],
    )


INPUT_FORMATS = ("txt", "html", "docx", "pdf", "scan")


def synthetic_cases(
    n: int, folder: Path, seed: int = 0, break_rate: float = 0.2, inputs: tuple[str, ...] = ("txt",)
) -> list[Case]:
    """N generated reports written into ``folder``, cycling through the layouts; both formats, blanks, and one
    rule broken in ``break_rate`` of them. Each is written as text (grouped by layout) and, per ``inputs``, also
    as an HTML page, a DOCX, a PDF and a scan (a PDF of page images, read back by OCR; grouped by input
    format), to be read back as a user's files are."""
    from ..synthetic.files import to_docx, to_html, to_pdf
    from ..synthetic.scan import to_scan

    writers: dict[str, Callable[[SyntheticDoc], bytes]] = {
        "txt": lambda d: d.text.encode("utf-8"),
        "html": to_html,
        "docx": to_docx,
        "pdf": to_pdf,
        "scan": to_scan,
    }
    rng = random.Random(seed)
    cases = []
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
        for kind in inputs:
            path = folder / (f"{name}.scan.pdf" if kind == "scan" else f"{name}.{kind}")
            path.write_bytes(writers[kind](doc))
            cases.append(Case(name if kind == "txt" else path.name, path, gold, layout if kind == "txt" else kind))
    return cases


def _aggregate(results: Iterable[CaseResult]) -> dict[str, float]:
    """Each score over the cases that have it: a mean, or a sum for counts."""
    values: dict[str, list[float]] = defaultdict(list)
    for r in results:
        for k, v in r.scores.items():
            values[k].append(v)
    return {k: (sum(vs) if metric(k).summed else sum(vs) / len(vs)) for k, vs in values.items()}


def score_case(
    case: Case, extract: Extract, evaluators: tuple[Evaluator, ...]
) -> tuple[CaseResult, dict[str, tuple[int, int]], dict[str, str]]:
    """(result, row counts, prompt hashes) of one case. Any failure to read or extract it is recorded."""
    began = time.perf_counter()
    try:
        doc = read(case.path)
        report = extract(case, doc)
    except Exception as exc:  # a crash is a result too: recorded, and the run goes on
        error = f"{type(exc).__name__}: {exc}"
        seconds = round(time.perf_counter() - began, 3)
        return (
            CaseResult(name=case.name, group=case.group, scores={"failed": 1.0}, error=error, seconds=seconds),
            {},
            {},
        )
    seconds = round(time.perf_counter() - began, 3)
    ctx = Context(case, report, doc.text)
    scores: dict[str, Score] = {"failed": Score(0.0)}
    for evaluator in evaluators:
        scores.update(evaluator.evaluate(ctx))
    usage = report.provenance.usage
    result = CaseResult(
        name=case.name,
        group=case.group,
        scores={k: s.value for k, s in scores.items()},
        misses={k: list(s.misses) for k, s in scores.items() if s.misses},
        calls=usage.calls if usage else 0,
        tokens=usage.total_tokens if usage else 0,
        seconds=seconds,
    )
    prompts = {name: f"v{use.version} {use.template_sha256[:12]}" for name, use in report.provenance.prompts.items()}
    return result, row_counts(case.gold, report), prompts


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
        result, counts, prompts = score_case(case, extract, evaluators)
        results.append(result)
        prompt_hashes.update(prompts)
        for row, (ok, n) in counts.items():
            rows[row][0] += ok
            rows[row][1] += n
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
        overall=_aggregate(results),
        groups={g: _aggregate(rs) for g, rs in groups.items()},
        by_row={row: ok / n for row, (ok, n) in sorted(rows.items()) if n},
    )
