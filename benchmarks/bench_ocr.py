"""Scanned reports: seconds per page and peak memory of the OCR reader, one process vs several (as
``extract --jobs N`` runs documents in worker processes), and the cost of a re-run served by the cache.

    python benchmarks/bench_ocr.py [--docs 6] [--jobs 1,2]

Generated reports are scanned (``extractor.synthetic.scan``: 150-200 dpi, skew, noise, JPEG) and read back with
an empty OCR cache; each worker process loads its own engine (counted). Needs the [ocr] extra.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.synthetic import generate  # noqa: E402
from extractor.synthetic.scan import to_scan  # noqa: E402


def _read(path: str) -> tuple[int, float, int]:
    """(pages, CPU seconds, peak RSS in KiB) of reading one file in this worker."""
    from extractor.readers import read

    before = time.process_time()
    doc = read(path)
    return len(doc.pages or ()), time.process_time() - before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _init(cache: str, threads: str | None) -> None:
    os.environ["EXTRACTOR_CACHE"] = cache
    if threads:
        os.environ["EXTRACTOR_OCR_THREADS"] = threads


def _run(paths: list[str], jobs: int, cache: str) -> tuple[float, list[tuple[int, float, int]]]:
    threads = "1" if jobs > 1 else None  # one ONNX Runtime thread per worker when the workers fill the cores
    start = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(jobs, initializer=_init, initargs=(cache, threads)) as pool:
        results = pool.map(_read, paths, chunksize=1)
    return time.perf_counter() - start, results


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=6, help="generated reports to scan and read")
    ap.add_argument("--jobs", default="1,2", help="worker processes to compare, comma-separated")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rng = random.Random(0)
        paths = []
        for i in range(args.docs):
            doc = generate(i, "tab", rng.choice(["2019", "2021"]), rng.choice(["2019", "2021"]), blank_rate=0.1)
            path = Path(tmp) / f"scan-{i}.pdf"
            path.write_bytes(to_scan(doc))
            paths.append(str(path))
        print(
            f"{args.docs} scanned reports (150-200 dpi, skew, noise, JPEG); {os.cpu_count()} CPUs; load {os.getloadavg()[0]:.1f}"
        )
        for jobs in (int(j) for j in args.jobs.split(",")):
            cache = tempfile.mkdtemp(dir=tmp)
            wall, results = _run(paths, jobs, cache)
            pages = sum(r[0] for r in results)
            cpu = sum(r[1] for r in results)
            rss = max(r[2] for r in results) / 1024
            print(
                f"  --jobs {jobs}: {pages} pages in {wall:.1f} s = {wall / pages:.2f} s/page wall "
                f"({cpu / pages:.2f} CPU-s/page), peak RSS {rss:.0f} MB per worker"
            )
            start = time.perf_counter()
            _init(cache, None)
            for name in paths:
                _read(name)
            print(
                f"    re-run from the OCR cache: {(time.perf_counter() - start) / len(paths) * 1e3:.0f} ms per document"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
