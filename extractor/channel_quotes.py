"""Quoted names of channels: an account or site named in quotes ("“平潭发布”公众号", "“沁水县人民政府网”",
"“福建省网上办事大厅”"), runs of them sharing one suffix, and the accounts a sentence on new media lists."""

from __future__ import annotations

import re

from .channel_context import sentence
from .channel_entries import Found
from .channel_words import KINDS, last_word
from .types import PlatformKind

# A quoted account or site name: “平潭发布”公众号 (quotes kept: the suffix names the kind), “沁水县人民政府网”.
_QUOTED = re.compile(
    r"[“\"](?P<name>[^”\"\n]{2,20}?)[”\"](?P<suffix>(?:官方|政务)?微信公众号|公众号|(?:官方|政务)?(?:新浪)?微博(?:账号)?|"
    r"政务微信|抖音号|头条号|广播|电台|"
    r"视频号|小程序|客户端|APP|平台|政府门户网站|门户网站|网站)?"
)
_QUOTED_KIND: tuple[tuple[str, PlatformKind], ...] = (
    ("公众号", "new_media"),
    ("微博", "new_media"),
    ("微信", "new_media"),
    ("号", "new_media"),
    ("客户端", "new_media"),
    ("程序", "new_media"),
    ("APP", "new_media"),
    ("网站", "website"),
    ("网", "website"),
    ("平台", "website"),
    ("广播", "other"),
    ("电台", "other"),
)
_SOCIAL = re.compile(r"微|一端")
# A sentence about a body's new media as a whole: quoted names in it closed by 等 are its accounts (in a
# sentence about one account, "优化公众号栏目设置…“办件进度查询”“网上办事”等栏目", they are its columns).
_MEDIA_CUE = re.compile(r"两微|新媒体|微阵地|矩阵")
_SLOGAN = re.compile(r"[,，;；。、!?]")


def quoted(norm: str, start: int, end: int) -> list[Found]:
    """Quoted names: of a platform ("“平潭发布”公众号", "“沁水县人民政府网”"), and runs of them sharing one
    suffix ("“信用中国”“信用福建”“信用平潭”平台") or, in a sentence about new media, closed by 等 ("做精做强
    “平潭警方在线”、“平潭交警”等品牌栏目", the accounts of the “两微”平台 named before)."""
    found: list[Found] = []
    run: list[re.Match[str]] = []
    for m in _QUOTED.finditer(norm, start, end):
        if _SLOGAN.search(m.group("name")):
            continue  # "上网不涉密,涉密不上网" is a slogan
        if run and norm[run[-1].end() : m.start()] not in ("", "、"):
            found += _quoted_run(norm, run)
            run = []
        run.append(m)
        if m.group("suffix"):
            found += _quoted_run(norm, run)
            run = []
    return found + _quoted_run(norm, run)


def _quoted_run(norm: str, run: list[re.Match[str]]) -> list[Found]:
    if not run:
        return []
    suffix = run[-1].group("suffix")
    if suffix:
        kind = next(k for end_word, k in _QUOTED_KIND if suffix.endswith(end_word))
        if suffix == "平台" and _SOCIAL.search(run[-1].group("name")):  # “两微”平台: accounts, not a site
            kind = "new_media"
        return [Found(m.start(), m.end(), kind) for m in run]
    if norm.startswith("等", run[-1].end()) and _MEDIA_CUE.search(norm, *sentence(norm, run[0].start())):
        return [Found(m.start("name"), m.end("name"), "new_media") for m in run]
    found = []
    for m in run:
        name = m.group("name")
        if "尽" in name:
            continue  # "应公开尽公开"
        if name.endswith(("网站", "网", "客户端", "APP", "公众号")):
            kind = next(k for end_word, k in _QUOTED_KIND if name.endswith(end_word))
            found.append(Found(m.start("name"), m.end("name"), kind))
            continue
        word = last_word(norm, m.start("name"), m.end("name"))
        if word is not None and word.end() == m.end("name"):  # “福建省网上办事大厅”, “两馆”
            whole = word.start() == m.start("name")  # a channel word quoted as a term keeps its quotes
            kind = KINDS[word.lastgroup or "other"]
            found.append(Found(m.start(), m.end(), kind) if whole else Found(m.start("name"), m.end("name"), kind))
    return found
