"""Event pages in Markdown: the reader (every generator seen) and the canonical writer."""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Hashable

from .. import _inline
from .._errors import ParseError
from .._inline import related_item, source_item
from .._model import (
    COVER_IMAGE,
    Change,
    Event,
    Language,
    Related,
    Source,
    check_body,
    check_url,
    day_folder,
    day_label,
    good_line,
    good_prefix,
    is_slug,
    new_event,
    new_related,
    new_source,
)
from .._spelling import Mark, Run, Spelling
from .._text import BLANK, as_text
from .common import (
    CHANGES_HEADING,
    CONTEXT_LABELS,
    RELATED_HEADINGS,
    SOURCES_HEADINGS,
    UNPARSED_HEADING,
    WRITE_HEADINGS,
    bom,
    build,
    build_page,
    check_kept,
    context_tags,
    date_heading,
    guess_language,
    is_blank,
    link,
    same_day,
    split_lines,
    written,
)

_DATE = date_heading("###")
_DAY_HEADING = re.compile(r"## \[")
_CATEGORY = re.compile(r"#####(?:[ \t]|$)")
_TITLE = re.compile(r"#(?:[ \t]|$)")
_ANY_HEADING = re.compile(r"#{1,6}(?:[ \t]|$)")
_SECTION = re.compile(r"###[ \t]+(.*?)[ \t]*")
_ITEM = re.compile(r"(\d{1,9})\.[ \t]+")
_CHANGE = re.compile(r"(?:(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) )?\(([^()]+)\)")
_FORMATS = re.compile(
    r"Formats: \[HTML\]\(([^()\s]*)\.html\)  \[JSON\]\(([^()\s]*)\.json\)"
    r"  \[XML\]\(([^()\s]*)\.xml\)[ \t]*"
)


def _related_item(
    title: str, url: str, tags: tuple[str, ...], lineno: int, col: int = 4
) -> Related:
    try:
        return Related(title=title.strip(BLANK), url=url, context=tags)
    except (ValueError, TypeError) as exc:
        raise ParseError(str(exc), lineno, col) from None


def _good_body(value: str) -> bool:
    try:
        check_body(value)
    except ValueError:
        return False
    return True


# Related lines read lately, with their value: an archive lists a related event on many
# pages, word for word (but for its number), and values are immutable, so pages may share
# them. At most _SEEN_MAX lines (a few MiB), emptied when full and by
# newsevent._text.clear_caches().
_SEEN_RELATED: dict[str, tuple[Related, Language]] = {}
_SEEN_MAX = 8192


def clear_cache() -> None:
    """Forget the related lines read lately."""
    _SEEN_RELATED.clear()


