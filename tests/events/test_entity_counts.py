"""Entities' stored counts (issue 16): the analysis, curation and bulk loads keep
Entity.mention_count and claims_about_count equal to what counting the rows gives, and the
entity list and page read them."""

from __future__ import annotations

import pytest

from events.analysis.claims import ClaimData, ContentSpan
from events.analysis.linking import MentionData
from events.analysis.pipeline import Analysis
from events.models import Claim, Entity, Mention
from events.services import analysis as analysis_service
from events.services.entity_counts import entity_counts_refresh
from events.tasks import refresh_entity_counts
from tests.factories import article, entity, outlet

pytestmark = pytest.mark.django_db

TEXT = "Putin sagte, man wolle Scholz treffen. Scholz schwieg."
#       0    5      12         23    29      38    44


def _mention(start: int, end: int, who: Entity | None) -> MentionData:
    return MentionData(start, end, TEXT[start:end], "PER", "name", who.pk if who else None, 0.9, "kb", "", 0)


def _claim(start: int = 13, end: int = 37) -> ClaimData:
    return ClaimData(
        0,
        38,
        "indirect_speech",
        "sagte",
        "sagen",
        None,
        None,
        content=ContentSpan(start, end, TEXT[start:end]),
    )


def _store(source, mentions, claims) -> None:
    analysis_service._store(source, Analysis(mentions=mentions, claims=claims, events=[]))


def _counts(*entities: Entity) -> list[tuple[int, int]]:
    return [
        tuple(Entity.objects.values_list("mention_count", "claims_about_count").get(pk=e.pk))
        for e in entities
    ]


def _live(*entities: Entity) -> list[tuple[int, int]]:
    return [(Mention.objects.filter(entity=e).count(), Claim.objects.about(e.pk).count()) for e in entities]


@pytest.fixture
def people():
    return entity("Wladimir Putin"), entity("Olaf Scholz"), entity("Angela Merkel")


def test_the_counts_follow_the_analysis_as_it_writes_and_rewrites(people):
    putin, scholz, merkel = people
    first = article("Putin und Scholz", TEXT, outlet("Tagesschau"))
    _store(first, [_mention(0, 5, putin), _mention(23, 29, scholz), _mention(39, 45, scholz)], [_claim()])
    # Scholz named twice, once inside what Putin said: one claim about him.
    assert _counts(putin, scholz, merkel) == [(1, 0), (2, 1), (0, 0)] == _live(putin, scholz, merkel)

    second = article("Noch einmal", TEXT, outlet("Spiegel"))
    _store(second, [_mention(0, 5, putin), _mention(23, 29, scholz)], [_claim()])
    assert _counts(putin, scholz) == [(2, 0), (3, 2)]

    # Analysed again: the name inside the claim now means Merkel, the claim ends before it.
    _store(
        first, [_mention(0, 5, putin), _mention(23, 29, merkel), _mention(39, 45, scholz)], [_claim(13, 22)]
    )
    assert _counts(putin, scholz, merkel) == [(2, 0), (2, 1), (1, 0)] == _live(putin, scholz, merkel)
    # Nothing found any more: the article's share goes.
    _store(first, [], [])
    assert _counts(putin, scholz, merkel) == [(1, 0), (1, 1), (0, 0)] == _live(putin, scholz, merkel)


def test_curation_keeps_the_counts(editor_client, people):
    putin, scholz, merkel = people
    source = article("Putin und Scholz", TEXT, outlet("Tagesschau"))
    _store(source, [_mention(0, 5, putin), _mention(23, 29, scholz), _mention(39, 45, scholz)], [_claim()])
    inside = Mention.objects.get(article=source, start=23)

    editor_client.post(f"/mentions/{inside.pk}/relink/", {"target": merkel.pk})
    assert _counts(scholz, merkel) == [(1, 0), (1, 1)] == _live(scholz, merkel)

    editor_client.post(f"/mentions/{inside.pk}/wrong/")
    assert _counts(merkel) == [(0, 0)] == _live(merkel)

    editor_client.post(f"/entities/{scholz.pk}/merge/", {"target": putin.pk})
    assert _counts(scholz, putin) == [(0, 0), (2, 0)] == _live(scholz, putin)


def test_the_hourly_recount_corrects_rows_written_round_the_services(people):
    putin, scholz, _merkel = people
    source = article("Putin und Scholz", TEXT, outlet("Tagesschau"))
    _store(source, [_mention(0, 5, putin), _mention(23, 29, scholz)], [_claim()])
    Mention.objects.filter(entity=putin).delete()  # e.g. an admin deleting rows
    Entity.objects.filter(pk=scholz.pk).update(claims_about_count=7)
    assert refresh_entity_counts() == 2
    assert _counts(putin, scholz) == [(0, 0), (1, 1)]
    assert refresh_entity_counts() == 0  # rows already right are left alone
    assert entity_counts_refresh([putin.pk]) == 0


def test_the_list_and_the_page_read_the_stored_counts(analyst_client, people):
    putin, scholz, merkel = people
    source = article("Putin und Scholz", TEXT, outlet("Tagesschau"))
    _store(source, [_mention(0, 5, putin), _mention(23, 29, scholz), _mention(39, 45, scholz)], [_claim()])

    listed = analyst_client.get("/entities/").context["page"].object_list
    assert [(e.name, e.mention_count) for e in listed] == [("Olaf Scholz", 2), ("Wladimir Putin", 1)]
    # Proof that the page reads the column, not the rows: a stored count nobody corrected yet.
    Entity.objects.filter(pk=scholz.pk).update(mention_count=5, claims_about_count=4)
    page = analyst_client.get(f"/entities/{scholz.pk}/")
    assert (page.context["mention_total"], page.context["claims_about_total"]) == (5, 4)
    listed = analyst_client.get("/entities/?sort=mentions").context["page"].object_list
    assert [e.name for e in listed] == ["Wladimir Putin", "Olaf Scholz"]
