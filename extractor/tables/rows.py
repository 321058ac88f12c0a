"""Rows of a table: which group each row key anchors on, and which of its tokens are the row's cells.

A row's values are the value cells that follow its label, assigned to the columns the table's format
defines. A row whose value count does not fit is reported, never guessed.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..ingest import Document
from ..rules import S2
from ..schema import Cell
from ..types import Format, Severity, Span, Table
from . import glued as glued_digits
from .grouping import Group
from .labels import RowMatcher, strip_enumerator
from .tokens import EMPTY, GARBLED, PARSED_VALUES, PIPE, PIPE_TAIL, VALUE, Token, parse_value


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


Rows = dict[str, list[Group]]  # row key -> candidate groups, in document order
# The row identity a glued digit run must satisfy once split (R3.3 for table 3, R4.1 for table 4).
Identity = glued_digits.RowIdentity


def label_span(g: Group) -> Span | None:
    return (g.labels[0].start, g.labels[-1].end) if g.labels else None


def cell(doc: Document, tok: Token, unit: str | None) -> Cell:
    """A cell from a value or empty token; ``text[start:end] == raw`` by construction."""
    if tok.kind == EMPTY:
        return {"value": None, "raw": "", "span": (tok.start, tok.start)}
    value, printed_unit = PARSED_VALUES.get(tok.text) or parse_value(tok.text)
    out: Cell = {"value": value, "raw": doc.text[tok.start : tok.end], "span": (tok.start, tok.end)}
    unit = printed_unit or unit
    if unit:
        out["unit"] = unit
    return out


def split_blank_rows(groups: list[Group], matcher: RowMatcher) -> list[Group]:
    """In glued text a row printed all blank is just its label, run into the next row's ("…申请3.其他(七)总计
    5000005"). Each label of a group that names a row on its own becomes a row of its own, with no value."""
    out: list[Group] = []
    for g in groups:
        cut = 0
        for i, tok in enumerate(g.labels[:-1]):
            if strip_enumerator(tok.text) == tok.text.replace(" ", ""):
                continue  # a row's label is numbered (3.其他); a bare 其他 or 总计 is a column header
            hit = matcher.match(Group((tok,), (), 0, (1, 0)), fuzzy=False)
            if hit is not None:
                out.append(Group(g.labels[cut : i + 1], (), 0, (i + 1 - cut, 0)))
                cut = i + 1
        out.append(g._replace(labels=g.labels[cut:]) if cut else g)
    return out


def match_rows(groups: list[Group], matcher: RowMatcher, out: ParsedTable, blank_rows: bool = False) -> Rows:
    """Row key -> the groups whose label names it (usually one; prose or a repeated header can add more,
    and ``fill`` keeps the one whose values fit the row).

    Labels match by keyword first (any order: OCR scrambles rows). A row whose label matched nothing
    (an OCR typo in its keyword) is then matched fuzzily, among the rows that the table's official order
    leaves between its matched neighbours, else among all rows with a stricter cutoff.
    """
    rows: Rows = {}
    hits: list[str | None] = []
    for g in groups:
        hit = matcher.match(g, fuzzy=False)
        key = hit[0] if hit and (g.n_values > 0 or hit[1] == "keyword" or (blank_rows and not g.values)) else None
        hits.append(key)
        if key is not None:
            rows.setdefault(key, []).append(g)
    order = matcher.order
    for i, g in enumerate(groups):
        if hits[i] is not None or not g.labels:
            continue
        if not g.n_values:  # a tab/pipe row printed all blank, if its label is numbered ("(六)其他处里")
            last = g.labels[-1].text
            if not (g.values and g.values[-1].delimited > 0 and strip_enumerator(last) != last.replace(" ", "")):
                continue
        before = next((hits[j] for j in range(i - 1, -1, -1) if hits[j] in order), None)
        after = next((hits[j] for j in range(i + 1, len(groups)) if hits[j] in order), None)
        lo = order.index(before) + 1 if before else 0
        hi = order.index(after) if after else len(order)
        candidates = [k for k in order[lo:hi] if k not in rows]
        key = matcher.between(g, candidates) if candidates else None
        if key is None and g.n_values:  # a blank row (or a header) is matched only between its neighbours
            hit = matcher.match(g, fuzzy=True)
            key = hit[0] if hit else None
        if key is not None:
            hits[i] = key
            rows.setdefault(key, []).append(g)
    return rows


