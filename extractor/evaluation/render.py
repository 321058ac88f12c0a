"""Eval reports for people: a rich table on the terminal, markdown for a pull request."""

from __future__ import annotations

from rich.table import Table

from .runner import EvalReport

COLUMNS = (
    ("cells", "cells"),
    ("table2.cells", "t2"),
    ("table3.cells", "t3"),
    ("table4.cells", "t4"),
    ("cells.no_silent_wrong", "no silent"),
    ("formats", "fmt"),
    ("problems.f1", "prob F1"),
    ("improvements.f1", "impr F1"),
    ("platforms.f1", "plat F1"),
    ("fee", "fee"),
    ("findings.precision", "find P"),
    ("findings.recall", "find R"),
    ("grounding", "ground"),
    ("verbatim", "verb"),
    ("parse_clean", "clean"),
)
_PER_CASE_LIMIT = 20  # larger runs (synthetic) are shown per group


def _fmt(v: float | None) -> str:
    return "—" if v is None or v != v else f"{v:.3f}"


def _rows(report: EvalReport) -> list[tuple[str, dict[str, float]]]:
    if len(report.cases) <= _PER_CASE_LIMIT:
        rows = [(c.name + (" (failed)" if c.error else ""), c.scores) for c in report.cases]
    else:
        rows = [(f"{g} ({sum(1 for c in report.cases if c.group == g)})", s) for g, s in report.by_group.items()]
    return [*rows, ("average", report.averages)]


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


def table(report: EvalReport) -> Table:
    t = Table(title=_title(report), title_justify="left", header_style="bold")
    t.add_column("document")
    for _, header in COLUMNS:
        t.add_column(header, justify="right")
    rows = _rows(report)
    for i, (name, scores) in enumerate(rows):
        style = "bold" if i == len(rows) - 1 else ""
        t.add_row(name, *(_fmt(scores.get(key)) for key, _ in COLUMNS), style=style)
    return t


def markdown(report: EvalReport) -> str:
    lines = [
        f"**{_title(report)}**",
        "",
        "| document | " + " | ".join(h for _, h in COLUMNS) + " |",
        "|---" * (len(COLUMNS) + 1) + "|",
    ]
    for name, scores in _rows(report):
        lines.append(f"| {name} | " + " | ".join(_fmt(scores.get(k)) for k, _ in COLUMNS) + " |")
    worst = sorted(report.by_row.items(), key=lambda kv: kv[1])[:5]
    if worst and worst[0][1] < 1:
        lines += ["", "Lowest row accuracy: " + ", ".join(f"`{r}` {_fmt(v)}" for r, v in worst if v < 1)]
    misses = [(c.name, k, m) for c in report.cases for k, ms in c.misses.items() for m in ms[:2]]
    if misses:
        lines += ["", "<details><summary>misses (first 30)</summary>", ""]
        lines += [f"- {name} `{key}`: {m}" for name, key, m in misses[:30]]
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def compare_table(changes: list[tuple[str, str, float, float]], tolerance: float) -> Table:
    t = Table(title=f"changed scores (tolerance {tolerance})", title_justify="left", header_style="bold")
    for name in ("scope", "score", "base", "new", "delta"):
        t.add_column(name, justify="right" if name in ("base", "new", "delta") else "left")
    for scope, name, a, b in changes:
        delta = b - a
        style = "red" if b != b or delta < -tolerance else ("green" if delta > 0 else "")
        t.add_row(scope, name, _fmt(a), _fmt(b), f"{delta:+.3f}" if delta == delta else "—", style=style)
    return t


def compare_markdown(changes: list[tuple[str, str, float, float]], tolerance: float, regressed: bool) -> str:
    head = "**Regression**" if regressed else "**No regression**"
    lines = [f"{head} (tolerance {tolerance})", "", "| scope | score | base | new | delta |", "|---|---|---|---|---|"]
    lines += [f"| {s} | {n} | {_fmt(a)} | {_fmt(b)} | {b - a:+.3f} |" for s, n, a, b in changes]
    return "\n".join(lines) + "\n"
