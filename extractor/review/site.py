"""The review site: one self-contained HTML page per document (CSS and script inline, no network, works from
``file://``) under ``docs/``, and ``index.html`` listing every document for triage.

Records are streamed: a page is written as its record is read, and only one small index row per document is
kept, so a 5,000-document batch is built in one pass with flat memory.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from .. import __version__
from ..errors import RecordError
from ..paths import cores
from ..records import LineRef, Record, latest_refs, parse_record, read_ref
from ..schema import FailureRecord, Report
from .page import page_context, text_json
from .source import SourceText, load_source

MARKER = ".extractor-review"  # a folder holding this is ours: stale pages in it may be removed
_SAFE = re.compile(r"[^0-9A-Za-z_.\-\u4e00-\u9fff]")


def _num(v: Any) -> str:
    if v is None:
        return "·"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def _asset(name: str) -> Markup:
    """Our own CSS and script, inlined as they are (never document text)."""
    return Markup((files("extractor.review") / "templates" / name).read_text(encoding="utf-8"))


class Renderer:
    """Jinja templates with autoescape on; the assets read once."""

    def __init__(self) -> None:
        self.env = Environment(
            loader=PackageLoader("extractor.review", "templates"),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.globals.update(num=_num, version=__version__)
        # tojson: compact, CJK as is (half the bytes of \\u escapes), keys in our order; still HTML-safe.
        self.env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "separators": (",", ":"), "sort_keys": False}
        self.page = self.env.get_template("page.html")
        self.index = self.env.get_template("index.html")
        self.page_assets = {"css": _asset("page.css"), "js": _asset("page.js")}
        self.index_assets = {"css": _asset("index.css"), "js": _asset("index.js")}

    def render_page(self, record: Record, src: SourceText, prev: str | None = None, next: str | None = None) -> str:
        nav = {"prev": prev, "next": next, "source": src, **self.page_assets}
        nav |= {"title": getattr(record, "title", None), "organ": getattr(record, "organ", None)}
        nav["year"] = getattr(record, "year", None)
        if isinstance(record, FailureRecord):
            data = {
                "doc": record.doc_id,
                "cells": {},
                "labels": {},
                "items": {},
                "findings": [],
                **text_json(record, src),
            }
            return self.page.render(doc=record, failure=True, sections=[], data=data, **nav)
        return self.page.render(doc=record, failure=False, **page_context(record, src), **nav)


def page_names(doc_ids: Iterable[str]) -> dict[str, str]:
    """A file name per doc_id, unique even on a case-insensitive disk: the id itself when it is made of
    safe characters, else the id made safe plus a short hash of it."""
    names: dict[str, str] = {}
    used: set[str] = set()
    for doc_id in doc_ids:
        slug = _SAFE.sub("_", doc_id)[:80].lstrip(".") or "doc"
        if slug != doc_id or slug.lower() in used:
            slug = f"{slug}-{hashlib.sha1(doc_id.encode()).hexdigest()[:8]}"
        used.add(slug.lower())
        names[doc_id] = slug + ".html"
    return names


@dataclass
class SiteSummary:
    index: Path
    documents: int = 0
    failed: int = 0
    sources_not_shown: int = 0
    bytes: int = 0
    seconds: float = 0.0
    jobs: int = 1
    malformed: list[str] = field(default_factory=list)
    pages: dict[str, Path] = field(default_factory=dict)  # doc_id -> page, for the first few (messages)


@dataclass(frozen=True)
class PageDone:
    """What a page's rendering hands back to the index: small, so pages can be made in other processes."""

    row: dict[str, Any]
    rules: list[tuple[str, str, int]]  # (rule, worst severity, findings) in this document
    nbytes: int


def _index_row(record: Record, href: str, src: SourceText) -> dict[str, Any]:
    row: dict[str, Any] = {"h": href, "id": record.doc_id, "p": record.source.path, "src": src.state}
    if isinstance(record, FailureRecord):
        row.update(o="", y=None, t="", s="failed", f="", e=0, w=0, r=[], m=record.error.message, x=record.error.type)
        return row
    errors = sum(1 for f in record.findings if f.severity == "error")
    row.update(
        o=record.organ or "",
        y=record.year,
        t=(record.title or "")[:120],
        s="ok",
        f=f"{record.format.table2 or '?'}/{record.format.table3 or '?'}",
        e=errors,
        w=len(record.findings) - errors,
        r=sorted({f.rule for f in record.findings}),
        m="",
        x="",
    )
    return row


def write_page(
    renderer: Renderer,
    record: Record,
    docs: Path,
    name: str,
    nav: tuple[str | None, str | None],
    base_dirs: Sequence[Path],
) -> PageDone:
    src = load_source(record.source, base_dirs)
    data = renderer.render_page(record, src, *nav).encode("utf-8")
    (docs / name).write_bytes(data)
    rules: dict[str, tuple[str, str, int]] = {}
    for f in record.findings if isinstance(record, Report) else ():
        _, severity, n = rules.get(f.rule, (f.rule, "warning", 0))
        rules[f.rule] = (f.rule, "error" if f.severity == "error" else severity, n + 1)
    return PageDone(_index_row(record, f"docs/{name}", src), list(rules.values()), len(data))


