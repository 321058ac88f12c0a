"""Which PDF reader reads CJK report tables best: cell accuracy and time per page of the reader (PDFium's
characters and paths laid out by pdfplumber's table finder and text lines), pdfplumber alone (the same layout
on pdfminer's parse, the reader before) and pypdf (text only, so tables arrive flattened and blanks vanish).

    python benchmarks/bench_pdf.py [--n 40]
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.ingest import Document  # noqa: E402
from extractor.pipeline import extract_document  # noqa: E402
from extractor.readers.pdf import pdf_text  # noqa: E402
from extractor.synthetic import generate  # noqa: E402
from extractor.synthetic.files import to_pdf  # noqa: E402


def _pypdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=40)
    args = ap.parse_args()
    readers = {
        "reader": lambda data: pdf_text(data, "x.pdf")[0],
        "pdfplumber": lambda data: pdf_text(data, "x.pdf", pdfium_objects=False)[0],
        "pypdf": _pypdf_text,
    }
    pages = 0
    totals = {name: [0, 0, 0.0] for name in readers}  # right, cells, seconds
    for i in range(args.n):
        doc = generate(
            i,
            "tab",
            ("2019", "2021")[i % 2],
            ("2019", "2021")[i // 2 % 2],
            zero_rate=0.2,
            blank_rate=0.1 if i % 3 == 0 else 0.0,
        )
        data = to_pdf(doc)
        pages += len(pdf_text(data, "x.pdf")[1])
        for name, reader in readers.items():
            t = time.perf_counter()
            text = reader(data)
            totals[name][2] += time.perf_counter() - t
            report = extract_document(Document.from_text(text), "x")
            tables = {"table2": report.table2, "table3": report.table3, "table4": report.table4}
            for path in doc.cells:
                table, row, col = path.split(".")
                cell = (tables[table] or {}).get(row, {}).get(col)
                totals[name][1] += 1
                totals[name][0] += cell is not None and cell["value"] == doc.values.get(path)
    print(f"{args.n} generated PDFs (STSong-Light CID font, ruled tables with merged label cells, 1/3 with blanks)")
    for name, (right, cells, seconds) in totals.items():
        print(f"  {name:11} cell accuracy {right / cells:.4f}   {seconds / pages * 1e3:.0f} ms per page to text")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
