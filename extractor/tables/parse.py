"""Parse tables 2, 3 and 4 of one document region into SPEC-keyed cells.

Each row is found by its label (``rows.py``); each table's format is told from what the table prints: its
column headers (table 2) or its result-row labels (table 3), never from values.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping

from ..ingest import Document
from ..rules import S1, S2
from ..schema import Cell
from ..spec import (
    AMOUNT_COLUMNS,
    TABLE2_COLUMNS,
    TABLE2_HEADER_LABELS,
    TABLE2_ROW_KEYWORDS,
    TABLE2_ROW_LABELS,
    TABLE3_COLUMNS,
    TABLE3_COLUMNS_WITH_SUBTOTAL,
    TABLE3_EXACT_LABELS,
    TABLE3_RESULT_ROWS,
    TABLE3_ROW_KEYWORDS,
    TABLE3_ROW_LABELS,
    TABLE3_ROWS,
    TABLE4_BLOCK_KEYWORDS,
    TABLE4_BLOCKS,
    TABLE4_COLUMNS,
)
from ..types import Format, Table
from . import glued
from .grouping import Group, group, reattach
from .labels import RowMatcher, compact, header_hits, header_hits_fuzzy
from .rows import (
    Filler,
    ParsedTable,
    Rows,
    TableProblem,
    cell,
    fill,
    label_span,
    match_rows,
    settle_tails,
    split_blank_rows,
    tails_are_cells,
    take,
)
from .tokens import VALUE, Token, is_glued, tokenize

__all__ = ["ParsedTable", "TableProblem", "parse_table2", "parse_table3", "parse_table4"]

_T2 = RowMatcher(TABLE2_ROW_KEYWORDS, TABLE2_ROW_LABELS)
# "(七)总计" is a keyword too: in flattened or glued text a blank row's label runs into it ("(六)其他处理(七)总计"),
# and the last keyword names the row.
_T3 = RowMatcher({**TABLE3_ROW_KEYWORDS, "results_total": r"\(七\)[总合]计"}, TABLE3_ROW_LABELS, TABLE3_EXACT_LABELS)
_T4 = RowMatcher(TABLE4_BLOCK_KEYWORDS, {})

# Rows only the 2021 format prints (its (六)其他处理 split in three; a "3.其他" row counts only with values).
_T3_2021_LABELS = {"other_no_correction", "other_unpaid_fee", "other_other"}
# Column equations of table 3 (R3.1, R3.2 per format), used to settle glued rows.
_T3_EQUATIONS: dict[Format, list[glued.Equation]] = {
    fmt: [
        (("new_received", "carried_over"), ("results_total", "carried_forward")),
        (("results_total",), TABLE3_RESULT_ROWS[fmt]),
    ]
    for fmt in ("2019", "2021")
}


def _region(doc: Document, start: int, end: int) -> tuple[list[Group], bool, bool | None]:
    """The region's groups, whether it is glued crawler text, and whether its pipe rows' end pieces are
    cells (``tails_are_cells``)."""
    glued_text = is_glued(doc.norm, start, end)
    lines = tokenize(doc.norm, start, end, glued_text)
    return reattach(group(lines)), glued_text, tails_are_cells(doc.norm, start, end)


def _t2_bounds(cols: tuple[str, ...], values: list[int | float | None]) -> bool:
    """What table 2's documents rows cannot print: more issued this year than repealed and still in force
    (现行有效 >= 本年制发 - 本年废止), more published this year than in all (对外公开总数量 >= 本年新公开数量)."""
    v = dict(zip(cols, values, strict=True))
    issued, repealed, in_force = v.get("issued"), v.get("repealed"), v.get("in_force")
    if issued is not None and repealed is not None and in_force is not None and in_force < issued - repealed:
        return False
    published, total = v.get("published"), v.get("total_published")
    return published is None or total is None or total >= published


def _r33(cols: tuple[str, ...], values: list[int | float | None]) -> bool:
    """R3.3 on one row's values (blank counts 0). Called for every candidate split of a glued row, tens of
    thousands of times on a bad one: the columns' positions are looked up once per column tuple."""
    if len(values) != len(cols):
        raise ValueError(f"{len(values)} values for {len(cols)} columns")
    where = _R33_AT.get(cols)
    if where is None:
        where = _R33_AT[cols] = _r33_positions(cols)
    person, orgs_at, subtotal, total = where
    orgs: int | float = 0
    for i in orgs_at:
        orgs += values[i] or 0
    if subtotal is not None and values[subtotal] != orgs:
        return False
    return values[total] == (values[person] or 0) + orgs


