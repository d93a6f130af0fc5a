"""The inline wikitext of one portal line: links, sources, templates, markup.

One pass renders three spellings of a line at once: ``plain`` (what a reader sees),
``md`` (the same with wikilinks as Markdown links) and ``raw`` (the Context's spelling:
as written, with wikilinks replaced by their text and sources removed). It also
collects every wikilink and external link in page order.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import NamedTuple

WIKI = "https://en.wikipedia.org/wiki/"

# The protocols MediaWiki links in brackets, in any case (its $wgUrlProtocols, as
# mwparserfromhell lists them), and protocol-relative "//".
_PROTOCOLS = (
    r"(?i:(?:bitcoin|geo|magnet|mailto|news|sips?|sms|tel|urn|xmpp):"
    r"|(?:https?|ftps?|sftp|ircs?|nntp|telnet|gopher|svn|git|mms|redis|ssh|worldwind)://)|//"
)
_SPECIAL = re.compile(r"\[\[|\[(?=" + _PROTOCOLS + r")|\{\{|<|'{2,}|&|(?<!\w)(?i:https?)://")
# A character of an address. "''" ends one (MediaWiki reads bold and italic marks before
# links). So does "|" in a template's parameter (the news of a page laid out as the
# content of its template), which it would end for MediaWiki and mwparserfromhell;
# elsewhere "|" is part of an address.
_URL_CHAR = r"[^'\s\[\]<>\"{}|\x00-\x1f\x7f]"
_URL_CHAR_PIPES = _URL_CHAR.replace("|", "")


def _url_body(char: str) -> str:
    """One or more of ``char`` and single quotes: (?:char|'(?!'))+ written out, so that
    the runs between quotes are matched whole (an alternation per character is slower)."""
    return rf"(?={char}|'(?!'))(?:'(?!'))?(?:{char}+'(?!'))*{char}*"


_WIKILINK = re.compile(
    r"\[\[([^\[\]{}|<>\n]*)(?:\|((?:[^\[\]\n]|\[(?!\[)|\](?!\]))*))?\]\]([a-z]*)"
)
_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)\b[^<>]*?(/?)>")
_REF = re.compile(r"<ref\b[^<>]*?(?:/>|>(.*?)</ref\s*>)", re.IGNORECASE | re.DOTALL)
_NOWIKI = re.compile(r"<nowiki\s*>(.*?)</nowiki\s*>", re.IGNORECASE | re.DOTALL)
_SPACES = re.compile(r"[ \t\n]+")
_TRAILING_PUNCT = ".,;:!?"


class WikiLink(NamedTuple):
    """A ``[[target|text]]`` link as found in the wikitext."""

    line: int
    """The 1-based line number of the page where the link starts."""
    target: str
    """The page linked to, as written (without surrounding spaces)."""
    text: str
    """The text a reader sees (label and link trail)."""


class ExternalLink(NamedTuple):
    """A ``[url label]`` link (or a bare URL) as found in the wikitext."""

    line: int
    """The 1-based line number of the page where the link starts."""
    url: str
    """The address exactly as written."""
    label: str
    """The label as written (``""`` for ``[url]`` and bare URLs)."""


class Cited(NamedTuple):
    """A source found in a line: an outlet's name and the URL exactly as written."""

    name: str
    url: str


class Rendered(NamedTuple):
    plain: str
    md: str
    raw: str
    sources: list[Cited]
    wikilinks: list[WikiLink]
    external: list[ExternalLink]
    unknown: list[str]
    """Templates dropped by the default rule, as written."""
    shown: list[str]
    """The text of each wikilink shown in the running text (not in picture captions)."""


@lru_cache(maxsize=65536)
def wiki_url(target: str) -> str:
    """The Wikipedia address of a link target (spaces made ``_``, first letter upper)."""
    t = target.strip().replace(" ", "_")
    if t.startswith(":"):
        t = t[1:]
    if t[:1].islower():
        t = t[0].upper() + t[1:]
    return WIKI + t


class _Out:
    __slots__ = (
        "external",
        "md",
        "plain",
        "raw",
        "shown",
        "sources",
        "unknown",
        "wikilinks",
    )

    def __init__(self) -> None:
        self.plain: list[str] = []
        self.md: list[str] = []
        self.raw: list[str] = []
        self.sources: list[Cited] = []
        self.wikilinks: list[WikiLink] = []
        self.external: list[ExternalLink] = []
        self.unknown: list[str] = []
        self.shown: list[str] = []

    def text(self, s: str) -> None:
        self.plain.append(s)
        self.md.append(s)
        self.raw.append(s)


