"""Web pages → Document: the main content without the site's chrome, plus title, date, URL and language.

Everything here walks the tree with `.descendants` and parent links, which bs4 implements
iteratively, so a page nested 10,000 levels deep cannot exhaust Python's recursion limit.
"""
from __future__ import annotations

import re
from pathlib import PurePosixPath

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString

from ..errors import ExtractionError
from ..models import Block, Document
from ..textnorm import decode, iso_date, looks_binary, normalize

JUNK_TAGS = frozenset(
    {"head", "script", "style", "noscript", "template", "svg", "iframe", "form", "button",
     "nav", "header", "footer", "aside"}
)
CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "search"})
# Matched against whole parts of an id or class ("share-buttons" → "share"), so "sharepoint" survives.
CHROME_WORDS = frozenset({"share", "sharing", "social", "skip"})
# Safe to match anywhere in an id or class: no content container is named like this.
CHROME_SUBSTRINGS = ("cookie", "consent", "breadcrumb", "brodsmule", "related", "skiplink")
# A search form is chrome; a form wrapping the whole page (ASP.NET sites) is not.
FORM_MAX_CHARS = 200

HEADING_LEVELS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
PARAGRAPH_TAGS = frozenset(
    {"p", "div", "figcaption", "tr", "dt", "dd", "blockquote", "pre", "caption", "address", "section",
     "article", "main", "body", "figure", "table", "ul", "ol", "dl", "details", "summary"}
)
BLOCK_TAGS = PARAGRAPH_TAGS | HEADING_LEVELS.keys() | {"li"}
CELL_TAGS = frozenset({"td", "th"})
CELL_SEPARATOR = " – "

_TITLE_SEPARATOR = re.compile(r"\s+([-|–—])\s+")
_DOMAIN = re.compile(r"\w\.(no|com|org|net|eu)\b", re.IGNORECASE)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_PARTS = re.compile(r"[-_\s]+")


def extract_html(data: bytes, source: str) -> Document:
    text = decode(data, _declared_charset(data))
    if looks_binary(text):
        raise ExtractionError("ikke en lesbar HTML-fil (binært innhold)")
    soup = BeautifulSoup(text, "lxml")
    page_title = _page_title(soup)
    facts = _facts(soup)  # read before the chrome that may hold them goes
    _remove_chrome(soup)
    blocks = _blocks(_main_content(soup))
    title = _first_h1(blocks) or page_title or PurePosixPath(source).stem
    return Document(source=source, doc_type="html", title=title, blocks=blocks, **facts)


def _declared_charset(data: bytes) -> str | None:
    found = _CHARSET.search(data[:4096])
    return found[1].decode("ascii") if found else None


# --- metadata ---------------------------------------------------------------------------------


def _facts(soup: BeautifulSoup) -> dict[str, str | None]:
    """Date, URL, language, description and publisher, as Document fields."""
    return {
        "date": _date(soup),
        "url": _link(soup, "canonical") or _meta(soup, "property", "og:url"),
        "language": _language(soup),
        "description": _meta(soup, "name", "description") or _meta(soup, "property", "og:description"),
        "publisher": _meta(soup, "name", "dc.publisher") or _site_name(soup),
    }


def _site_name(soup: BeautifulSoup) -> str | None:
    return _meta(soup, "property", "og:site_name") or _meta(soup, "name", "application-name")


def _language(soup: BeautifulSoup) -> str | None:
    """The primary language subtag of <html lang>: "nb-NO" → "nb"."""
    html = soup.find("html")
    lang = html.get("lang") if isinstance(html, Tag) else None
    if not isinstance(lang, str) or not lang.strip():
        return None
    return lang.strip().split("-")[0].lower()


def _meta(soup: BeautifulSoup, attribute: str, value: str) -> str | None:
    tag = soup.find("meta", attrs={attribute: re.compile(f"^{re.escape(value)}$", re.IGNORECASE)})
    content = tag.get("content") if isinstance(tag, Tag) else None
    if not isinstance(content, str):
        return None
    return normalize(content) or None


def _link(soup: BeautifulSoup, rel: str) -> str | None:
    tag = soup.find("link", rel=rel, href=True)
    if not isinstance(tag, Tag):
        return None
    return str(tag["href"]).strip() or None


def _date(soup: BeautifulSoup) -> str | None:
    """Publication date: the page's metadata first, then the first <time> in the article."""
    candidates = [
        _meta(soup, "name", "dc.date"),
        _meta(soup, "name", "dcterms.date"),
        _meta(soup, "property", "article:published_time"),
        _meta(soup, "name", "date"),
    ]
    container = _main_content(soup)
    time = container.find("time", datetime=True)
    if isinstance(time, Tag):
        candidates.append(time["datetime"])
    return next((date for value in candidates if value and (date := iso_date(value))), None)


def _page_title(soup: BeautifulSoup) -> str | None:
    """<title> without the site's name, else og:title; used when the content has no <h1>."""
    title = soup.find("title")
    text = normalize(title.get_text()) if isinstance(title, Tag) else ""
    if text:
        return _strip_site_suffix(text, _site_name(soup))
    return _meta(soup, "property", "og:title")


