"""Batch extraction at scale, on this machine, through the ``extractor extract`` command as users run it.

    python benchmarks/bench_batch.py [--text 1000] [--pdf 100] [--model 200] [--latency 0.5] [--workers 16]
                                     [--resume 10000] [--skip jobs,model,batch-api,cost,resume]

1. every core: documents/s for N generated text reports and M generated PDFs with ``--jobs 1`` vs ``--jobs 2``
   (whole command, start-up included);
2. model path: N reports against the loopback test server (its own process) answering after ``latency`` s,
   ``workers`` requests in flight: achieved requests/s as a fraction of the ideal workers / latency, while the
   requests ran (the server's first request to its last answer) and over the whole command;
3. batch API: the same N reports as provider batches (``--via batch-api --wait``): wall time, HTTP requests,
   cost per document at an example price;
4. cost: a bundled document's cost at the example prices, from the tokens the local model used (cassettes);
5. resume: peak RSS of the main process for a fresh run over R documents vs re-running the same command over
   its R-record output (the resume scan streams: the two should be within 20%).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # type: ignore[import-untyped]  # noqa: E402

from benchmarks import readme_block  # noqa: E402
from extractor.llm.pricing import load_prices, money, price_for  # noqa: E402
from extractor.synthetic import LAYOUTS, generate  # noqa: E402
from extractor.synthetic.files import to_pdf  # noqa: E402

CLI = (
    "import resource, sys, json; from extractor.cli import main; code = main(sys.argv[1:]); "
    "me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss; kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss; "
    "print(json.dumps({'code': code, 'rss_kb': me, 'workers_rss_kb': kids}))"
)


def _corpus(folder: Path, n: int, pdf: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        path = folder / (f"r{i:05d}.pdf" if pdf else f"r{i:05d}.txt")
        if path.exists():
            continue
        doc = generate(i, "tab" if pdf else LAYOUTS[i % len(LAYOUTS)], zero_rate=0.2)
        if pdf:
            path.write_bytes(to_pdf(doc))
        else:
            path.write_text(doc.text, encoding="utf-8")
    return folder


def _extract(folder: Path, out: Path, *extra: str) -> tuple[float, dict[str, int]]:
    t = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", CLI, "extract", str(folder), "-o", str(out), "-q", *extra],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    wall = time.perf_counter() - t
    stats: dict[str, int] = json.loads(proc.stdout.strip().splitlines()[-1])
    if stats["code"] != 0:
        raise SystemExit(f"extract failed: {proc.stderr[-2000:]}")
    return wall, stats


def bench_jobs(base: Path, n_text: int, n_pdf: int) -> None:
    for kind, n in (("text", n_text), ("PDF", n_pdf)):
        folder = _corpus(base / kind, n, pdf=kind == "PDF")
        rates = {}
        for jobs in ("1", "2"):
            out = base / f"{kind}-{jobs}.jsonl"
            wall, _ = _extract(folder, out, "--jobs", jobs)
            rates[jobs] = n / wall
            out.unlink()
            print(f"{kind}: {n} documents, --jobs {jobs}: {wall:.1f} s = {rates[jobs]:.1f} documents/s")
        print(f"{kind}: --jobs 2 / --jobs 1 = {rates['2'] / rates['1']:.2f}x")


def _server(latency: float) -> tuple[subprocess.Popen[str], str]:
    """The test server in its own process, as a real endpoint would be."""
    server = subprocess.Popen(
        [sys.executable, "-m", "extractor.testserver", str(latency)], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    return server, server.stdout.readline().strip()  # type: ignore[union-attr]


def _stats(base_url: str) -> dict[str, Any]:
    with urllib.request.urlopen(base_url + "/stats") as resp:
        stats: dict[str, Any] = json.load(resp)
    return stats


def _model_corpus(base: Path, n: int) -> Path:
    folder = _corpus(base / "text", n)
    only = base / "model-in"
    if not only.exists():
        only.mkdir()
        for p in sorted(folder.iterdir())[:n]:
            (only / p.name).symlink_to(p)
    return only


def bench_model(base: Path, n: int, latency: float, workers: int) -> None:
    only = _model_corpus(base, n)
    server, base_url = _server(latency)
    try:
        args = ["--backend", "llm", "--base-url", base_url, "--model", "test-model", "--no-cache"]
        wall, _ = _extract(only, base / "model.jsonl", *args, "--workers", str(workers))
        stats = _stats(base_url)
    finally:
        server.terminate()
    ideal = workers / latency
    requests, busy = stats["requests"], stats.get("busy_s")
    window = (
        f"{requests / busy:.1f} requests/s of an ideal {ideal:.0f} = {requests / busy / ideal:.3f} while requests "
        f"ran ({busy:.1f} s, first request to last answer); "
        if busy
        else ""
    )
    print(
        f"model path: {n} documents, {requests} requests at {latency} s latency, {workers} workers: {window}"
        f"whole command {wall:.1f} s = {requests / wall / ideal:.2f} of the ideal (start-up and reading included)"
    )


def bench_batch_api(base: Path, n: int) -> None:
    """The same documents as provider batches: submit, wait (polling every second), collect, in one command;
    the cost per document with the bundled example price of gpt-4o-mini given to the test model."""
    only = _model_corpus(base, n)
    prices = base / "prices.toml"
    mini = price_for("gpt-4o-mini", load_prices())
    assert mini is not None
    prices.write_text(
        f'[models."test-model"]\ninput = {mini.input}\noutput = {mini.output}\nbatch = {mini.batch}\n', "utf-8"
    )
    server, base_url = _server(0.0)
    out = base / "batch-api.jsonl"
    try:
        args = ["--backend", "llm", "--base-url", base_url, "--model", "test-model", "--no-cache"]
        args += ["--prices", str(prices), "--via", "batch-api", "--wait", "--poll", "1"]
        wall, _ = _extract(only, out, *args)
        stats = _stats(base_url)  # (this request is counted too)
    finally:
        server.terminate()
    usage = [json.loads(line)["provenance"]["usage"] for line in out.read_text(encoding="utf-8").splitlines()]
    cost = sum(u["cost"] for u in usage) / len(usage)
    print(
        f"batch API: {len(usage)} documents recorded, {stats['batch_items']} requests answered in batches with "
        f"{stats['http_requests'] - 1} HTTP requests (upload, create, polls, downloads) and {stats['requests']} live, "
        f"{wall:.1f} s (whole command with --wait; the test server ends a batch at once); "
        f"{money(cost, mini.currency)} a document at gpt-4o-mini's example batch price (the test server's tokens)"
    )


def bench_cost() -> None:
    """What a bundled document costs at the example prices, from the tokens the local model really used on
    it (the recorded cassettes of tests/test_llm.py): live and as a provider batch."""
    table = load_prices()
    for cassette in sorted((ROOT / "cassettes" / "test_llm").glob("*grounded*.yaml")):
        data = yaml.safe_load(cassette.read_text(encoding="utf-8"))
        prompt = completion = 0
        for exchange in data["interactions"]:
            usage = json.loads(exchange["response"]["body"]["string"])["usage"]
            prompt, completion = prompt + usage["prompt_tokens"], completion + usage["completion_tokens"]
        costs = []
        for name in ("gpt-4o-mini", "gpt-4.1-mini", "qwen-plus"):
            price = table[name]
            live, batch = price.cost(prompt, completion), price.cost(prompt, completion, batched=True)
            costs.append(f"{name} {money(live, price.currency)} live, {money(batch, price.currency)} batch")
        doc = cassette.stem.split("[")[-1].rstrip("]")
        print(f"cost per document ({doc}: {prompt} prompt + {completion} completion tokens): " + "; ".join(costs))


def bench_resume(base: Path, n: int) -> None:
    folder = _corpus(base / "text", n)
    out = base / "resume.jsonl"
    wall, fresh = _extract(folder, out)
    size = out.stat().st_size / 2**20
    print(f"fresh run, {n} documents: {wall:.1f} s, main process peak RSS {fresh['rss_kb'] / 1024:.1f} MB")
    wall, resumed = _extract(folder, out)
    print(
        f"resume over the {n}-record output ({size:.0f} MB): {wall:.1f} s, main process peak RSS "
        f"{resumed['rss_kb'] / 1024:.1f} MB; ratio {resumed['rss_kb'] / fresh['rss_kb']:.2f}"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--text", type=int, default=1000)
    ap.add_argument("--pdf", type=int, default=100)
    ap.add_argument("--model", type=int, default=200)
    ap.add_argument("--latency", type=float, default=0.5)
    ap.add_argument("--workers", type=int, default=16)
    ap.add_argument("--resume", type=int, default=10000)
    ap.add_argument("--skip", default="", help="comma-separated parts to skip: jobs, model, batch-api, cost, resume")
    ap.add_argument("--keep", help="reuse this folder for the generated corpora instead of a temporary one")
    ap.add_argument("--readme", action="store_true", help="write what it printed into README.md's bench:batch block")
    args = ap.parse_args()
    skip = set(args.skip.split(",")) - {""}
    print(f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores; python {sys.version.split()[0]}")
    printed = io.StringIO()
    with tempfile.TemporaryDirectory() as tmp, contextlib.redirect_stdout(_Tee(sys.stdout, printed)):
        base = Path(args.keep) if args.keep else Path(tmp)
        if "jobs" not in skip:
            bench_jobs(base, args.text, args.pdf)
        if "model" not in skip:
            bench_model(base, args.model, args.latency, args.workers)
        if "batch-api" not in skip:
            bench_batch_api(base, args.model)
        if "cost" not in skip:
            bench_cost()
        if "resume" not in skip:
            bench_resume(base, args.resume)
    if args.readme:
        argv = sys.argv[1:]
        if args.keep:  # where the corpora were kept says nothing about the figures
            at = argv.index("--keep")
            argv = argv[:at] + argv[at + 2 :]
        lines = "\n".join(f"    {line}" for line in printed.getvalue().splitlines())
        readme_block.update("batch", f"{readme_block.header('bench_batch.py', argv)}:\n\n{lines}")
    return 0


class _Tee(io.TextIOBase):
    """What the benchmark prints, shown as it goes and kept for the README."""

    def __init__(self, *streams: Any) -> None:
        self.streams = streams

    def write(self, text: str) -> int:
        for stream in self.streams:
            stream.write(text)
        return len(text)

    def flush(self) -> None:
        for stream in self.streams:
            stream.flush()


if __name__ == "__main__":
    raise SystemExit(main())
