from __future__ import annotations

from pathlib import Path

import pytest

from extractor.ingest import Document
from extractor.pipeline import extract_document
from extractor.schema import Report

DOCUMENTS = Path(__file__).resolve().parent.parent / "evals" / "documents"
SEEDS = sorted(DOCUMENTS.glob("*.txt"))


@pytest.fixture(scope="session")
def seed_reports() -> dict[str, Report]:
    from extractor.ingest import load

    return {p.stem: extract_document(load(p), p.stem) for p in SEEDS}


@pytest.fixture(autouse=True)
def backoff_clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """A fake clock for the model client's backoff: the waits it asked for, none of them slept."""
    waits: list[float] = []
    monkeypatch.setattr("extractor.llm.client.SLEEP", waits.append)
    return waits


def extract_text(text: str) -> Report:
    return extract_document(Document.from_text(text), "t")


# --- cassettes (pytest-recording) -------------------------------------------------------------------
# Replayed in CI with --block-network; recorded against a real OpenAI-compatible server, see README.

LOCAL_BASE_URL = "http://127.0.0.1:8765/v1"
LOCAL_MODEL = "qwen2.5-coder-1.5b-instruct-q4_k_m"


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, object]:
    return {
        "filter_headers": ["authorization", "api-key", "x-api-key", "openai-organization", "cookie"],
        "match_on": ["method", "path", "json_body"],
        "decode_compressed_response": True,
    }


@pytest.fixture(scope="module")
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    return str(Path(__file__).resolve().parent.parent / "cassettes" / request.module.__name__.split(".")[-1])


def _json_body(r1, r2) -> None:  # type: ignore[no-untyped-def]
    """Requests match only if their JSON bodies are equal once canonicalised: a changed prompt or schema
    no longer finds its recording and the test fails loudly instead of replaying a stale answer. A multipart
    upload (a provider batch's request file) matches on its parts, the random boundary aside."""
    import json
    import re

    def canon(body: bytes | str | None) -> str | None:
        if not body:
            return None
        text = body.decode("utf-8") if isinstance(body, bytes) else body
        boundary = re.match(r"--([0-9A-Za-z'()+_,./:=?-]+)\r?\n", text)
        if boundary is not None:  # (a recording keeps the parts' lines with \n alone)
            return text.replace(boundary.group(1), "BOUNDARY").replace("\r\n", "\n")
        return json.dumps(json.loads(text), sort_keys=True, ensure_ascii=False)

    assert canon(r1.body) == canon(r2.body), "request body differs from the recording"


def pytest_recording_configure(config, vcr) -> None:  # type: ignore[no-untyped-def]
    vcr.register_matcher("json_body", _json_body)
