"""``extractor show`` in a terminal: the forms' Chinese labels beside SPEC's keys, readable at 80 columns."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console

from extractor.cli import main
from extractor.schema import Report
from extractor.show import render
from extractor.spec import TABLE2_COLUMN_LABELS, TABLE3_COLUMN_LABELS, TABLE3_ROW_LABELS, TABLE3_ROWS
from tests.conftest import DOCUMENTS


def _text(report: Report, width: int) -> str:
    console = Console(width=width, record=True, file=open("/dev/null", "w"), color_system=None)  # noqa: SIM115
    console.print(render(report, width))
    return console.export_text()


@pytest.mark.parametrize("doc_id", ["002_2581eebe3519dac9", "003_69c037c7e9f6049d"], ids=["2019", "2021"])
def test_render_fits_80_columns_with_chinese_labels_beside_keys(seed_reports: dict[str, Report], doc_id: str) -> None:
    report = seed_reports[doc_id]
    out = _text(report, 80)
    assert max(cell_len(line) for line in out.splitlines()) <= 80
    assert "…" not in out  # nothing cut off
    fmt3 = report.format.table3
    assert fmt3 is not None
    for row in TABLE3_ROWS[fmt3]:
        assert row in out  # the key …
        assert TABLE3_ROW_LABELS[row][:6] in out.replace("\n", "")  # … and its label (long ones wrap)
    assert report.format.table2 is not None
    for col, label in TABLE2_COLUMN_LABELS[report.format.table2].items():
        if any(col in cols for cols in (report.table2 or {}).values()):
            assert label in out and col in out  # table 2's columns are headed by their names


def test_render_wide_puts_the_key_on_the_label_line(seed_reports: dict[str, Report]) -> None:
    out = _text(seed_reports["003_69c037c7e9f6049d"], 160)
    assert "予以公开 granted" in out
    assert all(label in out for label in TABLE3_COLUMN_LABELS.values() if label != "小计")


def test_main_show_lists_the_ids_present(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = tmp_path / "r.jsonl"
    assert main(["extract", str(DOCUMENTS), "-o", str(records), "-q"]) == 0
    assert main(["show", str(records), "--doc-id", "nope"]) == 2
    err = capsys.readouterr().err
    assert "no record with doc_id 'nope'; ids present: 000_709a8d8ff7e18c17, 001_8f8da80f034e246c" in err


def test_main_show_tells_records_by_content_not_suffix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = tmp_path / "records.txt"  # JSON lines under a report's suffix
    assert main(["extract", str(DOCUMENTS / "002_2581eebe3519dac9.txt"), "-o", str(records), "-q"]) == 0
    assert main(["show", str(records)]) == 0
    assert "002_2581eebe3519dac9" in capsys.readouterr().out
    report = tmp_path / "report.jsonl"  # a report under the records' suffix
    shutil.copy(DOCUMENTS / "002_2581eebe3519dac9.txt", report)
    assert main(["show", str(report)]) == 0
    assert "1596496.16元" in capsys.readouterr().out


def test_main_show_without_doc_id_shows_the_first_documents_latest_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A failure a re-run superseded is history: ``show OUT.jsonl`` shows what readers take, the latest."""
    source = DOCUMENTS / "002_2581eebe3519dac9.txt"
    records = tmp_path / "r.jsonl"
    assert main(["extract", str(source), "-o", str(records), "-q"]) == 0
    report = records.read_text(encoding="utf-8")
    failure = '{"doc_id":"002_2581eebe3519dac9","source":{"path":"x.txt"},"error":{"type":"ModelError",'
    failure += '"message":"the endpoint failed","retry":true}}\n'
    records.write_text(failure + report, encoding="utf-8")
    capsys.readouterr()
    assert main(["show", str(records)]) == 0
    out = capsys.readouterr().out
    assert "1596496.16元" in out and "the endpoint failed" not in out
