"""--budget's decision before each document: the first paid document starts alone, then documents start
while the spent cost, the expected cost of those in flight and the next one's fit in the limit."""

from __future__ import annotations

from extractor.batch_view import Outcome
from extractor.budget import Budget


def _paid(cost: float) -> Outcome:
    return Outcome("d", "", calls=2, cost=cost, currency="USD")


def test_budget_learns_a_documents_cost_from_the_first_then_fills_the_limit() -> None:
    budget = Budget(1.0, "USD")
    assert budget.admit(0) is True
    assert budget.admit(1) is False  # no estimate yet: wait for the first document to finish
    budget.record(_paid(0.3))
    assert [budget.admit(n) for n in (0, 1)] == [True, True]  # 0.3 + 2 × 0.3 = 0.9 fits; a third would not
    assert budget.admit(2) is False  # those in flight may come in under the estimate: wait
    budget.record(_paid(0.3))
    budget.record(_paid(0.3))
    assert budget.admit(0) is None and budget.stopped  # 0.9 spent: the next (0.3) would pass 1.0
    assert "stopped starting documents after 3, having spent $0.9000" in budget.note()


def test_budget_a_cached_document_is_free_and_does_not_lower_the_estimate() -> None:
    budget = Budget(1.0, "USD")
    budget.record(_paid(0.5))
    budget.record(Outcome("c", "", calls=0, cached=2, cost=0.0, currency="USD"))
    assert budget.estimate() == 0.5
    assert budget.admit(0) is True  # 0.5 spent + 0.5 expected = 1.0: fits exactly
    assert budget.admit(1) is False  # a second in flight would not: wait for the first
