"""Provider batches (``--via batch-api``) as users run them: the same command re-run until done, against the
test server's files and batches endpoints with faults (failed, malformed, invalid and expired items), and
replayed from recordings of it."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import BaseModel
from vcr.cassette import Cassette  # type: ignore[import-untyped]

from extractor.batch_manifest import manifest_path
from extractor.batch_submit import stand_in
from extractor.cli import main
from extractor.llm.models import NarrativeOut, OverviewOut, Table2Out, Table3Out, Table4Out
from extractor.testserver import TestServer
from tests.batch_runs import CLI, jsonl_records, llm_args, report_corpus

pytestmark = pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.1", r"^/.*/pymp-[^/]+/listener-"])

PRICES = '[models."test-model"]\ninput = 1.0\noutput = 2.0\nbatch = 0.5\n'


def _strip(records: list[dict]) -> list[dict]:  # type: ignore[type-arg]
    """What the answers decide: everything but how they were fetched (usage, timings)."""
    kept = []
    for r in records:
        provenance = {k: v for k, v in r["provenance"].items() if k not in ("timings_ms", "usage")}
        kept.append({**r, "provenance": provenance})
    return sorted(kept, key=lambda r: r["doc_id"])


def _tries(out: Path) -> dict[int, int]:
    with sqlite3.connect(manifest_path(out)) as db:
        return dict(db.execute("SELECT tries, COUNT(*) FROM requests GROUP BY tries").fetchall())


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """200 generated reports, shared by the tests of this module (they only read them)."""
    folder = tmp_path_factory.mktemp("corpus") / "in"
    report_corpus(folder, 200)
    return folder


def _faults(batch: int, index: int, body: dict) -> str | None:  # type: ignore[type-arg]
    """Batch 1: a failed item, an invalid answer; batch 2: a cut result line; batch 3 expires after 60."""
    if batch == 3 and index >= 60:
        return "expire"
    return {(1, 3): "fail", (1, 10): "invalid", (2, 7): "malformed"}.get((batch, index))


def test_batch_api_200_documents_each_once_equal_to_live_resumed_and_resubmitted(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = corpus
    live, out = tmp_path / "live.jsonl", tmp_path / "out.jsonl"
    with TestServer(batch_faults=_faults) as server:
        assert main(["extract", str(folder), "-o", str(live), "-q", "--no-cache", "--workers", "8",
                     *llm_args(server)]) == 0  # fmt: skip
        asked_live = server.requests
        args = ["extract", str(folder), "-o", str(out), "--no-cache", *llm_args(server), "--via", "batch-api"]
        args += ["--batch-max-requests", "150"]
        assert main(args) == 0  # 400 requests in 3 batches; nothing to record before they end
        assert not out.exists() or out.read_text(encoding="utf-8") == ""
        assert "submitted 400 requests in 3 batch(es) (batch-1, batch-2, batch-3)" in capsys.readouterr().err

        # the next run collects every batch, then the disk fills while it writes records
        limit = 1_500_000
        setup = (
            "import resource, signal; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
            f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit})); "
        )
        proc = subprocess.run([sys.executable, "-c", setup + CLI[2], *args], capture_output=True, text=True,
                              timeout=120)  # fmt: skip
        assert proc.returncode == 1 and "cannot write the output" in proc.stderr, proc.stderr[-2000:]
        for note in ("batch batch-1: completed, 149 of 150 answered; 1 to submit again",
                     "batch batch-2: completed, 149 of 150 answered (1 result lines malformed); 1 to submit again",
                     "batch batch-3: expired, 60 of 100 answered; 40 to submit again"):  # fmt: skip
            assert note in proc.stderr
        written = len(jsonl_records(out))
        assert 0 < written < 200

        assert main([*args, "--wait", "--poll", "0"]) == 0  # resumes: the rest, and the 42 items again
        err = capsys.readouterr().err
        assert "submitted 42 requests in 1 batch(es) (batch-4)" in err
        assert "batch batch-4: completed, 42 of 42 answered" in err
        assert server.requests == asked_live + 1  # only the invalid answer was asked again live
        assert server.batches.files == {}  # every request and result file deleted once its answers were kept
    records = jsonl_records(out)
    assert len(records) == 200 and len({r["doc_id"] for r in records}) == 200  # every document exactly once
    assert _strip(records) == _strip(jsonl_records(live))
    assert _tries(out) == {1: 358, 2: 42}  # the failed, malformed and expired items went in a second batch
    usage = [r["provenance"]["usage"] for r in records]
    assert sum(u["batched"] for u in usage) == 400 and sum(u["re_asks"] for u in usage) == 1


@pytest.mark.parametrize("keep", [False, True], ids=["deleted", "kept"])
def test_batch_api_deletes_its_files_at_the_provider_once_collected_unless_asked_to_keep(
    tmp_path: Path, keep: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    """The request file holds the documents' text: it should not outlive the batch at the provider."""
    folder = tmp_path / "in"
    report_corpus(folder, 2)
    out = tmp_path / "out.jsonl"
    with TestServer(batch_faults=lambda b, i, body: "fail" if i == 0 else None) as server:
        args = ["extract", str(folder), "-o", str(out), "--no-cache", *llm_args(server), "--via", "batch-api"]
        args += ["--wait", "--poll", "0", *(["--keep-batch-files"] if keep else [])]
        assert main(args) == 0
        uploaded = [i for i, m in server.batches.meta.items() if m["purpose"] == "batch"]
        if keep:
            assert server.batches.deleted == [] and "file-1" in uploaded  # batch 1's request file is still there
        else:
            assert server.batches.files == {} and "file-1" in server.batches.deleted  # requests and results
    assert len(jsonl_records(out)) == 2 and "could not delete" not in capsys.readouterr().err


