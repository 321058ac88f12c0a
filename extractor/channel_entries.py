"""One entry per channel: the names a report gives one channel kept as one platform.

A report names its government's portal many ways ("“中国·平潭”政府门户网站" in the preamble, "政府门户网站" in a
list, "实验区政府网站" later, "“平潭网”" for short): one portal. New media come as umbrella words ("政务新媒体",
"“两微”平台") that stand for the accounts the report names, and as kinds of account ("微信公众号", "微博") that
stand for a named account of that kind ("“平潭发布”公众号"): the umbrella is kept only where the report names no
other new medium, a kind only where it names no account of that kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .types import PlatformKind


@dataclass(frozen=True, slots=True)
class Found:
    start: int
    end: int
    kind: PlatformKind
    listed: bool = False  # an item of a publishing list, named as the list prints it


# A government's portal, by any of its names ("政府门户网站", "实验区政府网站", "“平潭综合实验区管委会网站”",
# "平潭县政府信息公开网站"), and the bodies whose sites are their own platforms.
_PORTAL = re.compile(r"门户网|政府网|政务网|(?:政府|管委会|党工委)[”\"]?网站|信息公开网")
_DEPARTMENT = re.compile(r"局|委员会|中心|办公室|(?<!政)府办|院|所|厅|站|队|平台")
# A site named after a place: "中国平潭网", "“平潭网”", "“中国·平潭”网站" (the place is read off the portal the
# report's own copy names: a site named after it is that portal).
_PLACE_SITE = re.compile(r"[“\"]?(?:中国)?·?(?P<place>[\u4e00-\u9fff]{2,6}?)[”\"]?(?:网站?)?[”\"]?")
# What a portal's owner is called besides its place: "平潭综合实验区党工委管委会" owns "实验区政府门户网站".
_LEVEL = re.compile(r"[省市县区镇乡]")
_YEAR = re.compile(r"(?:19|20)\d\d")
_OWNER_WORDS = re.compile(r"[“”\"·\s]|中国|人民|政府|党工委|管委会|门户|信息公开|政务")


def _name(norm: str, f: Found) -> str:
    return "".join(norm[f.start : f.end].split())


def _owner(name: str) -> str:
    """The place a portal's name gives, without the words any government's portal has."""
    m = _PORTAL.search(name)
    head = name[: m.start()] if m is not None else name.rstrip('网站”"')
    return _OWNER_WORDS.sub("", head)


def _is_portal(name: str, own: str | None) -> bool:
    m = _PORTAL.search(name)
    if m is not None:
        return not _DEPARTMENT.search(name, 0, m.start())
    place = _PLACE_SITE.fullmatch(name)
    return place is not None and own is not None and place.group("place") in own and "政府" not in name


def merge_portals(norm: str, found: list[Found], own: tuple[int, int] | None) -> list[Found]:
    """The government's portal kept once: the one the report's own copy names, else the first named with its
    owner; its other names, with no owner or the same owner, are dropped. A department's site ("区行政服务中心
    官网", "“…市场监督管理局”门户网站") or another government's ("省政府门户网站") is another platform. Without
    the own copy naming a portal, a publishing list's item stays as the list names it."""
    own_found = next((f for f in found if own is not None and own[0] <= f.start < own[1] and f.kind == "website"), None)
    own_name = _name(norm, own_found) if own_found is not None else None
    portals = [
        f
        for f in found
        if f.kind == "website" and (own_name is not None or not f.listed) and _is_portal(_name(norm, f), own_name)
    ]
    if len(portals) < 2:
        return found
    # the own copy's portal, else the first named with its owner ("示例县人民政府门户网站", not "门户网站")
    owned = [f for f in portals if _owner(_name(norm, f))] or portals
    keep = own_found if own_found in portals else min(owned, key=lambda f: f.start)
    title = _title(norm)
    kept = _owner(_name(norm, keep))
    same = [f for f in portals if f is not keep and _same_government(_owner(_name(norm, f)), kept, title)]
    return [f for f in found if f not in same]


def _same_government(owner: str, kept: str, title: str) -> bool:
    """Whether a portal owned by ``owner`` is the kept portal: no owner, a part of the kept one's
    ("实验区" of "平潭综合实验区"), or both the body's own by the report's title, by its place ("平潭") or its
    level ("区政府门户网站" in a 区's or a 区 department's report, not in a 镇's)."""
    if not owner or owner in kept:
        return True
    return _of_body(owner, title) and (not kept or _of_body(kept, title))


def _of_body(owner: str, title: str) -> bool:
    if len(owner) == 1:  # a level: the body's when it is the title's last level ("示例县城关镇…": 镇)
        levels = _LEVEL.findall(title)
        return bool(levels) and levels[-1] == owner
    return owner in title


def _title(norm: str) -> str:
    """The report's title up to its year, which names its body ("平潭综合实验区2018年度…报告")."""
    end = norm.find("报告", 0, 300)
    title = norm[:end] if end >= 0 else ""
    year = _YEAR.search(title)
    return title[: year.start()] if year is not None else title


