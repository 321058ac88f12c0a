"""The eval suite: gold integrity, evaluators that move exactly the fields they should, failures recorded,
both gold sets scored, run comparison with per-metric tolerances."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.cli import main
from extractor.errors import UsageError
from extractor.evaluation.compare import Tolerances, compare
from extractor.evaluation.evaluators import DEFAULT_EVALUATORS, Case, Context, TableCells
from extractor.evaluation.gold import Gold, check_gold, load_gold
from extractor.evaluation.matching import NAME_THRESHOLD, match
from extractor.evaluation.runner import GOLD_SETS, EvalReport, gold_cases, rules_backend, run, synthetic_cases
from extractor.ingest import Document
from extractor.readers import read
from extractor.schema import Cell, Item, Platform, Report

GOLD_DIR = GOLD_SETS["bundled"]
GOLD_FILES = [p for folder in GOLD_SETS.values() for p in sorted(folder.glob("*.json")) if p.name != "schema.json"]


@pytest.mark.parametrize("gold_path", GOLD_FILES, ids=lambda p: f"{p.parent.parent.name}-{p.stem}")
def test_gold_labels_are_verbatim_and_for_this_file(gold_path: Path) -> None:
    gold = Gold.model_validate_json(gold_path.read_text(encoding="utf-8"))
    doc_path = (gold_path.parent / gold.document).resolve()
    assert check_gold(gold, read(doc_path).text, doc_path.read_bytes()) == []
    if gold.formats.table3 is None:  # a report from before the standard tables (2019) has none
        assert gold.table2 is gold.table3 is gold.table4 is None
    else:
        assert gold.table3 is not None and len(gold.table3) == {"2019": 23, "2021": 25}[gold.formats.table3]


def test_gold_sets_hold_every_real_document() -> None:
    real = GOLD_SETS["real"].parent / "documents"
    labeled = {(GOLD_SETS["real"] / g.document).resolve() for g, _ in load_gold(GOLD_SETS["real"])}
    assert {p.resolve() for p in real.iterdir()} == labeled


def test_check_gold_compares_without_whitespace_and_catches_a_wrong_label() -> None:
    gold, path = next((g, p) for g, p in load_gold(GOLD_DIR) if g.doc_id.startswith("000"))
    text, data = read(path).text, path.read_bytes()
    spaced = gold.model_copy(update={"problems": [" \n".join(gold.problems[0])]})
    assert check_gold(spaced, text, data) == []  # a reader's line breaks do not make a label wrong
    wrong = gold.model_copy(update={"problems": ["本报告中没有的一句话"]})
    assert check_gold(wrong, text, data) == [
        f"{gold.doc_id}: problems item is not in the document: '本报告中没有的一句话'"
    ]
    assert "sha256 differs" in check_gold(gold, text, data + b" ")[0]


def test_gold_schema_file_is_current() -> None:
    assert json.loads((GOLD_DIR / "schema.json").read_text(encoding="utf-8")) == Gold.model_json_schema()


def _scores(case: Case, report: Report) -> dict[str, float]:
    ctx = Context(case, report, read(case.path).text)
    return {k: s.value for e in DEFAULT_EVALUATORS for k, s in e.evaluate(ctx).items()}


def _case(prefix: str) -> tuple[Case, Report]:
    gold, path = next((g, p) for g, p in load_gold(GOLD_DIR) if g.doc_id.startswith(prefix))
    case = Case(gold.doc_id, path, gold)
    return case, rules_backend(case, read(path))


def _with_cell(report: Report, table: str, row: str, col: str, value: int | float | None) -> Report:
    data = {r: dict(cols) for r, cols in (getattr(report, table) or {}).items()}
    old = data[row][col]
    data[row][col] = Cell(value=value, raw="" if value is None else str(value), span=old["span"])
    return report.model_copy(update={table: data})


def test_evaluators_lower_exactly_the_damaged_fields() -> None:
    case, report = _case("003")
    clean = _scores(case, report)
    assert clean.pop("wrong_values") == 0
    assert clean.pop("silent_wrong_values") == 0
    assert set(clean.values()) == {1.0}
    damaged = _with_cell(report, "table3", "granted", "total", None)  # 0 -> blank: a refusal, not a wrong value
    damaged = damaged.model_copy(
        update={
            "problems": report.problems[1:],
            "platforms": [*report.platforms, Platform(name="微博", kind="new_media", span=(0, 2))],
        }
    )
    scores = _scores(case, damaged)
    lowered = {k for k in clean if scores[k] < clean[k]}  # wrong_values aside: lower is better there
    assert lowered == {
        "cells",
        "table3.cells",
        "problems.recall",
        "problems.f1",
        "platforms.precision",
        "platforms.f1",
        "grounding",
    }
    assert scores["wrong_values"] == 0


@pytest.mark.parametrize(
    ("value", "wrong"),
    [(0, 0), (None, 0), (7, 1)],
    ids=["right", "blank-is-a-refusal", "a-wrong-number"],
)
def test_table_cells_counts_wrong_values_apart_from_refusals(value: int | None, wrong: int) -> None:
    case, report = _case("000")
    scores = TableCells().evaluate(Context(case, _with_cell(report, "table4", "review", "total", value), ""))
    assert scores["wrong_values"].value == wrong
    assert (scores["table4.cells"].value == 1.0) is (value == 0)
    if wrong:
        assert scores["wrong_values"].misses == ("table4.review.total: expected 0, got 7",)


def test_table_cells_skips_the_gold_uncertain_cells() -> None:
    case, report = _case("000")
    damaged = _with_cell(report, "table3", "granted", "total", 7)
    unsure = Case(case.name, case.path, case.gold.model_copy(update={"uncertain": ["table3.granted.*"]}))
    assert TableCells().evaluate(Context(case, damaged, ""))["wrong_values"].value == 1
    scores = TableCells().evaluate(Context(unsure, damaged, ""))
    assert (scores["wrong_values"].value, scores["table3.cells"].value) == (0, 1.0)


def test_table_cells_for_a_report_without_standard_tables_counts_any_number_as_wrong() -> None:
    case, report = _case("000")
    tableless = case.gold.model_copy(
        update={
            "table2": None,
            "table3": None,
            "table4": None,
            "formats": case.gold.formats.model_copy(update={"table2": None, "table3": None, "table4": None}),
        }
    )
    pre2019 = Case(case.name, case.path, tableless)
    invented = TableCells().evaluate(Context(pre2019, _with_cell(report, "table4", "review", "total", 7), ""))
    assert invented["cells"].value == 0.0 and invented["wrong_values"].value >= 1
    empty = report.model_copy(update={"table2": None, "table3": None, "table4": None})
    right = TableCells().evaluate(Context(pre2019, empty, ""))
    assert "cells" not in right and right["wrong_values"].value == 0  # nothing to score: not a free 1.0


def test_match_accepts_any_name_a_gold_platform_goes_by() -> None:
    gold = ["平潭综合实验区党工委管委会门户网站", "政务新媒体"]
    assert match(["门户网站"], gold, NAME_THRESHOLD).pairs == []  # another name of the portal: no match
    aliased = match(["门户网站", "门户网站"], gold, NAME_THRESHOLD, [["门户网站", "中国·平潭"], []])
    assert [(p, g) for p, g, _ in aliased.pairs] == [(0, 0)]  # still one-to-one: the portal counts once
    assert (aliased.precision, aliased.recall) == (0.5, 0.5)


def test_match_uses_an_optimal_assignment_not_a_greedy_one() -> None:
    # Greedy pairs "甲乙丙丁" with its exact twin and leaves "甲乙丙" below threshold against "甲乙丙丁戊";
    # the optimal pairing matches both.
    result = match(["甲乙丙丁", "甲乙丙"], ["甲乙丙丁戊", "甲乙丙丁"], threshold=0.8)
    assert sorted((p, g) for p, g, _ in result.pairs) == [(0, 0), (1, 1)]
    assert result.recall == 1.0


def test_match_threshold_rejects_a_different_item() -> None:
    assert match(["信息公开不够及时"], ["政策解读形式单一"]).pairs == []


def test_synthetic_eval_scores_every_layout_through_the_readers(tmp_path: Path) -> None:
    report = run(synthetic_cases(24, tmp_path, seed=3, inputs=("txt", "html")), rules_backend, "synthetic")
    layouts = {"tab", "tab_merged", "pipe", "markdown", "cells", "pdf", "ocr", "pipe_join"}
    assert set(report.groups) == layouts | {"html"}
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".html"] * 24 + [".txt"] * 24
    for group, scores in report.groups.items():
        # Blanks in tab grids (tab text, and the grids pages are read into) can be unplaceable: reported, not
        # guessed, so those cells count as misses, never as wrong values.
        assert scores["cells"] == 1.0 or (group.startswith(("tab", "html")) and scores["cells"] >= 0.9), group
        assert scores["wrong_values"] == 0 and scores["failed"] == 0, group


def test_run_records_a_crashed_extraction_as_a_failure(tmp_path: Path) -> None:
    cases = gold_cases(GOLD_DIR)

    def crashes_on_001(case: Case, doc: Document) -> Report:
        if case.name.startswith("001"):
            raise RuntimeError("boom")
        return rules_backend(case, doc)

    report = run(cases, crashes_on_001, "gold")
    failed = [c for c in report.cases if c.error]
    assert [(c.name, c.error, c.scores) for c in failed] == [
        ("001_8f8da80f034e246c", "RuntimeError: boom", {"failed": 1.0})
    ]
    assert report.overall["failed"] == 1 and report.overall["cells"] == 1.0  # the others still score
    missing = Case("gone", tmp_path / "gone.txt", cases[0].gold)
    (result,) = run([missing], rules_backend, "gold").cases
    assert result.error is not None and result.error.startswith("FileNotFoundError")


def test_main_eval_scores_both_gold_sets_per_set_and_per_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "eval.json"
    assert main(["eval", "-o", str(out), "--markdown", str(tmp_path / "eval.md")]) == 0
    report = EvalReport.model_validate_json(out.read_text(encoding="utf-8"))
    assert set(report.groups) == {"bundled", "real"}
    assert {c.group for c in report.cases if c.name.startswith("pingtan")} == {"real"}
    assert len(report.cases) == 5 + len(list((GOLD_SETS["real"].parent / "documents").iterdir()))
    assert report.groups["bundled"]["cells"] == 1.0 and report.groups["real"]["wrong_values"] == 0
    shown = capsys.readouterr().out
    assert "bundled (5)" in shown and "real (" in shown and "pingtan_2021" in shown
    assert "| **real (" in (tmp_path / "eval.md").read_text(encoding="utf-8")


def test_main_eval_set_scores_one_set(tmp_path: Path) -> None:
    out = tmp_path / "eval.json"
    assert main(["eval", "--set", "bundled", "-o", str(out)]) == 0
    report = EvalReport.model_validate_json(out.read_text(encoding="utf-8"))
    assert set(report.groups) == {"bundled"} and len(report.cases) == 5


def test_main_eval_docs_scores_the_chosen_documents_and_compares_only_with_the_same_choice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    few, also, every = tmp_path / "few.json", tmp_path / "also.json", tmp_path / "all.json"
    assert main(["eval", "--set", "real", "--docs", "pingtan_2023, *_2019", "-o", str(few)]) == 0
    report = EvalReport.model_validate_json(few.read_text(encoding="utf-8"))
    names = sorted(c.name for c in report.cases)
    assert "pingtan_2023" in names and "pingtan_2019" in names and "pingtan_2020" not in names
    assert all(n == "pingtan_2023" or n.endswith("_2019") for n in names)
    assert main(["eval", "--set", "real", "--docs", "*_2019,pingtan_2023", "-o", str(also)]) == 0
    assert main(["eval", "--set", "real", "-o", str(every)]) == 0
    capsys.readouterr()
    assert main(["eval", "--compare", str(few), str(also)]) == 0  # the same choice, written in another order
    assert main(["eval", "--compare", str(few), str(every)]) == 2  # another selection is another dataset
    assert "different datasets" in capsys.readouterr().err
    assert main(["eval", "--set", "real", "--docs", "no_such_report", "-o", str(also)]) == 2
    assert "no gold document matches; names are like" in capsys.readouterr().err


def _report(cases: list[Case], dataset: str = "gold") -> EvalReport:
    return run(cases, rules_backend, dataset)


def test_compare_flags_a_drop_and_a_rise_in_wrong_values_with_per_metric_tolerances(tmp_path: Path) -> None:
    cases = gold_cases(GOLD_DIR)
    base = _report(cases)

    def damaged(case: Case, doc: Document) -> Report:
        report = rules_backend(case, doc)
        if case.name.startswith("001"):  # one problem missed, one cell wrong
            report = _with_cell(report, "table4", "review", "total", 3)
            report = report.model_copy(update={"problems": report.problems[:-1]})
        return report

    new = run(cases, damaged, "gold")
    changes = compare(base, new, Tolerances())
    assert {(c.scope, c.score) for c in changes if c.regressed and c.scope.startswith("001")} == {
        ("001_8f8da80f034e246c", "problems.recall"),
        ("001_8f8da80f034e246c", "problems.f1"),
        ("001_8f8da80f034e246c", "cells"),
        ("001_8f8da80f034e246c", "table4.cells"),
        ("001_8f8da80f034e246c", "wrong_values"),  # lower is better: a rise is the regression
        ("001_8f8da80f034e246c", "silent_wrong_values"),  # set after the validators ran: nothing flags it
    }
    loose = Tolerances.parse(["1", "wrong_values=0"])  # everything may drop, but no new wrong value
    assert {c.score for c in compare(base, new, loose) if c.regressed} == {"wrong_values"}
    assert not any(c.regressed for c in compare(base, new, Tolerances.parse(["problems.*=0.5", "1"])))
    (tmp_path / "base.json").write_text(base.model_dump_json(), encoding="utf-8")
    (tmp_path / "new.json").write_text(new.model_dump_json(), encoding="utf-8")
    argv = ["eval", "--compare", str(tmp_path / "base.json"), str(tmp_path / "new.json")]
    assert main(argv) == 1
    assert main([*argv, "--tolerance", "1"]) == 0
    assert main([*argv, "--tolerance", "1", "--tolerance", "wrong_values=0"]) == 1
    assert main([*argv, "--tolerance", "cells=x"]) == 2


def test_compare_counts_a_lost_or_failed_document_and_refuses_other_datasets(tmp_path: Path) -> None:
    cases = gold_cases(GOLD_DIR)
    base = _report(cases)
    lost = [c for c in compare(base, _report(cases[:2]), Tolerances(1.0)) if c.regressed]
    assert {c.score for c in lost} == {"(missing from the new run)"} and len(lost) == 3
    broken = Case(cases[0].name, tmp_path / "moved.txt", cases[0].gold, cases[0].group)
    failed = {(c.scope, c.score) for c in compare(base, _report([broken, *cases[1:]]), Tolerances()) if c.regressed}
    assert {("overall", "failed"), ("group gold", "failed"), (broken.name, "failed"), (broken.name, "cells")} <= failed
    with pytest.raises(UsageError, match="different datasets"):
        compare(base, _report(cases, "synthetic"), Tolerances())


@pytest.mark.parametrize(
    ("values", "cells", "f1", "other"),
    [(["0.1"], 0.1, 0.1, 0.1), (["0.1", "problems.*=0.3"], 0.1, 0.3, 0.1), (["cells=0", "c*=0.2"], 0.2, 0.0, 0.0)],
    ids=["default", "pattern-over-default", "later-pattern-wins"],
)
def test_tolerances_per_metric(values: list[str], cells: float, f1: float, other: float) -> None:
    t = Tolerances.parse(values)
    assert (t.of("cells"), t.of("problems.f1"), t.of("fee")) == (cells, f1, other)


def test_grounding_evaluator_checks_span_against_the_text_read() -> None:
    case, report = _case("000")
    first = report.problems[0]
    assert first.span is not None
    moved = Item(text=first.text, span=(first.span[0] + 1, first.span[1] + 1))
    assert _scores(case, report)["grounding"] == 1.0
    assert _scores(case, report.model_copy(update={"problems": [moved, *report.problems[1:]]}))["grounding"] < 1.0


def test_main_eval_llm_backend_needs_a_model(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("EXTRACTOR_MODEL", raising=False)
    assert main(["eval", "--backend", "llm"]) == 2
    assert "no model: pass --model or set EXTRACTOR_MODEL" in capsys.readouterr().err


def test_committed_baseline_covers_both_gold_sets() -> None:
    # CI compares a fresh `extractor eval` with this file: it must be a run over the same sets.
    baseline = EvalReport.model_validate_json((GOLD_SETS["bundled"].parent / "baseline.json").read_text("utf-8"))
    assert baseline.dataset == "gold sets: bundled, real" and set(baseline.groups) == {"bundled", "real"}
    assert {c.name for c in baseline.cases} == {g.doc_id for f in GOLD_SETS.values() for g, _ in load_gold(f)}


def test_committed_local_baseline_is_a_report_on_real_gold_documents() -> None:
    """The local model's baseline (prompt work compares against it) names real documents that still have gold."""
    path = GOLD_SETS["bundled"].parent / "baseline-local.json"
    baseline = EvalReport.model_validate_json(path.read_text("utf-8"))
    real = {g.doc_id for g, _ in load_gold(GOLD_SETS["real"])}
    assert baseline.backend == "local" and baseline.dataset.startswith("gold sets: real; docs ")
    assert {c.name for c in baseline.cases} <= real and len(baseline.cases) >= 6
    assert not any(c.error for c in baseline.cases)
