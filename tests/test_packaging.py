"""The package as a user installs it: a built wheel (not this checkout) extracts and evaluates, because the
prompts and the bundled eval set travel inside it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = dist.glob("extractor-*.whl")
    return built


def test_wheel_carries_the_prompts_and_the_bundled_eval_set(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    prompts = {p.name for p in (ROOT / "prompts").glob("*.md")}
    assert prompts and {f"extractor/prompts/{p}" for p in prompts} <= names
    gold = {p.name for p in (ROOT / "evals" / "gold").glob("*.json")}
    assert {f"extractor/evals/gold/{g}" for g in gold} <= names
    assert {f"extractor/evals/documents/{d.name}" for d in (ROOT / "evals" / "documents").iterdir()} <= names


def test_wheel_installed_in_a_fresh_environment_extracts_and_evaluates(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    # the dependencies come from this environment's site-packages, added as a plain path: its .pth files
    # (among them the editable install of this checkout) are not run, so only the wheel provides extractor
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    env = {**os.environ, "EXTRACTOR_CACHE": str(tmp_path / "cache")}
    where = subprocess.run(
        [str(python), "-c", "import extractor, sys; print(extractor.__file__)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.startswith(str(venv))  # the installed copy, not the checkout
    command = venv / "bin" / "extractor"
    out = tmp_path / "o.jsonl"
    done = subprocess.run(
        [str(command), "extract", str(ROOT / "evals" / "documents"), "-o", str(out), "-q"], cwd=tmp_path, env=env
    )
    assert done.returncode == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == len(list((ROOT / "evals" / "documents").iterdir()))
    report = tmp_path / "eval.json"
    scored = subprocess.run([str(command), "eval", "-o", str(report)], cwd=tmp_path, env=env, capture_output=True)
    assert scored.returncode == 0, scored.stderr
    scores = report.read_text(encoding="utf-8")
    assert json.loads(scores) and all(d.stem in scores for d in (ROOT / "evals" / "documents").iterdir())
