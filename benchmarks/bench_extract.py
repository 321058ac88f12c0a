"""Speed of the deterministic core against a floor, on one pinned core, interleaved on the same documents.

    python benchmarks/bench_extract.py [--generated 1000] [--rounds 5] [--json out.json] [--readme] [--profile]

The floor is a naive positional filler: it finds sections 二, 三 and 四 by their headings and takes the n-th
number in each as the n-th cell of its table (the 2021 format's key order), with value, raw text and span,
and nothing else: no labels, no format, no checks, no narrative, no findings. It is what "just grab the
numbers" costs; the headline is our median over the floor's median per set, with what each got right.

"core" is ``extract_document`` on already-decoded text (sectioning, the three tables, narrative, validation,
the Report): reading is timed apart (``bench_read.py``). "end to end" adds reading and decoding the file and
serialising the JSON line. Sets: the bundled documents (evals/documents), every real document in
evals/real/documents (crawler text and saved pages, decoded by the readers first), and N generated reports
(every layout, both formats, blanks). Each round times every document once with each extractor, the two in
alternating order; a document's time is its fastest round (timer and load noise only add), and a set's
figure is the median over its documents. ``--readme`` writes the printed table into README.md's
``bench:extract`` block with the command, the date and the load average. ``--profile`` prints cProfile's top
functions over all three sets instead.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import os
import pstats
import random
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import readme_block  # noqa: E402
from extractor.evaluation.gold import load_gold  # noqa: E402
from extractor.ingest import Document  # noqa: E402
from extractor.pipeline import extract_document  # noqa: E402
from extractor.readers import read  # noqa: E402
from extractor.schema import Report  # noqa: E402
from extractor.spec import TABLE2_COLUMNS, TABLE3_COLUMNS, TABLE3_ROWS, TABLE4_BLOCKS, TABLE4_COLUMNS  # noqa: E402
from extractor.synthetic import LAYOUTS, generate  # noqa: E402

Truth = dict[str, float | int | None]  # "table3.granted.total" -> value

# --- the floor ----------------------------------------------------------------------------------------------

_FLOOR_SECTIONS = (
    ("table2", re.compile(r"二、[^\n]{0,10}主动公开")),
    ("table3", re.compile(r"三、[^\n]{0,10}(?:收到和处理|依申请)")),
    ("table4", re.compile(r"四、[^\n]{0,20}行政复议")),
    ("", re.compile(r"五、")),
)
_FLOOR_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_FLOOR_KEYS = {
    "table2": [(row, col) for row, cols in TABLE2_COLUMNS["2021"].items() for col in cols],
    "table3": [(row, col) for row in TABLE3_ROWS["2021"] for col in TABLE3_COLUMNS],
    "table4": [(block, col) for block in TABLE4_BLOCKS for col in TABLE4_COLUMNS],
}


def floor(doc: Document) -> dict[str, dict[str, dict[str, Any]]]:
    """Sections by heading, then the n-th number of a section is its table's n-th cell."""
    norm, text = doc.norm, doc.text
    found: list[tuple[str, int]] = []
    pos = 0
    for key, heading in _FLOOR_SECTIONS:
        m = heading.search(norm, pos)
        if m is not None:
            found.append((key, m.end()))
            pos = m.end()
    tables: dict[str, dict[str, dict[str, Any]]] = {}
    for i, (key, start) in enumerate(found):
        if not key:
            continue
        end = found[i + 1][1] if i + 1 < len(found) else len(norm)
        table: dict[str, dict[str, Any]] = {}
        for (row, col), m in zip(_FLOOR_KEYS[key], _FLOOR_NUMBER.finditer(norm, start, end), strict=False):
            raw = m.group()
            value = float(raw) if "." in raw else int(raw)
            table.setdefault(row, {})[col] = {"value": value, "raw": text[m.start() : m.end()], "span": m.span()}
        tables[key] = table
    return tables


# --- the sets -----------------------------------------------------------------------------------------------


