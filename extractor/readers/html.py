"""Saved government web pages: charset from the meta tag (else detected), navigation and boilerplate
dropped, the article's blocks as lines and its tables as grids (rowspan/colspan expanded)."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag
from bs4.element import Comment, Declaration, Doctype, NavigableString, ProcessingInstruction

from ..errors import UndecodableDocumentError
from ..ingest import PageMeta, decode
from . import grid
from .pagemeta import page_meta, tags

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)
_GB = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936"}
_DROP = {"script", "style", "noscript", "nav", "header", "footer", "form", "iframe", "aside", "button", "select"}
_ARTICLE = {"div", "article", "section", "td", "main"}
_BLOCKS = {
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "section",
    "article",
    "blockquote",
    "pre",
    "tr",
    "dd",
    "dt",
    "center",
}
_SPACE = re.compile(r"[ \t\r\n\u3000\xa0]+")


def _decode(data: bytes, path: str) -> tuple[str, str]:
    m = _META_CHARSET.search(data[:4096])
    if m:
        declared = m.group(1).decode("ascii").lower()
        encoding = "gb18030" if declared in _GB else declared
        try:
            return data.decode(encoding), encoding
        except (LookupError, UnicodeDecodeError):
            pass  # the page lies about its charset: detect instead
    return decode(data, path)


def _main(soup: BeautifulSoup) -> Tag:
    """The element holding the report: the smallest one that still has most of the report's text."""
    body = soup.body or soup
    best: Tag = body
    total = best_len = len(body.get_text())
    for tag in tags(body, _ARTICLE):
        text = tag.get_text()
        if "信息公开" in text and 0.6 * total < len(text) < best_len:
            best, best_len = tag, len(text)
    return best


def _span(value: object) -> int:
    try:
        return max(1, int(str(value))) if value else 1
    except ValueError:
        return 1  # rowspan="" or junk: a single cell


def _inline_text(node: Tag, out: list[str]) -> None:
    """A cell's text as a browser shows it: inline elements are not whitespace (``<span>2</span><span>0</span>``
    is 20, and ``73802895.90<span>元</span>`` one amount); blocks and line breaks are."""
    for child in node.children:
        if isinstance(child, NavigableString):
            if not isinstance(child, (Comment, Declaration, Doctype, ProcessingInstruction)):
                out.append(str(child))
        elif isinstance(child, Tag):
            if child.name == "br":
                out.append(" ")
            elif child.name in _BLOCKS or child.name in ("table", "td", "th"):
                out.append(" ")
                _inline_text(child, out)
                out.append(" ")
            else:
                _inline_text(child, out)


def _table(table: Tag) -> str:
    rows = []
    for tr in tags(table, ("tr",)):
        if next(p for p in tr.parents if p.name == "table") is not table:
            continue  # a nested table's rows belong to its cell
        cells = []
        for td in (c for c in tr.children if isinstance(c, Tag) and c.name in ("td", "th")):
            parts: list[str] = []
            _inline_text(td, parts)
            cells.append(("".join(parts), _span(td.get("rowspan")), _span(td.get("colspan"))))
        rows.append(cells)
    return grid.render(grid.data_grid(rows))


def _walk(node: Tag, out: list[str]) -> None:
    for child in node.children:
        if isinstance(child, NavigableString):
            if not isinstance(child, (Comment, Declaration, Doctype, ProcessingInstruction)):
                out.append(_SPACE.sub(" ", str(child)))
            continue
        if not isinstance(child, Tag):
            continue
        if child.name == "table":
            out.append("\n" + _table(child) + "\n")
        elif child.name == "br":
            out.append("\n")
        elif child.name in _BLOCKS:
            out.append("\n")
            _walk(child, out)
            out.append("\n")
        else:
            _walk(child, out)


def html_text(data: bytes, path: str) -> tuple[str, str]:
    """(text, charset) of a saved page."""
    text, encoding, _ = html_page(data, path)
    return text, encoding


def html_page(data: bytes, path: str) -> tuple[str, str, PageMeta | None]:
    """(text, charset, the page's own metadata) of a saved page."""
    html, encoding = _decode(data, path)
    soup = BeautifulSoup(html, "lxml")
    for tag in tags(soup, _DROP):
        tag.decompose()
    out: list[str] = []
    main = _main(soup)
    meta = page_meta(soup, main)
    _walk(main, out)
    lines = [line.strip(" ") for line in "".join(out).split("\n")]
    text = "\n".join(line for line in lines if line.strip())
    if not text:
        raise UndecodableDocumentError(path, "the page has no text", "save the page with its article, not a frame")
    return text + "\n", encoding, meta