_R33_AT: dict[tuple[str, ...], tuple[int, tuple[int, ...], int | None, int]] = {}


def _r33_positions(cols: tuple[str, ...]) -> tuple[int, tuple[int, ...], int | None, int]:
    at = {c: i for i, c in enumerate(cols)}
    subtotal = at.get("org_subtotal")
    return at["natural_person"], tuple(at[c] for c in TABLE3_COLUMNS[1:6]), subtotal, at["total"]


def _r41(cols: tuple[str, ...], values: list[int | float | None]) -> bool:
    width = len(TABLE4_COLUMNS)
    blocks = [values[i : i + width] for i in range(0, len(values), width)]
    return all(b[-1] == sum(x or 0 for x in b[:-1]) for b in blocks)


def _table2_format(groups: list[Group], rows: Rows) -> tuple[Format | None, str]:
    header = "".join(t.text for g in groups for t in g.labels)
    hits = {fmt: header_hits(header, labels) for fmt, labels in TABLE2_HEADER_LABELS.items()}
    if not any(hits.values()):
        hits = {fmt: header_hits_fuzzy(header, labels) for fmt, labels in TABLE2_HEADER_LABELS.items()}
    if hits["2021"] != hits["2019"]:
        return ("2021" if hits["2021"] > hits["2019"] else "2019"), header
    if "other_services" in rows or "procurement" in rows:
        return "2019", header  # rows only the 2019 format has
    return None, header


def parse_table2(doc: Document, start: int, end: int) -> ParsedTable:
    groups, is_run, tails = _region(doc, start, end)
    groups = settle_tails(groups, tails)
    out = ParsedTable(None, None)
    rows = match_rows(groups, _T2, out)
    fmt, header = _table2_format(groups, rows)
    if not rows:
        out.problems.append(TableProblem(S1.id, "warning", "table2: no row of table 2 was found", "table2"))
        return out
    if fmt is None:
        message = "table2: its format (2019 or 2021) cannot be told from its headers; cells not filled"
        out.problems.append(TableProblem(S1.id, "warning", message, "table2"))
        return out
    out.format = fmt
    units: dict[str, str | None] = {}
    if fmt == "2021":
        units["amount"] = "万元" if "万元" in header else AMOUNT_COLUMNS[("fees", "amount")]
    filler = Filler(doc, "table2", TABLE2_COLUMNS[fmt], units, out, _t2_bounds, glued=is_run, equality=False)
    out.data = fill(rows, filler)
    _settle_glued(filler, out.data, (), [], {})
    for key in sorted(rows.keys() - TABLE2_COLUMNS[fmt].keys()):
        extra = next((g for g in rows[key] if g.n_values), None)
        if extra is not None:
            message = f"table2: row '{key}' is not part of the {fmt} format; ignored"
            out.problems.append(TableProblem(S2.id, "warning", message, f"table2.{key}", label_span(extra)))
    return out


_T3_2021_WORDS = re.compile(TABLE3_ROW_KEYWORDS["other_no_correction"] + "|" + TABLE3_ROW_KEYWORDS["other_unpaid_fee"])
_T3_2019_WORDS = re.compile(r"其他(?:处.|.理)")  # (六)其他处理, one character misread at most


def _table3_format(groups: list[Group], rows: Rows) -> Format | None:
    """From the result-row labels the table prints, blank or not: (六)其他处理 in three rows (2021) or one
    (2019). All label text counts: in flattened text a blank row's label runs into the next row's."""
    if rows.keys() & _T3_2021_LABELS:
        return "2021"
    labels = "".join(g.label_text for g in groups)
    if _T3_2021_WORDS.search(labels):
        return "2021"
    if "other_handling" in rows or _T3_2019_WORDS.search(labels):
        return "2019"
    return None


