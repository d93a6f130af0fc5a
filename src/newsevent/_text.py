"""Character rules shared by the model validators and the readers."""

from __future__ import annotations

import re
from functools import lru_cache

from mistune.util import unescape

from ._errors import ParseError

# XML 1.0 "Char" production; every other character is refused by the model so
# that every value can be written as XML and read back.
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
BLANK = " \t"


def bad_char(value: str) -> str | None:
    """Return a description of the first character the model refuses, if any."""
    m = _NOT_XML_CHAR.search(value)
    if m:
        return f"character U+{ord(m.group()):04X} at offset {m.start()} cannot be stored"
    return None


# Characters mistune's escape_url leaves alone ('&' is left out: it may start
# an entity reference, which escape_url decodes).
_URL_CHARS = r"A-Za-z0-9\-._~:/?#@!$&()*+,;=%"  # RFC 3986 reserved, unreserved and '%'
SAFE_URL = re.compile(f"[{_URL_CHARS.replace('&', '')}]*")


def as_text(data: object) -> str:
    """``data`` as text: str as is, bytes decoded as UTF-8; a leading BOM dropped."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        try:
            return bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ParseError(f"input is not UTF-8: {exc.reason} at byte {exc.start}") from None
    if isinstance(data, str):
        return data[1:] if data.startswith("\ufeff") else data
    raise TypeError(f"expected str or bytes, not {type(data).__name__}")


def normalize_url(url: str) -> str:
    """Return ``url`` the way the Markdown reader stores link destinations.

    This is mistune's own normalisation: entity references decoded, then every
    character outside RFC 3986's reserved and unreserved sets percent-encoded.
    """
    if SAFE_URL.fullmatch(url):
        return url
    return _encode(url)


@lru_cache(maxsize=16384)
def _encode(url: str) -> str:
    # Archives link the same related pages from many events: worth remembering.
    if "&" in url:
        url = unescape(url)
    return _UNSAFE_RUN.sub(_quote_run, url)


_UNSAFE_RUN = re.compile(f"[^{_URL_CHARS}]+")


_PCT = [f"%{b:02X}" for b in range(256)]


def _quote_run(m: re.Match[str]) -> str:
    # urllib.parse.quote(run, safe=""), table-driven: ~10x faster on long runs.
    return "".join(map(_PCT.__getitem__, m.group().encode("utf-8", "surrogatepass")))


def clear_caches() -> None:
    """Forget memoised URLs (for benchmarks that must start cold)."""
    _encode.cache_clear()
