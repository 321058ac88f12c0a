"""Which files a run extracts, the names records give them, and the doc_ids that stay theirs across runs.

A file is identified by its path as given (normalised): two byte-identical files at two paths are two
documents. A name that is not valid UTF-8 (Linux allows any bytes) is recorded with its bad bytes escaped
(``\\xb3``), so every record serialises; the file itself is still opened by its real name.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")  # scans, read by OCR (the [ocr] extra)
SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx", *IMAGE_SUFFIXES)


def display_path(path: str | Path) -> str:
    """The path as text that always encodes: undecodable bytes of a file name become ``\\xNN``."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


@dataclass(frozen=True, slots=True)
class InputFile:
    path: Path  # what the OS opens
    name: str  # what records and messages show (``source.path``)

    @classmethod
    def of(cls, path: str | Path) -> InputFile:
        normal = Path(os.path.normpath(path))
        return cls(normal, display_path(normal))

    @property
    def stem(self) -> str:
        return display_path(self.path.stem or self.path.name)


@dataclass
class Inputs:
    files: list[InputFile] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)  # dot-files and dot-folders passed over in folders


def collect_inputs(paths: Iterable[str | Path]) -> Inputs:
    """Files as given (any name, any suffix); folders walked recursively for report suffixes, in sorted
    order, passing over hidden entries (counted, so the run can say so). Each file once."""
    found = Inputs()
    seen: set[Path] = set()

    def add(path: Path) -> None:
        item = InputFile.of(path)
        if item.path not in seen:
            seen.add(item.path)
            found.files.append(item)

    for raw in paths:
        p = Path(raw)
        if not p.is_dir():
            add(p)  # a missing or odd path becomes a failure record naming it
            continue
        for root, dirs, files in os.walk(p):
            found.hidden += [display_path(Path(root) / d) + "/" for d in dirs if d.startswith(".")]
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if name.startswith("."):
                    found.hidden.append(display_path(Path(root) / name))
                elif name.lower().endswith(SUFFIXES):
                    add(Path(root) / name)
    return found


class DocIds:
    """File stems made unique within an output: a second 'report' becomes 'report-2'. A path that already
    has a record in the output keeps that record's doc_id, so a re-done document supersedes its old record."""

    def __init__(self) -> None:
        self._used: set[str] = set()
        self._by_path: dict[str, str] = {}

    def reserve(self, doc_id: str, name: str | None = None) -> None:
        """An id already used by a record of an earlier run of the same output (of file ``name``)."""
        self._used.add(doc_id)
        if name is not None:
            self._by_path.setdefault(name, doc_id)

    def of(self, item: InputFile) -> str:
        known = self._by_path.get(item.name)
        if known is not None:
            return known
        stem = item.stem
        doc_id, n = stem, 1
        while doc_id in self._used:
            n += 1
            doc_id = f"{stem}-{n}"
        self._used.add(doc_id)
        self._by_path[item.name] = doc_id
        return doc_id
