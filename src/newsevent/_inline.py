"""Inline Markdown: mistune as the reference engine, a fast path, and escaping.

Readers work on *nodes*, a flattened form of mistune's inline tokens:

* ``("text", s)``  decoded text (entities resolved, escapes removed; raw HTML kept
  verbatim; emphasis and other markup written back as plain characters);
* ``("link", text, url)`` an inline link whose text is flattened the same way; ``url`` is
  the destination as written, entity references and backslash escapes decoded;
* ``("em", text)`` emphasis (``_…_`` or ``*…*``) whose content is flattened.

:func:`nodes` uses a regular-expression fast path for the common shapes and
falls back to mistune otherwise; ``fast=False`` forces mistune.  The test
suite checks that both give identical nodes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import mistune
from mistune.core import DEFAULT_MAX_NESTED_LEVEL
from mistune.helpers import parse_link_href, unescape_char
from mistune.util import escape_url, unescape

from ._model import good_line, good_tag_run
from ._text import GOOD_URL

Node = tuple[str, ...]

_INLINE = mistune.create_markdown(renderer=None).inline

# Characters that make mistune produce anything but plain text.
_PLAIN = re.compile(r"[^\\`*_\[\]<!\n]*")


def _plain(s: str) -> bool:
    """``_PLAIN.fullmatch(s)``, by str searches (several times quicker on long lines)."""
    return not (
        "\\" in s or "`" in s or "*" in s or "_" in s or "[" in s or "]" in s or "<" in s
        or "!" in s or "\n" in s
    )  # fmt: skip


_URL = r"[^\s()<>\\`\x00-\x1f\x7f]*"
_C = r"[^\\`*_\[\]<!\n]"
# An underscore between two word characters can neither open nor close emphasis.
_TXT = rf"{_C}*(?:(?<=[^\W_])_(?=[^\W_]){_C}*)*"
# Link text may hold bracketed runs that are not links themselves (wiki leftovers
# such as "[http://… label]"), one level deep.
_LTXT = rf"{_TXT}(?:\[{_TXT}\](?!\(){_TXT})*"
_EM = r"[^\\`*_\[\]<!\n\s](?:[^\\`*_\[\]<!\n]*[^\\`*_\[\]<!\n\s])?"
_FAST = re.compile(rf"\[({_LTXT})\]\(({_URL})\)(?:( )\[({_TXT})\]\(({_URL})\)|( )_({_EM})_)?")


class _Hrefs:
    """The destinations of a line's links as written.

    mistune hands out destinations percent-encoded; the page's own spelling is found
    again among the line's ``](…)`` destinations, in order, by encoding each the same way.
    """

    def __init__(self, src: str) -> None:
        self.src = src
        self.found: list[tuple[str, str]] | None = None

    def url(self, token: dict[str, Any]) -> str:
        encoded: str = token["attrs"]["url"]
        if self.found is None:
            found: list[tuple[int, str, str]] = []
            for m in _CLOSE.finditer(self.src):
                href, _end = parse_link_href(self.src, m.end())
                if href is not None:
                    href = unescape_char(href)
                    found.append((m.start(), escape_url(href), unescape(href)))
            if "<" in self.src:  # autolinks: the text between < and > is the url, as written
                for m in _AUTO_LINK.finditer(self.src):
                    raw = m[1] or "mailto:" + m[2]
                    found.append((m.start(), escape_url(raw), raw))
                found.sort(key=lambda f: f[0])
            self.found = [(enc, written) for _, enc, written in found]
        for i, (enc, written) in enumerate(self.found):
            if enc == encoded:
                del self.found[i]
                return written
        return encoded  # pragma: no cover - every link token is found in its line


_CLOSE = re.compile(r"\]\(")
# mistune's two autolink rules: <scheme:…> (group 1) and <address> (group 2).
_AUTO_LINK = re.compile(
    r"<([A-Za-z][A-Za-z0-9.+-]{1,31}:[^<>\x00-\x20]*)>"
    r"|<([a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
    r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*)>"
)


def _flat(tokens: list[dict[str, Any]], hrefs: _Hrefs) -> str:
    out: list[str] = []
    for t in tokens:
        kind = t["type"]
        if kind == "text":
            out.append(unescape(t["raw"]))
        elif kind in ("inline_html", "codespan"):
            raw = t["raw"]
            out.append(raw if kind == "inline_html" else f"`{raw}`")
        elif kind == "softbreak":
            out.append("\n")
        elif kind == "linebreak":
            out.append("\\\n")
        elif kind == "emphasis":
            out.append(f"*{_flat(t['children'], hrefs)}*")
        elif kind == "strong":
            out.append(f"**{_flat(t['children'], hrefs)}**")
        elif kind in ("link", "image"):
            bang = "!" if kind == "image" else ""
            title = t["attrs"].get("title")
            tail = f' "{title}"' if title else ""
            url = hrefs.url(t)
            out.append(f"{bang}[{_flat(t['children'], hrefs)}]({url}{tail})")
        else:  # pragma: no cover - mistune grew a token type we do not know
            out.append(t.get("raw", ""))
    return "".join(out)


def _mistune_nodes(src: str) -> list[Node]:
    out: list[Node] = []
    pending: list[dict[str, Any]] = []
    hrefs = _Hrefs(src)

    def flush() -> None:
        flat = _flat(pending, hrefs)
        if flat:
            out.append(("text", flat))
        pending.clear()

    for t in _INLINE(src, {}):
        kind = t["type"]
        if kind == "link" and not t["attrs"].get("title"):
            flush()
            url = hrefs.url(t)
            out.append(("link", _flat(t["children"], hrefs), url))
        elif kind == "emphasis":
            flush()
            out.append(("em", _flat(t["children"], hrefs)))
        else:
            pending.append(t)
    flush()
    return out


# A line that is one emphasis, as a listing's "_Context: a, b_" line.
_EM_LINE = re.compile(rf"_({_EM})_")

# A whole list item ("12. " + the common shapes + trailing blanks) in one match.
FAST_ITEM = re.compile(rf"\d{{1,9}}\.[ \t]+(?:{_FAST.pattern})[ \t]*")


# The two commonest item lines of an event page, cut by patterns of single-character runs
# (the quickest kind for the regex engine) and accepted only when each piece holds no
# character that could make mistune read it otherwise, nor one the model refuses: then
# they read exactly as FAST_ITEM reads them, with nothing to decode.
# (A class of one character is several times quicker than one of two: lines hold no "\n".)
_RELATED_SHAPE = re.compile(
    r"\d{1,9}\.[ \t]+\[([^\]]*)\]\(([^)]+)\) _(Context|消息|上下文): ([^_]+)_[ \t]*"
)
_SOURCE_SHAPE = re.compile(r"\d{1,9}\.[ \t]+\[([^\]]*)\]\(([^)]+)\)(?: \[IMG\]\(([^)]+)\))?[ \t]*")


_CONTROLS = bytes([*range(32), 127])


def _printable(s: str) -> bool:
    """``s.isprintable()``: False for every control, surrogate, non-character and space
    but " " (an ASCII string is tested twice as fast as bytes)."""
    if s.isascii():
        return len(s.encode("ascii").translate(None, _CONTROLS)) == len(s)
    return s.isprintable()


def _unusual(line: str) -> bool:
    # Characters a plain item line never holds outside its pieces' rules.
    return not _printable(line) or (
        "\\" in line or "`" in line or "*" in line or "<" in line or "!" in line or "&" in line
    )


# The same lines in every spelling FAST_ITEM takes, for the link texts and destinations the
# plain shapes do not take ("[x] y" inside a title, "&", "_" between words...).
_BAD = r"\x00-\x08\x0b\x0c\x0e-\x1f\r\ud800-\udfff\ufffe\uffff"
_CC = rf"[^\\`*_\[\]<!\n{_BAD}]"
_CTXT = rf"{_CC}*(?:(?<=[^\W_])_(?=[^\W_]){_CC}*)*"
_CLTXT = rf"{_CTXT}(?:\[{_CTXT}\](?!\(){_CTXT})*"
_CURL = rf"[^\s()<>\\`\x7f{_BAD}]+"
_RELATED_ANY = re.compile(
    rf"\d{{1,9}}\.[ \t]+\[({_CLTXT})\]\(({_CURL})\) _(Context|消息|上下文): "
    rf"([^\n\\`*_\[\]<!&{_BAD}]*[^\s\\`*_\[\]<!&{_BAD}])_[ \t]*"
)
_SOURCE_ANY = re.compile(
    rf"\d{{1,9}}\.[ \t]+\[({_CLTXT})\]\(({_CURL})\)(?: \[IMG\]\(({_CURL})\))?[ \t]*"
)


def _decoded(s: str, good: Callable[[str], object]) -> str | None:
    if "&" in s:
        s = unescape(s)
        return s if good(s) else None
    return s


def _odd_link(text: str, url: str) -> bool:
    return "_" in text or "[" in text or " " in url or "(" in url or ">" in url


def _odd_tags(tags: str) -> bool:
    # A tag run that would not split on ", " into tags without blanks at their ends.
    return (
        "[" in tags
        or "]" in tags
        or tags[0] == " "
        or tags[-1] == " "
        or tags.startswith(", ")
        or " , " in tags
        or ",  " in tags
    )


def related_item(line: str) -> tuple[str, str, str, tuple[str, ...]] | None:
    """``N. [title](url) _Label: a, b_`` in its plainest spelling: title (stripped), url,
    label and tags, each valid as the model stores it; None for any other line."""
    m = _RELATED_SHAPE.fullmatch(line)
    if m is None:
        return _related_any(line)
    title, url, label, tags = m.groups()
    if (  # _unusual, _odd_link and _odd_tags spelt out: this runs for most lines of an archive
        not (
            len(line.encode("ascii").translate(None, _CONTROLS)) == len(line)
            if line.isascii()
            else line.isprintable()
        )
        or "\\" in line
        or "`" in line
        or "*" in line
        or "<" in line
        or "!" in line
        or "&" in line
        or "_" in title
        or "[" in title
        or " " in url
        or "(" in url
        or ">" in url
        or "[" in tags
        or "]" in tags
        or tags[0] == " "
        or tags[-1] == " "
        or tags.startswith(", ")
        or " , " in tags
        or ",  " in tags
    ):
        return _related_any(line)
    return title.strip(" "), url, label, tuple(tags.split(", "))


_LINK_SHAPE = re.compile(r"\[([^\]]*)\]\(([^)]+)\)")
_CONTEXT_SHAPE = re.compile(r"_(Context|消息|上下文): ([^_]+)_")


def plain_link(src: str) -> tuple[str, str] | None:
    """``[text](url)`` in its plainest spelling (nothing to decode, nothing mistune would
    read otherwise): the text as written and the url, each valid as the model stores it
    once the text is stripped of blanks; None otherwise."""
    m = _LINK_SHAPE.fullmatch(src)
    if m is None or _unusual(src) or _odd_link(*m.groups()):
        return None
    return m[1], m[2]


def plain_context(src: str) -> tuple[str, tuple[str, ...]] | None:
    """``_Label: a, b_`` in its plainest spelling: the label and valid context tags."""
    m = _CONTEXT_SHAPE.fullmatch(src)
    if m is None or _unusual(src) or _odd_tags(m[2]):
        return None
    return m[1], tuple(m[2].split(", "))


def _related_any(line: str) -> tuple[str, str, str, tuple[str, ...]] | None:
    m = _RELATED_ANY.fullmatch(line)
    if m is None:
        return None
    title, url, label, tags = m.groups()
    title = _decoded(title, lambda t: True)
    url = _decoded(url, GOOD_URL.fullmatch)
    if title is None or url is None or not good_tag_run(tags):
        return None
    title = title.strip(" \t")
    return (title, url, label, tuple(tags.split(", "))) if good_line(title) else None


def source_item(line: str) -> tuple[str, str, str | None] | None:
    """``N. [name](url)`` or ``N. [name](url) [IMG](image)`` in its plainest spelling: name
    (stripped), url and image, each valid as the model stores it; None otherwise."""
    m = _SOURCE_SHAPE.fullmatch(line)
    if m is not None and not _unusual(line):
        name, url, image = m.groups()
        if not (_odd_link(name, url) or (image is not None and _odd_link("", image))):
            return name.strip(" "), url, image
    m = _SOURCE_ANY.fullmatch(line)
    if m is None:
        return None
    name, url, image = m.groups()
    url = _decoded(url, GOOD_URL.fullmatch)
    if image is not None:
        image = _decoded(image, GOOD_URL.fullmatch)
        if image is None:
            return None
    name = _decoded(name, lambda t: True)
    if name is None or url is None:
        return None
    name = name.strip(" \t")
    return (name, url, image) if good_line(name) else None


def _fast_nodes(m: re.Match[str]) -> list[Node]:
    out: list[Node] = [("link", unescape(m[1]), unescape(m[2]))]
    if m[3]:
        out += [("text", " "), ("link", unescape(m[4]), unescape(m[5]))]
    elif m[6]:
        out += [("text", " "), ("em", unescape(m[7]))]
    return out


def nodes(src: str, *, fast: bool = True) -> list[Node]:
    """Parse one line of inline Markdown into nodes."""
    if fast:
        if _plain(src):
            return [("text", unescape(src))] if src else []
        m = _FAST.fullmatch(src)
        if m:
            return _fast_nodes(m)
        m = _EM_LINE.fullmatch(src)
        if m:
            return [("em", unescape(m[1]))]
        return list(_remembered_nodes(src))
    return _mistune_nodes(src)


@lru_cache(maxsize=4096)
def _remembered_nodes(src: str) -> tuple[Node, ...]:
    # The lines the fast paths do not take are few but cost mistune up to a millisecond
    # each, and an archive repeats them: a related event is listed on many pages.
    return tuple(_mistune_nodes(src))


def clear_cache() -> None:
    """Forget remembered lines (for benchmarks that must start cold)."""
    _remembered_nodes.cache_clear()
    _remembered_text.cache_clear()


def item_nodes(line: str) -> list[Node] | None:
    """The nodes of a list item line in one of the common shapes, else None."""
    m = FAST_ITEM.fullmatch(line)
    return _fast_nodes(m) if m else None


# Text runs and links ``[text](url)`` of the simplest shape, any number of them: mistune's
# text of such a line is the line itself with entity references decoded. An address may
# hold balanced parentheses, one level deep (``Mortar_(weapon)``).
_DEST = r"[^\s()<>\\`\x00-\x1f\x7f]"
# The address, non-empty: runs of those characters and "(…)" groups, written as runs and
# groups in turn (the same strings as "(?:D|\(D*\))+", without a repetition per character).
_DESTS = rf"(?!\)){_DEST}*(?:\({_DEST}*\){_DEST}*)*"
_LINKS_LINE = re.compile(rf"{_TXT}(?:\[{_TXT}\]\({_DESTS}\){_TXT})*")


def text(src: str, *, fast: bool = True) -> str:
    """Parse inline Markdown and return its plain text."""
    if fast and (_plain(src) or _LINKS_LINE.fullmatch(src)):
        return unescape(src)
    if fast:
        return _remembered_text(src)
    return _flat(_INLINE(src, {}), _Hrefs(src))


@lru_cache(maxsize=4096)
def _remembered_text(src: str) -> str:
    # As _remembered_nodes: titles the writer checks repeat on every page listing them.
    return _flat(_INLINE(src, {}), _Hrefs(src))


# ---------------------------------------------------------------- writing

_ENTITY = re.compile(r"&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)")
_ESCAPE = re.compile(r"([\\`*_\[\]<!])")


_EDGE_SPACE = re.compile(r"^\s+|\s+$")


def _char_refs(m: re.Match[str]) -> str:
    return "".join(f"&#x{ord(c):X};" for c in m.group())


def escape(value: str) -> str:
    """Escape plain text so that :func:`text` reads it back unchanged.

    Whitespace at either end becomes a character reference: Unicode spaces
    next to ``_`` would otherwise stop emphasis from closing.
    """
    escaped = _ESCAPE.sub(r"\\\1", _ENTITY.sub("&amp;", value))
    return _EDGE_SPACE.sub(_char_refs, escaped)


def plain_or_escaped(value: str) -> str:
    """``value`` unchanged when mistune reads it back as itself, else escaped."""
    if text(value) == value:
        return value
    return escape(value)


def literal(value: str) -> str:
    """``value`` unchanged when mistune reads it as plain text equal to it, else escaped.

    Stricter than :func:`plain_or_escaped`: markup that flattens back to the same
    characters (``*x*``, ``[a](b)``) is escaped too.
    """
    if nodes(value) == ([("text", value)] if value else []):
        return value
    return escape(value)


def escape_url_dest(url: str) -> str:
    """Write a URL as a link destination that reads back as ``url``.

    Entity-like ``&`` and every backslash are escaped; parentheses only when they are
    unbalanced or nested deeper than mistune follows; a leading ``<`` so that the
    destination does not read as ``<…>``.
    """
    if not ("(" in url or ")" in url or "&" in url or "\\" in url or url.startswith("<")):
        return url  # the commonest case, without walking the characters
    depth = deepest = 0
    for ch in url:
        if ch == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif ch == ")":
            depth -= 1
            if depth < 0:
                break
    dest = _ENTITY.sub("&amp;", url) if "&" in url else url
    if "\\" in dest:
        dest = dest.replace("\\", "\\\\")
    if depth != 0 or deepest >= DEFAULT_MAX_NESTED_LEVEL:
        dest = dest.replace("(", "\\(").replace(")", "\\)")
    if dest.startswith("<"):
        dest = "\\" + dest
    return dest


# What a link's address may hold for "[text](url)" to read back as itself: nothing the
# fast path of nodes() refuses or decodes (no entity without ";", no escape without "\\").
_BARE_DEST = re.compile(r"[^\s()<>\\`;\x00-\x1f\x7f]+")
_BARE_EM = re.compile(_EM)


def bare_link(text: str, url: str) -> bool:
    """Whether ``[text](url)`` reads back as the link (text, url), nothing escaped: then
    :func:`plain_or_escaped` and :func:`escape_url_dest` leave both as they are."""
    return (
        _plain(text)
        and ("&" not in text or ";" not in text)
        and _BARE_DEST.fullmatch(url) is not None
    )


def bare_em(em: str) -> bool:
    """Whether ``_em_`` reads back as that emphasis, nothing escaped."""
    return _BARE_EM.fullmatch(em) is not None and ("&" not in em or ";" not in em)