@dataclass
class Case:
    name: str
    doc: Document
    path: Path
    truth: Truth = field(default_factory=dict)


def _gold_truth(folder: Path) -> dict[str, Truth]:
    out: dict[str, Truth] = {}
    for gold, path in load_gold(folder):
        truth: Truth = {}
        for table in ("table2", "table3", "table4"):
            for row, cols in (gold.table(table) or {}).items():
                for col, cell in cols.items():
                    p = f"{table}.{row}.{col}"
                    if not gold.is_uncertain(p):
                        truth[p] = cell.value
        out[path.name] = truth
    return out


def _files(folder: Path, gold: Path) -> list[Case]:
    truth = _gold_truth(gold)
    paths = sorted(p for p in folder.iterdir() if p.is_file())
    return [Case(p.name, read(p), p, truth.get(p.name, {})) for p in paths]


def _generated(n: int, tmp: Path) -> list[Case]:
    rng = random.Random(2024)
    cases = []
    for i in range(n):
        doc = generate(
            i,
            LAYOUTS[i % len(LAYOUTS)],
            rng.choice(["2019", "2021"]),
            rng.choice(["2019", "2021"]),
            subtotal=rng.random() < 0.2,
            blank_rate=rng.choice([0.0, 0.0, 0.1]),
        )
        path = tmp / f"gen_{i:05d}.txt"
        path.write_text(doc.text, encoding="utf-8")
        truth: Truth = {p: doc.values.get(p) for p in doc.cells}
        cases.append(Case(path.name, Document.from_text(doc.text, path.name), path, truth))
    return cases


# --- timing ------------------------------------------------------------------------------------------------


def _pin_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity)"


def _ours(doc: Document) -> Report:
    return extract_document(doc, "x")


def _interleaved(cases: list[Case], rounds: int) -> tuple[list[float], list[float]]:
    """Fastest of ``rounds`` per document, ms, for the floor and for ours, timed alternately."""
    clock = time.perf_counter
    best_floor = [float("inf")] * len(cases)
    best_ours = [float("inf")] * len(cases)
    for r in range(rounds):
        gc.collect()
        for i, case in enumerate(cases):
            doc = case.doc
            for which in (0, 1) if (r + i) % 2 else (1, 0):
                t = clock()
                if which:
                    _ours(doc)
                    best_ours[i] = min(best_ours[i], clock() - t)
                else:
                    floor(doc)
                    best_floor[i] = min(best_floor[i], clock() - t)
    return [x * 1e3 for x in best_floor], [x * 1e3 for x in best_ours]


def _end_to_end(cases: list[Case], rounds: int) -> list[float]:
    out = []
    for case in cases:
        best = float("inf")
        for _ in range(rounds):
            t = time.perf_counter()
            extract_document(read(case.path), "x").model_dump_json()
            best = min(best, time.perf_counter() - t)
        out.append(best * 1e3)
    return out


def _right(tables: dict[str, Any], truth: Truth) -> int:
    right = 0
    for path, want in truth.items():
        table, row, col = path.split(".")
        cell = ((tables.get(table) or {}).get(row) or {}).get(col)
        right += cell is not None and cell["value"] == want
    return right


