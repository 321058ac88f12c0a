"""The run's log file: tracebacks of unexpected errors and the libraries' own chatter (instructor's retry
messages, httpx requests) go here, credentials masked, instead of interleaving with the progress bar.

Messages on stderr stay short and point here. ``-v`` also shows the library lines on stderr.
"""

from __future__ import annotations

import logging
from pathlib import Path

from .paths import cache_dir
from .redact import RedactingFilter

LOGGER = "extractor"
_LIBRARIES = ("instructor", "openai", "httpx", "httpcore", "pdfminer", "charset_normalizer")
_FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"
_state: dict[str, Path | None] = {"path": None}
_LAST_RESORT = logging.lastResort


def default_log_path(output: str | None) -> Path:
    """Beside the output file (``OUT.jsonl.log``), else in the cache folder."""
    if output:
        return Path(output + ".log")
    return cache_dir() / "extractor.log"


def setup(path: Path | None, verbose: bool = False) -> None:
    """Send our and the libraries' records to ``path`` (appended); nothing of theirs reaches stderr unless
    ``verbose``. Called once per process (worker processes too, with the same path)."""
    _state["path"] = path
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_extractor", False):
            root.removeHandler(handler)
            handler.close()
    redacting = RedactingFilter()
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            file_handler: logging.Handler = logging.FileHandler(path, encoding="utf-8", delay=True)
        except OSError:
            file_handler = logging.NullHandler()
            _state["path"] = None
        file_handler.setFormatter(logging.Formatter(_FORMAT))
        file_handler.addFilter(redacting)
        file_handler._extractor = True  # type: ignore[attr-defined]
        root.addHandler(file_handler)
    if verbose:
        stream = logging.StreamHandler()
        stream.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        stream.addFilter(redacting)
        stream._extractor = True  # type: ignore[attr-defined]
        root.addHandler(stream)
    for name in _LIBRARIES:
        logging.getLogger(name).setLevel(logging.DEBUG if verbose else logging.WARNING)
    if path is None and not verbose:
        logging.lastResort = _LAST_RESORT
        return
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    # the libraries' records go to our handlers only, never to Python's last-resort stderr handler
    logging.lastResort = None


def log_path() -> Path | None:
    return _state["path"]


def where() -> str:
    """'see LOG' for a message, or advice to run with a log when none is configured."""
    path = log_path()
    return f"traceback in {path}" if path else "run again with -v for the traceback"


def logger() -> logging.Logger:
    return logging.getLogger(LOGGER)
