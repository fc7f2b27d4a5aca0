"""What analysts see and curate: entities (actors and places) and their mentions.

Every mention points into ``ingest.Article.text`` by character offsets, so each record can
be shown highlighted in its sentence.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models.functions import Now
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.analysis.labels import KIND_LABELS
from events.watchlist_models import Watchlist, WatchlistDelivery  # noqa: F401  (models of this app)
from ingest.models import Article

# The URL of a page by a record's id, shaped once: list and detail pages link every row's
# event, place, actors and claims (150-220 links), and Django's reverse() costs 30 us each,
# 5 ms of CPU per page. The shape is reversed with a stand-in id and kept per URL name, script
# prefix and URLconf; the id is put in its place.
_ID_STAND_IN = 987654321
_url_shapes: dict[tuple, tuple[str, str] | None] = {}


def url_by_id(name: str, pk: int) -> str:
    """reverse(name, args=[pk]) for a URL whose one argument is an <int:pk>, faster."""
    key = (name, get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF)
    if key not in _url_shapes:
        parts = reverse(name, args=[_ID_STAND_IN]).split(str(_ID_STAND_IN))
        _url_shapes[key] = (parts[0], parts[1]) if len(parts) == 2 else None
    shape = _url_shapes[key]
    if shape is None or type(pk) is not int:
        return reverse(name, args=[pk])
    return f"{shape[0]}{pk}{shape[1]}"


class EntityQuerySet(models.QuerySet):
    def active(self):
        """Entities not merged into another one."""
        return self.filter(merged_into__isnull=True)

    def provisional(self):
        return self.active().filter(provisional=True)


class Entity(models.Model):
    """An actor (person, organisation, country) or a place, with its German name."""

    class Kind(models.TextChoices):
        PERSON = "person", _("person")
        ORGANIZATION = "organization", _("organisation")
        COUNTRY = "country", _("country")
        PLACE = "place", _("place")
        OTHER = "other", _("other")

    # Stable key of the seed data ("person:wladimir-putin", "country:RU", "place:1871859") or
    # of a provisional entity ("provisional:person:kim jong-chol"); seeding updates by key.
    key = models.CharField(_("key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=300, db_index=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO 3166 code"))
    org_type = models.CharField(_("organisation type"), max_length=20, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    population = models.BigIntegerField(_("population"), null=True, blank=True)
    geonames_id = models.IntegerField(_("GeoNames id"), null=True, blank=True)
    iso_code = models.CharField(_("ISO 3166 code"), max_length=3, blank=True)
    wikidata = models.CharField(_("Wikidata id"), max_length=20, blank=True)
    # [{"title": ..., "descriptors": [...], "start": "YYYY-MM-DD", "end": "YYYY-MM-DD" or ""}]
    roles = models.JSONField(_("offices"), default=list, blank=True)
    provisional = models.BooleanField(
        _("provisional"), default=False, help_text=_("Created from an unknown name; waiting for review.")
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged",
        verbose_name=_("merged into"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Stored so the entity list can sort by them and the entity page need not count 68,000
    # mentions: events.services.entity_counts keeps them current where mentions and claims
    # are written.
    mention_count = models.IntegerField(_("mentions"), default=0, editable=False)
    claims_about_count = models.IntegerField(_("claims about it"), default=0, editable=False)

    objects = EntityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("entity")
        verbose_name_plural = _("entities")
        indexes = [
            # The country facet names each ISO code by its country entity.
            models.Index(fields=["kind", "iso_code"], name="entity_kind_iso_idx"),
            # The entity list's default order, most mentioned first, read from an index.
            models.Index(
                models.F("mention_count").desc(),
                "name",
                "id",
                name="entity_most_mentioned_idx",
                condition=models.Q(merged_into__isnull=True),
            ),
            # A country's events include those placed in its towns (6,000 entities for DE).
            models.Index(fields=["country"], name="entity_country_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return url_by_id("events:entity", self.pk)

    @property
    def label(self) -> str:
        """The NER label a mention of this entity carries."""
        return KIND_LABELS.get(self.kind, "MISC")


class Alias(models.Model):
    """Another way German (or English) text names an entity."""

    class Kind(models.TextChoices):
        NAME = "name", _("name")
        ABBREVIATION = "abbreviation", _("abbreviation")
        EXONYM = "exonym", _("exonym")
        ADJECTIVE = "adjective", _("adjective")
        DEMONYM = "demonym", _("demonym")
        DESCRIPTOR = "descriptor", _("role descriptor")

    class Origin(models.TextChoices):
        SEED = "seed", _("seed data")
        EDITOR = "editor", _("editor")

    entity = models.ForeignKey(
        Entity, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("entity")
    )
    text = models.CharField(_("text"), max_length=300)
    normalized = models.CharField(_("normalised"), max_length=300, db_index=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.NAME)
    language = models.CharField(_("language"), max_length=8, blank=True, default="de")
    origin = models.CharField(_("origin"), max_length=8, choices=Origin.choices, default=Origin.SEED)
    # Words that are also ordinary words or other names ("Welt", "Bild", "Union") count
    # only where the NER marks them as a name, or in their exact capitalisation ("AP").
    needs_context = models.BooleanField(_("only as a name"), default=False)
    # Role descriptors ("der Kremlchef") name a person only while the role lasts.
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")
        constraints = [
            # A descriptor may hold for several terms of office ("Kremlchef" 2000-08, 2012-).
            models.UniqueConstraint(
                fields=["entity", "normalized", "kind", "valid_from"], name="alias_unique_per_entity_kind"
            )
        ]

    def __str__(self) -> str:
        return self.text


class Mention(models.Model):
    """A span of an article's text that names (or refers to) an entity."""

    class Label(models.TextChoices):
        PER = "PER", _("person")
        LOC = "LOC", _("location")
        ORG = "ORG", _("organisation")
        MISC = "MISC", _("other")

    class Kind(models.TextChoices):
        NAME = "name", _("name")
        PARTIAL = "partial", _("partial name")
        ADJECTIVE = "adjective", _("adjective")
        DESCRIPTOR = "descriptor", _("role descriptor")

    class Origin(models.TextChoices):
        MODEL = "model", _("statistical model")
        KB = "kb", _("knowledge base")
        EDITOR = "editor", _("editor")

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="mentions", verbose_name=_("article")
    )
    entity = models.ForeignKey(
        Entity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentions",
        verbose_name=_("entity"),
    )
    label = models.CharField(_("label"), max_length=4, choices=Label.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.NAME)
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    sentence_index = models.PositiveIntegerField(_("sentence"), default=0)
    text = models.CharField(_("text"), max_length=500)
    confidence = models.FloatField(_("confidence"), default=0.0)
    origin = models.CharField(_("origin"), max_length=8, choices=Origin.choices, default=Origin.MODEL)
    # Why it is linked the way it is, or why not ("ambiguous: ...", "unknown name").
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["article", "start"]
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        indexes = [models.Index(fields=["article", "start"], name="mention_article_start_idx")]

    def __str__(self) -> str:
        return f"{self.text} [{self.label}]"

    def get_absolute_url(self) -> str:
        """The article, with this mention's sentence highlighted and scrolled into view."""
        return f"{url_by_id('events:article', self.article_id)}?mention={self.pk}#m-{self.pk}"


