"""Plain article text from a decoded source: Markdown via markdown-it-py, HTML via
``variorum.htmlextract``, plain text as it is.

Markdown comes out as paragraphs separated by exactly one blank line: each heading,
paragraph, list item, quoted paragraph, table row and code block is one paragraph;
emphasis, links and inline code keep only their text; images and raw HTML go.
Soft line breaks inside a paragraph stay line breaks (the segmenter joins them).
"""

from __future__ import annotations

import re
from pathlib import PurePath

from variorum.model import Extracted

_HTML_EXT = {".html", ".htm", ".xhtml", ".shtml"}
_MD_EXT = {".md", ".markdown", ".mdown", ".mkd", ".mkdn"}
_TXT_EXT = {".txt", ".text"}

_HTML_START = re.compile(
    r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.I | re.S
)
_HTML_BLOCK = re.compile(
    r"<(?:p|div|h[1-6]|ul|ol|li|table|tr|td|article|section|header|footer|nav|body|head"
    r"|title|meta|script|style|br|blockquote|span|a)\b[^>]*>",
    re.I,
)
_MD_HEADING = re.compile(r"^#{1,6}[ \t]+\S", re.M)
_MD_SETEXT = re.compile(r"^[^\n]*\S[^\n]*\n(?:=+|-{2,})[ \t]*$", re.M)
_MD_STRONG = re.compile(r"(\*\*|__)(?=\S)[^\n]+?(?<=\S)\1")
_MD_LINK = re.compile(r"!?\[[^\]\n]+\]\([^)\s]+(?:\s+\"[^\"\n]*\")?\)")
_MD_FENCE = re.compile(r"^(?:```|~~~)", re.M)
_MD_LIST = re.compile(r"^[ \t]{0,3}(?:[-*+]|\d{1,3}[.)])[ \t]+\S", re.M)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?:[^\n]*\n){0,100}?---[ \t]*\n")
_SNIFF = 20_000


def detect_format(name: str, text: str) -> str:
    """``"html"``, ``"md"`` or ``"txt"``: by file extension, else by the content.

    Sniffing is conservative: a text is Markdown only with several Markdown
    signals (``#`` headings plus emphasis, links or lists), HTML only when it
    opens as an HTML document or is dense with block tags.
    """
    ext = PurePath(name).suffix.lower()
    if ext in _HTML_EXT:
        return "html"
    if ext in _MD_EXT:
        return "md"
    if ext in _TXT_EXT:
        return "txt"
    head = text[:_SNIFF]
    if _HTML_START.match(head):
        return "html"
    tags = len(_HTML_BLOCK.findall(head))
    if tags >= 10 or (head.lstrip().startswith("<") and tags >= 3):
        return "html"
    headings = len(_MD_HEADING.findall(head)) + len(_MD_SETEXT.findall(head))
    inline = len(_MD_STRONG.findall(head)) + len(_MD_LINK.findall(head))
    lists = len(_MD_LIST.findall(head))
    fences = len(_MD_FENCE.findall(head)) // 2
    if headings >= 2 or (headings and (inline or lists or fences)) or (inline >= 3 and lists):
        return "md"
    return "txt"


def extract(text: str, fmt: str) -> Extracted:
    """The article text of a decoded source in format ``fmt`` (txt, md or html)."""
    if fmt == "html":
        from variorum.htmlextract import extract_html

        return extract_html(text)
    if fmt == "md":
        return _markdown(text)
    return Extracted(text)


# --- Markdown ------------------------------------------------------------------------------


def _markdown(text: str) -> Extracted:
    from markdown_it import MarkdownIt

    text = _FRONT_MATTER.sub("", text, count=1)
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    paragraphs: list[str] = []
    title: str | None = None
    row: list[str] = []
    in_row = False
    heading_level = 0
    for tok in md.parse(text):
        if tok.type == "heading_open":
            heading_level = int(tok.tag[1])
        elif tok.type == "tr_open":
            in_row, row = True, []
        elif tok.type == "tr_close":
            in_row = False
            paragraphs.append("\t".join(c for c in row if c))
        elif tok.type == "inline":
            content = _inline_text(tok.children or [])
            if in_row:
                row.append(" ".join(content.split()))
                continue
            paragraphs.append(content)
            if heading_level == 1 and title is None and content.strip():
                title = " ".join(content.split())
            heading_level = 0
        elif tok.type in ("fence", "code_block"):
            paragraphs.append(tok.content)
        # html_block, hr and the *_open/_close of lists, quotes and paragraphs add nothing
    return Extracted(_join(paragraphs), title=title)


def _inline_text(children: list) -> str:
    out: list[str] = []
    for c in children:
        # Images go (their alt text is rarely article text), and so do inline tags;
        # link, emphasis and strike-through markers carry no text of their own.
        if c.type in ("text", "code_inline"):
            out.append(c.content)
        elif c.type in ("softbreak", "hardbreak"):
            out.append("\n")
    return "".join(out)


def _join(paragraphs: list[str]) -> str:
    """Paragraphs separated by exactly one blank line, each without blank lines inside."""
    out: list[str] = []
    for p in paragraphs:
        lines = [ln.strip() for ln in p.split("\n")]
        block: list[str] = []
        for ln in [*lines, ""]:
            if ln:
                block.append(ln)
            elif block:
                out.append("\n".join(block))
                block = []
    return "\n\n".join(out)
