"""Dump the records the extractor writes for a fixed corpus, to diff a change that must not change them.

    python benchmarks/dump_records.py OUT.jsonl [--corpus out/dump-corpus] [--synthetic 140] [--files 21]

The corpus: the bundled documents (evals/documents), every real document in evals/ (evals/real/documents),
``--synthetic`` generated reports as .txt (every layout, both formats, blanks, broken rules) and the first
``--files`` of them also as .html, .docx and .pdf. Generated files are written once into ``--corpus`` and
reused on later runs (a PDF embeds its creation time), so two runs read the same bytes.

Each document is extracted through the production path (``pipeline.extract_path``) with the rules backend,
and the bundled, real and first 21 generated ones also through the model stage driven by a deterministic
stand-in model (answers derived from the prompt text: fuzzy and missing items, out-of-range links, a fee that
disagrees, tables with wrong, missing, duplicated and unknown rows, a table call that fails, a document whose
narrative call fails), in each ``--tables`` mode. Wall-clock timings are removed; everything else is
written as the record is.

    python benchmarks/dump_records.py --diff BEFORE.jsonl AFTER.jsonl

says how many records are byte for byte the same, and names the first that differ. Before this check was
written, the model stage recorded ``provenance.prompts`` in whichever order its two concurrent calls began
(two runs of the same code differ there), so records that differ only in that order are counted apart.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.errors import ModelError  # noqa: E402
from extractor.llm.client import LLMConfig, UsageCounter  # noqa: E402
from extractor.llm.extract import ModelStage  # noqa: E402
from extractor.llm.prompts import RenderedPrompt  # noqa: E402
from extractor.pipeline import extract_path  # noqa: E402
from extractor.spec import TABLE2_ROW_LABELS, TABLE3_ROW_LABELS, TABLE4_BLOCKS  # noqa: E402
from extractor.synthetic import LAYOUTS, RULES, generate  # noqa: E402
from extractor.synthetic.files import to_docx, to_html, to_pdf  # noqa: E402

M = TypeVar("M", bound=BaseModel)
_SENTENCE = re.compile(r"[^。；;\n]{6,}[。；;]?")
_PLATFORM_WORDS = (
    ("政府网站", "website"),
    ("门户网站", "website"),
    ("公众号", "new_media"),
    ("政务新媒体", "new_media"),
    ("公开栏", "bulletin_board"),
    ("宣传栏", "bulletin_board"),
    ("服务中心", "service_hall"),
    ("热线", "hotline"),
    ("平潭时报", "other"),
)


class StandInModel:
    """Deterministic answers derived from each prompt's text, shaped like a sloppy real model's."""

    def __init__(self) -> None:
        self.config = LLMConfig(model="stand-in", base_url="http://stand-in/v1", mode="tools")

    def complete(
        self,
        prompt: RenderedPrompt,
        response_model: type[M],
        max_tokens: int | None = None,
        max_retries: int | None = None,
        usage: UsageCounter | None = None,
        cache_scope: str = "",
    ) -> M:
        user = prompt.messages[-1]["content"]
        rng = random.Random(hashlib.sha256(user.encode()).hexdigest())
        if usage is not None:
            usage.add(calls=1, prompt_tokens=len(user), completion_tokens=10, total_tokens=len(user) + 10)
        if "故障" in user or (prompt.name == "table3" and rng.random() < 0.3):
            raise ModelError(f"stand-in: no valid answer for prompt '{prompt.name}'")
        answer = getattr(self, "_" + prompt.name)(user, rng)
        return response_model.model_validate(answer)

    @staticmethod
    def _narrative(user: str, rng: random.Random) -> dict[str, Any]:
        sentences = [m.group().strip() for m in _SENTENCE.finditer(user.split("原文：", 1)[-1])][:12]
        half = max(1, len(sentences) // 2)
        problems = []
        for i, s in enumerate(sentences[:half]):
            if i == 1 and len(s) > 14:
                s = s[:5] + s[6:]  # one character dropped: grounded fuzzily
            problems.append({"text": s})
        problems.append({"text": "网站访问速度慢，经常无法打开，群众意见很大"})  # found nowhere
        links = [1, None, 99, 2, 0]
        improvements = [
            {"text": s, "answers_problem": links[i % len(links)]}
            for i, s in enumerate(sentences[half:] or ["加强培训"])
        ]
        rng.shuffle(improvements)
        return {"problems": problems, "improvements": improvements}

    @staticmethod
    def _overview(user: str, rng: random.Random) -> dict[str, Any]:
        platforms = [{"name": name, "kind": kind} for name, kind in _PLATFORM_WORDS if name in user]
        platforms.append({"name": "某某不存在的客户端平台名称", "kind": "new_media"})
        facts = {"counts": [{"what": "公开信息", "number": rng.randint(1, 99), "unit": "条"}], "channels": ["网站"]}
        answer: dict[str, Any] = {"publishing_platforms": platforms, "active_disclosure": facts, "supervision": facts}
        other = user.split("其他需要报告的事项", 1)[-1]
        fee = re.search(r"[^。\n]*(?:处理费|收费)[^。\n]*。?", other)
        if fee is not None:
            answer["info_processing_fee_text"] = fee.group().strip()
            answer["info_processing_fee"] = rng.choice([0, 0, 15.5])
        return answer

    @staticmethod
    def _values(rng: random.Random, n: int) -> list[float | None]:
        if rng.random() < 0.1:
            n -= 1  # a row with a value missing: dropped
        return [None if rng.random() < 0.1 else float(rng.choice([0, 0, 0, 1, 2, 3, 12])) for _ in range(n)]

    def _table2(self, user: str, rng: random.Random) -> dict[str, Any]:
        fmt = "2021" if "本年制发" in user or rng.random() < 0.2 else "2019"
        width = {"2021": [3, 3, 1, 1, 1, 1], "2019": [3, 3, 3, 3, 3, 3, 2, 2]}[fmt]
        keys = list(TABLE2_ROW_LABELS)
        rows = [{"row": k, "values": self._values(rng, w)} for k, w in zip(keys, width, strict=False)]
        if rng.random() < 0.5:
            rows.append({"row": "procurement", "values": [1.0, 2.5]})  # not a 2021 row; or twice in 2019
        return {"format": fmt, "rows": rows}

    def _table3(self, user: str, rng: random.Random) -> dict[str, Any]:
        keys = [k for k in TABLE3_ROW_LABELS if k != ("other_handling" if "逾期不补正" in user else "other_other")]
        keys = [k for k in keys if not (k.startswith("other_") and k != "other_handling" and "逾期不补正" not in user)]
        rows = [{"row": k, "values": self._values(rng, 7)} for k in keys if rng.random() > 0.05]
        return {"rows": rows}

    def _table4(self, user: str, rng: random.Random) -> dict[str, Any]:
        return {"blocks": [{"block": b, "values": self._values(rng, 5)} for b in TABLE4_BLOCKS]}


def _corpus(folder: Path, n: int, files: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(11)
    paths = []
    for i in range(n):
        layout = LAYOUTS[i % len(LAYOUTS)]
        broken = rng.choice(RULES) if rng.random() < 0.2 else None
        doc = generate(
            5_000 + i,
            layout,
            rng.choice(["2019", "2021"]),
            rng.choice(["2019", "2021"]),
            subtotal=rng.random() < 0.2,
            blank_rate=rng.choice([0.0, 0.0, 0.1]),
            break_rule=broken,
        )
        base = folder / f"gen_{i:04d}_{layout}"
        kinds = ("txt", "html", "docx", "pdf") if i < files else ("txt",)
        for kind in kinds:
            path = base.with_suffix("." + kind)
            if not path.exists():
                text = doc.text
                if i == 3 and kind == "txt":  # a document whose narrative call keeps failing
                    at = text.index("\n", text.index("存在的主要问题"))
                    text = text[:at] + "\n故障标记。" + text[at:]
                if kind == "txt":
                    data = text.encode("utf-8")
                else:
                    data = {"html": to_html, "docx": to_docx, "pdf": to_pdf}[kind](doc)
                path.write_bytes(data)
            paths.append(path)
    return paths


def _line(record: Any) -> str:
    data = json.loads(record.model_dump_json())
    if "provenance" in data:
        data["provenance"].pop("timings_ms", None)
    return json.dumps(data, ensure_ascii=False, sort_keys=False)


def _diff(before: Path, after: Path) -> int:
    old = before.read_text(encoding="utf-8").splitlines()
    new = after.read_text(encoding="utf-8").splitlines()
    same = reordered = 0
    differ = []
    for i, (a, b) in enumerate(zip(old, new, strict=False)):
        if a == b:
            same += 1
            continue
        ka, ja = a.split("\t", 1)
        kb, jb = b.split("\t", 1)
        da, db = json.loads(ja), json.loads(jb)
        for d in (da, db):
            if "provenance" in d:
                d["provenance"]["prompts"] = dict(sorted(d["provenance"]["prompts"].items()))
        if ka == kb and da == db:
            reordered += 1
        else:
            differ.append(i + 1)
    print(
        f"{len(old)} vs {len(new)} records: {same} byte for byte the same, {reordered} differ only in the order "
        f"of provenance.prompts, {len(differ)} differ" + (f" (lines {differ[:10]})" if differ else "")
    )
    return 0 if not differ and len(old) == len(new) else 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", nargs="?")
    ap.add_argument("--diff", nargs=2, metavar=("BEFORE", "AFTER"), help="compare two dumps")
    ap.add_argument("--corpus", default=str(ROOT / "out" / "dump-corpus"))
    ap.add_argument("--synthetic", type=int, default=140)
    ap.add_argument("--files", type=int, default=21)
    args = ap.parse_args()
    if args.diff:
        return _diff(Path(args.diff[0]), Path(args.diff[1]))
    if not args.out:
        ap.error("give OUT.jsonl, or --diff BEFORE AFTER")
    bundled = sorted((ROOT / "evals" / "documents").glob("*.txt"))
    real = sorted((ROOT / "evals" / "real" / "documents").glob("*"))
    generated = _corpus(Path(args.corpus), args.synthetic, args.files)
    stage_docs = [*bundled, *real, *generated[: args.files * 4 if args.files else 0]]
    lines = []
    for path in [*bundled, *real, *generated]:
        lines.append("rules\t" + _line(extract_path(path, path.stem)))
    for tables in ("parse", "both", "model"):
        stage = ModelStage(StandInModel(), None, tables)
        for path in stage_docs:
            lines.append(f"model-{tables}\t" + _line(extract_path(path, path.stem, stage)))
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} records ({len(bundled)} bundled, {len(real)} real, {len(generated)} generated files)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
