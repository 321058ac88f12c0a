"""``extractor eval``: score a run, or compare two runs (exit 1 on a regression beyond --tolerance)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rich.console import Console

from ..errors import UsageError
from ..paths import EVALS
from ..show import output_console
from .gold import Gold
from .render import compare_markdown, compare_table, markdown, table
from .runner import INPUT_FORMATS, EvalReport, backend_for, compare, gold_cases, run, synthetic_cases

DEFAULT_GOLD = EVALS / "gold"


def _load_report(path: str) -> EvalReport:
    try:
        return EvalReport.model_validate_json(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror})") from None
    except ValueError as exc:
        raise UsageError(f"{path}: not an eval report written by 'extractor eval -o' ({exc})") from None


def run_eval(args: argparse.Namespace, err: Console) -> int:
    out = output_console()
    if args.gold_schema:
        print(json.dumps(Gold.model_json_schema(), ensure_ascii=False, indent=2))
        return 0
    from ..cli import model_stage  # the eval command takes the extract command's model options

    if args.compare:
        base, new = (_load_report(p) for p in args.compare)
        if base.dataset != new.dataset:
            raise UsageError(
                f"the reports score different datasets ({base.dataset!r} vs {new.dataset!r}); "
                "compare runs over the same documents"
            )
        changes, regressed = compare(base, new, args.tolerance)
        out.print(compare_table(changes, args.tolerance) if changes else "no score changed")
        if args.markdown:
            Path(args.markdown).write_text(compare_markdown(changes, args.tolerance, regressed), encoding="utf-8")
        if regressed:
            err.print(f"[red]regression:[/red] a score dropped by more than {args.tolerance}")
        return 1 if regressed else 0
    if args.synthetic is not None:
        if args.synthetic < 1:
            raise UsageError("--synthetic needs a positive number of documents")
        inputs = tuple(x.strip() for x in args.inputs.split(","))
        unknown = set(inputs) - set(INPUT_FORMATS)
        if unknown:
            raise UsageError(f"--inputs: unknown {', '.join(sorted(unknown))}; choose from {', '.join(INPUT_FORMATS)}")
        cases = synthetic_cases(args.synthetic, args.seed, inputs=inputs)
        dataset = f"synthetic (n={args.synthetic}, seed={args.seed}, inputs={','.join(inputs)})"
    else:
        folder = Path(args.gold) if args.gold else DEFAULT_GOLD
        cases = gold_cases(folder)
        dataset = f"gold ({folder.name})"
    stage = model_stage(args)
    report = run(
        cases, backend_for(stage), dataset, backend=args.backend, model=stage.llm.config.model if stage else None
    )
    if stage is not None:
        report.mode, report.tables, report.base_url = stage.llm.config.mode, stage.tables, stage.llm.config.base_url
    out.print(table(report))
    if args.output:
        Path(args.output).write_text(report.model_dump_json(indent=1), encoding="utf-8")
    if args.markdown:
        Path(args.markdown).write_text(markdown(report), encoding="utf-8")
    return 0
