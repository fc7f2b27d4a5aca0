"""Editors curate entities: merge, split, aliases, wrong or relinked mentions; all kept."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from events.analysis.linking import MentionData
from events.models import Alias, Curation, Entity, Mention, MentionCorrection
from events.services.analysis import apply_corrections
from ingest.models import Article

pytestmark = pytest.mark.django_db

TEXT = "Wladimir Putn traf Kim Jong Un in Pjöngjang. Putin sprach von Freundschaft."


@pytest.fixture
def article(db):
    return Article.objects.create(
        url="https://example.org/a",
        canonical_url="https://example.org/a",
        text=TEXT,
        status=Article.Status.ANALYZED,
    )


@pytest.fixture
def putin(db):
    return Entity.objects.create(key="person:test-putin", kind="person", name="Wladimir Putin")


@pytest.fixture
def misspelt(article):
    entity = Entity.objects.create(
        key="provisional:person:wladimir putn", kind="person", name="Wladimir Putn", provisional=True
    )
    Mention.objects.create(
        article=article, entity=entity, label="PER", start=0, end=13, text="Wladimir Putn", confidence=0.5
    )
    return entity


def test_an_analyst_reads_but_cannot_curate(analyst_client, misspelt, putin):
    assert analyst_client.get(f"/entities/{misspelt.pk}/").status_code == 200
    assert analyst_client.post(f"/entities/{misspelt.pk}/merge/", {"target": putin.pk}).status_code == 403
    assert (
        analyst_client.post(f"/entities/{misspelt.pk}/aliases/", {"text": "x", "kind": "name"}).status_code
        == 403
    )
    assert not Curation.objects.exists()


def test_the_entity_page_shows_mentions_in_context(editor_client, misspelt):
    page = editor_client.get(f"/entities/{misspelt.pk}/").content.decode()
    assert '<mark class="mention label-PER">Wladimir Putn</mark> traf Kim Jong Un' in page


def test_merging_moves_mentions_and_keeps_the_history(
    editor_client, misspelt, putin, article, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = editor_client.post(f"/entities/{misspelt.pk}/merge/", {"target": putin.pk})
    assert response.status_code == 302 and response["Location"] == f"/entities/{putin.pk}/"
    misspelt.refresh_from_db()
    assert misspelt.merged_into == putin
    assert Mention.objects.get().entity == putin
    assert putin.aliases.filter(text="Wladimir Putn").exists()
    curation = Curation.objects.get()
    assert (curation.action, curation.entity, curation.payload["source_name"]) == (
        "merge",
        putin,
        "Wladimir Putn",
    )
    assert len(callbacks) == 2  # re-link the article, and tell workers to reload the knowledge base
    # The old page leads to the survivor.
    assert editor_client.get(f"/entities/{misspelt.pk}/").status_code == 302


def test_merging_into_itself_is_refused(editor_client, putin):
    editor_client.post(f"/entities/{putin.pk}/merge/", {"target": putin.pk})
    putin.refresh_from_db()
    assert putin.merged_into is None and not Curation.objects.exists()


def test_splitting_moves_aliases_and_mentions(editor_client, putin, article):
    alias = Alias.objects.create(entity=putin, text="Putn", normalized="putn", origin="editor")
    mention = Mention.objects.create(
        article=article, entity=putin, label="PER", start=0, end=13, text="Wladimir Putn"
    )
    response = editor_client.post(
        f"/entities/{putin.pk}/split/",
        {"name": "Wladimir Putn", "aliases": [alias.pk], "mentions": [mention.pk]},
    )
    new = Entity.objects.get(name="Wladimir Putn")
    assert response["Location"] == f"/entities/{new.pk}/"
    assert new.aliases.filter(text="Putn").exists() and not putin.aliases.filter(text="Putn").exists()
    mention.refresh_from_db()
    assert mention.entity == new and mention.origin == "editor"
    assert MentionCorrection.objects.get().entity == new


def test_aliases_are_added_and_removed(editor_client, putin):
    editor_client.post(f"/entities/{putin.pk}/aliases/", {"text": "Kremlherr", "kind": "descriptor"})
    alias = putin.aliases.get(text="Kremlherr")
    assert alias.origin == "editor" and alias.kind == "descriptor"
    editor_client.post(f"/aliases/{alias.pk}/remove/")
    assert not putin.aliases.filter(text="Kremlherr").exists()
    assert list(Curation.objects.order_by("created_at").values_list("action", flat=True)) == [
        "alias_add",
        "alias_remove",
    ]


def test_a_wrong_mention_stays_out_after_reanalysis(editor_client, misspelt, article):
    mention = Mention.objects.get()
    editor_client.post(f"/mentions/{mention.pk}/wrong/")
    assert not Mention.objects.exists()
    fresh = [MentionData(0, 13, "Wladimir Putn", "PER", "name", misspelt.pk, 0.5, "model", "", 0)]
    assert apply_corrections(article, fresh) == []


def test_a_relinked_mention_keeps_its_entity_after_reanalysis(editor_client, misspelt, putin, article):
    mention = Mention.objects.get()
    editor_client.post(f"/mentions/{mention.pk}/relink/", {"target": putin.pk})
    fresh = [MentionData(0, 13, "Wladimir Putn", "PER", "name", misspelt.pk, 0.5, "model", "", 0)]
    rows = apply_corrections(article, fresh)
    assert [(r.entity_id, r.origin, r.confidence) for r in rows] == [(putin.pk, "editor", 1.0)]


def test_an_editor_corrects_a_cut_name_and_the_mention_keeps_its_id(editor_client, article):
    # The model cut the name short: "Kim Jong" of "Kim Jong Un".
    kim = Entity.objects.create(key="person:test-kim", kind="person", name="Kim Jong Un")
    mention = Mention.objects.create(
        article=article, entity=kim, label="PER", start=19, end=27, text="Kim Jong"
    )
    response = editor_client.post(f"/mentions/{mention.pk}/extent/", {"name": "Kim Jong Un"}, follow=True)
    assert "Kim Jong Un" in response.content.decode()
    mention.refresh_from_db()
    assert (mention.start, mention.end, mention.text, mention.origin) == (19, 30, "Kim Jong Un", "editor")
    corrections = {(c.start, c.end): (c.wrong, c.entity_id) for c in MentionCorrection.objects.all()}
    assert corrections == {(19, 27): (True, None), (19, 30): (False, kim.pk)}
    assert Curation.objects.get().action == "mention_reshape"
    # Analysed again, the model's short span stays out and the editor's span stands.
    fresh = [MentionData(19, 27, "Kim Jong", "PER", "name", kim.pk, 0.6, "model", "", 0)]
    rows = apply_corrections(article, fresh)
    assert [(r.start, r.end, r.entity_id, r.origin) for r in rows] == [(19, 30, kim.pk, "editor")]


def test_a_name_that_is_not_where_the_mention_is_is_refused(editor_client, misspelt, article):
    mention = Mention.objects.get()
    response = editor_client.post(f"/mentions/{mention.pk}/extent/", {"name": "Pjöngjang"}, follow=True)
    assert "steht nicht" in response.content.decode() or "does not stand" in response.content.decode()
    mention.refresh_from_db()
    assert (mention.start, mention.end) == (0, 13)
    assert not MentionCorrection.objects.exists()


def test_a_name_run_on_into_a_noun_is_shortened(article):
    from events.services.curation import reshape_span

    text = "Moskaus Krieg gegen die Ukraine geht weiter."
    assert reshape_span(text, 0, 13, "Moskaus") == (0, 7)
    assert reshape_span(text, 24, 31, "die Ukraine") == (20, 31)
    with pytest.raises(ValueError):
        reshape_span(text, 0, 13, "   ")


def test_confirming_a_provisional_entity(editor_client, misspelt):
    editor_client.post(f"/entities/{misspelt.pk}/confirm/")
    misspelt.refresh_from_db()
    assert not misspelt.provisional
    assert (
        f'href="/entities/{misspelt.pk}/"'
        not in editor_client.get("/entities/?provisional=1").content.decode()
    )


def test_corrections_export_as_training_data(editor_client, misspelt, putin, tmp_path):
    mention = Mention.objects.get()
    editor_client.post(f"/mentions/{mention.pk}/relink/", {"target": putin.pk})
    lines = b"".join(editor_client.get("/entities/corrections.jsonl").streaming_content).decode().splitlines()
    record = json.loads(lines[0])
    assert record["sentence"] == "Wladimir Putn traf Kim Jong Un in Pjöngjang."
    assert (record["start"], record["end"], record["label"], record["entity"]) == (
        0,
        13,
        "PER",
        "Wladimir Putin",
    )

    call_command(
        "export_corrections", "--output", str(tmp_path / "c.spacy"), "--format", "spacy", stdout=StringIO()
    )
    import spacy
    from spacy.tokens import DocBin

    docs = list(DocBin().from_disk(tmp_path / "c.spacy").get_docs(spacy.blank("de").vocab))
    assert [(e.text, e.label_) for e in docs[0].ents] == [("Wladimir Putn", "PER")]


@pytest.mark.parametrize("reason", ["", "   ", "\n"])
def test_a_dispute_needs_a_reason(editor, article, reason):
    from events.services import curation
    from tests import factories as make

    claim = make.claim(article, "Putin sprach von Freundschaft")
    with pytest.raises(ValueError, match="muss einen Grund angeben"):
        curation.claim_review(claim=claim, status="disputed", reason=reason, user=editor)
    claim.refresh_from_db()
    assert claim.review_status == "unverified" and claim.reviewed_by is None
    assert not Curation.objects.exists()


def test_confirming_needs_no_reason_and_reasons_are_kept_trimmed(editor, article):
    from events.services import curation
    from tests import factories as make

    claim = make.claim(article, "Putin sprach von Freundschaft")
    curation.claim_review(claim=claim, status="confirmed", reason="", user=editor)
    assert (claim.review_status, claim.review_reason) == ("confirmed", "")
    curation.claim_review(claim=claim, status="disputed", reason="  Zitat verkürzt ", user=editor)
    claim.refresh_from_db()
    assert (claim.review_status, claim.review_reason) == ("disputed", "Zitat verkürzt")
    assert Curation.objects.filter(action="claim_review").count() == 2
    with pytest.raises(ValueError, match="Unbekannter Prüfstatus"):
        curation.claim_review(claim=claim, status="wrong", reason="x", user=editor)
