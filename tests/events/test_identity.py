"""Records keep their identity through re-analysis and curation (issue 12): events, claims
and mentions keep their ids, tags and reviews stay where users put them, and an event that
goes away answers with a redirect or a 410 page, never a bare 404."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from celery.signals import task_prerun
from django.core.management import call_command
from django.utils import timezone

from bench.identity_check import EXTRA, run_sequence, table, write_manifest
from events.analysis.claims import ClaimData, ContentSpan
from events.models import Claim, Curation, Entity, Event, EventActor, EventArticle, EventTombstone, Mention
from events.services import curation
from events.services.analysis import article_analyze, store_claims, store_mentions
from events.services.clustering import Detected, article_cluster, event_remove
from ingest.models import Article
from tests import factories
from tests.conftest import SHARED

pytestmark = pytest.mark.django_db

SEED = SHARED / "seed" / "putin-kim-pjoengjang.txt"


# --- the whole sequence, with real services ---------------------------------------------------


@pytest.mark.slow
def test_ids_survive_curation_relink_reprocess_and_reanalysis(
    kb, editor_client, tmp_path, django_capture_on_commit_callbacks
):
    if not SEED.exists():
        pytest.skip("../shared/seed is not on this machine")
    url = "https://identity.example.org/2024/06/19/putin-kim"
    manifest = write_manifest(tmp_path, url, SEED.read_text(encoding="utf-8"))

    def reprocess(article_id: int) -> None:
        out = StringIO()
        call_command("reprocess", stdout=out)
        assert "articles      1" in out.getvalue(), out.getvalue()

    run = run_sequence(
        manifest=manifest,
        url=url,
        client=editor_client,
        settle=lambda: django_capture_on_commit_callbacks(execute=True),
        reprocess=reprocess,
    )
    report = table(run)
    print(report)  # the lead's "ids before and after" (pytest -s)
    first, tagged = run.steps[0][1], run.steps[1][1]
    assert len(first.events) >= 1 and len(first.claims) >= 3, report
    assert tagged.tag_page == {"event": 1, "article": 0, "claim": 1, "entity": 0}, report
    assert len(tagged.reviews) == 2 and len(tagged.claim_tags) == 1 and len(tagged.event_tags) == 1, report
    for (_, before), (name, shot) in zip(run.steps[1:], run.steps[2:], strict=False):
        # Each step after the editors' work really analysed the article again.
        assert shot.analysed_at > before.analysed_at, f"{name}: not analysed again"
    for name, shot in run.steps[1:]:
        assert shot.events == first.events, f"{name}: event ids changed\n{report}"
        assert shot.claims == first.claims, f"{name}: claim ids changed\n{report}"
        assert shot.reviews == tagged.reviews, f"{name}: reviews changed\n{report}"
        assert shot.event_tags == tagged.event_tags, f"{name}: event tags changed\n{report}"
        assert shot.claim_tags == tagged.claim_tags, f"{name}: claim tags changed\n{report}"
        assert shot.tag_page == tagged.tag_page, f"{name}: tag page counts changed\n{report}"
        same_spans = shot.mentions.keys() & first.mentions.keys()
        assert same_spans and all(shot.mentions[k] == first.mentions[k] for k in same_spans), name
        assert not shot.lost_claims and not shot.orphaned_events, f"{name}\n{report}"
    # The merge really changed what the article's records say: the survivor is linked.
    article = Article.objects.get(pk=run.article_id)
    assert EXTRA in article.text
    survivor = Entity.objects.get(key__startswith="editor:person:identity-check:")
    assert Mention.objects.filter(article=article, entity=survivor).exists()
    assert editor_client.get(f"/events/{first.events[0]}/").status_code == 200


# --- events ------------------------------------------------------------------------------------


@pytest.fixture
def cast(db):
    return factories.cast("putin", "kim", "choe", "pj", "wonsan")


def visit(cast, *, day=date(2024, 6, 19), place="pj", actors=("putin", "kim"), type_="meet", title=None):
    return Detected(
        type=type_, title=title or "Treffen in Pjöngjang", date=day, date_precision="day",
        place_id=cast[place].pk, actors=[(cast[a].pk, "participant") for a in actors], trigger="empfangen",
        trigger_start=10, trigger_end=19, confidence=0.8,
    )  # fmt: skip


def test_reclustering_updates_the_event_in_place(cast):
    article = factories.article("Besuch", "…", indexed=False)
    event = article_cluster(article, [visit(cast)])[0]
    later = visit(
        cast, day=date(2024, 6, 20), place="wonsan", actors=("putin", "choe"), title="Treffen in Wonsan"
    )
    again = article_cluster(article, [later])
    event.refresh_from_db()
    assert [e.pk for e in again] == [event.pk] and Event.objects.count() == 1
    assert (event.date, event.place, event.title) == (date(2024, 6, 20), cast["wonsan"], "Treffen in Wonsan")
    # The actors follow the article's detection: Kim went, Choe came.
    assert set(event.event_actors.values_list("entity__name", flat=True)) == {
        "Wladimir Putin",
        "Choe Son Hui",
    }


def test_an_event_other_articles_report_only_takes_refinements(cast):
    one, two = (factories.article(f"Besuch {n}", "…", indexed=False) for n in (1, 2))
    event = article_cluster(one, [visit(cast)])[0]
    assert article_cluster(two, [visit(cast)])[0] == event
    article_cluster(one, [visit(cast, day=date(2024, 6, 20), place="wonsan", title="Anders")])
    event.refresh_from_db()
    assert (event.date, event.place, event.title) == (date(2024, 6, 19), cast["pj"], "Treffen in Pjöngjang")
    assert EventArticle.objects.filter(event=event).count() == 2


def test_actors_added_by_a_merge_stay_through_reclustering(cast, editor):
    one, two = (factories.article(f"Besuch {n}", "…", indexed=False) for n in (1, 2))
    target = article_cluster(one, [visit(cast)])[0]
    source = article_cluster(two, [visit(cast, type_="sanction", actors=("choe",))])[0]
    curation.event_merge(source=source, target=target, user=editor)
    article_cluster(one, [visit(cast, actors=("putin",))])
    names = set(target.event_actors.values_list("entity__name", flat=True))
    assert "Choe Son Hui" in names  # from the merge (origin curation)
    assert EventActor.objects.get(event=target, entity=cast["choe"]).origin == "curation"


def test_an_untouched_event_without_articles_is_deleted_and_answers_410(cast, analyst_client):
    article = factories.article("Besuch", "…", indexed=False)
    event = article_cluster(article, [visit(cast)])[0]
    assert article_cluster(article, []) == []
    assert not Event.objects.filter(pk=event.pk).exists()
    tombstone = EventTombstone.objects.get(event_id=event.pk)
    assert (tombstone.title, tombstone.reason) == ("Treffen in Pjöngjang", "unreported")

    response = analyst_client.get(f"/events/{event.pk}/")
    assert response.status_code == 410
    page = response.content.decode()
    # The page shows the day in the portal's time zone (Europe/Berlin), not in UTC.
    removed_on = timezone.localtime(tombstone.removed_at).strftime("%d.%m.%Y")
    assert "Treffen in Pjöngjang" in page and removed_on in page
    assert analyst_client.get(f"/api/v1/events/{event.pk}/").status_code == 410
    assert analyst_client.get(f"/events/{event.pk + 1000}/").status_code == 404  # never existed


def test_a_touched_event_without_articles_stays_marked_orphaned(cast, editor_client, editor):
    article = factories.article("Besuch", "…", indexed=False)
    event = article_cluster(article, [visit(cast)])[0]
    factories.tagged(factories.tag("Gipfel"), event=event, user=editor)
    article_cluster(article, [])
    event.refresh_from_db()
    assert event.orphaned_at is not None and not EventTombstone.objects.exists()
    response = editor_client.get(f"/events/{event.pk}/")
    assert response.status_code == 200 and 'class="msg-warning event-orphaned"' in response.content.decode()
    # Reported again: the same event, no longer an orphan.
    assert article_cluster(article, [visit(cast)])[0].pk == event.pk
    event.refresh_from_db()
    assert event.orphaned_at is None


def test_a_reviewed_claim_keeps_the_event_of_its_article(cast, editor):
    article = factories.article("Besuch", "Putin sagte, man wolle die Sanktionen überwinden.", indexed=False)
    event = article_cluster(article, [visit(cast)])[0]
    claim = factories.claim(article, "man wolle die Sanktionen überwinden")
    curation.claim_review(claim=claim, status="confirmed", reason="", user=editor)
    article_cluster(article, [])
    assert Event.objects.get(pk=event.pk).orphaned_at is not None


def test_a_merged_event_redirects_to_the_end_of_its_chain(cast, editor, analyst_client):
    articles = [factories.article(f"Besuch {n}", "…", indexed=False) for n in range(3)]
    a, b, c = (article_cluster(x, [visit(cast, type_=t)])[0] for x, t in zip(articles, "xyz", strict=True))
    curation.event_merge(source=a, target=b, user=editor)
    curation.event_merge(source=b, target=c, user=editor)
    response = analyst_client.get(f"/events/{a.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/events/{c.pk}/"
    # The merge target keeps its articles through re-clustering (pinned), and stays.
    article_cluster(articles[0], [])
    assert Event.objects.filter(pk=c.pk).exists()


def test_an_event_merged_into_one_that_was_removed_answers_410(cast, editor, analyst_client):
    articles = [factories.article(f"Besuch {n}", "…", indexed=False) for n in range(2)]
    a, b = (article_cluster(x, [visit(cast, type_=t)])[0] for x, t in zip(articles, "xy", strict=True))
    curation.event_merge(source=a, target=b, user=editor)
    a_id, b_id = a.pk, b.pk  # deleting clears an instance's pk
    event_remove(b, reason=EventTombstone.Reason.DELETED)  # by hand: clustering keeps merge targets
    assert not Event.objects.filter(pk__in=[a_id, b_id]).exists()
    assert analyst_client.get(f"/events/{b_id}/").status_code == 410
    response = analyst_client.get(f"/events/{a_id}/")
    assert response.status_code == 410 and f"no. {b_id}" in response.content.decode().replace("Nr.", "no.")
    assert EventTombstone.objects.get(event_id=a_id).merged_into_id == b_id


# --- claims and mentions -----------------------------------------------------------------------

TEXT = "Putin sagte, man wolle die Sanktionen überwinden. Kim erklärte, die Freundschaft sei ewig."


def claim_data(text: str, content: str, shift: int = 0) -> ClaimData:
    sentence_start = text.rfind(".", 0, text.index(content)) + 1
    sentence_start += len(text[sentence_start:]) - len(text[sentence_start:].lstrip())
    start = text.index(content)
    end = text.index(".", start)
    return ClaimData(
        sentence_start + shift, end + shift, "indirect_speech", "sagte", "sagen", None, None,
        content=ContentSpan(start + shift, end + shift, content),
    )  # fmt: skip


def test_claims_keep_ids_and_a_touched_claim_no_analysis_finds_stays_marked(editor, editor_client):
    article = factories.article("Besuch", TEXT, indexed=False)
    detected = [
        claim_data(TEXT, "man wolle die Sanktionen überwinden"),
        claim_data(TEXT, "die Freundschaft sei ewig"),
    ]
    store_claims(article, detected, [])
    reviewed, tagged = Claim.objects.order_by("start")
    curation.claim_review(claim=reviewed, status="disputed", reason="kein Beleg", user=editor)
    factories.tagged(factories.tag("Propaganda"), claim=tagged, user=editor)

    store_claims(article, detected, [])
    assert list(Claim.objects.order_by("start").values_list("pk", flat=True)) == [reviewed.pk, tagged.pk]

    store_claims(article, [], [])  # the analysis finds neither any more
    kept = {c.pk: c for c in Claim.objects.all()}
    assert set(kept) == {reviewed.pk, tagged.pk} and all(c.lost_at for c in kept.values())
    assert kept[reviewed.pk].review_status == "disputed"
    page = editor_client.get(f"/claims/?article={article.pk}").content.decode()
    assert page.count('class="claim-lost"') == 2

    store_claims(article, detected, [])  # found again: the same rows, no longer lost
    assert not Claim.objects.filter(lost_at__isnull=False).exists()
    assert set(Claim.objects.values_list("pk", flat=True)) == {reviewed.pk, tagged.pk}


def test_an_untouched_claim_no_analysis_finds_is_deleted():
    article = factories.article("Besuch", TEXT, indexed=False)
    store_claims(article, [claim_data(TEXT, "die Freundschaft sei ewig")], [])
    store_claims(article, [], [])
    assert not Claim.objects.exists()


def test_a_claim_whose_words_moved_keeps_its_id():
    article = factories.article("Besuch", TEXT, indexed=False)
    store_claims(article, [claim_data(TEXT, "die Freundschaft sei ewig")], [])
    claim = Claim.objects.get()
    moved = "Eilmeldung. " + TEXT
    article.text = moved
    article.save(update_fields=["text"])
    store_claims(article, [claim_data(moved, "die Freundschaft sei ewig")], [])
    again = Claim.objects.get()
    assert (
        again.pk == claim.pk and moved[again.content_start : again.content_end] == "die Freundschaft sei ewig"
    )


def test_mentions_keep_ids_where_the_span_is_unchanged(cast):
    article = factories.article("Besuch", TEXT, indexed=False)
    putin = Mention(article=article, entity=cast["putin"], label="PER", start=0, end=5, text="Putin")
    kim = Mention(article=article, entity=cast["kim"], label="PER", start=50, end=53, text="Kim")
    store_mentions(article, [putin, kim])
    ids = dict(Mention.objects.values_list("text", "pk"))
    relabelled = Mention(article=article, entity=cast["choe"], label="PER", start=50, end=53, text="Kim")
    new = Mention(article=article, entity=None, label="MISC", start=27, end=37, text="Sanktionen")
    same = Mention(article=article, entity=cast["putin"], label="PER", start=0, end=5, text="Putin")
    store_mentions(article, [same, relabelled, new])
    after = {m.text: m for m in Mention.objects.all()}
    assert after["Putin"].pk == ids["Putin"] and after["Kim"].pk == ids["Kim"]
    assert after["Kim"].entity == cast["choe"] and "Sanktionen" in after


# --- analysis outside the transaction ----------------------------------------------------------


def test_an_analysis_of_a_text_that_changed_meanwhile_starts_over(kb, django_capture_on_commit_callbacks):
    old = "Wladimir Putin traf Kim Jong Un in Pjöngjang."
    new = "Heute: Wladimir Putin traf Kim Jong Un in Pjöngjang."
    article = factories.article("Besuch", old, indexed=False, status=Article.Status.ANALYZING)
    Article.objects.filter(pk=article.pk).update(text=new)  # re-extracted while the NLP ran
    with django_capture_on_commit_callbacks():
        article_analyze(article)  # still holds the old text
    putin = Mention.objects.get(text="Wladimir Putin")
    assert new[putin.start : putin.end] == "Wladimir Putin"


def test_an_analysis_gives_way_to_a_running_extraction(kb):
    article = factories.article("Besuch", "Wladimir Putin traf Kim Jong Un.", indexed=False)
    Article.objects.filter(pk=article.pk).update(status=Article.Status.EXTRACTING)
    assert article_analyze(article) is None
    assert not Mention.objects.exists()
    assert Article.objects.get(pk=article.pk).status == Article.Status.EXTRACTING


# --- curation fans out per article -------------------------------------------------------------


def test_a_merge_sends_one_relink_per_affected_article(
    kb, editor, eager_tasks, django_capture_on_commit_callbacks
):
    texts = [f"Wladimir Putn traf Kim Jong Un ({n}). Putin sprach." for n in range(3)]
    articles = [factories.article(f"A{n}", text, indexed=False) for n, text in enumerate(texts)]
    misspelt = factories.entity("Wladimir Putn", provisional=True)
    for one in articles:
        factories.mention(one, misspelt, "Wladimir Putn")
    target = Entity.objects.get(key="person:wladimir-putin")
    runs: list[tuple[str, tuple]] = []

    def seen(task=None, args=None, **kwargs):
        runs.append((task.name.rsplit(".", 1)[-1], tuple(args or ())))

    task_prerun.connect(seen, weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            curation.entity_merge(source=misspelt, target=target, user=editor)
    finally:
        task_prerun.disconnect(seen)
    ids = sorted(a.pk for a in articles)
    assert sorted(args for name, args in runs if name == "relink_article") == [(pk,) for pk in ids]
    assert sorted(args for name, args in runs if name == "analyze_article") == [(pk,) for pk in ids]
    assert not any(name == "relink_articles" for name, _ in runs)
    assert Mention.objects.filter(entity=target, text="Wladimir Putn").count() == 3
    assert Curation.objects.filter(action="merge").count() == 1


def test_a_relink_waits_while_the_article_is_busy_and_skips_a_gone_one(kb):
    from events.tasks import relink_article

    article = factories.article(
        "Besuch", "Wladimir Putin traf Kim Jong Un.", indexed=False, status=Article.Status.ANALYZING
    )
    runs = []

    def seen(task=None, **kwargs):
        runs.append(task.name)

    task_prerun.connect(seen, weak=False)
    try:
        result = relink_article.apply(args=(article.pk,))
    finally:
        task_prerun.disconnect(seen)
    # Tried again later (eagerly: at once) while the analysis runs, never run over it; in
    # the end left to the sweep.
    assert result.state == "SUCCESS" and runs == ["events.tasks.relink_article"] * (
        relink_article.max_retries + 1
    )
    assert not Mention.objects.exists()
    assert relink_article.apply(args=(article.pk + 1000,)).state == "SUCCESS"  # gone: nothing to do
