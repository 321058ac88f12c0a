"""``extractor export`` at scale: wall time and peak RSS per shape and format, for N and for N/10 records.

    python benchmarks/bench_export.py [--records 10000] [--shapes long,wide,panel] [--formats csv,parquet,xlsx]

The records are generated, then extracted by the rules core: consecutive-year series (2019-2023, each year
drawn from the year before) of N/5 organs, in every synthetic layout, so the panel has real organ x year
structure and X1 has carry-overs to check. They are written once per N under the system temp folder and reused.

Each export runs in its own process (``python -m extractor.cli export …``); its peak RSS is that process's
``ru_maxrss``. Streaming means the peak RSS for N records is about the same as for N/10 (reported as a ratio).
The xlsx long export is skipped above XLSX_LONG_LIMIT records (~200,000 cell rows): openpyxl writes tens of
µs per cell, 10,000 records are 2.5 million rows x 21 columns, and Excel would need that sheet split in three.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.ingest import Document  # noqa: E402
from extractor.pipeline import extract_document  # noqa: E402
from extractor.synthetic import LAYOUTS, generate_series  # noqa: E402

YEARS = [2019, 2020, 2021, 2022, 2023]
XLSX_LONG_LIMIT = 800  # records (about 200,000 cell rows)


def records_file(n: int) -> Path:
    """N records as a JSONL file (generated and extracted once, then reused)."""
    path = Path(tempfile.gettempdir()) / f"extractor-bench-export-{n}.jsonl"
    if path.exists():
        return path
    partial = path.with_suffix(".partial")
    with partial.open("w", encoding="utf-8") as fh:
        written = 0
        organ = 0
        while written < n:
            series = generate_series(organ, f"示例{organ:05d}镇人民政府", YEARS, LAYOUTS[organ % len(LAYOUTS)])
            for doc in series.docs[: n - written]:
                doc_id = f"o{organ:05d}_{doc.year}"
                report = extract_document(Document.from_text(doc.text, f"{doc_id}.txt"), doc_id)
                fh.write(report.model_dump_json() + "\n")
                written += 1
            organ += 1
    partial.rename(path)
    return path


def run_export(records: Path, out: Path, shape: str) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak RSS in MB) of one ``extractor export`` process."""
    code = (
        "import resource, sys; from extractor.cli import main; rc = main(sys.argv[1:]); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss); sys.exit(rc)"
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", code, "export", str(records), "-o", str(out), "--shape", shape, "-q"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if proc.returncode != 0:
        raise SystemExit(f"export failed ({proc.returncode}): {proc.stderr}")
    return seconds, cpu, int(proc.stdout.strip().splitlines()[-1]) / 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=10_000)
    ap.add_argument("--shapes", default="long,wide,panel")
    ap.add_argument("--formats", default="csv,parquet,xlsx")
    args = ap.parse_args()
    sizes = [max(1, args.records // 10), args.records]
    t0 = time.perf_counter()
    files = {n: records_file(n) for n in sizes}
    print(f"records ready in {time.perf_counter() - t0:.1f} s: " + ", ".join(f"{n}: {p}" for n, p in files.items()))
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for shape in args.shapes.split(","):
            for fmt in args.formats.split(","):
                row: dict[str, object] = {"shape": shape, "format": fmt}
                for n in sizes:
                    if fmt == "xlsx" and shape == "long" and n > XLSX_LONG_LIMIT:
                        continue
                    out = Path(tmp) / f"{shape}-{n}.{fmt}"
                    seconds, cpu, rss = run_export(files[n], out, shape)
                    written = list(Path(tmp).glob(f"{shape}-{n}.*"))
                    size = sum(p.stat().st_size for p in written) / 2**20
                    for p in written:
                        p.unlink()
                    row[str(n)] = {
                        "s": round(seconds, 2),
                        "cpu_s": round(cpu, 2),
                        "rss_mb": round(rss, 1),
                        "mb_out": round(size, 1),
                    }
                    print(
                        f"{shape:5} {fmt:7} {n:6} records: {seconds:7.2f} s wall {cpu:7.2f} s CPU  "
                        f"peak RSS {rss:6.1f} MB  output {size:7.1f} MB",
                        flush=True,
                    )
                if str(sizes[0]) in row and str(sizes[1]) in row:
                    small, big = row[str(sizes[0])], row[str(sizes[1])]
                    row["rss_ratio"] = round(big["rss_mb"] / small["rss_mb"], 2)  # type: ignore[index]
                results.append(row)
    print(
        json.dumps(
            {
                "records": sizes,
                "results": results,
                "maxrss_self_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            },
            ensure_ascii=False,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
