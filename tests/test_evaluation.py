"""The eval suite: gold integrity, evaluators that move exactly the fields they should, run comparison."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.cli import main
from extractor.evaluation.evaluators import DEFAULT_EVALUATORS, Case, Scores
from extractor.evaluation.gold import Gold, check_gold, load_gold
from extractor.evaluation.matching import match
from extractor.evaluation.runner import rules_backend, run, synthetic_cases
from extractor.ingest import load
from extractor.schema import Item, Platform

GOLD_DIR = Path(__file__).resolve().parent.parent / "evals" / "gold"


@pytest.mark.parametrize(
    "gold_path", sorted(p for p in GOLD_DIR.glob("*.json") if p.name != "schema.json"), ids=lambda p: p.stem
)
def test_gold_labels_are_verbatim_and_for_this_file(gold_path: Path) -> None:
    gold = Gold.model_validate_json(gold_path.read_text(encoding="utf-8"))
    doc_path = (GOLD_DIR / gold.document).resolve()
    assert check_gold(gold, load(doc_path).text, doc_path.read_bytes()) == []
    assert gold.table3 is not None and len(gold.table3) in (23, 25)


def test_gold_schema_file_is_current() -> None:
    assert json.loads((GOLD_DIR / "schema.json").read_text(encoding="utf-8")) == Gold.model_json_schema()


def _scores(case: Case, report) -> dict[str, float]:  # type: ignore[no-untyped-def]
    out = Scores()
    for evaluator in DEFAULT_EVALUATORS:
        evaluator.evaluate(case, report, out)
    return out.values


def test_evaluators_lower_exactly_the_damaged_fields() -> None:
    gold, path = next((g, p) for g, p in load_gold(GOLD_DIR) if g.doc_id.startswith("003"))
    case = Case(gold.doc_id, load(path).text, gold)
    report = rules_backend(case)
    clean = _scores(case, report)
    assert set(clean.values()) == {1.0}
    assert report.table3 is not None
    report.table3["granted"]["total"] = {**report.table3["granted"]["total"], "value": None}  # 0 -> blank
    report.problems = report.problems[1:]
    report.platforms = [*report.platforms, Platform(name="微博", kind="new_media", span=(0, 2))]
    damaged = _scores(case, report)
    lowered = {k for k in clean if damaged[k] < clean[k]}
    assert lowered == {
        "cells",
        "table3.cells",
        "problems.recall",
        "problems.f1",
        "platforms.precision",
        "platforms.f1",
        "grounding",
    }


def test_match_uses_an_optimal_assignment_not_a_greedy_one() -> None:
    # Greedy pairs "甲乙丙丁" with its exact twin and leaves "甲乙丙" below threshold against "甲乙丙丁戊";
    # the optimal pairing matches both.
    result = match(["甲乙丙丁", "甲乙丙"], ["甲乙丙丁戊", "甲乙丙丁"], threshold=0.8)
    assert sorted((p, g) for p, g, _ in result.pairs) == [(0, 0), (1, 1)]
    assert result.recall == 1.0


def test_match_threshold_rejects_a_different_item() -> None:
    assert match(["信息公开不够及时"], ["政策解读形式单一"]).pairs == []


def test_synthetic_eval_scores_every_layout() -> None:
    report = run(synthetic_cases(24, seed=3), rules_backend, "synthetic")
    assert set(report.by_group) == {"tab", "tab_merged", "pipe", "markdown", "cells", "pdf", "ocr", "pipe_join"}
    for group, scores in report.by_group.items():
        # Blanks in tab text can be unplaceable (reported, not guessed): those cells count as misses.
        assert scores["cells"] == 1.0 or (group.startswith("tab") and scores["cells"] >= 0.9), group


def test_main_eval_writes_a_report_and_compare_catches_a_drop(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = tmp_path / "base.json"
    assert main(["eval", "-o", str(base), "--markdown", str(tmp_path / "base.md")]) == 0
    data = json.loads(base.read_text(encoding="utf-8"))
    assert data["backend"] == "rules" and data["extractor_version"] and len(data["cases"]) == 5
    assert "| average |" in (tmp_path / "base.md").read_text(encoding="utf-8")
    assert main(["eval", "--compare", str(base), str(base)]) == 0
    worse = dict(data)
    worse["cases"] = [dict(c) for c in data["cases"]]
    worse["cases"][0]["scores"] = {**data["cases"][0]["scores"], "problems.f1": 0.5}
    new = tmp_path / "new.json"
    new.write_text(json.dumps(worse), encoding="utf-8")
    assert main(["eval", "--compare", str(base), str(new)]) == 1
    assert main(["eval", "--compare", str(base), str(new), "--tolerance", "0.6"]) == 0
    out = capsys.readouterr().out
    assert "problems.f1" in out


def test_main_eval_llm_backend_needs_a_model(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("EXTRACTOR_MODEL", raising=False)
    assert main(["eval", "--backend", "llm"]) == 2
    assert "no model: pass --model or set EXTRACTOR_MODEL" in capsys.readouterr().err


def test_item_span_equal_text_is_what_grounding_means() -> None:
    gold, path = next((g, p) for g, p in load_gold(GOLD_DIR) if g.doc_id.startswith("000"))
    case = Case(gold.doc_id, load(path).text, gold)
    report = rules_backend(case)
    first = report.problems[0]
    report.problems[0] = Item(text=first.text, span=(first.span[0] + 1, first.span[1] + 1))
    assert _scores(case, report)["grounding"] < 1.0


def test_compare_exits_1_for_a_damaged_extraction(tmp_path: Path) -> None:
    from extractor.evaluation.runner import compare, gold_cases

    cases = gold_cases(GOLD_DIR)

    def damaged(case: Case):  # type: ignore[no-untyped-def]
        report = rules_backend(case)
        if case.name.startswith("001"):
            report.problems = report.problems[:-1]  # one problem missed
        return report

    base = run(cases, rules_backend, "gold")
    new = run(cases, damaged, "gold")
    changes, regressed = compare(base, new, tolerance=0.0)
    assert regressed
    assert {(s, n) for s, n, _, _ in changes if s.startswith("001")} == {
        ("001_8f8da80f034e246c", "problems.recall"),
        ("001_8f8da80f034e246c", "problems.f1"),
    }
    (tmp_path / "base.json").write_text(base.model_dump_json(), encoding="utf-8")
    (tmp_path / "new.json").write_text(new.model_dump_json(), encoding="utf-8")
    assert main(["eval", "--compare", str(tmp_path / "base.json"), str(tmp_path / "new.json")]) == 1


def test_compare_counts_a_lost_document_and_refuses_other_datasets(tmp_path: Path) -> None:
    from extractor.evaluation.runner import compare, gold_cases

    cases = gold_cases(GOLD_DIR)
    base = run(cases, rules_backend, "gold")
    fewer = run(cases[:2], rules_backend, "gold")
    assert compare(base, fewer, tolerance=0.0)[1]
    other = run(cases, rules_backend, "synthetic")
    (tmp_path / "a.json").write_text(base.model_dump_json(), encoding="utf-8")
    (tmp_path / "b.json").write_text(other.model_dump_json(), encoding="utf-8")
    assert main(["eval", "--compare", str(tmp_path / "a.json"), str(tmp_path / "b.json")]) == 2
