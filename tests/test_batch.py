"""Batch jobs against the loopback test server: faults retried then recorded, kill -9 then resume with every
document exactly once, a cached re-run making no call, a truncated last line repaired."""

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
from extractor.synthetic import generate
from extractor.testserver import TestServer
from tests.conftest import DOCUMENTS

pytestmark = pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.1"])  # the test server; nothing else


def _corpus(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"r{i:03d}.txt"
        path.write_text(generate(100 + i, "tab", zero_rate=0.2).text, encoding="utf-8")
        paths.append(path)
    return paths


def _records(path: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _llm_args(server: TestServer, *extra: str) -> list[str]:
    return ["--backend", "llm", "--base-url", server.base_url, "--model", "test-model", "--timeout", "1", *extra]


def test_batch_retries_429_500_timeout_and_malformed_answers(tmp_path: Path) -> None:
    _corpus(tmp_path / "in", 2)
    faults = {1: "429", 2: "500", 3: "hang", 4: "malformed"}
    with TestServer(faults=faults, hang_s=3) as server:
        code = main(
            ["extract", str(tmp_path / "in"), "-o", str(tmp_path / "out.jsonl"), "-q", "--no-cache", *_llm_args(server)]
        )
        assert code == 0
        requests = server.requests
    records = _records(tmp_path / "out.jsonl")
    assert sorted(r["doc_id"] for r in records) == ["r000", "r001"]
    assert all("error" not in r for r in records)
    calls = sum(r["provenance"]["usage"]["calls"] for r in records)
    assert requests == calls + len(faults)  # each fault was retried once; the records count only the calls


@pytest.mark.parametrize("fault", ["500", "hang", "truncated"])
def test_batch_records_a_document_whose_calls_keep_failing_and_goes_on(tmp_path: Path, fault: str) -> None:
    paths = _corpus(tmp_path / "in", 3)
    marked = (
        paths[1].read_text(encoding="utf-8").replace("（一）存在的主要问题\n\n", "（一）存在的主要问题\n\n故障标记。")
    )
    paths[1].write_text(marked, encoding="utf-8")

    failing: list[int] = []

    def plan(number: int, body: dict[str, object]) -> str | None:
        if "故障标记" in json.dumps(body, ensure_ascii=False):  # r001's narrative call, each time it is sent
            failing.append(number)
            return fault
        return None

    with TestServer(faults=plan, hang_s=2) as server:
        code = main(
            ["extract", str(tmp_path / "in"), "-o", str(tmp_path / "out.jsonl"), "-q", "--no-cache", *_llm_args(server)]
        )
    # a transport fault is retried up to the client's 5 attempts; a cut-off answer is not retried
    assert len(failing) == {"500": 5, "hang": 5, "truncated": 1}[fault]
    assert code == 1
    records = {r["doc_id"]: r for r in _records(tmp_path / "out.jsonl")}
    assert set(records) == {"r000", "r001", "r002"}
    assert [d for d, r in records.items() if "error" in r] == ["r001"]
    assert records["r001"]["error"]["type"] == "ModelError" and records["r001"]["source"]["sha256"]


def test_batch_cached_rerun_makes_no_call_and_never_caches_a_truncated_answer(tmp_path: Path) -> None:
    _corpus(tmp_path / "in", 3)
    cache = tmp_path / "cache"
    with TestServer(faults={1: "truncated"}) as server:
        args = ["extract", str(tmp_path / "in"), "-q", "--cache-dir", str(cache), *_llm_args(server)]
        assert main([*args, "-o", str(tmp_path / "first.jsonl")]) == 1  # the truncated answer fails its document
        first = server.requests
        assert main([*args, "-o", str(tmp_path / "second.jsonl")]) == 0
        # only the answer that was truncated is asked again (its document's overview answer was cached)
        assert server.requests == first + 1
        assert main([*args, "-o", str(tmp_path / "third.jsonl")]) == 0
        assert server.requests == first + 1  # everything cached now: zero calls
    third = _records(tmp_path / "third.jsonl")
    assert all(r["provenance"]["usage"]["cached"] == 2 and r["provenance"]["usage"]["calls"] == 0 for r in third)


def test_batch_resumes_after_kill_9_with_every_document_exactly_once(tmp_path: Path) -> None:
    paths = _corpus(tmp_path / "in", 12)
    out = tmp_path / "out.jsonl"
    with TestServer(latency=0.15) as server:
        cmd = [
            sys.executable,
            "-c",
            "from extractor.cli import main; import sys; raise SystemExit(main(sys.argv[1:]))",
            "extract",
            str(tmp_path / "in"),
            "-o",
            str(out),
            "-q",
            "--no-cache",
            "--workers",
            "2",
            *_llm_args(server),
        ]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (not out.exists() or out.read_text(encoding="utf-8").count("\n") < 4):
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        written = out.read_text(encoding="utf-8").count("\n")
        assert 4 <= written < 12
        with open(out, "a", encoding="utf-8") as fh:
            fh.write('{"doc_id": "r0')  # a line cut off mid-write
        assert subprocess.run(cmd, stdout=subprocess.DEVNULL, timeout=120).returncode == 0
    records = _records(out)
    assert sorted(r["doc_id"] for r in records) == sorted(p.stem for p in paths)
    assert len({r["source"]["sha256"] for r in records}) == 12


def test_batch_rerun_of_the_same_command_skips_what_is_done(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(DOCUMENTS, tmp_path / "in")
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(tmp_path / "in"), "-o", str(out)]) == 0
    assert main(["extract", str(tmp_path / "in"), "-o", str(out)]) == 0
    assert "0 ok, 0 failed, 5 already done" in capsys.readouterr().err
    assert len(_records(out)) == 5


def test_batch_reads_a_list_file(tmp_path: Path) -> None:
    listing = tmp_path / "list.txt"
    listing.write_text(f"{DOCUMENTS / '000_709a8d8ff7e18c17.txt'}\n\n{DOCUMENTS / '002_2581eebe3519dac9.txt'}\n")
    out = tmp_path / "out.jsonl"
    assert main(["extract", "--from-list", str(listing), "-o", str(out), "-q"]) == 0
    assert [r["doc_id"] for r in _records(out)] == ["000_709a8d8ff7e18c17", "002_2581eebe3519dac9"]