def test_provider_delete_says_whether_the_file_was_there() -> None:
    """A file already gone (deleted by an earlier run, or expired) is not an error: the delete is idempotent."""
    from extractor.llm.batchapi import Provider
    from extractor.llm.client import LLM, LLMConfig

    with TestServer() as server:
        provider = Provider(LLM(LLMConfig(model="test-model", base_url=server.base_url, api_key="sk-test")))
        uploaded = provider.client.files.create(file=("r.jsonl", b"{}\n"), purpose="batch").id
        assert provider.delete(uploaded) is True
        assert provider.delete(uploaded) is False
        assert server.batches.deleted == [uploaded]


def test_batch_api_a_collect_cut_off_while_downloading_resumes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], backoff_clock: list[float]
) -> None:
    folder = tmp_path / "in"
    report_corpus(folder, 3)
    out = tmp_path / "out.jsonl"
    with TestServer() as server:
        args = ["extract", str(folder), "-o", str(out), "--no-cache", *llm_args(server), "--via", "batch-api"]
        assert main(args) == 0
        server.batches.failing_downloads = 5  # every try of the download fails: this run stops
        assert main(args) == 1
        err = capsys.readouterr().err
        assert "cannot download file file-2" in err and "re-run later to go on" in err
        assert len(backoff_clock) == 4  # retried with backoff first
        assert not out.exists() or out.read_text(encoding="utf-8") == ""
        assert main(args) == 0  # the batch is downloaded again, and collected
        assert server.batches.items == 6  # nothing was asked twice
    assert sorted(r["doc_id"] for r in jsonl_records(out)) == ["r000", "r001", "r002"]


