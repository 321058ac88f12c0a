"""The source text a record's spans index, read again for the review page, and rendered with its marks.

The text comes from ``extractor.readers.read`` (what spans index). When the file is gone or its sha256 is
not the one recorded, the spans would point at the wrong characters: the page says so and shows no text.
"""

from __future__ import annotations

import html
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

from markupsafe import Markup

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
    _starts: list[int] = field(default_factory=list, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._starts.extend(p[0] for p in self.pages or ())

    def page_of(self, offset: int) -> int | None:
        """1-based page of a text offset (PDFs), else None."""
        if not self._starts:
            return None
        return max(1, bisect_right(self._starts, offset))


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


@dataclass(frozen=True)
class Mark:
    """A highlighted span: ``key`` ties it to its table cell, item or finding; ``cls`` says its kind."""

    start: int
    end: int
    key: str
    cls: str


@lru_cache(maxsize=8192)
def _attr(value: str) -> str:
    """Attribute text, escaped; keys and classes repeat across documents, so this is mostly a lookup."""
    return html.escape(value)


def _open(m: Mark, src: SourceText) -> str:
    page = src.page_of(m.start)
    p = f' data-p="{page}"' if page is not None else ""
    return f'<mark class="{_attr(m.cls)}" data-k="{_attr(m.key)}"{p}>'


def render_text(src: SourceText, marks: Sequence[Mark], anchors: Sequence[tuple[int, Markup]] = ()) -> Markup:
    """The text, escaped, with each mark as ``<mark data-k=…>``. Marks that cross are split (closed and
    reopened) so the HTML nests; every piece carries its key. Anchors (page and section starts) are inserted."""
    text = src.text
    n = len(text)
    starts: dict[int, list[Mark]] = defaultdict(list)
    for m in marks:
        if 0 <= m.start < m.end <= n:
            starts[m.start].append(m)
    for group in starts.values():
        group.sort(key=lambda m: -m.end)  # the longest opens first, outermost
    at: dict[int, list[Markup]] = defaultdict(list)
    for pos, anchor in anchors:
        at[min(max(pos, 0), n)].append(anchor)
    bounds = sorted({0, n, *starts, *(m.end for group in starts.values() for m in group), *at})
    # Most reports hold no & < >: their pieces need no escaping (a third of the time on a page otherwise).
    plain = not any(c in text for c in "&<>")
    out: list[str] = []
    stack: list[Mark] = []
    first_end = n + 1  # the earliest end among the open marks
    prev = 0
    for pos in bounds:
        if pos > prev:
            piece = text[prev:pos]
            out.append(piece if plain else html.escape(piece, quote=False))
            prev = pos
        if first_end <= pos:
            ending = next(i for i, m in enumerate(stack) if m.end <= pos)
            reopen = sorted((m for m in stack[ending:] if m.end > pos), key=lambda m: -m.end)
            out.append("</mark>" * (len(stack) - ending))
            del stack[ending:]
            for m in reopen:
                out.append(_open(m, src))
                stack.append(m)
            first_end = min((m.end for m in stack), default=n + 1)
        if pos in at:
            out.extend(at[pos])
        for m in starts.get(pos, ()):
            out.append(_open(m, src))
            stack.append(m)
            first_end = min(first_end, m.end)
    out.append("</mark>" * len(stack))
    return Markup("".join(out))
