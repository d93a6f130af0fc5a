"""Reading one day page of Wikipedia's Current Events Portal into typed pages."""

from __future__ import annotations

import datetime as _dt
import re
from typing import NamedTuple
from urllib.parse import quote

import attrs

from . import _checks as ok
from ._errors import ParseError
from ._model import (
    COVER_IMAGE,
    DayPage,
    Entry,
    Event,
    Source,
    day_folder,
    new_day,
    new_entry,
    new_event,
    new_source,
    unchecked,
)
from ._slug import context_slug
from ._text import as_text, place
from ._wikitext import (
    ExternalLink,
    Rendered,
    WikiLink,
    _close_template,
    _split_params,
    render,
)

MONTHS = (
    "January February March April May June July August September October November December"
).split()
# A month may be named (``month=March``, ``month=Mar``) as well as numbered.
_MONTH_NAMES = {
    name.lower()[:size]: n for n, name in enumerate(MONTHS, 1) for size in (3, len(name))
}
LICENSE = "CC BY-SA 4.0"
_START = re.compile(r"\{\{\s*[Cc]urrent[ _]events\s*\|")
# A "<!--" never closed is text (as for mwparserfromhell): MediaWiki would hide the rest
# of the page, news included.
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# "content=" once spaces are taken out.
_CONTENT = re.compile(r"c *o *n *t *e *n *t *=")
_BOLD_HEADING = re.compile(r"'''((?:(?!''').)+)'''")
_EQ_HEADING = re.compile(r"(=+)(.+?)\1")
# A bullet: MediaWiki's list prefix, which starts with "*" here and goes on over any
# "*", "#", ":" or ";" (``*:`` indents a line under an item, ``*#`` numbers it).
_BULLET = re.compile(r"(\*[*#:;]*)(.*)", re.DOTALL)
_LIST_MARKS = "*#:;"
_SPACES = re.compile(r"[ \t\n\r]+")
# Characters the model cannot store (XML 1.0 excludes them): dropped from text.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def page_title(date: _dt.date) -> str:
    """The portal's title of a day page: ``Portal:Current events/2018 February 10``."""
    return f"Portal:Current events/{date.year} {MONTHS[date.month - 1]} {date.day}"


@attrs.frozen(kw_only=True)
class Provenance:
    """Where an imported day comes from, for attribution (CC BY-SA asks for it)."""

    title: str
    """The portal page's title, ``Portal:Current events/2018 February 10``."""
    revision: int | None = None
    """The revision id the wikitext is from, when known."""
    timestamp: str | None = None
    """When that revision was saved (as the API gave it), when known."""

    @property
    def url(self) -> str:
        """The address of the page, of the exact revision when it is known."""
        t = quote(self.title.replace(" ", "_"), safe=":/")
        if self.revision is not None:
            return f"https://en.wikipedia.org/w/index.php?title={t}&oldid={self.revision}"
        return f"https://en.wikipedia.org/wiki/{t}"

    @property
    def attribution(self) -> str:
        """One line naming the source and its licence, written into every imported event."""
        rev = f", revision {self.revision}" if self.revision is not None else ""
        return (
            f"From Wikipedia, {self.title}{rev} ({self.url}), by Wikipedia contributors, {LICENSE}."
        )


@attrs.frozen(kw_only=True)
class Remainder:
    """Wikitext the reader did not turn into pages, kept verbatim with its line number."""

    line: int
    """The 1-based line of the page where it starts."""
    text: str
    """The text as written (comments removed)."""


@attrs.frozen(kw_only=True)
class Item:
    """What the portal says around one imported event."""

    line: int
    """The 1-based line of the bullet."""
    event: Event
    section: str | None
    """The section heading above the bullet (``Armed conflicts and attacks``), if any."""
    stories: tuple[str, ...]
    """The story lines above the bullet, outermost first (``Middle Eastern crisis``, …)."""
    slug_title: str
    """The title in the Context's spelling, from which the slug is made."""
    tags: tuple[str, ...]
    """The context tags of the day page's entry: the section, then each story."""


