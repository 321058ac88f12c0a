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
import re
import statistics
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..errors import InputError, OcrUnavailableError
from ..regions import ENGINE
from .imaging import TableGrid
from .layout import Block, Word, page_blocks

if TYPE_CHECKING:
    from .imaging import Gray

OcrMode = Literal["auto", "always", "never"]
OCR_MODES: tuple[OcrMode, ...] = ("auto", "always", "never")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
INSTALL = "pip install 'extractor[ocr]'"

_TEXT_SCORE = 0.3  # keep uncertain boxes (their confidence goes on the cell) rather than lose a digit
_REC_BATCH = 1  # one crop a run: batching saves nothing on a CPU core and pads narrow crops (measured)
# Crops narrower than this (width:height) are padded to it. PaddleOCR pads to 320:48, but a lone number read
# in a 2:1 frame is as accurate here and costs a third (the recogniser's time is proportional to width).
_REC_MIN_RATIO = 2.0
_PDF_DPI = (150, 220)  # render at the scan's own resolution, within these bounds
_DEFAULT_DPI = 200
# What a cached page depends on: change any (or the code that finds words and tables: bump "version") and
# pages are read again.
_SETTINGS = {
    "version": 5,
    "engine": ENGINE,
    "dpi": _PDF_DPI,
    "text_score": _TEXT_SCORE,
    "rec": [_REC_BATCH, _REC_MIN_RATIO],
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
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


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


def _read_crops(engine: Any, crops: list[Any]) -> list[tuple[_Reading, float]]:
    """Recognise text crops in batches of similar width: (reading, fraction of the padded width per time
    step). A crop that reads as a number misread (a lone 0 as 。 or o) is decoded again over digits only,
    from the same probabilities: no second pass of the model."""
    import numpy as np

    rec = engine.text_rec
    labels: list[str] = rec.postprocess_op.character
    everything = np.arange(len(labels))
    digits = np.array([0, *(i for i, ch in enumerate(labels) if ch in "0123456789.")])
    ratios = [c.shape[1] / max(c.shape[0], 1) for c in crops]
    order = sorted(range(len(crops)), key=ratios.__getitem__)
    out: list[tuple[_Reading, float]] = [(_Reading("", (), ()), 0.0)] * len(crops)
    for begin in range(0, len(order), _REC_BATCH):
        batch = order[begin : begin + _REC_BATCH]
        widest = max(_REC_MIN_RATIO, max(ratios[i] for i in batch))
        images = np.stack([rec.resize_norm_img(crops[i], widest) for i in batch]).astype(np.float32)
        probs = rec.session(images)[0]
        for k, i in enumerate(batch):
            reading = _decode(probs[k], everything, labels)
            if reading.text and all(ch.isdigit() or ch in _ZERO_OR_ONE for ch in reading.text):
                number = _decode(probs[k], digits, labels)
                if _NUMBER.fullmatch(number.text):
                    reading = number
            # time step -> fraction of the crop: the crop fills ratio/widest of the padded width
            scale = widest / max(ratios[i], 1e-6) / probs.shape[1]
            out[i] = (reading, scale)
    return out


Box = tuple[float, float, float, float]


def _detect(image: Any) -> list[Box]:
    """Text boxes found by the detector, as axis-aligned rectangles (the page is straight already)."""
    quads, _ = _engine().text_det(image)
    if quads is None:
        return []
    return [(float(q[:, 0].min()), float(q[:, 1].min()), float(q[:, 0].max()), float(q[:, 1].max())) for q in quads]


def _single_line(boxes: list[Box]) -> bool:
    return all(min(a[3], b[3]) - max(a[1], b[1]) >= 0.5 * min(a[3] - a[1], b[3] - b[1]) for a in boxes for b in boxes)


def _cell_members(boxes: list[Box], table: TableGrid) -> dict[int, list[int]]:
    """Index of the boxes whose centre lies in each cell of ``table``."""
    members: dict[int, list[int]] = {}
    for i, b in enumerate(boxes):
        cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
        for k, (r, c, rs, cs) in enumerate(table.cells):
            if table.xs[c] <= cx <= table.xs[c + cs] and table.ys[r] <= cy <= table.ys[r + rs]:
                members.setdefault(k, []).append(i)
                break
    return members


def _fit_to_cells(boxes: list[Box], tables: list[TableGrid], ink_page: Any) -> list[Box]:
    """Boxes inside ruled cells, taken from the cell's ink where that is safe: a one-line cell becomes one
    box around all its ink (at this size the detector clips a leading 一 or minus sign, or a trailing dot),
    and a cell with ink but no box (a lone digit the detector missed) gets one. Multi-line cells keep the
    detector's line boxes."""
    from .imaging import cell_ink

    out = list(boxes)
    for table in tables:
        members = _cell_members(out, table)
        drop: set[int] = set()
        added: list[Box] = []
        for k, found in enumerate(cell_ink(ink_page, table)):
            if found is None:
                continue
            mine = [out[i] for i in members.get(k, [])]
            tallest = max((b[3] - b[1] for b in mine), default=0.0)
            if mine and not (_single_line(mine) and found[3] - found[1] <= 1.6 * tallest):
                continue
            pad = max(2.0, 0.2 * (found[3] - found[1]))
            drop.update(members.get(k, []))
            added.append((found[0] - pad, found[1] - pad, found[2] + pad, found[3] + pad))
        out = [b for i, b in enumerate(out) if i not in drop] + added
    return out


def _extend_to_ink(boxes: list[Box], tables: list[TableGrid], ink_page: Any) -> list[Box]:
    """Lines outside tables, widened over ink the detector left out on the same line (a heading's leading
    三、 stands apart after its wide 、), up to a gap of twice the line's height and never into another box."""
    out = []
    in_table = [
        any(t.bbox[0] <= (b[0] + b[2]) / 2 <= t.bbox[2] and t.bbox[1] <= (b[1] + b[3]) / 2 <= t.bbox[3] for t in tables)
        for b in boxes
    ]
    for i, (x0, y0, x1, y1) in enumerate(boxes):
        h = y1 - y0
        if in_table[i] or h < 4:
            out.append((x0, y0, x1, y1))
            continue
        others = [b for j, b in enumerate(boxes) if j != i and min(b[3], y1) - max(b[1], y0) > 0.3 * h]
        left_stop = max((b[2] for b in others if b[2] <= x0), default=0.0)
        right_stop = min((b[0] for b in others if b[0] >= x1), default=float(ink_page.shape[1]))
        cols = ink_page[int(y0 + 0.25 * h) : int(y1 - 0.25 * h) + 1].any(axis=0)
        new_x0, new_x1 = x0, x1
        gap = 0
        for x in range(int(x0) - 1, int(left_stop), -1):
            gap = 0 if cols[x] else gap + 1
            if gap > 2 * h:
                break
            if cols[x]:
                new_x0 = x - 0.2 * h
        gap = 0
        for x in range(int(x1) + 1, int(right_stop)):
            gap = 0 if cols[x] else gap + 1
            if gap > 2 * h:
                break
            if cols[x]:
                new_x1 = x + 0.2 * h
        out.append((max(new_x0, left_stop), y0, min(new_x1, right_stop), y1))
    return out


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
        if not text or (not _NUMBER.fullmatch(text) and sum(reading.scores) / len(reading.scores) < _TEXT_SCORE):
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
    boxes = _detect(cv2.cvtColor(straight, cv2.COLOR_GRAY2BGR))
    text_height = statistics.median(b[3] - b[1] for b in boxes) if boxes else dpi / 8
    tables = find_tables(straight, text_height)
    ink_page = ink(straight)
    boxes = _extend_to_ink(boxes, tables, ink_page)
    if tables:
        boxes = _fit_to_cells(boxes, tables, ink_page)
    h, w = straight.shape
    return PageScan(w, h, dpi, angle, tuple(_recognise(straight, boxes)), tuple(tables))


# --- page images -----------------------------------------------------------------------------------------


def pdf_page_image(document: Any, index: int) -> tuple[Gray, int]:
    """Page ``index`` of an open pypdfium2 document, rendered at the resolution of the scan it holds."""
    import numpy as np
    import pypdfium2.raw as pdfium_c

    page = document[index]
    try:
        width_pt = page.get_width()
        native = 0.0
        for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
            px_w, _ = obj.get_px_size()
            left, _, right, _ = obj.get_bounds()
            if right - left > width_pt / 2:
                native = max(native, px_w * 72 / (right - left))
        dpi = int(min(max(native, _PDF_DPI[0]), _PDF_DPI[1])) if native else _DEFAULT_DPI
        image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    finally:
        page.close()
    return np.asarray(image), dpi


def image_pages(data: bytes, path: str) -> list[tuple[Gray, int]]:
    """The frames of an image file (a multi-page TIFF has several), greyscale, with their dpi."""
    import numpy as np
    from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

    try:
        image = Image.open(_bytes_io(data))
        frames = []
        for frame in ImageSequence.Iterator(image):
            dpi = frame.info.get("dpi", (0, 0))[0] or _DEFAULT_DPI
            frames.append((np.asarray(ImageOps.exif_transpose(frame).convert("L")), round(float(dpi))))
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        from ..errors import BinaryDocumentError

        raise BinaryDocumentError(path, f"not a readable image ({exc})", "re-download or re-scan the file") from None
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


def image_document(data: bytes, path: str, sha256: str) -> list[PageScan]:
    """An image file's pages (a multi-page TIFF has several), read by OCR or from the cache."""
    require(path, "an image needs OCR")
    scans = _load_cached(sha256)
    if not scans:
        frames = image_pages(data, path)
        scans = scan_pages(sha256, list(range(len(frames))), frames.__getitem__)
    if not any(s.words for s in scans.values()):
        raise InputError(path, "OCR found no text in the image", "check that it is a scan of a report, not a photo")
    return [s for _, s in sorted(scans.items())]
