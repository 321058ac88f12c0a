"""Turn a table region into label / value / empty tokens with spans, whatever the layout.

Tab-separated and pipe/markdown rows keep their empty cells (they may be printed blanks); flattened PDF
text is split on whitespace. Page numbers, markdown rules and separator lines are dropped. Rows are then
grouped as "labels followed by values": the labels anchor the values, never their position in the text.
"""

from __future__ import annotations

import re
from typing import NamedTuple

LABEL = 0
VALUE = 1
EMPTY = 2

# Token.delimited: how the token's line was split into cells.
FLAT = 0  # flattened text: whitespace-separated, no empty cells
TAB = 1
PIPE = 2

_VALUE = re.compile(r"[+-]?\d[\d,]*(?:\.\d+)?(?:万元|元|件|个|项|条|次)?|/|\\|[—―]+|-{1,2}|–|无")
_NUMBER = re.compile(r"([+-]?\d[\d,]*(?:\.\d+)?)(万元|元|件|个|项|条|次)?")
_PAGE_NUMBER = re.compile(
    r"[ \t]*(?:[-—–~_]+[ \t]*\d{1,4}[ \t]*[-—–~_]+|第[ \t]*\d{1,4}[ \t]*页(?:[ \t]*[,/]?[ \t]*共[ \t]*\d{1,4}[ \t]*页)?"
    r"|\d{1,4}[ \t]*/[ \t]*\d{1,4})[ \t]*"
)
_RULE_LINE = re.compile(r"[ \t|:=]*-{3,}[-\t |:=]*|[ \t]*[=_]{3,}[ \t]*")
_MARKDOWN_RULE = re.compile(r"^[ \t]*\|(?:[ \t]*:?-{3,}:?[ \t]*\|)+[ \t]*$", re.M)
_MAYBE_NOISE = re.compile(r"[-—–~_=页/]")  # cheap pre-check before the page-number and rule regexes


class Token(NamedTuple):
    """A NamedTuple, not a dataclass: a report has hundreds and they are built on the hot path."""

    kind: int
    text: str  # normalised text (from Document.norm)
    start: int
    end: int
    line: int
    delimited: int  # FLAT, TAB or PIPE: a tab/pipe cell (empty cells are meaningful there), or flattened text


class Group(NamedTuple):
    """Label tokens followed by the value/empty tokens that belong to them."""

    labels: tuple[Token, ...]
    values: tuple[Token, ...]
    n_values: int  # how many of ``values`` are VALUE tokens (not EMPTY)
    shape: tuple[int, int]  # (label cells on the value line, empty cells before them): see ``group``

    @property
    def label_text(self) -> str:
        return "".join(t.text for t in self.labels).replace(" ", "")


# raw value text -> (value, unit): filled by parse_value; public so the parser's hot loop can read it first
PARSED_VALUES: dict[str, tuple[int | float | None, str | None]] = {}


def parse_value(raw: str) -> tuple[int | float | None, str | None]:
    """(value, unit) of a value token's text; blanks and dashes are (None, None). Cached: values repeat."""
    hit = PARSED_VALUES.get(raw)
    if hit is not None:
        return hit
    m = _NUMBER.fullmatch(raw)
    if m is None:
        result: tuple[int | float | None, str | None] = (None, None)
    else:
        digits = m.group(1).replace(",", "")
        unit = m.group(2) if m.group(2) in ("万元", "元") else None  # 件/个/项 on a count is not a unit to keep
        result = (float(digits) if "." in digits else int(digits), unit)
    if len(PARSED_VALUES) < 65536:
        PARSED_VALUES[raw] = result
    return result


SPLIT = 3  # a delimited cell holding labels and values ("规章 0 0 0"): split on whitespace
_KIND: dict[str, int] = {"": EMPTY}  # cell text -> kind; texts repeat ("0") so this saves most regex calls
_new = tuple.__new__


def _kind(text: str) -> int:
    kind = _KIND.get(text)
    if kind is None:
        kind = VALUE if _VALUE.fullmatch(text) else LABEL
        if kind == LABEL and (" " in text or "\t" in text) and any(_VALUE.fullmatch(p) for p in text.split()):
            kind = SPLIT
        if len(_KIND) < 65536:
            _KIND[text] = kind
    return kind


