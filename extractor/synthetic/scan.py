"""A synthetic report as a scanner delivers it: the generated PDF printed, scanned at 150–200 dpi with a
slight skew, sensor noise and JPEG compression, and saved as a PDF of page images with no text layer.

pypdfium2 rasterises the pages, Pillow adds the damage and writes the image-only PDF (its PDF writer stores
each page as a JPEG). Everything is seeded, so the same report and seed give the same bytes.
"""

from __future__ import annotations

import io
import random
import time

from .doc import SyntheticDoc
from .files import to_pdf

# The fixed metadata date keeps the bytes (and so the sha256 the OCR cache is keyed by) reproducible.
_EPOCH = time.gmtime(0)


def scan_pages(pdf: bytes, seed: int, dpi: int | None = None) -> tuple[list[object], int]:
    """The pages of ``pdf`` as damaged greyscale scans (PIL images) and the dpi they were scanned at."""
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image

    rng = random.Random(seed)
    dpi = dpi or rng.choice((150, 175, 200))
    noise = np.random.default_rng(seed)
    pages: list[object] = []
    document = pdfium.PdfDocument(pdf)
    try:
        for page in document:
            image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            angle = rng.uniform(-1.0, 1.0)
            image = image.rotate(angle, resample=Image.Resampling.BILINEAR, expand=False, fillcolor=255)
            pixels = np.asarray(image, dtype=np.float32)
            pixels = pixels * rng.uniform(0.88, 0.97) + rng.uniform(4, 14)  # grey paper, faded toner
            pixels += noise.normal(0.0, rng.uniform(4.0, 9.0), pixels.shape)
            pages.append(Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), mode="L"))
    finally:
        document.close()
    return pages, dpi


def scan_pdf(pdf: bytes, seed: int, dpi: int | None = None) -> bytes:
    """``pdf`` printed and scanned: an image-only PDF, one JPEG page image per page."""
    pages, dpi = scan_pages(pdf, seed, dpi)
    quality = random.Random(seed + 1).randint(55, 80)
    buf = io.BytesIO()
    first, *rest = pages
    first.save(  # type: ignore[attr-defined]
        buf,
        "PDF",
        save_all=True,
        append_images=rest,
        resolution=float(dpi),
        quality=quality,
        title="scan",
        creationDate=_EPOCH,
        modDate=_EPOCH,
    )
    return buf.getvalue()


def to_scan(doc: SyntheticDoc, seed: int | None = None, dpi: int | None = None) -> bytes:
    """``doc`` as a scanned PDF with no text layer."""
    return scan_pdf(to_pdf(doc), doc.seed if seed is None else seed, dpi)
