"""One root error; subclasses say who must act (the input's owner, the caller, the developer)."""

from __future__ import annotations


class ExtractorError(Exception):
    """Root of every error this package raises on purpose."""


class InputError(ExtractorError):
    """The document itself is unusable: whoever supplied it must act (re-download, convert, OCR).
    A re-run of the same command does not try the same bytes again."""

    def __init__(self, path: str, problem: str, fix: str) -> None:
        self.path = path
        self.problem = problem
        self.fix = fix
        super().__init__(f"{path}: {problem}; {fix}")


class EmptyDocumentError(InputError):
    """The file has no text."""


class BinaryDocumentError(InputError):
    """The file is not text (a PDF, an image, an archive, ...)."""


class UndecodableDocumentError(InputError):
    """The bytes are text-like but decode in no supported encoding."""


class NotAReportError(InputError):
    """The text decodes but is not a 政府信息公开工作年度报告."""


class NotARegularFileError(InputError):
    """A FIFO, a device, a socket or a folder: never opened, so a batch cannot block on it."""


class TooLargeError(InputError):
    """Over a size limit, as stored or once decompressed (``--max-bytes``)."""


class EncryptedDocumentError(InputError):
    """A password-protected PDF."""


class DamagedDocumentError(InputError):
    """A PDF or DOCX whose structure is broken (truncated download, corrupt archive)."""


class UsageError(ExtractorError):
    """The command line or the arguments are wrong: the caller must fix the call."""


class RecordError(ExtractorError):
    """A JSONL record handed back to us (``extractor validate``) is malformed: fix or regenerate it."""


class ConfigError(ExtractorError):
    """The configuration (API key, endpoint, model, prompt files, cache folder) is wrong: whoever runs the
    tool must fix it. It stops the run once, with exit code 2, instead of failing every document."""


class OutputError(ExtractorError):
    """The output file cannot be written (disk full, locked by another run): the run stops."""


class ModelError(ExtractorError):
    """The model endpoint failed after retries, or answered nothing usable: retry later or change model.
    ``usage`` is the document's model usage so far (tokens are spent whether or not the document succeeds)."""

    usage: object | None = None


class BatchWaiting(ModelError):
    """The document's model requests wait in a provider batch (``--via batch-api``): nothing is recorded for
    it in this run; the run that collects the answers writes its record."""


class OcrUnavailableError(InputError):
    """The file needs OCR and the ``[ocr]`` extra is not installed: install it and re-run (a re-run retries)."""
