"""Compare two eval reports: every score that changed, and whether any moved the wrong way by more than
its tolerance. Tolerances are per metric (``cells=0``, ``problems.*=0.02``) over a default."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fnmatch import fnmatchcase

from ..errors import UsageError
from .evaluators import metric
from .runner import EvalReport


@dataclass(frozen=True)
class Tolerances:
    """How far each score may move the wrong way before it counts as a regression. A pattern's tolerance
    wins over the default; of two patterns that fit, the later one given."""

    default: float = 0.0
    patterns: tuple[tuple[str, float], ...] = ()

    def of(self, name: str) -> float:
        for pattern, tolerance in reversed(self.patterns):
            if fnmatchcase(name, pattern):
                return tolerance
        return self.default

    def __str__(self) -> str:
        return ", ".join([str(self.default), *(f"{p}={t}" for p, t in self.patterns)])

    @classmethod
    def parse(cls, values: list[str]) -> Tolerances:
        """From ``--tolerance`` values: ``T`` (the default) or ``METRIC=T`` (a name or a glob pattern)."""
        default, patterns = 0.0, []
        for value in values:
            name, _, number = value.rpartition("=")
            try:
                tolerance = float(number)
            except ValueError:
                raise UsageError(f"--tolerance {value!r}: give a number, or METRIC=NUMBER (e.g. cells=0)") from None
            if tolerance < 0 or math.isnan(tolerance):
                raise UsageError(f"--tolerance {value!r}: a tolerance is a non-negative number")
            if name:
                patterns.append((name, tolerance))
            else:
                default = tolerance
        return cls(default, tuple(patterns))


@dataclass(frozen=True)
class Change:
    scope: str  # 'overall', 'group NAME', or a case's name
    score: str
    base: float
    new: float
    regressed: bool


def _regressed(name: str, a: float, b: float, tolerances: Tolerances) -> bool:
    if math.isnan(b):
        return not math.isnan(a)  # a score the new run no longer has
    if math.isnan(a):
        return False
    tolerance = tolerances.of(name)
    return b < a - tolerance if metric(name).higher_is_better else b > a + tolerance


def compare(base: EvalReport, new: EvalReport, tolerances: Tolerances) -> list[Change]:
    """Every score that changed, overall, per group and per case present in both runs; a case the new run
    lost is a regression, not a non-change."""
    if base.dataset != new.dataset:
        raise UsageError(
            f"the reports score different datasets ({base.dataset!r} vs {new.dataset!r}); compare runs over the "
            "same documents"
        )
    new_cases = {c.name: c for c in new.cases}
    changes = [
        Change(c.name, "(missing from the new run)", 1.0, math.nan, True) for c in base.cases if c.name not in new_cases
    ]
    scopes = [("overall", base.overall, new.overall)]
    scopes += [(f"group {g}", s, new.groups[g]) for g, s in base.groups.items() if g in new.groups]
    scopes += [(c.name, c.scores, new_cases[c.name].scores) for c in base.cases if c.name in new_cases]
    for scope, old, cur in scopes:
        for name in dict.fromkeys([*old, *cur]):
            a, b = old.get(name, math.nan), cur.get(name, math.nan)
            if a != b and not (math.isnan(a) and math.isnan(b)):
                changes.append(Change(scope, name, a, b, _regressed(name, a, b, tolerances)))
    return changes
