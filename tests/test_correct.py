"""Corrections recorded, not hand-edited JSON: a person's CSV lines applied, re-validated and marked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.cli import main
from extractor.correct import CorrectionError, parse_value, prepare
from extractor.pipeline import extract_path
from extractor.synthetic import generate
from tests.batch_runs import jsonl_latest
from tests.conftest import DOCUMENTS

SEED = 101


@pytest.fixture()
def broken_r32(tmp_path: Path) -> tuple[Path, str, int | float]:
    """A report whose table 3 breaks R3.2 in one known cell, extracted to OUT.jsonl with a clean report beside it;
    the cell's path and its true value (the same seed drawn without the break)."""
    doc = generate(SEED, "tab", "2021", "2021", break_rule="R3.2")
    ((_, path),) = doc.values.broken
    true_value = generate(SEED, "tab", "2021", "2021").values.get(path)
    assert true_value is not None
    (tmp_path / "broken.txt").write_text(doc.text, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    with open(out, "w", encoding="utf-8") as fh:
        for p in (DOCUMENTS / "000_709a8d8ff7e18c17.txt", tmp_path / "broken.txt"):
            fh.write(extract_path(p, p.stem).model_dump_json() + "\n")
    return out, path, true_value


def test_correct_round_trip_clears_r32_and_marks_the_cell(
    broken_r32: tuple[Path, str, int | float], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, path, true_value = broken_r32
    before = jsonl_latest(out)
    assert "R3.2" in {f["rule"] for f in before["broken"]["findings"]}
    table, row, col = path.split(".")
    printed = before["broken"][table][row][col]
    csv = tmp_path / "corrections.csv"
    csv.write_text(
        f'doc_id,path,value,note\nbroken,{path},{true_value},"typo in the PDF, see p. 3"\n', encoding="utf-8"
    )
    fixed = tmp_path / "fixed.jsonl"
    assert main(["correct", str(out), str(csv), "-o", str(fixed)]) == 0
    after = jsonl_latest(fixed)
    cell = after["broken"][table][row][col]
    assert cell["value"] == true_value
    assert (cell["raw"], cell["span"]) == (printed["raw"], printed["span"])  # what the document printed stays
    assert cell["corrected"] == {"from": printed["value"], "note": "typo in the PDF, see p. 3"}
    assert not [f for f in after["broken"]["findings"] if f["severity"] == "error"]
    # the record it did not touch is copied byte for byte
    untouched = [line for line in out.read_text(encoding="utf-8").splitlines() if '"000_709a8d8ff7e18c17"' in line]
    assert untouched[0] in fixed.read_text(encoding="utf-8").splitlines()
    assert f"broken {path}: {printed['value']} → {true_value}" in capsys.readouterr().err


def test_correct_takes_the_latest_record_of_a_document(
    broken_r32: tuple[Path, str, int | float], tmp_path: Path
) -> None:
    out, path, true_value = broken_r32
    lines = out.read_text(encoding="utf-8").splitlines()
    older = json.loads(lines[1])
    older["title"] = "an older extraction"
    out.write_text("\n".join([json.dumps(older, ensure_ascii=False), *lines]) + "\n", encoding="utf-8")
    csv = tmp_path / "c.csv"
    csv.write_text(f"broken,{path},{true_value}\n", encoding="utf-8")
    fixed = tmp_path / "fixed.jsonl"
    assert main(["correct", str(out), str(csv), "-o", str(fixed), "-q"]) == 0
    docs = [json.loads(line) for line in fixed.read_text(encoding="utf-8").splitlines()]
    assert [d["doc_id"] for d in docs] == ["000_709a8d8ff7e18c17", "broken"]
    assert docs[1]["title"] != "an older extraction"


def test_correct_again_keeps_the_printed_value_as_from(
    broken_r32: tuple[Path, str, int | float], tmp_path: Path
) -> None:
    out, path, true_value = broken_r32
    table, row, col = path.split(".")
    printed = jsonl_latest(out)["broken"][table][row][col]["value"]
    first, second = tmp_path / "f1.jsonl", tmp_path / "f2.jsonl"
    (tmp_path / "a.csv").write_text(f"broken,{path},{true_value + 7},first guess\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text(f"broken,{path},{true_value},checked again\n", encoding="utf-8")
    assert main(["correct", str(out), str(tmp_path / "a.csv"), "-o", str(first), "-q"]) == 1  # R3.2 still fails
    assert main(["correct", str(first), str(tmp_path / "b.csv"), "-o", str(second), "-q"]) == 0
    cell = jsonl_latest(second)["broken"][table][row][col]
    assert cell["corrected"] == {"from": printed, "note": "checked again"}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("nobody,table3.granted.total,1", "no record with doc_id 'nobody'"),
        ("broken,table3.granted.totl,1", "has no column 'totl'; did you mean 'total'?"),
        ("broken,table3.grantd.total,1", "has no row 'grantd' in this document's format; did you mean 'granted'?"),
        ("broken,granted.total,1", "is not a cell; write table.row.column"),
        ("broken,table3.granted.total,abc", "value 'abc' is not a number"),
        ("broken,table3.granted.total,1,note,extra", "5 fields, expected doc_id,path,value[,note]"),
    ],
    ids=["unknown-doc", "unknown-column", "unknown-row", "not-a-cell", "not-a-number", "too-many-fields"],
)
def test_correct_names_the_line_and_the_fix_and_writes_nothing(
    broken_r32: tuple[Path, str, int | float],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    line: str,
    message: str,
) -> None:
    out, _, _ = broken_r32
    csv = tmp_path / "c.csv"
    csv.write_text(f"doc_id,path,value,note\n{line}\n", encoding="utf-8")
    fixed = tmp_path / "fixed.jsonl"
    assert main(["correct", str(out), str(csv), "-o", str(fixed)]) == 2
    err = capsys.readouterr().err
    assert f"{csv}:2: " in err and message in err
    assert not fixed.exists()


def test_correct_rejects_two_values_for_one_cell(broken_r32: tuple[Path, str, int | float], tmp_path: Path) -> None:
    out, path, _ = broken_r32
    csv = tmp_path / "c.csv"
    csv.write_text(f"broken,{path},1\nbroken,{path},2\n", encoding="utf-8")
    with pytest.raises(CorrectionError, match=r"c\.csv:2: .* also corrected at .*c\.csv:1"):
        prepare(out, csv)


def test_correct_refuses_a_failure_record(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    out = tmp_path / "out.jsonl"
    out.write_text(extract_path(tmp_path / "empty.txt", "empty").model_dump_json() + "\n", encoding="utf-8")
    (tmp_path / "c.csv").write_text("empty,table3.granted.total,1\n", encoding="utf-8")
    with pytest.raises(CorrectionError, match="failed extraction"):
        prepare(out, tmp_path / "c.csv")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12", 12),
        ("1,234", 1234),
        ("３", 3),
        ("2.5", 2.5),
        ("-3", -3),
        ("", None),
        ("/", None),
        ("—", None),
        ("无", None),
    ],
    ids=["int", "thousands", "full-width", "decimal", "negative", "empty", "slash", "dash", "wu"],
)
def test_parse_value_reads_what_a_person_types(text: str, value: int | float | None) -> None:
    parsed = parse_value(text)
    assert parsed == value and type(parsed) is type(value)


