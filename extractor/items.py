"""One part of section 五 cut into its items (problems or measures), as spans of the normalised text.

In order: an enumeration (一是…, （一）…, 1.…; numbering that repeats or skips a number is still one list), a
"；" list that is one sentence ("存在的主要问题：A；B；C。"), the list a problem sentence names ("如：A、B、C等",
"存在A、B等问题"), else paragraphs (lines a PDF broke inside a sentence joined) and, in a problem paragraph,
its sentences or clauses that name a problem. An item is the whole point: its title sentence and its detail.
"""

from __future__ import annotations

import re

from .sections import NUMERALS
from .types import Span

# Enumerators, with what may stand before each (besides the start of the part it opens: "存在的主要问题一是…").
ENUM_STYLES = (
    re.compile(r"([一二三四五六七八九十])是"),
    re.compile(r"[(]([一二三四五六七八九十])[)]"),
    re.compile(r"(\d{1,2})[.、](?!\d)"),
    re.compile(r"第([一二三四五六七八九十])[,、]"),
    re.compile(r"([一二三四五六七八九十])[、.]"),
)
_BEFORE = ("。;,: \t\n", "。;: \t\n", "。;: \t\n", "。;: \t\n", "。;: \t\n")
_SENTENCE_END = "。;!？?"
# An introduction that only frames the list ("取得了一定成绩，但还存在一些问题和不足") is not an item.
_GENERIC = re.compile(
    r"取得了?(?:一定|一些)?的?(?:成绩|成效|进步|进展)"
    r"|(?:还|仍|也)?存在(?:着)?(?:一定|一些|以下|如下)?的?(?:差距|不足|问题|薄弱环节|短板)"
    r"(?:[和与及](?:差距|不足|问题|薄弱环节))?"
)
_BUT = re.compile(r"^[^。]*?(?:成绩|成效|进步|进展)[^。]*?[,，]\s*但(?:是)?")
PROBLEM_WORDS = re.compile(
    r"不足|不够|有待|滞后|欠缺|单一|不强|不高|不及时|缺乏|薄弱|不到位|不完善|不规范|待进一步|仍需|需进一步|需强化|"
    r"不熟|尚未|较少|偏少|不多|不均衡|不平衡|短板|仍有差距|存在差距|需要进一步"
)
# The list a problem sentence names: "如：A、B、C等", "主要表现在：A，B", else "主要存在A、B等问题", "存在A等问题".
_LIST_END = r"(?P<list>[^。]{4,}?)(?P<etc>等(?:方面的?)?(?:问题|不足|方面)?)?(?=[。]|$)"
_SUCH_AS = re.compile(r"(?:如|例如|主要表现(?:在|为)|表现(?:在|为)|主要有)[:]?" + _LIST_END)
_EXISTS = re.compile(r"存在" + _LIST_END)
_VAGUE = re.compile(
    r"(?:一些|一定|以下|如下)?的?(?:问题|不足|差距|薄弱环节|短板)(?:[和与及](?:问题|不足|差距))?[,;:]?$"
)
_CLAUSE = re.compile(r"[^,;]+(?:[,;]|$)")
_FRAMING = re.compile(r"相比|取得|虽然|尽管|对照|距离|^(?:如:)?(?:一定|一些)?的?差距[,;]?$")
_CONNECTIVE = re.compile(r"^(?:另外|此外|同时|并且|而且|还有)[,]?")
_SENTENCE = re.compile(r"[^。;]+[。;]?")
_TITLE_LEN = 20  # a sentence this short that names a problem is an item's title ("政策解读形式有待丰富。")


def trimmed(norm: str, start: int, end: int) -> Span:
    chunk = norm[start:end]
    stripped = chunk.strip(" \t\n:")
    if not stripped:
        return start, start
    lead = start + chunk.index(stripped)
    return lead, lead + len(stripped)


def _number(m: re.Match[str]) -> int:
    g = m.group(1)
    return int(g) if g.isdigit() else NUMERALS.get(g, 0)