# A channel's former name in brackets after it: "福建政务服务网(原省网上办事大厅)".
_FORMERLY = re.compile(r"\s*\(原([^()\n]{2,24})\)")


def merge_renamed(norm: str, found: list[Found]) -> list[Found]:
    """A channel named with its former name ("X(原Y)") is the channel the report named Y: kept once, under
    the name the report used first."""
    drop: set[Found] = set()
    for i, f in enumerate(found):
        m = _FORMERLY.match(norm, f.end)
        if m is None:
            continue
        old = next((j for j, g in enumerate(found) if j != i and _name(norm, g) in m.group(1)), None)
        if old is not None:
            drop.add(found[max(i, old)])
    return [f for f in found if f not in drop]


# --- halls and papers -------------------------------------------------------------------------------

# A body's government service centre, by any of its names ("实体政务大厅", "区行政服务中心", "行政服务中心窗口"):
# one hall. (便民服务中心 are a town's or village's own halls, each its own.)
_SERVICE_CENTRE = re.compile(r"(?:行政|政务)服务中心|政务(?:公开)?(?:服务)?大厅|^服务大厅")
# Newspapers in general ("报刊", "报纸") stand for the paper a report names ("《平潭时报》", "平潭日报").
_PRESS = re.compile(r"报刊|报纸|新闻媒体|纸媒")
_PAPER_NAME = re.compile(r"《[^》]*报》|[时日晚]报$")


def merge_halls_and_papers(norm: str, found: list[Found]) -> list[Found]:
    """The government service centre kept once (its first name), and newspapers in general dropped where the
    report names a paper."""
    drop: set[Found] = set()
    centres = [f for f in found if f.kind == "service_hall" and _SERVICE_CENTRE.search(_name(norm, f))]
    drop.update(centres[1:])
    others = [f for f in found if f.kind == "other"]
    if any(_PAPER_NAME.search(_name(norm, f)) for f in others):
        drop.update(f for f in others if _PRESS.fullmatch(_name(norm, f)))
    return [f for f in found if f not in drop]


# --- new media ---------------------------------------------------------------------------------------

# Words for all of a body's new media: "政务新媒体", "新媒体平台", "“两微”平台", "政务微信微博".
# An owner before one ("县政务新媒体") leaves it an umbrella word.
_UMBRELLA = re.compile(
    r"(?:政务|各类)?(?:新媒体|自媒体|社交媒体)(?:平台|账号|矩阵|宣传平台)?$|[“\"]?两微(?:一端)?[”\"]?(?:平台|新平台)?$|"
    r"(?:政务)?微信微博$"
)
# Kinds of account, and the word for each kind alone ("官方微信公众号", "微信公众号平台", "新浪微博").
_MEDIA_TYPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("wechat", re.compile(r"公众号|公众平台|微信")),
    ("weibo", re.compile(r"微博")),
    ("video", re.compile(r"视频号")),
    ("douyin", re.compile(r"抖音")),
    ("kuaishou", re.compile(r"快手")),
    ("toutiao", re.compile(r"头条")),
    ("xiaohongshu", re.compile(r"小红书")),
    ("miniapp", re.compile(r"小程序")),
    ("app", re.compile(r"APP|客户端|移动端")),
)
_GENERIC_ACCOUNT = re.compile(
    r"(?:政务|官方|新浪)*(?:微信公众号|微信公众平台|公众号|微信|微博|视频号|抖音号?|快手号?|今日头条|头条号|小红书|"
    r"小程序|APP|客户端|移动端)(?:平台|账号)?"
)


def _media_type(name: str) -> str | None:
    return next((t for t, p in _MEDIA_TYPES if p.search(name)), None)


def is_umbrella(name: str) -> bool:
    m = _UMBRELLA.search(name)
    return m is not None and "“" not in name[: m.start()] and '"' not in name[: m.start()]


def resolve_new_media(norm: str, found: list[Found]) -> list[Found]:
    """Umbrella words dropped where another new medium is named (the first kept where none is); a kind of
    account dropped where an account of that kind is named (an account of no stated kind, "“平潭警方在线”",
    stands for the WeChat and Weibo kinds), and named once."""
    media = [(f, _name(norm, f)) for f in found if f.kind == "new_media"]
    umbrellas = [f for f, name in media if is_umbrella(name)]
    others = [(f, name) for f, name in media if not is_umbrella(name)]
    drop = set(umbrellas[1:] if not others else umbrellas)
    specific: set[str | None] = {_media_type(name) for _, name in others if not _GENERIC_ACCOUNT.fullmatch(name)}
    if None in specific:
        specific |= {"wechat", "weibo"}
    seen: set[str | None] = set()
    for f, name in others:
        if _GENERIC_ACCOUNT.fullmatch(name):
            kind = _media_type(name)
            if kind in specific or kind in seen:
                drop.add(f)
            seen.add(kind)
    return [f for f in found if f not in drop]
