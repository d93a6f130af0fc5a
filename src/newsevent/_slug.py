"""The Context's file name for an event title (its "slug"), in both editions."""

from __future__ import annotations

import re

# The English edition read each title's UTF-8 bytes as Latin-1 and transliterated the result
# to ASCII, so every character it met lies in U+0080..U+00FF. This table spells each of
# them the way that transliteration did; C1 control characters vanish.
_HIGH = [
    " ", "!", "C/", "PS", "$?", "Y=", "|", "SS", '"', "(c)", "a", "<<", "!", "", "(r)", "-",
    "deg", "+-", "2", "3", "'", "u", "P", "*", ",", "1", "o", ">>", " 1/4 ", " 1/2 ", " 3/4 ",
    "?",
    "A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E", "I", "I", "I", "I",
    "D", "N", "O", "O", "O", "O", "O", "x", "O", "U", "U", "U", "U", "Y", "Th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", "/", "o", "u", "u", "u", "u", "y", "th", "y",
]  # fmt: skip
_TO_ASCII = {0x80 + i: "" for i in range(32)} | {0xA0 + i: s for i, s in enumerate(_HIGH)}
# The same in one step with the rest of the English rule: lower case kept, upper case
# lowered, every other character a space (runs of spaces then become one "-").
_EN_TABLE = {
    c: (ch.lower() if ch.isascii() and ch.isalnum() else " ")
    for c, ch in ((c, chr(c)) for c in range(0x80))
} | {c: "".join(x if x.isalnum() else " " for x in s.lower()) for c, s in _TO_ASCII.items()}

EN_LENGTH = 140
"""How many characters of the (re-read) title the English edition's file names keep."""
ZH_LENGTH = 60
"""How many characters of the title the Chinese edition's file names keep."""

# The English rule for a title of ASCII characters only, as a table of bytes (one
# translation in C instead of a lookup per character).
_EN_ASCII = bytes(
    ord(ch.lower()) if ch.isascii() and ch.isalnum() else 0x20 for ch in map(chr, range(256))
)

_ZH_RUN = re.compile(r"\W+")


def context_slug(title: str, language: str = "en") -> str:
    """The file name (without ``.md``) the Context gave an event titled ``title``.

    ``title`` is the title as the Context wrote it, surrounding spaces included (a leading
    space moves the cut). English: the title's UTF-8 bytes read as Latin-1, cut to 140
    characters after dropping ``<`` and ``>``, transliterated to ASCII, lower-cased, every
    run of other characters than ``a-z0-9`` made one ``-``, and ``-`` trimmed from both ends.
    Chinese (``"zh"``): cut to 60 characters, ``.`` and ``,`` dropped, every run of
    characters that are not letters, digits or ``_`` made one ``-``, ends trimmed; case
    and non-Latin letters are kept. The result may be empty.
    """
    if language == "zh":
        text = title[:ZH_LENGTH].replace(".", "").replace(",", "")
        return _ZH_RUN.sub("-", text).strip("-")
    if language != "en":
        raise ValueError(f"language must be 'en' or 'zh', not {language!r}")
    return _en_ascii(title) if title.isascii() else _en(title)


def _en(title: str) -> str:
    text = title.encode("utf-8", "surrogatepass").decode("latin-1")
    text = text.replace("<", "").replace(">", "")[:EN_LENGTH].translate(_EN_TABLE)
    return "-".join(text.split())


def _en_ascii(title: str) -> str:
    """:func:`_en` of an ASCII title, in a third less time."""
    data = title.encode("ascii").replace(b"<", b"").replace(b">", b"")[:EN_LENGTH]
    return "-".join(data.translate(_EN_ASCII).decode("ascii").split())
