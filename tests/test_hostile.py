"""Hostile and odd files never stop or stall a batch: each becomes one clear record (type, file, problem,
fix) or a correct report, the other documents go on, and a re-run writes nothing twice."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from extractor.cli import main
from tests.batch_runs import CLI, jsonl_records
from tests.hostile import GOOD, KINDS, Kind, write_corpus


@pytest.mark.parametrize("kind", KINDS, ids=[k.name for k in KINDS])
def test_extract_hostile_file_is_one_clear_record_and_the_batch_goes_on(
    tmp_path: Path, kind: Kind, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_bytes(GOOD.read_bytes())
    path = kind.make(folder)
    out = tmp_path / "o.jsonl"
    code = main(["extract", str(folder / "good.txt"), str(path), "-o", str(out), "-q", "--jobs", "1"])
    records = jsonl_records(out)
    assert len(records) == 2
    assert records[0]["doc_id"] == "good" and "error" not in records[0]
    record = records[1]
    assert record["source"]["path"] == str(path).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    if kind.expect == "ok":
        assert code == 0 and "error" not in record
        rules = {f["rule"]: f["message"] for f in record["findings"]}
        for word in kind.says:
            assert word in rules or any(word in m for m in rules.values())
        return
    assert code == 1
    assert record["error"]["type"] == kind.expect and record["error"]["retry"] is False
    message = record["error"]["message"]
    assert message.startswith(record["source"]["path"] + ": ")  # names the file
    assert "; " in message  # problem; fix
    for word in kind.says:
        assert word in message
    assert message in capsys.readouterr().err  # and says it on stderr, once


def test_extract_hostile_corpus_in_worker_processes_loses_and_duplicates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    made = write_corpus(tmp_path / "in")
    out = tmp_path / "o.jsonl"
    cmd = [*CLI, "extract", str(tmp_path / "in"), *map(str, made.values()), "-o", str(out), "-q", "--jobs", "2"]
    first = subprocess.run(cmd, capture_output=True, text=True, timeout=120)  # a hang fails here, not forever
    assert first.returncode == 1 and "Traceback" not in first.stderr
    records = jsonl_records(out)
    assert len(records) == len(KINDS) + 1  # every file once: the good one, each hostile one
    # the same command again, showing its summary (in this process: the first showed the process side)
    second = main([arg for arg in cmd[len(CLI) :] if arg != "-q"])
    err = capsys.readouterr().err
    assert second == 1 and "Traceback" not in err
    assert jsonl_records(out) == records  # nothing written twice: every failure here is the file's own
    failures = sum("error" in r for r in records)
    assert f"{len(records)} already done ({failures} a failure of the file itself)" in err


def test_extract_folder_skips_dot_files_saying_so_and_extracts_them_when_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_bytes(GOOD.read_bytes())
    hidden = folder / ".hidden-report.txt"
    hidden.write_bytes(GOOD.read_bytes())
    assert main(["extract", str(folder), "-o", str(tmp_path / "a.jsonl")]) == 0
    assert [r["doc_id"] for r in jsonl_records(tmp_path / "a.jsonl")] == ["good"]
    assert "skipped 1 hidden entries" in capsys.readouterr().err
    assert main(["extract", str(hidden), "-o", str(tmp_path / "b.jsonl"), "-q"]) == 0
    assert [r["doc_id"] for r in jsonl_records(tmp_path / "b.jsonl")] == [".hidden-report"]


def test_extract_max_bytes_is_a_setting(tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    assert main(["extract", str(GOOD), "-o", str(out), "-q", "--max-bytes", "1000"]) == 1
    assert jsonl_records(out)[0]["error"]["type"] == "TooLargeError"