def render(text: str, line: int, *, fast: bool = True, pipes: bool = False) -> Rendered:
    """Render one logical line of wikitext (comments already removed).

    Lines of the portal's common shape (text, plain wikilinks, bold and italic marks,
    citations ``[url (Outlet)]``) take a path made of a few whole-line regular
    expressions; ``fast=False`` forces the general renderer (the tests prove both equal).
    ``pipes``: the line is not in a template's parameter, so "|" may be part of an
    address.
    """
    patterns = _OUTSIDE if pipes else _IN_TEMPLATE
    if fast:
        quick = _render_simple(text, line, patterns.token)
        if quick is not None:
            return quick
    out = _Out()
    if _SPECIAL.search(text) is None:
        out.text(text)
    else:
        _render(text, line, out, citing=True, patterns=patterns)
    return Rendered(
        "".join(out.plain),
        "".join(out.md),
        "".join(out.raw),
        out.sources,
        out.wikilinks,
        out.external,
        out.unknown,
        out.shown,
    )


# The common shape of a portal line: text without markup characters other than quotes,
# wikilinks whose target and label hold no markup, and citations ``[url]`` or
# ``[url (Outlet)]``. Anything else (entities, templates, tags, stray brackets, bare URLs,
# pictures, quote runs of four or more) goes to the general renderer.
_S_TARGET = r"[^\s\[\]{}|<>&'](?:[^\[\]{}|<>&\n]*[^\s\[\]{}|<>&'])?"
_S_LABEL = r"[^\[\]{}<>&|\n]*"
_S_CITE_LABEL = r"\([^\[\]{}<>&()|\n]*\)[ \t]*"
_S_TEXT = r"[^\[\]{}<&\n]*"


class _Patterns(NamedTuple):
    """The renderer's expressions that find addresses, for a line where "|" may be in
    one or for a line where it may not (see _URL_CHAR)."""

    url: re.Pattern[str]
    """An address in brackets: a protocol and at least one character after it
    ("[http:// x]" is no link, for MediaWiki and for mwparserfromhell)."""
    free: re.Pattern[str]
    """A bare address in the text."""
    simple: re.Pattern[str]
    """The whole common shape of a line in one expression (the fast path checks it by
    counting; the tests hold it to this)."""
    token: re.Pattern[str]
    """One token of such a line: a wikilink (groups 1-3: target, label, trail) or a
    citation (groups 4-5: address, label). Every "[" of a line ``simple`` takes starts
    one of them."""


def _patterns(char: str) -> _Patterns:
    body = _url_body(char)
    url = r"(?:" + _PROTOCOLS + r")" + body
    return _Patterns(
        re.compile(url),
        re.compile(r"(?i:https?)://" + body),
        re.compile(
            rf"(?:{_S_TEXT}(?:\[\[{_S_TARGET}(?:\|{_S_LABEL})?\]\]"
            rf"|\[{url}(?:[ \t]+(?:{_S_CITE_LABEL})?)?\]))*{_S_TEXT}"
        ),
        re.compile(
            rf"\[\[({_S_TARGET})(?:\|({_S_LABEL}))?\]\]([a-z]*)"
            rf"|\[({url})(?:[ \t]+({_S_CITE_LABEL})?)?\]"
        ),
    )


_IN_TEMPLATE = _patterns(_URL_CHAR)
_OUTSIDE = _patterns(_URL_CHAR_PIPES)
_S_QUOTES = re.compile(r"'{2,}")
_S_PICTURE = re.compile(r"(?i:file|image|category):")
_S_BLANKS = re.compile(r"[ \t]+")
# tuple.__new__(cls, values): a named tuple without the call of its own __new__.
_tuple = tuple.__new__


