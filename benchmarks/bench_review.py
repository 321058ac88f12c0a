"""Build time and size of a review site for a large batch, and whether its index stays usable.

    python benchmarks/bench_review.py [--documents 5000] [--jobs N] [--html 0] [--keep DIR] [--json out.json]

Generates N synthetic reports (every layout, both formats, a fifth with one rule broken) as .txt files,
extracts them to a JSONL file (not timed), then times ``build_from_jsonl`` with 1 process and with ``--jobs``
(default: the CPUs available). ``--html K`` also writes the first K reports as HTML pages and extracts those,
since re-reading an HTML source (BeautifulSoup) costs more than a text file. When Playwright and
/usr/bin/chromium are there, it also loads the index in headless Chromium and times the first render, a rule
filter and a sort.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.pipeline import extract_path  # noqa: E402
from extractor.review.site import build_from_jsonl  # noqa: E402
from extractor.synthetic import LAYOUTS, RULES, generate  # noqa: E402
from extractor.synthetic.files import to_html  # noqa: E402


def _corpus(folder: Path, n: int, html: int) -> Path:
    rng = random.Random(2024)
    out = folder / "out.jsonl"
    src = folder / "src"
    src.mkdir()
    with open(out, "w", encoding="utf-8") as fh:
        for i in range(n):
            doc = generate(
                i,
                LAYOUTS[i % len(LAYOUTS)],
                rng.choice(["2019", "2021"]),
                rng.choice(["2019", "2021"]),
                subtotal=rng.random() < 0.2,
                blank_rate=rng.choice([0.0, 0.0, 0.1]),
                break_rule=rng.choice(RULES) if rng.random() < 0.2 else None,
            )
            path = src / f"gen_{i:05d}.html" if i < html else src / f"gen_{i:05d}.txt"
            if i < html:
                path.write_bytes(to_html(doc))
            else:
                path.write_text(doc.text, encoding="utf-8")
            fh.write(extract_path(path, path.stem).model_dump_json() + "\n")
    return out


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the page workers): on a shared machine wall
    time says how loaded it was, CPU time what the build costs."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _build(jsonl: Path, site: Path, jobs: int) -> dict[str, float]:
    shutil.rmtree(site, ignore_errors=True)
    t, cpu0 = time.perf_counter(), _cpu()
    summary = build_from_jsonl(jsonl, site, jobs)
    wall, cpu = time.perf_counter() - t, _cpu() - cpu0
    pages = sorted((site / "docs").glob("*.html"), key=lambda p: p.stat().st_size)
    return {
        "jobs": summary.jobs,
        "documents": summary.documents,
        "seconds": wall,
        "ms_per_document": wall / summary.documents * 1e3,
        "cpu_ms_per_document": cpu / summary.documents * 1e3,
        "site_mb": summary.bytes / 1e6,
        "index_kb": (site / "index.html").stat().st_size / 1e3,
        "page_kb_median": pages[len(pages) // 2].stat().st_size / 1e3,
        "page_kb_max": pages[-1].stat().st_size / 1e3,
    }


def _browser(site: Path) -> dict[str, float] | None:
    """Index load, rule filter and sort in headless Chromium, in ms (None without Playwright or Chromium)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not Path("/usr/bin/chromium").exists():
        return None
    flags = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=flags)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        t = time.perf_counter()
        page.goto((site / "index.html").as_uri())
        page.wait_for_selector("#docs tbody tr")
        load = (time.perf_counter() - t) * 1e3
        rule = page.eval_on_selector("#rule option:nth-child(2)", "o => o.value")
        t = time.perf_counter()
        page.select_option("#rule", rule)
        page.wait_for_function("document.querySelector('#shown').textContent.includes('matching')")
        filt = (time.perf_counter() - t) * 1e3
        t = time.perf_counter()
        page.click("th[data-sort=e]")
        page.wait_for_selector("th.desc")
        sort = (time.perf_counter() - t) * 1e3
        browser.close()
    return {"index_load_ms": load, "filter_ms": filt, "sort_ms": sort}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--documents", type=int, default=5000)
    ap.add_argument("--jobs", type=int, default=None, help="processes for the parallel build (default: CPUs)")
    ap.add_argument("--html", type=int, default=0, help="how many of the reports are HTML pages")
    ap.add_argument("--keep", help="build the site here and keep it (default: a temporary folder)")
    ap.add_argument("--json", help="also write the results here")
    args = ap.parse_args()
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        jsonl = _corpus(Path(tmp), args.documents, args.html)
        print(
            f"corpus: {args.documents} reports ({args.html} HTML) extracted in {time.perf_counter() - t:.1f} s; "
            f"JSONL {jsonl.stat().st_size / 1e6:.1f} MB; {cpus} CPU(s), load {os.getloadavg()[0]:.1f}"
        )
        site = Path(args.keep) if args.keep else Path(tmp) / "site"
        results = {"one_process": _build(jsonl, site, 1)}
        if (args.jobs or cpus) > 1:
            results["parallel"] = _build(jsonl, site, args.jobs or cpus)
        browser = _browser(site)
    for name, r in results.items():
        print(
            f"{name:12} jobs {r['jobs']:>2}: {r['documents']} documents in {r['seconds']:.1f} s "
            f"({r['ms_per_document']:.2f} ms each, CPU {r['cpu_ms_per_document']:.2f} ms); site {r['site_mb']:.0f} MB, index {r['index_kb']:.0f} kB, "
            f"page median {r['page_kb_median']:.0f} kB (max {r['page_kb_max']:.0f} kB)"
        )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {rss:.0f} MB")
    if browser:
        print(
            f"index in headless Chromium: first render {browser['index_load_ms']:.0f} ms, rule filter "
            f"{browser['filter_ms']:.0f} ms, sort {browser['sort_ms']:.0f} ms"
        )
        results["browser"] = browser
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
