"""One record's JSON as rows of each export sheet, in the column order of columns.py.

The record's JSON (not the validated model) is read, so keys a model does not declare but a reviewer added
(a cell's ``corrected`` note) reach the export. Every missing value gets a status saying why it is missing.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ..crossyear import record_key
from ..organs import level_of
from ..rules import RULES, S1, S2, X1
from ..schema import CrossYearFinding
from ..spec import OVERVIEW_KEYS
from .columns import CELL_KEYS, CellKey, amount_unit
from .crosswalk import PANEL_VARS, PanelVar
from .indicators import INDICATORS

Row = tuple[Any, ...]
Number = int | float
DASHES = frozenset({"/", "／", "\\", "—", "——", "―", "-", "--", "－", "–", "无"})
# Findings whose cells do not name what they are about (older records; table-level messages).
_ROW_MSG = re.compile(r"^(table[234]): row '([a-z_]+)'")
_BLOCKS_MSG = re.compile(r"^table4: block\(s\) ([a-z_, ]+) not found by label")
_TABLE_MSG = re.compile(r"^(?:section ')?(table[234])(?:\.([a-z_]+))?\b")
_RULE_IDS = tuple(r for r in RULES if r != X1.id)


class Cell:
    """A cell's export view: value, printed text, unit, status, span, any reviewer's correction."""

    __slots__ = ("corrected", "raw", "span", "status", "unit", "value")

    def __init__(
        self,
        value: Number | None,
        raw: str | None,
        unit: str | None,
        status: str,
        span: tuple[int, int] | None,
        corrected: Mapping[str, Any] | None = None,
    ) -> None:
        self.value, self.raw, self.unit, self.status = value, raw, unit, status
        self.span, self.corrected = span, corrected


def _number(x: object) -> float | None:
    return float(x) if isinstance(x, int | float) and not isinstance(x, bool) else None


class DocView:
    """One record (JSON form) with the lookups every sheet needs."""

    def __init__(self, data: Mapping[str, Any], aliases: dict[str, str] | None = None) -> None:
        self.data = data
        self.organ_key = record_key(data, aliases)
        self.level = level_of(self.organ_key) if aliases or "level" not in data else data.get("level")
        self.formats: Mapping[str, str | None] = data.get("format") or {}
        pages = (data.get("source") or {}).get("pages") or []
        self._page_starts = [int(p[0]) for p in pages]
        self.rules_at: dict[str, set[str]] = defaultdict(set)
        self.refused: dict[str, str] = {}
        self.explained: dict[str, str] = {}  # row or table path -> the message of the finding about it
        for f in data.get("findings") or ():
            self._index(f)

    def _index(self, f: Mapping[str, Any]) -> None:
        rule, message = str(f.get("rule")), str(f.get("message") or "")
        paths = [str(c["path"]) for c in f.get("cells") or () if c.get("path")]
        if not paths:
            if m := _ROW_MSG.match(message):
                paths = [f"{m.group(1)}.{m.group(2)}"]
            elif m := _BLOCKS_MSG.match(message):
                paths = [f"table4.{b.strip()}" for b in m.group(1).split(",")]
            elif m := _TABLE_MSG.match(message):
                paths = [f"{m.group(1)}.{m.group(2)}" if m.group(2) else m.group(1)]
        for path in paths:
            self.rules_at[path].add(rule)
            refused = (rule == S2.id and f.get("severity") == "error") or (rule == S1.id and "not filled" in message)
            if path.count(".") < 2 and rule in (S1.id, S2.id):
                if refused:
                    self.refused.setdefault(path, rule)
                if refused or path not in self.explained:
                    self.explained[path] = message

    def page(self, span: tuple[int, int] | None) -> int | None:
        if span is None or not self._page_starts:
            return None
        return bisect_right(self._page_starts, span[0]) or None

    def explanation(self, table: str, row: str) -> str | None:
        """Why a row has no cells: the parse finding (S2 refused / not found, S1) about the row or its table."""
        return self.explained.get(f"{table}.{row}") or self.explained.get(table)

    def rules(self, table: str, row: str, col: str) -> str | None:
        """Ids of the findings naming the cell, its row or its table."""
        at = self.rules_at
        if not at:
            return None
        found = at.get(f"{table}.{row}.{col}", set()) | at.get(f"{table}.{row}", set()) | at.get(table, set())
        return ";".join(sorted(found)) or None

    def cell(self, table: str, row: str, col: str) -> Cell:
        data = self.data.get(table) or {}
        c = (data.get(row) or {}).get(col)
        if c is None:
            refused = self.refused.get(f"{table}.{row}") or self.refused.get(table)
            return Cell(None, None, None, "unreadable" if refused else "not_printed", None)
        value, raw = _number(c.get("value")), str(c.get("raw") or "")
        span = (int(c["span"][0]), int(c["span"][1])) if c.get("span") else None
        if span is None:
            status = "model_filled"
        elif value is not None:
            status = "value"
        elif not raw.strip():
            status = "blank"
        else:
            status = "dash" if raw.strip() in DASHES else "unreadable"
        corrected = c.get("corrected")
        return Cell(value, raw, c.get("unit"), status, span, corrected if isinstance(corrected, Mapping) else None)

    def table_format(self, table: str) -> str | None:
        return self.formats.get(table)

    def long_keys(self, table: str) -> list[CellKey]:
        """The cells a document's table has: its format's keys (org_subtotal only when printed). A table whose
        format is unknown lists the keys of the document's other tables' format, else of both formats."""
        fmt = self.formats.get(table) or self.formats.get("table3") or self.formats.get("table2")
        t3 = self.data.get("table3") or {}
        subtotal = table == "table3" and any("org_subtotal" in cols for cols in t3.values())
        return [
            k
            for k in CELL_KEYS
            if k.table == table and (fmt is None or fmt in k.formats) and (k.col != "org_subtotal" or subtotal)
        ]


def _ident(v: DocView) -> Row:
    d = v.data
    return (d["doc_id"], d.get("organ"), v.organ_key, v.level, d.get("year"))


def long_rows(v: DocView) -> Iterator[Row]:
    ident = _ident(v)
    for table in ("table2", "table3", "table4"):
        fmt = v.table_format(table)
        for k in v.long_keys(table):
            c = v.cell(table, k.row, k.col)
            corr = c.corrected
            yield (
                *ident,
                table,
                fmt,
                k.row,
                k.col,
                k.key,
                c.value,
                c.raw,
                c.unit,
                c.status,
                c.span[0] if c.span else None,
                c.span[1] if c.span else None,
                v.page(c.span),
                v.rules(table, k.row, k.col),
                v.explanation(table, k.row) if c.status in ("unreadable", "not_printed") else None,
                corr is not None,
                _number(corr.get("from")) if corr else None,
                str(corr.get("note")) if corr and corr.get("note") is not None else None,
            )


def _key_value(v: DocView, k: CellKey) -> tuple[Number | None, str, str | None]:
    fmt = v.table_format(k.table)
    if fmt is not None and fmt not in k.formats:
        return None, "not_in_format", None
    c = v.cell(k.table, k.row, k.col)
    return c.value, c.status, c.unit or amount_unit(k.row, k.col) if c.status in ("value", "model_filled") else c.unit


def _findings(v: DocView) -> Row:
    findings = v.data.get("findings") or ()
    by_rule = Counter(str(f.get("rule")) for f in findings)
    other = sorted(r for r in by_rule if r not in RULES)
    return (
        sum(1 for f in findings if f.get("severity") == "error"),
        sum(1 for f in findings if f.get("severity") == "warning"),
        *(by_rule.get(r, 0) for r in _RULE_IDS),
        sum(by_rule[r] for r in other),
        ";".join(other) or None,
    )


def _fee(data: Mapping[str, Any]) -> Row:
    fee = data.get("info_processing_fee")
    if not fee:
        return None, None, "not_stated"
    value = _number(fee.get("value"))
    return value, fee.get("unit"), "value" if value is not None else "unreadable"


def _corrected_cells(data: Mapping[str, Any]) -> str | None:
    keys = [
        f"{t}.{r}.{c}"
        for t in ("table2", "table3", "table4")
        for r, cols in (data.get(t) or {}).items()
        for c, cell in cols.items()
        if isinstance(cell, Mapping) and cell.get("corrected")
    ]
    return ";".join(keys) or None


def _value_columns(
    named: Iterable[tuple[str, tuple[Number | None, str, str | None]]],
) -> tuple[list[Any], dict[str, Number | None]]:
    """(value, status[, unit]) columns of each key in order, and the values by key (for the indicators)."""
    cells: list[Any] = []
    values: dict[str, Number | None] = {}
    for name, (value, status, unit) in named:
        values[name] = value
        cells += (value, status)
        _, row, col = name.split(".")
        if amount_unit(row, col) is not None:
            cells.append(unit)
    return cells, values


def wide_row(v: DocView, indicators: bool) -> Row:
    d = v.data
    src, pub = d.get("source") or {}, d.get("publication") or {}
    cells, values = _value_columns((k.key, _key_value(v, k)) for k in CELL_KEYS)
    overview = d.get("overview") or {}
    return (
        d["doc_id"],
        src.get("path"),
        src.get("sha256"),
        d.get("title"),
        *_ident(v)[1:],
        pub.get("published"),
        pub.get("source"),
        pub.get("url"),
        *(v.table_format(t) for t in ("table2", "table3", "table4")),
        *cells,
        sum(1 for key in OVERVIEW_KEYS if overview.get(key)),
        len(d.get("problems") or ()),
        len(d.get("improvements") or ()),
        len(d.get("platforms") or ()),
        *_fee(d),
        *_findings(v),
        _corrected_cells(d),
        *(_indicators(values.get) if indicators else ()),
    )


def _indicators(value: Any) -> Row:
    return tuple(i.compute(value) for i in INDICATORS)


def _panel_value(v: DocView, var: PanelVar) -> tuple[Number | None, str, str | None]:
    table, row, col = var.name.split(".")
    fmt = v.table_format(table)
    if fmt is not None and fmt not in var.sources:
        return None, "not_in_format", None
    keys = var.sources.get(fmt or "", ()) or next(iter(var.sources.values()))
    cells = [v.cell(*k.split(".")) for k in keys]
    if len(cells) == 1:
        c = cells[0]
        unit = c.unit or amount_unit(row, col) if c.status in ("value", "model_filled") else c.unit
        return c.value, c.status, unit
    bad = next((c for c in cells if c.status != "value"), None)
    if bad is not None:
        return None, bad.status, None
    return sum(c.value or 0 for c in cells), "summed", None


def panel_row(v: DocView, duplicate: bool, x1_warnings: int, indicators: bool) -> Row:
    d = v.data
    cells, values = _value_columns((var.name, _panel_value(v, var)) for var in PANEL_VARS)
    return (
        v.organ_key,
        d.get("year"),
        v.level,
        d.get("organ"),
        d["doc_id"],
        duplicate,
        *(v.table_format(t) for t in ("table2", "table3", "table4")),
        (d.get("publication") or {}).get("published"),
        *cells,
        x1_warnings,
        *(_indicators(values.get) if indicators else ()),
    )


def item_rows(v: DocView) -> Iterator[Row]:
    d = v.data
    ident = (d["doc_id"], d.get("organ"), v.organ_key, d.get("year"))

    def span(item: Mapping[str, Any]) -> tuple[int | None, int | None, int | None]:
        s = item.get("span")
        s = (int(s[0]), int(s[1])) if s else None
        return (s[0] if s else None, s[1] if s else None, v.page(s))

    overview = d.get("overview") or {}
    n = 0
    for key in OVERVIEW_KEYS:
        item = overview.get(key)
        if item:
            n += 1
            yield (*ident, "overview", n, key, item.get("heading"), item.get("text"), None, None, None, *span(item))
    for kind, items in (("problem", d.get("problems")), ("improvement", d.get("improvements"))):
        for i, item in enumerate(items or (), 1):
            answers = item.get("answers")
            answers = answers + 1 if isinstance(answers, int) else None  # stored 0-based
            yield (*ident, kind, i, None, None, item.get("text"), None, answers, item.get("grounding"), *span(item))
    for i, item in enumerate(d.get("platforms") or (), 1):
        yield (
            *ident,
            "platform",
            i,
            None,
            None,
            item.get("name"),
            item.get("kind"),
            None,
            item.get("grounding"),
            *span(item),
        )


def failure_row(data: Mapping[str, Any]) -> Row:
    src, err = data.get("source") or {}, data.get("error") or {}
    return (data["doc_id"], src.get("path"), src.get("sha256"), err.get("type"), err.get("message"), data.get("config"))


def across_years_row(f: CrossYearFinding) -> Row:
    cells = "; ".join(
        f"{c.doc_id}:{c.path}={'' if c.value is None else f'{c.value:g}'}"
        + (f" [{c.span[0]},{c.span[1]}]" if c.span else "")
        for c in f.cells
    )
    return (
        f.organ_key,
        f.rule,
        f.severity,
        f.doc_ids[0],
        f.years[0],
        f.doc_ids[-1],
        f.years[-1],
        f.message,
        cells or None,
        f.expected,
        f.found,
    )
