"""Reading JSONL records: the latest record per document wins, streamed; malformed lines named."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from extractor.errors import RecordError, UsageError
from extractor.records import RecordFile, latest, parse_line, scan
from extractor.schema import FailureRecord, Report
from tests.conftest import extract_text

_TEXT = "示例县2022年政府信息公开工作年度报告\n一、总体情况\n本年度……\n二、主动公开政府信息情况\n"


def _report(doc_id: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(extract_text(_TEXT).model_dump_json())
    data["doc_id"] = doc_id
    return data


def _failure(doc_id: str) -> dict:  # type: ignore[type-arg]
    return {"doc_id": doc_id, "source": {"path": f"{doc_id}.txt"}, "error": {"type": "ModelError", "message": "m"}}


def _write(path: Path, records: list[dict]) -> Path:  # type: ignore[type-arg]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def test_latest_keeps_the_last_record_of_each_document_in_file_order(tmp_path: Path) -> None:
    path = _write(tmp_path / "out.jsonl", [_failure("a"), _report("b"), _report("a")])
    got = [(data["doc_id"], type(record).__name__, ref.line_no) for ref, data, record in latest(path)]
    assert got == [("b", "Report", 2), ("a", "Report", 3)]


def test_latest_keeps_a_later_failure_over_an_earlier_success(tmp_path: Path) -> None:
    path = _write(tmp_path / "out.jsonl", [_report("a"), _failure("a")])
    assert [type(r) for _, _, r in latest(path)] == [FailureRecord]


def test_scan_reads_doc_id_when_it_is_not_the_first_key(tmp_path: Path) -> None:
    data = _report("late")
    reordered = {k: data[k] for k in reversed(list(data))}
    path = _write(tmp_path / "out.jsonl", [reordered, _report("x"), reordered])
    assert [(r.doc_id, r.line_no) for r in scan(path)] == [("x", 2), ("late", 3)]


def test_latest_names_a_malformed_line_and_goes_on_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_text(json.dumps(_report("a")) + "\n{cut off\n" + json.dumps(_report("b")) + "\n", encoding="utf-8")
    with pytest.raises(RecordError, match=r"out\.jsonl:2: not JSON"):
        list(latest(path))
    seen: list[RecordError] = []
    assert [d["doc_id"] for _, d, _ in latest(path, seen.append)] == ["a", "b"]
    assert len(seen) == 1 and ":2:" in str(seen[0])


def test_parse_line_keeps_keys_the_model_does_not_know(tmp_path: Path) -> None:
    data = _report("a")
    correction = {"from": 2, "note": "misread"}
    data["table4"] = {"review": {"total": {"value": 1, "raw": "1", "span": [0, 1], "corrected": correction}}}
    raw, record = parse_line(tmp_path / "x.jsonl", 1, json.dumps(data))
    assert isinstance(record, Report)
    assert raw["table4"]["review"]["total"]["corrected"] == correction


def test_record_file_is_re_iterable(tmp_path: Path) -> None:
    records = RecordFile(_write(tmp_path / "out.jsonl", [_report("a"), _report("b")]))
    assert [r.doc_id for r in records] == [r.doc_id for r in records] == ["a", "b"]


def test_record_file_of_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        RecordFile(tmp_path / "nope.jsonl")
