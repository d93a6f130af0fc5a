"""The one exception type every reader raises."""

from __future__ import annotations


class ParseError(ValueError):
    """Input that no reader of newsevent can turn into a value.

    ``lineno`` and ``colno`` are 1-based and point at the first character the
    reader could not accept; ``path`` names the file when one was read.  For
    JSON documents that break the schema, ``field`` is the path to the bad
    field (for example ``$.sources[2].url``).
    """

    def __init__(
        self,
        msg: str,
        lineno: int = 1,
        colno: int = 1,
        *,
        path: str | None = None,
        field: str | None = None,
    ) -> None:
        self.msg = msg
        self.lineno = lineno
        self.colno = colno
        self.path = path
        self.field = field
        super().__init__(self._render())

    def _render(self) -> str:
        where = f"{self.path}:" if self.path else ""
        at = f" (at {self.field})" if self.field else ""
        return f"{where}{self.lineno}:{self.colno}: {self.msg}{at}"

    def with_path(self, path: str) -> ParseError:
        """Return a copy of this error that names ``path``."""
        return ParseError(self.msg, self.lineno, self.colno, path=path, field=self.field)

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (self.msg, self.lineno, self.colno, self.path, self.field))


def _rebuild(msg: str, lineno: int, colno: int, path: str | None, field: str | None) -> ParseError:
    return ParseError(msg, lineno, colno, path=path, field=field)
