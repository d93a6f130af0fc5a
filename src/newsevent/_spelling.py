"""How a page was spelled in Markdown, kept apart from its values.

A reader cuts the page into *blocks*: each block is the lines of one value (the title, one
source item, one body paragraph, a section heading...) and the blank lines after it (its
*trivia*). The blocks, concatenated, are the page exactly as it was read.

Writing an edited page (:func:`merge`) starts from the blocks of the page as read and the
blocks of the new value in the canonical layout, aligns the two field by field, keeps the
text of every block whose value is unchanged and takes the canonical text for the rest.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Hashable, Sequence
from typing import Any, NamedTuple

import attrs


class Block(NamedTuple):
    field: str
    """What the block spells: ``"title"``, ``"sources"``, ``"head:related"``, ``"extra"``…"""
    value: Hashable
    """The value its text reads as; blocks of a field are aligned on it."""
    text: str
    """The block's own lines, with their line endings."""
    trivia: str
    """What follows up to the next block: blank lines and lines that carry no value."""


class Owned(NamedTuple):
    """A block's value aligned together with the value of the block it belongs to: it
    moves with its owner, and keeps its text while its own value is the same."""

    value: Hashable
    owner: Hashable


Mark = tuple[str, Hashable, int, int]
"""A block as the reader finds it: field, value, first line and the line after the last."""

Run = tuple[str, tuple[Hashable, ...], "tuple[Hashable, ...] | None", tuple[int, ...]]
"""One-line blocks of one field read in a row: field, values, the language of each (or
None) and the line of each. The mark of item ``k`` is ``(field, (values[k], languages[k])
or values[k], lines[k], lines[k] + 1)``; a run keeps a page's commonest blocks in a few
objects instead of a tuple each (pages are kept by the thousand)."""

_EOL = re.compile(r"\r\n|\r|\n")
_NUMBER = re.compile(r"\d+")
NUMBERED = frozenset({"sources", "related", "changes"})


def _line_starts(text: str) -> list[int]:
    return [0, *(m.end() for m in _EOL.finditer(text))]


class Spelling:
    """The Markdown spelling of a parsed page: every line and blank as it was read.

    Pages keep it in their ``spelling`` attribute, which takes no part in equality: two
    pages with the same content are equal however they were written. Writing a page in
    Markdown uses it: an unchanged page comes back byte for byte, an edited one with only
    the edited lines changed. Pages built in code have none (``None``); so does a page
    read from JSON, XML or HTML. ``attrs.evolve(page, spelling=None)`` asks for the
    canonical layout.
    """

    __slots__ = ("_blocks", "_fingerprint", "_lead", "_marks", "_runs", "_text")

    def __init__(
        self, text: str, marks: Sequence[Mark], lead: str = "", runs: Sequence[Run] = ()
    ) -> None:
        self._text = text
        self._marks = tuple(marks)
        self._runs = tuple(runs)
        self._lead = lead
        self._blocks: tuple[Block, ...] | None = None
        self._fingerprint: tuple[Any, ...] | None = None

    @property
    def text(self) -> str:
        """The page exactly as it was read."""
        return self._lead + self._text

    @property
    def blocks(self) -> tuple[Block, ...]:
        """The page cut into blocks, in page order."""
        if self._blocks is None:
            self._blocks = _cut(self._text, all_marks(self))
        return self._blocks

    @property
    def head(self) -> str:
        """What stands before the first block (a byte-order mark, blank lines)."""
        if not self._marks and not self._runs:
            return self.text
        first = min([m[2] for m in self._marks] + [r[3][0] for r in self._runs])
        return self._lead + self._text[: _line_starts(self._text)[first]]

    @property
    def newline(self) -> str:
        """The page's line ending: that of its first line."""
        m = _EOL.search(self._text)
        return m.group() if m else "\n"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self._text, self._marks, self._lead, self._fingerprint, self._runs))

    def __repr__(self) -> str:
        return f"<Spelling of {len(all_marks(self))} blocks>"


def _rebuild(
    text: str,
    marks: tuple[Mark, ...],
    lead: str,
    fp: tuple[Any, ...] | None,
    runs: tuple[Run, ...] = (),
) -> Spelling:
    sp = Spelling(text, marks, lead, runs)
    sp._fingerprint = fp
    return sp


