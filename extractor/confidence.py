"""Which narrative parts the rules read with low confidence, so the model path can be asked for just those.

Signs that a reading failed, not that it succeeded: a section 五 whose problems or measures came out empty or
as one long block (no item structure was found), an overview with no platform named, a section 六 with no fee
statement found in a 2021-format report.
"""

from __future__ import annotations

from .crosscheck import fee_statement_missing
from .schema import Fee, Formats, Item, Platform
from .sections import Section

_BLOCK = 300  # characters: an item this long is a whole passage the rules could not cut into points


def needs_model(
    sections: dict[str, Section],
    problems: list[Item],
    improvements: list[Item],
    platforms: list[Platform],
    fee: Fee | None,
    formats: Formats,
) -> list[str]:
    """Parts of the record (problems, improvements, platforms, info_processing_fee) to ask a model for."""
    out = []
    if "problems_and_improvements" in sections:
        for name, found in (("problems", problems), ("improvements", improvements)):
            if not found or any(len(i.text) > _BLOCK for i in found):
                out.append(name)
    if "overview" in sections and not platforms:
        out.append("platforms")
    if fee_statement_missing(fee, formats):
        out.append("info_processing_fee")
    return out
