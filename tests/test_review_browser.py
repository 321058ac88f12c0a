"""The review site in a real browser: headless Chromium (the Debian package, driven by Playwright; no browser is
downloaded) loads generated pages, clicks cells and findings, and checks what a person would see.

Screenshots are written when $REVIEW_SCREENSHOTS names a folder (they are for a person to look at; taking
them costs a quarter of a second each).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from extractor.cli import main
from extractor.review.site import build_from_jsonl
from extractor.synthetic import generate
from tests.review_sites import PAYLOAD, broken_report, hostile_records, write_jsonl

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(
        "browser tests skipped: /usr/bin/chromium is absent (apt-get install chromium; .ci/run installs it)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need playwright (pip install -e '.[dev]')")

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]  # Playwright gives each launch a fresh, temporary --user-data-dir itself


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})  # its own storage: corrections
    pg = context.new_page()
    pg.errors = []
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    assert pg.errors == [], pg.errors  # no script error on any page
    context.close()


def _screenshot(pg: Any, name: str) -> None:
    folder = os.environ.get("REVIEW_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(Path(folder) / name))


def _visible_in_source(pg: Any, selector: str) -> bool:
    """Whether the element is inside the source pane's visible box (scrolled into view)."""
    return bool(
        pg.eval_on_selector(
            selector,
            """el => { const r = el.getBoundingClientRect(), p = document.getElementById('source').getBoundingClientRect();
                       return r.top >= p.top && r.bottom <= p.bottom && r.height > 0; }""",
        )
    )


def _mark(path: str) -> str:
    return f'#source mark[data-k="{path}"]'


def test_clicking_a_cell_highlights_its_span_and_scrolls_to_it(page: Any, tmp_path: Path) -> None:
    report, _ = broken_report(tmp_path)
    summary = build_from_jsonl(write_jsonl(tmp_path / "out.jsonl", [report]), tmp_path / "site", 1)
    page.goto(summary.pages[report.doc_id].as_uri())
    path = "table4.litigation_after_review.total"  # printed near the end of the text
    assert not _visible_in_source(page, _mark(path))
    page.click(f'td[data-k="{path}"]')
    assert "sel" in page.get_attribute(_mark(path), "class")
    assert "sel" in page.get_attribute(f'td[data-k="{path}"]', "class")
    assert _visible_in_source(page, _mark(path))
    assert report.table4 is not None
    span = report.table4["litigation_after_review"]["total"]["span"]
    assert span is not None
    text = Path(report.source.path).read_text(encoding="utf-8")
    assert page.inner_text(_mark(path)) == text[span[0] : span[1]]  # the very characters the span names
    assert "复议后起诉 · 总计" in page.inner_text("#insp-title")
    _screenshot(page, "review-cell.png")


def test_clicking_a_finding_highlights_its_cells_in_table_and_text(page: Any, tmp_path: Path) -> None:
    report, _ = broken_report(tmp_path)
    finding = next(i for i, f in enumerate(report.findings) if f.rule == "R3.2")
    summary = build_from_jsonl(write_jsonl(tmp_path / "out.jsonl", [report]), tmp_path / "site", 1)
    page.goto(summary.pages[report.doc_id].as_uri())
    page.click(f'li.finding[data-f="{finding}"] .fname')
    assert "on" in page.get_attribute(f'li.finding[data-f="{finding}"]', "class")
    paths = [c.path for c in report.findings[finding].cells]
    for path in paths:
        assert "fsel" in page.get_attribute(f'td[data-k="{path}"]', "class")
        assert "fsel" in page.get_attribute(_mark(path), "class")
    assert _visible_in_source(page, _mark(paths[0]))  # the total, scrolled to
    assert "R3.2" in page.inner_text("#insp-title")
    _screenshot(page, "review-finding.png")


