"""What a batch shows a person: one outcome per document, the progress bar, the closing summary.

An ``Outcome`` is what a worker hands back besides the JSON line: counts, never the record, so the main
process stays light whatever the batch size.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, ProgressColumn, Task, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichProgress
from rich.table import Table
from rich.text import Text

from .console import plain, print_error
from .llm.pricing import money
from .schema import FailureRecord, Report

DETAIL_LIMIT = 50  # per-document summary rows; larger batches get totals only


@dataclass(frozen=True, slots=True)
class Outcome:
    doc_id: str
    line: str
    error_type: str | None = None
    error_message: str | None = None
    formats: str = ""
    errors: int = 0
    warnings: int = 0
    rules: tuple[str, ...] = ()  # "R3.2 error", one per finding
    calls: int = 0
    cached: int = 0
    tokens: int = 0
    pages: int = 0
    cost: float | None = None  # None: no model, or no price for it
    currency: str | None = None
    pending: bool = False  # waits for a provider batch: nothing recorded in this run

    @classmethod
    def of(cls, record: Report | FailureRecord, line: str) -> Outcome:
        if isinstance(record, FailureRecord):
            spent = record.usage
            return cls(
                record.doc_id,
                line,
                record.error.type,
                record.error.message,
                calls=spent.calls if spent else 0,
                tokens=spent.total_tokens if spent else 0,
                cost=spent.cost if spent else None,
                currency=spent.currency if spent else None,
            )
        usage = record.provenance.usage
        errors = sum(1 for f in record.findings if f.severity == "error")
        return cls(
            record.doc_id,
            line,
            formats=f"{record.format.table2 or '?'}/{record.format.table3 or '?'}",
            errors=errors,
            warnings=len(record.findings) - errors,
            rules=tuple(f"{f.rule} {f.severity}" for f in record.findings),
            calls=usage.calls if usage else 0,
            cached=usage.cached if usage else 0,
            tokens=usage.total_tokens if usage else 0,
            pages=len(record.source.pages or ()),
            cost=usage.cost if usage else None,
            currency=usage.currency if usage else None,
        )


@dataclass
class Summary:
    """Counts for the closing summary; per-document rows only for small batches, so memory stays flat."""

    ok: int = 0
    failed: int = 0
    skipped: int = 0
    skipped_failed: int = 0  # of the skipped: failures of the file itself, recorded by an earlier run
    waiting: int = 0  # documents whose model answers wait in a provider batch (not recorded yet)
    not_started: int = 0  # documents --budget left for a later run
    tokens: int = 0
    calls: int = 0
    cached: int = 0
    pages: int = 0
    by_rule: Counter[str] = field(default_factory=Counter)
    rows: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    wall_s: float = 0.0
    cost: float = 0.0
    currency: str | None = None  # set by the first priced document
    notes: list[str] = field(default_factory=list)  # what the run says at its end (budget, provider batches)

    def add(self, outcome: Outcome) -> None:
        self.tokens += outcome.tokens  # a failed document's calls were made and paid for too
        self.calls += outcome.calls
        self.cached += outcome.cached
        if outcome.cost is not None:
            self.cost += outcome.cost
            self.currency = self.currency or outcome.currency
        if outcome.error_type is not None:
            self.failed += 1
            row = (outcome.doc_id, "failed", outcome.error_type, "", "")
        else:
            self.ok += 1
            self.by_rule.update(outcome.rules)
            self.pages += outcome.pages
            row = (outcome.doc_id, "ok", outcome.formats, str(outcome.errors), str(outcome.warnings))
        if len(self.rows) <= DETAIL_LIMIT:
            self.rows.append(row)

    def table(self, title: str) -> Table | None:
        """The per-document table of a small batch (None past DETAIL_LIMIT documents)."""
        if not self.rows or self.ok + self.failed > DETAIL_LIMIT:
            return None
        t = Table(title=title, title_justify="left", header_style="bold")
        for name in ("document", "status", "formats (t2/t3)", "errors", "warnings"):
            t.add_column(name)
        for doc_id, status, formats, errors, warnings in self.rows:
            t.add_row(
                plain(doc_id),
                Text(status, style="red" if status == "failed" else ""),
                plain(formats),
                Text(errors, style="red" if errors not in ("", "0") else ""),
                warnings,
            )
        return t

    def line(self, model: bool = False) -> str:
        rules = ", ".join(f"{k}: {v}" for k, v in sorted(self.by_rule.items())) or "none"
        done = f"{self.skipped} already done" + (
            f" ({self.skipped_failed} a failure of the file itself)" if self.skipped_failed else ""
        )
        waiting = f", {self.waiting} waiting for a provider batch" if self.waiting else ""
        waiting += f", {self.not_started} not started (--budget)" if self.not_started else ""
        total = self.ok + self.failed + self.skipped + self.waiting + self.not_started
        text = f"{total} documents: {self.ok} ok, {self.failed} failed, {done}{waiting}; findings by rule: {rules}"
        if model:
            text += f"; model calls {self.calls} (+{self.cached} cached), tokens {self.tokens}"
            if self.currency is not None:
                text += f", cost {money(self.cost, self.currency)} (estimated)"
        return text + f"; {self.wall_s:.1f} s"


class _RateColumn(ProgressColumn):
    """Documents a second; blank until rich has two samples (``task.speed`` is None before that)."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:.1f} doc/s", style="progress.data.speed")


class _EtaColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        remaining = task.time_remaining
        if remaining is None or task.finished:
            return Text("")
        minutes, seconds = divmod(int(remaining), 60)
        hours, minutes = divmod(minutes, 60)
        return Text(f"ETA {hours}:{minutes:02d}:{seconds:02d}", style="progress.remaining")


class Progress:
    """The bar on a terminal (not with -q); failures printed above it as they happen, always."""

    def __init__(self, console: Console | None, total: int, bar: bool = False) -> None:
        self.console = console
        self._bar = RichProgress(
            TextColumn("[bold]extract"),
            BarColumn(),
            MofNCompleteColumn(),
            _RateColumn(),
            TimeElapsedColumn(),
            _EtaColumn(),
            TextColumn("{task.fields[status]}"),
            console=console or Console(stderr=True, quiet=True),
            disable=not bar or console is None,
            transient=False,
        )
        self._task = self._bar.add_task("extract", total=total, status="")
        self._started = time.monotonic()

    def __enter__(self) -> Progress:
        self._started = time.monotonic()
        self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._bar.stop()

    def advance(self) -> None:
        self._bar.advance(self._task)

    def done(self, outcome: Outcome, summary: Summary) -> None:
        if outcome.error_message is not None and self.console is not None:
            print_error(self._bar.console, outcome.error_message)
        status = f"failed {summary.failed}"
        if summary.calls or summary.cached:
            status += f" · tokens {summary.tokens}"
        if summary.currency is not None:
            status += f" · {money(summary.cost, summary.currency)}"
        if summary.pages:  # PDFs and scans: pages a second is what OCR is bounded by
            rate = summary.pages / max(time.monotonic() - self._started, 1e-3)
            status += f" · pages {summary.pages} ({rate:.1f}/s)"
        self._bar.update(self._task, advance=1, status=status)
