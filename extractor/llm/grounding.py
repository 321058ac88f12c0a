"""Locate a model's item in the source: exact, then on normalised text, then fuzzy alignment.

A fuzzy hit replaces the item's text with the source text it aligned to, so every grounded item is
verbatim; an item found nowhere is kept, flagged ``grounding='none'``, and reported (G1).
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from ..ingest import Document, normalise
from ..types import Grounding, Span

# rapidfuzz partial_ratio (0..100) an alignment needs, and the shortest text aligned fuzzily: a short name
# one character off is another name ("政府信息公开平台" is not "政府信息公开工作"), so it must match exactly.
FUZZY_MIN = 90
FUZZY_MIN_CHARS = 10


def ground(doc: Document, text: str, start: int, end: int) -> tuple[str, Span | None, Grounding]:
    """(text, span, how) for ``text`` searched in ``doc`` between ``start`` and ``end``."""
    needle = text.strip()
    if not needle:
        return text, None, Grounding.NONE
    at = doc.text.find(needle, start, end)
    if at >= 0:
        return needle, (at, at + len(needle)), Grounding.EXACT
    norm_needle = normalise(needle)
    at = doc.norm.find(norm_needle, start, end)
    if at >= 0:
        return doc.text[at : at + len(needle)], (at, at + len(needle)), Grounding.EXACT
    if len(norm_needle) >= FUZZY_MIN_CHARS:
        hit = fuzz.partial_ratio_alignment(norm_needle, doc.norm[start:end], score_cutoff=FUZZY_MIN)
        if hit is not None and hit.dest_end > hit.dest_start:
            s, e = _snap(doc.norm, start + hit.dest_start, start + hit.dest_end, start, end)
            return doc.text[s:e], (s, e), Grounding.FUZZY
    return needle, None, Grounding.NONE


_OPEN = re.compile(r"(?:[一二三四五六七八九十]是|[(（][一二三四五六七八九十][)）]|\d{1,2}[.、])$")
_CLOSE = "。；;！!？?"
_SNAP = 6  # characters an aligned window may be moved to reach the item's true edges


def _snap(norm: str, s: int, e: int, lo: int, hi: int) -> Span:
    """Move the aligned window's edges to the item's own: the alignment has the model text's length, so a
    model that dropped or added a word leaves it cutting into the item or into the enumerator before it."""
    back = norm.rfind("\n", max(lo, s - _SNAP), s)
    for i in range(s, max(lo, s - _SNAP) - 1, -1):  # start after a sentence break or an enumerator
        if i == lo or norm[i - 1] in _CLOSE + "\n:：" or _OPEN.search(norm, max(lo, i - 3), i):
            s = i
            break
    else:
        s = max(s, back + 1)
    stop = min(hi, e + _SNAP)
    for i in range(max(s + 1, e - 1), stop):  # end at the sentence end
        if norm[i] in _CLOSE:
            e = i + 1
            break
        if norm[i] == "\n":
            e = i
            break
    m = _OPEN.match(norm, s)
    if m is None:
        lead = re.match(r"[一二三四五六七八九十]是|[(（][一二三四五六七八九十][)）]|\d{1,2}[.、]", norm[s:e])
        if lead:
            s += lead.end()
    return s, e
