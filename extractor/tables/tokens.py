"""Turn a table region into label / value / empty tokens with spans, whatever the layout.

Tab-separated and pipe/markdown rows keep their empty cells (they may be printed blanks); flattened PDF
text is split on whitespace. Page numbers, markdown rules and separator lines are dropped. Text whose cells
were glued together by a crawler ("数量15130000154二、上年结转") is cut where labels and digits meet; a
digit run that may hold several cells is then split by the table's identities (``glued.py``), never here.
"""

from __future__ import annotations

import itertools
import re
from typing import NamedTuple

LABEL = 0
VALUE = 1
EMPTY = 2
GARBLED = 4  # a number OCR misread ("1O", "-O", "22l"): it holds a cell's place but its value is unknown

# Token.delimited: how the token's line was split into cells.
FLAT = 0  # flattened text: whitespace-separated, no empty cells
TAB = 1
PIPE = 2
# The empty piece after a pipe row's last "|": a trailing pipe (nothing) or a separator before a blank last
# cell ("a | b | "). Which one is told per table (``parse``), from the rows printed in full.
PIPE_TAIL = 3

_VALUE = re.compile(r"[+-]?\d[\d,]*(?:\.\d+)?(?:万元|元|件|笔|个|项|条|次)?|/|\\|[—―]+|-{1,2}|–|无")
# OCR's misreads: a letter for a digit ("1O", "22l"), a number cut at its point ("302. 55" gives "302.").
_GARBLED = re.compile(r"[+-]?(?=[\d.,]*[OoIl])[\dOoIl.,]{1,12}|\d{2,}[\d,]*\.")
_CUT = re.compile(r"\d\.(?:\s|$)")  # a number cut at its point: "302. 55"
_NUMBER_PIECE = re.compile(r"[+-]?[\d.,]*\d[\d.,]*|/|[—―-]+|无")  # a number or a piece of one
_NUMBER = re.compile(r"([+-]?\d[\d,]*(?:\.\d+)?)(万元|元|件|笔|个|项|条|次)?")
_PAGE_NUMBER = re.compile(
    r"[ \t]*(?:[-—–~_]+[ \t]*\d{1,4}[ \t]*[-—–~_]+|第[ \t]*\d{1,4}[ \t]*页(?:[ \t]*[,/]?[ \t]*共[ \t]*\d{1,4}[ \t]*页)?"
    r"|共[ \t]*\d{1,4}[ \t]*页[ \t]*[,/]?[ \t]*第[ \t]*\d{1,4}[ \t]*页|\d{1,4}[ \t]*/[ \t]*\d{1,4})[ \t]*"
)
_RULE_LINE = re.compile(r"[ \t|:=]*-{3,}[-\t |:=]*|[ \t]*[=_]{3,}[ \t]*")
_MARKDOWN_RULE = re.compile(r"^[ \t]*\|(?:[ \t]*:?-{3,}:?[ \t]*\|)+[ \t]*$", re.M)
_MAYBE_NOISE = re.compile(r"[-—–~_=页/]")  # cheap pre-check before the page-number and rule regexes
# Where a label and digits meet with no separator: the mark of glued crawler text (three make a region glued).
_GLUED_JOIN = re.compile(r"[\u4e00-\u9fff)）”](?<!第)\d[\d.]*[\u4e00-\u9fff(（“](?<![年月日号条项次件个元])")
# In glued text: a number; "1." / "2、" opening a label is an enumerator, and "2021年" or "第3" are words.
_GLUED_PIECE = re.compile(r"[+-]?\d[\d,]*(?:\.\d+)?(?:万元|元|笔)?")
_ENUMERATOR_AFTER = re.compile(r"[.、](?=[^\d\s])")
# Where one glued label ends and the next begins: at an enumerator ("(七)总计", "四、结转…").
_LABEL_START = re.compile(r"(?<=.)(?=\([一二三四五六七八九十]\)|[一二三四五六七八九十]、|(?<![\d.])\d{1,2}[.、](?=\D))")
_WORD_AFTER = re.compile(r"[年月日号%‰条款项]")
_YEAR_END = re.compile(r"(?:19|20)\d\d")