@attrs.frozen(kw_only=True)
class PortalDay:
    """One day page of the portal, read: events, the day's listing and the rest."""

    date: _dt.date
    events: tuple[Event, ...]
    day: DayPage
    """The day's listing: one entry per event, at ``/news/YYYY/MM/D/<slug>.md``."""
    items: tuple[Item, ...]
    """Per event, in the same order: its line, section and story chain."""
    remainder: tuple[Remainder, ...]
    """Everything not understood, verbatim, with line numbers."""
    wikilinks: tuple[WikiLink, ...]
    """Every ``[[…]]`` link of the page, in page order."""
    external_links: tuple[ExternalLink, ...]
    """Every external link of the page, in page order."""
    provenance: Provenance


# These classes have no validators: their unchecked constructors build the same values,
# only without attrs' frozen __init__.
_new_remainder = unchecked(Remainder)
_new_item = unchecked(Item)
_new_portal_day = unchecked(PortalDay)


# tuple.__new__(cls, values): a named tuple without the call of its own __new__.
_tuple = tuple.__new__


class _Line(NamedTuple):
    number: int
    text: str


def _clean(text: str) -> str:
    # Printable text (line breaks and tabs aside) has none of those characters: a check
    # in C at twice the speed of the expression's search.
    if text.replace("\n", " ").replace("\t", " ").isprintable():
        return text
    return _NOT_XML.sub("", text)


def _one_line(text: str) -> str:
    # Substring tests are much faster than a regular expression's search here; the ends
    # first, where removed citations leave their spaces (the same result: the runs at
    # either end are stripped both ways).
    text = text.strip(" \t\xa0")
    if "  " in text or "\t" in text or "\n" in text or "\r" in text:
        return _SPACES.sub(" ", text).strip(" \t\xa0")
    return text


def _drop_comments(text: str) -> str:
    if "<!--" not in text:
        return text
    return _COMMENT.sub(lambda m: "\n" * m.group().count("\n"), text)


_Params = tuple[dict[str, tuple[str, int]], list[tuple[int, int]]]
"""A template's parameters the reader uses, by name (value and its offset), and where
the others are."""
_USED = frozenset({"year", "month", "day", "content", "top", "bottom"})


def _params(text: str, start: int, end: int) -> _Params:
    """The parameters of the template text[start:end] (see :func:`_named`)."""
    return _named(_split_params(text[start + 2 : end - 2]), start + 2)


def _named(parts: list[str], at: int) -> _Params:
    """The parameters among a template's ``parts`` (its name first), whose inside starts
    at offset ``at``: those the reader uses, by name, with the value and its offset; and
    where each other one is (a positional one, or one of another name, such as a
    misspelt ``content=``), to be kept in the remainder."""
    out: dict[str, tuple[str, int]] = {}
    unused: list[tuple[int, int]] = []
    pos = at + len(parts[0]) + 1
    for p in parts[1:]:
        key, sep, value = p.partition("=")
        name = key.strip().lower()
        if sep and name in _USED:
            out[name] = (value, pos + len(key) + 1)
        elif p.strip():
            unused.append((pos, pos + len(p)))
        pos += len(p) + 1
    return out, unused


def _content_params(text: str, start: int, content: re.Match[str], end: int) -> _Params | None:
    """:func:`_params` of the template text[start:end] whose ``content=`` (``content``,
    where _CONTENT matched) starts its last parameter: the content runs to the
    template's end, whatever it holds. A "|" in the news outside links and templates
    would end the parameter for MediaWiki, and the rest of the day would not show; here
    it is text, and the rest of the day is read. Only the parameters before the content
    are split. None when ``content=`` does not start a parameter."""
    if text[content.start() : content.end() - 1].rstrip(" ") != "content":
        return None  # "c o n t e n t =": MediaWiki's name for it holds the spaces
    parts = _split_params(text[start + 2 : content.start()])
    if len(parts) < 2 or parts[-1].strip():
        return None
    out, unused = _named(parts, start + 2)
    out["content"] = (text[content.end() : end - 2], content.end())
    return out, unused