def _render_simple(text: str, line: int, token: re.Pattern[str]) -> Rendered | None:
    """:func:`render` of a line of the common shape, or None for any other line.

    One pass over the line's links and citations. A citation prints nothing, but it still
    ends a link's trail and a quote run: each text run between two of them is taken alone.

    The line has the shape of ``simple`` (of the _Patterns ``token`` is from) when no
    text run holds a bracket, a brace, "<", "&" or a line break. No token holds a brace,
    "<" or a line break, and every bracket of a token is one of its delimiters, so
    counting brackets and "&" over the whole line tells, without matching ``simple``.
    """
    if "''''" in text or "{" in text or "}" in text or "<" in text or "\n" in text:
        return None
    if "[" not in text:
        if "]" in text or "&" in text or "://" in text:
            return None  # a stray bracket, an entity, a bare URL
        seen = _S_QUOTES.sub("", text) if "''" in text else text
        return _tuple(Rendered, (seen, seen, text, [], [], [], [], []))
    # The text runs and tokens in turn: run, then per token its five groups and the run
    # after it (split is one pass in C, without a match object per token).
    parts = token.split(text)
    sources: list[Cited] = []
    external: list[ExternalLink] = []
    wikilinks: list[WikiLink] = []
    shown: list[str] = []
    quotes = "''" in text
    run = parts[0]
    raw = [run]
    if quotes and "''" in run:
        run = _S_QUOTES.sub("", run)
    plain = [run]
    md = [run]
    colons = text.count("://")  # every one must be in a citation's address
    amps = text.count("&")  # and every "&"
    brackets = 0
    for i in range(1, len(parts), 6):
        target, label, trail, url, cite, run = parts[i : i + 6]
        if url is not None:
            colons -= url.count("://")
            if amps:
                amps -= url.count("&")
            brackets += 1
            if cite is None:
                external.append(_tuple(ExternalLink, (line, url, "")))
                sources.append(_tuple(Cited, ("", url)))
            else:
                if "://" in cite:
                    return None
                external.append(_tuple(ExternalLink, (line, url, cite)))
                name = _S_QUOTES.sub("", cite) if "''" in cite else cite
                if "  " in name or "\t" in name:
                    name = _S_BLANKS.sub(" ", name)
                name = name.strip()
                sources.append(_tuple(Cited, (name[1:-1].strip() if name else "", url)))
        else:
            # Every "[[" of the line starts a token's target (or the brackets do not add up).
            if ":" in target and _S_PICTURE.match(target) is not None:
                return None
            brackets += 2
            if label is None:
                label = target[1:] if target[0] == ":" else target
                seen = label + trail
            else:
                seen = (_S_QUOTES.sub("", label) if quotes and "''" in label else label) + trail
            wikilinks.append(_tuple(WikiLink, (line, target, seen)))
            shown.append(seen)
            raw.append(label + trail)
            plain.append(seen)
            md.append(f"[{seen}]({wiki_url(target)})")
        raw.append(run)
        if quotes and "''" in run:
            run = _S_QUOTES.sub("", run)
        plain.append(run)
        md.append(run)
    if colons or amps or text.count("[") != brackets or text.count("]") != brackets:
        return None  # a bare URL or one in a link, an entity, a stray bracket
    flat = "".join(plain)
    return _tuple(
        Rendered,
        (
            flat,
            "".join(md) if wikilinks else flat,
            "".join(raw),
            sources,
            wikilinks,
            external,
            [],
            shown,
        ),
    )


def _line_at(text: str, pos: int, base: int) -> int:
    return base + text.count("\n", 0, pos)


def _close_template(text: str, start: int) -> int:
    """The index just after the ``}}`` closing the template opened at ``start``, or -1."""
    depth = 0
    i = start
    n = len(text)
    # The next "{{" and "}}" at or after i, each looked for again only once i passes it
    # (a page of many templates is then read once, not once per template).
    j = text.find("{{", i)
    k = text.find("}}", i)
    while i < n:
        if k < 0:
            return -1
        if 0 <= j < k:
            depth += 1
            i = j + 2
            j = text.find("{{", i)
        else:
            depth -= 1
            i = k + 2
            if depth == 0:
                return i
            k = text.find("}}", i)
    return -1


# The marks that nest, and "|", as split points, between runs of text that hold none of
# them. A whole link without brackets or braces inside (the commonest by far) leaves the
# depths as they were and its "|" never splits: it is taken into the run around it, so
# that a page of links is a few runs rather than a step for each of its marks.
_PARAM_PIECE = re.compile(
    r"(?:[^\[\]{}|]+|\[\[[^\[\]{}]*\]\]|\[(?!\[)|\](?!\])|\{(?!\{)|\}(?!\}))+"
    r"|\{\{|\}\}|\[\[|\]\]|\|"
)


def _split_params(body: str) -> list[str]:
    """Split a template's inside on ``|`` outside nested links and templates."""
    if "{{" not in body and "[[" not in body:
        return body.split("|")
    parts: list[str] = []
    depth_t = depth_l = 0
    part: list[str] = []
    for piece in _PARAM_PIECE.findall(body):
        if piece == "|":
            if not depth_t and not depth_l:
                parts.append("".join(part))
                part = []
                continue
        elif piece == "{{":
            depth_t += 1
        elif piece == "}}":
            depth_t = max(0, depth_t - 1)
        elif piece == "[[":
            depth_l += 1
        elif piece == "]]":
            depth_l = max(0, depth_l - 1)
        part.append(piece)
    parts.append("".join(part))
    return parts


