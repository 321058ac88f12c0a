"""Batch jobs as users run them, against the loopback test server: faults retried then recorded, exact
resume (one record per input file, the best one), the output locked to one run, whole lines only, every core."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extractor.cli import main
from extractor.outfile import RecordFile
from extractor.synthetic import generate
from extractor.testserver import TestServer
from tests.batch_runs import CLI, jsonl_latest, jsonl_records, llm_args, marked_fault, report_corpus
from tests.conftest import DOCUMENTS

# the test server, and the Unix socket through which worker processes start; nothing else
pytestmark = pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.1", r"^/.*/pymp-[^/]+/listener-"])


def test_batch_retries_429_500_and_malformed_answers(tmp_path: Path) -> None:
    report_corpus(tmp_path / "in", 2)
    faults = {1: "429", 2: "500", 3: "malformed"}
    with TestServer(faults=faults) as server:
        out = tmp_path / "out.jsonl"
        assert main(["extract", str(tmp_path / "in"), "-o", str(out), "-q", "--no-cache", *llm_args(server)]) == 0
    records = jsonl_records(out)
    assert sorted(r["doc_id"] for r in records) == ["r000", "r001"]
    assert all("error" not in r and r["provenance"]["backend"] == "llm" for r in records)


@pytest.mark.parametrize("fault", ["500", "hang", "truncated"])
def test_batch_records_a_document_whose_calls_keep_failing_and_goes_on(tmp_path: Path, fault: str) -> None:
    report_corpus(tmp_path / "in", 3, mark=1)
    with TestServer(faults=marked_fault(fault), hang_s=1) as server:
        out = tmp_path / "out.jsonl"
        code = main(
            ["extract", str(tmp_path / "in"), "-o", str(out), "-q", "--no-cache", *llm_args(server, timeout="0.3")]
        )
    assert code == 1
    records = jsonl_latest(out)
    assert set(records) == {"r000", "r001", "r002"}
    assert [d for d, r in records.items() if "error" in r] == ["r001"]
    assert records["r001"]["error"]["type"] == "ModelError" and records["r001"]["error"]["retry"] is True
    assert records["r001"]["source"]["sha256"]


def test_batch_a_timeout_is_not_asked_again_and_its_tokens_are_counted(tmp_path: Path) -> None:
    report_corpus(tmp_path / "in", 2, mark=1)
    out = tmp_path / "out.jsonl"
    with TestServer(faults=marked_fault("hang"), hang_s=1) as server:
        args = ["extract", str(tmp_path / "in"), "-o", str(out), "-q", "--no-cache", *llm_args(server, timeout="0.3")]
        assert main(args) == 1
        assert server.requests == 4  # two calls a document: the one that timed out was not sent again
    failed = jsonl_latest(out)["r001"]
    assert failed["error"]["retry"] is True and "not asked again" in failed["error"]["message"]
    usage = failed["usage"]  # a failed document's calls are counted too, the abandoned answer estimated
    assert (usage["calls"], usage["attempts"], usage["timeouts"]) == (2, 2, 1)
    assert usage["estimated_tokens"] > 2048 and usage["total_tokens"] == 110 + usage["estimated_tokens"]


def test_batch_rerun_retries_a_model_failure_and_its_new_record_supersedes_the_old(tmp_path: Path) -> None:
    report_corpus(tmp_path / "in", 3, mark=1)
    out = tmp_path / "out.jsonl"
    failing = marked_fault("500")
    state = {"down": True}  # the endpoint fails r001's calls on the first run, then recovers
    with TestServer(faults=lambda n, body: failing(n, body) if state["down"] else None) as server:
        args = ["extract", str(tmp_path / "in"), "-o", str(out), "-q", "--no-cache", *llm_args(server)]
        assert main(args) == 1
        state["down"] = False
        assert main(args) == 0
        lines = jsonl_records(out)
        assert [r["doc_id"] for r in lines] == ["r000", "r001", "r002", "r001"]  # appended, never rewritten
        assert "error" not in jsonl_latest(out)["r001"]
        assert main(args) == 0
        assert len(jsonl_records(out)) == 4  # nothing left to do

    assert main(["compact", str(out)]) == 0
    compacted = jsonl_records(out)
    assert sorted(r["doc_id"] for r in compacted) == ["r000", "r001", "r002"]
    assert all("error" not in r for r in compacted)


def test_batch_rerun_does_not_write_a_permanent_input_failure_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(DOCUMENTS / "000_709a8d8ff7e18c17.txt", tmp_path / "good.txt")
    (tmp_path / "empty.txt").write_bytes(b"")
    out = tmp_path / "out" / "o.jsonl"
    assert main(["extract", str(tmp_path / "good.txt"), str(tmp_path / "empty.txt"), "-o", str(out)]) == 1
    assert main(["extract", str(tmp_path / "good.txt"), str(tmp_path / "empty.txt"), "-o", str(out)]) == 1
    assert [r["doc_id"] for r in jsonl_records(out)] == ["good", "empty"]
    err = capsys.readouterr().err
    assert "0 ok, 0 failed, 2 already done (1 a failure of the file itself)" in err


def test_batch_rerun_with_a_larger_max_bytes_reads_a_file_refused_as_too_large(tmp_path: Path) -> None:
    """The refusal says to raise --max-bytes; doing so and re-running must read the file, while re-running
    with the same limit must not write the refusal again, nor redo the documents already extracted."""
    sizes = sorted((p.stat().st_size, p) for p in DOCUMENTS.glob("*.txt"))
    big, small = tmp_path / "big.txt", tmp_path / "small.txt"
    big.write_bytes(sizes[-1][1].read_bytes())
    small.write_bytes(sizes[0][1].read_bytes())
    limit = str(big.stat().st_size - 1)
    out = tmp_path / "o.jsonl"
    args = ["extract", str(big), str(small), "-o", str(out), "-q"]
    main([*args, "--max-bytes", limit])
    main([*args, "--max-bytes", limit])
    first = jsonl_records(out)
    assert [(r["doc_id"], (r.get("error") or {}).get("type")) for r in first] == [
        ("big", "TooLargeError"),
        ("small", None),
    ]
    assert main([*args, "--max-bytes", str(big.stat().st_size)]) == 0
    records = jsonl_records(out)
    assert [r["doc_id"] for r in records] == ["big", "small", "big"]  # small not redone
    assert "error" not in records[-1] and records[-1]["table3"]


def test_batch_rerun_redoes_a_file_whose_bytes_changed(tmp_path: Path) -> None:
    path = tmp_path / "r.txt"
    path.write_bytes((DOCUMENTS / "000_709a8d8ff7e18c17.txt").read_bytes())
    out = tmp_path / "o.jsonl"
    assert main(["extract", str(path), "-o", str(out), "-q"]) == 0
    path.write_bytes((DOCUMENTS / "002_2581eebe3519dac9.txt").read_bytes())
    assert main(["extract", str(path), "-o", str(out), "-q"]) == 0
    first, second = jsonl_records(out)
    assert first["doc_id"] == second["doc_id"] == "r" and first["source"]["sha256"] != second["source"]["sha256"]


def test_batch_byte_identical_files_at_two_paths_are_two_documents(tmp_path: Path) -> None:
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        shutil.copy(DOCUMENTS / "000_709a8d8ff7e18c17.txt", tmp_path / sub / "report.txt")
    out = tmp_path / "o.jsonl"
    assert main(["extract", str(tmp_path / "a"), str(tmp_path / "b"), "-o", str(out), "-q"]) == 0
    assert main(["extract", str(tmp_path / "a"), str(tmp_path / "b"), "-o", str(out), "-q"]) == 0
    records = jsonl_records(out)
    assert sorted((r["doc_id"], r["source"]["path"]) for r in records) == [
        ("report", str(tmp_path / "a" / "report.txt")),
        ("report-2", str(tmp_path / "b" / "report.txt")),
    ]


def test_batch_run_configuration_includes_the_endpoint_without_credentials(tmp_path: Path) -> None:
    report_corpus(tmp_path / "in", 1)
    out = tmp_path / "o.jsonl"
    with TestServer() as one, TestServer() as two:
        assert main(["extract", str(tmp_path / "in"), "-o", str(out), "-q", "--no-cache", *llm_args(one)]) == 0
        secret_url = two.base_url.replace("http://", "http://alice:hunter2@")
        assert main(["extract", str(tmp_path / "in"), "-o", str(out), "-q", "--no-cache", *llm_args(two)[:2],
                     "--base-url", secret_url, *llm_args(two)[4:]]) == 0  # fmt: skip
    first, second = jsonl_records(out)  # another endpoint: the document is done again
    assert first["provenance"]["config"] != second["provenance"]["config"]
    assert two.base_url in second["provenance"]["config"]
    assert "hunter2" not in out.read_text(encoding="utf-8") and "alice" not in out.read_text(encoding="utf-8")


def test_batch_second_run_on_the_same_output_refuses_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "o.jsonl"
    with RecordFile(out):  # another run holds the file
        code = main(["extract", str(DOCUMENTS), "-o", str(out), "-q"])
    assert code == 1
    assert "another extractor run is writing this file" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == ""


def test_batch_write_failure_names_the_output_and_leaves_no_partial_line(tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    limit = 60_000  # bytes: room for two bundled records, not five (a disk that fills up)
    setup = (
        "import resource, signal; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit})); "
    )
    cmd = [sys.executable, "-c", setup + CLI[2], "extract", str(DOCUMENTS), "-o", str(out), "-q", "--jobs", "1"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert f"{out}: cannot write the output" in proc.stderr and "re-run the same command to resume" in proc.stderr
    assert "Traceback" not in proc.stderr
    data = out.read_text(encoding="utf-8")
    assert data.endswith("\n") and 1 <= data.count("\n") < 5
    assert all(json.loads(line)["doc_id"] for line in data.splitlines())  # whole records only
    assert main(["extract", str(DOCUMENTS), "-o", str(out), "-q"]) == 0  # room again: resume finishes the job
    assert len(jsonl_latest(out)) == 5


def test_batch_resumes_after_kill_9_with_every_document_exactly_once(tmp_path: Path) -> None:
    paths = report_corpus(tmp_path / "in", 16)  # at 0.1 s an answer, ~1 s left after the fourth record: killed mid-run
    shutil.copy(paths[0], tmp_path / "in" / "twin.txt")  # byte-identical to r000, another document
    out = tmp_path / "out.jsonl"
    with TestServer(latency=0.1) as server:
        cmd = [*CLI, "extract", str(tmp_path / "in"), "-o", str(out), "-q", "--no-cache", "--workers", "2"]
        cmd += llm_args(server)
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (not out.exists() or out.read_text(encoding="utf-8").count("\n") < 4):
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        written = out.read_text(encoding="utf-8").count("\n")
        assert 4 <= written < len(paths) + 1
        with open(out, "a", encoding="utf-8") as fh:
            fh.write('{"doc_id": "r0')  # a line cut off mid-write
        server.latency = 0  # the same command again (in this process: the killed one showed the process side)
        assert main(cmd[len(CLI) :]) == 0
    records = jsonl_records(out)
    assert sorted(r["doc_id"] for r in records) == sorted([p.stem for p in paths] + ["twin"])


def test_batch_ctrl_c_stops_cleanly_and_the_same_command_resumes(tmp_path: Path) -> None:
    n = 20  # at 0.1 s an answer, the rest takes ~1 s after the second record: Ctrl-C lands mid-run
    report_corpus(tmp_path / "in", n)
    out = tmp_path / "out.jsonl"
    # Ctrl-C as in a terminal: a shell without job control starts background commands with SIGINT ignored,
    # and so would this one be when the suite runs in the background
    terminal = [
        sys.executable,
        "-c",
        "import signal; signal.signal(signal.SIGINT, signal.default_int_handler); " + CLI[2],
    ]
    with TestServer(latency=0.1) as server:
        cmd = [
            *terminal,
            "extract",
            str(tmp_path / "in"),
            "-o",
            str(out),
            "--no-cache",
            "--workers",
            "4",
            *llm_args(server),
        ]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        while not out.exists() or out.read_text(encoding="utf-8").count("\n") < 2:
            time.sleep(0.02)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        assert proc.returncode == 130
        assert "Traceback" not in err
        assert "re-run the same command to resume" in err and "interrupted after" in err
        assert all(json.loads(line) for line in out.read_text(encoding="utf-8").splitlines())
        server.latency = 0  # the same command again (in this process: the interrupted one showed the process side)
        assert main([*cmd[len(CLI) :], "-q"]) == 0
    assert sorted(jsonl_latest(out)) == [f"r{i:03d}" for i in range(n)] and len(jsonl_records(out)) == n


def test_batch_jobs_in_worker_processes_give_the_samejsonl_records(tmp_path: Path) -> None:
    report_corpus(tmp_path / "in", 20)
    outs = {}
    for jobs in ("1", "2"):
        outs[jobs] = tmp_path / f"o{jobs}.jsonl"
        assert main(["extract", str(tmp_path / "in"), "-o", str(outs[jobs]), "-q", "--jobs", jobs]) == 0

    def strip(record: dict) -> dict:  # type: ignore[type-arg]
        record["provenance"].pop("timings_ms")
        return record

    one = sorted((strip(r) for r in jsonl_records(outs["1"])), key=lambda r: r["doc_id"])
    two = sorted((strip(r) for r in jsonl_records(outs["2"])), key=lambda r: r["doc_id"])
    assert len(one) == 20 and one == two


def test_batch_cached_rerun_makes_no_call_and_never_caches_a_truncated_answer(tmp_path: Path) -> None:
    report_corpus(tmp_path / "in", 3)
    cache = tmp_path / "cache"
    with TestServer(faults={1: "truncated"}) as server:
        args = ["extract", str(tmp_path / "in"), "-q", "--cache-dir", str(cache), *llm_args(server)]
        assert main([*args, "-o", str(tmp_path / "first.jsonl")]) == 1  # the truncated answer fails its document
        assert main([*args, "-o", str(tmp_path / "second.jsonl")]) == 0  # it is asked again, not read from cache
        before = server.requests
        assert main([*args, "-o", str(tmp_path / "third.jsonl")]) == 0
        assert server.requests == before  # everything cached now: zero calls
    third = jsonl_records(tmp_path / "third.jsonl")
    assert all(r["provenance"]["usage"]["calls"] == 0 and r["provenance"]["usage"]["cached"] > 0 for r in third)


def test_batch_rerun_of_the_same_command_skips_what_is_done(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(DOCUMENTS, tmp_path / "in")
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(tmp_path / "in"), "-o", str(out)]) == 0
    assert main(["extract", str(tmp_path / "in"), "-o", str(out)]) == 0
    assert "0 ok, 0 failed, 5 already done" in capsys.readouterr().err
    assert len(jsonl_records(out)) == 5


def test_batch_reads_a_list_file(tmp_path: Path) -> None:
    listing = tmp_path / "list.txt"
    listing.write_text(f"{DOCUMENTS / '000_709a8d8ff7e18c17.txt'}\n\n{DOCUMENTS / '002_2581eebe3519dac9.txt'}\n")
    out = tmp_path / "out.jsonl"
    assert main(["extract", "--from-list", str(listing), "-o", str(out), "-q"]) == 0
    assert [r["doc_id"] for r in jsonl_records(out)] == ["000_709a8d8ff7e18c17", "002_2581eebe3519dac9"]


def test_batch_ask_needed_asks_the_model_only_where_the_rules_read_poorly(tmp_path: Path) -> None:
    """On a big batch the model's cost should go where the rules fall short: here one report's section 五 is a
    single long block the rules cannot split, the other reads cleanly."""
    folder = tmp_path / "in"
    folder.mkdir()
    text = generate(100, "tab", zero_rate=0.2).text
    (folder / "clean.txt").write_text(text, encoding="utf-8")
    start, end = text.index("（一）存在的主要问题"), text.index("### ", text.index("（一）存在的主要问题"))
    block = "本年度我单位政府信息公开工作虽然取得一定成效，但与上级要求和群众期待相比仍有差距" * 6 + "。\n\n"
    (folder / "block.txt").write_text(text[:start] + block + text[end:], encoding="utf-8")
    rules = tmp_path / "rules.jsonl"
    assert main(["extract", str(folder), "-o", str(rules), "-q"]) == 0
    assert {r["doc_id"]: r.get("needs_model", []) for r in jsonl_records(rules)} == {
        "block": ["improvements"],
        "clean": [],
    }
    asked = {}
    for ask in ("needed", "all"):
        out = tmp_path / f"{ask}.jsonl"
        with TestServer() as server:
            assert (
                main(["extract", str(folder), "-o", str(out), "-q", "--no-cache", *llm_args(server), "--ask", ask]) == 0
            )
            asked[ask] = server.requests
        prompts = {r["doc_id"]: list(r["provenance"]["prompts"] or {}) for r in jsonl_records(out)}
        if ask == "needed":
            assert prompts == {"block": ["narrative"], "clean": []}
            assert all("ask needed" in r["provenance"]["config"] for r in jsonl_records(out))
    assert asked == {"needed": 1, "all": 4}  # narrative and overview for each document when all are asked
