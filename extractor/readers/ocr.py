"""Scanned pages: render (pypdfium2) or load (Pillow) the page image, straighten it, read its text boxes with
RapidOCR (PP-OCRv4 Chinese detection and recognition models shipped inside the ``rapidocr-onnxruntime``
wheel: nothing is downloaded at run time), find its ruled tables, and rebuild the page as text (``layout``).

Pages are read one after another in the calling process; a batch runs documents in worker processes, each
with its own engine (loaded once per process, never pickled). What the engine saw on each page is cached by
the file's sha256 (``$EXTRACTOR_CACHE/ocr`` or ``~/.cache/extractor/ocr``), so a re-run does not OCR again.
"""

from __future__ import annotations

import functools
import json
import multiprocessing
import os
import statistics
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..errors import InputError, OcrUnavailableError, TooLargeError
from ..regions import ENGINE, LOW_CONFIDENCE
from .boxes import NUMBER, Box, dedupe, extend_to_ink, fit_to_cells, in_table, minus_sign
from .imaging import TableGrid
from .layout import Block, Word, page_blocks

if TYPE_CHECKING:
    from .imaging import Gray

OcrMode = Literal["auto", "always", "never"]
OCR_MODES: tuple[OcrMode, ...] = ("auto", "always", "never")
INSTALL = "pip install 'extractor[ocr]'"

_TEXT_SCORE = 0.3  # keep uncertain boxes (their confidence goes on the cell) rather than lose a digit
# Crops narrower than this (width:height) are padded to it. PaddleOCR pads to 320:48, but a lone number read
# in a 2:1 frame is as accurate here and costs a third (the recogniser's time is proportional to width).
_REC_MIN_RATIO = 2.0
_PDF_DPI = (150, 220)  # render at the scan's own resolution, within these bounds
_DEFAULT_DPI = 200
_MAX_PIXELS = 40_000_000  # an A2 sheet at 220 dpi; PIL refuses image files past its own bomb limit
# What a cached page depends on: change any (or the code that finds words and tables: bump "version") and
# pages are read again.
_SETTINGS = {
    "version": 9,
    "engine": ENGINE,
    "dpi": _PDF_DPI,
    "text_score": _TEXT_SCORE,
    "rec": [_REC_MIN_RATIO, "one by one; unsure numbers again at 2.5x width"],
}


def ocr_mode(mode: str | None = None) -> OcrMode:
    """``mode`` or ``$EXTRACTOR_OCR`` (set by ``--ocr``; worker processes inherit it), default auto."""
    value = (mode or os.environ.get("EXTRACTOR_OCR") or "auto").strip().lower()
    if value not in OCR_MODES:
        from ..errors import UsageError

        raise UsageError(f"OCR mode {value!r}: choose one of {', '.join(OCR_MODES)} (--ocr or EXTRACTOR_OCR)")
    return value


def require(path: str, why: str) -> None:
    """Fail with the command that installs OCR when the ``[ocr]`` extra is missing."""
    try:
        import cv2  # noqa: F401
        import pypdfium2  # noqa: F401
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError as exc:
        raise OcrUnavailableError(
            path, f"{why}, and OCR is not installed ({exc.name} is missing)", f"install the OCR extra: {INSTALL}"
        ) from None


@dataclass(frozen=True, slots=True)
class PageScan:
    """What OCR saw on one page image (after straightening): the cached, re-usable part of reading it."""

    width: int
    height: int
    dpi: int
    angle: float
    words: tuple[Word, ...]
    tables: tuple[TableGrid, ...]

    def blocks(self) -> list[Block]:
        return page_blocks(list(self.words), list(self.tables))

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PageScan:
        words = tuple(
            Word(w["text"], w["x0"], w["y0"], w["x1"], w["y1"], tuple(w["centres"]), tuple(w["scores"]))
            for w in data["words"]
        )
        tables = tuple(
            TableGrid(tuple(t["xs"]), tuple(t["ys"]), tuple(tuple(c) for c in t["cells"])) for t in data["tables"]
        )
        return cls(data["width"], data["height"], data["dpi"], data["angle"], words, tables)