def chain(norm: str, start: int, end: int) -> list[re.Match[str]]:
    """The earliest-starting enumeration of at least two markers. It starts at 1 and each next marker
    repeats, follows or skips one number (reports print 一是/三是/三是)."""
    best: list[re.Match[str]] = []
    for style, before in zip(ENUM_STYLES, _BEFORE, strict=True):
        found: list[re.Match[str]] = []
        for m in style.finditer(norm, start, end):
            if m.start() > start and norm[m.start() - 1] not in before:
                continue
            n = _number(m)
            if found and _number(found[-1]) <= n <= _number(found[-1]) + 2:
                found.append(m)
            elif n == 1 and len(found) < 2:
                found = [m]
        if len(found) >= 2 and (not best or found[0].start() < best[0].start()):
            best = found
    return best


def _last_item_end(norm: str, start: int, end: int) -> int:
    """The last enumerated item ends at the first line that closes a sentence."""
    pos = start
    while pos < end:
        nl = norm.find("\n", pos, end)
        if nl < 0:
            return end
        if norm[pos:nl].rstrip()[-1:] in _SENTENCE_END:
            return nl
        pos = nl + 1
    return end


def _paragraphs(norm: str, start: int, end: int) -> list[Span]:
    """Paragraphs of the range; a line that does not close its sentence runs on into the next (a PDF's hard
    line breaks), unless the next opens an enumerated item."""
    spans: list[Span] = []
    pos = start
    open_para: Span | None = None
    for line in norm[start:end].split("\n"):
        s, e = trimmed(norm, pos, pos + len(line))
        pos += len(line) + 1
        if s == e:
            continue
        runs_on = open_para is not None and norm[open_para[1] - 1] not in _SENTENCE_END + ":"
        if runs_on and open_para is not None and not any(style.match(norm, s) for style in ENUM_STYLES):
            open_para = (open_para[0], e)
            continue
        if open_para is not None:
            spans.append(open_para)
        open_para = (s, e)
    if open_para is not None:
        spans.append(open_para)
    return spans


def _semicolon_list(norm: str, start: int, end: int) -> list[Span]:
    """A "；" list that is one sentence, after its introduction's colon: its clauses."""
    text = norm[start:end]
    colon = text.find(":")
    body = start + colon + 1 if 0 <= colon < len(text) - 1 and text.count(";", 0, colon) == 0 else start
    if norm.count(";", body, end) < 1 or "。" in norm[body:end].rstrip("。 \n"):
        return []
    spans = [trimmed(norm, m.start() + body, m.end() + body) for m in re.finditer(r"[^;]+;?", norm[body:end])]
    return [(s, e) for s, e in spans if e > s]


def _named_list(norm: str, start: int, end: int, such_as: bool) -> list[Span]:
    """The problems a sentence lists after 如 / 表现在 (``such_as``), else after 存在 (split on ；, then on commas,
    else on 、 when each part names a problem), or the one it names ("存在X等问题")."""
    return (
        _list_of(norm, _SUCH_AS.search(norm, start, end))
        if such_as
        else _list_of(
            norm, next((m for m in _EXISTS.finditer(norm, start, end) if not _VAGUE.match(m.group("list"))), None)
        )
    )


def _list_of(norm: str, m: re.Match[str] | None) -> list[Span]:
    if m is None:
        return []
    s, e = m.span("list")
    if m.group("etc") is None and norm[e : e + 1] == "。":
        e += 1  # a list that closes its sentence keeps the full stop, as an item of a paragraph does
    for sep in (";", "," if "," in norm[s:e] else "、"):
        parts = [trimmed(norm, a.start() + s, a.end() + s) for a in re.finditer(f"[^{sep}]+", norm[s:e])]
        if sep == "," and len(parts) >= 2:
            clauses = _problem_clauses(norm, s, e)
            if clauses:
                return clauses
        elif len(parts) >= 2 and all(PROBLEM_WORDS.search(norm[a:b]) for a, b in parts):
            return parts
    for c in _CLAUSE.finditer(norm, s, e):  # one problem: from its first clause that is not framing
        if not (_FRAMING.search(c.group()) or _GENERIC.search(c.group())):
            return [trimmed(norm, c.start(), e)] if PROBLEM_WORDS.search(norm[c.start() : e]) else []
    return []


