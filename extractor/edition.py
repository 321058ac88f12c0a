"""Reports from before the 2019 formats (2008-2018): no standard tables 2-4, other section headings.

Such a report is not a broken new one: its record says so (``Report.pre_2019``) with one finding, instead of
one "table not found" per table and parse noise from prose that merely mentions 行政复议.
"""

from __future__ import annotations

import re

from .ingest import Document
from .rules import S1, S2
from .schema import Finding

# Section titles only the old format has: 依申请公开政府信息情况, 政府信息公开的收费及减免情况.
_OLD_HEADINGS = re.compile(r"依申请公开政府信息(?:的)?情况|收费(?:及|和)减免")
LAST_OLD_YEAR = 2018  # the 2019 format (国办公开办函〔2019〕60号) applies from the 2019 reports on


def is_pre_2019(doc: Document, year: int | None, tables_found: bool) -> bool:
    """No standard table was read, and the report is of 2018 or earlier (by its title's year, else by the
    old format's section titles)."""
    return not tables_found and old_format(doc, year)


def old_format(doc: Document, year: int | None) -> bool:
    """Whether the report is of 2018 or earlier: by its title's year, else by the old format's section titles."""
    if year is not None:
        return year <= LAST_OLD_YEAR
    return _OLD_HEADINGS.search(doc.norm) is not None


def pre_2019_findings(findings: list[Finding], year: int | None) -> list[Finding]:
    """The findings of a pre-2019 report: its parse and section findings (S1, S2: tables and sections the old
    format never had) replaced by one that says what the report is."""
    when = f"a {year} report" if year is not None else "a report"
    kept = [f for f in findings if f.rule not in (S1.id, S2.id)]
    message = f"{when} in the format used before 2019: it has no standard tables 2-4, so none is extracted"
    return [*kept, Finding(rule=S1.id, severity="warning", message=message)]
