"""The codebook is complete (every exported column of every output is in it) and says what the code does."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from extractor.cli import main
from extractor.export import export_file
from extractor.export.crosswalk import PANEL_VARS
from extractor.rules import RULES
from extractor.spec import TABLE2_COLUMNS, TABLE3_ROWS
from extractor.synthetic import generate, generate_series
from tests.conftest import extract_text

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def codebook(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    path = tmp_path_factory.mktemp("codebook") / "codebook.csv"
    assert main(["codebook", "-o", str(path)]) == 0
    return pd.read_csv(path, keep_default_na=False)


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> Path:
    series = generate_series(3, "示例县人民政府", [2020, 2021, 2022], break_carry=2022)
    texts = [d.text for d in series.docs] + [generate(1, "cells", blank_rate=0.3).text]
    lines = [extract_text(t).model_copy(update={"doc_id": f"d{i}"}).model_dump_json() for i, t in enumerate(texts)]
    lines.append(json.dumps({"doc_id": "bad", "source": {"path": "x"}, "error": {"type": "X", "message": "m"}}))
    path = tmp_path_factory.mktemp("records") / "out.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("shape", ["long", "wide", "panel"], ids=["long", "wide", "panel"])
def test_codebook_lists_every_exported_column(
    codebook: pd.DataFrame, records: Path, shape: str, tmp_path: Path
) -> None:
    out = tmp_path / "export.csv"
    result = export_file(records, out, shape, indicators=True)  # type: ignore[arg-type]
    documented = {(o, c) for o, c in zip(codebook.output, codebook.column, strict=True)}
    assert len(result.files) >= 3
    for path, sheet in zip(result.files, result.rows, strict=True):
        header = pd.read_csv(path, nrows=0).columns
        missing = [c for c in header if (sheet, c) not in documented]
        assert not missing, f"{path.name}: columns missing from the codebook: {missing[:5]}"


def test_codebook_markdown_has_every_column(codebook: pd.DataFrame, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["codebook"]) == 0
    markdown = capsys.readouterr().out
    for column in codebook.column:
        assert f"| {column} |" in markdown


def test_codebook_names_the_rules_that_check_a_cell(codebook: pd.DataFrame) -> None:
    row = codebook[(codebook.output == "documents") & (codebook.column == "table3.carried_over.total")].iloc[0]
    assert {"R3.1", "R3.3", "X1"} <= set(row.rules.split("; "))
    assert row.label_zh == "收到和处理政府信息公开申请情况 · 上年结转政府信息公开申请数量 · 总计"
    assert "R3.2" not in row.rules.split("; ")  # carried_over is not a result row


def test_codebook_states_each_indicator_formula(codebook: pd.DataFrame) -> None:
    rate = codebook[(codebook.output == "documents") & (codebook.column == "disclosure_rate")].iloc[0]
    assert rate.formula == "(table3.granted.total + table3.partially_granted.total) / table3.results_total.total"


def test_codebook_says_where_a_format_has_no_counterpart(codebook: pd.DataFrame) -> None:
    panel = codebook[codebook.output == "panel"].set_index("column")
    assert panel.loc["table2.regulations.total_published", "crosswalk"].startswith("2019 only")
    assert panel.loc["table2.regulations.in_force", "crosswalk"].startswith("2021 only")
    assert "made" in panel.loc["table2.regulations.issued", "crosswalk"]
    assert "sum" in panel.loc["table3.other_handling.total", "crosswalk"]


@pytest.mark.parametrize("fmt", ["2019", "2021"], ids=["2019", "2021"])
def test_crosswalk_places_every_key_of_each_format(fmt: str) -> None:
    keys = [f"table2.{r}.{c}" for r, cols in TABLE2_COLUMNS[fmt].items() for c in cols]  # type: ignore[index]
    keys += [f"table3.{r}.total" for r in TABLE3_ROWS[fmt]]  # type: ignore[index]
    single = [var.sources[fmt][0] for var in PANEL_VARS if len(var.sources.get(fmt, ())) == 1]
    assert sorted(k for k in single if k in keys) == sorted(keys)  # each key is one variable's own source
    summed = {k for var in PANEL_VARS if len(var.sources.get(fmt, ())) > 1 for k in var.sources[fmt]}
    expected = {f"table3.{r}.total" for r in ("other_no_correction", "other_unpaid_fee", "other_other")}
    assert {k for k in summed if k in keys} == (expected if fmt == "2021" else set())


def test_every_rule_the_code_emits_is_registered() -> None:
    # Emitters take their ids from the registry (tests/test_rules.py checks no id is written out of it): every
    # registry name a module imports is a rule the codebook lists.
    imported: set[str] = set()
    constant = re.compile(r"^[RNSGLX]\d(?:_\d)?$")
    for path in (ROOT / "extractor").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[-1] == "rules":
                imported |= {a.name.replace("_", ".") for a in node.names if constant.match(a.name)}
    assert imported, "the scan found no rule imports: the pattern is out of date"
    assert sorted(imported - set(RULES)) == []