class Token(NamedTuple):
    """A NamedTuple, not a dataclass: a report has hundreds and they are built on the hot path."""

    kind: int
    text: str  # normalised text (from Document.norm)
    start: int
    end: int
    line: int
    delimited: int  # FLAT, TAB, PIPE or PIPE_TAIL: a tab/pipe cell (empty cells are meaningful), or flat text


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
        kind = VALUE if _VALUE.fullmatch(text) else GARBLED if _GARBLED.fullmatch(text) else LABEL
        if kind == LABEL and (" " in text or "\t" in text) and any(_VALUE.fullmatch(p) for p in text.split()):
            kind = SPLIT
        if len(_KIND) < 65536:
            _KIND[text] = kind
    return kind


def is_glued(norm: str, start: int, end: int) -> bool:
    """Whether a table region is crawler text with its cells run together: labels touching digits three
    times, or a region that is part of one run-on line (no line of a table survived)."""
    if end - start > 20 and norm.find("\n", start, end) < 0:
        return True
    joins = _GLUED_JOIN.finditer(norm, start, min(end + 1, len(norm)))
    return sum(1 for _, _ in zip(range(3), joins, strict=False)) == 3


def _glued_pieces(text: str, pos: int, line: int, out: list[Token]) -> None:
    """A glued piece ("本年新收…数量15130000154二、上年结转") cut into label and value tokens; labels are
    cut again where an enumerator opens the next one, so each row's own label is its last."""
    label_from = 0
    for m in _GLUED_PIECE.finditer(text):
        s, e = m.start(), m.end()
        after = text[e : e + 1]
        if after == "年" and e - s > 4 and _YEAR_END.match(text, e - 4):
            e -= 4  # "…继续办理20000022025年": the cells, then the next sentence's year
        elif (s and text[s - 1] == "第") or (after and _WORD_AFTER.match(after)):
            continue  # "第3项", "2021年": words, not cells
        if after and _ENUMERATOR_AFTER.match(text, e) and "." not in text[s:e]:
            e -= 1  # "00000002.其他…": the last digit is the next label's enumerator
            if e == s:
                continue
        if s > label_from:
            _glued_labels(text, label_from, s, pos, line, out)
        out.append(_new(Token, (VALUE, text[s:e], pos + s, pos + e, line, FLAT)))
        label_from = e
    if label_from < len(text):
        _glued_labels(text, label_from, len(text), pos, line, out)


def _glued_labels(text: str, start: int, end: int, pos: int, line: int, out: list[Token]) -> None:
    cuts = [start, *(m.start() for m in _LABEL_START.finditer(text, start, end)), end]
    for a, b in itertools.pairwise(cuts):
        if b > a:
            out.append(_new(Token, (LABEL, text[a:b], pos + a, pos + b, line, FLAT)))


def _split_tokens(norm: str, start: int, end: int, line: int, delimited: int, out: list[Token], glued: bool) -> None:
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
        if glued and kind != VALUE and not delimited and any(ch.isdigit() for ch in text):
            _glued_pieces(text, pos, line, out)
            continue
        out.append(_new(Token, (LABEL if kind == SPLIT else kind, text, pos, pos + len(text), line, delimited)))


def _cell_tokens(
    norm: str, line: str, line_start: int, line_no: int, sep: str, markdown: bool, width: int = 0
) -> list[Token]:
    """The cells of a tab or pipe row, blanks kept; a pipe row's empty end piece becomes a PIPE_TAIL token. A
    markdown row with fewer cells than its table's ``width`` lost a cell: its blanks cannot be placed, so they
    become GARBLED (a row holding one is refused)."""
    tokens: list[Token] = []
    cells = line.split(sep)
    how = TAB if sep == "\t" else PIPE
    off = line_start
    tail = -1
    if sep == "|":
        # "a | b |": what follows the last pipe is the row's end or a blank last cell (PIPE_TAIL); in a
        # markdown table what precedes the first pipe is its start.
        if len(cells) > 1 and not cells[-1].strip():
            tail = line_start + len(line) - len(cells[-1])
            cells.pop()
        if markdown and line.lstrip().startswith("|"):
            off += len(cells[0]) + 1
            cells = cells[1:]
    kinds_get = _KIND.get
    append = tokens.append
    new = _new
    has_value = False
    for cell in cells:
        cell_start = off
        off += len(cell) + 1
        stripped = cell.strip()
        kind = kinds_get(stripped)
        if kind is None:
            kind = _kind(stripped)
        if kind == EMPTY:
            append(new(Token, (EMPTY, "", cell_start, cell_start, line_no, how)))
        elif (
            kind == SPLIT
            and (how == PIPE or _CUT.search(stripped))
            and all(_NUMBER_PIECE.fullmatch(p) for p in stripped.split())
        ):
            # "| 4 1 |", "| 302. 55 |": one pipe cell holding numbers only is a number OCR broke (41, 302.55),
            # or cells run together while the row has blanks; either way its cells cannot be told.
            lead = cell_start + cell.index(stripped)
            append(new(Token, (GARBLED, stripped, lead, lead + len(stripped), line_no, how)))
        elif kind == SPLIT:
            _split_tokens(norm, cell_start, cell_start + len(cell), line_no, how, tokens, False)
            has_value = True
        else:
            lead = cell_start if stripped is cell else cell_start + cell.index(stripped)
            append(new(Token, (kind, stripped, lead, lead + len(stripped), line_no, how)))
            has_value = has_value or kind == VALUE
    if width and len(cells) < width:
        return [t._replace(kind=GARBLED) if t.kind == EMPTY else t for t in tokens]
    if tail >= 0 and has_value:
        append(new(Token, (EMPTY, "", tail, tail, line_no, PIPE_TAIL)))
    return tokens