def _template_date(text: str, params: dict[str, tuple[str, int]], start: int) -> _dt.date | None:
    if not all(k in params for k in ("year", "month", "day")):
        return None
    month = params["month"][0].strip()
    try:
        number = _MONTH_NAMES.get(month.lower()) or int(month)
        return _dt.date(int(params["year"][0].strip()), number, int(params["day"][0].strip()))
    except ValueError:
        line, col = place(text, start)
        raise ParseError("the Current events template names no valid date", line, col) from None


def _logical_lines(text: str, start: int, end: int) -> list[_Line]:
    """The lines of text[start:end] with their numbers; a template or reference left open
    at the end of a line continues on the next ones."""
    number = text.count("\n", 0, start) + 1
    raw = text[start:end].split("\n")
    out: list[_Line] = []
    i = 0
    n = len(raw)
    while i < n:
        line = raw[i]
        first = number + i
        i += 1
        # (A line without "{{" and "<" opens neither a template nor a reference.)
        if ("{{" in line or "<" in line) and (
            line.count("{{") > line.count("}}") or _open_ref(line)
        ):
            # Join the next lines only when they close what this one opened.
            joined = line
            for k in range(i, min(i + 20, n)):
                joined += "\n" + raw[k]
                if joined.count("{{") <= joined.count("}}") and not _open_ref(joined):
                    line = joined
                    i = k + 1
                    break
        out.append(_tuple(_Line, (first, line)))
    return out


def _open_ref(line: str) -> bool:
    low = line.lower()
    return low.count("<ref") > low.count("</ref") + low.count("/>") if "<ref" in low else False


class _Bullet(NamedTuple):
    line: int
    depth: int
    rendered: Rendered
    section: str | None
    text: str
    """The line as written (comments removed)."""


def read(
    data: str | bytes,
    *,
    date: _dt.date | None = None,
    title: str | None = None,
    revision: int | None = None,
    timestamp: str | None = None,
) -> PortalDay:
    """Read a day page of the portal (its wikitext, as str or UTF-8 bytes).

    The date comes from the page's ``{{Current events|year=…|month=…|day=…}}`` template,
    or from ``date`` (which wins when both are there). ``title``, ``revision`` and
    ``timestamp`` name where the text comes from; the title defaults to the portal's own
    for the date. Raises :class:`newsevent.ParseError` when the text is not UTF-8 or no
    date can be found; everything else the reader does not understand is kept in
    :attr:`PortalDay.remainder`.
    """
    text = as_text(data).replace("\r\n", "\n").replace("\r", "\n")
    # Characters no format can carry (XML 1.0 excludes them) are dropped once, here.
    text = _drop_comments(_clean(text))
    # Parts of the page outside the news: start, end, and whether "|" may be in an
    # address there (not in a template's parameter).
    outside: list[tuple[int, int, bool]] = []
    m = _START.search(text)
    page_date: _dt.date | None = None
    pipes = True  # (whether "|" may be in an address of the news)
    if m is None:
        region = (0, len(text))
    else:
        end = _close_template(text, m.start())
        last = text.rfind("}}")
        content = None
        if last > m.start():
            content = _CONTENT.search(text, m.start(), end if end > 0 else len(text))
        if content is not None:
            # The news is the content parameter: it ends at the page's last "}}", so that a
            # stray brace (or "|") inside it cannot cut the day short.
            end = last + 2
        if end < 0:
            line, col = place(text, m.start())
            raise ParseError("the Current events template is not closed", line, col)
        found = None
        if content is not None:
            found = _content_params(text, m.start(), content, end)
        params, unused = found or _params(text, m.start(), end)
        page_date = _template_date(text, params, m.start())
        outside.append((0, m.start(), True))
        outside += [(a, b, False) for a, b in unused]
        if "content" in params:
            value, at = params["content"]
            region = (at, at + len(value))
            pipes = False
            outside.append((end, len(text), True))
        else:
            bottom = _START.search(text, end)
            stop = len(text)
            after = len(text)
            while bottom is not None:
                b_end = _close_template(text, bottom.start())
                if b_end < 0:
                    break
                b_params, b_unused = _params(text, bottom.start(), b_end)
                if "bottom" in b_params:
                    stop, after = bottom.start(), b_end
                    outside += [(a, b, False) for a, b in b_unused]
                    break
                bottom = _START.search(text, b_end)
            region = (end, stop)
            outside.append((after, len(text), True))
    day = date or page_date
    if day is None:
        raise ParseError(
            "no date: the page has no {{Current events|year=…|month=…|day=…}} template "
            "and none was given"
        )
    prov = Provenance(title=title or page_title(day), revision=revision, timestamp=timestamp)
    return _Reader(text, day, prov, pipes).run(region, outside)