def _threads() -> int:
    """ONNX Runtime threads: ``$EXTRACTOR_OCR_THREADS``, else one in a worker process (the batch runs a
    process per core) and the runtime's default (all cores) otherwise."""
    value = os.environ.get("EXTRACTOR_OCR_THREADS")
    if value and value.isdigit() and int(value) > 0:
        return int(value)
    return 1 if multiprocessing.parent_process() is not None else -1


@functools.cache
def _engine() -> Any:
    from rapidocr_onnxruntime import RapidOCR

    threads = _threads()
    return RapidOCR(
        intra_op_num_threads=threads,
        inter_op_num_threads=1 if threads > 0 else -1,
        max_side_len=6000,  # the page is rendered at the size OCR should see; never shrink it
        det_limit_side_len=480,  # enlarge only a small image (a page is larger), not to 736 px as by default
        use_cls=False,  # scans of reports are upright; the angle classifier costs time for nothing
    )


_ZERO_OR_ONE = set("。oO〇○DQ口lI|")  # what a lone 0 or 1 in a table cell is misread as


@dataclass(frozen=True, slots=True)
class _Reading:
    text: str
    cols: tuple[int, ...]  # time step of each character
    scores: tuple[float, ...]


def _decode(probs: Any, allowed: Any, labels: list[str]) -> _Reading:
    """Greedy CTC decoding of one crop's (time, class) probabilities over the classes ``allowed``."""
    import numpy as np

    sub = probs[:, allowed]
    idx = sub.argmax(axis=1)
    best = sub[np.arange(len(idx)), idx]
    chars: list[str] = []
    cols: list[int] = []
    scores: list[float] = []
    prev = -1
    for t, i in enumerate(idx.tolist()):
        if i != prev and allowed[i] != 0:
            chars.append(labels[allowed[i]])
            cols.append(t)
            scores.append(float(best[t]))
        prev = i
    return _Reading("".join(chars), tuple(cols), tuple(scores))


def _mean(reading: _Reading) -> float:
    return sum(reading.scores) / len(reading.scores) if reading.scores else 0.0


def _read(engine: Any, crop: Any) -> tuple[_Reading, float]:
    """Recognise one text crop: (reading, fraction of the crop per time step). A crop that reads as a
    misread number (a lone 0 as 。 or o) is decoded again over digits only, from the same probabilities."""
    import numpy as np

    rec = engine.text_rec
    labels: list[str] = rec.postprocess_op.character
    ratio = crop.shape[1] / max(crop.shape[0], 1)
    width = max(_REC_MIN_RATIO, ratio)
    probs = rec.session(rec.resize_norm_img(crop, width)[np.newaxis].astype(np.float32))[0][0]
    reading = _decode(probs, np.arange(len(labels)), labels)
    if reading.text and all(ch.isdigit() or ch in _ZERO_OR_ONE for ch in reading.text):
        number = _decode(probs, np.array([0, *(i for i, ch in enumerate(labels) if ch in "0123456789.")]), labels)
        if NUMBER.fullmatch(number.text):
            reading = number
    # the crop fills ratio/width of the padded input, which the model reads in len(probs) time steps
    return reading, width / max(ratio, 1e-6) / len(probs)


def _read_crops(engine: Any, crops: list[Any]) -> list[tuple[_Reading, float]]:
    """Recognise text crops one by one (batching saves nothing on a CPU core and pads narrow crops). A
    number read unsurely is read again stretched sideways: two digits that touch at this size (96 as 6)
    get time steps enough to come apart; the surer reading that is still a number is kept."""
    import cv2

    out = []
    for crop in crops:
        reading, scale = _read(engine, crop)
        if NUMBER.fullmatch(reading.text) and min(reading.scores) < LOW_CONFIDENCE:
            wide, wide_scale = _read(engine, cv2.resize(crop, None, fx=2.5, fy=1.0, interpolation=cv2.INTER_CUBIC))
            if NUMBER.fullmatch(wide.text) and _mean(wide) > _mean(reading):
                reading, scale = wide, wide_scale
        out.append((reading, scale))
    return out