_KEEP_LAST = frozenset({"lang", "transl", "transliteration", "noitalic", "nobold", "script"})
_KEEP_FIRST = frozenset(
    {"nowrap", "nobr", "small", "big", "smaller", "larger", "nihongo", "nihongo2", "abbr",
     "sic", "not a typo", "proper name", "linktext", "em", "strong", "var", "code", "mono",
     "flag", "flagcountry", "flagu", "flagdeco", "flag country", "ill", "interlanguage link",
     "section link", "sortname", "ship", "sclass", "avoid wrap"}
)  # fmt: skip
_CONST = {
    "nbsp": "\xa0",
    "ndash": "\u2013",
    "mdash": "—",
    "snd": "\xa0\u2013 ",
    "spaced ndash": "\xa0\u2013 ",
    "spnd": "\xa0\u2013 ",
    "'": "'",
    "\"'": "\"'",
    "'\"": "'\"",
    "!": "|",
    "=": "=",
    "-": "",
    "·": "\xa0· ",
    "dot": "\xa0· ",
    "bull": "\xa0• ",
    "•": "\xa0• ",
    "zwsp": "\u200b",
    "thinsp": "\u2009",
    "hair space": "\u200a",
}
_CITE_NAME = ("work", "website", "newspaper", "publisher", "agency", "magazine", "journal")
_DROPPED = frozenset(
    {"dead link", "deadlink", "cbignore", "citation needed", "cn", "fact", "failed verification",
     "better source needed", "better source", "update", "when", "clarify", "verify source",
     "unreliable source", "bare url inline", "full citation needed", "webarchive", "wayback",
     "archive.today", "use dmy dates", "use mdy dates", "short description", "toc right",
     "toc left", "clear", "flagicon", "flag icon", "refn", "efn", "reflist", "anchor"}
)  # fmt: skip


def template_name(inside: str) -> str:
    """A template's name, normalised: stripped, lower case, ``_`` as space."""
    name = inside.split("|", 1)[0]
    return _SPACES.sub(" ", name.replace("_", " ")).strip().lower()


def _template(text: str, start: int, end: int, line: int, out: _Out, citing: bool) -> None:
    written = text[start:end]
    inside = written[2:-2]
    name = template_name(inside)
    params = _split_params(inside)[1:]
    positional = [p for p in params if "=" not in p.split("[[", 1)[0].split("{{", 1)[0]]
    named: dict[str, str] = {}
    for p in params:
        key, sep, value = p.partition("=")
        if sep and key.strip() and "[[" not in key and "{{" not in key:
            named[key.strip().lower()] = value
    if name in _CONST:
        out.text(_CONST[name])
        return
    if name in _DROPPED and "[" not in inside and "://" not in inside:
        return  # (one with a link, such as {{webarchive|url=…}}, is kept as unknown)
    if name.startswith("cite ") or name == "citation":
        url = named.get("url", "").strip()
        scratch = _Out()
        for p in params:
            _render(p, line, scratch, citing=False)
        out.wikilinks.extend(scratch.wikilinks)
        out.external.extend(scratch.external)
        if url:
            label = next((named[k] for k in _CITE_NAME if named.get(k, "").strip()), "")
            out.sources.append(Cited(_plain_name(label, line), url))
        if not url or any(x.url != url for x in scratch.external):
            # Other addresses in it (an archive copy, say): kept with the template.
            out.unknown.append(written)
        return
    if name in {"us$", "usd"} and positional:
        out.text("US$")
        _render(positional[0].strip(), line, out, citing=False)
        return
    if name == "convert" and positional:
        value = positional[0].strip()
        unit = positional[1].strip() if len(positional) > 1 else ""
        if (
            unit in {"to", "-", "\u2013", "and", "or", "by", "x", "\u00d7", "+"}
            and len(positional) > 3
        ):
            value = f"{value} {unit} {positional[2].strip()}"
            unit = positional[3].strip()
        out.text(f"{value} {unit}".strip())
        return
    if name in _KEEP_LAST and positional:
        _render(positional[-1], line, out, citing=False)
        return
    if name.startswith("lang-") and positional:
        _render(positional[-1], line, out, citing=False)
        return
    if name in _KEEP_FIRST and positional:
        _render(positional[0], line, out, citing=False)
        return
    # Unknown: dropped from the text, kept in the remainder; links inside still count.
    out.unknown.append(written)
    scratch = _Out()
    for p in params:
        _render(p, line, scratch, citing=False)
    out.wikilinks.extend(scratch.wikilinks)
    out.external.extend(scratch.external)