def _split_tokens(norm: str, start: int, end: int, line: int, delimited: int, out: list[Token]) -> None:
    """A cell (or an undelimited line) holding several whitespace-separated pieces."""
    cell = norm[start:end]
    at = 0
    kinds_get = _KIND.get
    for text in cell.split():
        at = cell.find(text, at)
        pos = start + at
        at += len(text)
        kind = kinds_get(text)
        if kind is None:
            kind = _kind(text)
        out.append(_new(Token, (LABEL if kind == SPLIT else kind, text, pos, pos + len(text), line, delimited)))


def tokenize(norm: str, start: int, end: int) -> list[list[Token]]:
    """Tokens of ``norm[start:end]``, one list per non-empty line. Written for speed: it runs on every table
    cell of every report."""
    lines: list[list[Token]] = []
    kinds_get = _KIND.get
    new = _new
    token_cls = Token
    pos = start
    line_no = 0
    # Only a markdown table (it has a |---| rule) opens its rows with a pipe that is not a cell boundary;
    # elsewhere "  | 3 | ..." opens with a blank cell.
    markdown = _MARKDOWN_RULE.search(norm, start, end) is not None
    for line in norm[start:end].split("\n"):
        line_no += 1
        line_start = pos
        pos += len(line) + 1
        if not line or line.isspace():
            continue
        if _MAYBE_NOISE.search(line) and (_PAGE_NUMBER.fullmatch(line) or _RULE_LINE.fullmatch(line)):
            continue
        tokens: list[Token] = []
        append = tokens.append
        sep = "\t" if "\t" in line else ("|" if "|" in line else None)
        if sep is None:
            stripped = line.strip()
            kind = kinds_get(stripped)
            if kind is None:
                kind = _kind(stripped)
            if kind == VALUE or (kind == LABEL and " " not in stripped):  # one token: no regex needed
                lead = line_start if stripped is line else line_start + line.index(stripped)
                append(new(token_cls, (kind, stripped, lead, lead + len(stripped), line_no, FLAT)))
            else:
                _split_tokens(norm, line_start, line_start + len(line), line_no, FLAT, tokens)
        else:
            cells = line.split(sep)
            how = TAB if sep == "\t" else PIPE
            off = line_start
            if sep == "|":
                # "a | b |": what follows the last pipe is the row's end, not a cell; in a markdown table
                # what precedes the first pipe is its start.
                if len(cells) > 1 and not cells[-1].strip():
                    cells.pop()
                if markdown and line.lstrip().startswith("|"):
                    off += len(cells[0]) + 1
                    cells = cells[1:]
            for cell in cells:
                cell_start = off
                off += len(cell) + 1
                stripped = cell.strip()
                kind = kinds_get(stripped)
                if kind is None:
                    kind = _kind(stripped)
                if kind == EMPTY:
                    append(new(token_cls, (EMPTY, "", cell_start, cell_start, line_no, how)))
                elif kind == SPLIT:
                    _split_tokens(norm, cell_start, cell_start + len(cell), line_no, how, tokens)
                else:
                    lead = cell_start if stripped is cell else cell_start + cell.index(stripped)
                    append(new(token_cls, (kind, stripped, lead, lead + len(stripped), line_no, how)))
        if not tokens:
            continue
        head = tokens[0]
        if head[0] == VALUE and not head[5]:
            _relabel_leading_numbers(tokens)
        elif head[0] == LABEL and head[1][0] in ".、)" and lines and lines[-1][-1][0] == VALUE:
            # "（三）不予公开 1" + ".属于国家秘密": a label broken right after its enumerator's digit.
            prev = lines[-1][-1]
            if prev[1].isdigit() and len(prev[1]) <= 2:
                lines[-1][-1] = prev._replace(kind=LABEL)
        lines.append(tokens)
    return lines