def _detect(image: Any) -> list[Box]:
    """Text boxes found by the detector, as axis-aligned rectangles (the page is straight already)."""
    quads, _ = _engine().text_det(image)
    if quads is None:
        return []
    return [(float(q[:, 0].min()), float(q[:, 1].min()), float(q[:, 0].max()), float(q[:, 1].max())) for q in quads]


def _recognise(gray: Gray, boxes: list[Box]) -> list[Word]:
    """Read each box, with a centre and a score per character."""
    import cv2

    h, w = gray.shape
    clipped = [(max(int(b[0]), 0), max(int(b[1]), 0), min(int(b[2] + 1), w), min(int(b[3] + 1), h)) for b in boxes]
    clipped = [b for b in clipped if b[2] - b[0] >= 2 and b[3] - b[1] >= 2]
    crops = [cv2.cvtColor(gray[y0:y1, x0:x1], cv2.COLOR_GRAY2BGR) for x0, y0, x1, y1 in clipped]
    words = []
    for (x0, y0, x1, y1), (reading, scale) in zip(clipped, _read_crops(_engine(), crops), strict=True):
        text = reading.text.strip()
        if not text or (not NUMBER.fullmatch(text) and sum(reading.scores) / len(reading.scores) < _TEXT_SCORE):
            continue  # noise; a number is kept however unsure (its score goes on the cell): a lost digit is a lie
        lead = len(reading.text) - len(reading.text.lstrip())
        keep = range(lead, lead + len(text))
        words.append(
            Word(
                text,
                float(x0),
                float(y0),
                float(x1),
                float(y1),
                tuple(round(x0 + (reading.cols[i] + 0.5) * scale * (x1 - x0), 1) for i in keep),
                tuple(round(reading.scores[i], 3) for i in keep),
            )
        )
    return words


def scan(gray: Gray, dpi: int) -> PageScan:
    """Straighten, find the text boxes and the ruled tables, and read the boxes of one page image."""
    import cv2

    from .imaging import deskew, find_tables, ink

    straight, angle = deskew(gray)
    boxes = dedupe(_detect(cv2.cvtColor(straight, cv2.COLOR_GRAY2BGR)))
    text_height = statistics.median(b[3] - b[1] for b in boxes) if boxes else dpi / 8
    tables = find_tables(straight, text_height)
    ink_page = ink(straight)
    boxes = extend_to_ink(boxes, tables, ink_page)
    if tables:
        boxes = fit_to_cells(boxes, tables, ink_page)
    words = _recognise(straight, boxes)
    if tables:
        words = [minus_sign(w, ink_page) if in_table(w, tables) else w for w in words]
    h, w = straight.shape
    return PageScan(w, h, dpi, angle, tuple(words), tuple(tables))


# --- page images -----------------------------------------------------------------------------------------


def pdf_page_image(document: Any, index: int) -> tuple[Gray, int]:
    """Page ``index`` of an open pypdfium2 document, rendered at the resolution of the scan it holds."""
    import numpy as np
    import pypdfium2.raw as pdfium_c

    page = document[index]
    try:
        width_pt, height_pt = page.get_width(), page.get_height()
        native = 0.0
        for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
            px_w, _ = obj.get_px_size()
            left, _, right, _ = obj.get_bounds()
            if right - left > width_pt / 2:
                native = max(native, px_w * 72 / (right - left))
        dpi = int(min(max(native, _PDF_DPI[0]), _PDF_DPI[1])) if native else _DEFAULT_DPI
        # a page drawn poster-sized would render to gigabytes: no more pixels than a large sheet at 220 dpi
        dpi = int(min(dpi, 72 * (_MAX_PIXELS / max(width_pt * height_pt, 1.0)) ** 0.5))
        image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    finally:
        page.close()
    return np.asarray(image), dpi


