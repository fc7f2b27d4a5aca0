"""What analysts see and curate: entities (actors and places) and their mentions.

Every mention points into ``ingest.Article.text`` by character offsets, so each record can
be shown highlighted in its sentence.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ingest.models import Article


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
    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=300, db_index=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO 3166 code"))
    org_type = models.CharField(_("organisation type"), max_length=20, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    population = models.BigIntegerField(null=True, blank=True)
    geonames_id = models.IntegerField(_("GeoNames id"), null=True, blank=True)
    iso_code = models.CharField(_("ISO 3166 code"), max_length=3, blank=True)
    wikidata = models.CharField(_("Wikidata id"), max_length=20, blank=True)
    # [{"title": ..., "descriptors": [...], "start": "YYYY-MM-DD", "end": "YYYY-MM-DD" or ""}]
    roles = models.JSONField(default=list, blank=True)
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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EntityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("entity")
        verbose_name_plural = _("entities")

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The NER label a mention of this entity carries."""
        return {"person": "PER", "organization": "ORG", "country": "LOC", "place": "LOC"}.get(
            self.kind, "MISC"
        )


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

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="aliases")
    text = models.CharField(_("text"), max_length=300)
    normalized = models.CharField(max_length=300, db_index=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.NAME)
    language = models.CharField(_("language"), max_length=8, blank=True, default="de")
    origin = models.CharField(max_length=8, choices=Origin.choices, default=Origin.SEED)
    # Words that are also ordinary words or other names ("Welt", "Bild", "Union") count
    # only where the NER marks them as a name, or in their exact capitalisation ("AP").
    needs_context = models.BooleanField(default=False)
    # Role descriptors ("der Kremlchef") name a person only while the role lasts.
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

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

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="mentions")
    entity = models.ForeignKey(
        Entity, on_delete=models.SET_NULL, null=True, blank=True, related_name="mentions"
    )
    label = models.CharField(max_length=4, choices=Label.choices)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.NAME)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    sentence_index = models.PositiveIntegerField(default=0)
    text = models.CharField(max_length=500)
    confidence = models.FloatField(default=0.0)
    origin = models.CharField(max_length=8, choices=Origin.choices, default=Origin.MODEL)
    # Why it is linked the way it is, or why not ("ambiguous: ...", "unknown name").
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["article", "start"]
        indexes = [models.Index(fields=["article", "start"], name="mention_article_start_idx")]

    def __str__(self) -> str:
        return f"{self.text} [{self.label}]"


class MentionCorrection(models.Model):
    """An editor's correction of a mention, kept across re-analysis and exportable as
    training data: the span is wrong (no entity at all), or it means another entity."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="mention_corrections")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.CharField(max_length=500)
    label = models.CharField(max_length=4, blank=True)
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    wrong = models.BooleanField(default=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
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
        CONFIRM = "confirm", _("provisional entity confirmed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    entity = models.ForeignKey(Entity, on_delete=models.SET_NULL, null=True, related_name="curations")
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.user} {self.action}"


class SeedLoad(models.Model):
    """When the knowledge base was seeded, from which inputs (a digest), with what counts."""

    digest = models.CharField(max_length=64)
    counts = models.JSONField(default=dict)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-loaded_at"]

    def __str__(self) -> str:
        return f"knowledge base seeded {self.loaded_at:%Y-%m-%d %H:%M}"
