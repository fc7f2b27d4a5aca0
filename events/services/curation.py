"""Editors' curation: merging and splitting entities and events, aliases, mention
corrections and claim reviews. Each one is recorded as a Curation and re-links the
affected articles in the background once committed."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events.analysis.names import normalize
from events.models import (
    Alias,
    Claim,
    Curation,
    Entity,
    Event,
    EventActor,
    EventArticle,
    Mention,
    MentionCorrection,
)
from events.services.entity_counts import counts_follow, entity_counts_refresh
from events.services.tags import move_taggings
from ingest.models import Article
from ingest.pipeline import send_on_commit

# At most this many articles are analysed again after one curation.
RELINK_LIMIT = 5000


def _affected_articles(*entities: Entity) -> list[int]:
    return list(
        Mention.objects.filter(entity__in=entities)
        .values_list("article_id", flat=True)
        .distinct()[:RELINK_LIMIT]
    )


def _relink_later(article_ids) -> None:
    """Re-link the articles in the background once the curation is committed: one small
    task per article (safe to re-run; a broker outage leaves the work to a later analysis
    instead of failing the curation)."""
    from events.tasks import relink_article

    for article_id in sorted(set(article_ids))[:RELINK_LIMIT]:
        send_on_commit(relink_article, article_id)


def _curated(user, action: str, entity: Entity | None, **payload) -> Curation:
    from events.kb.loader import bump_version

    transaction.on_commit(bump_version)  # every worker reloads the knowledge base
    return Curation.objects.create(user=user, action=action, entity=entity, payload=payload)


@transaction.atomic
def entity_merge(*, source: Entity, target: Entity, user) -> Entity:
    """Merge `source` into `target`: one actor counted once. The source stays, pointing to
    the target, so its key (and links to it) keep working and the merge can be traced."""
    if source.pk == target.pk:
        raise ValueError(_("An entity cannot be merged into itself."))
    if target.merged_into_id:
        raise ValueError(
            _("%(target)s was itself merged into %(survivor)s.")
            % {"target": target, "survivor": target.merged_into}
        )
    affected = _affected_articles(source, target)
    names = {source.name, *source.aliases.values_list("text", flat=True)}
    for text in names:
        alias_add(entity=target, text=text, kind=Alias.Kind.NAME, user=None, record=False)
    Mention.objects.filter(entity=source).update(entity=target)
    # Counted again rather than added: a claim about both is one claim about the survivor.
    entity_counts_refresh([source.pk, target.pk])
    MentionCorrection.objects.filter(entity=source).update(entity=target)
    _move_event_roles(source, target)
    move_taggings("entity", source.pk, target.pk)
    Entity.objects.filter(merged_into=source).update(merged_into=target)
    source.merged_into = target
    source.save(update_fields=["merged_into", "updated_at"])
    if target.provisional and not source.provisional:
        target.provisional = False
        target.save(update_fields=["provisional", "updated_at"])
    _curated(user, Curation.Action.MERGE, target, source_id=source.pk, source_name=source.name)
    _relink_later(affected)
    return target


def _move_event_roles(source: Entity, target: Entity) -> None:
    """Events and claims name the survivor at once (the relink confirms it from the text)."""
    for actor in EventActor.objects.filter(entity=source):
        if EventActor.objects.filter(event_id=actor.event_id, entity=target, role=actor.role).exists():
            actor.delete()
        else:
            actor.entity = target
            actor.save(update_fields=["entity"])
    Event.objects.filter(place=source).update(place=target)
    Claim.objects.filter(speaker=source).update(speaker=target)
    Claim.objects.filter(source=source).update(source=target)


@transaction.atomic
def entity_split(*, entity: Entity, name: str, alias_ids: list[int], mention_ids: list[int], user) -> Entity:
    """Split off a new entity with the chosen aliases; the chosen mentions now mean it."""
    new = Entity.objects.create(
        key=f"editor:{entity.kind}:{normalize(name)}:{timezone.now():%Y%m%d%H%M%S}"[:200],
        kind=entity.kind, name=name, country=entity.country,
    )  # fmt: skip
    moved = list(Alias.objects.filter(entity=entity, pk__in=alias_ids))
    for alias in moved:
        alias_add(entity=new, text=alias.text, kind=alias.kind, user=None, record=False)
    Alias.objects.filter(pk__in=[a.pk for a in moved]).delete()
    alias_add(entity=new, text=name, kind=Alias.Kind.NAME, user=None, record=False)
    for mention in Mention.objects.filter(entity=entity, pk__in=mention_ids).select_related("article"):
        _correct(mention, entity=new, wrong=False, user=user)
    _curated(user, Curation.Action.SPLIT, entity, new_id=new.pk, new_name=name, aliases=[a.text for a in moved],
             mentions=mention_ids)  # fmt: skip
    _relink_later(_affected_articles(entity, new))
    return new


def alias_add(
    *, entity: Entity, text: str, kind: str = Alias.Kind.NAME, user=None, record: bool = True
) -> Alias:
    text = text.strip()
    if not text:
        raise ValueError("an alias needs a text")
    alias, _ = Alias.objects.get_or_create(
        entity=entity, normalized=normalize(text)[:300], kind=kind, valid_from=None,
        defaults={"text": text[:300], "origin": Alias.Origin.EDITOR},
    )  # fmt: skip
    if record:
        _curated(user, Curation.Action.ALIAS_ADD, entity, text=text, kind=kind)
        # Articles that use the new name may now link it.
        ids = Article.objects.filter(status=Article.Status.ANALYZED, text__icontains=text).values_list(
            "pk", flat=True
        )
        _relink_later(list(ids[:RELINK_LIMIT]))
    return alias


@transaction.atomic
def alias_remove(*, alias: Alias, user) -> None:
    entity = alias.entity
    _curated(user, Curation.Action.ALIAS_REMOVE, entity, text=alias.text, kind=alias.kind)
    alias.delete()
    _relink_later(_affected_articles(entity))


def _record(article, start: int, end: int, text: str, *, label: str, entity, wrong: bool, user):
    """One span's correction, replacing an earlier one of the same span."""
    correction, _ = MentionCorrection.objects.update_or_create(
        article=article, start=start, end=end,
        defaults={"text": text, "label": label, "entity": entity, "wrong": wrong, "user": user},
    )  # fmt: skip
    return correction


