"""Editorials of the opinion section in Markdown: ``# title``, ``#### by Author``, paragraphs.

Title, author and body are Markdown text kept as written (links and emphasis included).
The opinion listing (``opinion/index.md``) is a front page: a ``## Opinion`` section of
entries, the same shape as the front page's own Opinion section.
"""

from __future__ import annotations

from .._errors import ParseError
from .._model import UNPARSED_LABEL, Editorial
from .._spelling import Mark, Spelling
from .._text import BLANK
from .common import build_page, is_blank, split_lines
from .listing import BYLINE, EDITORIAL_TITLE, unparsed_section

_UNPARSED = f"## {UNPARSED_LABEL}"


def loads_editorial(src: str, lead: str = "") -> Editorial:
    """Read an editorial written in Markdown."""
    lines = split_lines(src)
    marks: list[Mark] = []
    extra: list[tuple[str, int]] = []
    i = 0
    while i < len(lines) and not lines[i].startswith("#"):
        if not is_blank(lines[i]):
            extra.append((lines[i], i))
        i += 1
    m = EDITORIAL_TITLE.fullmatch(lines[i]) if i < len(lines) else None
    if m is None or not m[1].strip(BLANK):
        raise ParseError("not an editorial: expected a '# title' heading", i + 1, 1)
    title = m[1].strip(BLANK)
    marks.append(("title", title, i, i + 1))
    i += 1
    while i < len(lines) and is_blank(lines[i]):
        i += 1
    b = BYLINE.fullmatch(lines[i]) if i < len(lines) else None
    if b is None or not b[1].strip(BLANK):
        raise ParseError("not an editorial: expected a '#### by Author' line", i + 1, 1)
    author = b[1].strip(BLANK)
    marks.append(("author", author, i, i + 1))
    i += 1
    paragraphs: list[str] = []
    para: list[str] = []
    start = i
    while i <= len(lines):
        line = lines[i] if i < len(lines) else ""
        if i == len(lines) or is_blank(line) or line.lstrip(BLANK).startswith("#"):
            if para:
                text = "\n".join(para)
                paragraphs.append(text)
                marks.append(("body", text, start, i))
                para = []
            if i == len(lines):
                break
            if line.rstrip(BLANK) == _UNPARSED:
                marks.append(("head:unparsed", None, i, i + 1))
                extra.extend((x, j) for j, x in enumerate(lines[i + 1 :], i + 1) if not is_blank(x))
                break
            if line.lstrip(BLANK).startswith("#"):
                extra.append((line, i))
            i += 1
            continue
        if not para:
            start = i
        para.append(line.strip(BLANK))
        i += 1
    marks.extend(("extra", line, n, n + 1) for line, n in extra)
    spelling = Spelling(src, marks, lead)
    return build_page(
        lambda: Editorial(
            title=title,
            author=author,
            body="\n\n".join(paragraphs),
            extra=tuple(line for line, _ in extra),
            spelling=spelling,
        ),
        spelling,
        1,
    )


def dumps_editorial(page: Editorial) -> str:
    """Write an editorial in the site's layout: a blank line, title, byline, paragraphs."""
    out = [f"\n# {page.title}\n#### by {page.author}\n\n"]
    if page.body:
        out.append(page.body + "\n\n")
    out.append(unparsed_section(page.extra))
    return "".join(out)
