"""DOCX files: paragraphs and tables in document order; merged cells (gridSpan, vMerge) keep their text in
their first position."""

from __future__ import annotations

import io
import zipfile

from docx import Document as open_docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.table import Table
from lxml import etree  # type: ignore[import-untyped]

from ..errors import DamagedDocumentError
from . import grid


def _table(table: Table) -> str:
    rows: list[list[tuple[str, int, int]]] = []
    for tr in table._tbl.tr_lst:
        cells = []
        for tc in tr.tc_lst:
            span = tc.grid_span
            v_merge = tc.tcPr.find(qn("w:vMerge")) if tc.tcPr is not None else None
            continued = v_merge is not None and v_merge.get(qn("w:val")) in (None, "continue")
            text = "" if continued else " ".join(_text(p) for p in tc.p_lst)
            cells.append((text, 1, span))
        rows.append(cells)
    return grid.render(grid.data_grid(rows))


def _text(p: object) -> str:
    """A paragraph element's text (its runs' w:t)."""
    return "".join(t.text or "" for t in p.iter(qn("w:t")))  # type: ignore[attr-defined]


def docx_text(data: bytes, path: str) -> str:
    try:
        doc = open_docx(io.BytesIO(data))
        out: list[str] = []
        for block in doc.element.body.iterchildren():
            if block.tag == qn("w:p"):
                out.append(_text(block))
            elif block.tag == qn("w:tbl"):
                out.append(_table(Table(block, doc)))
    except (zipfile.BadZipFile, KeyError, ValueError, AttributeError, etree.LxmlError, PackageNotFoundError) as exc:
        raise DamagedDocumentError(
            path, f"the DOCX file is damaged ({type(exc).__name__}: {exc})", "open it in Word/WPS and save it again"
        ) from None
    return "\n".join(line for line in out if line.strip()) + "\n"