class MentionCorrection(models.Model):
    """An editor's correction of a mention, kept across re-analysis and exportable as
    training data: the span is wrong (no entity at all), or it means another entity."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="mention_corrections", verbose_name=_("article")
    )
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    text = models.CharField(_("text"), max_length=500)
    label = models.CharField(_("label"), max_length=4, blank=True)
    entity = models.ForeignKey(
        Entity, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("entity")
    )
    wrong = models.BooleanField(_("no entity"), default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("user"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("mention correction")
        verbose_name_plural = _("mention corrections")
        constraints = [
            models.UniqueConstraint(fields=["article", "start", "end"], name="one_correction_per_span")
        ]

    def __str__(self) -> str:
        return f"{self.text}: {'wrong' if self.wrong else self.entity}"


class Curation(models.Model):
    """Every curation an editor makes, in order: who, when, what."""

    class Action(models.TextChoices):
        MERGE = "merge", _("merge")
        SPLIT = "split", _("split")
        ALIAS_ADD = "alias_add", _("alias added")
        ALIAS_REMOVE = "alias_remove", _("alias removed")
        MENTION_WRONG = "mention_wrong", _("mention marked wrong")
        MENTION_RELINK = "mention_relink", _("mention relinked")
        MENTION_RESHAPE = "mention_reshape", _("mention extent corrected")
        CONFIRM = "confirm", _("provisional entity confirmed")
        EVENT_MERGE = "event_merge", _("events merged")
        EVENT_SPLIT = "event_split", _("event split")
        CLAIM_REVIEW = "claim_review", _("claim reviewed")
        ENTITY_CREATE = "entity_create", _("entity created")
        ENTITY_EDIT = "entity_edit", _("entity edited")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("user"),
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    entity = models.ForeignKey(
        Entity, on_delete=models.SET_NULL, null=True, related_name="curations", verbose_name=_("entity")
    )
    event = models.ForeignKey(
        "Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="curations",
        verbose_name=_("event"),
    )
    payload = models.JSONField(_("details"), default=dict)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("curation")
        verbose_name_plural = _("curations")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.user} {self.action}"


class SeedLoad(models.Model):
    """When the knowledge base was seeded, from which inputs (a digest), with what counts."""

    digest = models.CharField(_("digest of the inputs"), max_length=64)
    counts = models.JSONField(_("counts"), default=dict)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)

    class Meta:
        ordering = ["-loaded_at"]
        verbose_name = _("knowledge base load")
        verbose_name_plural = _("knowledge base loads")

    def __str__(self) -> str:
        return f"knowledge base seeded {self.loaded_at:%Y-%m-%d %H:%M}"


class ClaimQuerySet(models.QuerySet):
    def about(self, entity_id: int):
        """Claims whose content names the entity: a mention of it inside the content's offsets."""
        return self.filter(
            models.Exists(
                Mention.objects.filter(
                    article_id=models.OuterRef("article_id"),
                    entity_id=entity_id,
                    start__gte=models.OuterRef("content_start"),
                    end__lte=models.OuterRef("content_end"),
                )
            )
        )


