"""Character rules shared by the model validators and the readers."""

from __future__ import annotations

import re
from functools import lru_cache

from ._errors import ParseError

# XML 1.0 "Char" production; every other character is refused by the model so
# that every value can be written as XML and read back.
_NOT_XML_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
BLANK = " \t"


def bad_char(value: str) -> str | None:
    """Return a description of the first character the model refuses, if any."""
    m = _NOT_XML_CHAR.search(value)
    if m:
        return f"character U+{ord(m.group()):04X} at offset {m.start()} cannot be stored"
    return None


# RFC 3986 reserved and unreserved characters, and '%' (already-encoded octets stay).
_URL_CHARS = r"A-Za-z0-9\-._~:/?#@!$&()*+,;=%"
SAFE_URL = re.compile(f"[{_URL_CHARS}]*")
# What a stored URL may hold: no ASCII whitespace, no C0 control character or DEL, only XML
# characters. Everything else is kept exactly as the page wrote it.
GOOD_URL = re.compile("[^\x00-\x20\x7f\ud800-\udfff\ufffe\uffff]+")


def url_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored as a URL, or None when it can."""
    if GOOD_URL.fullmatch(value):
        return None
    if not value:
        return "must not be empty"
    m = re.search("[\x00-\x20\x7f\ud800-\udfff\ufffe\uffff]", value)
    assert m is not None
    return (
        f"must not contain U+{ord(m.group()):04X} at offset {m.start()} "
        "(whitespace and control characters end a Markdown link destination)"
    )


def as_text(data: object) -> str:
    """``data`` as text: str as is, bytes decoded as UTF-8; a leading BOM dropped."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        return _decoded(bytes(data))
    if isinstance(data, str):
        return data[1:] if data.startswith("\ufeff") else data
    raise TypeError(f"expected str or bytes, not {type(data).__name__}")


def utf8(data: str | bytes) -> bytes:
    """``data`` as UTF-8 bytes, for the readers that hand bytes to lxml: bytes checked,
    str encoded. A byte sequence that is not UTF-8, or a str holding a lone surrogate
    (which no encoding can carry), raises ParseError where it stands."""
    if isinstance(data, str):
        try:
            return data.encode("utf-8")
        except UnicodeEncodeError as exc:
            line, col = place(data, exc.start)
            raise ParseError(
                f"input holds U+{ord(data[exc.start]):04X}, a lone surrogate, which UTF-8 "
                "cannot encode",
                line,
                col,
            ) from None
    _decoded(data)
    return data


def _decoded(raw: bytes) -> str:
    """``raw`` decoded as UTF-8 without its BOM, or the ParseError placing the bad byte."""
    bom = 3 if raw.startswith(b"\xef\xbb\xbf") else 0
    try:
        return raw[bom:].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _not_utf8(raw[bom:], exc, bom) from None


def _not_utf8(raw: bytes, exc: UnicodeDecodeError, skipped: int) -> ParseError:
    """The error for ``raw`` (the input after its first ``skipped`` bytes, a BOM) failing
    to decode: at the line and column of the bad byte, the column in characters (what
    stands before it on its line is UTF-8), with its offset in the whole input."""
    start = raw.rfind(b"\n", 0, exc.start) + 1
    col = len(raw[start : exc.start].decode("utf-8")) + 1
    line = raw.count(b"\n", 0, exc.start) + 1
    at = exc.start + skipped
    return ParseError(f"input is not UTF-8: {exc.reason} at byte {at}", line, col)


def place(text: str, pos: int) -> tuple[int, int]:
    """The 1-based line and column of the character at ``pos`` in ``text``."""
    line_start = text.rfind("\n", 0, pos) + 1
    return text.count("\n", 0, pos) + 1, pos - line_start + 1


def normalize_url(url: str) -> str:
    """Return ``url`` as an ASCII URI: every character outside RFC 3986's reserved and
    unreserved sets (and ``%``) percent-encoded as UTF-8.

    Pages keep their URLs as written (``/zh/news/2019/11/30/伊拉克….md``); this gives the
    form an HTTP client or an ``href`` wants (``/zh/news/2019/11/30/%E4%BC%8A….md``).
    """
    if SAFE_URL.fullmatch(url):
        return url
    return _encode(url)


@lru_cache(maxsize=16384)
def _encode(url: str) -> str:
    # Archives link the same related pages from many events: worth remembering.
    return _UNSAFE_RUN.sub(_quote_run, url)


_UNSAFE_RUN = re.compile(f"[^{_URL_CHARS}]+")


_PCT = [f"%{b:02X}" for b in range(256)]


def _quote_run(m: re.Match[str]) -> str:
    # urllib.parse.quote(run, safe=""), table-driven: ~10x faster on long runs.
    return "".join(map(_PCT.__getitem__, m.group().encode("utf-8", "surrogatepass")))


def clear_caches() -> None:
    """Forget memoised URLs and inline lines (for benchmarks that must start cold)."""
    from . import _inline  # imports this module
    from ._md import event

    _encode.cache_clear()
    _inline.clear_cache()
    event.clear_cache()