def image_pages(data: bytes, path: str, what: str = "an image") -> list[tuple[Gray, int]]:
    """The frames of an image file (a multi-page TIFF has several), greyscale, with their dpi."""
    import numpy as np
    from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

    try:
        image = Image.open(_bytes_io(data))
        width, height = image.size
        if width * height > 4 * _MAX_PIXELS:
            raise TooLargeError(path, f"the image has {width}x{height} pixels", "scan the page at 150-300 dpi")
        frames = []
        for frame in ImageSequence.Iterator(image):
            dpi = frame.info.get("dpi", (0, 0))[0] or _DEFAULT_DPI
            frames.append((np.asarray(ImageOps.exif_transpose(frame).convert("L")), round(float(dpi))))
    except Image.DecompressionBombError as exc:
        raise TooLargeError(path, f"the image is too large to read ({exc})", "scan the page at 150-300 dpi") from None
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        from ..errors import BinaryDocumentError

        raise BinaryDocumentError(
            path, f"this is {what} that cannot be decoded ({type(exc).__name__})", "re-download or re-scan the file"
        ) from None
    return frames


def _bytes_io(data: bytes) -> Any:
    import io

    return io.BytesIO(data)


# --- cache -----------------------------------------------------------------------------------------------


def cache_dir() -> Path:
    return Path(os.environ.get("EXTRACTOR_CACHE") or Path.home() / ".cache" / "extractor") / "ocr"


def _cache_file(sha256: str) -> Path:
    key = json.dumps(_SETTINGS, sort_keys=True)
    import hashlib

    settings = hashlib.sha256(key.encode()).hexdigest()[:8]
    return cache_dir() / sha256[:2] / f"{sha256}-{settings}.json"


def _load_cached(sha256: str) -> dict[int, PageScan]:
    try:
        data = json.loads(_cache_file(sha256).read_text(encoding="utf-8"))
        return {int(k): PageScan.from_json(v) for k, v in data["pages"].items()}
    except (OSError, ValueError, KeyError, TypeError):
        return {}  # absent, or written by another version: read the pages again


def _store(sha256: str, pages: dict[int, PageScan]) -> None:
    """Write atomically (a temporary file renamed over the old one): a reader never sees half a file, and
    two processes reading the same file at once both leave a whole one."""
    target = _cache_file(sha256)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        payload = json.dumps({"pages": {str(k): v.to_json() for k, v in sorted(pages.items())}}, ensure_ascii=False)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(payload)
        os.replace(tmp, target)
    except OSError:
        pass  # an unwritable cache costs time on the next run, never the document


def scan_pages(sha256: str, indices: list[int], image: Callable[[int], tuple[Gray, int]]) -> dict[int, PageScan]:
    """The scans of pages ``indices``, from the cache or read now (``image(i)`` gives page i's image)."""
    pages = _load_cached(sha256)
    missing = [i for i in indices if i not in pages]
    for i in missing:
        pages[i] = scan(*image(i))
    if missing:
        _store(sha256, pages)
    return {i: pages[i] for i in indices}


def image_document(data: bytes, path: str, sha256: str, what: str = "an image") -> list[PageScan]:
    """An image file's pages (a multi-page TIFF has several), read by OCR or from the cache. ``what`` says
    what the file is in messages ("a PNG image named .pdf")."""
    require(path, f"this is {what}, which needs OCR")
    scans = _load_cached(sha256)
    if not scans:
        frames = image_pages(data, path, what)
        scans = scan_pages(sha256, list(range(len(frames))), frames.__getitem__)
    if not any(s.words for s in scans.values()):
        raise InputError(path, "OCR found no text in the image", "check that it is a scan of a report, not a photo")
    return [s for _, s in sorted(scans.items())]