def _correct(mention: Mention, *, entity: Entity | None, wrong: bool, user) -> MentionCorrection:
    # A relinked span is trained with its new entity's label (an organisation the model took
    # for a person is an ORG now); a span marked wrong keeps the label it had, for the record.
    label = entity.label if entity is not None else mention.label
    correction = _record(mention.article, mention.start, mention.end, mention.text, label=label, entity=entity,
                         wrong=wrong, user=user)  # fmt: skip
    with counts_follow([mention.article_id]):
        if wrong:
            mention.delete()
        else:
            mention.entity, mention.origin, mention.confidence = entity, Mention.Origin.EDITOR, 1.0
            mention.note = "corrected by an editor"
            mention.save(update_fields=["entity", "origin", "confidence", "note"])
    return correction


@transaction.atomic
def mention_mark_wrong(*, mention: Mention, user) -> None:
    _curated(user, Curation.Action.MENTION_WRONG, mention.entity, article_id=mention.article_id,
             start=mention.start, end=mention.end, text=mention.text)  # fmt: skip
    _correct(mention, entity=None, wrong=True, user=user)


@transaction.atomic
def mention_relink(*, mention: Mention, entity: Entity, user) -> None:
    _curated(user, Curation.Action.MENTION_RELINK, entity, article_id=mention.article_id, start=mention.start,
             end=mention.end, text=mention.text, previous=mention.entity_id)  # fmt: skip
    _correct(mention, entity=entity, wrong=False, user=user)


def reshape_span(text: str, start: int, end: int, name: str) -> tuple[int, int]:
    """Where `name` stands in `text` so that it overlaps [start, end): the occurrence nearest the
    old span. The model cut a name short ("Jo Yong" of "Jo Yong Won") or ran it on into a
    common noun ("Moskaus Krieg"); the editor types the name as the sentence has it."""
    name = name.strip()
    if not name:
        raise ValueError(_("Type the name as the text has it."))
    window_start = max(0, start - len(name))
    best = None
    position = text.find(name, window_start)
    while position != -1 and position < end:
        if position + len(name) > start:
            distance = abs(position - start) + abs(position + len(name) - end)
            if best is None or distance < best[0]:
                best = (distance, position)
        position = text.find(name, position + 1)
    if best is None:
        raise ValueError(
            _("“%(name)s” does not stand where “%(old)s” does.") % {"name": name, "old": text[start:end]}
        )
    return best[1], best[1] + len(name)