def tokenize(norm: str, start: int, end: int, glued: bool) -> list[list[Token]]:
    """Tokens of ``norm[start:end]``, one list per non-empty line; ``glued``: ``is_glued`` of the region. Written for speed: it runs on every table cell of every report."""
    lines: list[list[Token]] = []
    kinds_get = _KIND.get
    pos = start
    line_no = 0
    # Only a markdown table (it has a |---| rule) opens its rows with a pipe that is not a cell boundary;
    # elsewhere "  | 3 | ..." opens with a blank cell.
    markdown = _MARKDOWN_RULE.search(norm, start, end) is not None
    width = 0  # cells of the current markdown table, from its |---| rule
    for line in norm[start:end].split("\n"):
        line_no += 1
        line_start = pos
        pos += len(line) + 1
        if not line or line.isspace():
            continue
        if _MAYBE_NOISE.search(line) and (_PAGE_NUMBER.fullmatch(line) or _RULE_LINE.fullmatch(line)):
            if markdown and line.count("|") > 1:
                width = line.strip().strip("|").count("|") + 1
            continue
        sep = "\t" if "\t" in line else ("|" if "|" in line else None)
        if sep is not None:
            tokens = _cell_tokens(norm, line, line_start, line_no, sep, markdown, width if sep == "|" else 0)
        else:
            tokens = []
            stripped = line.strip()
            kind = kinds_get(stripped)
            if kind is None:
                kind = _kind(stripped)
            if kind == VALUE or (kind == LABEL and " " not in stripped and not glued):  # one token: no regex
                lead = line_start if stripped is line else line_start + line.index(stripped)
                tokens.append(_new(Token, (kind, stripped, lead, lead + len(stripped), line_no, FLAT)))
            else:
                _split_tokens(norm, line_start, line_start + len(line), line_no, FLAT, tokens, glued)
        if tokens:
            head = tokens[0]
            if (head.kind == VALUE and not head.delimited) or (head.kind == LABEL and head.text[0] in ".、)"):
                _fix_enumerators(tokens, lines)
            lines.append(tokens)
    return lines


def _fix_enumerators(tokens: list[Token], lines: list[list[Token]]) -> None:
    head = tokens[0]
    if head.kind == VALUE and not head.delimited:
        _relabel_leading_numbers(tokens)
    elif head.kind == LABEL and head.text[0] in ".、)" and lines and lines[-1][-1].kind == VALUE:
        # "（三）不予公开 1" + ".属于国家秘密": a label broken right after its enumerator's digit.
        prev = lines[-1][-1]
        if prev.text.isdigit() and len(prev.text) <= 2:
            lines[-1][-1] = prev._replace(kind=LABEL)


def _relabel_leading_numbers(tokens: list[Token]) -> None:
    """A number that starts a line and is followed by a label on that line is an enumerator or OCR noise
    in the label ("1 属于国家秘密"), never a data cell: data follows its label."""
    i = 0
    while i < len(tokens) and tokens[i].kind == VALUE and not tokens[i].delimited:
        i += 1
    if 0 < i < len(tokens) and tokens[i].kind == LABEL:
        for j in range(i):
            tokens[j] = tokens[j]._replace(kind=LABEL)
