"""Watchlists: saving a list's filters (or an actor or place), opening, settings, the feed's
token, and the e-mail digest that beat sends (events/tasks.py).

The digest never sends a record twice: every record it mailed is kept (WatchlistDelivery)
in the same transaction that sends the mail, under a lock of the watchlist's row that a
concurrent run skips. A mail that fails rolls the transaction back, so the next run sends
it again; the only way to get a record twice is a mail server that accepted the mail and a
database that failed to commit right after.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events.lists import LISTS
from events.models import Entity, Watchlist, WatchlistDelivery
from events.selectors import parameters as read
from events.selectors import watchlists as select
from events.selectors.facets import active_filters
from portal.roles import has_any_role

# Parameters a watchlist keeps besides its kind's filters (events/lists.py): the event list's
# "main events only". Sorting and paging change no match.
EXTRA_PARAMS = {"event": ("main",)}
NAME_CHARS = 100
QUERY_CHARS = 2000
# How a digest of each frequency is due: this long after its last run.
DIGEST_PERIODS = {
    Watchlist.Digest.IMMEDIATE: timedelta(0),
    Watchlist.Digest.DAILY: timedelta(days=1),
    Watchlist.Digest.WEEKLY: timedelta(days=7),
}
# A digest lists at most this many records (the newest); the mail links the rest.
DIGEST_MAX_RECORDS = 100


def normalized_query(kind: str, query: str) -> str:
    """The filters of `query` that the kind's list reads, each once, sorted: two saves of the
    same filters give the same string (and so the same watchlist)."""
    params = _query_dict(query)
    allowed = (*LISTS[kind].params, *EXTRA_PARAMS.get(kind, ()))
    pairs = sorted({(name, value) for name in allowed for value in read.values(params, name)})
    normalized = read.querystring(dict(_grouped(pairs)))
    if len(normalized) > QUERY_CHARS:
        raise ValueError(_("These filters are too long to be saved."))
    return normalized


def _query_dict(query: str) -> QueryDict:
    return QueryDict(query.lstrip("?"))


def _grouped(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name, value in pairs:
        grouped.setdefault(name, []).append(value)
    return grouped


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


def default_name(kind: str, query: str, entity: Entity | None) -> str:
    """A name from the filters' labels ("Events: Wladimir Putin, meeting"), or the entity's."""
    if entity is not None:
        return entity.name[:NAME_CHARS]
    plural = str(Watchlist.Kind(kind).label)
    labels = [f.label or f.name for f in active_filters(kind, _query_dict(query))]
    named = (
        f"{plural[:1].upper()}{plural[1:]}: {', '.join(labels)}"
        if labels
        else _("All %(kind)s") % {"kind": plural}
    )
    return named[:NAME_CHARS]


def watchlist_create(
    *, owner, kind: str, query: str = "", entity: Entity | None = None, name: str = ""
) -> tuple[Watchlist, bool]:
    """Save a list's filters (kinds event, claim, article) or an entity (kind entity) as the
    owner's watchlist; returns it and whether it is new. The same filters saved again give the
    watchlist that has them. What matches now is not new: only what enters from now on."""
    if kind not in Watchlist.Kind.values:
        raise ValueError(_("Unknown kind of list."))
    if kind == Watchlist.Kind.ENTITY:
        if entity is None:
            raise ValueError(_("No such actor or place."))
        entity = entity.merged_into or entity
        query, same = "", {"owner": owner, "entity": entity}
    else:
        entity, query = None, normalized_query(kind, query)
        same = {"owner": owner, "kind": kind, "query": query, "entity__isnull": True}
    existing = Watchlist.objects.filter(**same).first()
    if existing is not None:
        return existing, False
    fields = {
        "kind": kind,
        "query": query,
        "entity": entity,
        "name": name.strip()[:NAME_CHARS] or default_name(kind, query, entity),
        "feed_token": new_feed_token(),
    }
    try:
        with transaction.atomic():
            return Watchlist.objects.create(owner=owner, **fields), True
    except IntegrityError:
        # The same save twice at once (a double click): the other one made it.
        return Watchlist.objects.get(**same), False


def watchlist_open(watchlist: Watchlist, now: datetime | None = None) -> datetime:
    """The owner opened it: everything that entered until now is seen. Returns the mark before."""
    before = watchlist.seen_at
    watchlist.seen_at = now or timezone.now()
    Watchlist.objects.filter(pk=watchlist.pk).update(seen_at=watchlist.seen_at)
    return before


def watchlist_update(watchlist: Watchlist, *, name: str, digest: str, now: datetime | None = None) -> None:
    """Rename it and choose its digest. A digest switched on starts from now (what matched
    before is not mailed); switched off, it forgets what it sent."""
    if digest not in Watchlist.Digest.values:
        raise ValueError(_("Unknown e-mail frequency."))
    now = now or timezone.now()
    fields = ["digest"]
    if name.strip():
        watchlist.name = name.strip()[:NAME_CHARS]
        fields.append("name")
    was_off = watchlist.digest == Watchlist.Digest.NONE
    watchlist.digest = digest
    if digest == Watchlist.Digest.NONE:
        watchlist.digest_since = watchlist.digest_run_at = None
        fields += ["digest_since", "digest_run_at"]
    elif was_off:
        watchlist.digest_since = watchlist.digest_run_at = now
        fields += ["digest_since", "digest_run_at"]
    with transaction.atomic():
        watchlist.save(update_fields=fields)
        if digest == Watchlist.Digest.NONE:
            WatchlistDelivery.objects.filter(watchlist=watchlist).delete()


def feed_token_regenerate(watchlist: Watchlist) -> str:
    """A new feed address; the old one stops working at once."""
    watchlist.feed_token = new_feed_token()
    watchlist.save(update_fields=["feed_token"])
    return watchlist.feed_token


def feed_token_revoke(watchlist: Watchlist) -> None:
    """No feed any more (a new token can be made later)."""
    watchlist.feed_token = None
    watchlist.save(update_fields=["feed_token"])


def watchlist_delete(watchlist: Watchlist) -> None:
    watchlist.delete()


# --- the digest --------------------------------------------------------------------------------


def due(now: datetime | None = None) -> Q:
    """Watchlists whose digest is due: "immediately" ones always, the others a period after
    their last run."""
    now = now or timezone.now()
    condition = Q(digest_run_at__isnull=True) & ~Q(digest=Watchlist.Digest.NONE)
    for frequency, period in DIGEST_PERIODS.items():
        condition |= Q(digest=frequency, digest_run_at__lte=now - period)
    return condition


def due_digests(now: datetime | None = None) -> list[int]:
    """Ids of the watchlists whose digest is due and whose owner can get mail."""
    return list(
        Watchlist.objects.filter(due(now), owner__is_active=True)
        .exclude(owner__email="")
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def digest_send(watchlist_id: int, now: datetime | None = None) -> int:
    """Send the watchlist's digest if it is due: the matches that entered since its window
    began and were never sent. Returns how many records the mail listed (0: no mail).

    Safe to run again and at the same time: a run that finds the row locked leaves it to the
    run that holds it, and what was sent is recorded in the transaction that sent it.
    """
    now = now or timezone.now()
    with transaction.atomic():
        watchlist = (
            Watchlist.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("owner", "entity")
            .filter(due(now), pk=watchlist_id)
            .first()
        )
        if watchlist is None:
            return 0  # not due (any more), gone, or another run holds it
        since = watchlist.digest_since or watchlist.created_at
        sent = 0
        if _may_receive(watchlist.owner):
            rows = _fresh(watchlist, since)
            if rows:
                _mail(watchlist, rows)
                WatchlistDelivery.objects.bulk_create(
                    [
                        WatchlistDelivery(watchlist=watchlist, record_id=r.pk, entered_at=r.entered_at)
                        for r in rows
                    ],
                    ignore_conflicts=True,
                )
                watchlist.digest_sent_at, sent = now, len(rows)
        watchlist.digest_run_at = now
        watchlist.digest_since = max(since, now - timedelta(hours=settings.WATCHLIST_DIGEST_LOOKBACK_HOURS))
        watchlist.save(update_fields=["digest_run_at", "digest_since", "digest_sent_at"])
        # Nothing entered before the window is a candidate again: its deliveries can go.
        WatchlistDelivery.objects.filter(watchlist=watchlist, entered_at__lte=watchlist.digest_since).delete()
    return sent


def _may_receive(owner) -> bool:
    return bool(owner.is_active and owner.email and has_any_role(owner))


def _fresh(watchlist: Watchlist, since: datetime) -> list[select.Match]:
    """The matches that entered after `since` and were not sent yet, newest first."""
    entered = select.ENTERED[watchlist.kind]
    sent = WatchlistDelivery.objects.filter(watchlist=watchlist, record_id=OuterRef("pk"))
    records = (
        select.entered_after(watchlist, since)
        .exclude(Exists(sent))
        .annotate(watch_entered=F(entered))
        .order_by(F(entered).desc(), "-pk")
    )
    return select.as_matches(watchlist.kind, records[:DIGEST_MAX_RECORDS])


def _mail(watchlist: Watchlist, rows: list[select.Match]) -> None:
    """One mail to the owner, in the portal's language, with absolute links."""
    base = settings.PORTAL_BASE_URL
    with translation.override(settings.LANGUAGE_CODE):
        subject = ngettext(
            "Lagebild: %(n)d new match in “%(name)s”",
            "Lagebild: %(n)d new matches in “%(name)s”",
            len(rows),
        ) % {"n": len(rows), "name": watchlist.name}
        body = render_to_string(
            "events/watchlist_digest.txt",
            {
                "watchlist": watchlist,
                "rows": [(row, f"{base}{row.url}") for row in rows],
                "full": len(rows) >= DIGEST_MAX_RECORDS,
                "watchlist_url": f"{base}{watchlist.get_absolute_url()}",
                "list_url": f"{base}{select.list_url(watchlist)}",
            },
        )
    send_mail(subject, body, None, [watchlist.owner.email], fail_silently=False)
