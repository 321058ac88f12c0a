"""Score the rules path on real reports labeled in the realdocs gold format (``../shared/realdocs``).

    python benchmarks/score_realdocs.py [FOLDER] [--diff] [--json out.json]

FOLDER holds the documents and ``gold/<stem>.json`` (format: the folder's README). Per document: cells
right, cells wrong (a value given that differs from gold: must be 0), cells refused (row not filled),
formats, problems / improvements / platforms F1 (the project's one-to-one matching on whitespace-free text;
platforms also at the 0.6 item threshold), the 信息处理费, and the R findings against ``expected_findings``.
``--diff`` prints every cell and narrative miss, which is what to read when a score drops.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.evaluation.matching import ITEM_THRESHOLD, NAME_THRESHOLD, match  # noqa: E402
from extractor.pipeline import extract_document  # noqa: E402
from extractor.readers import SUFFIXES, read  # noqa: E402
from extractor.schema import Report  # noqa: E402

DEFAULT = ROOT.parent.parent / "shared" / "realdocs"
TABLES = ("table2", "table3", "table4")


def _number(value: object) -> tuple[float | None, str | None]:
    """Gold values are numbers, or a string with its unit (2019 procurement '75394432.52元')."""
    if value is None:
        return None, None
    if isinstance(value, str):
        unit = next((u for u in ("万元", "元") if value.endswith(u)), None)
        return float(value.removesuffix(unit or "")), unit
    return float(value), None  # type: ignore[arg-type]


def _cells(report: Report, gold: dict[str, Any], out: dict[str, Any]) -> None:
    uncertain = set(gold.get("uncertain", []))
    for table in TABLES:
        got = getattr(report, table) or {}
        for row, cols in (gold.get(table) or {}).items():
            for col, want in cols.items():
                path = f"{table}.{row}.{col}"
                if path in uncertain or f"{table}.{row}.*" in uncertain:
                    continue
                out["cells"] += 1
                cell = got.get(row, {}).get(col)
                if cell is None:
                    out["refused"] += 1
                    out["misses"].append(f"refused {path} (gold {want!r})")
                    continue
                value, unit = _number(want)
                mine = cell["value"]
                same = (mine is None and value is None) or (
                    mine is not None and value is not None and abs(mine - value) < 1e-6
                )
                if same and unit and cell.get("unit") != unit:
                    same = False
                if same:
                    out["right"] += 1
                else:
                    out["wrong"] += 1
                    out["misses"].append(f"WRONG {path}: gold {want!r}, got {mine!r} raw {cell['raw']!r}")


def _items(name: str, predicted: list[str], gold: list[str], threshold: float, out: dict[str, Any]) -> None:
    m = match(predicted, gold, threshold)
    out[f"{name}.f1"] = m.f1
    out["misses"] += [f"{name} extra: {predicted[i][:50]}" for i in m.unmatched_predicted()]
    out["misses"] += [f"{name} missed: {gold[i][:50]}" for i in m.unmatched_gold()]


def score(doc_path: Path, gold: dict[str, Any]) -> dict[str, Any]:
    report = extract_document(read(doc_path), doc_path.stem)
    out: dict[str, Any] = {"doc": doc_path.stem, "cells": 0, "right": 0, "wrong": 0, "refused": 0, "misses": []}
    _cells(report, gold, out)
    fmt = gold.get("format", {})
    out["formats"] = sum(getattr(report.format, t) == fmt.get(t) for t in ("table2", "table3")) / 2
    _items("problems", [i.text for i in report.problems], gold["problems"], ITEM_THRESHOLD, out)
    _items("improvements", [i.text for i in report.improvements], gold["improvements"], ITEM_THRESHOLD, out)
    names = [p.name for p in report.platforms]
    _items("platforms", names, gold["platforms"], NAME_THRESHOLD, out)
    out["platforms@0.6.f1"] = match(names, gold["platforms"], ITEM_THRESHOLD).f1
    fee = report.info_processing_fee.value if report.info_processing_fee else None
    want_fee = gold.get("info_processing_fee_yuan")
    out["fee"] = float(fee == want_fee if fee is None or want_fee is None else abs(fee - want_fee) < 1e-9)
    if not out["fee"]:
        out["misses"].append(f"fee: gold {want_fee!r}, got {fee!r}")
    found = sorted({f.rule for f in report.findings if f.rule[0] in "RN"})
    expected = sorted({f["rule"] for f in gold.get("expected_findings", [])})
    out["findings"] = f"{','.join(found) or '-'} (gold {','.join(expected) or '-'})"
    parse = [f"{f.rule} {f.severity}: {f.message}" for f in report.findings if f.rule[0] in "SN"]
    out["misses"] += parse
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--diff", action="store_true", help="print every miss")
    ap.add_argument("--json", type=Path, help="write the per-document scores here")
    args = ap.parse_args(argv)
    rows = []
    for gold_path in sorted((args.folder / "gold").glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        doc = next((p for p in args.folder.glob(gold_path.stem + ".*") if p.suffix.lower() in SUFFIXES), None)
        if doc is None:
            print(f"{gold_path.stem}: no document beside the gold", file=sys.stderr)
            continue
        rows.append(score(doc, gold))
    cols = ("cells", "right", "wrong", "refused", "formats", "problems.f1", "improvements.f1", "platforms.f1")
    print(f"{'doc':<16}" + "".join(f"{c:>16}" for c in (*cols, "platforms@0.6.f1", "fee")) + "  findings")
    for r in rows:
        vals = [f"{r[c]:>16.3f}" if isinstance(r[c], float) else f"{r[c]:>16}" for c in cols]
        print(f"{r['doc']:<16}" + "".join(vals) + f"{r['platforms@0.6.f1']:>16.3f}{r['fee']:>16.0f}  {r['findings']}")
        if args.diff:
            for miss in r["misses"]:
                print(f"    {miss}")
    if rows:
        n = sum(r["cells"] for r in rows)
        right = sum(r["right"] for r in rows)
        wrong = sum(r["wrong"] for r in rows)
        mean = {c: sum(r[c] for r in rows) / len(rows) for c in (*cols[4:], "platforms@0.6.f1", "fee")}
        print(
            f"ALL: cells {right}/{n} = {right / n:.4f}, wrong {wrong}, refused {n - right - wrong}; "
            + ", ".join(f"{k} {v:.3f}" for k, v in mean.items())
        )
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
