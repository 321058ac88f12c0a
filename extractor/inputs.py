"""Which files a run reads, and the id each document gets in its output."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from .readers import SUFFIXES


def iter_inputs(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files as given; folders walked recursively for report files (.txt .md .html .htm .pdf .docx), in
    sorted order, hidden files skipped."""
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs.sort()
                for name in sorted(files):
                    if name.lower().endswith(SUFFIXES) and not name.startswith("."):
                        yield Path(root) / name
        else:
            yield p


class DocIds:
    """File stems made unique within a run: a second 'report' becomes 'report-2'."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def reserve(self, doc_id: str) -> None:
        """An id already used (by a record from an earlier run of the same output)."""
        self._used.add(doc_id)

    def next(self, path: Path) -> str:
        stem = path.stem or path.name
        doc_id, n = stem, 1
        while doc_id in self._used:
            n += 1
            doc_id = f"{stem}-{n}"
        self._used.add(doc_id)
        return doc_id
