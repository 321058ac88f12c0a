"""Exports read back with pandas: every cell's value, status and span equals the JSONL, in every format;
2019 and 2021 reports of one organ line up in the panel; failures and narrative items are never dropped."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from extractor.cli import main
from extractor.errors import RecordError, UsageError
from extractor.export import export_file
from extractor.export import writers as writers_module
from extractor.spec import TABLE2_COLUMNS, TABLE3_ROWS, TABLE4_BLOCKS, TABLE4_COLUMNS
from extractor.synthetic import generate, generate_series
from tests.conftest import extract_text

FORMATS = ["csv", "parquet", "xlsx"]


def _record(text: str, doc_id: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(extract_text(text).model_dump_json())
    data["doc_id"] = doc_id
    return data


def _refused_row_text() -> str:
    lines = generate(4, "tab").text.split("\n")
    i = next(i for i, line in enumerate(lines) if "部分公开" in line)
    lines[i] += "\t7\t8"  # two values too many: the parser refuses the row (S2 error)
    return "\n".join(lines)


def _without_table4(text: str) -> str:
    start = re.search(r"^.*行政复议、行政诉讼情况.*$", text, re.M)
    end = re.search(r"^.*存在的主要问题及改进情况.*$", text, re.M)
    assert start and end
    return text[: start.start()] + text[end.start() :]


def _model_filled(data: dict[str, Any]) -> dict[str, Any]:
    data = json.loads(json.dumps(data))
    data["doc_id"] = "model"
    for cols in data["table4"].values():
        for cell in cols.values():
            cell["span"] = None
    data["findings"].append({"rule": "L2", "severity": "warning", "message": "table4 was filled by the model"})
    return data


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict[str, Any]]]:
    """A JSONL of: blanks, dashes, a 2019 report, a refused row, a missing table, a model-filled table, a
    reviewer's correction, a failure; and a document recorded twice (failure, then success)."""
    blanks = _record(generate(4, "tab", blank_rate=0.2).text, "blanks")
    old = blanks["table3"]["granted"]["total"]["value"]
    blanks["table3"]["granted"]["total"]["corrected"] = {"from": old + 1, "note": "misread as one more"}
    records = {
        "blanks": blanks,
        "dashes": _record(generate(4, "cells", blank_rate=0.2).text, "dashes"),
        "f2019": _record(generate(7, "tab", fmt2="2019", fmt3="2019").text, "f2019"),
        "refused": _record(_refused_row_text(), "refused"),
        "no_table4": _record(_without_table4(generate(9, "tab").text), "no_table4"),
        "model": _model_filled(blanks),
        "broken": {"doc_id": "broken", "source": {"path": "broken.pdf"}, "error": {"type": "X", "message": "m"}},
    }
    resumed_failure = {
        "doc_id": "f2019",
        "source": {"path": "f2019.txt"},
        "error": {"type": "ModelError", "message": "m"},
    }
    path = tmp_path_factory.mktemp("corpus") / "out.jsonl"
    lines = [resumed_failure, *records.values()]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines), encoding="utf-8")
    return path, records


def _read(path: Path, sheet: str) -> pd.DataFrame:
    if path.suffix == ".xlsx":
        return pd.read_excel(path, sheet_name=sheet)
    target = path if sheet in ("cells", "documents", "panel") else path.with_name(f"{path.stem}.{sheet}{path.suffix}")
    return pd.read_csv(target) if path.suffix == ".csv" else pd.read_parquet(target)


def _missing(x: object) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


def _expected_status(cell: dict[str, Any]) -> str:
    """SPEC §3 and the export contract, from the JSONL cell alone."""
    if cell["span"] is None:
        return "model_filled"
    if cell["value"] is not None:
        return "value"
    return "blank" if not cell["raw"].strip() else "dash"