def parse_table3(
    doc: Document, start: int, end: int, stated: Callable[[], Mapping[str, int]] | None = None
) -> ParsedTable:
    """``stated``: gives the numbers the prose states for table-3 cells ("results_total.total" -> 69); called
    only to settle glued digit runs that split several ways."""
    groups, is_run, tails = _region(doc, start, end)
    groups = settle_tails(groups, tails)
    if is_run:
        groups = split_blank_rows(groups, _T3)
    out = ParsedTable(None, None)
    rows = match_rows(groups, _T3, out, blank_rows=is_run)
    if not rows:
        out.problems.append(TableProblem(S1.id, "warning", "table3: no row of table 3 was found", "table3"))
        return out
    fmt = _table3_format(groups, rows)
    if fmt is None:
        message = "table3: its format cannot be told: no (六)其他处理 row was found; cells not filled"
        out.problems.append(TableProblem(S1.id, "warning", message, "table3"))
        return out
    out.format = fmt
    header = compact("".join(t.text for g in groups for t in g.labels))
    widths = Counter(g.n_values for gs in rows.values() for g in gs if g.n_values)
    eight = len(TABLE3_COLUMNS_WITH_SUBTOTAL)
    subtotal = "小计" in header or (bool(widths) and widths.most_common(1)[0][0] == eight)
    columns = TABLE3_COLUMNS_WITH_SUBTOTAL if subtotal else TABLE3_COLUMNS
    filler = Filler(doc, "table3", {key: columns for key in TABLE3_ROWS[fmt]}, {}, out, _r33, glued=is_run)
    out.data = fill(rows, filler)
    if filler.runs:
        # A row whose label is printed with no digit after it in glued text is a blank row: it counts 0 in the
        # sums that check the splits (it stays unfilled: it has no cell to show).
        printed = _T3.keys_in("".join(g.label_text for g in groups))
        blank = {k: dict.fromkeys(columns, 0) for k in TABLE3_ROWS[fmt] if k in printed and k not in out.data}
        blank = {k: v for k, v in blank.items() if k not in filler.runs}
        _settle_glued(filler, out.data, columns, _T3_EQUATIONS[fmt], stated() if stated else {}, blank)
    return out


def _settle_glued(
    filler: Filler,
    data: Table[Cell],
    columns: tuple[str, ...],
    equations: list[glued.Equation],
    stated: Mapping[str, int],
    blank: Mapping[str, Mapping[str, int]] | None = None,
) -> None:
    """Rows of run-together digits, settled: a row is filled when one split fits its own identity, or when the
    column identities and the prose leave one over all such rows together. A blank cell vanishes from glued
    text, so when the table shows that it prints blanks (``prints_blanks``), a split that a reading with a
    blank also explains is not trusted, nor is any split the column sums do not vouch for."""
    if not filler.runs:
        return
    strict = filler.prints_blanks
    runs = {k: cs if not (strict and alt) else [cs[0], cs[0]] for k, (_, cs, alt) in filler.runs.items()}
    options = {k: [[cell(filler.doc, t, None)["value"] for t in c] for c in cs] for k, cs in runs.items()}
    fixed = {
        k: {c: 0 if k in filler.blank_rows else v["value"] for c, v in row.items()} for k, row in data.items()
    } | dict(blank or {})  # a blank row counts 0 in the sums: its cells were printed as nothing at all
    pins = {(path.split(".")[0], path.split(".")[1]): v for path, v in stated.items() if path.count(".") == 1}
    # A row that does not add up as printed makes the column sums no witness for any other split.
    trusted = equations and not filler.as_printed
    chosen = glued.resolve(fixed, options, columns, equations, pins) if trusted else None
    if chosen is None and not (strict and equations):
        chosen = {k: 0 for k, cs in options.items() if len(cs) == 1}
    for key, (g, candidates, _) in filler.runs.items():
        run = " ".join(t.text for t in g.values if t.kind == VALUE)
        if chosen is not None and key in chosen:
            data[key] = filler.row(key, filler.columns[key], candidates[chosen[key]])
            how = "one digit a cell, the only split" if key in filler.as_printed else "one split fits"
            filler.problem("warning", key, f"row '{key}' read from run-together digits '{run}': {how}", g)
        else:
            why = "no split adds up with the rest of the table" if chosen is None else "they split several ways"
            filler.problem("error", key, f"row '{key}' has run-together digits '{run}' and {why}; not filled", g)