# The text search configuration of claims (events/selectors/parameters.py searches with it).
CLAIM_SEARCH_CONFIG = "german"


class Claim(models.Model):
    """Who said what, attributed to whom, in which words of the original text."""

    class Kind(models.TextChoices):
        DIRECT_QUOTE = "direct_quote", _("direct quote")
        INDIRECT_SPEECH = "indirect_speech", _("indirect speech")
        REPORT = "report", _("report")
        HEARSAY = "hearsay", _("hearsay")
        DENIAL = "denial", _("denial")

    class Evidential(models.TextChoices):
        ASSERTED = "asserted", _("asserted")
        REPORTED = "reported", _("reported")
        HEARSAY = "hearsay", _("hearsay")
        DENIED = "denied", _("denied")

    class Mood(models.TextChoices):
        STATEMENT = "", _("statement")
        QUESTION = "question", _("question")
        HYPOTHETICAL = "hypothetical", _("hypothetical")

    class Review(models.TextChoices):
        UNVERIFIED = "unverified", _("unverified")
        CONFIRMED = "confirmed", _("confirmed")
        DISPUTED = "disputed", _("disputed")

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="claims", verbose_name=_("article")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    evidential = models.CharField(_("evidential status"), max_length=10, choices=Evidential.choices)
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    sentence_index = models.PositiveIntegerField(_("sentence"), default=0)
    cue = models.CharField(_("cue"), max_length=200, blank=True)
    cue_lemma = models.CharField(_("lemma of the cue"), max_length=100, blank=True, db_index=True)
    # Who said it; offsets point at the words naming the speaker in the text.
    speaker = models.ForeignKey(
        Entity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="claims_made",
        verbose_name=_("speaker"),
    )
    speaker_text = models.CharField(_("speaker as written"), max_length=300, blank=True)
    speaker_start = models.PositiveIntegerField(_("speaker's start"), null=True, blank=True)
    speaker_end = models.PositiveIntegerField(_("speaker's end"), null=True, blank=True)
    # How the speaker was found where the clause does not name it: a pronoun ("er"), a
    # descriptor ("die Ministerin"), the quote it stands in ("ich"), or the claim before.
    speaker_via = models.CharField(_("speaker found via"), max_length=12, blank=True)
    # A question or a condition is not an assertion: analysts filter them out or in.
    mood = models.CharField(_("mood"), max_length=12, choices=Mood.choices, blank=True, default="")
    # Who reports it: an outlet, an agency, unnamed media ("nordkoreanische Medien"), a person.
    source = models.ForeignKey(
        Entity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="claims_reported",
        verbose_name=_("source"),
    )
    source_text = models.CharField(_("source as written"), max_length=300, blank=True)
    source_start = models.PositiveIntegerField(_("source's start"), null=True, blank=True)
    source_end = models.PositiveIntegerField(_("source's end"), null=True, blank=True)
    # [{"text", "start", "end", "entity_id"}], outermost first: AP -> Putin.
    chain = models.JSONField(_("attribution chain"), default=list, blank=True)
    content_start = models.PositiveIntegerField(_("content's start"))
    content_end = models.PositiveIntegerField(_("content's end"))
    content = models.TextField(_("content"))
    confidence = models.FloatField(_("confidence"), default=0.0)
    review_status = models.CharField(
        _("review"), max_length=10, choices=Review.choices, default=Review.UNVERIFIED, db_index=True
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_reason = models.TextField(_("reason of the review"), blank=True)
    # Set when a new analysis of the article no longer finds this claim but an editor had
    # reviewed or tagged it: the row (and its id, review and tags) stays, marked, until an
    # analysis finds it again. Claims nobody touched are simply deleted.
    lost_at = models.DateTimeField(_("no longer found by the analysis"), null=True, blank=True)
    # Full text of what was said (A), by whom (B), reported by whom (C), in the `german`
    # configuration as articles are searched. Generated by PostgreSQL from the row itself, so
    # every writer (the analysis' bulk writes, curation, the demo data's COPY) keeps it right
    # without knowing of it; the claims search reads it through its GIN index.
    search_vector = models.GeneratedField(
        expression=(
            SearchVector("content", weight="A", config=CLAIM_SEARCH_CONFIG)
            + SearchVector("speaker_text", weight="B", config=CLAIM_SEARCH_CONFIG)
            + SearchVector("source_text", weight="C", config=CLAIM_SEARCH_CONFIG)
        ),
        output_field=SearchVectorField(),
        db_persist=True,
        verbose_name=_("search index"),
    )

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["article", "start"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        indexes = [
            GinIndex(fields=["search_vector"], name="claim_search_gin"),
            # "Has this article a claim in this review status?" read from the index alone
            # (the event list's review filter and facet ask it of every event's articles).
            models.Index(fields=["article", "review_status"], name="claim_article_review_idx"),
        ]

    def __str__(self) -> str:
        return self.content[:80]

    def get_absolute_url(self) -> str:
        """The article, with this claim's sentence highlighted and scrolled into view."""
        return f"{url_by_id('events:article', self.article_id)}?claim={self.pk}#claim-{self.pk}"


class EventQuerySet(models.QuerySet):
    def active(self):
        return self.filter(merged_into__isnull=True)

    def main_events(self):
        """Events that are the main happening of at least one of their articles."""
        return self.filter(is_main_event())


def is_main_event() -> models.Exists:
    """True for an event that is the main happening of at least one of its articles (a
    condition for filters, an annotation for the API)."""
    return models.Exists(EventArticle.objects.filter(event=models.OuterRef("pk"), main=True))


class Event(models.Model):
    """A real-world happening, typed, dated and placed, reported by one or more articles."""

    type = models.CharField(_("type"), max_length=40, db_index=True)
    title = models.CharField(_("title"), max_length=300)
    date = models.DateField(_("date"), null=True, blank=True, db_index=True)
    date_precision = models.CharField(_("precision of the date"), max_length=8, default="day")
    place = models.ForeignKey(
        Entity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events_here",
        verbose_name=_("place"),
    )
    actors = models.ManyToManyField(
        Entity, through="EventActor", related_name="events", verbose_name=_("actors")
    )
    articles = models.ManyToManyField(
        Article, through="EventArticle", related_name="events", verbose_name=_("articles")
    )
    confidence = models.FloatField(_("confidence"), default=0.0)
    first_seen = models.DateTimeField(_("first seen"), auto_now_add=True)
    last_seen = models.DateTimeField(_("last seen"), auto_now=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged",
        verbose_name=_("merged into"),
    )
    # Set when no article reports the event any more but editors had worked on it (tags,
    # merges, splits, reviews): it stays, marked, instead of being deleted.
    orphaned_at = models.DateTimeField(_("no longer reported since"), null=True, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("event")
        # The event list's default order (newest first, undated last) read from an index.
        indexes = [
            models.Index(
                models.F("date").desc(nulls_last=True), models.F("id").desc(), name="event_newest_idx"
            )
        ]
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return url_by_id("events:event", self.pk)


class EventActor(models.Model):
    class Role(models.TextChoices):
        SOURCE = "source", _("source")
        TARGET = "target", _("target")
        PARTICIPANT = "participant", _("participant")

    class Origin(models.TextChoices):
        # Recomputed from the current detections of the event's articles on every clustering.
        ANALYSIS = "analysis", _("analysis")
        # Added by an editor's merge or split: kept whatever the analysis says later.
        CURATION = "curation", _("curation")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="event_actors", verbose_name=_("event")
    )
    entity = models.ForeignKey(
        Entity, on_delete=models.CASCADE, related_name="event_roles", verbose_name=_("entity")
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.PARTICIPANT)
    origin = models.CharField(_("origin"), max_length=8, choices=Origin.choices, default=Origin.ANALYSIS)

    class Meta:
        verbose_name = _("actor of an event")
        verbose_name_plural = _("actors of events")
        constraints = [models.UniqueConstraint(fields=["event", "entity", "role"], name="event_actor_unique")]

    def __str__(self) -> str:
        return f"{self.entity} ({self.role})"


class EventArticle(models.Model):
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="event_articles", verbose_name=_("event")
    )
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="event_links", verbose_name=_("article")
    )
    trigger = models.CharField(_("trigger"), max_length=200, blank=True)
    trigger_start = models.PositiveIntegerField(_("trigger's start"), null=True, blank=True)
    trigger_end = models.PositiveIntegerField(_("trigger's end"), null=True, blank=True)
    confidence = models.FloatField(_("confidence"), default=0.0)
    # The happening this article's headline and lead report (its main event).
    main = models.BooleanField(_("main event of the article"), default=False)
    # Why the clustering put the article here, in words an editor can check.
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    # Set when an editor put the article here: re-clustering never moves it away.
    pinned = models.BooleanField(_("pinned by an editor"), default=False)
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("article of an event")
        verbose_name_plural = _("articles of events")
        constraints = [models.UniqueConstraint(fields=["event", "article"], name="event_article_unique")]

    def __str__(self) -> str:
        return f"{self.event} ← {self.article}"