def _plain_name(label: str, line: int) -> str:
    scratch = _Out()
    _render(label, line, scratch, citing=False)
    name = _SPACES.sub(" ", "".join(scratch.plain)).strip()
    return name


def _source_name(label: str, line: int) -> str:
    """An outlet's name from a citation label: ``(''Outlet'')`` gives ``Outlet``."""
    name = _plain_name(label, line)
    if name.startswith("(") and name.endswith(")") and name.count("(") == 1:
        name = name[1:-1].strip()
    return name


def _is_citation_label(label: str) -> bool:
    s = label.strip()
    return not s or (s.startswith("(") and s.endswith(")"))


def _render(
    text: str, base: int, out: _Out, *, citing: bool, patterns: _Patterns = _IN_TEMPLATE
) -> None:
    i = 0
    n = len(text)
    base_multi = "\n" in text
    while i < n:
        m = _SPECIAL.search(text, i)
        if m is None:
            out.text(text[i:])
            return
        j = m.start()
        if j > i:
            out.text(text[i:j])
        tok = m.group()
        if tok == "[[":
            lm = _WIKILINK.match(text, j)
            if lm is not None:
                target, label, trail = lm.group(1), lm.group(2), lm.group(3)
                stop = lm.end()
            else:
                nested = _nested_link(text, j)
                if nested is None:
                    out.text("[[")
                    i = j + 2
                    continue
                target, label, stop = nested
                trail = ""
            line = _line_at(text, j, base) if base_multi else base
            inner = 0
            t = target.strip()
            low = t.lower()
            if not t:
                # "[[]]" prints as written; the reference parser still counts a link.
                out.wikilinks.append(WikiLink(line, "", ""))
                stop -= len(trail)
                out.text(text[j:stop])
                i = stop
                continue
            if low.startswith(("file:", "image:", "category:")):
                # Pictures and categories print nothing in the running text.
                out.wikilinks.append(WikiLink(line, t, ""))
                if label is not None:
                    scratch = _Out()
                    _render(label, line, scratch, citing=False)
                    out.wikilinks.extend(scratch.wikilinks)
                    out.external.extend(scratch.external)
                i = stop - len(trail)
                continue
            if label is None:
                shown = t[1:] if t.startswith(":") else t
                plain = md = html.unescape(shown) + trail
                raw = shown + trail
            elif _SPECIAL.search(label) is None:
                plain = md = raw = label + trail
            else:
                scratch = _Out()
                _render(label, line, scratch, citing=False)
                inner = len(scratch.wikilinks)
                out.wikilinks.extend(scratch.wikilinks)
                out.external.extend(scratch.external)
                out.sources.extend(scratch.sources)
                plain = "".join(scratch.plain) + trail
                md = "".join(scratch.md) + trail
                raw = "".join(scratch.raw) + trail
            # The link itself comes before any link inside its label.
            out.wikilinks.insert(len(out.wikilinks) - inner, WikiLink(line, t, plain))
            out.shown.append(plain)
            out.plain.append(plain)
            out.md.append(f"[{_md_label(md)}]({wiki_url(t)})")
            out.raw.append(raw)
            i = stop
        elif tok == "[":
            um = patterns.url.match(text, j + 1)
            if um is None:
                out.text("[")
                i = j + 1
                continue
            url = um.group()
            close = _label_end(text, um.end())
            if close < 0:
                out.text("[")
                i = j + 1
                continue
            label = text[um.end() : close]
            if label and label[0] not in " \t":
                # "[http://x.com'label]": MediaWiki ends the URL at the first space only.
                out.text("[")
                i = j + 1
                continue
            label = label.lstrip(" \t")
            line = _line_at(text, j, base)
            out.external.append(ExternalLink(line, url, label))
            scratch = _Out()
            if label:
                _render(label, line, scratch, citing=False)
                out.wikilinks.extend(scratch.wikilinks)
            if _is_citation_label(label):
                out.sources.append(Cited(_source_name(label, line), url))
            else:
                out.sources.append(Cited(_plain_name(label, line), url))
                out.plain.extend(scratch.plain)
                out.md.extend(scratch.md)
                out.raw.extend(scratch.raw)
            i = close + 1
        elif tok == "{{":
            end = _close_template(text, j)
            if end < 0:
                out.text("{{")
                i = j + 2
                continue
            _template(text, j, end, _line_at(text, j, base), out, citing)
            i = end
        elif tok == "<":
            i = _tag(text, j, base, out)
        elif tok[0] == "'":
            # Bold and italic marks: removed from what a reader sees, kept in the raw form.
            out.raw.append(tok)
            k = len(tok)
            if k == 4:
                out.plain.append("'")
                out.md.append("'")
            elif k > 5:
                out.plain.append("'" * (k - 5))
                out.md.append("'" * (k - 5))
            i = j + k
        elif tok == "&":
            em = _ENTITY.match(text, j)
            if em is None:
                out.text("&")
                i = j + 1
                continue
            ent = em.group()
            decoded = html.unescape(ent)
            out.plain.append(decoded)
            out.md.append(decoded)
            out.raw.append(ent)
            i = em.end()
        else:  # a bare URL in running text
            fm = patterns.free.match(text, j)
            if fm is None:  # "https://" and nothing after it
                out.text(tok)
                i = j + len(tok)
                continue
            url = fm.group()
            stripped = url.rstrip(_TRAILING_PUNCT)
            if url[len(stripped) : len(stripped) + 1] == ";" and _ENTITY_END.search(stripped + ";"):
                stripped += ";"  # an entity reference ends the URL: its ";" belongs to it
            if stripped.endswith(")") and "(" not in stripped:
                stripped = stripped[:-1].rstrip(_TRAILING_PUNCT)
            url = stripped
            line = _line_at(text, j, base)
            out.external.append(ExternalLink(line, url, ""))
            out.sources.append(Cited("", url))
            out.text(url)
            i = j + len(url)