def settle_tails(groups: list[Group], as_cells: bool | None) -> list[Group]:
    """Pipe rows' end pieces: dropped (a trailing pipe), or kept as blank last cells ("a | b | " joined with
    ' | ', seen in crawler text). None: the region has no pipe, so no end piece."""
    if as_cells is None:
        return groups
    out = []
    for g in groups:
        if g.values and any(t.delimited == PIPE_TAIL for t in g.values):
            if as_cells:
                values = tuple(t._replace(delimited=PIPE) if t.delimited == PIPE_TAIL else t for t in g.values)
            else:
                values = tuple(t for t in g.values if t.delimited != PIPE_TAIL)
            g = g._replace(values=values)
        out.append(g)
    return out


_OPEN_PIPE_ROW = re.compile(r"^[^\n|]*\|[^\n]*[^|\s][ \t]*$", re.M)


def tails_are_cells(norm: str, start: int, end: int) -> bool | None:
    """How the region's pipe rows end. A row that ends with a cell and no pipe after it shows cells joined by
    ' | ' (True: an empty end piece is a blank last cell); rows that all end with a pipe show a trailing pipe
    (False: the end piece is nothing). None when there is no pipe row."""
    if norm.find("|", start, end) < 0:
        return None
    return _OPEN_PIPE_ROW.search(norm, start, end) is not None


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
    if not n or g.n_values != n or not g.values or not g.values[0].delimited:
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


def take(values: tuple[Token, ...], n: int, label_padding: bool = True, full_width: bool = False) -> list[Token] | None:
    """The row's n cells when that is certain: flattened text has no empty cells, so its value tokens are
    the cells; a delimited row may drop padding empties from its ends only if just one way fits. Without
    a label before the values (``label_padding=False``, table 4's number row) leading empties are cells.
    A pipe row of a table whose rows all span every value column (``full_width``: table 3) ends at its last
    pipe, so its empties at the end are cells; a tab row may carry a padding tab."""
    if not values:
        return None
    if not values[0].delimited:
        only = [v for v in values if v.kind in (VALUE, GARBLED)]  # a misread number holds its cell's place
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
    return take(g.values, n, full_width=full_width)


