"""Batch extraction at scale, on this machine.

    python benchmarks/bench_batch.py [--rules 1000] [--model 200] [--latency 0.5] [--workers 16] [--rss 1000,10000]

1. rules path: documents/s for N generated reports through ``extractor extract`` (one process);
2. model path: N reports against the loopback test server answering after ``latency`` s, ``workers`` at once:
   achieved model requests/s as a fraction of the ideal workers / latency;
3. peak RSS of ``extractor extract`` (rules) over 1,000 vs 10,000 documents: flat means within 20%.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.batch import run_batch  # noqa: E402
from extractor.llm.setup import build_stage  # noqa: E402
from extractor.synthetic import LAYOUTS, generate  # noqa: E402


def _corpus(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"r{i:05d}.txt"
        if not path.exists():
            path.write_text(generate(i, LAYOUTS[i % len(LAYOUTS)], zero_rate=0.2).text, encoding="utf-8")
        paths.append(path)
    return paths


def _peak_rss_mb(folder: Path, out: Path) -> float:
    code = (
        "import resource, sys; from extractor.cli import main; main(sys.argv[1:]); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, "extract", str(folder), "-o", str(out), "-q"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    return int(proc.stdout.strip().splitlines()[-1]) / 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rules", type=int, default=1000)
    ap.add_argument("--model", type=int, default=200)
    ap.add_argument("--latency", type=float, default=0.5)
    ap.add_argument("--workers", type=int, default=16)
    ap.add_argument("--rss", default="1000,10000")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        sizes = [int(x) for x in args.rss.split(",")]
        corpus = _corpus(base / "corpus", max([args.rules, args.model, *sizes]))

        t = time.perf_counter()
        summary = run_batch(corpus[: args.rules], io.StringIO())
        wall = time.perf_counter() - t
        print(f"rules path: {summary.ok} documents in {wall:.1f} s = {summary.ok / wall:.0f} documents/s (1 process)")

        # The server runs in its own process, as a real endpoint would: in-process it would compete with the
        # client threads for the GIL.
        server = subprocess.Popen(
            [sys.executable, "-m", "extractor.testserver", str(args.latency)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        try:
            base_url = server.stdout.readline().strip()  # type: ignore[union-attr]
            stage = build_stage("llm", "test-model", base_url, max_in_flight=args.workers)
            t = time.perf_counter()
            summary = run_batch(corpus[: args.model], io.StringIO(), stage, workers=args.workers)
            wall = time.perf_counter() - t
            with urllib.request.urlopen(base_url + "/stats") as resp:
                requests = json.load(resp)["requests"]
        finally:
            server.terminate()
        ideal = args.workers / args.latency
        achieved = requests / wall
        print(
            f"model path: {summary.ok} documents, {requests} requests in {wall:.1f} s at {args.latency} s latency, "
            f"{args.workers} workers: {achieved:.1f} requests/s of an ideal {ideal:.0f} = {achieved / ideal:.2f}"
        )

        peaks = []
        for n in sizes:
            folder = base / f"rss{n}"
            folder.mkdir()
            for p in corpus[:n]:
                (folder / p.name).symlink_to(p)
            peaks.append(_peak_rss_mb(folder, base / f"out{n}.jsonl"))
            print(f"peak RSS, {n} documents: {peaks[-1]:.1f} MB")
        if len(peaks) == 2:
            print(f"peak RSS ratio {sizes[1]} / {sizes[0]} documents: {peaks[1] / peaks[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
