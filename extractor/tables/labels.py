"""Match a group's label text to a SPEC row key: an exact short label first (总计, 其他: too short to be
keywords), then keywords, then fuzzy matching.

The last keyword in the label text wins: labels accumulate across broken lines and merged cells
("三、本年度办理结果 (一)予以公开"), and the part nearest the values is the row's own label.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz, process

from .grouping import Group

_ENUMERATOR = re.compile(r"^(?:[(（]?[一二三四五六七八九十]{1,2}[)）、.]|[(（]?\d{1,2}[)）、.]?)+")
_PUNCT = re.compile(r"[\s,.:;、，。：；()（）\"“”'‘’《》〈〉【】\[\]]")

# Fuzzy label matching (OCR typos): rapidfuzz partial_ratio on punctuation-free text, 0..100.
FUZZY_CUTOFF = 80
# Lower bar when the neighbouring rows, matched by keyword, leave only a few rows possible here.
ORDERED_CUTOFF = 60


def strip_enumerator(text: str) -> str:
    return _ENUMERATOR.sub("", text.replace(" ", ""))


def compact(text: str) -> str:
    return _PUNCT.sub("", text)


class RowMatcher:
    """Maps label text to a row key for one table."""

    def __init__(self, keywords: dict[str, str], labels: dict[str, str], exact: dict[str, str] | None = None):
        self._regex = re.compile("|".join(f"(?P<{key}>{pattern})" for key, pattern in keywords.items()))
        self._exact = exact or {}
        # Two-character labels ("总计", "其他") are matched exactly only: fuzzily they are in everything.
        self._choices = {key: compact(label) for key, label in labels.items() if len(compact(label)) > 2}
        self.order = tuple(labels)

    def match(self, group: Group, fuzzy: bool = True) -> tuple[str, str] | None:
        """(row key, how) with how in keyword/exact/fuzzy, or None."""
        if not group.labels:
            return None
        return self._match(group.label_text, group.labels[-1].text, fuzzy)

    @lru_cache(maxsize=8192)  # noqa: B019 - matchers are module-level singletons; labels repeat across reports
    def _match(self, text: str, last_label: str, fuzzy: bool) -> tuple[str, str] | None:
        last = strip_enumerator(last_label)
        if last in self._exact:
            return self._exact[last], "exact"
        found = None
        for m in self._regex.finditer(text):
            found = m
        if found is not None and found.lastgroup is not None:
            return found.lastgroup, "keyword"
        if not fuzzy:
            return None
        best = self.closest(text, self._choices, FUZZY_CUTOFF)
        return (best, "fuzzy") if best else None

    def keys_in(self, text: str) -> set[str]:
        """Every row whose keyword appears in ``text`` (label text with spaces removed)."""
        return {m.lastgroup for m in self._regex.finditer(text) if m.lastgroup}

    def between(self, group: Group, candidates: list[str]) -> str | None:
        """The best of the rows the table's order leaves for this position (OCR-damaged labels)."""
        choices = {k: self._choices[k] for k in candidates if k in self._choices}
        return self.closest(group.label_text, choices, ORDERED_CUTOFF) if choices else None

    @staticmethod
    def closest(text: str, choices: dict[str, str], cutoff: float) -> str | None:
        query = compact(strip_enumerator(text))[-40:]
        if len(query) < 2:
            return None
        best = process.extractOne(query, choices, scorer=fuzz.partial_ratio, score_cutoff=cutoff)
        return str(best[2]) if best else None


def header_hits(text: str, labels: tuple[str, ...]) -> int:
    """How many of a format's header labels the header text shows, exactly (``header_hits_fuzzy`` is the
    fallback that tolerates OCR typos)."""
    flat = compact(text)
    return sum(1 for label in labels if compact(label) in flat)


def header_hits_fuzzy(text: str, labels: tuple[str, ...]) -> int:
    """Like header_hits but tolerant of OCR typos; only used when no header label matched exactly."""
    flat = compact(text)
    return sum(1 for label in labels if fuzz.partial_ratio(compact(label), flat) >= 85)
