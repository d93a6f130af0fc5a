"""The typed, immutable model of an event page."""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable
from typing import Any, Literal, TypeAlias, TypeVar

import attrs

from ._spelling import Spelling, attach
from ._text import BLANK, GOOD_URL, bad_char, url_problem

Language = Literal["en", "zh"]
LANGUAGES: tuple[str, ...] = ("en", "zh")
_NEWS_DATE = re.compile(r"/news/(\d{4})/(\d{2})/(\d{1,2})/")
_CHANGE_LABEL = re.compile(r"[^()\n\r]+")
COVER_IMAGE = "Cover Image"


def _check_text(value: str, what: str, *, single_line: bool = True) -> None:
    problem = bad_char(value)
    if problem:
        raise ValueError(f"{what}: {problem}")
    if single_line and ("\n" in value or "\r" in value):
        raise ValueError(f"{what} must be a single line: {value!r}")


# One regex for the common case of the rules below; the slow path explains failures.
# Written as complements: the same sets (tab, space and every XML character; every XML
# character but the blanks), compiled several times faster at import.
_IN = "^\x00-\x08\x0a-\x1f\ud800-\udfff\ufffe\uffff"
_EDGE = "^\x00-\x20\ud800-\udfff\ufffe\uffff"
_GOOD_LINE = re.compile(f"(?:[{_EDGE}](?:[{_IN}]*[{_EDGE}])?)?")


def _expect_str(attribute: attrs.Attribute[Any], value: Any) -> None:
    if type(value) is not str:
        raise TypeError(f"{attribute.name} must be a str, not {type(value).__name__}")


