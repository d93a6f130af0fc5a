"""Import Wikipedia's Current Events Portal: its day pages' wikitext into typed pages.

:func:`read` turns one day page into :class:`newsevent.Event` objects (one per news item)
and a :class:`newsevent.DayPage` listing them, and keeps what it did not understand.
:func:`context_slug` names an event's file the way *the Context* did. See
``docs/portal.md`` for the mapping, the layouts handled and the attribution rule.
"""

from ._portal import (
    LICENSE,
    Item,
    PortalDay,
    Provenance,
    Remainder,
    page_title,
    read,
)
from ._slug import context_slug
from ._wikitext import ExternalLink, WikiLink, wiki_url

__all__ = [
    "LICENSE",
    "ExternalLink",
    "Item",
    "PortalDay",
    "Provenance",
    "Remainder",
    "WikiLink",
    "context_slug",
    "page_title",
    "read",
    "wiki_url",
]
