"""``extractor extract … --via batch-api``: the model requests of a batch as provider batches (half price,
answers within 24 hours), one command, re-run until done.

Each run (1) looks up the batches in the manifest beside the output and collects those that ended, (2) runs
every document not yet recorded through the same pipeline as a live run, its model calls answered from the
collected results (so validation, grounding, cross-checks, the cache and the record are the live path's
own), and (3) submits, as new batches, the requests no batch answered yet: a new document's, and those of an
expired, failed or malformed item (after ``MAX_TRIES`` failed batches a request is asked live). A document
waiting for a batch is not recorded; a collected answer that fails validation is re-asked live, as any
invalid answer is. ``--wait`` polls until every batch has ended and runs the documents again.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from types import NoneType, UnionType
from typing import Any, Literal, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel

from . import __version__
from .batch import Plan, run_batch
from .batch_manifest import Manifest, manifest_path
from .batch_view import Progress, Summary
from .budget import Budget
from .errors import BatchWaiting, ModelError
from .ingest import Document
from .inputs import DocIds, InputFile
from .llm import wire
from .llm.batchapi import ENDED, FileLimits, Provider, read_results, request_line, split
from .llm.client import LLM
from .llm.extract import ModelStage
from .llm.pricing import money
from .outfile import RecordFile, scan
from .redact import safe_url
from .sections import Section
from .stages import ModelAdditions, Narrative, Tables

T = TypeVar("T", bound=BaseModel)
MAX_TRIES = 3  # batches a request may fail in before it is asked live


@dataclass(frozen=True)
class BatchOptions:
    limits: FileLimits = field(default_factory=FileLimits)
    wait: bool = False
    poll_s: float = 30.0
    keep_files: bool = False  # leave request and result files at the provider (deleted once collected)


def stand_in(model: type[T]) -> T:
    """The smallest valid answer (empty lists, first choices): what the stage gets for a request that waits
    for its batch, so it goes on to ask the rest of the document's requests. Never recorded."""
    values = {name: _empty(f.annotation) for name, f in model.model_fields.items() if f.is_required()}
    return model.model_validate(values)


def _empty(annotation: Any) -> Any:
    origin = get_origin(annotation)
    if origin is list:
        return []
    if origin is Literal:
        return get_args(annotation)[0]
    if origin in (Union, UnionType):
        args = get_args(annotation)
        return None if NoneType in args else _empty(args[0])
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return stand_in(annotation).model_dump()
    return {str: "", int: 0, float: 0.0, bool: False}.get(annotation)


@dataclass
class Wanted:
    scope: str
    request: wire.Request
    documents: int = 1


class Answers:
    """The client's view of the manifest (``client.Collected``): a collected answer, a stand-in while the
    request waits, or None to ask live. Requests no batch holds are gathered, in document order, for the
    next submission."""

    def __init__(self, manifest: Manifest) -> None:
        self.manifest = manifest
        self.wanted: dict[str, Wanted] = {}
        self._waiting: dict[str, int] = {}  # scope -> documents waiting
        self._lock = threading.Lock()

    def lookup(self, request: wire.Request, scope: str, response_model: type[T]) -> wire.Completion | T | None:
        custom_id = request.custom_id(scope)
        entry = self.manifest.get(custom_id)
        if entry is not None and entry.state == "answered" and entry.answer is not None:
            answer: wire.Completion = json.loads(entry.answer)
            return answer
        if entry is not None and entry.state == "failed" and entry.tries >= MAX_TRIES:
            return None  # failed in batch after batch: asked live, where its error (if any) is final
        with self._lock:
            self._waiting.setdefault(scope, 0)
            if entry is None or entry.state != "submitted":
                self.wanted.setdefault(custom_id, Wanted(scope, request))
        return stand_in(response_model)

    def document_waits(self, scope: str) -> bool:
        with self._lock:
            if scope not in self._waiting:
                return False
            self._waiting[scope] += 1
            return True

    def waiting(self, scope: str) -> int:
        return self._waiting.get(scope, 0)


@dataclass(frozen=True)
class BatchStage(ModelStage):
    """The model stage with its answers from provider batches: a document any of whose requests waits is
    not recorded in this run (``BatchWaiting``), whatever else it got."""

    answers: Answers | None = field(default=None, compare=False)

    def run(self, doc: Document, sections: dict[str, Section], tables: Tables, narrative: Narrative) -> ModelAdditions:
        additions = super().run(doc, sections, tables, narrative)
        if self.answers is not None and self.answers.document_waits(doc.sha256 or ""):
            raise BatchWaiting(f"{doc.path}: waits for a provider batch")
        return additions