def all_marks(spelling: Spelling) -> list[Mark]:
    """Every mark of ``spelling``, runs spelled out, in line order."""
    marks = list(spelling._marks)
    for field, values, languages, lines in spelling._runs:
        for k, line in enumerate(lines):
            value = values[k] if languages is None else (values[k], languages[k])
            marks.append((field, value, line, line + 1))
    marks.sort(key=lambda m: m[2])
    return marks


def _cut(text: str, ordered: list[Mark]) -> tuple[Block, ...]:
    starts = _line_starts(text)
    out: list[Block] = []
    for n, (field, value, first, end) in enumerate(ordered):
        nxt = ordered[n + 1][2] if n + 1 < len(ordered) else len(starts)
        a, b = starts[first], starts[end] if end < len(starts) else len(text)
        c = starts[nxt] if nxt < len(starts) else len(text)
        out.append(Block(field, value, text[a:b], text[b:c]))
    return tuple(out)


_FIELDS: dict[type, tuple[str, ...]] = {}


def fingerprint(page: Any) -> tuple[Any, ...]:
    """Every value of ``page`` that its spelling depends on (``language`` included)."""
    cls = type(page)
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(a.name for a in attrs.fields(cls) if a.name != "spelling")
    return tuple(getattr(page, n) for n in names)


def attach(spelling: Spelling, page: Any) -> None:
    """Remember which value ``spelling`` was read as (it belongs to ``page``)."""
    spelling._fingerprint = fingerprint(page)


def unchanged(page: Any) -> bool:
    """Whether ``page`` has a spelling and the values it was read with."""
    sp = page.spelling
    return sp is not None and sp._fingerprint == fingerprint(page)


class _Out(NamedTuple):
    field: str
    text: str
    trivia: str
    old: bool  # the text is the page's own (not the canonical one)


def merge(old: Spelling, new: Spelling) -> str:
    """The text of ``new``'s blocks laid into ``old``'s page: unchanged blocks as written.

    ``new`` is the spelling of the edited value written in the canonical layout. Blocks
    are aligned field by field on their values; a kept block keeps its text and its
    trivia, a changed block takes the canonical text in the old place, a new block
    goes after the block that precedes it in the canonical page.
    """
    o, n = old.blocks, new.blocks
    nl = old.newline
    if nl != "\n":
        n = tuple(
            b._replace(text=b.text.replace("\n", nl), trivia=b.trivia.replace("\n", nl)) for b in n
        )
    match_n: list[int | None] = [None] * len(n)  # n index -> o index it takes the place of
    kept: list[bool] = [False] * len(o)  # o block that stays (own text or replaced)
    n_of: dict[int, int] = {}  # o index -> its n block
    replaced: dict[int, int] = {}  # o index -> n index whose text it takes
    for field in dict.fromkeys(b.field for b in (*o, *n)):
        oi = [i for i, b in enumerate(o) if b.field == field]
        ni = [j for j, b in enumerate(n) if b.field == field]
        sm = difflib.SequenceMatcher(
            None, [o[i].value for i in oi], [n[j].value for j in ni], autojunk=False
        )
        for tag, i1, i2, j1, j2 in sm.get_opcodes():
            if tag in ("equal", "replace"):
                for a, b in zip(range(i1, i2), range(j1, j2), strict=False):
                    match_n[ni[b]] = oi[a]
                    n_of[oi[a]] = ni[b]
                    kept[oi[a]] = True
                    if tag == "replace" and not _same_own_value(o[oi[a]].value, n[ni[b]].value):
                        replaced[oi[a]] = ni[b]
    for j, i in enumerate(match_n):
        # A block that belongs to another stays in place only while its owner does.
        value = n[j].value
        if i is not None and isinstance(value, Owned):
            mine, theirs = _owner(n, j, value.owner), _owner(o, i, o[i].value.owner)  # type: ignore[attr-defined]
            if mine is None or theirs is None or match_n[mine] != theirs:
                match_n[j] = None
                kept[i] = False
                del n_of[i]
                replaced.pop(i, None)
    for i, ob in enumerate(o):
        # A heading stays while a block it introduces stays (a kept extra line, say).
        if ob.field.startswith("head:") and not kept[i]:
            k = i + 1
            while k < len(o) and not o[k].field.startswith("head:"):
                if kept[k]:
                    kept[i] = True
                    break
                k += 1
    # A block that moved (gone from its old place, its value new elsewhere) keeps its text.
    moved: dict[tuple[str, Hashable], list[int]] = {}
    for i, ob in enumerate(o):
        if not kept[i]:
            moved.setdefault((ob.field, ob.value), []).append(i)
    after: dict[int, list[int]] = {}
    anchor = -1
    for j, m in enumerate(match_n):
        if m is not None:
            anchor = m
        elif not (n[j].field.startswith("head:") and _heading_not_needed(n, match_n, j)):
            after.setdefault(anchor, []).append(j)
    out: list[_Out] = []

    def insert(anchor: int) -> None:
        group = after.get(anchor, ())
        if not group:
            return
        if out and anchor >= 0 and n[group[0]].field == out[-1].field:
            # A list grew at its end: the list's trivia goes after the new items.
            last = out[-1]
            out[-1] = last._replace(trivia=n[n_of[anchor]].trivia)
            tail = last.trivia
        else:
            tail = None
        for k, j in enumerate(group):
            trivia = tail if (tail is not None and k == len(group) - 1) else n[j].trivia
            same = moved.get((n[j].field, n[j].value))
            text = o[same.pop(0)].text if same else n[j].text
            out.append(_Out(n[j].field, text, trivia, False))

    insert(-1)
    for i, ob in enumerate(o):
        if not kept[i]:
            if (
                out
                and out[-1].field == ob.field
                and (i + 1 == len(o) or o[i + 1].field != ob.field)
            ):
                # A list lost its last item: the list's end keeps its trivia.
                out[-1] = out[-1]._replace(trivia=ob.trivia)
            continue
        r = replaced.get(i)
        out.append(_Out(ob.field, ob.text if r is None else n[r].text, ob.trivia, r is None))
        insert(i)
    _renumber(out, o, n)
    return old.head + "".join(x.text + x.trivia for x in out)


