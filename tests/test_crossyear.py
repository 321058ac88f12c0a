"""SPEC's X1 on generated consecutive-year reports of one organ (each year drawn from the year before)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from extractor.cli import main
from extractor.crossyear import YearFacts, check_across_years, facts_of
from extractor.schema import Report
from extractor.synthetic import generate_series
from tests.conftest import extract_text

ORGAN = "示例县城关镇人民政府"


def _extract(series_docs: list, prefix: str = "cg") -> tuple[list[Report], dict[str, str]]:  # type: ignore[type-arg]
    reports, texts = [], {}
    for d in series_docs:
        r = extract_text(d.text).model_copy(update={"doc_id": f"{prefix}_{d.year}"})
        assert not [f for f in r.findings if f.severity == "error"], f"{d.year}: the generated report must be clean"
        reports.append(r)
        texts[r.doc_id] = d.text
    return reports, texts


def _facts(reports: list[Report]) -> list[YearFacts]:
    return [facts_of(json.loads(r.model_dump_json())) for r in reports]


@pytest.fixture(scope="module")
def series():  # type: ignore[no-untyped-def]
    return generate_series(11, ORGAN, [2019, 2020, 2021, 2022, 2023], break_carry=2022, restate=2023)


def test_check_across_years_names_the_broken_carry_over_and_the_restated_figure(series) -> None:  # type: ignore[no-untyped-def]
    reports, texts = _extract(series.docs)
    result = check_across_years(_facts(reports))
    (year, broken), (restated_year, restated) = series.broken_carry[0], series.restated[0]
    col = broken.rsplit(".", 1)[1]
    expected = {
        (f"cg_{year - 1}", f"cg_{year}", f"table3.carried_over.{col}"),
        (f"cg_{year - 1}", f"cg_{year}", "table3.carried_over.total"),
        (f"cg_{restated_year - 1}", f"cg_{restated_year}", restated),
    }
    assert {(*f.doc_ids, f.cells[-1].path) for f in result.findings} == expected
    assert result.pairs == 4 and result.organs == 1 and not result.unplaced
    for f in result.findings:
        assert f.rule == "X1" and f.severity == "warning" and f.organ_key == "示例县城关镇"
        assert {c.doc_id for c in f.cells} == set(f.doc_ids)  # both documents and their cells
        for c in f.cells:
            assert c.span is not None and texts[c.doc_id][c.span[0] : c.span[1]] == f"{c.value:g}"


def test_check_across_years_is_quiet_on_a_faithful_series() -> None:
    series = generate_series(5, ORGAN, [2019, 2020, 2021, 2022])  # crosses the 2019 -> 2021 format change
    reports, _ = _extract(series.docs)
    result = check_across_years(_facts(reports))
    assert result.findings == [] and result.pairs == 3


def test_check_across_years_groups_printed_variants_of_one_organ() -> None:
    series = generate_series(5, ORGAN, [2021, 2022])
    series.docs[1].text = series.docs[1].text.replace(ORGAN, "示例县 城关镇", 1)
    reports, _ = _extract(series.docs)
    assert [r.organ for r in reports] == [ORGAN, "示例县城关镇"]
    assert check_across_years(_facts(reports)).pairs == 1


def _fact(doc_id: str, year: int, **cells: float | None) -> YearFacts:
    data: dict = {"doc_id": doc_id, "organ_key": "示例县", "year": year, "format": {"table2": "2021"}}  # type: ignore[type-arg]
    for name, value in cells.items():
        table, row, col = name.split("__")
        data.setdefault(table, {}).setdefault(row, {})[col] = {"value": value, "raw": "", "span": [0, 1]}
    return facts_of(data)


def test_check_across_years_skips_a_blank_side() -> None:
    a = _fact("a", 2021, table3__carried_forward__total=None)
    b = _fact("b", 2022, table3__carried_over__total=3)
    assert check_across_years([a, b]).findings == []


def test_check_across_years_compares_only_consecutive_years() -> None:
    a = _fact("a", 2021, table3__carried_forward__total=1)
    b = _fact("b", 2023, table3__carried_over__total=3)
    result = check_across_years([a, b])
    assert result.findings == [] and result.pairs == 0


def test_check_across_years_reports_a_duplicate_organ_year() -> None:
    result = check_across_years([_fact("a", 2022), _fact("a-2", 2022), _fact("b", 2023)])
    assert [(f.doc_ids, f.years, f.severity) for f in result.findings] == [(["a", "a-2"], [2022, 2022], "warning")]
    assert result.pairs == 2  # each report of 2022 is compared with 2023


def test_validate_across_years_prints_warnings_and_exits_0(
    series: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    reports, _ = _extract(series.docs)
    path = tmp_path / "out.jsonl"
    path.write_text("".join(r.model_dump_json() + "\n" for r in reports), encoding="utf-8")
    assert main(["validate", str(path), "--across-years"]) == 0  # warnings only: bodies restate figures
    out, err = capsys.readouterr()
    findings = [json.loads(line) for line in out.splitlines()]
    assert len(findings) == 3 and {f["severity"] for f in findings} == {"warning"}
    assert "X1: 3 warning(s) over 4 consecutive-year pair(s) of 1 organ(s)" in err
