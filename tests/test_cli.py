"""The command line as a user runs it: records on stdout or in a file, errors on stderr, exit codes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from extractor.cli import main
from tests.conftest import DOCUMENTS


def _records(text: str) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_main_extract_bundled_documents_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", str(DOCUMENTS)]) == 0
    out, err = capsys.readouterr()
    records = {r["doc_id"]: r for r in _records(out)}
    assert sorted(records) == sorted(p.stem for p in DOCUMENTS.glob("*.txt"))
    procurement = records["002_2581eebe3519dac9"]["table2"]["procurement"]["total_amount"]
    start, end = procurement.pop("span")
    assert procurement == {"value": 1596496.16, "raw": "1596496.16元", "unit": "元"}
    assert (DOCUMENTS / "002_2581eebe3519dac9.txt").read_text(encoding="utf-8")[start:end] == "1596496.16元"
    assert records["001_8f8da80f034e246c"]["findings"][0]["rule"] == "N2"
    assert "5 documents: 5 ok, 0 failed, 0 already done; findings by rule: N2 warning: 1" in err
    assert "001_8f8da80f034e246c" in err  # the per-document table of a small batch


def test_main_extract_records_a_bad_file_and_goes_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(DOCUMENTS / "000_709a8d8ff7e18c17.txt", tmp_path / "good.txt")
    (tmp_path / "scan.txt").write_bytes(b"%PDF-1.5 binary")
    out_file = tmp_path / "out" / "records.jsonl"
    assert main(["extract", str(tmp_path), "-o", str(out_file)]) == 1
    _, err = capsys.readouterr()
    records = _records(out_file.read_text(encoding="utf-8"))
    assert {r["doc_id"]: ("error" in r) for r in records} == {"good": False, "scan": True}
    assert f"{tmp_path / 'scan.txt'}: the PDF is damaged or cut short" in err  # read as what it is, not by name


@pytest.mark.parametrize(
    "argv",
    [["extract"], ["frobnicate"], ["extract", "--frobnicate", "3", "x"], []],
    ids=["no-paths", "unknown-command", "unknown-option", "nothing"],
)
def test_main_usage_errors_exit_2(argv: list[str]) -> None:
    assert main(argv) == 2


def test_main_extract_folder_without_reports_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["extract", str(tmp_path)]) == 2
    assert "no report file (.txt .md .html .pdf .docx .png .jpg .tif) found" in capsys.readouterr().err


def test_main_validate_rechecks_a_hand_edited_record(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(DOCUMENTS / "003_69c037c7e9f6049d.txt", tmp_path / "r.txt")
    records_file = tmp_path / "r.jsonl"
    assert main(["extract", str(tmp_path / "r.txt"), "-o", str(records_file), "-q"]) == 0
    assert main(["validate", str(records_file), "-q"]) == 0
    capsys.readouterr()
    record = _records(records_file.read_text(encoding="utf-8"))[0]
    record["table3"]["granted"]["natural_person"]["value"] = 2  # row total stays 0: R3.3 and R3.2 break
    records_file.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["validate", str(records_file)]) == 1
    out, _ = capsys.readouterr()
    rules = {f["rule"] for f in _records(out)[0]["findings"]}
    assert {"R3.2", "R3.3"} <= rules


def test_main_validate_names_a_malformed_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"doc_id": "x"}\nnot json\n', encoding="utf-8")
    assert main(["validate", str(bad), "-q"]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:1: not an extractor record" in err and f"{bad}:2: not JSON" in err


def test_main_show_highlights_a_document(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", str(DOCUMENTS / "002_2581eebe3519dac9.txt")]) == 0
    out = capsys.readouterr().out
    assert "1596496.16元" in out and "table3 (2019)" in out and "no findings" in out


def test_main_schema_prints_the_report_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert {"doc_id", "table2", "table3", "table4", "findings", "provenance"} <= set(schema["properties"])


def test_main_validate_rejects_keys_outside_the_vocabulary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records_file = tmp_path / "r.jsonl"
    assert main(["extract", str(DOCUMENTS / "000_709a8d8ff7e18c17.txt"), "-o", str(records_file), "-q"]) == 0
    record = _records(records_file.read_text(encoding="utf-8"))[0]
    record["table3"]["granted"]["natual_person"] = record["table3"]["granted"].pop("natural_person")
    records_file.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["validate", str(records_file), "-q"]) == 1
    assert "table3.granted.natual_person" in capsys.readouterr().err


def test_main_validate_fails_on_failure_records(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    records_file = tmp_path / "r.jsonl"
    assert main(["extract", str(tmp_path / "empty.txt"), "-o", str(records_file), "-q"]) == 1
    assert main(["validate", str(records_file), "-q"]) == 1


def test_main_show_reports_a_malformed_record_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    assert main(["show", str(bad)]) == 1
    assert f"{bad}:1: not JSON" in capsys.readouterr().err


def test_main_extract_into_a_closed_pipe_stops_quietly() -> None:
    code = f"from extractor.cli import main; raise SystemExit(main(['extract', {str(DOCUMENTS)!r}, '-q']))"
    proc = subprocess.run(
        f'{sys.executable} -c "{code}" | head -c 20', shell=True, capture_output=True, text=True, timeout=60
    )
    assert len(proc.stdout) == 20 and "Traceback" not in proc.stderr


def test_main_help_lists_every_command_in_plain_words(capsys: pytest.CaptureFixture[str]) -> None:
    import argparse

    from extractor.cli import _parser

    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    sub = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    commands = list(sub.choices)
    assert {"extract", "compact", "export", "review", "correct", "eval", "local-model"} <= set(commands)
    for command in commands:  # every command the parser has is listed, with its help
        assert f"\n    {command} " in out or f"\n    {command}\n" in out, command
    assert "``" not in out and ":class:" not in out


def test_main_eval_refuses_two_choices_of_documents(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "--set", "real", "--synthetic", "3"]) == 2
    assert "give one of them" in capsys.readouterr().err


def test_main_timeout_help_states_what_each_backend_waits(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import re

    from extractor.llm import local
    from extractor.llm.client import LLM
    from extractor.llm.setup import build_stage

    assert main(["extract", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    said = re.search(r"--timeout TIMEOUT .*?\(default (\d+); --backend local (\d+)\)", text)
    assert said is not None, text
    monkeypatch.setattr(local, "start", lambda **_: {"model": "q", "port": 9, "pid": 1})
    clients = {}
    for backend, timeout in (("llm", None), ("local", None), ("local", 42.0)):
        stage = build_stage(backend, model="m" if backend == "llm" else None, base_url="http://127.0.0.1:9/v1"
                            if backend == "llm" else None, timeout=timeout)  # fmt: skip
        assert stage is not None and isinstance(stage.llm, LLM)
        clients[backend, timeout] = stage.llm
    assert clients["llm", None].config.timeout == float(said[1]) == clients["llm", None].openai.timeout
    assert clients["local", None].config.timeout == float(said[2]) == clients["local", None].openai.timeout
    assert clients["local", 42.0].config.timeout == 42.0 == clients["local", 42.0].openai.timeout