def _problem_sentences(norm: str, start: int, end: int) -> list[Span]:
    """A problem paragraph of several sentences: each sentence naming a problem is one, the sentences after
    it its detail; framing before the first is dropped. [] for one sentence (its clauses are for the caller)."""
    items: list[list[int]] = []
    sentences = [(m.start() + start, m.end() + start) for m in _SENTENCE.finditer(norm[start:end])]
    if len(sentences) < 2:
        return []
    naming = [PROBLEM_WORDS.search(_GENERIC.sub("", norm[s:e])) is not None for s, e in sentences]
    titles = [n and e - s <= _TITLE_LEN for n, (s, e) in zip(naming, sentences, strict=True)]
    starts = titles if sum(titles) >= 2 else naming  # short title sentences, when there are some, open items
    for (s, e), opens in zip(sentences, starts, strict=True):
        if opens:
            items.append([s, e])
        elif items:
            items[-1][1] = e
    return [trimmed(norm, s, e) for s, e in items] if len(items) >= 2 else []


def _problem_clauses(norm: str, start: int, end: int) -> list[Span]:
    """An undivided problem sentence split into its problems: each clause with a problem word is one, opened
    by the clauses just before it that name none (its cause: "因人事变动，…业务不熟"); clauses after the last
    problem continue it; framing clauses ("与…相比，还存在一定差距") are dropped. Only when it names two or
    more problems."""
    clauses = []  # (start, end, kind): P problem, F framing, O other
    for m in _CLAUSE.finditer(norm, start, end):
        text = m.group()
        kind = "F" if _FRAMING.search(text) or _GENERIC.search(text) else "P" if PROBLEM_WORDS.search(text) else "O"
        clauses.append((m.start(), m.end(), kind, text))
    items: list[list[int]] = []
    pending: int | None = None
    for i, (s, e, kind, text) in enumerate(clauses):
        if kind == "F":
            pending = None
        elif kind == "P":
            conn = _CONNECTIVE.match(text)
            items.append([pending if pending is not None else s + (conn.end() if conn else 0), e])
            pending = None
        elif any(k == "P" for _, _, k, _ in clauses[i + 1 :]):
            pending = s if pending is None else pending
        elif items:
            items[-1][1] = e
    spans = []
    for s, e in items:
        while e > s and norm[e - 1] in ",; \t":
            e -= 1
        spans.append((s, e))
    return spans if len(spans) >= 2 else []


def _intro_problem(norm: str, start: int, end: int) -> Span | None:
    """The text before an enumerated problem list, when it names a problem itself ("取得了一定成效，但<problem>")
    rather than framing the list (it ends with a colon, or names nothing but 存在一些问题)."""
    s, e = trimmed(norm, start, end)
    text = norm[s:e]
    announces = norm[start:end].rstrip(" \t\n").endswith(":") or text.endswith(("如", "主要有", "表现在", "包括"))
    if s == e or announces or not PROBLEM_WORDS.search(_GENERIC.sub("", text)):
        return None
    turn = _BUT.search(text)
    return trimmed(norm, s + turn.end(), e) if turn else (s, e)


def _enumerated(norm: str, start: int, end: int, found: list[re.Match[str]], problems: bool) -> list[Span]:
    spans = []
    intro = _intro_problem(norm, start, found[0].start()) if problems else None
    if intro is not None:
        spans.append(intro)
    for i, m in enumerate(found):
        stop = found[i + 1].start() if i + 1 < len(found) else _last_item_end(norm, m.end(), end)
        spans.append(trimmed(norm, m.end(), stop))
    return spans


def items(norm: str, start: int, end: int, problems: bool) -> list[Span]:
    """The items of one part of section 五 (see the module docstring)."""
    found = chain(norm, start, end)
    if found:
        return [(s, e) for s, e in _enumerated(norm, start, end, found, problems) if e > s]
    listed = _semicolon_list(norm, start, end)
    if len(listed) >= 2:
        return listed
    spans: list[Span] = []
    for s, e in _paragraphs(norm, start, end):
        split: list[Span] = []
        if problems:  # a "如A、B等" list, else the paragraph's sentences, else what 存在… names
            split = _named_list(norm, s, e, such_as=True)
            if len(split) < 2:
                split = _problem_sentences(norm, s, e)
            if len(split) < 2:
                exists = _named_list(norm, s, e, such_as=False)
                split = exists if len(exists) >= 2 else _problem_clauses(norm, s, e) or exists
        spans.extend(split if split else [(s, e)])
    return [(s, e) for s, e in spans if e > s]
