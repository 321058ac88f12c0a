"""Speed of the deterministic core, on one core: median ms per document and documents/s.

    python benchmarks/bench_extract.py [--generated 1000] [--repeat 5] [--json out.json]

Documents: the bundled ones (evals/documents) and N generated reports (all layouts, both formats, blanks).
"core" is extract_document on decoded text: sectioning, the three tables, narrative, validation and
building the Report. "end to end" adds reading and decoding the file and serialising the JSON line.
Each document is timed ``--repeat`` times and its fastest run kept (timer noise only adds).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.ingest import load  # noqa: E402
from extractor.pipeline import extract_document  # noqa: E402
from extractor.synthetic import LAYOUTS, generate  # noqa: E402


def _pin_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity)"


def _time(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best * 1e3


def _bench(paths: list[Path], repeat: int) -> dict[str, float]:
    docs = [load(p) for p in paths]
    for d in docs[:20]:  # warm caches and imports
        extract_document(d, "warm")
    core = [_time(lambda d=d: extract_document(d, "x"), repeat) for d in docs]
    e2e = [_time(lambda p=p: extract_document(load(p), "x").model_dump_json(), repeat) for p in paths]
    t = time.perf_counter()
    for d in docs:
        extract_document(d, "x")
    wall = time.perf_counter() - t
    return {
        "documents": len(docs),
        "core_median_ms": statistics.median(core),
        "core_p90_ms": statistics.quantiles(core, n=10)[-1] if len(core) >= 10 else max(core),
        "end_to_end_median_ms": statistics.median(e2e),
        "documents_per_s": len(docs) / wall,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--generated", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", help="also write the results here")
    args = ap.parse_args()
    pinned = _pin_one_core()
    bundled = sorted((ROOT / "evals" / "documents").glob("*.txt"))
    rng = random.Random(2024)
    with tempfile.TemporaryDirectory() as tmp:
        generated = []
        for i in range(args.generated):
            doc = generate(
                i,
                LAYOUTS[i % len(LAYOUTS)],
                rng.choice(["2019", "2021"]),
                rng.choice(["2019", "2021"]),
                subtotal=rng.random() < 0.2,
                blank_rate=rng.choice([0.0, 0.0, 0.1]),
            )
            path = Path(tmp) / f"gen_{i:05d}.txt"
            path.write_text(doc.text, encoding="utf-8")
            generated.append(path)
        results = {"bundled": _bench(bundled, args.repeat * 20), "generated": _bench(generated, args.repeat)}
    print(f"extract benchmark, {pinned}, python {sys.version.split()[0]}")
    print(f"{'set':10} {'docs':>6} {'core median ms':>15} {'core p90 ms':>12} {'e2e median ms':>14} {'docs/s':>8}")
    for name, r in results.items():
        print(
            f"{name:10} {r['documents']:>6} {r['core_median_ms']:>15.3f} {r['core_p90_ms']:>12.3f} "
            f"{r['end_to_end_median_ms']:>14.3f} {r['documents_per_s']:>8.0f}"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