@transaction.atomic
def mention_reshape(*, mention: Mention, name: str, user) -> Mention:
    """Correct a mention's extent. The old span is recorded as no name and the new one as this
    entity's mention: both survive re-analysis and both are training examples (events/training.py)."""
    text = mention.article.text
    start, end = reshape_span(text, mention.start, mention.end, name)
    if (start, end) == (mention.start, mention.end):
        return mention
    if (
        Mention.objects.filter(article_id=mention.article_id, start=start, end=end)
        .exclude(pk=mention.pk)
        .exists()
    ):
        raise ValueError(_("“%s” is already a mention of its own.") % text[start:end])
    _curated(user, Curation.Action.MENTION_RESHAPE, mention.entity, article_id=mention.article_id,
             start=mention.start, end=mention.end, text=mention.text, new_start=start, new_end=end,
             new_text=text[start:end])  # fmt: skip
    _record(mention.article, mention.start, mention.end, mention.text, label=mention.label, entity=None,
            wrong=True, user=user)  # fmt: skip
    _record(mention.article, start, end, text[start:end], label=mention.label, entity=mention.entity, wrong=False,
            user=user)  # fmt: skip
    # The row keeps its id (links to it stay valid); only where it stands changes.
    mention.start, mention.end, mention.text = start, end, text[start:end][:500]
    mention.origin, mention.confidence, mention.note = Mention.Origin.EDITOR, 1.0, "corrected by an editor"
    mention.save(update_fields=["start", "end", "text", "origin", "confidence", "note"])
    return mention


@transaction.atomic
def entity_confirm(*, entity: Entity, user) -> None:
    """A provisional entity is real: it leaves the review queue."""
    Entity.objects.filter(pk=entity.pk).update(provisional=False)
    _curated(user, Curation.Action.CONFIRM, entity, name=entity.name)


@transaction.atomic
def event_merge(*, source: Event, target: Event, user) -> Event:
    """Two events are one happening: move articles and actors, keep the source as a pointer."""
    if source.pk == target.pk:
        raise ValueError(_("An event cannot be merged into itself."))
    for link in EventArticle.objects.filter(event=source):
        EventArticle.objects.get_or_create(
            event=target, article_id=link.article_id,
            defaults={"trigger": link.trigger, "trigger_start": link.trigger_start, "trigger_end": link.trigger_end,
                      "confidence": link.confidence, "pinned": True},
        )  # fmt: skip
    EventArticle.objects.filter(
        event=target, article_id__in=source.event_articles.values("article_id")
    ).update(pinned=True)
    for actor in EventActor.objects.filter(event=source):
        # Kept whatever later analyses say (origin CURATION).
        EventActor.objects.update_or_create(
            event=target, entity_id=actor.entity_id, role=actor.role,
            defaults={"origin": EventActor.Origin.CURATION},
        )  # fmt: skip
    EventArticle.objects.filter(event=source).delete()
    # A merged event answers with a redirect to its target (views); it is not deleted.
    Event.objects.filter(pk=target.pk).update(orphaned_at=None)
    move_taggings("event", source.pk, target.pk)
    source.merged_into = target
    source.save(update_fields=["merged_into"])
    Curation.objects.create(user=user, action=Curation.Action.EVENT_MERGE, event=target,
                            payload={"source_id": source.pk, "source_title": source.title})  # fmt: skip
    return target


@transaction.atomic
def event_split(*, event: Event, article_ids: list[int], title: str, user) -> Event:
    """Some of an event's articles report another happening: they get an event of their own."""
    new = Event.objects.create(type=event.type, title=title or event.title, date=event.date,
                               date_precision=event.date_precision, place=event.place, confidence=event.confidence)  # fmt: skip
    moved = EventArticle.objects.filter(event=event, article_id__in=article_ids)
    moved_ids = list(moved.values_list("article_id", flat=True))
    moved.update(event=new, pinned=True)
    for actor in EventActor.objects.filter(event=event):
        EventActor.objects.get_or_create(
            event=new,
            entity_id=actor.entity_id,
            role=actor.role,
            defaults={"origin": EventActor.Origin.CURATION},
        )
    Curation.objects.create(user=user, action=Curation.Action.EVENT_SPLIT, event=event,
                            payload={"new_id": new.pk, "articles": moved_ids, "title": new.title})  # fmt: skip
    return new


@transaction.atomic
def claim_review(*, claim: Claim, status: str, reason: str, user) -> Claim:
    """Confirm or dispute a claim (or set it back to unverified), with who, when and why.

    Disputing needs a reason: a claim marked wrong without saying what is wrong cannot be
    checked by the next reader. Refusals are ValueErrors with the reason for the editor.
    """
    if status not in Claim.Review.values:
        raise ValueError(_("Unknown review status “%s”.") % status)
    reason = (reason or "").strip()
    if status == Claim.Review.DISPUTED and not reason:
        raise ValueError(_("To dispute a claim, give a reason: what is wrong with it?"))
    claim.review_status, claim.review_reason = status, reason
    claim.reviewed_by, claim.reviewed_at = user, timezone.now()
    claim.save(update_fields=["review_status", "review_reason", "reviewed_by", "reviewed_at"])
    Curation.objects.create(user=user, action=Curation.Action.CLAIM_REVIEW, payload={
        "claim_id": claim.pk, "article_id": claim.article_id, "status": status, "reason": reason})  # fmt: skip
    return claim
