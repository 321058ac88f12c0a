"""Cells right / wrong / refused per generated layout, the damaged ones included: the "never a wrong value"
contract measured at scale (``extractor eval --synthetic`` scores the layouts whose every cell can be read).

    python benchmarks/score_layouts.py [--n 60] [--layouts crawler,ocr_markdown]

A wrong cell is a value given that differs from the drawn one; a refused cell is absent, its row reported.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.ingest import Document  # noqa: E402
from extractor.pipeline import extract_document  # noqa: E402
from extractor.synthetic import ALL_LAYOUTS, generate  # noqa: E402


def score(layout: str, n: int) -> tuple[Counter[str], list[str]]:
    counts: Counter[str] = Counter()
    wrong: list[str] = []
    rng = random.Random(0)
    for seed in range(n):
        fmt2, fmt3 = rng.choice(["2019", "2021"]), rng.choice(["2019", "2021"])
        doc = generate(seed, layout, fmt2, fmt3, subtotal=rng.random() < 0.2, blank_rate=rng.choice([0.0, 0.0, 0.1]))  # type: ignore[arg-type]
        report = extract_document(Document.from_text(doc.text), "x")
        tables = {"table2": report.table2, "table3": report.table3, "table4": report.table4}
        for path in doc.cells:
            table, row, col = path.split(".")
            cell = (tables[table] or {}).get(row, {}).get(col)
            want = doc.values.get(path)
            if cell is None:
                counts["refused"] += 1
            elif cell["value"] == want:
                counts["right"] += 1
            else:
                counts["wrong"] += 1
                wrong.append(f"seed {seed} {path}: drawn {want!r}, read {cell['value']!r}")
    return counts, wrong


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=60, help="documents per layout")
    ap.add_argument("--layouts", default=",".join(ALL_LAYOUTS))
    args = ap.parse_args()
    print(f"{'layout':14} {'cells':>7} {'right':>7} {'wrong':>6} {'refused':>8}")
    failed = False
    for layout in args.layouts.split(","):
        counts, wrong = score(layout, args.n)
        total = sum(counts.values())
        print(f"{layout:14} {total:>7} {counts['right'] / total:>7.3f} {counts['wrong']:>6} {counts['refused']:>8}")
        for line in wrong[:5]:
            print(f"    {line}")
        failed |= bool(wrong)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