def _relabel_leading_numbers(tokens: list[Token]) -> None:
    """A number that starts a line and is followed by a label on that line is an enumerator or OCR noise
    in the label ("1 属于国家秘密"), never a data cell: data follows its label."""
    i = 0
    while i < len(tokens) and tokens[i].kind == VALUE and not tokens[i].delimited:
        i += 1
    if 0 < i < len(tokens) and tokens[i].kind == LABEL:
        for j in range(i):
            tokens[j] = tokens[j]._replace(kind=LABEL)


class _Grouper:
    """State of ``group``: the open group's labels and values, and the groups closed so far."""

    def __init__(self) -> None:
        self.groups: list[Group] = []
        self.labels: list[Token] = []
        self.values: list[Token] = []
        self.n_values = 0
        self.pre: dict[int, int] = {}  # line -> empty cells before its first label

    def close(self) -> None:
        labels, values = self.labels, self.values
        line = values[0][4] if values else labels[-1][4]
        on_line = sum(1 for t in labels if t[4] == line)
        self.groups.append(_new(Group, (tuple(labels), tuple(values), self.n_values, (on_line, self.pre.get(line, 0)))))
        self.labels, self.values, self.n_values = [], [], 0

    def label(self, tok: Token) -> None:
        if self.n_values:
            self.close()
        elif self.values:
            self.values = []  # padding of a header or merged cell, nobody's value
        self.labels.append(tok)

    def line(self, toks: list[Token]) -> None:
        if len(toks) == 1:  # one-cell-per-line layouts
            tok = toks[0]
            if tok[0] == LABEL:
                self.label(tok)
            elif self.values and self.values[-1][5] and not tok[5]:
                return  # a bare number line inside a tab/pipe table (a page number): not the row's
            else:
                self.values.append(tok)
                self.n_values += tok[0] == VALUE
            return
        kinds = [t[0] for t in toks]
        if LABEL not in kinds:  # values continuing the open group
            if self.values and self.values[-1][5] and not toks[0][5]:
                return  # a bare number line inside a tab/pipe table (a page number): not the row's
            self.values.extend(toks)
            self.n_values += kinds.count(VALUE)
            return
        first = kinds.index(LABEL)
        end = first + 1
        while end < len(kinds) and kinds[end] == LABEL:
            end += 1
        if VALUE in kinds[:first] or LABEL in kinds[end:]:
            self.slow_line(toks)
            return
        # The common row: [empty padding] labels [values and blanks].
        if self.n_values:
            self.close()
        elif self.values:
            self.values = []
        if first:
            self.pre[toks[0][4]] = first
        self.labels.extend(toks[first:end])
        if end < len(toks):
            self.values.extend(toks[end:])
            self.n_values = kinds.count(VALUE)
            if not self.n_values and toks[-1][5]:
                self.close()  # a delimited row printed all blank (or a header line): keep it a row

    def slow_line(self, toks: list[Token]) -> None:
        """Lines mixing labels and values in any order (flattened text holding several rows)."""
        pending: list[Token] = []
        started = False
        for tok in toks:
            kind = tok[0]
            if not started and kind == EMPTY:
                pending.append(tok)
                continue
            if not started:
                started = True
                if pending and kind == LABEL:
                    self.pre[tok[4]] = len(pending)
                else:
                    self.values.extend(pending)
            if kind == LABEL:
                self.label(tok)
            else:
                self.values.append(tok)
                if kind == VALUE:
                    self.n_values += 1
        last = toks[-1]
        if last[0] == EMPTY and last[5] and not self.n_values and self.labels and self.labels[-1][4] == last[4]:
            self.close()


def group(lines: list[list[Token]]) -> list[Group]:
    """Split tokenised lines into label-then-values groups.

    Empty cells before any value belong to no one (merged-cell padding) and are dropped when a label
    follows. A delimited line that has labels and empty cells but no value closes its group at line end,
    so a row printed entirely blank stays a row instead of merging into the next label.

    Each group records its shape: how many label cells sit on its value line and how many empty cells
    precede them. Rows of one shape share their merged-cell padding, which is how ``parse`` tells padding
    from printed blanks in tab and pipe tables.
    """
    grouper = _Grouper()
    for toks in lines:
        grouper.line(toks)
    if grouper.labels or grouper.n_values:
        grouper.close()
    return grouper.groups