@pytest.mark.parametrize("workers", ["1", "8"])
def test_budget_stops_starting_documents_at_the_one_that_would_pass_it(
    tmp_path: Path, corpus: Path, workers: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = corpus
    prices = tmp_path / "prices.toml"
    prices.write_text(PRICES, encoding="utf-8")
    each = 2 * (100 * 1.0 + 10 * 2.0) / 1e6  # two calls a document, 100 prompt and 10 completion tokens each
    out = tmp_path / "out.jsonl"
    with TestServer() as server:
        args = ["extract", str(folder), "-o", str(out), "--no-cache", "--workers", workers, *llm_args(server)]
        assert main([*args, "--prices", str(prices), "--budget", str(37.5 * each)]) == 0
    records = jsonl_records(out)
    assert sorted(r["doc_id"] for r in records) == [f"r{i:03d}" for i in range(37)]
    assert all(r["provenance"]["usage"]["cost"] == pytest.approx(each) for r in records)
    err = capsys.readouterr().err
    assert "200 documents: 37 ok, 0 failed, 0 already done, 163 not started (--budget)" in err
    assert "budget $0.0090: stopped starting documents after 37, having spent $0.0089" in err
    assert "cost $0.0089 (estimated)" in err


def test_batch_api_budget_submits_whole_documents_until_the_estimate_would_pass_it(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = corpus
    prices = tmp_path / "prices.toml"
    prices.write_text('[models."test-model"]\ninput = 0\noutput = 2.0\nbatch = 0.5\n', encoding="utf-8")
    # before any answer is back, an answer is expected to take a quarter of its token cap (2048)
    each = 2 * (2048 / 4) * 2.0 / 1e6 * 0.5
    out = tmp_path / "out.jsonl"
    with TestServer() as server:
        args = ["extract", str(folder), "-o", str(out), "--no-cache", *llm_args(server), "--via", "batch-api"]
        assert main([*args, "--prices", str(prices), "--budget", str(12.5 * each)]) == 0
        assert server.batches.items == 24  # twelve documents' two requests
    err = capsys.readouterr().err
    assert "submitted 24 requests in 1 batch(es)" in err
    assert "188 documents not submitted" in err and "12 documents wait for provider batches" in err
    assert "12 waiting for a provider batch, 188 not started (--budget)" in err


def test_batch_api_a_secret_in_the_endpoint_reaches_no_file_or_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-0123456789abcdefSECRET")
    folder = tmp_path / "in"
    report_corpus(folder, 3)
    out = tmp_path / "out.jsonl"
    with TestServer() as server:
        url = server.base_url.replace("http://", "http://alice:hunter2@")
        args = ["extract", str(folder), "-o", str(out), "--backend", "llm", "--base-url", url, "--model", "m",
                "--no-cache", "--via", "batch-api", "--wait", "--poll", "0", "-v"]  # fmt: skip
        assert main(args) == 0
    written = capsys.readouterr().err + out.read_text(encoding="utf-8") + Path(f"{out}.log").read_text("utf-8")
    written += manifest_path(out).read_bytes().decode("utf-8", "replace")
    assert len(jsonl_records(out)) == 3
    for secret in ("SECRET", "hunter2", "alice:"):
        assert secret not in written


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--via", "batch-api"], "needs -o OUTPUT"),
        (["--via", "batch-api", "--backend", "rules"], "needs --backend llm"),
        (["--budget", "1"], "--budget needs a model backend"),
        (["--ask", "needed", "--backend", "rules"], "--tables and --ask need --backend llm or local"),
    ],
    ids=["no-output", "no-model", "budget-without-model", "ask-without-model"],
)
def test_batch_api_and_budget_usage_errors_stop_before_any_document(
    flags: list[str], message: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    report_corpus(folder, 1)
    out = [] if flags[1:2] == ["batch-api"] and len(flags) == 2 else ["-o", str(tmp_path / "o.jsonl")]
    with TestServer() as server:
        model = [] if "rules" in flags or "--budget" in flags else ["--backend", "llm", "--base-url", server.base_url,
                                                                    "--model", "m"]  # fmt: skip
        assert main(["extract", str(folder), *out, *model, *flags]) == 2
        assert server.http_requests == 0
    assert message in capsys.readouterr().err


def test_budget_for_a_model_without_a_price_says_how_to_add_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    folder = tmp_path / "in"
    report_corpus(folder, 1)
    with TestServer() as server:
        assert main(["extract", str(folder), "-q", *llm_args(server), "--budget", "5"]) == 2
    err = capsys.readouterr().err
    assert "no price for model 'test-model'" in err and str(tmp_path / "config" / "extractor" / "prices.toml") in err


@pytest.mark.parametrize(
    "model", [NarrativeOut, OverviewOut, Table2Out, Table3Out, Table4Out], ids=lambda m: m.__name__
)
def test_stand_in_is_a_valid_empty_answer(model: type[BaseModel]) -> None:
    answer = stand_in(model)
    assert model.model_validate(answer.model_dump()) == answer
    lists = [v for v in answer.model_dump().values() if isinstance(v, list)]
    assert all(v == [] for v in lists)  # no item, row or platform a waiting document could be credited with


@pytest.mark.vcr
def test_batch_api_replayed_collects_resubmits_and_records_each_document_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], vcr: Cassette
) -> None:
    """Recorded against the test server (re-record: delete cassettes/test_batch_api and run with
    --record-mode=once); replayed, the server sees nothing."""
    folder = tmp_path / "in"
    report_corpus(folder, 4)
    out = tmp_path / "out.jsonl"
    faults = {(1, 0): "invalid", (1, 2): "fail", (1, 5): "malformed"}
    with TestServer(batch_faults=lambda b, i, body: faults.get((b, i)), batch_polls=1) as server:
        args = ["extract", str(folder), "-o", str(out), "--no-cache", *llm_args(server), "--via", "batch-api"]
        assert main(args) == 0
        assert main(args) == 0  # still running
        assert main([*args, "--wait", "--poll", "0"]) == 0
        if vcr.rewound:  # replayed: every recorded exchange was used, and the server heard nothing
            assert vcr.all_played and server.http_requests == 0
    err = capsys.readouterr().err
    assert "batch batch-1: in_progress, 0 of 8 requests done" in err
    assert "batch batch-1: completed, 6 of 8 answered (1 result lines malformed); 2 to submit again" in err
    assert "submitted 2 requests in 1 batch(es) (batch-2)" in err
    assert "could not delete" not in err  # the recording holds the deletes of both batches' files
    records = jsonl_records(out)
    assert sorted(r["doc_id"] for r in records) == ["r000", "r001", "r002", "r003"]
    assert all(r["problems"] and r["platforms"] for r in records)  # the answers, grounded in the documents
    assert _tries(out) == {1: 6, 2: 2}
