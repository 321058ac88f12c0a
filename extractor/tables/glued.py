"""Crawler text with a table's cells glued together: "15130000154" is the seven cells 151/3/0/0/0/0/154.

A digit run is split only where the table's identities leave exactly one way: first each row's own identity
(R3.3 for table 3, R4.1 for table 4), then, for rows that still split several ways, the column identities
(R3.1, R3.2) and the numbers the prose states, over all such rows together. Cells never have a leading zero
("05" is not printed), which is what makes most splits unique. Anything left open is refused, never guessed.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import lru_cache

from ..types import Number
from .tokens import PARSED_VALUES, VALUE, Token, parse_value

MAX_SPLITS = 20_000  # candidate splits of one row before giving up (refused)
MAX_NODES = 20_000  # partial sums followed when several rows are resolved together
MAX_COMBOS = 4_096  # combinations of the rows still open, tried all at once
_MAX_DIGITS = 7  # no count in these tables has more digits
_UNITS = ("万元", "元", "件", "笔", "个", "项", "条", "次")

_new = tuple.__new__
Value = Number | None  # a cell's value, or a blank
RowIdentity = Callable[[tuple[str, ...], list[Value]], bool]


def _unit(text: str) -> str:
    """The unit ``text`` ends with, or ""; every unit ends in a non-digit, so a digit at the end rules them out."""
    if not text or text[-1].isdigit():
        return ""
    return next((u for u in _UNITS if text.endswith(u)), "")


# (run, k) -> its cuts, remembered when few: the splits of a row try the same tails again and again. Bounded
# by the cuts held in all (about 30 MB), so a long batch cannot grow it without end.
_PARTS: dict[tuple[str, int], tuple[tuple[str, ...], ...]] = {}
_PARTS_KEPT = 256
_PARTS_HELD = [0, 200_000]  # cuts held, most to hold


def _parts(text: str, k: int) -> Iterator[Sequence[str]]:
    """``text`` cut into k numbers, none with a leading zero; a decimal stays one number, a unit goes with the
    last. Cuts enumerated to the end are remembered when few (in the order they came: callers count them)."""
    if k == 1:
        if _cell_ok(text):
            yield [text]
        return
    kept = _PARTS.get((text, k))
    if kept is not None:
        yield from kept
        return
    seen: list[tuple[str, ...]] | None = []
    for parts in _cut(text, k):
        if seen is not None:
            seen.append(tuple(parts))
            if len(seen) > _PARTS_KEPT:
                seen = None
        yield parts
    if seen is not None and _PARTS_HELD[0] + len(seen) <= _PARTS_HELD[1]:
        _PARTS[(text, k)] = tuple(seen)
        _PARTS_HELD[0] += len(seen)


def _cut(text: str, k: int) -> Iterator[Sequence[str]]:
    """The cuts of ``_parts`` for k > 1."""
    unit = _unit(text)
    body = text.removesuffix(unit) if unit else text
    if not body.lstrip("+-").isdigit():
        return  # a decimal is never split
    if unit:  # "00元": the unit goes with the last cell
        for parts in _parts(body, k):
            yield [*parts[:-1], parts[-1] + unit]
        return
    sign = 1 if text[0] in "+-" else 0
    for cut in range(sign + 1, len(text) - k + 2):
        head = text[:cut]
        if len(head) - sign > _MAX_DIGITS or not _cell_ok(head):
            break
        for rest in _parts(text[cut:], k - 1):
            yield [head, *rest]


@lru_cache(maxsize=65536)
def _cell_ok(text: str) -> bool:
    """A cell's text: not empty, no leading zero (cached: the same digit strings are tried again and again)."""
    digits = text.lstrip("+-")
    unit = _unit(digits)
    digits = digits.removesuffix(unit) if unit else digits
    return bool(digits) and (digits[0] != "0" or len(digits) == 1 or digits[1] == ".")


def _splits(texts: Sequence[str], n: int) -> Iterator[list[str]]:
    """Every way to cut the runs into n cells in all, each run giving at least one."""
    if not texts:
        if n == 0:
            yield []
        return
    first, rest = texts[0], texts[1:]
    most = min(len(first.lstrip("+-")), n - len(rest))
    # A run gives at most one cell per character, so the first must give enough for the rest to reach n: the
    # counts below that yield nothing, and trying them cost most of the time on real crawler text.
    least = max(1, n - sum(len(t.lstrip("+-")) for t in rest))
    for k in range(least, most + 1):
        for head in _parts(first, k):
            for tail in _splits(rest, n - k):
                yield [*head, *tail]