class EventReader:
    def __init__(self, src: str, fast: bool, lead: str = "") -> None:
        self.src = src
        self.lead = lead
        self.lines = split_lines(src)
        self.fast = fast
        self.extra: list[str] = []
        self.marks: list[Mark] = []
        self.runs: list[Run] = []

    def keep(self, line: str, lineno: int) -> None:
        """A line the reader does not understand: kept verbatim, in place."""
        check_kept(line, lineno)
        self.extra.append(line)
        self.marks.append(("extra", line, lineno, lineno + 1))

    def text(self, raw: str) -> str:
        return _inline.text(raw.strip(BLANK), fast=self.fast).strip(BLANK)

    def read(self) -> Event:
        lines = self.lines
        n = len(lines)
        i = 0
        formats: str | None = None
        formats_line = 0
        while i < n:
            line = lines[i]
            if line.startswith("### ["):
                break
            if _DAY_HEADING.match(line):
                raise ParseError("this is a day or front page, not an event page", i + 1, 1)
            if not is_blank(line):
                if formats is None and line.startswith("Formats:"):
                    formats = line
                    formats_line = i
                else:
                    self.keep(line, i)
            i += 1
        else:
            raise ParseError(
                "not an event page: no date heading '### [YYYY-MM-D](/news/YYYY/MM/D/index.md)'",
                1,
                1,
            )
        m = _DATE.fullmatch(lines[i])
        if not m or not same_day(m):
            raise ParseError(
                "malformed date heading: expected '### [YYYY-MM-D](/news/YYYY/MM/D/index.md)'",
                i + 1,
                5,
            )
        try:
            date = _dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError as exc:
            raise ParseError(f"invalid date in the date heading: {exc}", i + 1, 6) from None
        prefix = m[4]
        self.marks.append(("date", (date, prefix), i, i + 1))
        i += 1
        while i < n and not lines[i].strip(BLANK):
            i += 1
        category = None
        if i < n and _CATEGORY.match(lines[i]):
            category = self.text(lines[i][5:])
            self.marks.append(("category", category, i, i + 1))
            i += 1
            while i < n and not lines[i].strip(BLANK):
                i += 1
        if i >= n or not _TITLE.match(lines[i]):
            raise ParseError("expected the title line '# …'", min(i, n - 1) + 1, 1)
        title_line = i
        title = self.text(lines[i][1:])
        self.marks.append(("title", title, i, i + 1))
        i += 1
        body, i = self._body(i)
        sections = self._sections(i)
        slug = self._slug(formats, date, prefix, formats_line)
        sources, cover, related, changes, language = sections
        spelling = Spelling(self.src, self.marks, self.lead, self.runs)
        extra = tuple(self.extra)
        if (
            not extra
            and (title.isprintable() or good_line(title))  # (stripped: printable is enough)
            and (category is None or category.isprintable() or good_line(category))
            and good_prefix(prefix)
        ):
            # Every other value was checked where it was read (see docs/markdown.md).
            values: tuple[object, ...] = (date, title, category, body, sources, cover, related)
            values += (changes, slug, prefix, language, extra)
            page = new_event(*values, spelling)
            spelling._fingerprint = values  # = fingerprint(page), without reading it back
            return page
        return build_page(
            lambda: Event(
                date=date,
                title=title,
                category=category,
                body=body,
                sources=sources,
                cover_image=cover,
                related=related,
                changes=changes,
                slug=slug,
                prefix=prefix,
                language=language,
                extra=extra,
                spelling=spelling,
            ),
            spelling,
            title_line + 1,
        )

    def _slug(self, formats: str | None, date: _dt.date, prefix: str, at: int) -> str | None:
        if formats is None:
            return None
        line = formats
        m = _FORMATS.fullmatch(line)
        if m and m[1] == m[2] == m[3]:
            base = f"{prefix}/news/{day_folder(date)}/"
            slug = m[1][len(base) :]
            if m[1].startswith(base) and is_slug(slug):
                self.marks.append(("formats", (date, prefix, slug), at, at + 1))
                return slug
        check_kept(line, at)
        # In page order: after the lines kept before it (all of them above the date heading).
        before = sum(1 for m in self.marks if m[0] == "extra" and m[2] < at)
        self.extra.insert(before, line)
        self.marks.append(("extra", line, at, at + 1))
        return None

    def _body(self, i: int) -> tuple[str, int]:
        lines = self.lines
        paras: list[str] = []
        para: list[str] = []
        start = i

        def flush() -> None:
            if para:
                raw = "\n".join(para)
                value = _inline.text(raw, fast=self.fast)
                if "\n" in value:
                    value = "\n".join(x.strip(BLANK) for x in value.split("\n"))
                else:
                    value = value.strip(BLANK)
                if value:
                    paras.append(value)
                    self.marks.append(("para", value, start, start + len(para)))
                para.clear()

        while i < len(lines):
            line = lines[i]
            if line.startswith("###") and _SECTION.fullmatch(line):
                break
            if is_blank(line):
                flush()
            elif _ANY_HEADING.match(line):
                flush()
                self.keep(line, i)
            else:
                if not para:
                    start = i
                para.append(line.strip(BLANK))
            i += 1
            if para and i < len(lines) and is_blank(lines[i]):
                flush()
        flush()
        body = "\n\n".join(paras)
        try:
            check_body(body)
        except ValueError as exc:
            # At the first paragraph the rule refuses, not at the last one read.
            refused = (m[2] for m in self.marks if m[0] == "para" and not _good_body(str(m[1])))
            at = next(refused, start)
            raise ParseError(str(exc), at + 1, 1) from None
        return body, i

    def _sections(
        self, i: int
    ) -> tuple[
        tuple[Source, ...],
        str | None,
        tuple[Related, ...],
        tuple[Change, ...],
        Language | None,
    ]:
        lines = self.lines
        n = len(lines)
        sources: list[Source] = []
        related: list[Related] = []
        changes: list[Change] = []
        cover: str | None = None
        language: Language | None = None
        kind = "unknown"
        marks = self.marks
        fast = self.fast
        while i < n:
            line = lines[i]
            at = i
            i += 1
            if is_blank(line):
                continue
            sm = _SECTION.fullmatch(line) if line.startswith("###") else None
            if sm and not line.startswith("### ["):
                name = sm[1]
                if name in SOURCES_HEADINGS:
                    kind = "sources"
                    language = language or SOURCES_HEADINGS[name]
                    marks.append(("head:sources", SOURCES_HEADINGS[name], at, i))
                    if fast:
                        i = self._source_run(i, sources)
                elif name in RELATED_HEADINGS:
                    kind = "related"
                    language = language or RELATED_HEADINGS[name]
                    marks.append(("head:related", RELATED_HEADINGS[name], at, i))
                    if fast:
                        i = self._related_run(i, related)
                elif name == CHANGES_HEADING:
                    kind = "changes"
                    marks.append(("head:changes", None, at, i))
                elif name == UNPARSED_HEADING:
                    marks.append(("head:unparsed", None, at, i))
                    for j in range(i, n):
                        if not is_blank(lines[j]):
                            self.keep(lines[j], j)
                    break
                else:
                    kind = "unknown"
                    self.keep(line, at)
                continue
            if fast and kind in ("related", "sources"):
                run = self._related_run if kind == "related" else self._source_run
                j = run(at, related if kind == "related" else sources)  # type: ignore[arg-type]
                if j > at:
                    i = j
                    continue
            im = _ITEM.match(line)
            value: Hashable = None
            if im and kind != "unknown":
                col = im.end() + 1
                quick = _inline.item_nodes(line) if fast else None
                got = quick or _inline.nodes(line[im.end() :].rstrip(BLANK), fast=fast)
                if kind == "sources":
                    if (
                        cover is None
                        and len(got) == 1
                        and got[0][0] == "link"
                        and got[0][1] == COVER_IMAGE
                        and got[0][2]
                    ):
                        cover = self._cover(got[0][2], i, col)
                        marks.append(("sources", ("cover", cover), at, i))
                        continue
                    source = self._source(got, i, col)
                    if source is not None:
                        sources.append(source)
                        value = source
                elif kind == "related":
                    found_rel = self._related(got, i, col)
                    if found_rel is not None:
                        related.append(found_rel[0])
                        value = found_rel
                else:
                    change = self._change(got, i, col)
                    if change is not None:
                        changes.append(change)
                        value = change
            if value is None:
                self.keep(line, at)
            else:
                marks.append((kind, value, at, i))
        if not (sources or related or cover is not None):
            language = None  # "Changes:" is the one heading without a Chinese spelling
        return tuple(sources), cover, tuple(related), tuple(changes), language

    # The commonest lines of all, one match each and built without checking twice: the
    # general loop of _sections takes over at the first line these do not take.

    def _related_run(self, i: int, related: list[Related]) -> int:
        lines, n = self.lines, len(self.lines)
        seen = _SEEN_RELATED
        values: list[Related] = []
        languages: list[Language] = []
        rows: list[int] = []
        while i < n:
            line = lines[i]
            if not line:  # the blank line between items, most often empty: skipped at once
                i += 1
                continue
            # The item number is no part of the value: "3. [a](b) _Context: c_" is
            # remembered as ". [a](b) _Context: c_", found again under any number.
            j = line.find(".", 1, 10)
            key = line[j:] if j > 0 and line[:j].isdigit() and line[:j].isascii() else line
            pair = seen.get(key)
            if pair is None:
                if not line.strip(BLANK):
                    i += 1
                    continue
                got = related_item(line)
                if got is None:
                    break
                title, url, label, tags = got
                pair = (new_related(title, url, tags), CONTEXT_LABELS[label])
                if len(seen) >= _SEEN_MAX:
                    seen.clear()  # (dropping the oldest one by one costs more)
                seen[key] = pair
            values.append(pair[0])
            languages.append(pair[1])
            rows.append(i)
            i += 1
        if rows:
            related += values
            self.runs.append(("related", tuple(values), tuple(languages), tuple(rows)))
        return i

    def _source_run(self, i: int, sources: list[Source]) -> int:
        lines, n = self.lines, len(self.lines)
        values: list[Source] = []
        rows: list[int] = []
        while i < n:
            line = lines[i]
            if not line.strip(BLANK):
                i += 1
                continue
            got = source_item(line)
            if got is None:
                break
            if got[0] == COVER_IMAGE:
                break
            values.append(new_source(*got))
            rows.append(i)
            i += 1
        if rows:
            sources += values
            self.runs.append(("sources", tuple(values), None, tuple(rows)))
        return i

    @staticmethod
    def _cover(url: str, lineno: int, col: int) -> str:
        # The rule of Event.cover_image, checked where the line is known.
        build(lambda: check_url(url), lineno, col)
        return url

    @staticmethod
    def _source(got: list[_inline.Node], lineno: int, col: int) -> Source | None:
        if not got or got[0][0] != "link" or not got[0][2]:
            return None
        name, url = got[0][1].strip(BLANK), got[0][2]
        if len(got) == 1:
            if name == COVER_IMAGE:
                return None
            return build(lambda: Source(name=name, url=url), lineno, col)
        if len(got) == 3 and got[1] == ("text", " ") and got[2][0] == "link":
            if got[2][1] == "IMG" and got[2][2]:
                image = got[2][2]
                return build(lambda: Source(name=name, url=url, image=image), lineno, col)
        return None

    @staticmethod
    def _related(
        got: list[_inline.Node], lineno: int, col: int
    ) -> tuple[Related, Language | None] | None:
        if not got or got[0][0] != "link" or not got[0][2]:
            return None
        title, url = got[0][1].strip(BLANK), got[0][2]
        if len(got) == 1:
            return build(lambda: Related(title=title, url=url), lineno, col), None
        if len(got) == 3 and got[1] == ("text", " ") and got[2][0] == "em":
            found = context_tags(got[2][1])
            if found is not None:
                return _related_item(title, url, found[1], lineno, col), found[0]
        return None

    @staticmethod
    def _change(got: list[_inline.Node], lineno: int, col: int) -> Change | None:
        if len(got) != 3 or got[0][0] != "link" or not got[0][2] or got[1] != ("text", " "):
            return None
        if got[2][0] != "em":
            return None
        m = _CHANGE.fullmatch(got[2][1])
        if not m:
            return None
        title, url = got[0][1].strip(BLANK), got[0][2]
        try:
            ts = _dt.datetime.strptime(m[1], "%Y-%m-%d %H:%M:%S") if m[1] else None
        except ValueError:
            return None
        label = m[2].strip(BLANK)
        if not label:
            return None
        return build(lambda: Change(title=title, url=url, label=label, timestamp=ts), lineno, col)


