"""What a run shows: the progress bar and the summary carry the run's cost, failed documents' calls included."""

from __future__ import annotations

import pytest
from rich.console import Console

from extractor.batch_view import Outcome, Progress, Summary


def test_progress_and_summary_show_the_runs_cost_failed_documents_included() -> None:
    console = Console(record=True, force_terminal=True, width=160)
    summary = Summary()
    paid = Outcome("a", "", calls=2, tokens=220, cost=0.00024, currency="USD")
    failed = Outcome("b", "", "ModelError", "b: the endpoint failed", calls=1, tokens=2100, cost=0.0042, currency="USD")
    with Progress(console, 2, bar=True) as progress:
        for outcome in (paid, failed):
            summary.add(outcome)
            progress.done(outcome, summary)
    shown = console.export_text()
    assert "tokens 2320" in shown and "$0.0044" in shown
    assert "model calls 3 (+0 cached), tokens 2320, cost $0.0044 (estimated)" in summary.line(model=True)


def test_summary_without_a_price_shows_tokens_only() -> None:
    summary = Summary()
    summary.add(Outcome("a", "", calls=2, tokens=220))
    line = summary.line(model=True)
    assert "tokens 220;" in line and "cost" not in line


def test_progress_shows_pages_and_pages_a_second(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = iter([100.0, 100.0, 104.0])  # started, entered, 4 s later
    monkeypatch.setattr("extractor.batch_view.time.monotonic", lambda: next(clock))
    console = Console(record=True, force_terminal=True, width=160)
    summary = Summary()
    scanned = Outcome("a", "", pages=6)
    with Progress(console, 1, bar=True) as progress:
        summary.add(scanned)
        progress.done(scanned, summary)
    assert "pages 6 (1.5/s)" in console.export_text()