class _Reader:
    def __init__(self, text: str, date: _dt.date, prov: Provenance, pipes: bool) -> None:
        self.text = text
        self.pipes = pipes
        """Whether "|" may be part of an address in the news (not a template's content)."""
        self.date = date
        self.prov = prov
        self.attribution = prov.attribution
        self.remainder: list[Remainder] = []
        self.wikilinks: list[WikiLink] = []
        self.external: list[ExternalLink] = []
        self.folder = day_folder(date)
        # What every event of the page shares, checked once: the date is one the model
        # takes, and the attribution is a valid paragraph of a body on its own.
        self.trusted = type(date) is _dt.date and ok.good_line(self.attribution) is not None
        self.sections: dict[str | None, tuple[tuple[str, ...], bool]] = {}

    def keep(self, line: int, text: str) -> None:
        self.remainder.append(_new_remainder(line, text))

    def run(self, region: tuple[int, int], outside: list[tuple[int, int, bool]]) -> PortalDay:
        outside.sort()
        before = [x for x in outside if x[1] <= region[0]]
        after = [x for x in outside if x[0] >= region[1]]
        for a, b, pipes in before:
            self._outside(a, b, pipes)
        bullets = self._bullets(region)
        for a, b, pipes in after:
            self._outside(a, b, pipes)
        events, items, trusted = self._events(bullets)
        self.remainder.sort(key=lambda r: r.line)
        entries = tuple(self._entry(it, t) for it, t in zip(items, trusted, strict=True))
        extra = tuple(
            f"wikitext line {r.line + k}: {part}"
            for r in self.remainder
            for k, part in enumerate(r.text.split("\n"))
            if part.strip(" \t")
        )
        if self.trusted and all(ok.good_extra_line(x) for x in extra):
            listing = new_day(self.date, entries, None, "", False, "en", extra, None)
        else:
            listing = DayPage(
                date=self.date,
                entries=entries,
                language="en",
                extra=extra,
            )
        return _new_portal_day(
            self.date,
            events,
            listing,
            items,
            tuple(self.remainder),
            tuple(self.wikilinks),
            tuple(self.external),
            self.prov,
        )

    def _outside(self, a: int, b: int, pipes: bool) -> None:
        for ln in _logical_lines(self.text, a, b):
            if ln.text.strip():
                r = render(ln.text, ln.number, pipes=pipes)
                self.wikilinks.extend(r.wikilinks)
                self.external.extend(r.external)
                self.keep(ln.number, ln.text)

    def _bullets(self, region: tuple[int, int]) -> list[_Bullet]:
        section: str | None = None
        bullets: list[_Bullet] = []
        wikilinks, external = self.wikilinks, self.external
        pipes = self.pipes
        for number, line in _logical_lines(self.text, *region):
            s = line.strip()
            if not s:
                continue
            first = s[0]
            if first == "*" and line[0] == "*":
                # The commonest line of all: a bullet at the line's start.
                text = line.lstrip(_LIST_MARKS)
                r = render(text, number, pipes=pipes)
                if r.wikilinks:
                    wikilinks.extend(r.wikilinks)
                if r.external:
                    external.extend(r.external)
                bullets.append(_tuple(_Bullet, (number, len(line) - len(text), r, section, line)))
                continue
            heading: str | None = None
            if first == ";":
                heading = s[1:]
            elif first == "'" and s.startswith("'''") and (hm := _BOLD_HEADING.fullmatch(s)):
                heading = hm.group(1)
            elif first == "=" and (em := _EQ_HEADING.fullmatch(s)) is not None:
                heading = em.group(2)
            if heading is not None:
                r = render(heading, number, pipes=pipes)
                wikilinks.extend(r.wikilinks)
                external.extend(r.external)
                section = _one_line(r.plain) or None
                if r.external or r.unknown:
                    self.keep(number, line)
                continue
            bm = _BULLET.fullmatch(line.lstrip(" \t"))
            if bm is None:
                r = render(line, number, pipes=pipes)
                wikilinks.extend(r.wikilinks)
                external.extend(r.external)
                self.keep(number, line)
                continue
            r = render(bm.group(2), number, pipes=pipes)
            wikilinks.extend(r.wikilinks)
            external.extend(r.external)
            bullets.append(_Bullet(number, len(bm.group(1)), r, section, line))
        return bullets

    def _events(
        self, bullets: list[_Bullet]
    ) -> tuple[tuple[Event, ...], tuple[Item, ...], list[bool]]:
        events: list[Event] = []
        items: list[Item] = []
        trusted: list[bool] = []
        stack: list[_Bullet] = []
        # Per story line on the stack, the chain down to it: its stories, their context
        # tags and whether all of those are valid tags (worked out once, when the line
        # is put on the stack: every event below it shares it).
        chains: list[_Chain] = []
        seen: set[str] = set()
        count = len(bullets)
        for k, b in enumerate(bullets):
            while stack and (stack[-1].depth >= b.depth or stack[-1].section != b.section):
                stack.pop()
                chains.pop()
            nxt = bullets[k + 1] if k + 1 < count else None
            has_children = nxt is not None and nxt.depth > b.depth and nxt.section == b.section
            r = b.rendered
            if not has_children and not r.sources and not r.plain.strip():
                self.keep(b.line, b.text)
                continue
            if not has_children or r.sources:
                ev, item, checked = self._event(b, chains[-1] if chains else None, seen)
                events.append(ev)
                items.append(item)
                trusted.append(checked)
            else:
                for u in r.unknown:
                    self.keep(b.line, u)
            if has_children:
                stack.append(b)
                chains.append(_chained(chains[-1] if chains else None, r))
        return tuple(events), tuple(items), trusted

    def _section(self, section: str | None) -> tuple[tuple[str, ...], bool]:
        """A section heading's context tag (none for no heading), and whether it is valid."""
        got = self.sections.get(section)
        if got is None:
            tag = _tag(section) if section else ""
            tags = (tag,) if tag else ()
            got = self.sections[section] = (tags, all(ok.good_tag(t) for t in tags))
        return got

    def _event(self, b: _Bullet, chain: _Chain | None, seen: set[str]) -> tuple[Event, Item, bool]:
        """The event of a news bullet, its item, and whether every value was checked here
        (then the event was built without the validators, and its entry may be)."""
        r = b.rendered
        for u in r.unknown:
            self.keep(b.line, u)
        title = _one_line(r.plain)
        tags, good_tags = self._section(b.section)
        category: str | None
        if chain is not None:
            stories, story_tags, good = chain
            tags += story_tags
            good_tags = good_tags and good
            category = stories[-1]
        else:
            stories = ()
            first = next((t for t in map(_one_line, r.shown) if t), "")
            category = first[:1].upper() + first[1:] if first else None
        slug_title = r.raw.replace("\n", " ")
        slug = context_slug(slug_title) or "event"
        if slug in seen:
            n = 2
            while f"{slug}-{n}" in seen:
                n += 1
            slug = f"{slug}-{n}"
        seen.add(slug)
        trusted = self.trusted
        sources: list[Source] = []
        for c in r.sources:
            name = _one_line(c.name)
            if name != COVER_IMAGE and _good_line(name) and ok.good_url(c.url):
                sources.append(new_source(name, c.url, None))
                continue
            if name == COVER_IMAGE:
                trusted = False  # the event's validator refuses it, with its own message
            try:
                sources.append(Source(name=name, url=c.url))
            except ValueError as exc:
                self.keep(b.line, f"[{c.url} {c.name}] ({exc})")
        body_text = _one_line(r.md)
        body = f"{body_text}\n\n{self.attribution}" if body_text else self.attribution
        # The slug is made of a-z, 0-9 and "-" (or is "event"): always one path segment.
        if (
            trusted
            and _good_line(title)
            and (category is None or _good_line(category))
            and (not body_text or _good_line(body_text))
        ):
            ev = new_event(
                self.date, title, category, body, tuple(sources), None, (), (), slug, "", "en",
                (), None,
            )  # fmt: skip
        else:
            trusted = False
            ev = Event(
                date=self.date,
                title=title,
                category=category,
                body=body,
                sources=tuple(sources),
                slug=slug,
                language="en",
            )
        item = _new_item(b.line, ev, b.section, stories, slug_title, tags)
        return ev, item, trusted and good_tags

    def _entry(self, item: Item, trusted: bool) -> Entry:
        ev = item.event
        url = f"/news/{self.folder}/{ev.slug}.md"
        if trusted:
            # Title and category were checked for the event, the tags for their story
            # lines; the address is made of the date and the slug.
            return new_entry(ev.title, url, ev.category, None, item.tags)
        return Entry(title=ev.title, url=url, category=ev.category, context=item.tags)