@dataclass
class Run:
    """One ``--via batch-api`` command over an output."""

    files: list[InputFile]
    out: RecordFile
    stage: ModelStage
    plan: Plan
    ids: DocIds
    progress: Callable[[], Progress]
    options: BatchOptions
    budget: Budget | None = None
    say: Callable[[str], None] = print  # where batches' news goes as it happens (stderr)
    spent: float = 0.0  # estimated cost of the requests this run submitted

    def __post_init__(self) -> None:
        assert isinstance(self.stage.llm, LLM), "provider batches need the real client"
        self.llm: LLM = self.stage.llm
        self.manifest = Manifest(manifest_path(self.out.path), safe_url(self.llm.config.base_url) or "default")
        self.provider = Provider(self.llm)

    def __call__(self) -> Summary:
        total = Summary()
        first = True
        try:
            while True:
                self._collect()
                answers = Answers(self.manifest)
                _absorb(total, self._pass(answers), first)
                first = False
                self._submit(answers, total)
                running = len(self.manifest.in_flight())
                if not self.options.wait or not running:
                    break
                self._wait()
            return self._finish(total, running)
        finally:
            self.manifest.close()

    def _pass(self, answers: Answers) -> Summary:
        """Every document not yet recorded, in order, one at a time (no call is made but re-asks, so order
        costs nothing and makes the submission follow the input's order)."""
        stage = BatchStage(self.llm, self.stage.prompts_dir, self.stage.tables, self.stage.ask, answers=answers)
        self.llm.collected = answers
        try:
            known = scan(self.out.path)
            for name, entry in known.items():
                self.ids.reserve(entry.doc_id, name)
            plan = replace(self.plan, jobs=1, workers=1)
            return run_batch(self.files, self.out, stage, plan, known, self.ids, self.progress())
        finally:
            self.llm.collected = None

    def _collect(self) -> None:
        for batch in self.manifest.in_flight():
            info = self.provider.retrieve(batch.id)
            status = str(info.get("status"))
            if status not in ENDED:
                self.manifest.set_status(batch.id, status)
                counts = info.get("request_counts") or {}
                if not self.options.wait:  # (a waiting run says where things stand when they end)
                    done = counts.get("completed", 0)
                    self.say(f"batch {batch.id}: {status}, {done} of {batch.requests} requests done")
                continue
            self._collect_ended(batch.id, status, info)

    def _collect_ended(self, batch_id: str, status: str, info: dict[str, Any]) -> None:
        answers: list[tuple[str, str, int]] = []
        failures: list[tuple[str, str]] = []
        malformed = 0
        for key in ("output_file_id", "error_file_id"):
            if not info.get(key):
                continue
            for result in read_results(self.provider.download(str(info[key]))):
                malformed += result.malformed
                if result.custom_id is None:
                    continue
                if result.completion is not None:
                    tokens = wire.usage_of(result.completion)[1]
                    answers.append((result.custom_id, json.dumps(result.completion, ensure_ascii=False), tokens))
                else:
                    failures.append((result.custom_id, result.error or "no answer"))
        errors = ((info.get("errors") or {}).get("data") or [{}])[0].get("message") if info.get("errors") else None
        otherwise = f"batch {status}" + (f": {errors}" if errors else "; no result for this request")
        row = self.manifest.collect(batch_id, status, answers, failures, malformed, otherwise)
        again = f"; {row.failed} to submit again" if row.failed else ""
        bad = f" ({row.malformed} result lines malformed)" if row.malformed else ""
        self.say(f"batch {batch_id}: {status}, {row.answered} of {row.requests} answered{bad}{again}")
        if not self.options.keep_files:
            self._delete_files(batch_id, info)

    def _delete_files(self, batch_id: str, info: dict[str, Any]) -> None:
        """The batch's request file (our documents' text) and result files, deleted at the provider once the
        answers are in the manifest: they would otherwise stay there, and count against its storage. A failed
        delete is said and left; the answers are kept either way."""
        for key in ("input_file_id", "output_file_id", "error_file_id"):
            if not info.get(key):
                continue
            try:
                self.provider.delete(str(info[key]))
            except ModelError as exc:
                self.say(f"warning: batch {batch_id}: could not delete {info[key]} at the provider ({exc})")

    def _submit(self, answers: Answers, total: Summary) -> int:
        """The wanted requests as new batches, whole documents in input order, until the budget would pass;
        returns the number of requests submitted."""
        groups: dict[str, list[tuple[str, Wanted]]] = {}
        for custom_id, wanted in answers.wanted.items():
            groups.setdefault(wanted.scope, []).append((custom_id, wanted))
        chosen: list[tuple[str, Wanted]] = []
        cost = 0.0
        total.not_started = 0
        answered = self.manifest.completion_tokens()
        for index, group in enumerate(groups.values()):
            group.sort(key=lambda item: item[0])  # a document's requests were asked at once: a stable order
            group_cost = sum(self._estimate(w.request, answered) for _, w in group)
            if self.budget is not None and self.spent + cost + group_cost > self.budget.limit:
                left = sum(answers.waiting(s) for s in list(groups)[index:])
                total.waiting -= left
                total.not_started = left  # (of this pass: a --wait run's last pass says where things stand)
                self._over_budget(left, cost)
                break
            chosen.extend(group)
            cost += group_cost
        if chosen:
            self._send(chosen, cost)
        return len(chosen)

    def _over_budget(self, left: int, cost: float) -> None:
        assert self.budget is not None
        if self.budget.stopped:
            return  # said once a run
        self.budget.stopped = True
        self.say(
            f"budget {money(self.budget.limit, self.budget.currency)}: {left} documents not submitted, as they "
            f"would take the estimate past it (this run: {money(self.spent + cost, self.budget.currency)} at "
            "batch prices); re-run with a larger --budget to submit them"
        )

    def _send(self, chosen: list[tuple[str, Wanted]], cost: float) -> None:
        lines = ((cid, request_line(cid, w.request.body)) for cid, w in chosen)
        tasks = {cid: w.request.task for cid, w in chosen}
        started = self.manifest.in_flight()
        names = []
        for number, group in enumerate(split(lines, self.options.limits), len(started) + 1):
            share = cost * len(group) / len(chosen)
            metadata = {"extractor": __version__, "output": self.out.path.name}
            content = b"".join(line for _, line in group)
            batch = self.provider.submit(f"{self.out.path.name}.requests-{number:04d}.jsonl", content, metadata)
            self.manifest.add_batch(batch, [(cid, tasks[cid]) for cid, _ in group], share)
            self.spent += share
            names.append(str(batch["id"]))
        price = self.llm.price
        estimate = f", estimated {money(cost, price.currency)} at batch prices" if price is not None else ""
        self.say(f"submitted {len(chosen)} requests in {len(names)} batch(es) ({', '.join(names)}){estimate}")

    def _estimate(self, request: wire.Request, answered: dict[str, float]) -> float:
        """A request's expected cost at batch prices: the prompt by its size, the answer as the mean of the
        collected answers to the same task (``answered``; a quarter of the token cap until there is one)."""
        price = self.llm.price
        if price is None:
            return 0.0
        expected = answered.get(request.task, request.max_tokens / 4)
        cost: float = price.cost(wire.estimate_prompt_tokens(request.body), int(expected), batched=True)
        return cost

    def _wait(self) -> None:
        time.sleep(self.options.poll_s)

    def _finish(self, total: Summary, running: int) -> Summary:
        if total.waiting:
            total.notes.append(
                f"{total.waiting} documents wait for provider batches; re-run the same command to collect them "
                "(a provider answers within 24 hours), or add --wait"
            )
        elif not running:
            self.manifest.forget_answers()  # every document is recorded: the answers live on in the records
        return total


def _absorb(total: Summary, summary: Summary, first: bool) -> None:
    """One pass's counts into the run's: documents written add up; what waits is the last pass's."""
    total.ok += summary.ok
    total.failed += summary.failed
    if first:
        total.skipped, total.skipped_failed = summary.skipped, summary.skipped_failed
    total.waiting = summary.waiting
    total.tokens += summary.tokens
    total.calls += summary.calls
    total.cached += summary.cached
    total.pages += summary.pages
    total.cost += summary.cost
    total.currency = total.currency or summary.currency
    total.by_rule.update(summary.by_rule)
    total.rows.extend(summary.rows)
