"""Organ names as printed, normalised for grouping a body's reports across years; the level the name states.

Titles print one body in several ways (浈江区花坪镇 / 浈江区花坪镇人民政府, full-width letters, stray spaces).
``organ_key`` applies exactly these steps, in order, and nothing else:

1. Unicode NFKC (full-width letters and digits become ASCII), every whitespace and zero-width character
   removed, enclosing quotes and brackets (《》“”「」"') stripped.
2. A name that reads as prose, not a name (longer than 40 characters, or holding 。，；：、 or a 《 》 pair)
   gives no key: the title was not found, and guessing a body would merge unrelated reports.
3. A government's own suffix is dropped after a place: ``…人民政府`` and ``…政府`` after 省/市/县/区/镇/乡/旗/州/盟,
   ``…办事处`` and ``…办`` after 街道 (so 花坪镇人民政府 = 花坪镇, 城关街道办事处 = 城关街道). A department keeps
   its full name: ``…人民政府办公室`` is the office, not the government.
4. Aliases a user supplies (``--organ-aliases FILE``: CSV ``variant,organ_key``), applied to the result of 1–3:
   that is how an OCR variant of a place name is merged, by a person who checked it. No built-in guesses.

``level`` is read from the key's ending only: 省/自治区/特别行政区 and the four 直辖市 -> province;
市/自治州/地区/盟 -> city (prefecture- or county-level: the name does not say which); 县/旗/特区/林区 and a
区 that is not a zone -> county; 镇/乡/街道/苏木 -> township; 局/厅/委员会/办公室/部/署/中心/院/所/站/队/馆
-> department. Development and pilot zones (开发区, 新区, 实验区, 管委会 …) get none.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import replace
from pathlib import Path

from .errors import UsageError
from .ingest import PageMeta
from .schema import Level
from .sections import Title

_DROP_CHARS = re.compile(r"[\s\u200b\u200c\u200d\ufeff]+")
_QUOTES = "《》“”‘’「」『』\"'"
_PROSE = re.compile(r"[。，,；;：:、]|《.*》")
_GOV_SUFFIX = re.compile(r"(?<=[省市县区镇乡旗州盟])(?:人民政府|政府)$")
_STREET_SUFFIX = re.compile(r"(?<=街道)(?:办事处|办)$")
_MUNICIPALITIES = {"北京市", "天津市", "上海市", "重庆市"}
_ZONES = (
    "开发区",
    "新区",
    "实验区",
    "试验区",
    "高新区",
    "园区",
    "合作区",
    "示范区",
    "保税区",
    "管理区",
    "风景区",
    "旅游区",
    "度假区",
    "功能区",
    "集聚区",
    "管委会",
    "管理委员会",
)
_LEVEL_SUFFIXES: tuple[tuple[Level, tuple[str, ...]], ...] = (
    ("department", ("局", "厅", "委员会", "办公室", "部", "署", "中心", "院", "所", "站", "队", "馆")),
    ("province", ("省", "自治区", "特别行政区")),
    ("township", ("镇", "乡", "街道", "苏木")),
    ("county", ("县", "旗", "特区", "林区")),
    ("city", ("市", "自治州", "地区", "盟")),
)
_MAX_NAME = 40
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年度?")
_AFTER_YEAR = re.compile(r"^(.{2,40}?)(?:政府信息公开|信息公开)")


def clean(printed: str) -> str:
    """Step 1: NFKC, whitespace removed, enclosing quotes stripped."""
    return _DROP_CHARS.sub("", unicodedata.normalize("NFKC", printed)).strip(_QUOTES)


def organ_key(printed: str | None, aliases: dict[str, str] | None = None) -> str | None:
    """The grouping key of a printed organ name (steps 1–4 of the module docstring), or None."""
    if not printed:
        return None
    name = clean(printed)
    if not name or len(name) > _MAX_NAME or _PROSE.search(name):
        return None
    name = _STREET_SUFFIX.sub("", _GOV_SUFFIX.sub("", name))
    if aliases:
        name = aliases.get(name, name)
    return name or None


def level_of(key: str | None) -> Level | None:
    """The administrative level the key's ending states, or None (see the module docstring)."""
    if not key:
        return None
    if key in _MUNICIPALITIES:
        return "province"
    if key.endswith(_ZONES):
        return None
    for level, suffixes in _LEVEL_SUFFIXES:
        if key.endswith(suffixes):
            return level
    return "county" if key.endswith("区") else None


def load_aliases(path: str | Path) -> dict[str, str]:
    """A CSV of ``variant,organ_key`` rows (a header row naming them is allowed); keys normalised as names."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
    except OSError as exc:
        raise UsageError(
            f"{path}: cannot read the alias file ({exc.strerror}); give a CSV of variant,organ_key"
        ) from None
    aliases: dict[str, str] = {}
    for n, row in enumerate(rows, 1):
        if not row or not "".join(row).strip() or (n == 1 and [c.strip() for c in row[:2]] == ["variant", "organ_key"]):
            continue
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            raise UsageError(f"{path}:{n}: expected two columns variant,organ_key; fix the row")
        variant, target = organ_key(row[0]), organ_key(row[1])
        if variant is None or target is None:
            raise UsageError(f"{path}:{n}: {row[0]!r} or {row[1]!r} is not an organ name; fix the row")
        aliases[variant] = target
    return aliases


def _plausible(title: Title) -> bool:
    """A title names a body and a report, in one short line without a sentence's full stop."""
    text = clean(title.text or "")
    return organ_key(title.organ) is not None and "报告" in text and len(text) <= 80 and "。" not in text


def organ_in_title(text: str) -> tuple[str | None, int | None]:
    """(organ as printed, year) of a report title: the words before the year, else those after it."""
    compact = _DROP_CHARS.sub("", text)
    m = _YEAR.search(compact)
    if m is None:
        return None, None
    organ = compact[: m.start()]
    if not organ and (after := _AFTER_YEAR.match(compact[m.end() :])):
        organ = after.group(1)
    return organ or None, int(m.group(1))


def resolve_title(title: Title, meta: PageMeta | None) -> Title:
    """The title read from the text, unless it is not a report title and the page states one (saved pages
    often print the title outside the article). Organ and year then come from the page's title; a year
    the page title lacks stays the one read from the text."""
    if _plausible(title):
        return title
    if meta is not None and meta.title:
        organ, year = organ_in_title(meta.title)
        if organ is not None:
            return Title(meta.title, None, organ, year if year is not None else title.year)
    if title.text and not title.organ:
        organ, year = organ_in_title(title.text)
        if organ is not None:
            return replace(title, organ=organ, year=title.year if title.year is not None else year)
    return title