def _good_line(value: str) -> bool:
    """Whether ``value`` passes the rule of single-line fields such as titles: a printable
    str without a space at either end always does (a C loop, quicker than the rule's
    expression, which decides the rest)."""
    if value.isprintable() and value[:1] != " " and value[-1:] != " ":
        return True
    return ok.good_line(value) is not None


_Chain = tuple[tuple[str, ...], tuple[str, ...], bool]
"""The story lines above a bullet, outermost first, their context tags and whether
those are all valid tags."""


def _chained(above: _Chain | None, r: Rendered) -> _Chain:
    """The chain of a story line ``r`` below the chain ``above``."""
    story = _story(r)
    tags = tuple(t for t in map(_tag, _tags(r, story)) if t)
    good = all(ok.good_tag(t) for t in tags)
    if above is None:
        return (story,), tags, good
    return above[0] + (story,), above[1] + tags, above[2] and good


def _story(r: Rendered) -> str:
    s = _one_line(r.plain)
    return s[:-1].rstrip() if s.endswith(":") else s


def _tags(r: Rendered, story: str) -> list[str]:
    """A story line's tags (``story`` is its text): each linked story of ``[[A]], [[B]]``,
    else the whole line."""
    names = [_one_line(w.text) for w in r.wikilinks]
    if len(names) > 1 and ", ".join(names) == story:
        return names
    return [story]


def _tag(t: str) -> str:
    # ", " separates tags on the page, so a story named "X, 2016" is tagged "X,2016".
    return t.replace(", ", ",").strip(" \t\xa0")