def _table4_rowwise(groups: list[Group], out: ParsedTable, doc: Document) -> bool:
    """One line per block, "行政复议 0 0 0 0 0". Once any block is anchored this way the table is row-wise: a
    block is never filled by the position of numbers."""
    width = len(TABLE4_COLUMNS)
    blocks: dict[str, list[Token]] = {}
    unanchored: list[list[Token]] = []
    for g in groups:
        vals = take(g.values, width) if g.n_values else None
        if vals is None:
            continue
        hit = _T4.match(g, fuzzy=False)
        if hit and hit[0] not in blocks:
            blocks[hit[0]] = vals
        else:
            unanchored.append(vals)
    if not blocks:
        return False
    missing = [b for b in TABLE4_BLOCKS if b not in blocks]
    if len(missing) == 1 and len(unanchored) == 1:
        blocks[missing[0]] = unanchored[0]  # the one row left for the one block left
        message = f"table4: block '{missing[0]}' read from the only unlabelled row left"
        out.problems.append(TableProblem(S2.id, "warning", message, f"table4.{missing[0]}"))
    elif missing:
        message = f"table4: block(s) {', '.join(missing)} not found by label; not filled"
        out.problems.append(TableProblem(S2.id, "error", message, "table4"))
    out.data = {
        b: {c: cell(doc, t, None) for c, t in zip(TABLE4_COLUMNS, blocks[b], strict=True)}
        for b in TABLE4_BLOCKS
        if b in blocks
    }
    return True


def _table4_values(groups: list[Group], n: int, glued_text: bool = False) -> tuple[Token, ...]:
    """The official layout's number run: the first group that has values (a page header inside the run splits
    it in two: rejoined when that makes n; not in glued text, where one run holds them all). Numbers after it
    (a footnote's dates, a fee table) are not the table's."""
    with_values = [g for g in groups if g.n_values]
    values: tuple[Token, ...] = with_values[0].values if with_values else ()
    if len(with_values) > 1 and with_values[0].n_values < n and not glued_text:
        joined = with_values[0].values + with_values[1].values
        if sum(1 for t in joined if t.kind == VALUE) <= n:
            values = joined
    return values


def parse_table4(doc: Document, start: int, end: int) -> ParsedTable:
    raw, is_run, tails = _region(doc, start, end)
    out = ParsedTable(None, None)
    header = compact("".join(t.text for g in raw for t in g.labels))
    if "行政复议" not in header or not ("行政诉讼" in header or "起诉" in header):
        out.problems.append(TableProblem(S1.id, "warning", "table4: no 行政复议/行政诉讼 header was found", "table4"))
        return out
    if _table4_rowwise(settle_tails(raw, tails), out, doc):
        return out
    n = len(TABLE4_BLOCKS) * len(TABLE4_COLUMNS)
    # A lone number row shows no convention for its end piece: unless a row proved it, the reading that gives n
    # cells wins (None: no pipe at all).
    ways: list[bool | None] = [True] if tails else [None] if tails is None else [False, True]
    taken = None
    values: tuple[Token, ...] = ()
    for as_cells in ways:
        values = _table4_values(settle_tails(raw, as_cells), n, is_run)
        taken = take(values, n, label_padding=False, full_width=True)
        if taken is not None:
            break
    if taken is None and is_run:
        cols = tuple(f"{b}.{c}" for b in TABLE4_BLOCKS for c in TABLE4_COLUMNS)
        found = glued.row_splits(values, n, cols, _r41)
        if found is not None and len(found) == 1 and glued.digits(values) >= n:
            taken = found[0]
            message = "table4: read from run-together digits (one split fits R4.1)"
            out.problems.append(TableProblem(S2.id, "warning", message, "table4"))
    if taken is None:
        message = f"table4: {sum(1 for v in values if v.kind == VALUE)} values where the table has {n}; not filled"
        span = (values[0].start, values[-1].end) if values else None
        out.problems.append(TableProblem(S2.id, "error", message, "table4", span))
        return out
    width = len(TABLE4_COLUMNS)
    out.data = {
        block: {c: cell(doc, t, None) for c, t in zip(TABLE4_COLUMNS, taken[b * width : (b + 1) * width], strict=True)}
        for b, block in enumerate(TABLE4_BLOCKS)
    }
    return out