@pytest.mark.parametrize("fmt", FORMATS, ids=FORMATS)
def test_export_long_round_trips_every_cell(corpus, fmt: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path, records = corpus
    out = tmp_path / f"cells.{fmt}"
    result = export_file(path, out, "long")
    assert result.documents == 6 and result.failures == 1  # f2019's earlier failure is superseded
    df = _read(out, "cells")
    rows = {(r.doc_id, r.key): r for r in df.itertuples(index=False)}
    printed = 0
    for doc_id, data in records.items():
        for table in ("table2", "table3", "table4"):
            for row, cols in (data.get(table) or {}).items():
                for col, cell in cols.items():
                    got = rows.pop((doc_id, f"{table}.{row}.{col}"))
                    printed += 1
                    value = cell["value"]
                    assert _missing(got.value) if value is None else got.value == value
                    assert got.status == _expected_status(cell), (doc_id, table, row, col)
                    span = cell["span"] or [None, None]
                    assert [None if _missing(x) else int(x) for x in (got.span_start, got.span_end)] == span
                    assert ("" if _missing(got.raw) else str(got.raw)) == cell["raw"]
    assert printed == sum(df.status.isin(["value", "blank", "dash", "model_filled"]))
    left = {(d, k): r.status for (d, k), r in rows.items()}  # rows the JSONL has no cell for
    assert {s for (d, k), s in left.items() if k.startswith("table3.partially_granted.")} == {"unreadable"}
    assert {left[("refused", f"table3.partially_granted.{c}")] for c in ("total", "natural_person")} == {"unreadable"}
    refused = rows[("refused", "table3.partially_granted.total")]
    assert "S2" in refused.rules and "row 'partially_granted' has 9 values for 7 columns" in refused.finding
    assert {s for (d, k), s in left.items() if d == "no_table4"} == {"not_printed"}
    assert len([k for d, k in left if d == "no_table4"]) == len(TABLE4_BLOCKS) * len(TABLE4_COLUMNS)
    statuses = set(df.status)
    assert {"value", "blank", "dash", "unreadable", "not_printed", "model_filled"} <= statuses


@pytest.mark.parametrize("fmt", FORMATS, ids=FORMATS)
def test_export_long_carries_the_reviewers_correction(corpus, fmt: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path, records = corpus
    out = tmp_path / f"cells.{fmt}"
    export_file(path, out, "long")
    df = _read(out, "cells").set_index(["doc_id", "key"])
    got = df.loc[("blanks", "table3.granted.total")]
    cell = records["blanks"]["table3"]["granted"]["total"]
    assert bool(got.corrected) and got.corrected_from == cell["corrected"]["from"]
    assert got.corrected_note == "misread as one more"
    assert not df.loc[("blanks", "table3.granted.natural_person")].corrected


@pytest.mark.parametrize("fmt", FORMATS, ids=FORMATS)
def test_export_writes_failures_and_items(corpus, fmt: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path, records = corpus
    out = tmp_path / f"docs.{fmt}"
    export_file(path, out, "wide")
    failures = _read(out, "failures")
    assert list(failures.doc_id) == ["broken"]
    items = _read(out, "items")
    problems = items[(items.doc_id == "blanks") & (items.kind == "problem")]
    expected = records["blanks"]["problems"]
    assert list(problems.text) == [p["text"] for p in expected]
    assert [[int(a), int(b)] for a, b in zip(problems.span_start, problems.span_end, strict=True)] == [
        p["span"] for p in expected
    ]
    assert list(items[items.doc_id == "blanks"].kind.unique()) == ["overview", "problem", "improvement", "platform"]


@pytest.mark.parametrize("fmt", FORMATS, ids=FORMATS)
def test_export_wide_has_one_row_per_document_and_every_key(corpus, fmt: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path, records = corpus
    out = tmp_path / f"docs.{fmt}"
    export_file(path, out, "wide")
    df = _read(out, "documents").set_index("doc_id")
    assert sorted(df.index) == sorted(k for k in records if k != "broken")
    for doc_id in ("blanks", "f2019"):
        data = records[doc_id]
        for table in ("table2", "table3"):
            for row, cols in data[table].items():
                for col, cell in cols.items():
                    got = df.loc[doc_id, f"{table}.{row}.{col}"]
                    assert _missing(got) if cell["value"] is None else got == cell["value"]
                    assert df.loc[doc_id, f"{table}.{row}.{col}.status"] == _expected_status(cell)
    assert df.loc["blanks", "table2.regulations.made.status"] == "not_in_format"  # a 2019 key, a 2021 report
    assert df.loc["f2019", "table3.other_other.total.status"] == "not_in_format"
    assert df.loc["no_table4", "table4.review.total.status"] == "not_printed"
    assert df.loc["blanks", "corrected_cells"] == "table3.granted.total"
    assert df.loc["refused", "findings.S2"] == 1 and df.loc["refused", "errors"] == 1


def test_export_wide_indicators_follow_their_formulas(corpus, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path, records = corpus
    out = tmp_path / "docs.csv"
    export_file(path, out, "wide", indicators=True)
    df = pd.read_csv(out).set_index("doc_id")
    t3, t4 = records["f2019"]["table3"], records["f2019"]["table4"]
    total = t3["results_total"]["total"]["value"]
    granted = t3["granted"]["total"]["value"] + t3["partially_granted"]["total"]["value"]
    denied = sum(t3[r]["total"]["value"] for r in TABLE3_ROWS["2019"] if r.startswith("denied_"))
    concluded = t4["review"]["total"]["value"] - t4["review"]["pending"]["value"]
    assert df.loc["f2019", "disclosure_rate"] == pytest.approx(granted / total)
    assert df.loc["f2019", "denial_rate"] == pytest.approx(denied / total)
    expected = t4["review"]["corrected"]["value"] / concluded if concluded else None
    got = df.loc["f2019", "review_correction_rate"]
    assert _missing(got) if expected is None else got == pytest.approx(expected)
    assert _missing(df.loc["refused", "disclosure_rate"])  # partially_granted unreadable: never taken as 0


def _series_jsonl(path: Path) -> tuple[Path, dict[str, dict[str, Any]]]:
    town = generate_series(21, "示例县城关镇人民政府", [2019, 2020, 2021, 2022], break_carry=2022)
    city = generate_series(22, "示例市教育局", [2022, 2021][::-1])
    records = {}
    for s, prefix in ((city, "city"), (town, "town")):
        for d in s.docs:
            records[f"{prefix}_{d.year}"] = _record(d.text, f"{prefix}_{d.year}")
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records.values()), encoding="utf-8")
    return path, records


@pytest.mark.parametrize("fmt", FORMATS, ids=FORMATS)
def test_export_panel_lines_up_2019_and_2021_reports(fmt: str, tmp_path: Path) -> None:
    path, records = _series_jsonl(tmp_path / "series.jsonl")
    out = tmp_path / f"panel.{fmt}"
    result = export_file(path, out, "panel")
    df = _read(out, "panel")
    assert list(zip(df.organ_key, df.year, strict=True)) == [
        ("示例县城关镇", 2019),
        ("示例县城关镇", 2020),
        ("示例县城关镇", 2021),
        ("示例县城关镇", 2022),
        ("示例市教育局", 2021),
        ("示例市教育局", 2022),
    ]
    p = df.set_index("doc_id")
    t2_2019, t2_2021 = records["town_2019"]["table2"], records["town_2021"]["table2"]
    # 2019 本年新制作数量 and 2021 本年制发件数 share one variable
    assert p.loc["town_2019", "table2.regulations.issued"] == t2_2019["regulations"]["made"]["value"]
    assert p.loc["town_2021", "table2.regulations.issued"] == t2_2021["regulations"]["issued"]["value"]
    # no 2019 counterpart: said, never faked
    assert p.loc["town_2019", "table2.regulations.in_force.status"] == "not_in_format"
    assert _missing(p.loc["town_2019", "table2.regulations.in_force"])
    assert p.loc["town_2021", "table2.procurement.projects.status"] == "not_in_format"
    # 2019's single (六)其他处理 row = 2021's three
    t3 = records["town_2021"]["table3"]
    three = sum(t3[r]["total"]["value"] for r in ("other_no_correction", "other_unpaid_fee", "other_other"))
    assert p.loc["town_2021", "table3.other_handling.total"] == three
    assert p.loc["town_2021", "table3.other_handling.total.status"] == "summed"
    assert (
        p.loc["town_2019", "table3.other_handling.total"]
        == records["town_2019"]["table3"]["other_handling"]["total"]["value"]
    )
    assert p.loc["town_2019", "table3.other_no_correction.total.status"] == "not_in_format"
    # X1 ran: the broken carry-over is in the across_years sheet and counted on both rows
    across = _read(out, "across_years")
    assert set(zip(across.doc_id_previous, across.doc_id, strict=True)) == {("town_2021", "town_2022")}
    assert list(p.x1_warnings[["town_2021", "town_2022", "town_2020"]]) == [len(across), len(across), 0]
    assert result.across_years is not None and result.across_years.pairs == 4


def test_export_panel_flags_duplicate_organ_years(tmp_path: Path) -> None:
    path, records = _series_jsonl(tmp_path / "series.jsonl")
    again = {**records["city_2022"], "doc_id": "city_2022_again"}
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(again, ensure_ascii=False) + "\n")
    out = tmp_path / "panel.csv"
    export_file(path, out, "panel")
    df = pd.read_csv(out).set_index("doc_id")
    assert bool(df.loc["city_2022", "duplicate"]) and bool(df.loc["city_2022_again", "duplicate"])
    assert not df.loc["city_2021", "duplicate"]
    across = pd.read_csv(tmp_path / "panel.across_years.csv")
    assert ("city_2022", "city_2022_again") in set(zip(across.doc_id_previous, across.doc_id, strict=True))


def test_export_streams_in_chunks_and_continues_a_full_xlsx_sheet(
    corpus: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path, _ = corpus
    export_file(path, tmp_path / "ref.csv", "long")
    monkeypatch.setattr(writers_module, "CHUNK_CELLS", 7 * 21)  # cells sheet: 7 rows a chunk
    monkeypatch.setattr(writers_module, "XLSX_MAX_ROWS", 500)
    export_file(path, tmp_path / "chunked.csv", "long")
    export_file(path, tmp_path / "chunked.xlsx", "long")
    ref = pd.read_csv(tmp_path / "ref.csv")
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "chunked.csv"), ref)
    sheets = pd.read_excel(tmp_path / "chunked.xlsx", sheet_name=None)
    parts = [name for name in sheets if name == "cells" or name.startswith("cells_")]
    assert len(parts) == -(-len(ref) // 499)
    combined = pd.concat([sheets[n] for n in parts], ignore_index=True)
    assert list(combined.key) == list(ref.key) and list(combined.status) == list(ref.status)


def test_export_keeps_formula_like_text_as_text(tmp_path: Path) -> None:
    data = _record(generate(4, "tab").text, "=HYPERLINK(1)")
    path = tmp_path / "out.jsonl"
    path.write_text(json.dumps(data, ensure_ascii=False) + "\n", encoding="utf-8")
    export_file(path, tmp_path / "out.xlsx", "wide")
    assert pd.read_excel(tmp_path / "out.xlsx", sheet_name="documents").doc_id[0] == "=HYPERLINK(1)"


def test_export_failing_half_way_leaves_no_file(corpus, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path, _ = corpus
    bad = tmp_path / "bad.jsonl"
    bad.write_text(path.read_text(encoding="utf-8") + '{"doc_id": "last", "source": 3}\n', encoding="utf-8")
    with pytest.raises(RecordError, match=r"bad\.jsonl:9: not an extractor record \(source"):
        export_file(bad, tmp_path / "out.csv", "long")
    assert list(tmp_path.glob("out*")) == [] and list(tmp_path.glob(".out*")) == []


def test_export_unknown_suffix_is_a_usage_error(corpus, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError, match=r"name the file \.csv, \.parquet or \.xlsx"):
        export_file(corpus[0], tmp_path / "out.json", "long")


def test_main_export_goes_on_past_a_malformed_line(corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    path, _ = corpus
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{cut off\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "panel.xlsx"
    assert main(["export", str(bad), "-o", str(out), "--shape", "panel"]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:1: not JSON" in err
    assert "exported 6 documents, 1 failure records" in err and str(out) in err
    assert len(pd.read_excel(out, sheet_name="panel")) == 6


def test_export_covers_every_key_of_both_formats(corpus, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    export_file(corpus[0], tmp_path / "docs.csv", "wide")
    columns = set(pd.read_csv(tmp_path / "docs.csv", nrows=0).columns)
    keys = {f"table2.{r}.{c}" for f in ("2019", "2021") for r, cols in TABLE2_COLUMNS[f].items() for c in cols}
    assert keys <= columns


def test_export_reads_records_written_before_organ_key_existed(tmp_path: Path) -> None:
    data = _record(generate(4, "tab").text, "legacy")
    for key in ("organ_key", "level", "publication"):
        del data[key]
    data["organ"] = "示例县城关镇人民政府"
    path = tmp_path / "old.jsonl"
    path.write_text(json.dumps(data, ensure_ascii=False) + "\n", encoding="utf-8")
    export_file(path, tmp_path / "docs.csv", "wide")
    row = pd.read_csv(tmp_path / "docs.csv").iloc[0]
    assert (row.organ_key, row.level) == ("示例县城关镇", "township")


def test_export_long_gives_the_pdf_page_of_each_cell(tmp_path: Path) -> None:
    from extractor.pipeline import extract_path
    from extractor.synthetic.files import to_pdf

    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(to_pdf(generate(6, "tab")))
    record = extract_path(pdf, "pdf")
    path = tmp_path / "out.jsonl"
    path.write_text(record.model_dump_json() + "\n", encoding="utf-8")
    export_file(path, tmp_path / "cells.csv", "long")
    df = pd.read_csv(tmp_path / "cells.csv").dropna(subset=["span_start"])
    pages = json.loads(record.model_dump_json())["source"]["pages"]
    assert len(pages) > 1 and df.page.nunique() > 1  # the tables run over more than one page
    for start, page in zip(df.span_start, df.page, strict=True):
        first, end = pages[int(page) - 1]
        assert first <= start < end
