"""The model path on the bundled documents with the local model (or any endpoint): quality against the gold,
tokens sent vs sending the whole document, calls and seconds per document.

    extractor local-model start
    python benchmarks/bench_llm.py [--backend local] [--json out.json]

"Whole document" is what the same prompts would cost with the whole report in place of the section: both
are counted with the server's tokenizer (llama.cpp's /extras/tokenize/count), prompt text only.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.evaluation.runner import GOLD_SETS, backend_for, gold_cases, run  # noqa: E402
from extractor.llm.prompts import load_prompt  # noqa: E402
from extractor.llm.setup import build_stage  # noqa: E402
from extractor.readers import read  # noqa: E402
from extractor.sections import find_sections  # noqa: E402


def _count(base_url: str, model: str, text: str) -> int:
    req = urllib.request.Request(
        base_url.removesuffix("/v1") + "/extras/tokenize/count",
        data=json.dumps({"input": text, "model": model}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=60) as resp:
        return int(json.load(resp)["count"])


def _prompt_text(task: str, **variables: str) -> str:
    return "\n".join(m["content"] for m in load_prompt(task).render(**variables).messages)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backend", default="local", choices=["local", "llm"])
    ap.add_argument("--model")
    ap.add_argument("--base-url")
    ap.add_argument("--json")
    ap.add_argument("--set", action="append", choices=list(GOLD_SETS), help="gold set(s) (default: all)")
    args = ap.parse_args()
    stage = build_stage(args.backend, args.model, args.base_url)
    assert stage is not None
    cases = [c for name in args.set or GOLD_SETS for c in gold_cases(GOLD_SETS[name], name)]
    report = run(cases, backend_for(stage), "gold", backend=args.backend, model=stage.llm.config.model)
    sent = whole = 0
    for case in cases:
        doc = read(case.path)
        s = find_sections(doc)
        five, one, six = s.get("problems_and_improvements"), s.get("overview"), s.get("other_matters")
        other = doc.text[six.body_start : six.end] if six else "（无）"
        url, model = stage.llm.config.base_url or "", stage.llm.config.model
        if five:
            sent += _count(url, model, _prompt_text("narrative", section=doc.text[five.body_start : five.end]))
            whole += _count(url, model, _prompt_text("narrative", section=doc.text))
        if one:
            sent += _count(
                url, model, _prompt_text("overview", overview=doc.text[one.body_start : one.end], other=other)
            )
            whole += _count(url, model, _prompt_text("overview", overview=doc.text, other=""))
    keys = [
        "problems.precision",
        "problems.recall",
        "improvements.precision",
        "improvements.recall",
        "platforms.precision",
        "platforms.recall",
        "platforms.kind",
        "fee",
        "verbatim",
        "grounding",
    ]
    print(f"model path: {stage.llm.config.model} via {stage.llm.config.base_url}, {len(cases)} documents")
    for key in keys:
        per_set = "  ".join(f"{g} {s.get(key, float('nan')):.3f}" for g, s in report.groups.items())
        print(f"  {key:24} {report.overall.get(key, float('nan')):.3f}  ({per_set})")
    calls = [c.calls for c in report.cases]
    print(f"  calls per document       {statistics.mean(calls):.1f} (narrative + overview; tables from the parse)")
    print(f"  tokens per document      {statistics.mean(c.tokens for c in report.cases):.0f} (prompt + completion)")
    print(f"  seconds per document     {statistics.mean(c.seconds for c in report.cases):.1f}")
    print(f"  prompt tokens vs whole   {sent} / {whole} = {sent / whole:.2f}")
    for c in report.cases:
        if c.error:
            print(f"  failed: {c.name}: {c.error}")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {"eval": report.model_dump(), "prompt_tokens_sent": sent, "prompt_tokens_whole_document": whole},
                indent=1,
                ensure_ascii=False,
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
