"""The 信息处理费 stated in section 六 (else anywhere): 0 when the report says none was charged, the amount
when it states one, None when it is silent."""

from __future__ import annotations

import re

from .ingest import Document
from .schema import Fee
from .sections import Section

_LONGEST = 200  # characters: a "sentence" longer than this is text whose full stops were lost
_FEE_WORD = re.compile(r"处理费|收费通知|信息公开收费|收费")
_FEE_NONE = re.compile(
    r"(?:未|没有|无|不)(?:产生|收取|发生|收)[^。;]{0,24}?(?:处理费|费用|收费)|(?:处理费|收费)[^。;]{0,8}?(?:为)?(?:0|零)(?:元|万元)?|"
    r"未收取任何费用|(?:处理费|收费)[^。;]{0,6}?(?:情况)?[为:]?无"
)
_FEE_AMOUNT = re.compile(
    r"(?:处理费|收费)[^。;\d]{0,16}?(\d+(?:\.\d+)?)\s*(万元|元)|(?:收取|产生)[^。;\d]{0,12}?(\d+(?:\.\d+)?)\s*(万元|元)[^。;]{0,8}处理费"
)


def _sentence(norm: str, start: int, end: int, at: int, stop_from: int) -> tuple[int, int]:
    """The sentence around ``at``: from the last 。 or line break before it to the next one (。 included)."""
    s = max(norm.rfind("。", start, at), norm.rfind("\n", start, at)) + 1
    s = max(s, start)
    stop = min(i for i in (norm.find("。", stop_from, end), norm.find("\n", stop_from, end), end) if i >= 0)
    e = stop + 1 if stop < end and norm[stop] == "。" else stop
    while s < e and norm[s].isspace():
        s += 1
    return s, e


def extract_fee(doc: Document, other: Section | None) -> Fee | None:
    """The 信息处理费 of section 六 (``other``), else of the whole text."""
    regions = [(other.body_start, other.end)] if other else []
    regions.append((0, len(doc.norm)))
    norm = doc.norm
    for start, end in regions:
        pos = start
        while (m := _FEE_WORD.search(norm, pos, end)) is not None:
            s, e = _sentence(norm, start, end, m.start(), m.end())
            pos = max(e, m.end())
            sentence = norm[s:e]
            if "处理费" not in sentence and "收费通知" not in sentence and "信息公开" not in sentence:
                continue
            if e - s > _LONGEST and "处理费" not in sentence:
                continue  # a crawler's run-on table ("行政事业性收费0…"), not a sentence about the fee
            amount = _FEE_AMOUNT.search(sentence)
            # (the pattern's second form, "收取100元信息处理费", fills groups 3 and 4)
            digits, unit = (
                (amount.group(1) or amount.group(3), amount.group(2) or amount.group(4)) if amount else ("", "")
            )
            if digits and digits != "0":
                value: int | float = float(digits) if "." in digits else int(digits)
                return Fee(value=value, unit=unit, text=doc.text[s:e], span=(s, e))
            if _FEE_NONE.search(sentence):
                return Fee(value=0, unit="元", text=doc.text[s:e], span=(s, e))
    return None
