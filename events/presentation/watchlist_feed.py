"""A watchlist's matches as an Atom feed (RFC 4287) for feed readers."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.template.defaultfilters import linebreaksbr
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from events.models import Watchlist
from events.selectors.watchlists import Match


def atom_feed(
    watchlist: Watchlist, rows: list[Match], *, absolute: Callable[[str], str], self_url: str, list_url: str
) -> bytes:
    """The feed of `rows` (newest first). `absolute` turns a path into a URL. The feed's id is
    the watchlist's page, so it stays when the feed's address (its token) changes; each
    entry's id is its record's page."""
    about = _("What enters Lagebild and matches your watchlist “%(name)s”") % {"name": watchlist.name}
    feed = Atom1Feed(
        title=f"Lagebild: {watchlist.name}",
        link=absolute(list_url),
        description=about,
        subtitle=about,
        feed_url=self_url,
        feed_guid=absolute(watchlist.get_absolute_url()),
        author_name="Lagebild",
        language=settings.LANGUAGE_CODE,
    )
    for row in rows:
        url = absolute(row.url)
        feed.add_item(
            title=row.title,
            link=url,
            # type="html": the text is escaped here, line breaks become <br>.
            description=linebreaksbr(escape(row.summary)),
            unique_id=url,
            unique_id_is_permalink=True,
            pubdate=row.entered_at,
            updateddate=row.entered_at,
        )
    return feed.writeString("utf-8").encode("utf-8")