def _owner(blocks: Sequence[Block], at: int, owner: Hashable) -> int | None:
    # The nearest block whose value is ``owner``: the owned block's own entry.
    for d in range(1, len(blocks)):
        for k in (at - d, at + d):
            if 0 <= k < len(blocks) and blocks[k].value == owner:
                return k
    return None


def _same_own_value(old: Hashable, new: Hashable) -> bool:
    return isinstance(old, Owned) and isinstance(new, Owned) and old.value == new.value


def _heading_not_needed(n: tuple[Block, ...], match_n: list[int | None], j: int) -> bool:
    # A heading is inserted only when a block it introduces would stand under it: the new
    # blocks before the first that stays. A new block after one that stays goes after that
    # block, wherever it stands (a kept line added next to kept lines above the entries
    # needs no "Unparsed:" heading at the end).
    k = j + 1
    return k == len(n) or n[k].field.startswith("head:") or match_n[k] is not None


def _numbers(blocks: Sequence[Block], field: str) -> list[int]:
    out = []
    for b in blocks:
        if b.field == field:
            m = _NUMBER.match(b.text)
            if m:
                out.append(int(m.group()))
    return out


def _style(numbers: list[int]) -> str | None:
    if len(numbers) < 2:
        return None
    if numbers == list(range(1, len(numbers) + 1)):
        return "seq"
    if all(x == 1 for x in numbers):
        return "ones"
    return "as-written"


def _renumber(out: list[_Out], o: Sequence[Block], n: Sequence[Block]) -> None:
    for field in NUMBERED:
        style = _style(_numbers(o, field)) or _style(_numbers(n, field)) or "seq"
        if style == "as-written":
            continue
        k = 0
        for idx, x in enumerate(out):
            if x.field != field or not _NUMBER.match(x.text):
                continue
            k += 1
            number = str(k) if style == "seq" else "1"
            out[idx] = x._replace(text=_NUMBER.sub(number, x.text, count=1))