def _label_end(text: str, start: int) -> int:
    """The index of the ``]`` closing an external link whose label starts at ``start``
    (links inside the label skipped), or -1 when the line ends first."""
    depth = 0
    for m in _LABEL_MARK.finditer(text, start):
        tok = m.group()
        if tok == "\n":
            return -1
        if tok == "[[":
            depth += 1
        elif tok == "]]" and depth:
            depth -= 1
        else:
            return m.start()
    return -1


_LABEL_MARK = re.compile(r"\[\[|\]\]|\]|\n")
_ENTITY_END = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);$")


def _nested_link(text: str, j: int) -> tuple[str, str | None, int] | None:
    """``[[target|label with [[links]]]]``: target, label and the end, or None."""
    depth = 0
    for m in _LINK_MARK.finditer(text, j):
        if m.group() == "[[":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                inside = text[j + 2 : m.start()]
                target, sep, label = inside.partition("|")
                if not target.strip() or _BAD_TARGET.search(target):
                    return None
                return target, label if sep else None, m.end()
        if m.group() == "\n":
            return None
    return None


_LINK_MARK = re.compile(r"\[\[|\]\]|\n")
_BAD_TARGET = re.compile(r"[\[\]{}<>\n]")


def _md_label(label: str) -> str:
    return label.replace("[", "\\[").replace("]", "\\]")


_VOID = frozenset({"br", "hr", "wbr"})


def _tag(text: str, j: int, base: int, out: _Out) -> int:
    low = text[j : j + 8].lower()
    if low.startswith("<ref"):
        rm = _REF.match(text, j)
        if rm is not None:
            line = _line_at(text, j, base)
            inner = rm.group(1)
            if inner:
                scratch = _Out()
                _render(inner, line, scratch, citing=True)
                out.wikilinks.extend(scratch.wikilinks)
                out.external.extend(scratch.external)
                out.unknown.extend(scratch.unknown)
                if scratch.sources:
                    out.sources.extend(scratch.sources)
                else:
                    text_left = _SPACES.sub(" ", "".join(scratch.plain)).strip()
                    if text_left:
                        out.unknown.append(rm.group())
            return rm.end()
    if low.startswith("<nowiki"):
        nm = _NOWIKI.match(text, j)
        if nm is not None:
            out.text(html.unescape(nm.group(1)))
            return nm.end()
    tm = _TAG.match(text, j)
    if tm is None:
        out.text("<")
        return j + 1
    name = tm.group(2).lower()
    out.raw.append(tm.group())
    if name in _VOID:
        out.plain.append(" ")
        out.md.append(" ")
    return tm.end()