def test_correct_then_export_shows_the_cell_as_corrected(
    broken_r32: tuple[Path, str, int | float], tmp_path: Path
) -> None:
    """What a reviewer fixed reaches the analyst: the exported cell holds the corrected value and says so."""
    import csv as csvlib

    out, path, true_value = broken_r32
    printed = jsonl_latest(out)["broken"][path.split(".")[0]][path.split(".")[1]][path.split(".")[2]]["value"]
    corrections = tmp_path / "corrections.csv"
    corrections.write_text(f"doc_id,path,value,note\nbroken,{path},{true_value},checked\n", encoding="utf-8")
    fixed, cells = tmp_path / "fixed.jsonl", tmp_path / "cells.csv"
    assert main(["correct", str(out), str(corrections), "-o", str(fixed)]) == 0
    assert main(["export", str(fixed), "-o", str(cells), "--shape", "long", "-q"]) == 0
    with open(cells, encoding="utf-8-sig", newline="") as fh:
        rows = {(r["doc_id"], r["key"]): r for r in csvlib.DictReader(fh)}
    row = rows[("broken", path)]
    assert float(row["value"]) == true_value and row["corrected"] == "true"
    assert float(row["corrected_from"]) == printed and row["corrected_note"] == "checked"
    assert all(r["corrected"] == "false" for key, r in rows.items() if key != ("broken", path))
