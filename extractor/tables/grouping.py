"""Group tokenised lines as "labels followed by values": the labels anchor the values, never their position
in the text."""

from __future__ import annotations

from typing import NamedTuple

from .tokens import EMPTY, LABEL, VALUE, Token

_new = tuple.__new__


class Group(NamedTuple):
    """Label tokens followed by the value/empty tokens that belong to them."""

    labels: tuple[Token, ...]
    values: tuple[Token, ...]
    n_values: int  # how many of ``values`` are VALUE tokens (not EMPTY)
    shape: tuple[int, int]  # (label cells on the value line, empty cells before them): see ``group``

    @property
    def label_text(self) -> str:
        return "".join(t.text for t in self.labels).replace(" ", "")


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
        line = values[0].line if values else labels[-1].line
        on_line = sum(1 for t in labels if t.line == line)
        self.groups.append(_new(Group, (tuple(labels), tuple(values), self.n_values, (on_line, self.pre.get(line, 0)))))
        self.labels, self.values, self.n_values = [], [], 0

    def label(self, tok: Token) -> None:
        if self.n_values:
            self.close()
        elif self.values:
            self.values = []  # padding of a header or merged cell, nobody's value
        self.labels.append(tok)

    def _stray_number(self, tok: Token) -> bool:
        """A bare number line inside a tab/pipe table is a page number, not the row's."""
        return bool(self.values) and bool(self.values[-1].delimited) and not tok.delimited

    def line(self, toks: list[Token]) -> None:
        if len(toks) == 1:  # one-cell-per-line layouts
            tok = toks[0]
            if tok.kind == LABEL:
                self.label(tok)
            elif not self._stray_number(tok):
                self.values.append(tok)
                self.n_values += tok.kind == VALUE
            return
        kinds = [t.kind for t in toks]
        if LABEL not in kinds:  # values continuing the open group
            if not self._stray_number(toks[0]):
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
            self.pre[toks[0].line] = first
        self.labels.extend(toks[first:end])
        if end < len(toks):
            self.values.extend(toks[end:])
            self.n_values = kinds.count(VALUE)
            if not self.n_values and toks[-1].delimited:
                self.close()  # a delimited row printed all blank (or a header line): keep it a row

    def slow_line(self, toks: list[Token]) -> None:
        """Lines mixing labels and values in any order (flattened text holding several rows)."""
        pending: list[Token] = []
        started = False
        for tok in toks:
            kind = tok.kind
            if not started and kind == EMPTY:
                pending.append(tok)
                continue
            if not started:
                started = True
                if pending and kind == LABEL:
                    self.pre[tok.line] = len(pending)
                else:
                    self.values.extend(pending)
            if kind == LABEL:
                self.label(tok)
            else:
                self.values.append(tok)
                if kind == VALUE:
                    self.n_values += 1
        last = toks[-1]
        if (
            last.kind == EMPTY
            and last.delimited
            and not self.n_values
            and self.labels
            and self.labels[-1].line == last.line
        ):
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


def reattach(groups: list[Group]) -> list[Group]:
    """Labels detached from their values, as OCR'd tables print them: a delimited row of a label and blank
    cells, then a row of values with no label. The values are that label's: a row of values never stands
    alone, and the row before it printed no value of its own."""
    out: list[Group] = []
    for g in groups:
        prev = out[-1] if out else None
        if (
            prev is not None
            and not g.labels
            and g.n_values
            and g.values[0].delimited
            and prev.labels
            and not prev.n_values
            and prev.values
            and prev.values[-1].delimited
        ):
            out[-1] = _new(Group, (prev.labels, g.values, g.n_values, g.shape))
        else:
            out.append(g)
    return out
