"""``extractor eval``: score a run on the gold sets or on generated reports, or compare two runs (exit 1 when
a score moved the wrong way by more than its tolerance)."""

from __future__ import annotations

import argparse
import fnmatch
import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from ..console import labelled
from ..errors import UsageError
from ..options import add_model_options, model_stage
from ..show import output_console

if TYPE_CHECKING:  # scoring needs numpy, scipy and the synthetic generator: imported only when it runs
    from .evaluators import Case
    from .runner import EvalReport

SETS = ("bundled", "real")


def add_arguments(ev: argparse.ArgumentParser) -> None:
    add_model_options(ev)
    ev.add_argument(
        "--set",
        action="append",
        choices=SETS,
        dest="sets",
        help="a gold set to score: bundled (evals/gold) or real (evals/real/gold); repeat for both (default: both)",
    )
    ev.add_argument("--gold", default=None, help="score this gold folder instead of the gold sets")
    ev.add_argument(
        "--docs",
        metavar="PATTERNS",
        help="only the gold documents whose names match these comma-separated patterns (pingtan_2023,'*2019*'): "
        "a few documents to iterate a prompt on with a slow model; runs compare only over the same selection",
    )
    ev.add_argument("--synthetic", type=int, metavar="N", help="score N generated reports instead of the gold sets")
    ev.add_argument("--seed", type=int, default=0, help="seed of the synthetic reports")
    ev.add_argument("--inputs", default="txt", help="synthetic input formats, comma-separated: txt,html,docx,pdf,scan")
    ev.add_argument("-o", "--output", help="write the eval report (JSON) here")
    ev.add_argument("--markdown", help="also write a markdown rendering here (for a pull request)")
    ev.add_argument("--compare", nargs=2, metavar=("BASE", "NEW"), help="diff two eval reports")
    ev.add_argument(
        "--tolerance",
        action="append",
        default=[],
        metavar="[METRIC=]T",
        help="allowed move of a score the wrong way before exit 1: T for every score (default 0), METRIC=T for "
        "one (a name or pattern: cells=0, 'problems.*=0.02'); repeatable",
    )
    ev.add_argument("--gold-schema", action="store_true", help="print the JSON Schema of gold files")


def run_eval(args: argparse.Namespace, err: Console) -> int:
    if args.gold_schema:
        from .gold import Gold

        print(json.dumps(Gold.model_json_schema(), ensure_ascii=False, indent=2))
        return 0
    if args.compare:
        return _compare(args, err)
    stage = model_stage(args)
    from .runner import backend_for, run

    with tempfile.TemporaryDirectory(prefix="extractor-eval-") as tmp:
        cases, dataset = _cases(args, Path(tmp))
        report = run(
            cases, backend_for(stage), dataset, backend=args.backend, model=stage.llm.config.model if stage else None
        )
    if stage is not None:
        config = stage.llm.config
        report = report.model_copy(update={"mode": config.mode, "tables": stage.tables, "base_url": config.base_url})
    from .render import markdown, tables

    console = output_console()
    for t in tables(report):
        console.print(t)
    if args.output:
        Path(args.output).write_text(report.model_dump_json(indent=1), encoding="utf-8")
    if args.markdown:
        Path(args.markdown).write_text(markdown(report), encoding="utf-8")
    return 0


def _cases(args: argparse.Namespace, tmp: Path) -> tuple[list[Case], str]:
    """The cases the flags ask for, and the dataset's name (runs compare only over the same dataset)."""
    from .runner import GOLD_SETS, INPUT_FORMATS, gold_cases, synthetic_cases

    if sum(map(bool, (args.sets, args.gold, args.synthetic is not None))) > 1:
        raise UsageError("--set, --gold and --synthetic each choose the documents: give one of them")
    if args.synthetic is not None:
        if args.docs:
            raise UsageError("--docs picks gold documents; with --synthetic use N instead")
        if args.synthetic < 1:
            raise UsageError("--synthetic needs a positive number of documents")
        inputs = tuple(x.strip() for x in args.inputs.split(","))
        unknown = set(inputs) - set(INPUT_FORMATS)
        if unknown:
            raise UsageError(f"--inputs: unknown {', '.join(sorted(unknown))}; choose from {', '.join(INPUT_FORMATS)}")
        cases = synthetic_cases(args.synthetic, tmp, args.seed, inputs=inputs)
        return cases, f"synthetic (n={args.synthetic}, seed={args.seed}, inputs={','.join(inputs)})"
    if args.gold:
        folder = Path(args.gold)
        return _only(gold_cases(folder), f"gold ({folder.name})", args.docs)
    sets = list(dict.fromkeys(args.sets or SETS))
    cases = [c for name in sets for c in gold_cases(GOLD_SETS[name], name)]
    return _only(cases, f"gold sets: {', '.join(sets)}", args.docs)


def _only(cases: list[Case], dataset: str, patterns: str | None) -> tuple[list[Case], str]:
    """The cases ``--docs`` keeps; the selection is part of the dataset's name."""
    if patterns is None:
        return cases, dataset
    wanted = [p.strip() for p in patterns.split(",") if p.strip()]
    kept = [c for c in cases if any(fnmatch.fnmatchcase(c.name, p) for p in wanted)]
    if not kept:
        like = f"; names are like {cases[0].name}" if cases else ""
        raise UsageError(f"--docs {patterns}: no gold document matches{like}")
    return kept, f"{dataset}; docs {','.join(sorted(wanted))}"


def _compare(args: argparse.Namespace, err: Console) -> int:
    from .compare import Tolerances, compare
    from .render import compare_markdown, compare_table

    tolerances = Tolerances.parse(args.tolerance)
    base, new = (_load_report(p) for p in args.compare)
    changes = compare(base, new, tolerances)
    output_console().print(compare_table(changes, tolerances) if changes else "no score changed")
    if args.markdown:
        Path(args.markdown).write_text(compare_markdown(changes, tolerances), encoding="utf-8")
    regressed = [c for c in changes if c.regressed]
    if regressed:
        names = ", ".join(dict.fromkeys(c.score for c in regressed))
        message = f"{len(regressed)} score(s) moved the wrong way beyond tolerance ({names})"
        err.print(labelled("regression:", "red", message), soft_wrap=True)
    return 1 if regressed else 0


def _load_report(path: str) -> EvalReport:
    from .runner import EvalReport

    try:
        return EvalReport.model_validate_json(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror})") from None
    except ValueError as exc:
        raise UsageError(f"{path}: not an eval report written by 'extractor eval -o' ({exc})") from None
