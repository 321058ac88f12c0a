"""Crawler text with a table's cells glued together: "15130000154" is the seven cells 151/3/0/0/0/0/154.

A digit run is split only where the table's identities leave exactly one way: first each row's own identity
(R3.3 for table 3, R4.1 for table 4), then, for rows that still split several ways, the column identities
(R3.1, R3.2) and the numbers the prose states, over all such rows together. Cells never have a leading zero
("05" is not printed), which is what makes most splits unique. Anything left open is refused, never guessed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence

from .tokens import VALUE, Token, parse_value

MAX_SPLITS = 20_000  # candidate splits of one row before giving up (refused)
MAX_NODES = 5_000  # search steps when several rows are resolved together
_MAX_DIGITS = 7  # no count in these tables has more digits

Number = int | float | None
RowIdentity = Callable[[tuple[str, ...], list[Number]], bool]


def _parts(text: str, k: int) -> Iterator[list[str]]:
    """``text`` cut into k numbers, none with a leading zero. A decimal or a unit stays one number."""
    if k == 1:
        if _cell_ok(text):
            yield [text]
        return
    if not text.lstrip("+-").isdigit():
        return  # decimals and units are never split
    sign = 1 if text[0] in "+-" else 0
    for cut in range(sign + 1, len(text) - k + 2):
        head = text[:cut]
        if len(head) - sign > _MAX_DIGITS or not _cell_ok(head):
            break
        for rest in _parts(text[cut:], k - 1):
            yield [head, *rest]


def _cell_ok(text: str) -> bool:
    digits = text.lstrip("+-")
    return bool(digits) and (digits[0] != "0" or len(digits) == 1 or digits[1] == ".")


def _splits(texts: Sequence[str], n: int) -> Iterator[list[str]]:
    """Every way to cut the runs into n cells in all, each run giving at least one."""
    if not texts:
        if n == 0:
            yield []
        return
    first, rest = texts[0], texts[1:]
    most = min(len(first.lstrip("+-")), n - len(rest))
    for k in range(1, most + 1):
        for head in _parts(first, k):
            for tail in _splits(rest, n - k):
                yield [*head, *tail]


def row_splits(
    values: Sequence[Token], n: int, cols: tuple[str, ...], identity: RowIdentity
) -> list[list[Token]] | None:
    """The splits of a row's digit runs into its n cells that satisfy the row identity, as tokens whose spans
    cover each cell's digits. None when there are too many splits to try."""
    runs = [t for t in values if t.kind == VALUE]
    if not runs or len(runs) > n:
        return None if not runs else []
    found: list[list[Token]] = []
    for tried, parts in enumerate(_splits([t.text for t in runs], n)):
        if tried >= MAX_SPLITS:
            return None
        if identity(cols, [parse_value(p)[0] for p in parts]):
            found.append(_tokens(runs, parts))
    return found


def _tokens(runs: list[Token], parts: list[str]) -> list[Token]:
    out: list[Token] = []
    i = 0
    for run in runs:
        pos = run.start
        used = 0
        while used < len(run.text):
            part = parts[i]
            out.append(run._replace(text=part, start=pos, end=pos + len(part)))
            pos += len(part)
            used += len(part)
            i += 1
    return out


# An equality between sums of cells, per column: (left rows, right rows). Columns where a cell is blank or
# unknown are skipped, as the validators do.
Equation = tuple[tuple[str, ...], tuple[str, ...]]


def resolve(
    fixed: Mapping[str, Mapping[str, Number]],
    ambiguous: Mapping[str, list[list[Number]]],
    columns: tuple[str, ...],
    equations: Sequence[Equation],
    stated: Mapping[tuple[str, str], int],
) -> dict[str, int]:
    """Rows of ``ambiguous`` (each a list of candidate value rows) that the column equations and the stated
    numbers (row, column) -> value pin to one candidate: row -> index. Rows left open are absent."""
    order = sorted(ambiguous, key=lambda k: len(ambiguous[k]))
    chosen: dict[str, int] = {}
    seen: dict[str, set[int]] = {k: set() for k in order}
    touching = {row: [eq for eq in equations if row in eq[0] or row in eq[1]] for row in order}
    nodes = 0

    def value(row: str, c: int) -> Number | str:
        if row in chosen:
            return ambiguous[row][chosen[row]][c]
        if row in fixed:
            return fixed[row].get(columns[c])
        return "?" if row in ambiguous else None

    def fits(row: str) -> bool:
        candidate = ambiguous[row][chosen[row]]
        if any(candidate[c] != want for (r, col), want in stated.items() if r == row for c in [columns.index(col)]):
            return False
        for left, right in touching[row]:
            for c in range(len(columns)):
                vals = [value(r, c) for r in (*left, *right)]
                if "?" in vals or None in vals:
                    continue
                if abs(sum(vals[: len(left)]) - sum(vals[len(left) :])) > 1e-9:  # type: ignore[arg-type]
                    return False
        return True

    def search(i: int) -> None:
        nonlocal nodes
        if i == len(order):
            for row in order:
                seen[row].add(chosen[row])
            return
        row = order[i]
        for idx in range(len(ambiguous[row])):
            nodes += 1
            if nodes > MAX_NODES:
                return
            chosen[row] = idx
            if fits(row):
                search(i + 1)
            del chosen[row]

    search(0)
    if nodes > MAX_NODES:
        return {}
    return {row: next(iter(idx)) for row, idx in seen.items() if len(idx) == 1}
