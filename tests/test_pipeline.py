"""The bundled documents end to end: every cell right, no false error, failures recorded per file."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from extractor.evaluation.gold import load_gold
from extractor.pipeline import extract_paths
from extractor.schema import FailureRecord, Report

GOLD = {g.doc_id: g for g, _ in load_gold(Path(__file__).resolve().parent.parent / "evals" / "gold")}
FORMATS = {d: (g.formats.table2, g.formats.table3) for d, g in GOLD.items()}


@pytest.mark.parametrize("doc_id", sorted(FORMATS))
def test_extract_document_reads_every_cell_of_the_bundled_documents(
    seed_reports: dict[str, Report], doc_id: str
) -> None:
    report = seed_reports[doc_id]
    text = Path(report.source.path).read_text(encoding="utf-8")
    gold = GOLD[doc_id]
    assert (report.format.table2, report.format.table3) == FORMATS[doc_id]
    for table in ("table2", "table3", "table4"):
        got = getattr(report, table)
        expected = gold.table(table)
        assert expected is not None and got is not None
        assert {r: set(c) for r, c in got.items()} == {r: set(c) for r, c in expected.items()}, table
        for row, cols in expected.items():
            for col, cell in cols.items():
                mine = got[row][col]
                assert (mine["value"], mine["raw"]) == (cell.value, cell.raw), f"{table}.{row}.{col}"
                assert text[mine["span"][0] : mine["span"][1]] == mine["raw"]
    assert [f.message for f in report.findings if f.severity == "error"] == []


@pytest.mark.parametrize("doc_id", sorted(FORMATS))
def test_extract_document_builds_a_record_that_validates(seed_reports: dict[str, Report], doc_id: str) -> None:
    # extract_document skips validation for speed; what it builds must still pass it, and round-trip.
    report = seed_reports[doc_id]
    again = Report.model_validate_json(report.model_dump_json())
    assert again.model_dump() == Report.model_validate(report.model_dump()).model_dump()
    assert again.model_dump_json() == report.model_dump_json()


def test_extract_document_keeps_amount_units(seed_reports: dict[str, Report]) -> None:
    report = seed_reports["002_2581eebe3519dac9"]
    assert report.table2 is not None
    cell = report.table2["procurement"]["total_amount"]
    assert (cell["value"], cell["raw"], cell.get("unit")) == (1596496.16, "1596496.16元", "元")
    text = Path(report.source.path).read_text(encoding="utf-8")
    assert cell["span"] is not None and text[cell["span"][0] : cell["span"][1]] == "1596496.16元"
    fees = seed_reports["000_709a8d8ff7e18c17"].table2
    assert fees is not None and fees["fees"]["amount"].get("unit") == "万元"


def test_extract_document_warns_only_where_the_document_is_silent(seed_reports: dict[str, Report]) -> None:
    warnings = {d: [f.rule for f in r.findings] for d, r in seed_reports.items()}
    # 001 never states the 信息处理费 its 2021-format tables call for; the others do or are 2019 format.
    assert warnings == {d: [f.rule for f in g.findings] for d, g in GOLD.items()}


def test_extract_paths_records_bad_files_and_goes_on(tmp_path: Path) -> None:
    good = Path(__file__).resolve().parent.parent / "evals" / "documents" / "000_709a8d8ff7e18c17.txt"
    (tmp_path / "a_empty.txt").write_bytes(b"")
    (tmp_path / "b_binary.txt").write_bytes(b"%PDF-1.7\n\x00\x01\x02")
    (tmp_path / "c_latin.txt").write_bytes(bytes(range(128, 256)) * 20)
    (tmp_path / "d_notreport.txt").write_text("今天天气很好。\n我们去公园散步。\n", encoding="utf-8")
    (tmp_path / "e_good.txt").write_bytes(good.read_bytes())
    records = list(extract_paths([tmp_path, tmp_path / "missing.txt"]))
    kinds = {r.doc_id: (r.error.type if isinstance(r, FailureRecord) else "ok") for r in records}
    assert kinds == {
        "a_empty": "EmptyDocumentError",
        "b_binary": "DamagedDocumentError",  # a PDF header: read as a PDF whatever its name, and found broken
        "c_latin": "UndecodableDocumentError",
        "d_notreport": "NotAReportError",
        "e_good": "ok",
        "missing": "FileNotFoundError",
    }
    for r in records:
        if isinstance(r, FailureRecord):
            assert r.source.path in r.error.message


def test_extract_paths_makes_doc_ids_unique(tmp_path: Path) -> None:
    good = Path(__file__).resolve().parent.parent / "evals" / "documents" / "000_709a8d8ff7e18c17.txt"
    for sub in ("x", "y", "z"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "report.txt").write_bytes(good.read_bytes())
    ids = [r.doc_id for r in extract_paths([tmp_path])]
    assert ids == ["report", "report-2", "report-3"]


def test_extract_document_record_is_immutable_once_assembled(seed_reports: dict[str, Report]) -> None:
    report = seed_reports["000_709a8d8ff7e18c17"]
    with pytest.raises(ValidationError, match="frozen"):
        report.title = "changed"
    with pytest.raises(ValidationError, match="frozen"):
        report.provenance.backend = "llm"
    fixed = report.model_copy(update={"title": "changed"})
    assert (fixed.title, report.title) == ("changed", GOLD["000_709a8d8ff7e18c17"].title)


def test_extract_paths_writes_the_run_configuration_into_every_record(tmp_path: Path) -> None:
    good = Path(__file__).resolve().parent.parent / "evals" / "documents" / "000_709a8d8ff7e18c17.txt"
    (tmp_path / "a.txt").write_bytes(good.read_bytes())
    (tmp_path / "b.txt").write_bytes(b"")
    records = {r.doc_id: r for r in extract_paths([tmp_path], config="extractor 9; backend rules")}
    a, b = records["a"], records["b"]
    assert isinstance(a, Report) and a.provenance.config == "extractor 9; backend rules"
    assert isinstance(b, FailureRecord) and b.config == "extractor 9; backend rules"