def test_hostile_page_runs_nothing_and_shows_the_markup_as_text(page: Any, tmp_path: Path) -> None:
    dialogs: list[str] = []

    def dismiss(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    summary = build_from_jsonl(write_jsonl(tmp_path / "out.jsonl", hostile_records(tmp_path)), tmp_path / "site", 1)
    for url in [summary.pages[PAYLOAD].as_uri(), summary.index.as_uri()]:
        page.goto(url)
        page.wait_for_timeout(50)  # an injected onerror fires before the load event goto waits for
        assert page.evaluate("window.__pwned") is None
        assert page.evaluate("document.querySelectorAll('img, b.x').length") == 0
    page.goto(summary.pages[PAYLOAD].as_uri())
    assert page.inner_text("h1") == PAYLOAD
    assert page.text_content("#text").startswith(PAYLOAD)
    assert dialogs == []


def test_index_filters_by_rule_and_sorts_by_errors(page: Any, tmp_path: Path) -> None:
    reports = [broken_report(tmp_path, rule, seed)[0] for seed in (1, 2) for rule in ("R3.1", "R3.2", "R4.1")]
    summary = build_from_jsonl(write_jsonl(tmp_path / "out.jsonl", reports), tmp_path / "site", 1)
    page.goto(summary.index.as_uri())
    assert page.locator("#docs tbody tr").count() == 6
    page.select_option("#rule", "R4.1")
    shown = page.locator("#docs tbody tr td:first-child a").all_inner_texts()
    assert sorted(shown) == sorted(r.doc_id for r in reports if "R4.1" in {f.rule for f in r.findings})
    assert "rule=R4.1" in page.url  # the filter survives going to a page and back
    page.click("#reset")
    page.click("th[data-sort=e]")
    errors = [int(x) for x in page.locator("#docs tbody tr td:nth-child(6)").all_inner_texts()]
    assert errors == sorted(errors, reverse=True) and errors[0] == max(
        sum(f.severity == "error" for f in r.findings) for r in reports
    )
    _screenshot(page, "review-index.png")


def test_a_correction_typed_on_the_page_is_applied_by_correct(page: Any, tmp_path: Path) -> None:
    report, path = broken_report(tmp_path, "R3.2", 101)
    true_value = generate(101, "tab", "2021", "2021").values.get(path)
    records = write_jsonl(tmp_path / "out.jsonl", [report])
    summary = build_from_jsonl(records, tmp_path / "site", 1)
    page.goto(summary.pages[report.doc_id].as_uri())
    page.click(f'td[data-k="{path}"]')
    page.fill("#corr-value", str(true_value))
    page.fill("#corr-note", 'typo, the "PDF" says so')
    page.click("#corr-form button")
    lines = page.input_value("#corr-lines")
    (tmp_path / "corrections.csv").write_text(lines + "\n", encoding="utf-8")
    fixed = tmp_path / "fixed.jsonl"
    assert main(["correct", str(records), str(tmp_path / "corrections.csv"), "-o", str(fixed), "-q"]) == 0
    record = json.loads(fixed.read_text(encoding="utf-8"))
    table, row, col = path.split(".")
    assert record[table][row][col]["corrected"]["note"] == 'typo, the "PDF" says so'
    assert "R3.2" not in {f["rule"] for f in record["findings"]}


def test_a_pdf_page_shows_the_page_of_a_cell(page: Any, tmp_path: Path) -> None:
    from extractor.pipeline import extract_path
    from extractor.schema import Report
    from extractor.synthetic.files import to_pdf

    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(to_pdf(generate(5, "tab", "2021", "2021")))
    report = extract_path(pdf, "report")
    assert isinstance(report, Report) and report.source.pages and report.table4
    summary = build_from_jsonl(write_jsonl(tmp_path / "out.jsonl", [report]), tmp_path / "site", 1)
    page.goto(summary.pages["report"].as_uri())
    assert page.locator("#source .pg").count() == len(report.source.pages)
    path = "table4.review.total"
    start = report.table4["review"]["total"]["span"][0]  # type: ignore[index]
    expected = max(i for i, (s, _) in enumerate(report.source.pages, 1) if s <= start)
    assert expected > 1  # a page other than the first, so the page is really looked up
    page.click(f'td[data-k="{path}"]')
    assert page.get_attribute(_mark(path), "data-p") == str(expected)
    assert f"第 {expected} 页" in page.inner_text("#insp-detail")