@dataclass(slots=True)
class Filler:
    """Fills a table's rows from their candidate groups (see ``fill``)."""

    doc: Document
    table: str
    columns: dict[str, tuple[str, ...]]
    units: dict[str, str | None]
    out: ParsedTable
    identity: Identity | None = None  # the row identity glued digit runs must satisfy
    glued: bool = False  # crawler text whose cells ran together
    equality: bool = True  # the identity is an equality (R3.3, R4.1), not only bounds (table 2)
    # glued rows: their group, their splits, and whether a reading with a blank cell fits too
    runs: dict[str, tuple[Group, list[list[Token]], bool]] = field(default_factory=dict)
    blank_rows: set[str] = field(default_factory=set)  # glued rows printed as a label alone: all blank
    short_rows: set[str] = field(default_factory=set)  # glued rows with fewer digits than cells
    as_printed: set[str] = field(default_factory=set)  # glued rows read one digit a cell although they do not add up

    def problem(self, severity: Severity, key: str, message: str, g: Group | None = None) -> None:
        span = label_span(g) if g is not None else None
        self.out.problems.append(TableProblem(S2.id, severity, f"{self.table}: {message}", f"{self.table}.{key}", span))

    def row(self, key: str, cols: tuple[str, ...], vals: list[Token]) -> dict[str, Cell]:
        """The row's cells (``cell`` inlined: this runs for every cell of every report)."""
        units, text, parsed = self.units, self.doc.text, PARSED_VALUES
        out: dict[str, Cell] = {}
        for col, tok in zip(cols, vals, strict=True):
            if tok.kind == EMPTY:
                out[col] = {"value": None, "raw": "", "span": (tok.start, tok.start)}
                continue
            value, printed_unit = parsed.get(tok.text) or parse_value(tok.text)
            c: Cell = {"value": value, "raw": text[tok.start : tok.end], "span": (tok.start, tok.end)}
            unit = printed_unit or (units.get(col) if units else None)
            if unit:
                c["unit"] = unit
            out[col] = c
        return out

    def split_glued(self, key: str, cols: tuple[str, ...], g: Group) -> None:
        """A row of crawler text whose digits ran together: its splits that fit the row identity are kept in
        ``runs`` for the table to settle (``parse``), with whether a reading with a blank fits too; else the
        row is refused. A row with fewer digits than cells proves the table prints blanks."""
        n = len(cols)
        if glued_digits.digits(g.values) < n:
            self.short_rows.add(key)
        found = glued_digits.row_splits(g.values, n, cols, self.identity)
        if found is None:
            self.problem("error", key, f"row '{key}' has digits run together that split too many ways; not filled", g)
        elif not found:
            forced = self._one_digit_cells(g, n, cols)
            if forced is None:
                message = f"row '{key}' has run-together digits no split of which adds up; not filled"
                self.problem("error", key, message, g)
            else:
                self.runs[key] = (g, [forced], False)
                self.as_printed.add(key)
        else:
            identity = self.identity if self.equality else None
            blank = len(found) == 1 and glued_digits.blank_reading(g.values, n, cols, identity)
            self.runs[key] = (g, found, blank)

    def _one_digit_cells(self, g: Group, n: int, cols: tuple[str, ...]) -> list[Token] | None:
        """The only split of a row holding exactly one digit per cell ("100 0 0 00" for seven cells), when its
        identity fails (the document's own error, which the validators then report) and no reading with a
        blank cell fits it either. None otherwise."""
        if glued_digits.digits(g.values) != n or any(not t.text.isdigit() for t in g.values if t.kind == VALUE):
            return None
        if glued_digits.blank_reading(g.values, n, cols, self.identity if self.equality else None):
            return None
        found = glued_digits.row_splits(g.values, n, cols, None)
        return found[0] if found is not None and len(found) == 1 else None

    @property
    def prints_blanks(self) -> bool:
        """Whether this glued table shows blank cells (a label alone, a row short of digits)."""
        return bool(self.blank_rows or self.short_rows)


def fill(rows: Rows, filler: Filler) -> Table[Cell]:
    data: Table[Cell] = {}
    padding = _padding(rows, filler.columns)
    full_width = len({len(cols) for cols in filler.columns.values()}) == 1
    for key, cols in filler.columns.items():
        candidates = sorted(rows.get(key, ()), key=lambda g: g.n_values == 0)  # rows with values first
        if not candidates:
            filler.problem("warning", key, f"row '{key}' was not found")
            continue
        fitting = [(g, v) for g in candidates if (v := _cells_of(g, len(cols), padding, full_width)) is not None]
        if not fitting:
            g = candidates[0]
            if filler.glued and g.n_values:
                filler.split_glued(key, cols, g)
            elif filler.glued and not g.values and g.labels:  # a label alone in glued text: a blank row
                at = g.labels[-1].end
                data[key] = {col: {"value": None, "raw": "", "span": (at, at)} for col in cols}
                filler.blank_rows.add(key)
            else:
                filler.problem(
                    "error",
                    key,
                    f"row '{key}' has {g.n_values} values for {len(cols)} columns, or blank cells whose column "
                    "cannot be told; not filled",
                    g,
                )
            continue
        if sum(1 for g, _ in fitting if g.n_values) > 1:
            filler.problem("warning", key, f"row '{key}' appears twice; the first is kept", fitting[1][0])
        misread = [t.text for t in fitting[0][1] if t.kind == GARBLED]
        if misread:
            what = (
                f"a value that cannot be read ({misread[0]!r})" if misread[0] else "a blank whose column cannot be told"
            )
            message = f"row '{key}' has {what}; not filled"
            filler.problem("error", key, message, fitting[0][0])
            continue
        data[key] = filler.row(key, cols, fitting[0][1])
    return data