def row_splits(
    values: Sequence[Token], n: int, cols: tuple[str, ...], identity: RowIdentity | None
) -> list[list[Token]] | None:
    """The splits of a row's digit runs into its n cells that satisfy the row identity (all of them without
    one), as tokens whose spans cover each cell's digits. None when there are too many splits to try."""
    runs = [t for t in values if t.kind == VALUE]
    if not runs or len(runs) > n:
        return None if not runs else []
    texts = [t.text for t in runs]
    found: list[list[Token]] = []
    parsed = PARSED_VALUES
    for tried, parts in enumerate(_splits(texts, n)):
        if tried >= MAX_SPLITS:
            return None
        if identity is None or identity(cols, [(parsed.get(p) or parse_value(p))[0] for p in parts]):
            found.append(_tokens(runs, parts))
    return found


def blank_reading(values: Sequence[Token], n: int, cols: tuple[str, ...], identity: RowIdentity | None) -> bool:
    """Whether the row's runs also read as a row with a blank cell, which vanishes from glued text: for an
    equality identity (tables 3, 4), a split into one cell fewer that fits it with the blank counting 0; with
    only bounds or none (table 2), any split into fewer cells ("100" may be 10/0 and a blank)."""
    texts = [t.text for t in values if t.kind == VALUE]
    return bool(texts) and _blank_reading(texts, n, cols, identity)


def digits(values: Sequence[Token]) -> int:
    """How many digits the row's runs hold: fewer than its cells means some cell was printed blank."""
    return sum(sum(ch.isdigit() for ch in t.text) for t in values if t.kind == VALUE)


def _blank_reading(texts: list[str], n: int, cols: tuple[str, ...], identity: RowIdentity | None) -> bool:
    """Whether the runs also read as a row with a blank cell (see ``row_splits``)."""
    if identity is None:
        return any(True for k in range(len(texts), n) for _ in _splits(texts, k))
    if n - 1 < len(texts):
        return False
    parsed = PARSED_VALUES
    for tried, parts in enumerate(_splits(texts, n - 1)):
        if tried >= MAX_SPLITS:
            return True
        numbers: list[Value] = [(parsed.get(p) or parse_value(p))[0] for p in parts]
        row: list[Value] = [None, *numbers]  # the blank moved through every position, in place
        for b in range(n):
            if b:
                row[b - 1], row[b] = numbers[b - 1], None
            if identity(cols, row):
                return True
    return False


def _tokens(runs: list[Token], parts: list[str]) -> list[Token]:
    out: list[Token] = []
    i = 0
    for run in runs:
        pos = run.start
        used = 0
        while used < len(run.text):
            part = parts[i]
            out.append(_new(Token, (run.kind, part, pos, pos + len(part), run.line, run.delimited)))
            pos += len(part)
            used += len(part)
            i += 1
    return out


# An equality between sums of cells, per column: (left rows, right rows). Columns where a cell is blank or
# unknown are skipped, as the validators do.
Equation = tuple[tuple[str, ...], tuple[str, ...]]


def resolve(
    fixed: Mapping[str, Mapping[str, Value]],
    ambiguous: Mapping[str, list[list[Value]]],
    columns: tuple[str, ...],
    equations: Sequence[Equation],
    stated: Mapping[tuple[str, str], int],
) -> dict[str, int] | None:
    """Rows of ``ambiguous`` (each a list of candidate value rows) that the column equations and the stated
    numbers (row, column) -> value pin to one candidate: row -> index. Rows left open are absent. None when a
    row of the equations is missing, or a row has no candidate left: then the sums cannot vouch for any split
    (a blank cell vanishes from glued text, and a split that fits its own row by chance must not pass).

    Candidates are pruned equation by equation until nothing changes: a candidate survives if some choice of
    the other rows makes the equation hold (sums of column vectors, searched forward and backward)."""
    if any(r not in fixed and r not in ambiguous for left, right in equations for r in (*left, *right)):
        return None  # a row is missing: the sums cannot vouch for any split
    alive = {
        row: {i for i, cand in enumerate(cands) if _agrees(row, cand, columns, stated)}
        for row, cands in ambiguous.items()
    }
    changed = True
    while changed:
        changed = False
        for left, right in equations:
            terms = [(1, r) for r in left] + [(-1, r) for r in right]
            if not any(r in ambiguous for _, r in terms):
                continue
            viable = _viable(terms, fixed, ambiguous, alive, columns)
            if viable is None:
                continue  # too many partial sums to follow: no pruning from this equation
            for row, keep in viable.items():
                if keep != alive[row]:
                    alive[row] = keep
                    changed = True
            if any(not alive[r] for r in alive):
                return None
    if not _exhaustive(fixed, ambiguous, alive, columns, equations):
        return None
    return {row: next(iter(idx)) for row, idx in alive.items() if len(idx) == 1}