class _Index:
    """The index rows and rule counts, gathered as pages are written."""

    def __init__(self, out_dir: Path, origin: str) -> None:
        self.out = out_dir
        self.docs = out_dir / "docs"
        self.origin = origin
        self.rows: list[dict[str, Any]] = []
        self.rules: dict[str, list[Any]] = {}  # rule -> [worst severity, documents, findings]
        self.summary = SiteSummary(index=out_dir / "index.html")
        self.written: set[str] = set()
        ours = (out_dir / MARKER).exists()
        self.docs.mkdir(parents=True, exist_ok=True)
        (out_dir / MARKER).write_text("written by 'extractor review'; pages in docs/ are replaced on each run\n")
        self.stale = {p.name for p in self.docs.glob("*.html")} if ours else set()

    def add(self, done: PageDone) -> None:
        s = self.summary
        row = done.row
        name = row["h"].removeprefix("docs/")
        self.written.add(name)
        s.documents += 1
        s.bytes += done.nbytes
        s.failed += row["s"] == "failed"
        s.sources_not_shown += row["src"] != "ok"
        if len(s.pages) < 20:
            s.pages[row["id"]] = self.docs / name
        self.rows.append(row)
        for rule, severity, n in done.rules:
            entry = self.rules.setdefault(rule, ["warning", 0, 0])
            entry[0] = "error" if severity == "error" else entry[0]
            entry[1] += 1
            entry[2] += n

    def finish(self, renderer: Renderer) -> SiteSummary:
        for name in self.stale - self.written:
            (self.docs / name).unlink(missing_ok=True)
        ok = [r for r in self.rows if r["s"] == "ok"]
        stats = {
            "ok": len(ok),
            "failed": len(self.rows) - len(ok),
            "errors": sum(1 for r in ok if r["e"]),
            "warnings": sum(1 for r in ok if r["w"]),
            "clean": sum(1 for r in ok if not r["e"] and not r["w"]),
            "nosource": sum(1 for r in self.rows if r["src"] != "ok"),
        }
        html = renderer.index.render(
            rows=self.rows,
            total=len(self.rows),
            stats=stats,
            rules=[(rule, sev, docs, n) for rule, (sev, docs, n) in sorted(self.rules.items())],
            origin=self.origin,
            built=datetime.now().strftime("%Y-%m-%d %H:%M"),
            malformed=self.summary.malformed,
            **renderer.index_assets,
        )
        data = html.encode("utf-8")
        self.summary.index.write_bytes(data)
        self.summary.bytes += len(data)
        return self.summary


def build_from_records(
    records: Sequence[Record], out_dir: str | Path, origin: str, base_dirs: Sequence[Path] = ()
) -> SiteSummary:
    """A site for records already in memory (``extractor review REPORT.pdf``)."""
    t0 = time.perf_counter()
    index = _Index(Path(out_dir), origin)
    renderer = Renderer()
    names = page_names(r.doc_id for r in records)
    order = [names[r.doc_id] for r in records]
    for i, record in enumerate(records):
        nav = (order[i - 1] if i else None, order[i + 1] if i + 1 < len(order) else None)
        index.add(write_page(renderer, record, index.docs, order[i], nav, base_dirs))
    summary = index.finish(renderer)
    summary.seconds = time.perf_counter() - t0
    return summary


# --- a JSONL file, pages made by worker processes -------------------------------------------------------

_Task = tuple[LineRef, str, tuple[str | None, str | None]]
_worker: tuple[Renderer, Path, Path, list[Path]] | None = None


def _init_worker(jsonl: Path, docs: Path, base_dirs: list[Path]) -> None:
    global _worker
    _worker = (Renderer(), jsonl, docs, base_dirs)


def _page_task(task: _Task) -> PageDone | str:
    """Read one record by its byte range, write its page; a malformed line comes back as its message."""
    assert _worker is not None
    renderer, jsonl, docs, base_dirs = _worker
    ref, name, nav = task
    try:
        record = parse_record(jsonl, ref.line_no, read_ref(jsonl, ref))
    except RecordError as exc:
        return str(exc)
    return write_page(renderer, record, docs, name, nav, base_dirs)


def build_from_jsonl(path: str | Path, out_dir: str | Path, jobs: int | None = None) -> SiteSummary:
    """A site for a JSONL file of records, each document at its latest record, in file order. ``jobs``
    processes write the pages (default: the CPUs this process may use); each is handed byte ranges, not
    records, so memory stays flat. Relative source paths are found from the current folder, else from the
    JSONL's folder."""
    t0 = time.perf_counter()
    jsonl = Path(path)
    index = _Index(Path(out_dir), str(path))
    refs = latest_refs(jsonl)
    ids = [r.doc_id for r in refs if r.doc_id is not None]
    names = page_names(ids)
    order = [names[i] for i in ids]
    tasks: list[_Task] = []
    k = 0
    for ref in refs:
        if ref.doc_id is None:
            tasks.append((ref, "", (None, None)))
            continue
        tasks.append((ref, order[k], (order[k - 1] if k else None, order[k + 1] if k + 1 < len(order) else None)))
        k += 1
    jobs = max(1, min(jobs or cores(), len(tasks) // 50 or 1))  # a small site is not worth the processes
    init = (jsonl, index.docs, [jsonl.resolve().parent])
    if jobs == 1:
        _init_worker(*init)
        results: Iterable[PageDone | str] = map(_page_task, tasks)
        _collect(index, results)
    else:
        with multiprocessing.Pool(jobs, _init_worker, init) as pool:
            _collect(index, pool.imap(_page_task, tasks, chunksize=16))
    summary = index.finish(Renderer())
    summary.jobs = jobs
    summary.seconds = time.perf_counter() - t0
    return summary


def _collect(index: _Index, results: Iterable[PageDone | str]) -> None:
    for done in results:
        if isinstance(done, str):
            index.summary.malformed.append(done)
        else:
            index.add(done)