def _bench(cases: list[Case], rounds: int) -> dict[str, float]:
    for case in cases[:20]:  # warm caches and imports
        _ours(case.doc)
        floor(case.doc)
    floor_ms, ours_ms = _interleaved(cases, rounds)
    e2e = _end_to_end(cases, max(1, rounds // 2))
    t = time.perf_counter()
    reports = [_ours(c.doc) for c in cases]
    wall = time.perf_counter() - t
    floors = [floor(c.doc) for c in cases]
    cells = sum(len(cols) for r in reports for t in (r.table2, r.table3, r.table4) if t for cols in t.values())
    items = sum(
        len(r.problems)
        + len(r.improvements)
        + len(r.platforms)
        + sum(v is not None for _, v in r.overview)
        + (r.info_processing_fee is not None)
        for r in reports
    )
    truth = sum(len(c.truth) for c in cases)
    ours_right = sum(
        _right({"table2": r.table2, "table3": r.table3, "table4": r.table4}, c.truth)
        for r, c in zip(reports, cases, strict=True)
    )
    floor_right = sum(_right(dict(f), c.truth) for f, c in zip(floors, cases, strict=True))
    return {
        "documents": len(cases),
        "floor_median_ms": statistics.median(floor_ms),
        "core_median_ms": statistics.median(ours_ms),
        "ratio": statistics.median(ours_ms) / statistics.median(floor_ms),
        "core_p90_ms": statistics.quantiles(ours_ms, n=10)[-1] if len(ours_ms) >= 10 else max(ours_ms),
        "end_to_end_median_ms": statistics.median(e2e),
        "documents_per_s": len(cases) / wall,
        "cells": cells,
        "floor_cells": sum(len(cols) for f in floors for t in f.values() for cols in t.values()),
        "items": items,
        "findings": sum(len(r.findings) for r in reports),
        "truth_cells": truth,
        "cells_right": ours_right / truth if truth else float("nan"),
        "floor_cells_right": floor_right / truth if truth else float("nan"),
    }


def _table(results: dict[str, dict[str, float]]) -> str:
    lines = [
        "| set | docs | floor median ms | core median ms | **core / floor** | core p90 ms | e2e median ms | docs/s "
        "| cells (floor's) | items | findings | cells right (floor's) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in results.items():
        lines.append(
            f"| {name} | {r['documents']} | {r['floor_median_ms']:.3f} | {r['core_median_ms']:.3f} "
            f"| **{r['ratio']:.2f}×** | {r['core_p90_ms']:.3f} | {r['end_to_end_median_ms']:.3f} "
            f"| {r['documents_per_s']:.0f} | {r['cells']} ({r['floor_cells']}) | {r['items']} | {r['findings']} "
            f"| {r['cells_right']:.3f} ({r['floor_cells_right']:.3f}) |"
        )
    return "\n".join(lines)


def _profile(sets: dict[str, list[Case]]) -> None:
    docs = [c.doc for cases in sets.values() for c in cases]
    for d in docs[:50]:
        _ours(d)
    prof = cProfile.Profile()
    prof.enable()
    for d in docs:
        _ours(d)
    prof.disable()
    pstats.Stats(prof).sort_stats("tottime").print_stats(25)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--generated", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--json", help="also write the results here")
    ap.add_argument("--readme", action="store_true", help="write the table into README.md's bench:extract block")
    ap.add_argument("--profile", action="store_true", help="print cProfile's top functions instead")
    ap.add_argument(
        "--passes",
        type=int,
        help="only extract every document this many times, untimed: under `valgrind --tool=cachegrind`, "
        "--passes 1 minus --passes 0 is the core's instruction count",
    )
    args = ap.parse_args(argv)
    pinned = _pin_one_core()
    with tempfile.TemporaryDirectory() as tmp:
        sets = {
            "bundled": _files(ROOT / "evals" / "documents", ROOT / "evals" / "gold"),
            "real": _files(ROOT / "evals" / "real" / "documents", ROOT / "evals" / "real" / "gold"),
            "generated": _generated(args.generated, Path(tmp)),
        }
        if args.profile:
            _profile(sets)
            return 0
        if args.passes is not None:
            for d in (c.doc for cases in sets.values() for c in cases[:20]):  # the same warm-up either way
                _ours(d)
            for _ in range(args.passes):
                for d in (c.doc for cases in sets.values() for c in cases):
                    _ours(d)
            return 0
        results = {name: _bench(cases, args.rounds * (4 if len(cases) < 100 else 1)) for name, cases in sets.items()}
    table = _table(results)
    print(f"extract benchmark, {pinned}, python {sys.version.split()[0]}")
    print(table)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")
    if args.readme:
        argv_shown = sys.argv[1:] if argv is None else argv
        readme_block.update("extract", f"{readme_block.header('bench_extract.py', argv_shown)}, {pinned}:\n\n{table}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
