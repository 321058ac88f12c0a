"""The model path, replayed from cassettes recorded against the local model server (see README).

Cassette tests replay HTTP exactly: a changed prompt, schema or request no longer matches and fails.
Tests without a cassette drive the model stage with a stand-in model to pin down grounding and the
cross-check, which a real model cannot be made to exercise on demand.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pytest
from pydantic import BaseModel

from extractor.errors import ModelError
from extractor.evaluation.gold import load_gold
from extractor.evaluation.matching import match
from extractor.ingest import Document, load
from extractor.llm.client import LLM, LLMConfig, UsageCounter
from extractor.llm.extract import ModelStage, TablesMode, _disagreements
from extractor.llm.models import ImprovementOut, NarrativeOut, OverviewOut, PlatformOut, ProblemOut
from extractor.llm.prompts import DEFAULT_PROMPTS, RenderedPrompt
from extractor.pipeline import extract_document
from extractor.schema import Cell, Report
from extractor.types import Grounding, Table
from tests.conftest import DOCUMENTS, LOCAL_BASE_URL, LOCAL_MODEL

GOLD = {g.doc_id: g for g, _ in load_gold(DOCUMENTS.parent / "gold")}
T = TypeVar("T", bound=BaseModel)


def _stage(tables: TablesMode = "parse", prompts: Path | None = None) -> ModelStage:
    config = LLMConfig(
        model=LOCAL_MODEL, base_url=LOCAL_BASE_URL, api_key="sk-test", transport_attempts=1, timeout=900.0
    )
    return ModelStage(LLM(config), prompts, tables)


def _extract(doc_id: str, stage: ModelStage) -> tuple[Report, Document]:
    doc = load(DOCUMENTS / f"{doc_id}.txt")
    return extract_document(doc, doc_id, stage), doc


def _assert_grounded(report: Report, doc: Document) -> None:
    items = [(i.text, i.span, i.grounding) for i in (*report.problems, *report.improvements)]
    items += [(p.name, p.span, p.grounding) for p in report.platforms]
    for text, span, how in items:
        if how is Grounding.NONE:
            assert span is None and any(f.rule == "G1" for f in report.findings)
        else:
            assert span is not None and doc.text[span[0] : span[1]] == text


@pytest.mark.vcr
@pytest.mark.parametrize("doc_id", ["000_709a8d8ff7e18c17", "003_69c037c7e9f6049d"])
def test_model_stage_narrative_and_platforms_are_grounded(doc_id: str) -> None:
    report, doc = _extract(doc_id, _stage())
    assert report.provenance.backend == "llm" and report.provenance.usage is not None
    assert set(report.provenance.prompts) == {"narrative", "overview"}  # every table came from the parse
    assert report.provenance.usage.calls == len(report.provenance.prompts)  # one call per prompt, no re-ask
    assert report.provenance.usage.total_tokens > 0
    _assert_grounded(report, doc)
    gold = GOLD[doc_id]
    assert match([i.text for i in report.problems], gold.problems).recall >= 0.5
    assert report.table3 is not None and not [f for f in report.findings if f.rule.startswith("R")]


@pytest.mark.vcr
def test_model_stage_tables_both_cross_checks_every_table() -> None:
    report, _ = _extract("002_2581eebe3519dac9", _stage("both"))
    assert set(report.provenance.prompts) == {"narrative", "overview", "table2", "table3", "table4"}
    gold = GOLD["002_2581eebe3519dac9"]
    for table in ("table2", "table3", "table4"):  # the parse is kept whatever the model says
        expected = gold.table(table)
        got = getattr(report, table)
        assert expected is not None and got is not None
        assert {(r, c): x["value"] for r, cols in got.items() for c, x in cols.items()} == {
            (r, c): x.value for r, cols in expected.items() for c, x in cols.items()
        }
    model_findings = [f for f in report.findings if f.rule in ("L1", "L2", "L3")]
    assert {f.rule for f in model_findings} <= {"L1", "L3"}  # the parse read every table: nothing filled (L2)
    for f in model_findings:
        table = f.message.split(".")[0].split(":")[0]
        assert table in ("table2", "table3", "table4"), f.message  # each names the table it is about
        if f.rule == "L1":  # a disagreement names the cell, the parse's (right) value and the model's
            path = f.cells[0].path
            _, row, col = path.split(".")
            expected = gold.table(table)
            assert expected is not None and f.message.startswith(path)
            assert f.expected == expected[row][col].value != f.found
        else:  # a part of the answer left unused says why
            assert "the model" in f.message and any(w in f.message for w in ("not used", "no usable", "not compared"))


@pytest.mark.vcr
def test_model_stage_fills_a_table_the_parser_cannot_read() -> None:
    text = (DOCUMENTS / "000_709a8d8ff7e18c17.txt").read_text(encoding="utf-8")
    start, end = text.index("第二十条第(一)项"), text.index("三、收到和处理")
    for header in ("本年制发件数", "本年度止件数", "现行有效件数", "本年处理决定数量", "本年收费金额"):
        text = text[:start] + text[start:end].replace(header, "数量") + text[end:]
        end = text.index("三、收到和处理")
    doc = Document.from_text(text, "000-unreadable-table2")
    report = extract_document(doc, "x", _stage())
    assert report.table2 is not None  # the parser could not tell the format: the model filled the table
    assert report.format.table2 in ("2019", "2021")  # as the model read the headers
    assert any(f.rule == "L2" and "table2" in f.message for f in report.findings)
    assert all(cell["span"] is None for cols in report.table2.values() for cell in cols.values())


@pytest.mark.vcr("test_model_stage_narrative_and_platforms_are_grounded[000_709a8d8ff7e18c17].yaml")
def test_a_changed_prompt_no_longer_matches_its_cassette(tmp_path: Path) -> None:
    # Replays the narrative test's recording: the same document with one word of the prompt changed.
    prompts = tmp_path / "prompts"
    shutil.copytree(DEFAULT_PROMPTS, prompts)
    narrative = prompts / "narrative.md"
    narrative.write_text(narrative.read_text(encoding="utf-8").replace("一个问题一条", "每个问题单列一条"), "utf-8")
    with pytest.raises(ModelError) as info:
        _extract("000_709a8d8ff7e18c17", _stage(prompts=prompts))
    chain, exc = [], info.value.__cause__
    while exc is not None:
        chain.append(type(exc).__name__)
        exc = exc.__cause__ or exc.__context__
    assert "CannotOverwriteExistingCassetteException" in chain


@dataclass
class _StandIn:
    """Answers each prompt with a fixed object: for what a real model cannot be made to do on demand.
    A ``ModelClient``: the stage takes it where it takes the real client."""

    answers: dict[str, BaseModel]
    config: LLMConfig = field(default_factory=lambda: LLMConfig(model="stand-in", base_url="http://stand-in"))
    asked: list[str] = field(default_factory=list)

    def complete(
        self,
        prompt: RenderedPrompt,
        response_model: type[T],
        max_tokens: int | None = None,
        max_retries: int | None = None,
        usage: UsageCounter | None = None,
        cache_scope: str = "",
    ) -> T:
        self.asked.append(prompt.name)
        if usage is not None:
            usage.add(calls=1)
        if prompt.name not in self.answers:
            raise ModelError(f"no answer for {prompt.name}")
        answer = self.answers[prompt.name]
        assert isinstance(answer, response_model)
        return answer


def test_model_stage_flags_an_ungrounded_item_and_keeps_it() -> None:
    narrative = NarrativeOut(
        problems=[ProblemOut(text="信息公开的内容深度和广度不足"), ProblemOut(text="网站访问速度慢，经常无法打开")],
        improvements=[ImprovementOut(text="强化新媒体运营管理", answers_problem=2)],  # the 2nd problem
    )
    overview = OverviewOut(publishing_platforms=[PlatformOut(name="镇政府网站", kind="website")])
    stand_in = _StandIn({"narrative": narrative, "overview": overview})
    report, doc = _extract("000_709a8d8ff7e18c17", ModelStage(stand_in))
    assert [(p.text, p.grounding) for p in report.problems] == [
        ("信息公开的内容深度和广度不足", "exact"),
        ("网站访问速度慢，经常无法打开", "none"),
    ]
    g1 = [f for f in report.findings if f.rule == "G1"]
    assert len(g1) == 1 and "网站访问速度慢" in g1[0].message
    assert report.improvements[0].answers == 1
    _assert_grounded(report, doc)


def test_disagreements_name_both_values() -> None:
    parsed: Table[Cell] = {
        "granted": {
            "total": {"value": 5, "raw": "5", "span": (10, 11)},
            "natural_person": {"value": 3, "raw": "3", "span": (8, 9)},
        }
    }
    model: Table[Cell] = {
        "granted": {
            "total": {"value": 7, "raw": "7", "span": None},
            "natural_person": {"value": 3, "raw": "3", "span": None},
        }
    }
    (finding,) = _disagreements("table3", parsed, model)
    assert (finding.rule, finding.expected, finding.found) == ("L1", 5, 7)
    assert finding.cells[0].path == "table3.granted.total" and finding.cells[0].span == (10, 11)


@pytest.mark.vcr("test_model_stage_narrative_and_platforms_are_grounded[000_709a8d8ff7e18c17].yaml")
def test_eval_with_the_model_backend_records_model_tokens_and_prompts() -> None:
    from extractor.evaluation.runner import backend_for, gold_cases, run

    cases = [c for c in gold_cases(DOCUMENTS.parent / "gold") if c.name == "000_709a8d8ff7e18c17"]
    report = run(cases, backend_for(_stage()), "gold", backend="llm", model=LOCAL_MODEL)
    (case,) = report.cases
    assert case.error is None, case.error
    assert report.model == LOCAL_MODEL and report.tokens == case.tokens > 0 and case.calls == 2
    assert set(report.prompt_hashes) == {"narrative", "overview"}
    # the model's items are what is scored (the same bar as the grounding test: half the problems found)
    assert case.scores["cells"] == 1.0 and case.scores["problems.recall"] >= 0.5


def test_model_stage_both_reports_where_model_and_parse_disagree() -> None:
    from extractor.llm.models import Table2Out, Table2RowOut, Table3Out, Table3RowOut, Table4BlockOut, Table4Out

    zeros: list[float | None] = [0.0] * 7
    table3 = Table3Out(
        rows=[
            Table3RowOut(row="granted", values=[*zeros[:6], 4.0]),  # the parse reads 0
            Table3RowOut(row="new_received", values=zeros),
        ]
    )
    answers = {
        "narrative": NarrativeOut(problems=[], improvements=[]),
        "overview": OverviewOut(publishing_platforms=[]),
        "table2": Table2Out(format="2021", rows=[Table2RowOut(row="regulations", values=zeros[:3])]),
        "table3": table3,
        "table4": Table4Out(blocks=[Table4BlockOut(block="review", values=zeros[:5])]),
    }
    report, _ = _extract("000_709a8d8ff7e18c17", ModelStage(_StandIn(answers), tables="both"))
    l1 = [f for f in report.findings if f.rule == "L1"]
    assert [(f.cells[0].path, f.expected, f.found) for f in l1] == [("table3.granted.total", 0, 4)]
    assert report.table3 is not None and report.table3["granted"]["total"]["value"] == 0  # the parse is kept


def test_revalidate_keeps_the_model_findings_and_rechecks_the_cells() -> None:
    from extractor.pipeline import revalidate

    narrative = NarrativeOut(problems=[ProblemOut(text="网站访问速度慢，经常无法打开")], improvements=[])
    stand_in = _StandIn({"narrative": narrative, "overview": OverviewOut(publishing_platforms=[])})
    report, _ = _extract("000_709a8d8ff7e18c17", ModelStage(stand_in))
    assert [f.rule for f in report.findings] == ["G1"]
    assert report.table3 is not None
    table3 = {row: dict(cols) for row, cols in report.table3.items()}
    table3["granted"]["natural_person"] = Cell(value=2, raw="2", span=table3["granted"]["natural_person"]["span"])
    again = revalidate(report.model_copy(update={"table3": table3}))  # a person corrected a cell
    rules = [f.rule for f in again.findings]
    assert rules[0] == "G1" and {"R3.2", "R3.3"} <= set(rules)  # the model's finding stays; the cells are rechecked


def test_model_stage_a_row_given_twice_is_neither_used_nor_compared() -> None:
    from extractor.llm.models import Table3Out, Table3RowOut

    zeros: list[float | None] = [0.0] * 7
    rows = [
        Table3RowOut(row="granted", values=[*zeros[:6], 4.0]),  # the parse reads 0: it would disagree
        Table3RowOut(row="granted", values=[None] * 7),
        Table3RowOut(row="new_received", values=zeros),
    ]
    answers = {
        "narrative": NarrativeOut(problems=[], improvements=[]),
        "overview": OverviewOut(publishing_platforms=[]),
        "table3": Table3Out(rows=rows),
    }
    stage = ModelStage(_StandIn(answers), tables="both")
    report, _ = _extract("000_709a8d8ff7e18c17", stage)  # 000's tables parse; only table 3 gets an answer
    assert not [f for f in report.findings if f.rule == "L1"]  # the parse's 0 is not compared with either copy
    twice = [f.message for f in report.findings if f.rule == "L3" and "twice" in f.message]
    assert twice == ["table3.granted: the model's row appears twice; not used"]
