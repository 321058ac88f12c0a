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


def extract_text(text: str) -> Report:
    return extract_document(Document.from_text(text), "t")
