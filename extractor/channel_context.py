"""Whether a channel named in a sentence is one the public gets information from: a hotline that answers
questions, not one that takes complaints; not a platform only for complaints, a closed account, the reading
point of an archive named before it, or a column of an account."""

from __future__ import annotations

import re

from .channel_entries import Found

_ANSWERS = re.compile(r"解答|答复|答疑|回应|回复")
_INTAKE = re.compile(r"诉求|投诉|信访|举报")
_PUBLISHES = re.compile(r"公开|发布|公示|公布|解读|查阅|推送|刊登|解答|答复|回应")
# The reading points of the archive and library ("区档案局、图书馆的便民查阅点", "“两馆”(档案馆、图书馆)政府信息
# 查阅点", "做好查阅场所的建设,并向区档案馆、图书馆移送") are those halls, not another platform.
_OF_HALLS = re.compile(r"馆|档案局")
_COLUMN = re.compile(r"(?<=》)(?:系列)?(?:专栏|栏目)")
_ACCOUNT_NAME = re.compile(r"[“\"(](?!以下)[^”\"()\n,。;、]{2,20}[”\")]")
_CLOSED = re.compile(r"注销|关停|关闭|停用|下线")
_CLAUSE_REACH = 120  # how far a clause or sentence is looked for around a channel word


def with_account_name(norm: str, f: Found, quoted: list[Found]) -> Found:
    """An account named after its kind ("微信公众号“八闽国资”", "微信公众号(平潭城乡交建中心)") with its name; not
    a quoted platform of its own ("政务新媒体“…管理局”微信公众号")."""
    if f.kind != "new_media":
        return f
    m = _ACCOUNT_NAME.match(norm, f.end)
    if m is None or any(f.end <= q.start < m.end() for q in quoted):
        return f
    return Found(f.start, m.end(), f.kind, f.listed)


def serves_public(norm: str, f: Found, region_start: int) -> bool:
    """A hotline is a platform where the report says it answers the public's questions ("12345便民服务平台予以
    解答回应"), not where it takes complaints ("整合政务热线电话", "点击“12345热线”填写诉求"); no channel is one
    in a clause only about taking complaints ("“政企直通车”平台诉求由12345平台统一流转分办") or about closing it,
    a reading point is its archive's and library's, a 《title》 before 专栏 is a column."""
    if f.kind == "hotline":
        return _ANSWERS.search(norm, f.end, _clause_end(norm, f.end, "。\n")) is not None
    if f.kind == "service_hall" and "查阅" in norm[f.start : f.end] and _of_halls(norm, f, region_start):
        return False
    if _COLUMN.match(norm, f.end):
        return False  # 《快检天天报》系列专栏: an account's column
    start, end = _clause_start(norm, f.start, ",;。\n"), _clause_end(norm, f.end, ",;。\n")
    if _CLOSED.search(norm, start, end):
        return False  # "对长期未更新的公众号…进行了注销": closed, no longer a channel
    return _INTAKE.search(norm, start, end) is None or _PUBLISHES.search(norm, start, end) is not None


def _of_halls(norm: str, f: Found, region_start: int) -> bool:
    end = min(f.end + 24, _clause_end(norm, f.end, "。\n"))
    return _OF_HALLS.search(norm, max(region_start, f.start - 12), end) is not None


def sentence(norm: str, pos: int) -> tuple[int, int]:
    """The sentence around ``pos`` (up to ``_CLAUSE_REACH`` characters each side)."""
    return _clause_start(norm, pos, "。\n"), _clause_end(norm, pos, "。\n")


def _clause_start(norm: str, pos: int, stops: str) -> int:
    lo = max(0, pos - _CLAUSE_REACH)
    return max(lo - 1, *(norm.rfind(c, lo, pos) for c in stops)) + 1


def _clause_end(norm: str, pos: int, stops: str) -> int:
    hi = min(len(norm), pos + _CLAUSE_REACH)
    ends = [e for e in (norm.find(c, pos, hi) for c in stops) if e >= 0]
    return min(ends, default=hi)
