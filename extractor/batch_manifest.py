"""The manifest of an output's provider batches: ``OUT.batches.db`` beside ``OUT`` (SQLite).

It holds which request (by custom_id: document sha256, task, request hash) went into which batch, the
batches' states, and each answer once collected, until the documents' records are written. Every change is
one transaction, so a run killed anywhere (while submitting, while downloading results, while writing
records) resumes from what is committed: an uncollected batch is downloaded again, an answered request is
never asked again. Requests are keyed by their content, so a changed prompt or model simply makes new
requests; the old answers are never used for them.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS batches (
    id TEXT PRIMARY KEY, status TEXT, requests INTEGER, submitted_at REAL, collected INTEGER DEFAULT 0,
    answered INTEGER DEFAULT 0, failed INTEGER DEFAULT 0, malformed INTEGER DEFAULT 0, estimate REAL DEFAULT 0);
CREATE TABLE IF NOT EXISTS requests (
    custom_id TEXT PRIMARY KEY, batch_id TEXT, task TEXT, state TEXT, tries INTEGER DEFAULT 0,
    answer TEXT, error TEXT, completion_tokens INTEGER);
CREATE INDEX IF NOT EXISTS requests_batch ON requests (batch_id);
"""


def manifest_path(output: Path) -> Path:
    return output.with_name(output.name + ".batches.db")


@dataclass(frozen=True, slots=True)
class Entry:
    state: str  # submitted | answered | failed
    tries: int
    answer: str | None
    error: str | None


@dataclass(frozen=True, slots=True)
class BatchRow:
    id: str
    status: str
    requests: int
    answered: int
    failed: int
    malformed: int


class Manifest:
    """One output's batches; safe to use from the threads of one run (one connection, one lock)."""

    def __init__(self, path: Path, endpoint: str) -> None:
        self.path = path
        try:
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self._db.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise ConfigError(f"{path}: cannot open the batch manifest ({exc}); move or remove it") from None
        self._lock = threading.Lock()
        known = self._meta("endpoint")
        if known is None:
            self._set_meta("endpoint", endpoint)
        elif known != endpoint and self.in_flight():
            raise ConfigError(
                f"{path}: holds batches still running at {known}; collect them with --base-url {known}, "
                "or remove the file to give them up"
            )
        elif known != endpoint:
            self._set_meta("endpoint", endpoint)

    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def _set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def get(self, custom_id: str) -> Entry | None:
        with self._lock:
            row = self._db.execute(
                "SELECT state, tries, answer, error FROM requests WHERE custom_id = ?", (custom_id,)
            ).fetchone()
        return None if row is None else Entry(*row)

    def add_batch(self, batch: dict[str, Any], requests: list[tuple[str, str]], estimate: float) -> None:
        """A batch just created, with its (custom_id, task) requests: one transaction."""
        with self._lock, self._db:
            self._db.execute("BEGIN")
            self._db.execute(
                "INSERT INTO batches (id, status, requests, submitted_at, estimate) VALUES (?, ?, ?, ?, ?)",
                (batch["id"], batch.get("status") or "validating", len(requests), time.time(), estimate),
            )
            self._db.executemany(
                "INSERT INTO requests (custom_id, batch_id, task, state, tries) VALUES (?, ?, ?, 'submitted', 1) "
                "ON CONFLICT (custom_id) DO UPDATE SET batch_id = excluded.batch_id, state = 'submitted', "
                "tries = tries + 1, error = NULL",
                [(cid, batch["id"], task) for cid, task in requests],
            )

    def in_flight(self) -> list[BatchRow]:
        with self._lock:
            rows = self._db.execute(
                "SELECT id, status, requests, answered, failed, malformed FROM batches WHERE collected = 0 "
                "ORDER BY submitted_at"
            ).fetchall()
        return [BatchRow(*row) for row in rows]

    def set_status(self, batch_id: str, status: str) -> None:
        with self._lock:
            self._db.execute("UPDATE batches SET status = ? WHERE id = ?", (status, batch_id))

    def collect(
        self,
        batch_id: str,
        status: str,
        answers: Iterable[tuple[str, str, int]],
        failures: Iterable[tuple[str, str]],
        malformed: int,
        otherwise: str,
    ) -> BatchRow:
        """An ended batch's results, in one transaction: (custom_id, completion JSON, completion tokens)
        answered, (custom_id, reason) failed, and every request of the batch with no result line failed with
        ``otherwise`` (an expired or failed batch, a malformed line)."""
        with self._lock, self._db:
            self._db.execute("BEGIN")
            self._db.executemany(
                "UPDATE requests SET state = 'answered', answer = ?, completion_tokens = ?, error = NULL "
                "WHERE custom_id = ? AND batch_id = ?",
                [(answer, tokens, cid, batch_id) for cid, answer, tokens in answers],
            )
            self._db.executemany(
                "UPDATE requests SET state = 'failed', error = ? WHERE custom_id = ? AND batch_id = ?",
                [(reason, cid, batch_id) for cid, reason in failures],
            )
            self._db.execute(
                "UPDATE requests SET state = 'failed', error = ? WHERE batch_id = ? AND state = 'submitted'",
                (otherwise, batch_id),
            )
            counts = dict(
                self._db.execute(
                    "SELECT state, COUNT(*) FROM requests WHERE batch_id = ? GROUP BY state", (batch_id,)
                ).fetchall()
            )
            self._db.execute(
                "UPDATE batches SET status = ?, collected = 1, answered = ?, failed = ?, malformed = ? WHERE id = ?",
                (status, counts.get("answered", 0), counts.get("failed", 0), malformed, batch_id),
            )
            row = self._db.execute(
                "SELECT id, status, requests, answered, failed, malformed FROM batches WHERE id = ?", (batch_id,)
            ).fetchone()
        return BatchRow(*row)

    def completion_tokens(self) -> dict[str, float]:
        """Per task, the mean completion tokens of its collected answers (for cost estimates): one query for a
        whole submission, not one a request."""
        with self._lock:
            rows = self._db.execute(
                "SELECT task, AVG(completion_tokens) FROM requests WHERE completion_tokens IS NOT NULL GROUP BY task"
            ).fetchall()
        return {task: float(mean) for task, mean in rows}

    def forget_answers(self) -> None:
        """Once every document is recorded: the answers live on in the records (and the response cache)."""
        with self._lock:
            self._db.execute("UPDATE requests SET answer = NULL WHERE state = 'answered'")

    def close(self) -> None:
        self._db.close()
