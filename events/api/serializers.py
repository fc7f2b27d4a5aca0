"""What the API returns. Read-only: no serializer here ever saves.

The querysets of events/api/views.py prepare what these read (count annotations, ``api_*``
prefetches), so that a page costs the same number of queries whatever its size.
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from events.models import Alias, Claim, Entity, Event, EventActor
from ingest.models import Article, Outlet


@extend_schema_field(serializers.ListField(child=serializers.SlugField(allow_unicode=True)))
class TagSlugsField(serializers.ReadOnlyField):
    """The slugs of an object's tags (from the ``api_taggings`` prefetch)."""

    def __init__(self, **kwargs):
        super().__init__(source="api_taggings", **kwargs)

    def to_representation(self, value):
        return [tagging.tag.slug for tagging in value]


@extend_schema_field(OpenApiTypes.URI)
class PortalUrlField(serializers.ReadOnlyField):
    """The absolute address of the object's portal page (``get_absolute_url``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "get_absolute_url")
        super().__init__(**kwargs)

    def to_representation(self, value):
        return self.context["request"].build_absolute_uri(value)


class RecordSerializer(serializers.ModelSerializer):
    """What every listed record carries: the slugs of its tags."""

    tags = TagSlugsField()


class PageRecordSerializer(RecordSerializer):
    """A record with a portal page of its own (events, entities): its address as ``url``.

    Not for articles, whose ``url`` is the original address of the article."""

    url = PortalUrlField()


class EntityRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Entity
        fields = ["id", "name"]


class PlaceSerializer(serializers.ModelSerializer):
    lat = serializers.FloatField(source="latitude", allow_null=True)
    lon = serializers.FloatField(source="longitude", allow_null=True)

    class Meta:
        model = Entity
        fields = ["id", "name", "lat", "lon", "country"]


class ActorSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="entity.id")
    name = serializers.CharField(source="entity.name")
    kind = serializers.ChoiceField(source="entity.kind", choices=Entity.Kind.choices)

    class Meta:
        model = EventActor
        fields = ["id", "name", "kind", "role"]


class EventSerializer(PageRecordSerializer):
    place = PlaceSerializer(allow_null=True)
    actors = ActorSerializer(source="api_actors", many=True)
    article_count = serializers.IntegerField()
    outlet_count = serializers.IntegerField()
    # The main happening of at least one of its articles (what headline and lead report).
    main = serializers.BooleanField()

    class Meta:
        model = Event
        fields = [
            "id",
            "type",
            "main",
            "title",
            "date",
            "date_precision",
            "place",
            "actors",
            "article_count",
            "outlet_count",
            "tags",
            "url",
            "first_seen",
            "last_seen",
            "merged_into",
        ]


class AliasSerializer(serializers.ModelSerializer):
    class Meta:
        model = Alias
        fields = ["text", "kind", "language"]


class ExternalIdsSerializer(serializers.ModelSerializer):
    geonames = serializers.IntegerField(source="geonames_id", allow_null=True)
    iso = serializers.CharField(source="iso_code")

    class Meta:
        model = Entity
        fields = ["geonames", "iso", "wikidata"]


class EntitySerializer(PageRecordSerializer):
    lat = serializers.FloatField(source="latitude", allow_null=True)
    lon = serializers.FloatField(source="longitude", allow_null=True)
    aliases = AliasSerializer(source="api_aliases", many=True)
    external_ids = ExternalIdsSerializer(source="*")
    mention_count = serializers.IntegerField()

    class Meta:
        model = Entity
        fields = [
            "id",
            "kind",
            "name",
            "description",
            "country",
            "lat",
            "lon",
            "aliases",
            "external_ids",
            "provisional",
            "mention_count",
            "tags",
            "url",
            "merged_into",
        ]


class ClaimSerializer(RecordSerializer):
    speaker = EntityRefSerializer(allow_null=True)
    source = EntityRefSerializer(allow_null=True)
    sentence_url = PortalUrlField(
        help_text="The article's portal page with the claim's sentence highlighted."
    )
    reviewed_by = serializers.CharField(source="reviewed_by.username", allow_null=True)

    class Meta:
        model = Claim
        fields = [
            "id",
            "kind",
            "evidential",
            "mood",
            "cue",
            "speaker",
            "speaker_text",
            "speaker_via",
            "source",
            "source_text",
            "content",
            "article",
            "sentence_url",
            "review_status",
            "reviewed_by",
            "reviewed_at",
            "review_reason",
            "tags",
        ]


class OutletSerializer(serializers.ModelSerializer):
    class Meta:
        model = Outlet
        fields = ["id", "name", "domain", "country"]


class ArticleSerializer(RecordSerializer):
    outlet = OutletSerializer(allow_null=True)
    portal_url = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = [
            "id",
            "url",
            "canonical_url",
            "portal_url",
            "title",
            "authors",
            "outlet",
            "published_at",
            "language",
            "status",
            "near_duplicate_group",
            "duplicate_of",
            "tags",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_portal_url(self, article: Article) -> str:
        return self.context["request"].build_absolute_uri(reverse("events:article", args=[article.pk]))


class ArticleDetailSerializer(ArticleSerializer):
    """The text only here: lists stay light (and never load the text from the database)."""

    class Meta(ArticleSerializer.Meta):
        fields = [*ArticleSerializer.Meta.fields, "text"]
