"""The review site without a browser: pages and index written, everything escaped, the source checked, the
forms laid out; the browser tests (test_review_browser.py) click through them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import lxml.html  # type: ignore[import-untyped]
import pytest

from extractor.cli import main
from extractor.review.forms import Label, Slot, table2_form, table3_form, table4_form
from extractor.review.formulas import equation
from extractor.review.site import build_from_jsonl, page_names
from extractor.review.source import SourceText, text_data
from extractor.schema import Report
from extractor.spec import TABLE2_COLUMNS, TABLE3_ROWS
from extractor.types import Format
from tests.conftest import DOCUMENTS
from tests.review_sites import PAYLOAD, broken_report, hostile_records, write_jsonl

PAGE_JS = (Path(__file__).resolve().parent.parent / "extractor" / "review" / "templates" / "page.js").read_text()


def _data(page: Path) -> dict:  # type: ignore[type-arg]
    tree = lxml.html.parse(str(page))
    return json.loads(tree.xpath('//script[@type="application/json"]')[0].text)  # type: ignore[no-any-return]


def test_build_site_writes_a_page_per_document_and_an_index(tmp_path: Path) -> None:
    records = tmp_path / "out.jsonl"
    assert main(["extract", str(DOCUMENTS), "-o", str(records), "-q"]) == 0
    lines = records.read_text(encoding="utf-8").splitlines()
    older = json.loads(lines[0])
    older["organ"] = "an older extraction"
    records.write_text("\n".join([json.dumps(older, ensure_ascii=False), *lines]) + "\n", encoding="utf-8")
    summary = build_from_jsonl(records, tmp_path / "site", jobs=1)
    ids = sorted(p.stem for p in DOCUMENTS.glob("*.txt"))
    assert summary.documents == len(ids) and summary.sources_not_shown == 0
    assert sorted(p.stem for p in (tmp_path / "site" / "docs").glob("*.html")) == ids
    rows = _data(tmp_path / "site" / "index.html")
    assert sorted(r["id"] for r in rows) == ids  # the document seen twice is listed once …
    assert "an older extraction" not in {r["o"] for r in rows}  # … at its latest record


def test_build_site_in_worker_processes_matches_one_process(tmp_path: Path) -> None:
    records = write_jsonl(tmp_path / "out.jsonl", [broken_report(tmp_path, seed=s)[0] for s in range(60, 160)])
    one = build_from_jsonl(records, tmp_path / "one", jobs=1)
    two = build_from_jsonl(records, tmp_path / "two", jobs=2)
    assert two.jobs == 2 and one.documents == two.documents == 100
    for page in (tmp_path / "one" / "docs").glob("*.html"):
        assert page.read_bytes() == (tmp_path / "two" / "docs" / page.name).read_bytes()


def test_page_escapes_markup_in_every_field(tmp_path: Path) -> None:
    summary = build_from_jsonl(write_jsonl(tmp_path / "out.jsonl", hostile_records(tmp_path)), tmp_path / "site", 1)
    assert summary.documents == 2 and summary.sources_not_shown == 1  # the failure's file does not exist
    for page in [*(tmp_path / "site" / "docs").glob("*.html"), tmp_path / "site" / "index.html"]:
        tree = lxml.html.parse(str(page))
        scripts = tree.xpath("//script")
        assert [s.get("type") for s in scripts] == ["application/json", None]  # only ours
        assert not tree.xpath('//img | //b[@class="x"] | //*[@onerror]')  # the payload made no element
        assert "window.__pwned" not in scripts[1].text
    page = summary.pages[PAYLOAD]
    tree = lxml.html.parse(str(page))
    assert tree.xpath("//h1")[0].text_content() == PAYLOAD  # shown as text
    assert PAYLOAD in tree.xpath('//*[@id="model"]')[0].text_content()  # the ungrounded model item
    assert PAYLOAD in tree.xpath('//li[contains(@class, "finding")]')[-1].text_content()
    data = _data(page)
    assert data["doc"] == PAYLOAD and data["text"].startswith(PAYLOAD)  # round-trips exactly, to be set as text
    assert data["cells"]["table4"]["review"]["upheld"][4]["c"]["note"] == PAYLOAD
    assert re.fullmatch(r"[\w.-]+\.html", page.name)


@pytest.mark.parametrize("state", ["missing", "changed"])
def test_page_says_when_the_source_cannot_be_shown(tmp_path: Path, state: str) -> None:
    report, _ = broken_report(tmp_path)
    source = Path(report.source.path)
    if state == "missing":
        source.unlink()
    else:
        source.write_text(source.read_text(encoding="utf-8").replace("一、", "一 、", 1), encoding="utf-8")
    summary = build_from_jsonl(write_jsonl(tmp_path / "out.jsonl", [report]), tmp_path / "site", 1)
    page = lxml.html.parse(str(summary.pages[report.doc_id]))
    message = page.xpath('//p[contains(@class, "srcmsg")]')[0].text_content()
    assert (state == "missing") == ("is not here" in message) and (state == "changed") == ("changed since" in message)
    assert _data(summary.pages[report.doc_id])["text"] is None
    assert page.xpath('//td[@data-k="table3.granted.total"]')  # the tables are still there
    assert page.xpath('//li[contains(@class, "finding")]')


def test_page_names_are_safe_and_unique() -> None:
    names = page_names(["report", "Report", "a b", "a_b", "../etc", "平潭_2021", PAYLOAD])
    assert len(set(names.values())) == 7
    assert names["report"] == "report.html" and names["平潭_2021"] == "平潭_2021.html"
    assert all(re.fullmatch(r"[\w.-]+\.html", n) and not n.startswith(".") for n in names.values())
    assert len({n.lower() for n in names.values()}) == 7  # unique on a case-insensitive disk too


@pytest.mark.parametrize("rule", ["R3.1", "R3.2", "R3.3", "R4.1"])
def test_equation_sides_are_the_findings_expected_and_found(tmp_path: Path, rule: str) -> None:
    report, _ = broken_report(tmp_path, rule)
    finding = next(f for f in report.findings if f.rule == rule)
    eq = equation(finding)
    assert eq is not None and eq.common
    assert (eq.left_sum, eq.right_sum) == (finding.expected, finding.found)
    assert {t.path for t in eq.left + eq.right} == {c.path for c in finding.cells}
    assert not any("_" in t.label for t in eq.left + eq.right)  # the forms' words, not keys


def _grid_widths(rows: list[list[Label | Slot]]) -> list[int]:
    """Columns each row of a form occupies, rowspans carried down (a well-formed form: all equal)."""
    carried: list[int] = []
    widths = []
    for row in rows:
        width = sum(1 for n in carried if n > 0)
        carried = [n - 1 for n in carried if n > 1]
        for c in row:
            span = c.colspan
            width += span
            if isinstance(c, Label) and c.rowspan > 1:
                carried += [c.rowspan - 1] * span
        widths.append(width)
    return widths


@pytest.mark.parametrize(("fmt", "subtotal"), [("2019", False), ("2021", False), ("2021", True)])
def test_table3_form_has_every_row_once_in_a_rectangular_grid(fmt: Format, subtotal: bool) -> None:
    form = table3_form(fmt, subtotal)
    slots = [c.path for row in form.body for c in row if isinstance(c, Slot)]
    rows = list(dict.fromkeys(p.split(".")[1] for p in slots))
    assert rows == list(TABLE3_ROWS[fmt])
    assert len(slots) == len(rows) * (8 if subtotal else 7)
    widths = _grid_widths([list(r) for r in form.header]) + _grid_widths([list(r) for r in form.body])
    assert len(set(widths)) == 1


@pytest.mark.parametrize("fmt", ["2019", "2021"])
def test_table2_and_table4_forms_hold_every_cell(fmt: Format) -> None:
    slots = {c.path for row in table2_form(fmt).body for c in row if isinstance(c, Slot)}
    assert slots == {f"table2.{r}.{c}" for r, cols in TABLE2_COLUMNS[fmt].items() for c in cols}
    assert len(set(_grid_widths([list(r) for r in table2_form(fmt).body]))) == 1
    form4 = table4_form()
    assert len([c for row in form4.body for c in row]) == 15
    assert len(set(_grid_widths([list(r) for r in form4.header]) + _grid_widths([list(r) for r in form4.body]))) == 1


def test_text_data_lists_astral_characters_for_the_script() -> None:
    text = "𠀋表三 12"  # one character outside the BMP: two UTF-16 units in JavaScript
    data = text_data(SourceText("ok", "", text), [(4, 6, "table3.x.y", "c"), (9, 99, "k", "c")], [(0, "sec", "x")])
    assert data["astral"] == [0] and data["marks"] == [(4, 6, "table3.x.y", "c")]  # out of range: dropped


def test_main_review_of_report_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", str(DOCUMENTS / "002_2581eebe3519dac9.txt"), "-o", str(tmp_path / "site")]) == 0
    err = capsys.readouterr().err
    page = tmp_path / "site" / "docs" / "002_2581eebe3519dac9.html"
    assert page.exists() and f"page: {page}" in err
    tree = lxml.html.parse(str(page))
    assert tree.xpath('//td[@data-k="table2.procurement.total_amount"]')[0].text == "1596496.16元"
    assert "采购总金额" in tree.xpath('//table[contains(@class, "t-table2")]')[0].text_content()


def test_main_review_names_malformed_lines_and_goes_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report, _ = broken_report(tmp_path)
    records = tmp_path / "out.jsonl"
    records.write_text('{"doc_id": "half"\n' + report.model_dump_json() + "\n", encoding="utf-8")
    assert main(["review", str(records), "-o", str(tmp_path / "site"), "-q"]) == 1
    assert f"{records}:1: not JSON" in capsys.readouterr().err
    assert (tmp_path / "site" / "docs" / f"{report.doc_id}.html").exists()


def test_page_script_is_the_packaged_asset(tmp_path: Path, seed_reports: dict[str, Report]) -> None:
    summary = build_from_jsonl(write_jsonl(tmp_path / "o.jsonl", list(seed_reports.values())[:1]), tmp_path / "s", 1)
    page = lxml.html.parse(str(next(iter(summary.pages.values()))))
    assert page.xpath("//script")[1].text.strip() == PAGE_JS.strip()
