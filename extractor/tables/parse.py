"""Parse tables 2, 3 and 4 of one document region into SPEC-keyed cells.

Each row is found by its label; its values are the value cells that follow the label, assigned to the
columns the table's format defines. A row whose value count does not fit is reported, never guessed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

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
    TABLE3_ROW_KEYWORDS,
    TABLE3_ROW_LABELS,
    TABLE3_ROWS,
    TABLE4_BLOCK_KEYWORDS,
    TABLE4_BLOCKS,
    TABLE4_COLUMNS,
)
from ..types import Format, Severity, Span, Table
from .labels import RowMatcher, compact, header_hits, header_hits_fuzzy
from .tokens import EMPTY, PARSED_VALUES, PIPE, VALUE, Group, Token, group, parse_value, tokenize


@dataclass(frozen=True, slots=True)
class TableProblem:
    rule: str
    severity: Severity
    message: str
    path: str | None = None
    span: Span | None = None


# Cells are plain dicts (the Cell TypedDict), never validated one by one: building hundreds of pydantic
# models costs more than the whole parse.
@dataclass(slots=True)
class ParsedTable:
    format: Format | None
    data: Table[Cell] | None
    problems: list[TableProblem] = field(default_factory=list)
    fuzzy_rows: list[str] = field(default_factory=list)


_T2 = RowMatcher(TABLE2_ROW_KEYWORDS, TABLE2_ROW_LABELS)
_T3 = RowMatcher(TABLE3_ROW_KEYWORDS, TABLE3_ROW_LABELS, TABLE3_EXACT_LABELS)
_T4 = RowMatcher(TABLE4_BLOCK_KEYWORDS, {})

_T3_2021_ONLY = {"other_no_correction", "other_unpaid_fee", "other_other"}


def _cell(doc: Document, tok: Token, unit: str | None) -> Cell:
    if tok.kind == EMPTY:
        return {"value": None, "raw": "", "span": (tok.start, tok.start)}
    value, printed_unit = parse_value(tok.text)
    cell: Cell = {"value": value, "raw": doc.text[tok.start : tok.end], "span": (tok.start, tok.end)}
    unit = printed_unit or unit
    if unit:
        cell["unit"] = unit
    return cell


def _label_span(g: Group) -> Span | None:
    return (g.labels[0].start, g.labels[-1].end) if g.labels else None


Rows = dict[str, list[Group]]  # row key -> candidate groups, in document order


def _match_rows(groups: list[Group], matcher: RowMatcher, out: ParsedTable) -> Rows:
    """Row key -> the groups whose label names it (usually one; prose or a repeated header can add more,
    and ``_fill`` keeps the one whose values fit the row).

    Labels match by keyword first (any order: OCR scrambles rows). A row whose label matched nothing
    (an OCR typo in its keyword) is then matched fuzzily, among the rows that the table's official order
    leaves between its matched neighbours, else among all rows with a stricter cutoff.
    """
    rows: Rows = {}
    hits: list[str | None] = []
    for g in groups:
        has_values = g.n_values > 0
        hit = matcher.match(g, fuzzy=False)
        key = hit[0] if hit and (has_values or hit[1] == "keyword") else None
        hits.append(key)
        if key is not None:
            rows.setdefault(key, []).append(g)
    order = matcher.order
    for i, g in enumerate(groups):
        if hits[i] is not None or not g.n_values or not g.labels:
            continue
        before = next((hits[j] for j in range(i - 1, -1, -1) if hits[j] in order), None)
        after = next((hits[j] for j in range(i + 1, len(groups)) if hits[j] in order), None)
        lo = order.index(before) + 1 if before else 0
        hi = order.index(after) if after else len(order)
        candidates = [k for k in order[lo:hi] if k not in rows]
        key = matcher.between(g, candidates) if candidates else None
        if key is None:
            hit = matcher.match(g, fuzzy=True)
            key = hit[0] if hit else None
        if key is not None:
            hits[i] = key
            rows.setdefault(key, []).append(g)
            out.fuzzy_rows.append(key)
    return rows


@dataclass(frozen=True, slots=True)
class _Padding:
    """Leading merged-cell padding of a delimited table, learnt from rows whose values are all printed.

    In a tab or pipe table a row like "label, '', '', 5, 3, ..." is ambiguous once cells may be blank:
    the empties may be merged label columns or blank cells. Rows with every value printed show how many
    empties their shape carries (``by_shape``); when every such row starts its values in the same cell of
    the line (a regular grid), that cell (``start``) serves shapes never printed in full. Otherwise a row
    with blanks is read only if its alignment is unambiguous, else reported.
    """

    by_shape: dict[tuple[int, int], int]
    start: int | None

    def lead(self, shape: tuple[int, int]) -> int | None:
        if shape in self.by_shape:
            return self.by_shape[shape]
        if self.start is not None and self.start >= sum(shape):
            return self.start - sum(shape)
        return None


_NO_PADDING = _Padding({}, None)


def _full_row_start(g: Group, n: int) -> int | None:
    """Index of the first value of a delimited row that prints all its n values side by side."""
    if g.n_values != n or not g.values or not g.values[0].delimited:
        return None
    kinds = [t.kind for t in g.values]
    first = kinds.index(VALUE)
    return first if EMPTY not in kinds[first : first + n] else None


def _padding(rows: Rows, columns: dict[str, tuple[str, ...]]) -> _Padding:
    delimited = [(k, g) for k, gs in rows.items() for g in gs if g.values and g.values[0].delimited]
    if not any(g.n_values < len(columns.get(k, ())) for k, g in delimited):
        return _NO_PADDING  # no row with blanks in a delimited table: nothing to disambiguate
    seen: dict[tuple[int, int], Counter[int]] = {}
    starts: dict[int, set[int]] = {}  # value start cell -> label widths (pre + labels) of the rows showing it
    for key, g in delimited:
        first = _full_row_start(g, len(columns.get(key, ())))
        if first is not None:
            seen.setdefault(g.shape, Counter())[first] += 1
            starts.setdefault(sum(g.shape) + first, set()).add(sum(g.shape))
    # A common start cell proves a regular grid only if rows of different label widths agree on it (a header
    # cannot prove it: exports that collapse merged row labels keep the header's full grid).
    regular = len(starts) == 1 and len(next(iter(starts.values()))) >= 2
    return _Padding(
        {shape: counts.most_common(1)[0][0] for shape, counts in seen.items()},
        next(iter(starts)) if regular else None,
    )


def _take(
    values: tuple[Token, ...], n: int, label_padding: bool = True, full_width: bool = False
) -> list[Token] | None:
    """The row's n cells when that is certain: flattened text has no empty cells, so its value tokens are
    the cells; a delimited row may drop padding empties from its ends only if just one way fits. Without
    a label before the values (``label_padding=False``, table 4's number row) leading empties are cells.
    A pipe row of a table whose rows all span every value column (``full_width``: table 3) ends at its last
    pipe, so its empties at the end are cells; a tab row may carry a padding tab."""
    if not values:
        return None
    if not values[0].delimited:
        only = [v for v in values if v.kind == VALUE]
        return only if len(only) == n else None
    excess = len(values) - n
    if excess < 0:
        return None
    lead = next((i for i, t in enumerate(values) if t.kind != EMPTY), len(values)) if label_padding else 0
    trail = next((i for i, t in enumerate(reversed(values)) if t.kind != EMPTY), len(values))
    if full_width and values[-1].delimited == PIPE:
        trail = 0
    ways = [(a, excess - a) for a in range(excess + 1) if a <= lead and excess - a <= trail]
    if len(ways) != 1:
        return None  # more values than columns, or blanks at both ends make the alignment ambiguous
    a, b = ways[0]
    return list(values[a : len(values) - b])


def _cells_of(g: Group, n: int, padding: _Padding, full_width: bool) -> list[Token] | None:
    if len(g.values) == n:
        return list(g.values)
    if g.n_values == n and g.values[0].delimited:  # every value printed: only padding around them
        first = _full_row_start(g, n)
        return list(g.values[first : first + n]) if first is not None else None
    if g.n_values < n and g.values and g.values[0].delimited:
        lead = padding.lead(g.shape)
        if lead is not None:
            vals = g.values[lead : lead + n]
            if (
                len(vals) == n
                and all(t.kind == EMPTY for t in g.values[:lead])
                and all(t.kind == EMPTY for t in g.values[lead + n :])
                and sum(1 for t in vals if t.kind == VALUE) == g.n_values
            ):
                return list(vals)
    return _take(g.values, n, full_width=full_width)


def _fill(
    doc: Document,
    table: str,
    rows: Rows,
    columns: dict[str, tuple[str, ...]],
    units: dict[str, str | None],
    out: ParsedTable,
) -> Table[Cell]:
    data: Table[Cell] = {}
    text = doc.text
    padding = _padding(rows, columns)
    full_width = len({len(cols) for cols in columns.values()}) == 1
    parsed = PARSED_VALUES
    for key, cols in columns.items():
        candidates = sorted(rows.get(key, ()), key=lambda g: g.n_values == 0)  # rows with values first
        if not candidates:
            out.problems.append(TableProblem(S2.id, "warning", f"{table}: row '{key}' was not found", f"{table}.{key}"))
            continue
        fitting = [(g, v) for g in candidates if (v := _cells_of(g, len(cols), padding, full_width)) is not None]
        if not fitting:
            g = candidates[0]
            out.problems.append(
                TableProblem(
                    S2.id,
                    "error",
                    f"{table}: row '{key}' has {g.n_values} values for {len(cols)} columns, or blank cells whose "
                    "column cannot be told; not filled",
                    f"{table}.{key}",
                    _label_span(g),
                )
            )
            continue
        if sum(1 for g, _ in fitting if g.n_values) > 1:
            out.problems.append(
                TableProblem(
                    S2.id,
                    "warning",
                    f"{table}: row '{key}' appears twice; the first is kept",
                    f"{table}.{key}",
                    _label_span(fitting[1][0]),
                )
            )
        vals = fitting[0][1]
        row: dict[str, Cell] = {}
        for col, tok in zip(cols, vals, strict=True):
            if tok[0] == EMPTY:
                row[col] = {"value": None, "raw": "", "span": (tok[2], tok[2])}
                continue
            value, printed_unit = parsed.get(tok[1]) or parse_value(tok[1])
            cell: Cell = {"value": value, "raw": text[tok[2] : tok[3]], "span": (tok[2], tok[3])}
            unit = printed_unit or (units.get(col) if units else None)
            if unit:
                cell["unit"] = unit
            row[col] = cell
        data[key] = row
    return data


def _region(doc: Document, start: int, end: int) -> list[Group]:
    return group(tokenize(doc.norm, start, end))


def parse_table2(doc: Document, start: int, end: int) -> ParsedTable:
    groups = _region(doc, start, end)
    out = ParsedTable(None, None)
    header = "".join(t.text for g in groups for t in g.labels)
    hits = {fmt: header_hits(header, labels) for fmt, labels in TABLE2_HEADER_LABELS.items()}
    if not any(hits.values()):
        hits = {fmt: header_hits_fuzzy(header, labels) for fmt, labels in TABLE2_HEADER_LABELS.items()}
    rows = _match_rows(groups, _T2, out)
    fmt: Format | None = None
    if hits["2021"] != hits["2019"]:
        fmt = "2021" if hits["2021"] > hits["2019"] else "2019"
    elif "other_services" in rows or "procurement" in rows:
        fmt = "2019"  # rows only the 2019 format has
    if not rows:
        out.problems.append(TableProblem(S1.id, "warning", "table2: no row of table 2 was found", "table2"))
        return out
    if fmt is None:
        out.problems.append(
            TableProblem(
                S1.id,
                "warning",
                "table2: its format (2019 or 2021) cannot be told from its headers; cells not filled",
                "table2",
            )
        )
        return out
    out.format = fmt
    units: dict[str, str | None] = {}
    if fmt == "2021":
        units["amount"] = "万元" if "万元" in header else AMOUNT_COLUMNS[("fees", "amount")]
    out.data = _fill(doc, "table2", rows, TABLE2_COLUMNS[fmt], units, out)
    for key in sorted(rows.keys() - TABLE2_COLUMNS[fmt].keys()):
        extra = next((g for g in rows[key] if g.n_values), None)
        if extra is not None:
            out.problems.append(
                TableProblem(
                    S2.id,
                    "warning",
                    f"table2: row '{key}' is not part of the {fmt} format; ignored",
                    f"table2.{key}",
                    _label_span(extra),
                )
            )
    return out


def parse_table3(doc: Document, start: int, end: int) -> ParsedTable:
    groups = _region(doc, start, end)
    out = ParsedTable(None, None)
    rows = _match_rows(groups, _T3, out)
    if not rows:
        out.problems.append(TableProblem(S1.id, "warning", "table3: no row of table 3 was found", "table3"))
        return out
    with_values = {k for k, gs in rows.items() if any(g.n_values for g in gs)}
    fmt: Format | None = None
    if with_values & _T3_2021_ONLY:
        fmt = "2021"
    elif "other_handling" in with_values:
        fmt = "2019"
    if fmt is None:
        out.problems.append(
            TableProblem(
                S1.id,
                "warning",
                "table3: its format cannot be told: no (六)其他处理 row was read; cells not filled",
                "table3",
            )
        )
        return out
    out.format = fmt
    header = compact("".join(t.text for g in groups for t in g.labels))
    widths = Counter(g.n_values for gs in rows.values() for g in gs if g.n_values)
    eight = len(TABLE3_COLUMNS_WITH_SUBTOTAL)
    subtotal = "小计" in header or (bool(widths) and widths.most_common(1)[0][0] == eight)
    columns = TABLE3_COLUMNS_WITH_SUBTOTAL if subtotal else TABLE3_COLUMNS
    out.data = _fill(doc, "table3", rows, {key: columns for key in TABLE3_ROWS[fmt]}, {}, out)
    return out


def parse_table4(doc: Document, start: int, end: int) -> ParsedTable:
    groups = _region(doc, start, end)
    out = ParsedTable(None, None)
    header = compact("".join(t.text for g in groups for t in g.labels))
    if "行政复议" not in header or not ("行政诉讼" in header or "起诉" in header):
        out.problems.append(TableProblem(S1.id, "warning", "table4: no 行政复议/行政诉讼 header was found", "table4"))
        return out
    width = len(TABLE4_COLUMNS)
    data: Table[Cell] = {}
    # Row-wise layout: one line per block, "行政复议 0 0 0 0 0". Once any block is anchored this way the
    # table is row-wise: a block is never filled by the position of numbers.
    blocks: dict[str, list[Token]] = {}
    unanchored: list[list[Token]] = []
    for g in groups:
        vals = _take(g.values, width) if g.n_values else None
        if vals is None:
            continue
        hit = _T4.match(g, fuzzy=False)
        if hit and hit[0] not in blocks:
            blocks[hit[0]] = vals
        else:
            unanchored.append(vals)
    if blocks:
        missing = [b for b in TABLE4_BLOCKS if b not in blocks]
        if len(missing) == 1 and len(unanchored) == 1:
            blocks[missing[0]] = unanchored[0]  # the one row left for the one block left
            out.problems.append(
                TableProblem(
                    S2.id,
                    "warning",
                    f"table4: block '{missing[0]}' read from the only unlabelled row left",
                    f"table4.{missing[0]}",
                )
            )
        elif missing:
            out.problems.append(
                TableProblem(
                    S2.id, "error", f"table4: block(s) {', '.join(missing)} not found by label; not filled", "table4"
                )
            )
        for block in TABLE4_BLOCKS:
            if block in blocks:
                data[block] = {c: _cell(doc, t, None) for c, t in zip(TABLE4_COLUMNS, blocks[block], strict=True)}
        out.data = data
        return out
    # Column-wise layout (the official one): a two-level header, then 15 numbers in the first group that has
    # values (a page header inside the run splits it in two: rejoined when that makes 15). Numbers after
    # it (a footnote's dates) are not the table's.
    n = len(TABLE4_BLOCKS) * width
    with_values = [g for g in groups if g.n_values]
    values: tuple[Token, ...] = with_values[0].values if with_values else ()
    if len(with_values) > 1 and with_values[0].n_values < n:
        joined = with_values[0].values + with_values[1].values
        if sum(1 for t in joined if t.kind == VALUE) <= n:
            values = joined
    taken = _take(values, n, label_padding=False, full_width=True)
    if taken is None:
        out.problems.append(
            TableProblem(
                S2.id,
                "error",
                f"table4: {sum(1 for v in values if v.kind == VALUE)} values where the table has {n}; not filled",
                "table4",
                (values[0].start, values[-1].end) if values else None,
            )
        )
        return out
    for b, block in enumerate(TABLE4_BLOCKS):
        chunk = taken[b * width : (b + 1) * width]
        data[block] = {c: _cell(doc, t, None) for c, t in zip(TABLE4_COLUMNS, chunk, strict=True)}
    out.data = data
    return out
