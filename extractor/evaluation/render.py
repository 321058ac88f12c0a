"""Eval reports for people: a rich table on the terminal, markdown for a pull request."""

from __future__ import annotations

import math

from rich import box
from rich.table import Table
from rich.text import Text

from .compare import Change, Tolerances
from .evaluators import metric
from .runner import EvalReport

# Two groups, so that each terminal table fits 80 columns; markdown shows them side by side.
TABLE_COLUMNS = (
    ("cells", "cells"),
    ("table2.cells", "t2"),
    ("table3.cells", "t3"),
    ("table4.cells", "t4"),
    ("wrong_values", "wrong"),
    ("formats", "fmt"),
    ("parse_clean", "clean"),
    ("failed", "fail"),
)
TEXT_COLUMNS = (
    ("problems.f1", "prob"),
    ("improvements.f1", "impr"),
    ("platforms.f1", "plat"),
    ("fee", "fee"),
    ("findings.precision", "findP"),
    ("findings.recall", "findR"),
    ("grounding", "grnd"),
    ("verbatim", "verb"),
)
_TEXT_TITLE = "F1 of problems, improvements, platforms; fee; findings precision, recall; grounding, verbatim"
COLUMNS = TABLE_COLUMNS + TEXT_COLUMNS
_PER_CASE_LIMIT = 100  # larger runs (synthetic) are shown per group; every labeled document is shown


def _fmt(v: float | None, name: str = "") -> str:
    if v is None or math.isnan(v):
        return "—"
    return f"{v:g}" if metric(name).summed else f"{v:.3f}"


def _rows(report: EvalReport) -> list[tuple[str, dict[str, float], bool]]:
    """(label, scores, is a total) in display order: per group its documents (small runs) then its figures,
    then the overall figures when there is more than one group."""
    rows: list[tuple[str, dict[str, float], bool]] = []
    per_case = len(report.cases) <= _PER_CASE_LIMIT
    for group, scores in report.groups.items():
        cases = [c for c in report.cases if c.group == group]
        if per_case:
            rows += [(c.name + (" (failed)" if c.error else ""), c.scores, False) for c in cases]
        rows.append((f"{group} ({len(cases)})", scores, per_case))
    if len(report.groups) != 1:
        rows.append((f"overall ({len(report.cases)})", report.overall, True))
    return rows


def _title(report: EvalReport) -> str:
    model = (
        f", model {report.model} ({report.mode}, tables {report.tables}), {report.tokens} tokens"
        if report.model
        else ""
    )
    return (
        f"eval {report.dataset}: {len(report.cases)} documents, backend {report.backend}{model}, "
        f"extractor {report.extractor_version}, {report.wall_s:.1f} s"
    )


def tables(report: EvalReport) -> list[Table]:
    """The scores as two terminal tables: the tables' cells and the parse, then the narrative and findings."""
    out = []
    for title, columns in ((_title(report), TABLE_COLUMNS), (_TEXT_TITLE, TEXT_COLUMNS)):
        t = Table(
            title=title,
            title_justify="left",
            header_style="bold",
            box=box.SIMPLE_HEAD,
            pad_edge=False,
            padding=(0, 0, 0, 1),
        )
        t.add_column("document", no_wrap=True, overflow="ellipsis", min_width=12)
        for _, header in columns:
            t.add_column(header, justify="right", no_wrap=True, min_width=5)
        for name, scores, total in _rows(report):
            cells = [_fmt(scores.get(key), key) for key, _ in columns]
            t.add_row(Text(name), *cells, style="bold" if total else "", end_section=total)
        out.append(t)
    return out


def markdown(report: EvalReport) -> str:
    lines = [
        f"**{_title(report)}**",
        "",
        "| document | " + " | ".join(h for _, h in COLUMNS) + " |",
        "|---" * (len(COLUMNS) + 1) + "|",
    ]
    for name, scores, total in _rows(report):
        label = f"**{name}**" if total else name
        lines.append(f"| {label} | " + " | ".join(_fmt(scores.get(k), k) for k, _ in COLUMNS) + " |")
    worst = sorted(report.by_row.items(), key=lambda kv: kv[1])[:5]
    if worst and worst[0][1] < 1:
        lines += ["", "Lowest row accuracy: " + ", ".join(f"`{r}` {_fmt(v)}" for r, v in worst if v < 1)]
    misses = [(c.name, k, m) for c in report.cases for k, ms in c.misses.items() for m in ms[:2]]
    failures = [(c.name, c.error) for c in report.cases if c.error]
    if failures:
        lines += ["", "Failed: " + "; ".join(f"{name}: {error}" for name, error in failures)]
    if misses:
        lines += ["", "<details><summary>misses (first 30)</summary>", ""]
        lines += [f"- {name} `{key}`: {m}" for name, key, m in misses[:30]]
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def _delta(c: Change) -> str:
    d = c.new - c.base
    return "—" if math.isnan(d) else f"{d:+.3f}"


def compare_table(changes: list[Change], tolerances: Tolerances) -> Table:
    t = Table(title=f"changed scores (tolerance {tolerances})", title_justify="left", header_style="bold")
    for name in ("scope", "score", "base", "new", "delta"):
        t.add_column(name, justify="right" if name in ("base", "new", "delta") else "left")
    for c in changes:
        better = c.new > c.base if metric(c.score).higher_is_better else c.new < c.base
        style = "red" if c.regressed else ("green" if better else "")
        t.add_row(Text(c.scope), c.score, _fmt(c.base, c.score), _fmt(c.new, c.score), _delta(c), style=style)
    return t


def compare_markdown(changes: list[Change], tolerances: Tolerances) -> str:
    head = "**Regression**" if any(c.regressed for c in changes) else "**No regression**"
    lines = [f"{head} (tolerance {tolerances})", "", "| scope | score | base | new | delta |", "|---|---|---|---|---|"]
    lines += [
        f"| {c.scope} | {c.score}{' ⚠' if c.regressed else ''} | {_fmt(c.base, c.score)} | {_fmt(c.new, c.score)} "
        f"| {_delta(c)} |"
        for c in changes
    ]
    return "\n".join(lines) + "\n"
