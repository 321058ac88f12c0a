"""Batch runs as the tests drive them: the command in a child process, a corpus of generated reports, the
test server as a model backend, and the JSON lines a run wrote."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from extractor.synthetic import generate
from extractor.testserver import TestServer

CLI = [sys.executable, "-c", "from extractor.cli import main; import sys; raise SystemExit(main(sys.argv[1:]))"]


def report_corpus(folder: Path, n: int, mark: int | None = None) -> list[Path]:
    """``n`` generated reports; the one numbered ``mark`` carries a marker a fault plan can recognise."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"r{i:03d}.txt"
        text = generate(100 + i, "tab", zero_rate=0.2).text
        if i == mark:
            text = text.replace("（一）存在的主要问题\n\n", "（一）存在的主要问题\n\n故障标记。")
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def marked_fault(fault: str):  # type: ignore[no-untyped-def]
    return lambda number, body: fault if "故障标记" in json.dumps(body, ensure_ascii=False) else None


def jsonl_records(path: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def jsonl_latest(path: Path) -> dict[str, dict]:  # type: ignore[type-arg]
    return {r["doc_id"]: r for r in jsonl_records(path)}  # file order: the last record of a doc_id wins


def llm_args(server: TestServer, *extra: str, timeout: str = "10") -> list[str]:
    """A model backend on the test server; ``timeout`` short only where a test makes the server hang (a loaded
    machine can take a few tenths of a second to answer on loopback)."""
    return ["--backend", "llm", "--base-url", server.base_url, "--model", "test-model", "--timeout", timeout, *extra]
