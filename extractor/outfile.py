"""The JSONL output of a batch: one run at a time, whole lines only, resumable, the latest record winning.

Records are appended, never rewritten, so a killed run loses at most the documents in flight. A re-run
reads the file as a stream (memory grows with the number of documents, not with the size of their
records) to learn, per input path, its doc_id, content hash, configuration and outcome. When a document is
done again (a model failure retried, a changed file, another configuration), its new record is appended
and supersedes the old one: every reader takes the LAST record of each doc_id (``records.latest_lines``), and
``extractor compact`` rewrites the file with one line per document.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import OutputError

FSYNC_EVERY_S = 2.0
_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class Known:
    """What an earlier run recorded for one input path."""

    doc_id: str
    sha256: str | None
    config: str | None
    ok: bool
    retry: bool  # a failure that a re-run should try again


class RecordFile:
    """An output file held for appending by this run alone (an exclusive, non-blocking OS lock)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        except OSError as exc:
            raise OutputError(f"{path}: cannot open the output ({exc.strerror}); choose another -o path") from None
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self._fd)
            raise OutputError(
                f"{path}: another extractor run is writing this file; wait for it to finish or choose another -o path"
            ) from None
        self._last_sync = time.monotonic()
        self.repair()

    def repair(self) -> None:
        """Cut a line left unfinished by a killed run: it will be redone."""
        size = os.fstat(self._fd).st_size
        if size == 0:
            return
        end = size
        while end > 0:
            start = max(0, end - _CHUNK)
            block = os.pread(self._fd, end - start, start)
            cut = block.rfind(b"\n")
            if cut >= 0:
                end = start + cut + 1
                break
            end = start
        if end < size:
            os.ftruncate(self._fd, end)

    def append(self, line: str) -> None:
        """Write one record as one whole line. On failure (disk full, file too large) the file is cut back
        to its last whole line and the run stops with an error naming the file."""
        data = (line + "\n").encode("utf-8")
        before = os.fstat(self._fd).st_size
        try:
            view = memoryview(data)
            while view:
                written = os.write(self._fd, view)
                view = view[written:]
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, before)
            raise OutputError(_write_failed(self.path, exc)) from None
        if time.monotonic() - self._last_sync >= FSYNC_EVERY_S:
            self.sync()

    def sync(self) -> None:
        with contextlib.suppress(OSError):
            os.fsync(self._fd)
        self._last_sync = time.monotonic()

    def close(self) -> None:
        if self._fd >= 0:
            self.sync()
            os.close(self._fd)  # releases the lock
            self._fd = -1

    def __enter__(self) -> RecordFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _write_failed(path: Path, exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return (
            f"{path}: cannot write the output ({exc.strerror}); free disk space, then re-run the same command to resume"
        )
    return f"{path}: cannot write the output ({exc.strerror}); fix the file or folder, then re-run to resume"


def iter_lines(path: Path) -> Iterator[tuple[int, int, bytes]]:
    """(line number, byte offset, line) of each whole line, streamed."""
    with open(path, "rb") as fh:
        offset = 0
        for number, line in enumerate(fh, 1):
            if line.endswith(b"\n"):
                yield number, offset, line
            offset += len(line)


def _fields(line: bytes) -> tuple[str, str | None, str | None, str | None, bool, bool] | None:
    """(doc_id, path, sha256, config, ok, retry) of one record line, or None for a line that is not one."""
    try:
        record = json.loads(line)
    except ValueError:
        return None
    if not isinstance(record, dict) or not isinstance(record.get("doc_id"), str):
        return None
    source = record.get("source") or {}
    error = record.get("error")
    config = record.get("config") or (record.get("provenance") or {}).get("config")
    retry = bool(error.get("retry", error.get("type") in _RETRIED_TYPES)) if isinstance(error, dict) else False
    return record["doc_id"], source.get("path"), source.get("sha256"), config, error is None, retry


# failure types that were worth retrying before records carried ``error.retry``
_RETRIED_TYPES = frozenset({"ModelError", "OSError", "FileNotFoundError", "PermissionError"})


def scan(path: Path) -> dict[str, Known]:
    """Per input path, what its latest record says; streamed."""
    known: dict[str, Known] = {}
    if not path.exists():
        return known
    for _, _, line in iter_lines(path):
        fields = _fields(line)
        if fields is None:
            continue
        doc_id, name, sha, config, ok, retry = fields
        if name is not None:
            known[name] = Known(doc_id, sha, config, ok, retry)
    return known


def compact(path: Path, target: Path | None = None) -> tuple[int, int]:
    """Rewrite ``path`` (or write ``target``) with only the latest record of each document, atomically.
    Lines that are not records are kept as they are, for a person to look at. Returns (kept, dropped)."""
    from .records import doc_id_of, latest_lines, read_lines

    with RecordFile(path):  # no run may append while we rewrite
        records = sum(1 for _, line in read_lines(path) if doc_id_of(line) is not None)
        out = target or path
        tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
        kept = latest = 0
        try:
            with open(tmp, "w", encoding="utf-8") as fh:
                for _, line, doc_id in latest_lines(path):
                    fh.write(line if line.endswith("\n") else line + "\n")
                    kept += 1
                    latest += doc_id is not None
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, out)
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise OutputError(_write_failed(out, exc)) from None
    return kept, records - latest