def loads(src: str | bytes, *, fast: bool = True) -> Event:
    """Read an event page written in Markdown.

    ``fast=False`` sends every line through mistune instead of the
    regular-expression fast path; the result is the same, only slower.
    """
    return EventReader(as_text(src), fast, bom(src)).read()


# ---------------------------------------------------------------- writing


def _line_text(value: str) -> str:
    return _inline.plain_or_escaped(value)


# The last paragraph of the last body found to read back as itself once escaped: the
# events of a day written one after another often end alike (an imported day's
# attribution), so that check is made once for all of them. (The escaped paragraph
# determines the original.)
_SAME = [""]


def _body_md(body: str) -> str:
    if not body:
        return ""
    html = (
        body.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )
    if not html.startswith("#") and "\n#" not in html:  # no line starts with "#"
        # (Escaping adds no line break: the paragraphs pair up.)
        paragraphs = html.split("\n\n")
        for p, q in zip(paragraphs, body.split("\n\n"), strict=True):
            if p != _SAME[0] and _inline.text(p) != q:
                break
        else:
            _SAME[0] = paragraphs[-1]
            return html
    out = []
    for line in body.split("\n"):
        esc = _inline.escape(line)
        out.append("\\" + esc if esc.startswith("#") else esc)
    return "\n".join(out)


