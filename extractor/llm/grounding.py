"""Locate a model's item in the source: exact, then on normalised text, then fuzzy alignment.

A fuzzy hit replaces the item's text with the source text it aligned to, so every grounded item is
verbatim; an item found nowhere is kept, flagged ``grounding='none'``, and reported (G1).
"""

from __future__ import annotations

from rapidfuzz import fuzz

from ..ingest import Document, normalise

# rapidfuzz partial_ratio (0..100) an alignment needs, and the shortest text aligned fuzzily: a short name
# one character off is another name ("政府信息公开平台" is not "政府信息公开工作"), so it must match exactly.
FUZZY_MIN = 90
FUZZY_MIN_CHARS = 10


def ground(doc: Document, text: str, start: int, end: int) -> tuple[str, tuple[int, int] | None, str]:
    """(text, span, how) for ``text`` searched in ``doc`` between ``start`` and ``end``."""
    needle = text.strip()
    if not needle:
        return text, None, "none"
    at = doc.text.find(needle, start, end)
    if at >= 0:
        return needle, (at, at + len(needle)), "exact"
    norm_needle = normalise(needle)
    at = doc.norm.find(norm_needle, start, end)
    if at >= 0:
        return doc.text[at : at + len(needle)], (at, at + len(needle)), "exact"
    if len(norm_needle) >= FUZZY_MIN_CHARS:
        hit = fuzz.partial_ratio_alignment(norm_needle, doc.norm[start:end], score_cutoff=FUZZY_MIN)
        if hit is not None and hit.dest_end > hit.dest_start:
            s, e = start + hit.dest_start, start + hit.dest_end
            return doc.text[s:e], (s, e), "fuzzy"
    return needle, None, "none"
