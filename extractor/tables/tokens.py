"""Turn a table region into label / value / empty tokens with spans, whatever the layout.

Tab-separated and pipe/markdown rows keep their empty cells (they may be printed blanks); flattened PDF
text is split on whitespace. Page numbers, markdown rules and separator lines are dropped. Rows are then
grouped as "labels followed by values": the labels anchor the values, never their position in the text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

LABEL = 0
VALUE = 1
EMPTY = 2

_VALUE = re.compile(r"[+-]?\d[\d,]*(?:\.\d+)?(?:万元|元)?|/|\\|—+|-{1,2}|–|无")
_NUMBER = re.compile(r"([+-]?\d[\d,]*(?:\.\d+)?)(万元|元)?")
_PAGE_NUMBER = re.compile(
    r"[ \t]*(?:[-—–~_]+[ \t]*\d{1,4}[ \t]*[-—–~_]+|第[ \t]*\d{1,4}[ \t]*页(?:[ \t]*[,/]?[ \t]*共[ \t]*\d{1,4}[ \t]*页)?"
    r"|\d{1,4}[ \t]*/[ \t]*\d{1,4})[ \t]*"
)
_RULE_LINE = re.compile(r"[ \t|:=]*-{3,}[-\t |:=]*|[ \t]*[=_]{3,}[ \t]*")
_WS = re.compile(r"\S+")
_MARKDOWN_RULE = re.compile(r"^[ \t]*\|(?:[ \t]*:?-{3,}:?[ \t]*\|)+[ \t]*$", re.M)
_MAYBE_NOISE = re.compile(r"[-—–~_=页/]")  # cheap pre-check before the page-number and rule regexes


class Token(NamedTuple):
    """A NamedTuple, not a dataclass: a report has hundreds and they are built on the hot path."""

    kind: int
    text: str  # normalised text (from Document.norm)
    start: int
    end: int
    line: int
    delimited: bool  # came from a tab/pipe cell (empty cells are meaningful there)


class Group(NamedTuple):
    """Label tokens followed by the value/empty tokens that belong to them."""

    labels: tuple[Token, ...]
    values: tuple[Token, ...]
    n_values: int  # how many of ``values`` are VALUE tokens (not EMPTY)
    shape: tuple[int, int]  # (label cells on the value line, empty cells before them): see ``group``

    @property
    def label_text(self) -> str:
        return "".join(t.text for t in self.labels).replace(" ", "")


@lru_cache(maxsize=4096)
def parse_value(raw: str) -> tuple[int | float | None, str | None]:
    """(value, unit) of a value token's text; blanks and dashes are (None, None)."""
    m = _NUMBER.fullmatch(raw)
    if m is None:
        return None, None
    digits = m.group(1).replace(",", "")
    value: int | float = float(digits) if "." in digits else int(digits)
    return value, m.group(2)


_KIND: dict[str, int] = {}  # cell text -> VALUE/LABEL; texts repeat ("0") so this saves most regex calls
_new = tuple.__new__


def _kind(text: str) -> int:
    kind = _KIND.get(text)
    if kind is None:
        kind = VALUE if _VALUE.fullmatch(text) else LABEL
        if len(_KIND) < 65536:
            _KIND[text] = kind
    return kind


def _split_tokens(norm: str, start: int, end: int, line: int, delimited: bool, out: list[Token]) -> None:
    """A cell (or an undelimited line) holding several whitespace-separated pieces."""
    cell = norm[start:end]
    pieces = [(m.group(), start + m.start()) for m in _WS.finditer(cell)]
    if delimited and all(_kind(p) == LABEL for p, _ in pieces):
        stripped = cell.strip()
        lead = start + cell.index(stripped)
        out.append(_new(Token, (LABEL, stripped, lead, lead + len(stripped), line, True)))
        return
    for text, pos in pieces:
        out.append(_new(Token, (_kind(text), text, pos, pos + len(text), line, delimited)))