def _exhaustive(
    fixed: Mapping[str, Mapping[str, Value]],
    ambiguous: Mapping[str, list[list[Value]]],
    alive: dict[str, set[int]],
    columns: tuple[str, ...],
    equations: Sequence[Equation],
) -> bool:
    """When few combinations are left, try them all against every equation in every column at once and keep
    the candidates some full solution uses. False when none is one."""
    open_rows = [r for r in alive if len(alive[r]) > 1]
    combos = 1
    for r in open_rows:
        combos *= len(alive[r])
    if combos > MAX_COMBOS:
        return True
    pick = {r: next(iter(alive[r])) for r in alive if len(alive[r]) == 1}
    used: dict[str, set[int]] = {r: set() for r in open_rows}
    for choice in itertools.product(*(sorted(alive[r]) for r in open_rows)):
        pick.update(zip(open_rows, choice, strict=True))
        if all(_holds(eq, fixed, ambiguous, pick, columns) for eq in equations):
            for r, i in zip(open_rows, choice, strict=True):
                used[r].add(i)
    if open_rows and not any(used.values()):
        return False
    alive.update(used)
    return True


def _holds(
    eq: Equation,
    fixed: Mapping[str, Mapping[str, Value]],
    ambiguous: Mapping[str, list[list[Value]]],
    pick: Mapping[str, int],
    columns: tuple[str, ...],
) -> bool:
    left, right = eq
    for c, col in enumerate(columns):
        sides = []
        for rows in (left, right):
            total = 0.0
            for r in rows:
                v = ambiguous[r][pick[r]][c] if r in pick else fixed[r].get(col) if r in fixed else None
                if v is None:
                    break
                total += v
            else:
                sides.append(total)
                continue
            break
        if len(sides) == 2 and abs(sides[0] - sides[1]) > 1e-9:
            return False
    return True


def _agrees(row: str, cand: list[Value], columns: tuple[str, ...], stated: Mapping[tuple[str, str], int]) -> bool:
    return all(cand[columns.index(col)] == want for (r, col), want in stated.items() if r == row and col in columns)


def _viable(
    terms: list[tuple[int, str]],
    fixed: Mapping[str, Mapping[str, Value]],
    ambiguous: Mapping[str, list[list[Value]]],
    alive: dict[str, set[int]],
    columns: tuple[str, ...],
) -> dict[str, set[int]] | None:
    """For one equation, the candidates of each ambiguous row that survive in every column: some choice of
    the other rows' candidates makes that column's equation hold. (Column by column is weaker than all columns
    at once, but never drops a candidate a true solution uses, and its sums stay few.)"""
    options: list[list[tuple[int, list[Value]]]] = []
    for _, row in terms:
        if row in ambiguous:
            options.append([(i, ambiguous[row][i]) for i in sorted(alive[row])])
        else:
            options.append([(-1, [fixed[row].get(c) for c in columns])])
    viable = {row: set(alive[row]) for _, row in terms if row in ambiguous}
    for c in range(len(columns)):
        if any(cand[c] is None for opts in options for _, cand in opts):
            continue  # a blank in this column: the equation is not checked there
        steps = [
            [(i, coef * float(cand[c] or 0)) for i, cand in opts]
            for (coef, _), opts in zip(terms, options, strict=True)
        ]
        used = _column_viable(steps)
        if used is None:
            return None
        for k, (_, row) in enumerate(terms):
            if row in viable:
                viable[row] &= used[k]
    return viable


def _column_viable(steps: list[list[tuple[int, float]]]) -> list[set[int]] | None:
    """Which options of each step some choice of the others brings to a zero sum (forward, then backward)."""
    forward: list[set[float]] = [{0.0}]
    for opts in steps:
        nxt = {round(v + x, 6) for v in forward[-1] for _, x in opts}
        if len(nxt) > MAX_NODES:
            return None
        forward.append(nxt)
    need = {0.0} & forward[-1]
    used: list[set[int]] = [set() for _ in steps]
    for k in range(len(steps) - 1, -1, -1):
        before: set[float] = set()
        for v in forward[k]:
            for i, x in steps[k]:
                if round(v + x, 6) in need:
                    before.add(v)
                    used[k].add(i)
        need = before
    return used
