"""The source text a record's spans index, read again for the review page, with the marks laid over it.

The text comes from ``extractor.readers.read`` (what spans index). When the file is gone or its sha256 is
not the one recorded, the spans would point at the wrong characters: the page says so and shows no text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ..errors import InputError
from ..readers import read
from ..schema import Source

SourceState = Literal["ok", "missing", "changed", "unreadable"]


@dataclass(frozen=True)
class SourceText:
    state: SourceState
    message: str
    text: str = ""
    pages: Sequence[tuple[int, int]] | None = None


def _locate(path: str, base_dirs: Sequence[Path]) -> Path | None:
    p = Path(path)
    if p.is_file():
        return p
    if not p.is_absolute():
        for base in base_dirs:
            if (base / p).is_file():
                return base / p
    return None


def load_source(source: Source, base_dirs: Sequence[Path] = ()) -> SourceText:
    """Read the record's source file again (relative paths also against ``base_dirs``), checking its sha256."""
    found = _locate(source.path, base_dirs)
    if found is None:
        return SourceText(
            "missing",
            f"The source file {source.path} is not here, so the text and its highlights cannot be shown; the "
            "tables and findings below come from the record. Run the review where the file is, or next to it.",
        )
    try:
        doc = read(found)
    except (OSError, InputError) as exc:
        return SourceText("unreadable", f"The source file could not be read again: {exc}")
    if source.sha256 is not None and doc.sha256 != source.sha256:
        return SourceText(
            "changed",
            f"The file at {found} changed since it was extracted (sha256 {source.sha256[:12]}… recorded, "
            f"{doc.sha256[:12]}… now): the spans would point at the wrong text, so it is not shown. Re-extract it.",
        )
    pages = source.pages or (list(doc.pages) if doc.pages else None)
    return SourceText("ok", "", doc.text, pages)


Mark = tuple[int, int, str, str]  # start, end, key (ties it to its cell, item or finding), CSS class (its kind)
Anchor = tuple[int, str, str]  # position, kind ("pg": a page starts, "sec": a section starts), page or section


def text_data(src: SourceText, marks: list[Mark], anchors: list[Anchor]) -> dict[str, Any]:
    """The text and its marks as the page's script lays them out (with textContent: the text is never HTML).

    Offsets stay the record's (code points); ``astral`` lists where a character outside the Basic Multilingual
    Plane is (rare CJK, emoji), which JavaScript strings count as two units: the script shifts offsets by it.
    """
    text = src.text
    n = len(text)
    marks = sorted((m for m in marks if 0 <= m[0] < m[1] <= n), key=lambda m: (m[0], -m[1]))
    astral = [i for i, c in enumerate(text) if ord(c) > 0xFFFF] if len(text.encode("utf-16-le")) != 2 * n else []
    return {
        "text": text,
        "marks": marks,
        "anchors": [(min(max(a[0], 0), n), a[1], a[2]) for a in anchors],
        "pages": [p[0] for p in src.pages or ()],
        "astral": astral,
    }
