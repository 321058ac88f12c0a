"""``--budget``: stop starting new documents before the run's estimated cost would pass a limit.

Before each document starts, the cost already spent, the expected cost of the documents still in flight and
the next document's must fit in the limit; the expected cost of a document is the mean of those finished so
far that made model calls (cached answers are free and say nothing about the next call). Until one such
document has finished there is no estimate, so documents start one at a time: the run learns what a document
costs before it commits to several.
"""

from __future__ import annotations

from .batch_view import Outcome
from .llm.pricing import money


class Budget:
    def __init__(self, limit: float, currency: str) -> None:
        self.limit = limit
        self.currency = currency
        self.spent = 0.0
        self._paid = 0  # finished documents that made model calls
        self._paid_cost = 0.0
        self.started = 0
        self.stopped = False

    def record(self, outcome: Outcome) -> None:
        if outcome.cost is None:
            return
        self.spent += outcome.cost
        if outcome.calls:
            self._paid += 1
            self._paid_cost += outcome.cost

    def estimate(self) -> float | None:
        """What the next document is expected to cost (None before any paid document has finished)."""
        return self._paid_cost / self._paid if self._paid else None

    def admit(self, in_flight: int) -> bool | None:
        """May another document start with ``in_flight`` running? True: start it; False: wait for one in
        flight to finish and ask again; None: stop starting documents."""
        each = self.estimate()
        if each is None:
            if in_flight:
                return False
            fits = self.spent < self.limit  # the first paid document: no estimate yet, it starts alone
        else:
            fits = self.spent + (in_flight + 1) * each <= self.limit
        if fits:
            self.started += 1
            return True
        if in_flight:
            return False  # those running may cost less than expected: decide when one finishes
        self.stopped = True
        return None

    def note(self) -> str:
        each = self.estimate()
        expected = f"; a document is expected to cost {money(each, self.currency)}" if each is not None else ""
        return (
            f"budget {money(self.limit, self.currency)}: stopped starting documents after {self.started}, "
            f"having spent {money(self.spent, self.currency)}{expected}; re-run with a larger --budget to go on"
        )