class EventTombstone(models.Model):
    """What is left of a deleted event, so that its address answers "removed on ..." (410)
    or leads to the event it was merged into, instead of a bare 404. Event ids are never
    reused (a PostgreSQL sequence), so the old id is the key."""

    class Reason(models.TextChoices):
        UNREPORTED = "unreported", _("no article reports it any more")
        MERGED = "merged", _("merged into another event")
        DELETED = "deleted", _("deleted by an administrator")

    event_id = models.PositiveBigIntegerField(_("event id"), unique=True)
    title = models.CharField(_("title"), max_length=300)
    type = models.CharField(_("type"), max_length=40, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    # For MERGED: the event it went into (a plain id: that one may be gone too).
    merged_into_id = models.PositiveBigIntegerField(_("merged into event"), null=True, blank=True)
    removed_at = models.DateTimeField(_("removed at"), auto_now_add=True)

    class Meta:
        ordering = ["-removed_at"]
        verbose_name = _("removed event")
        verbose_name_plural = _("removed events")

    def __str__(self) -> str:
        return f"{self.event_id}: {self.title} ({self.reason})"


class ArticleAnalysis(models.Model):
    """What the analysis of one article found, kept for the clustering step and for review."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, related_name="analysis", verbose_name=_("article")
    )
    detected_events = models.JSONField(_("detected events"), default=list)
    # [[start, end], ...]: character spans in Article.text of spaCy's sentences, in the order
    # that gives Mention.sentence_index; the article page renders the text sentence by sentence.
    sentences = models.JSONField(_("sentences"), default=list)
    analyzed_at = models.DateTimeField(_("analysed at"), auto_now=True)
    # When the article was analysed the first time: a re-analysis (a new model, `reprocess`)
    # keeps it, so watchlists count an article and its claims as new once, when they became
    # readable, not when the article was found (the analysis can lag behind the fetch).
    first_analyzed_at = models.DateTimeField(
        _("first analysed at"), default=timezone.now, db_default=Now(), editable=False, db_index=True
    )
    # When these detections were clustered into events; empty while the clustering task is
    # pending, so a lost clustering message is found again (events.tasks.sweep_clustering).
    clustered_at = models.DateTimeField(_("clustered at"), null=True, blank=True)
    # Which model (events.nlp.version) and knowledge base (the loader's version counter)
    # produced this analysis: articles of an older model are analysed again in the background.
    # Empty: analysed before versions were recorded (or written by raw SQL, as the demo data is).
    model_version = models.CharField(
        _("model version"), max_length=100, blank=True, default="", db_default="", db_index=True
    )
    kb_version = models.CharField(
        _("knowledge base version"), max_length=40, blank=True, default="", db_default=""
    )

    class Meta:
        verbose_name = _("analysis of an article")
        verbose_name_plural = _("analyses of articles")

    def __str__(self) -> str:
        return f"analysis of {self.article_id}"


class Tag(models.Model):
    """A term of the taxonomy that admins manage ("Sanktionen", "Nordkorea/Raketentests")."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("broader tag"),
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class StarterTag(models.Model):
    """A tag of the starter taxonomy (events/data/starter_tags.toml) that seeding has dealt
    with: created, or found made already by an admin. Seeding looks at a slug once; what
    admins do to the tag afterwards (rename, move, delete) stays as they left it."""

    slug = models.CharField(_("slug in the starter taxonomy"), max_length=100, unique=True)
    # The tag it became; empty once an admin deleted it (which seeding then respects).
    tag = models.ForeignKey(
        Tag, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("tag")
    )
    seeded_at = models.DateTimeField(_("seeded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("starter tag")
        verbose_name_plural = _("starter tags")

    def __str__(self) -> str:
        return self.slug


# What can carry a tag, by the name of its key on Tagging.
TAGGING_TARGETS = ("event", "article", "claim", "entity")


class Tagging(models.Model):
    """One tag on one event, article, claim or entity: who put it there and when.

    One nullable key per kind of target (rather than a generic relation) keeps the filters
    of the lists plain joins: ``Event.objects.filter(taggings__tag=...)``.
    """

    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="taggings", verbose_name=_("tag"))
    event = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="taggings",
        verbose_name=_("event"),
    )
    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="taggings",
        verbose_name=_("article"),
    )
    claim = models.ForeignKey(
        Claim,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="taggings",
        verbose_name=_("claim"),
    )
    entity = models.ForeignKey(
        Entity,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="taggings",
        verbose_name=_("entity"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("user"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("tagging")
        verbose_name_plural = _("taggings")
        # Laid out by hand: the four Q rows are a truth table, one aligned column per target.
        constraints = [
            models.CheckConstraint(
                name="tagging_exactly_one_target",
                condition=(
                    models.Q(event__isnull=False, article__isnull=True, claim__isnull=True, entity__isnull=True)
                    | models.Q(event__isnull=True, article__isnull=False, claim__isnull=True, entity__isnull=True)
                    | models.Q(event__isnull=True, article__isnull=True, claim__isnull=False, entity__isnull=True)
                    | models.Q(event__isnull=True, article__isnull=True, claim__isnull=True, entity__isnull=False)
                ),
            ),
            *(
                models.UniqueConstraint(
                    fields=["tag", target], condition=models.Q(**{f"{target}__isnull": False}),
                    name=f"tagging_unique_{target}",
                )
                for target in TAGGING_TARGETS
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.tag} → {self.target}"

    @property
    def target(self):
        return self.event or self.article or self.claim or self.entity


class RetrainingRun(models.Model):
    """One run of `manage.py retrain` (or its weekly task): what it learnt from, how the
    retrained model scored against the installed one, and whether it was installed."""

    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        INSTALLED = "installed", _("installed")
        REFUSED = "refused", _("refused")
        FAILED = "failed", _("failed")
        NOTHING = "nothing", _("nothing to learn")

    started_at = models.DateTimeField(_("started"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    steps = models.PositiveIntegerField(_("training steps"), default=0)
    # {"corrections": n, "confirmed": n, "train_examples": n, "heldout_examples": n, ...}
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    base_model = models.CharField(_("model before"), max_length=100, blank=True)
    candidate_model = models.CharField(_("retrained model"), max_length=100, blank=True)
    # {"germeval": {"p", "r", "f"}, "corrections": {"p", "r", "f", "wrong_predicted", ...}}
    base_scores = models.JSONField(_("scores before"), default=dict, blank=True)
    candidate_scores = models.JSONField(_("scores of the retrained model"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    # The model active once the run ended (the new one when installed).
    installed_model = models.CharField(_("installed model"), max_length=100, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("retraining run")
        verbose_name_plural = _("retraining runs")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.status}"
