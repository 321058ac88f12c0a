"""One-to-one matching of predicted and gold items by text similarity, with an optimal assignment.

Similarity is rapidfuzz's normalised Indel ratio (0..1) on whitespace-free text. Similarities under the
threshold count as 0, then scipy's linear_sum_assignment (Hungarian algorithm) picks the pairing with the
largest total: greedy matching would let an item take its best partner and leave another item unmatched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cdist
from scipy.optimize import linear_sum_assignment

# An item matches when its similarity to the gold item is at least this. 0.6 accepts an item that is the
# gold text with a clause more or less (a different split of the same sentence) and rejects a different
# problem that merely shares words (measured on the bundled documents: same-topic items score 0.3-0.5).
ITEM_THRESHOLD = 0.6
# Platform names are short: "政府网站" vs "政府门户网站" (0.80) or "政务公开栏" vs "政府公开栏" (0.80) are
# different names, so only a near-identical name matches.
NAME_THRESHOLD = 0.85

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class MatchResult:
    pairs: list[tuple[int, int, float]]  # (predicted index, gold index, similarity), matches only
    n_predicted: int
    n_gold: int

    @property
    def precision(self) -> float:
        return len(self.pairs) / self.n_predicted if self.n_predicted else (1.0 if not self.n_gold else 0.0)

    @property
    def recall(self) -> float:
        return len(self.pairs) / self.n_gold if self.n_gold else (1.0 if not self.n_predicted else 0.0)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def unmatched_gold(self) -> list[int]:
        matched = {g for _, g, _ in self.pairs}
        return [i for i in range(self.n_gold) if i not in matched]

    def unmatched_predicted(self) -> list[int]:
        matched = {p for p, _, _ in self.pairs}
        return [i for i in range(self.n_predicted) if i not in matched]


def match(
    predicted: list[str], gold: list[str], threshold: float = ITEM_THRESHOLD, aliases: list[list[str]] | None = None
) -> MatchResult:
    """``aliases[i]``: other texts that count as gold item i (its similarity is the best over them)."""
    if not predicted or not gold:
        return MatchResult([], len(predicted), len(gold))
    pred = [_SPACE.sub("", t) for t in predicted]
    sim = np.zeros((len(pred), len(gold)))
    for i, texts in enumerate(zip(gold, aliases or [[] for _ in gold], strict=True)):
        ref = [_SPACE.sub("", t) for t in (texts[0], *texts[1])]
        sim[:, i] = (cdist(pred, ref, scorer=fuzz.ratio, dtype=np.float64) / 100.0).max(axis=1)
    sim[sim < threshold] = 0.0  # a pair below the threshold is no match: don't let it steal a partner
    rows, cols = linear_sum_assignment(sim, maximize=True)
    pairs = [(int(r), int(c), float(sim[r, c])) for r, c in zip(rows, cols, strict=True) if sim[r, c] >= threshold]
    return MatchResult(pairs, len(predicted), len(gold))