def _line(_inst: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    """A single line of text without surrounding blanks (may be empty)."""
    if type(value) is str and _GOOD_LINE.fullmatch(value):
        return
    _expect_str(attribute, value)
    _check_text(value, attribute.name)
    raise ValueError(f"{attribute.name} must not start or end with blanks: {value!r}")


def _opt_line(inst: Any, attribute: attrs.Attribute[Any], value: str | None) -> None:
    if value is not None:
        _line(inst, attribute, value)


def _nonempty_line(inst: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    _line(inst, attribute, value)
    if not value:
        raise ValueError(f"{attribute.name} must not be empty")


def _url(_inst: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    _expect_str(attribute, value)
    check_url(value, attribute.name)


def check_url(value: str, what: str = "url") -> None:
    """Raise ValueError unless ``value`` can be stored as a URL (see docs/model.md)."""
    if GOOD_URL.fullmatch(value):
        return
    _check_text(value, what)
    problem = url_problem(value)
    if problem:
        raise ValueError(f"{what} {value!r} {problem}")


def _opt_url(inst: Any, attribute: attrs.Attribute[Any], value: str | None) -> None:
    if value is not None:
        _url(inst, attribute, value)


def _tuple_of(cls: type) -> Any:
    def check(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if type(value) is not tuple:
            raise TypeError(f"{attribute.name} must be a tuple, not {type(value).__name__}")
        for item in value:
            if not isinstance(item, cls):
                raise TypeError(f"{attribute.name} items must be {cls.__name__}, not {item!r}")

    return check


_tuple_of_str = _tuple_of(str)


_GOOD_TAG = re.compile(f"(?!.*, )[{_EDGE}](?:[{_IN}]*[{_EDGE}])?")


# A whole "tag, tag" run whose split on ", " passes _context_tags (for the readers' fast path):
# no tag empty or with blanks at its edges.
_GOOD_TAG_RUN = re.compile(f"(?!, )(?!.*(?:[ \t], |, [ \t]))[{_EDGE}](?:[{_IN}]*[{_EDGE}])?")
good_line = _GOOD_LINE.fullmatch
"""Whether a str passes the rule of single-line fields such as titles (a match or None)."""
good_tag_run = _GOOD_TAG_RUN.fullmatch
"""Whether ``text.split(", ")`` is a valid tuple of context tags (a match or None)."""


def _context_tags(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if type(value) is tuple and all(type(t) is str and _GOOD_TAG.fullmatch(t) for t in value):
        return
    _tuple_of_str(inst, attribute, value)
    for tag in value:
        _nonempty_line(inst, attribute, tag)
        if ", " in tag:
            raise ValueError(f"context tag {tag!r} must not contain ', ' (the tag separator)")


def _date(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if type(value) is not _dt.date:
        raise TypeError(f"{attribute.name} must be a datetime.date, not {type(value).__name__}")


def day_label(d: _dt.date) -> str:
    """The site's spelling of a day: month zero-padded, day not (``2012-11-8``)."""
    return f"{d.year:04d}-{d.month:02d}-{d.day}"


def day_folder(d: _dt.date) -> str:
    """The site's folder of a day under ``news/`` (``2012/11/8``)."""
    return f"{d.year:04d}/{d.month:02d}/{d.day}"


def _news_date(url: str) -> _dt.date | None:
    m = _NEWS_DATE.search(url)
    if not m:
        return None
    try:
        return _dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


_str = attrs.validators.instance_of(str)
_opt_str = attrs.validators.optional(_str)


@attrs.frozen(kw_only=True)
class Source:
    """One news outlet cited by an event: ``N. [name](url) [IMG](image)``."""

    name: str = attrs.field(validator=_line)
    """The outlet's name as shown in the link text (may be empty)."""
    url: str = attrs.field(validator=_url)
    """The article's address, normalised (see :func:`newsevent.normalize_url`)."""
    image: str | None = attrs.field(default=None, validator=_opt_url)
    """The address of the article's picture (the ``[IMG](…)`` link), if any."""


@attrs.frozen(kw_only=True)
class Related:
    """A related event: ``N. [title](url) _Context: tag, tag_``."""

    title: str = attrs.field(validator=_line)
    url: str = attrs.field(validator=_url)
    context: tuple[str, ...] = attrs.field(default=(), validator=_context_tags)
    """The context tags shared with this event, in page order."""

    @property
    def date(self) -> _dt.date | None:
        """The related event's date, read from its link (``/news/YYYY/MM/D/…``)."""
        return _news_date(self.url)


@attrs.frozen(kw_only=True)
class Change:
    """An earlier or current version of the event: ``N. [title](url) _TIMESTAMP (label)_``."""

    title: str = attrs.field(validator=_line)
    url: str = attrs.field(validator=_url)
    label: str = attrs.field(validator=_str)
    """What the version was: ``First version``, ``Update``, ``Current version``…"""
    timestamp: _dt.datetime | None = attrs.field(default=None)
    """When that version was made (naive, to the second), if the page says."""

    @label.validator
    def _check_label(self, attribute: attrs.Attribute[Any], value: str) -> None:
        _nonempty_line(self, attribute, value)
        if not _CHANGE_LABEL.fullmatch(value):
            raise ValueError(f"label must not contain parentheses: {value!r}")

    @timestamp.validator
    def _check_timestamp(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None:
            return
        if type(value) is not _dt.datetime:
            raise TypeError("timestamp must be a datetime.datetime or None")
        if value.tzinfo is not None or value.microsecond:
            raise ValueError("timestamp must be naive and whole seconds")


def _check_body(_inst: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    check_body(value)


def check_body(value: str) -> None:
    """Raise ValueError unless ``value`` is a valid body (paragraphs of clean lines)."""
    if value.isprintable() and value[:1] != " " and value[-1:] != " ":
        return  # one line (a line break is not printable), no control or blank at its ends
    _check_text(value, "body", single_line=False)
    if "\r" in value:
        raise ValueError("body must not contain carriage returns")
    for para in value.split("\n\n"):
        if not para:
            raise ValueError("body paragraphs are separated by exactly one blank line")
        for line in para.split("\n"):
            if not line.strip(BLANK) or line != line.strip(BLANK):
                raise ValueError(f"body line {line!r} must be non-blank without surrounding blanks")


def _check_extra(_inst: Any, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
    for line in value:
        _check_text(line, "extra line")
        if not line.strip(BLANK):
            raise ValueError("extra lines must not be blank")


_SLUG = re.compile(r"[^/?#()\x00-\x20\x7f]+")
_PREFIX = re.compile(r"(/[^/?#()\x00-\x20\x7f]+)*")


def is_slug(value: str) -> bool:
    """Whether ``value`` is one URL path segment, as a page may spell it."""
    return bool(_SLUG.fullmatch(value)) and bad_char(value) is None


def _check_slug(_inst: Any, attribute: attrs.Attribute[Any], value: str | None) -> None:
    if value is not None and not is_slug(value):
        raise ValueError(f"slug {value!r} must be one URL path segment")


def good_prefix(value: str) -> bool:
    """Whether ``value`` passes the rule of ``prefix`` fields."""
    return not value or (bool(_PREFIX.fullmatch(value)) and bad_char(value) is None)


def _check_prefix(_inst: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    if not good_prefix(value):
        raise ValueError(f"prefix {value!r} must be empty or '/segment[/segment…]'")


def _language(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and value not in LANGUAGES:
        raise ValueError(f"language must be None or one of {LANGUAGES}, not {value!r}")


_opt_spelling = attrs.validators.optional(attrs.validators.instance_of(Spelling))


@attrs.frozen(kw_only=True)
class Event:
    """One event page.

    Every instance can be written in each of the four formats and read back
    equal; the validators enforce what that takes (see docs/model.md).
    """

    date: _dt.date = attrs.field(validator=_date)
    """The day the event happened."""
    title: str = attrs.field(validator=_line)
    """The headline, without surrounding blanks."""
    category: str | None = attrs.field(default=None, validator=_opt_line)
    """The ``##### …`` line above the title; ``""`` when present but empty."""
    body: str = attrs.field(default="", validator=[_str, _check_body])
    """Paragraphs separated by one blank line (``"\\n\\n"``); may be empty."""
    sources: tuple[Source, ...] = attrs.field(default=(), validator=_tuple_of(Source))
    cover_image: str | None = attrs.field(default=None, validator=_opt_url)
    """The ``[Cover Image](…)`` item of the newest generator, if any."""
    related: tuple[Related, ...] = attrs.field(default=(), validator=_tuple_of(Related))
    changes: tuple[Change, ...] = attrs.field(default=(), validator=_tuple_of(Change))
    """The ``### Changes:`` section: the event's versions, oldest first."""
    slug: str | None = attrs.field(default=None, validator=[_opt_str, _check_slug])
    """The page's file name without ``.md`` (known from a ``Formats:`` line)."""
    prefix: str = attrs.field(default="", validator=[_str, _check_prefix])
    """The site prefix of the page's own links, ``""`` or for example ``"/zh"``."""
    language: Language | None = attrs.field(default=None, eq=False, validator=_language)
    """The edition's language, ``"en"`` or ``"zh"``: the words of the section headings.

    Read from the headings; ``None`` when the page has none (the writer then takes
    Chinese for a title or category in Chinese script). Bookkeeping of the page's
    spelling, so it takes no part in equality.
    """
    extra: tuple[str, ...] = attrs.field(default=(), validator=[_tuple_of(str), _check_extra])
    """Lines the reader did not understand, kept verbatim (written back where they stood)."""
    spelling: Spelling | None = attrs.field(
        default=None, eq=False, repr=False, validator=_opt_spelling
    )
    """How the page was written (see :class:`newsevent.Spelling`); not part of equality."""

    @sources.validator
    def _check_sources(self, attribute: attrs.Attribute[Any], value: tuple[Source, ...]) -> None:
        for s in value:
            if s.name == COVER_IMAGE and s.image is None:
                raise ValueError(f"a source named {COVER_IMAGE!r} must be given as cover_image")

    @property
    def path(self) -> str:
        """The site path of the day folder, e.g. ``/news/2012/11/8``."""
        d = self.date
        return f"{self.prefix}/news/{day_folder(d)}"

    @property
    def day_url(self) -> str:
        """The link of the date heading: the day's listing page."""
        return f"{self.path}/index.md"

    @property
    def url(self) -> str | None:
        """The page's own Markdown address, when its slug is known."""
        return None if self.slug is None else f"{self.path}/{self.slug}.md"

    @property
    def format_urls(self) -> dict[str, str]:
        """The ``Formats:`` links (``html``, ``json``, ``xml``); empty without a slug."""
        if self.slug is None:
            return {}
        base = f"{self.path}/{self.slug}"
        return {"html": f"{base}.html", "json": f"{base}.json", "xml": f"{base}.xml"}


def _entries(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    _tuple_of(Entry)(_inst, attribute, value)


@attrs.frozen(kw_only=True)
class Entry:
    """One event listed on a day or front page: ``### [title](url)`` and its lines."""

    title: str = attrs.field(validator=_line)
    url: str = attrs.field(validator=_url)
    category: str | None = attrs.field(default=None, validator=_opt_line)
    """The ``##### …`` line above the entry; ``""`` when present but empty."""
    summary: str | None = attrs.field(default=None)
    """The one-line summary under the entry, if any."""
    context: tuple[str, ...] = attrs.field(default=(), validator=_context_tags)
    """The ``_Context: …_`` tags under the entry, if any."""

    @summary.validator
    def _check_summary(self, attribute: attrs.Attribute[Any], value: str | None) -> None:
        if value is not None:
            _nonempty_line(self, attribute, value)

    @property
    def date(self) -> _dt.date | None:
        """The listed event's date, read from its link."""
        return _news_date(self.url)


@attrs.frozen(kw_only=True)
class DayPage:
    """A day's listing page (``news/YYYY/MM/D/index.md`` or its ``README.md`` twin)."""

    date: _dt.date = attrs.field(validator=_date)
    entries: tuple[Entry, ...] = attrs.field(default=(), validator=_entries)
    previous: str | None = attrs.field(default=None, validator=_opt_url)
    """The link of the ``Previous Day...`` heading, if any."""
    prefix: str = attrs.field(default="", validator=[_str, _check_prefix])
    """The site prefix of the date heading's link, ``""`` or for example ``"/zh"``."""
    formats: bool = attrs.field(default=False, validator=attrs.validators.instance_of(bool))
    """Whether the page has the ``Formats:`` line (its links derive from the date)."""
    language: Language | None = attrs.field(default=None, eq=False, validator=_language)
    """The edition's language (context labels, the previous-day link); ``None`` when the
    page has no such words. Not part of equality."""
    extra: tuple[str, ...] = attrs.field(default=(), validator=[_tuple_of(str), _check_extra])
    """Lines the reader did not understand, kept verbatim (written back where they stood)."""
    spelling: Spelling | None = attrs.field(
        default=None, eq=False, repr=False, validator=_opt_spelling
    )
    """How the page was written (see :class:`newsevent.Spelling`); not part of equality."""

    @property
    def path(self) -> str:
        """The site path of the day folder, e.g. ``/news/2012/11/8``."""
        d = self.date
        return f"{self.prefix}/news/{day_folder(d)}"

    @property
    def url(self) -> str:
        """The page's own address (the date heading's link)."""
        return f"{self.path}/index.md"

    @property
    def format_urls(self) -> dict[str, str]:
        """The ``Formats:`` links, relative as on the site; empty without the line."""
        if not self.formats:
            return {}
        d = self.date
        base = f"{day_folder(d)}/index"
        return {"html": f"{base}.html", "json": f"{base}.json", "xml": f"{base}.xml"}


@attrs.frozen(kw_only=True)
class FrontSection:
    """One ``## …`` section of a front page: a day (``## [今天](…)``), ``## Opinion``…"""

    label: str = attrs.field(validator=_nonempty_line)
    """The heading's text as on the page (``News``, ``今天``, ``Previous Day...``)."""
    url: str | None = attrs.field(default=None, validator=_opt_url)
    """The heading's link; ``None`` for a heading without one."""
    entries: tuple[Entry, ...] = attrs.field(default=(), validator=_entries)
    rule: bool = attrs.field(default=False, validator=attrs.validators.instance_of(bool))
    """Whether a ``---`` line follows the section."""

    @label.validator
    def _check_label(self, attribute: attrs.Attribute[Any], value: str) -> None:
        if self.url is None and value == UNPARSED_LABEL:
            raise ValueError(f"a section without a link cannot be labelled {UNPARSED_LABEL!r}")

    @property
    def date(self) -> _dt.date | None:
        """The day the section's link points at, if it points at a day."""
        return None if self.url is None else _news_date(self.url)


UNPARSED_LABEL = "Unparsed:"


@attrs.frozen(kw_only=True)
class FrontPage:
    """A front page: the last few days, with ``---`` between them."""

    sections: tuple[FrontSection, ...] = attrs.field(default=(), validator=_tuple_of(FrontSection))
    formats: bool = attrs.field(default=False, validator=attrs.validators.instance_of(bool))
    """Whether the page has the ``Formats: [HTML](/index.html)…`` line."""
    language: Language | None = attrs.field(default=None, eq=False, validator=_language)
    """The edition's language (context labels); ``None`` when no entry has context tags.
    Not part of equality."""
    extra: tuple[str, ...] = attrs.field(default=(), validator=[_tuple_of(str), _check_extra])
    spelling: Spelling | None = attrs.field(
        default=None, eq=False, repr=False, validator=_opt_spelling
    )
    """How the page was written (see :class:`newsevent.Spelling`); not part of equality."""

    @sections.validator
    def _check_sections(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not any(s.url is not None or s.entries for s in value):
            raise ValueError("a front page has at least one section with a link or an entry")
        first = value[0]
        if first.url is not None and not any(s.rule for s in value):
            d = _news_date(first.url)
            if d is not None and first.url.endswith("/index.md") and first.label == day_label(d):
                raise ValueError(
                    "a front page whose first heading is a day heading needs a '---' rule "
                    "(without one it is a day page)"
                )

    @property
    def entries(self) -> tuple[Entry, ...]:
        """Every entry of every section, in page order."""
        return tuple(e for s in self.sections for e in s.entries)

    @property
    def format_urls(self) -> dict[str, str]:
        """The ``Formats:`` links; empty without the line."""
        if not self.formats:
            return {}
        return {"html": "/index.html", "json": "/index.json", "xml": "/index.xml"}


def _check_editorial_body(_inst: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    check_body(value)
    for line in value.split("\n"):
        if line.startswith("#"):
            raise ValueError(f"editorial body line {line!r} must not start with '#' (a heading)")


@attrs.frozen(kw_only=True)
class Editorial:
    """An editorial of the opinion section: ``# title``, ``#### by Author``, paragraphs.

    The body is kept as Markdown text: inline links and emphasis stay as written
    (``[text](url)``, ``*the Context*``), so every format carries them exactly; the
    HTML writer renders them as links and emphasis. ``date`` and ``slug`` are not written
    on the page itself: they come from its place (``opinion/YYYY/MM/D/<slug>/README.md``)
    when it is read from a file, or from whoever builds it.
    """

    title: str = attrs.field(validator=_nonempty_line)
    """The ``# …`` headline, without surrounding blanks."""
    author: str = attrs.field(validator=_nonempty_line)
    """The name in the ``#### by …`` line."""
    body: str = attrs.field(default="", validator=[_str, _check_editorial_body])
    """Markdown paragraphs separated by one blank line; no line starts with ``#``."""
    date: _dt.date | None = attrs.field(default=None)
    """The day of the editorial's folder, when known."""
    slug: str | None = attrs.field(default=None, validator=[_opt_str, _check_slug])
    """The editorial's folder name (``the-post-truth-and-the-context``), when known."""
    prefix: str = attrs.field(default="", validator=[_str, _check_prefix])
    """The site prefix of the opinion section, ``""`` or for example ``"/zh"``."""
    language: Language | None = attrs.field(default=None, eq=False, validator=_language)
    """The edition's language when known; not part of equality."""
    extra: tuple[str, ...] = attrs.field(default=(), validator=[_tuple_of(str), _check_extra])
    """Lines the reader did not understand, kept verbatim (written back where they stood)."""
    spelling: Spelling | None = attrs.field(
        default=None, eq=False, repr=False, validator=_opt_spelling
    )
    """How the page was written (see :class:`newsevent.Spelling`); not part of equality."""

    @date.validator
    def _check_date(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None:
            _date(self, attribute, value)

    @property
    def path(self) -> str | None:
        """The site path of the editorial's folder, e.g. ``/opinion/2017/04/4/<slug>``."""
        if self.date is None or self.slug is None:
            return None
        return f"{self.prefix}/opinion/{day_folder(self.date)}/{self.slug}"

    @property
    def url(self) -> str | None:
        """The page's own Markdown address (as the opinion listing links it), when known."""
        return None if self.path is None else f"{self.path}/index.md"


OPINION_PATH = re.compile(
    r"(?:^|/)opinion/(\d{4})/(\d{2})/(\d{1,2})/([^/]+)/(?:index|README)\.\w+$"
)


def placed(page: Editorial, path: str) -> Editorial:
    """``page`` with the date and slug its file's path says, when it says them."""
    if page.date is not None or page.slug is not None:
        return page
    m = OPINION_PATH.search(path.replace("\\", "/"))
    if not m or not is_slug(m[4]):
        return page
    try:
        date = _dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return page
    out = attrs.evolve(page, date=date, slug=m[4])
    if out.spelling is not None:
        attach(out.spelling, out)  # the same spelling: the path adds no Markdown
    return out


Page: TypeAlias = Event | DayPage | FrontPage | Editorial
"""Any page newsevent reads: an event, a day listing, a front page or an editorial."""


_T = TypeVar("_T")


def unchecked(cls: type[_T]) -> Callable[..., _T]:
    """A constructor of ``cls`` that skips its validators, for readers whose own checks
    already prove every rule the validators enforce.

    It takes every field, in class order, by keyword or position (no defaults); tests
    compare what it builds with the validating constructor over the corpus and
    generated pages.
    """
    names = [a.name for a in attrs.fields(cls)]  # type: ignore[arg-type]
    scope: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    body = []
    for n in names:
        scope[f"_set_{n}"] = cls.__dict__[n].__set__  # the slot's descriptor
        body.append(f"    _set_{n}(self, {n})\n")
    src = f"def new({', '.join(names)}):\n    self = _new(_cls)\n{''.join(body)}    return self\n"
    exec(src, scope)
    new: Callable[..., _T] = scope["new"]
    new.__qualname__ = f"unchecked({cls.__name__})"
    return new


new_source = unchecked(Source)
new_related = unchecked(Related)
new_change = unchecked(Change)
new_event = unchecked(Event)
new_entry = unchecked(Entry)
new_day = unchecked(DayPage)
new_front_section = unchecked(FrontSection)
new_front = unchecked(FrontPage)
