"""Organ names normalised for grouping, the level a name states, and the title a saved page gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.errors import UsageError
from extractor.ingest import PageMeta
from extractor.organs import level_of, load_aliases, organ_key, resolve_title
from extractor.sections import Title
from tests.conftest import extract_text


@pytest.mark.parametrize(
    ("printed", "key"),
    [
        ("浈江区花坪镇", "浈江区花坪镇"),
        ("浈江区花坪镇人民政府", "浈江区花坪镇"),
        ("浈江区 花坪镇人民政府", "浈江区花坪镇"),
        ("示例市政府", "示例市"),
        ("城关街道办事处", "城关街道"),
        ("示例县人民政府办公室", "示例县人民政府办公室"),
        ("示例市财政局", "示例市财政局"),
        ("“示例县”", "示例县"),
        ("示例县ＡＢ镇", "示例县AB镇"),
        ("根据《中华人民共和国政府信息公开条例》要求，编制公布", None),
        ("", None),
        (None, None),
    ],
    ids=[
        "bare",
        "government-suffix",
        "inner-space",
        "short-government",
        "street-office",
        "office-is-a-department",
        "bureau",
        "quotes",
        "full-width",
        "prose-is-no-name",
        "empty",
        "none",
    ],
)
def test_organ_key_normalises_only_as_documented(printed: str | None, key: str | None) -> None:
    assert organ_key(printed) == key


@pytest.mark.parametrize(
    ("key", "level"),
    [
        ("示例省", "province"),
        ("示例自治区", "province"),
        ("北京市", "province"),
        ("示例市", "city"),
        ("示例县", "county"),
        ("示例市浈江区", "county"),
        ("示例县城关镇", "township"),
        ("示例区城关街道", "township"),
        ("示例市教育局", "department"),
        ("示例县人民政府办公室", "department"),
        ("平潭综合实验区", None),
        ("示例经济开发区", None),
        ("示例管委会", None),
        (None, None),
    ],
    ids=[
        "province",
        "autonomous-region",
        "municipality",
        "city",
        "county",
        "district",
        "town",
        "street",
        "bureau",
        "office",
        "pilot-zone",
        "development-zone",
        "zone-committee",
        "none",
    ],
)
def test_level_of_reads_the_ending_only(key: str | None, level: str | None) -> None:
    assert level_of(key) == level


def test_load_aliases_merges_a_checked_variant(tmp_path: Path) -> None:
    path = tmp_path / "aliases.csv"
    path.write_text("variant,organ_key\n示列县人民政府,示例县\n", encoding="utf-8")
    aliases = load_aliases(path)
    assert aliases == {"示列县": "示例县"}
    assert organ_key("示列县人民政府", aliases) == "示例县"


def test_load_aliases_names_the_bad_row(tmp_path: Path) -> None:
    path = tmp_path / "aliases.csv"
    path.write_text("示列县,示例县\n只有一列\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"aliases\.csv:2: expected two columns"):
        load_aliases(path)


def test_resolve_title_takes_the_page_title_when_the_text_has_none() -> None:
    paragraph = Title(
        "根据《条例》要求，编制公布2021年政府信息公开工作年度报告。本报告包括……" * 3, (0, 10), "根据", 2021
    )
    meta = PageMeta(title="示例县城关镇人民政府2021年度政府信息公开工作年度报告")
    resolved = resolve_title(paragraph, meta)
    assert (resolved.text, resolved.organ, resolved.year) == (meta.title, "示例县城关镇人民政府", 2021)


def test_resolve_title_keeps_a_real_title() -> None:
    title = Title("示例县2022年政府信息公开工作年度报告", (0, 20), "示例县", 2022)
    assert resolve_title(title, PageMeta(title="别的机关2022年政府信息公开工作年度报告")) is title


def test_resolve_title_reads_an_organ_printed_after_the_year() -> None:
    title = Title("2022年示例县政府信息公开工作年度报告", (0, 20), None, 2022)
    assert resolve_title(title, None).organ == "示例县"


def test_extract_records_organ_key_and_level() -> None:
    report = extract_text(
        "示例县城关镇人民政府2022年政府信息公开工作年度报告\n一、总体情况\n本年度……\n二、主动公开政府信息情况\n"
    )
    assert (report.organ, report.organ_key, report.level, report.year) == (
        "示例县城关镇人民政府",
        "示例县城关镇",
        "township",
        2022,
    )
