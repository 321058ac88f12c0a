"""Speed of each reader against the fastest text-only extraction of the same format, timed interleaved.

    python benchmarks/bench_read.py [--docs 12] [--rounds 3] [--readme]

PDFs are generated reports in every layout (reportlab, a CJK CID font, ruled tables with merged cells, 2-4
pages each); HTML is the real saved pages in evals/real/documents plus generated pages (UTF-8, GBK and Word's
markup); DOCX is generated. Each round reads every file once with every reader of its format, in turn; a
file's time is its fastest round, per page for PDFs (HTML and DOCX have no pages: per document), and each row
is the median over files. The baseline of a format is the fastest way to get its text and nothing else
(PDFium's text for a PDF, lxml's ``text_content`` for a page, the ``w:t`` runs of a DOCX): no tables, no
reading order, no page furniture dropped. ``--readme`` writes the table into README.md's ``bench:read`` block.
"""

from __future__ import annotations

import argparse
import io
import re
import statistics
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import readme_block  # noqa: E402
from extractor.readers.docx import docx_text  # noqa: E402
from extractor.readers.html import html_page  # noqa: E402
from extractor.readers.pdf import pdf_text  # noqa: E402
from extractor.synthetic import ALL_LAYOUTS, generate  # noqa: E402
from extractor.synthetic.files import to_docx, to_html, to_pdf  # noqa: E402

Reader = Callable[[bytes], Any]
_W_T = re.compile(rb"<w:t(?: [^>]*)?>([^<]*)</w:t>")


def _pdfium_text(data: bytes) -> Any:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        return [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()


def _plumber(data: bytes, what: str) -> Any:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            if what == "text":
                page.extract_text()
            else:
                [t.extract() for t in page.find_tables()]


def _lxml_text(data: bytes) -> Any:
    import lxml.html  # type: ignore[import-untyped]

    return lxml.html.fromstring(data).text_content()


def _docx_runs(data: bytes) -> Any:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return b"".join(_W_T.findall(z.read("word/document.xml"))).decode("utf-8")


FORMATS: dict[str, tuple[tuple[str, Reader], list[tuple[str, Reader]]]] = {
    "pdf": (
        ("pypdfium2 text", _pdfium_text),
        [
            ("pdf: PDFium objects, pdfplumber tables and lines (the reader)", lambda d: pdf_text(d, "x.pdf")),
            (
                "pdf: pdfplumber alone (pdfminer; the reader before)",
                lambda d: pdf_text(d, "x.pdf", pdfium_objects=False),
            ),
            ("pdfplumber text only", lambda d: _plumber(d, "text")),
            ("pdfplumber tables only", lambda d: _plumber(d, "tables")),
        ],
    ),
    "html": (("lxml text_content", _lxml_text), [("html (the reader)", lambda d: html_page(d, "x.html"))]),
    "docx": (("w:t runs (zipfile + regex)", _docx_runs), [("docx (the reader)", lambda d: docx_text(d, "x.docx"))]),
}


def _corpus(n: int) -> dict[str, list[tuple[bytes, int]]]:
    """Files per format, each with its page count (1 for HTML and DOCX)."""
    docs = [
        generate(
            i,
            ALL_LAYOUTS[i % len(ALL_LAYOUTS)],
            ("2019", "2021")[i % 2],
            ("2021", "2019")[i // 2 % 2],
            zero_rate=0.2,
            blank_rate=0.1 if i % 3 == 0 else 0.0,
        )
        for i in range(n)
    ]
    pdfs = [to_pdf(d) for d in docs]
    pages = [len(p) for p in _pdfium_text_pages(pdfs)]
    html = [p.read_bytes() for p in sorted((ROOT / "evals" / "real" / "documents").glob("*.html"))]
    html += [to_html(d, ("utf-8", "gbk")[i % 2], word=i % 3 == 0) for i, d in enumerate(docs)]
    return {
        "pdf": list(zip(pdfs, pages, strict=True)),
        "html": [(h, 1) for h in html],
        "docx": [(to_docx(d), 1) for d in docs],
    }


def _pdfium_text_pages(pdfs: list[bytes]) -> list[list[str]]:
    return [_pdfium_text(p) for p in pdfs]


def _time(fn: Reader, data: bytes) -> float:
    t = time.perf_counter()
    fn(data)
    return time.perf_counter() - t


def measure(corpus: dict[str, list[tuple[bytes, int]]], rounds: int) -> list[tuple[str, str, int, int, float, float]]:
    """(format, reader, files, pages, median ms a page, the baseline's median ms a page)."""
    rows = []
    for fmt, ((base_name, base), readers) in FORMATS.items():
        files = corpus[fmt]
        best = {name: [float("inf")] * len(files) for name, _ in [(base_name, base), *readers]}
        for data, _ in files:  # warm imports and caches
            for _, fn in [(base_name, base), *readers]:
                fn(data)
        for r in range(rounds):
            for f, (data, _) in enumerate(files):
                order = [(base_name, base), *readers]
                for name, fn in order if (r + f) % 2 else reversed(order):
                    best[name][f] = min(best[name][f], _time(fn, data))
        pages = [p for _, p in files]
        per_page = {
            name: statistics.median(t / p * 1e3 for t, p in zip(ts, pages, strict=True)) for name, ts in best.items()
        }
        for name, _ in readers:
            rows.append((fmt, name, len(files), sum(pages), per_page[name], per_page[base_name]))
        rows.append((fmt, f"baseline: {base_name}", len(files), sum(pages), per_page[base_name], per_page[base_name]))
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=12, help="generated reports per format")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--readme", action="store_true", help="write the table into README.md's bench:read block")
    args = ap.parse_args(argv)
    rows = measure(_corpus(args.docs), args.rounds)
    lines = [
        "| format | reader | files | pages | median ms a page | baseline ms a page | × baseline |",
        "|---|---|---|---|---|---|---|",
    ]
    for fmt, name, files, pages, ms, base in rows:
        lines.append(f"| {fmt} | {name} | {files} | {pages} | {ms:.1f} | {base:.1f} | {ms / base:.1f}× |")
    table = "\n".join(lines)
    print(table)
    if args.readme:
        argv_shown = sys.argv[1:] if argv is None else argv
        readme_block.update("read", f"{readme_block.header('bench_read.py', argv_shown)}:\n\n{table}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