def tokenize(norm: str, start: int, end: int) -> list[Token]:
    """Tokens of ``norm[start:end]``, line by line. Written for speed: it runs on every table cell."""
    tokens: list[Token] = []
    append = tokens.append
    kinds = _KIND
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
        first = len(tokens)
        sep = "\t" if "\t" in line else ("|" if "|" in line else None)
        if sep is None:
            _split_tokens(norm, line_start, line_start + len(line), line_no, False, tokens)
        else:
            offset = line_start
            skip_first = markdown and sep == "|" and line.lstrip().startswith("|")
            for cell in line.split(sep):
                cell_start = offset
                offset += len(cell) + 1
                if skip_first:
                    skip_first = False
                    continue
                stripped = cell.strip()
                if not stripped:
                    append(_new(Token, (EMPTY, "", cell_start, cell_start, line_no, True)))
                    continue
                kind = kinds.get(stripped)
                if kind is None or (kind == LABEL and " " in stripped):
                    _split_tokens(norm, cell_start, cell_start + len(cell), line_no, True, tokens)
                    continue
                lead = cell_start if stripped is cell else cell_start + cell.index(stripped)
                append(_new(Token, (kind, stripped, lead, lead + len(stripped), line_no, True)))
        if len(tokens) > first:
            head = tokens[first]
            if head[0] == VALUE and not head[5]:
                _relabel_leading_numbers(tokens, first)
            elif head[0] == LABEL and head[1][0] in ".、)" and first and tokens[first - 1][0] == VALUE:
                # "（三）不予公开 1" + ".属于国家秘密": a label broken right after its enumerator's digit.
                prev = tokens[first - 1]
                if prev[1].isdigit() and len(prev[1]) <= 2:
                    tokens[first - 1] = prev._replace(kind=LABEL)
    return tokens


def _relabel_leading_numbers(tokens: list[Token], first: int) -> None:
    """A number that starts a line and is followed by a label on that line is an enumerator or OCR noise
    in the label ("1 属于国家秘密"), never a data cell: data follows its label."""
    i = first
    while i < len(tokens) and tokens[i].kind == VALUE and not tokens[i].delimited:
        i += 1
    if i > first and i < len(tokens) and tokens[i].kind == LABEL:
        for j in range(first, i):
            t = tokens[j]
            tokens[j] = t._replace(kind=LABEL)


def group(tokens: list[Token]) -> list[Group]:
    """Split tokens into label-then-values groups.

    Empty cells before any value belong to no one (merged-cell padding) and are dropped when a label
    follows. A delimited line that has labels and empty cells but no value closes its group at line end,
    so a row printed entirely blank stays a row instead of merging into the next label.

    Each group records its shape: how many label cells sit on its value line and how many empty cells
    precede them. Rows of one shape share their merged-cell padding, which is how ``parse`` tells padding
    from printed blanks in tab and pipe tables.
    """
    groups: list[Group] = []
    labels: list[Token] = []
    values: list[Token] = []
    n_values = 0
    pre: dict[int, int] = {}  # line -> empty cells before its first label
    pending: list[Token] = []  # empty cells opening the current line: padding before a label, or values
    count = len(tokens)
    prev_line = -1

    def close() -> None:
        line = values[0][4] if values else labels[-1][4]
        on_line = sum(1 for t in labels if t[4] == line)
        groups.append(_new(Group, (tuple(labels), tuple(values), n_values, (on_line, pre.get(line, 0)))))

    for i, tok in enumerate(tokens):
        kind = tok[0]
        line = tok[4]
        if line != prev_line:
            values.extend(pending)
            pending = []
            prev_line = line
            if kind == EMPTY:
                pending.append(tok)
                continue
        elif pending:
            if kind == EMPTY:
                pending.append(tok)
                continue
            if kind == LABEL:
                pre[line] = len(pending)
            else:
                values.extend(pending)
            pending = []
        if kind == LABEL:
            if n_values:
                close()
                labels, values, n_values = [], [], 0
            elif values:
                values = []
            labels.append(tok)
            continue
        values.append(tok)
        if kind == VALUE:
            n_values += 1
        elif (
            not n_values
            and labels
            and tok[5]
            and labels[-1][4] == line
            and (i + 1 == count or tokens[i + 1][4] != line)
        ):
            close()
            labels, values = [], []
    values.extend(pending)
    if labels or n_values:
        close()
    return groups