def _url(url: str) -> str:
    return _inline.escape_url_dest(url)


def _source_line(s: Source, number: int = 1) -> str:
    if s.image is None:
        return f"{number}. {link(s.name, s.url)}"
    img = f" [IMG]({_url(s.image)})"
    expected: list[_inline.Node] = [
        ("link", s.name, s.url),
        ("text", " "),
        ("link", "IMG", s.image),
    ]
    return f"{number}. " + written(lambda esc: f"[{esc(s.name)}]({_url(s.url)}){img}", expected)


def _linked(title: str, url: str, em: str | None) -> str:
    expected: list[_inline.Node] = [("link", title + " ", url)]
    if em is not None:
        expected += [("text", " "), ("em", em)]

    def build(esc: Callable[[str], str]) -> str:
        line = f"[{esc(title)} ]({_url(url)})"
        return line if em is None else f"{line} _{esc(em)}_"

    return written(build, expected)


def dumps(ev: Event) -> str:
    """Write an event in the canonical layout of its edition (its spelling unused).

    English: the newest generator's (the seed page's). Chinese: the zh generator's of
    December 2019 (no blank after the title, sources numbered 1, 2, 3).
    """
    language = ev.language or guess_language(ev.title, ev.category)
    zh = language == "zh"
    out: list[str] = []
    path = ev.path  # (the day's folder, made once for the formats line and the heading)
    if ev.slug is not None:
        base = f"{path}/{ev.slug}"
        out.append(f"\nFormats: [HTML]({base}.html)  [JSON]({base}.json)  [XML]({base}.xml)  \n\n")
    out.append(f"### [{day_label(ev.date)}]({path}/index.md)\n\n")
    if ev.category is not None:
        out.append(f"##### {_line_text(ev.category)}\n")
    out.append(f"# {_line_text(ev.title)}\n\n" if zh else f"# {_line_text(ev.title)} \n\n")
    out.append(_body_md(ev.body))
    out.append("\n\n")
    sources_h, related_h, label = WRITE_HEADINGS[language]
    if ev.sources or ev.cover_image is not None:
        out.append(f"\n### {sources_h}\n\n")
        for n, s in enumerate(ev.sources, 1):
            out.append(_source_line(s, n if zh else 1) + "\n")
        if ev.cover_image is not None:
            n = len(ev.sources) + 1 if zh else 1
            out.append(f"{n}. [{COVER_IMAGE}]({_url(ev.cover_image)})\n")
    if ev.changes:
        out.append(f"\n### {CHANGES_HEADING}\n\n")
        for n, c in enumerate(ev.changes, 1):
            ts = f"{c.timestamp:%Y-%m-%d %H:%M:%S} " if c.timestamp else ""
            out.append(f"{n}. {_linked(c.title, c.url, f'{ts}({c.label})')}\n")
    if ev.related:
        out.append(f"\n### {related_h}\n\n")
        for n, r in enumerate(ev.related, 1):
            em = f"{label}: {', '.join(r.context)}" if r.context else None
            out.append(f"{n}. {_linked(r.title, r.url, em)}\n")
    if ev.extra:
        out.append(f"\n### {UNPARSED_HEADING}\n\n")
        out.extend(line + "\n" for line in ev.extra)
    return "".join(out)