def _strip_site_suffix(title: str, site: str | None) -> str:
    """"Områdesatsinger - regjeringen.no" → "Områdesatsinger", but "Erfaringskonferansen 2024 –
    verksteder og befaringer" and "Områdeløft - Groruddalen" stay whole."""
    separators = list(_TITLE_SEPARATOR.finditer(title))
    if not separators:
        return title
    last = separators[-1]
    head, suffix = title[: last.start()].strip(), title[last.end():].strip()
    if head and _looks_like_site(suffix, site, after_pipe=last[1] == "|"):
        return head
    return title


def _looks_like_site(suffix: str, site: str | None, after_pipe: bool) -> bool:
    # After a dash only a name that is clearly the site's; after a pipe any short name.
    return bool(
        (site and suffix.casefold() == site.casefold())
        or _DOMAIN.search(suffix)
        or suffix.casefold().endswith("kommune")
        or (after_pipe and len(suffix.split()) <= 4)
    )


# --- chrome and main content --------------------------------------------------------------------


def _remove_chrome(soup: BeautifulSoup) -> None:
    protected = _ancestors_of_content(soup)
    chrome = [tag for tag in soup.find_all(True) if id(tag) not in protected and _is_chrome(tag)]
    for tag in chrome:
        if not tag.decomposed:
            tag.decompose()


def _ancestors_of_content(soup: BeautifulSoup) -> set[int]:
    """Elements that hold the main content: never removed as chrome, whatever their class says
    (a <main class="has-header">, a <body class="cookie-consent-shown">)."""
    protected: set[int] = set()
    for tag in soup.find_all(["main", "article", "body", "html"]) + soup.find_all(attrs={"role": "main"}):
        node = tag
        while node is not None and id(node) not in protected:
            protected.add(id(node))
            node = node.parent
    return protected


def _is_chrome(tag: Tag) -> bool:
    if tag.name == "form":
        return len(tag.get_text(" ", strip=True)) <= FORM_MAX_CHARS
    if tag.name == "header":
        return tag.find("h1") is None  # an article's own header holds its title
    if tag.name in JUNK_TAGS:
        return True
    if str(tag.get("role", "")).lower() in CHROME_ROLES:
        return True
    names = [*tag.get_attribute_list("class"), tag.get("id")]
    return any(_is_chrome_name(str(name)) for name in names if name)


def _is_chrome_name(name: str) -> bool:
    lowered = name.lower()
    if lowered.startswith("del-") or any(part in lowered for part in CHROME_SUBSTRINGS):
        return True  # "del-" is Norwegian for share: "del-artikkel", "del-lenker"
    return any(part in CHROME_WORDS for part in _PARTS.split(_CAMEL.sub("-", name).lower()))


def _main_content(soup: BeautifulSoup) -> Tag:
    for candidate in (soup.find("main"), soup.find(attrs={"role": "main"})):
        if isinstance(candidate, Tag) and candidate.get_text(strip=True):
            return candidate
    articles = soup.find_all("article")
    if len(articles) == 1 and articles[0].get_text(strip=True):
        return articles[0]
    return soup.body or soup


# --- blocks -----------------------------------------------------------------------------------


def _blocks(content: Tag) -> list[Block]:
    """One block per heading, paragraph, list item, caption or table row, in reading order.

    Each text node belongs to its nearest block-level ancestor; a nested list therefore gives
    its items as bullets of their own, and cells of one table row are joined into one line.
    """
    block_of: dict[int, Tag] = {id(content): content}
    cell_of: dict[int, Tag | None] = {id(content): None}
    blocks: list[Block] = []
    current: Tag | None = None
    cell: Tag | None = None
    parts: list[str] = []
    for node in content.descendants:
        if isinstance(node, Tag):
            _place(node, block_of, cell_of)
        text = _node_text(node)
        if text is None:
            continue
        owner, owner_cell = block_of[id(node.parent)], cell_of[id(node.parent)]
        if owner is not current:
            if not text.strip():
                continue  # layout whitespace between two blocks
            _flush(current, parts, blocks)
            current, cell, parts = owner, owner_cell, []
        elif owner_cell is not cell and text.strip():
            if cell is not None and owner_cell is not None:
                parts.append(CELL_SEPARATOR)
            cell = owner_cell
        parts.append(text)
    _flush(current, parts, blocks)
    return blocks


def _node_text(node) -> str | None:
    """The text a node adds to its block: its string, a space for <br>, nothing for comments."""
    if isinstance(node, Tag):
        return " " if node.name == "br" else None
    if isinstance(node, NavigableString) and not isinstance(node, PreformattedString):
        return str(node)
    return None


def _place(tag: Tag, block_of: dict[int, Tag], cell_of: dict[int, Tag | None]) -> None:
    """Record the block and table cell a tag's text belongs to (parents are seen before children)."""
    parent = id(tag.parent)
    is_block = tag.name in BLOCK_TAGS
    block_of[id(tag)] = tag if is_block else block_of[parent]
    if tag.name in CELL_TAGS:
        cell_of[id(tag)] = tag
    else:
        cell_of[id(tag)] = None if is_block else cell_of[parent]


def _flush(owner: Tag | None, parts: list[str], blocks: list[Block]) -> None:
    text = " ".join(normalize("".join(parts)).split())
    if owner is None or not text:
        return
    if owner.name in HEADING_LEVELS:
        blocks.append(Block(text, "heading", level=HEADING_LEVELS[owner.name]))
    else:
        blocks.append(Block(text, "bullet" if owner.name == "li" else "paragraph"))


def _first_h1(blocks: list[Block]) -> str | None:
    return next((block.text for block in blocks if block.kind == "heading" and block.level == 1), None)
