"""A saved page's own metadata: standard <meta> tags first, else the printed chrome outside the article."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.pipeline import extract_path
from extractor.readers import read
from extractor.readers.pagemeta import iso_date
from extractor.schema import Report

_ARTICLE = """<div class="article_content"><p>本报告根据《中华人民共和国政府信息公开条例》编制。统计时间：2021年1月1日至2021年12月31日。</p>
<p>一、总体情况</p><p>2021年，本机关坚持以公开为常态。</p>
<p>二、主动公开政府信息情况</p><p>信息内容：规章。</p>
<p>三、收到和处理政府信息公开申请情况</p><p>本年度未收到政府信息公开申请。</p></div>"""

_CHROME = f"""<html><head><title>示例网</title></head><body>
<div class="article_title">示例县城关镇人民政府2021年度政府信息公开工作年度报告</div>
<div><span class="article_source">来源：示例县人民政府</span> <span>时间：2022-02-08 16:34</span></div>
{_ARTICLE}</body></html>"""

_META = f"""<html><head>
<meta name="ArticleTitle" content="示例市教育局2022年政府信息公开工作年度报告">
<meta name="PubDate" content="2023/1/20 09:00">
<meta name="ContentSource" content="示例市教育局">
<meta name="Url" content="https://www.example.gov.cn/zwgk/2023/t20230120_1.html">
<title>示例网</title></head><body>
<div>来源：别的单位 时间：2020-05-05</div>
{_ARTICLE}</body></html>"""


def _page(tmp_path: Path, html: str) -> Path:
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    return path


def test_read_html_prefers_meta_tags(tmp_path: Path) -> None:
    meta = read(_page(tmp_path, _META)).meta
    assert meta is not None
    assert (meta.title, meta.published, meta.source, meta.url) == (
        "示例市教育局2022年政府信息公开工作年度报告",
        "2023-01-20",
        "示例市教育局",
        "https://www.example.gov.cn/zwgk/2023/t20230120_1.html",
    )


def test_read_html_reads_the_printed_chrome_outside_the_article(tmp_path: Path) -> None:
    doc = read(_page(tmp_path, _CHROME))
    assert doc.meta is not None
    assert (doc.meta.title, doc.meta.published, doc.meta.source) == (
        "示例县城关镇人民政府2021年度政府信息公开工作年度报告",
        "2022-02-08",
        "示例县人民政府",
    )
    assert doc.meta.url is None
    assert "来源" not in doc.text  # the chrome is not part of the report's text


def test_extract_takes_organ_and_year_from_the_page_title(tmp_path: Path) -> None:
    report = extract_path(_page(tmp_path, _CHROME), "p")
    assert isinstance(report, Report)
    assert (report.organ, report.organ_key, report.level, report.year) == (
        "示例县城关镇人民政府",
        "示例县城关镇",
        "township",
        2021,
    )
    assert report.publication is not None and report.publication.published == "2022-02-08"


def test_read_html_without_metadata_has_none(tmp_path: Path) -> None:
    assert read(_page(tmp_path, f"<html><body>{_ARTICLE}</body></html>")).meta is None


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2022-02-08 16:34", "2022-02-08"),
        ("2023/1/20", "2023-01-20"),
        ("2021年3月5日", "2021-03-05"),
        ("2021-13-45 then 2021-02-03", "2021-02-03"),
        ("no date", None),
    ],
    ids=["iso-time", "slashes", "chinese", "invalid-then-valid", "none"],
)
def test_iso_date_reads_the_first_real_date(text: str, iso: str | None) -> None:
    assert iso_date(text) == iso
