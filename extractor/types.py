"""The small types every module shares: spans, numbers, formats, grounding, and the shape of a table.

One name each, so a reader meets the same word for the same thing in the parser, the model stage, the
validators, the gold and the synthetic generator.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal, TypeAlias, TypeVar

Span: TypeAlias = tuple[int, int]
"""[start, end) character offsets into a document's decoded text: ``text[start:end]`` shows the thing.
A plain tuple (JSON ``[start, end]``): a report holds hundreds, built on the hot path."""

Number: TypeAlias = int | float
"""A value printed in a table or stated in prose: a count (int) or an amount (float)."""

Format: TypeAlias = Literal["2019", "2021"]
"""The official table format (国办公开办函〔2019〕60号 or 〔2021〕30号), told per table."""

Severity: TypeAlias = Literal["error", "warning"]

PlatformKind: TypeAlias = Literal["website", "new_media", "bulletin_board", "service_hall", "hotline", "other"]


class Grounding(StrEnum):
    """How an item's text was found in the source."""

    EXACT = "exact"  # verbatim (after normalising full-width characters and spaces)
    FUZZY = "fuzzy"  # aligned; the item's text is then the source's
    NONE = "none"  # found nowhere: kept, flagged, and reported (G1)


CellT = TypeVar("CellT")

Table: TypeAlias = dict[str, dict[str, CellT]]
"""Row key -> column key -> cell, in SPEC's vocabulary (table 4: block -> column -> cell). ``Table[Cell]`` is
what a record holds, ``Table[GoldCell]`` what the gold says, ``Table[Number | None]`` drawn values."""
