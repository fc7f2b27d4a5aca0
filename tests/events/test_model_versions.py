"""Model versions (issue 18): every analysis records the model and knowledge base that made
it; the admins' page shows the installed model; the articles an older model analysed are
analysed again in the background, in batches, keeping every record's identity."""

from __future__ import annotations

import json
import shutil
from io import StringIO

import pytest
from celery.signals import task_prerun
from django.core.management import call_command
from django.test import override_settings

from events.models import ArticleAnalysis, Claim
from events.nlp.pipeline import MODEL_DIR
from events.nlp.version import installed_model, model_version, read_model_info
from events.services.reanalysis import RUNNING_KEY, reanalysis_finished, reanalysis_running
from ingest.models import Article
from tests import factories

TEXT = (
    "Wladimir Putin traf am Donnerstag in Moskau den Unternehmer Franz Haberl. "
    "Russland werde die Sanktionen überwinden, sagte Putin."
)


def analysed(title: str, text: str = TEXT) -> Article:
    """An article analysed for real, by the committed model."""
    from events.services.analysis import article_analyze

    article = factories.article(title, text, factories.outlet("Tagesschau"), status=Article.Status.EXTRACTED)
    article_analyze(article)
    article.refresh_from_db()
    assert article.status == Article.Status.ANALYZED
    return article


def made_old(*articles: Article) -> None:
    """As if another model had analysed them (no training needed)."""
    ArticleAnalysis.objects.filter(article__in=articles).update(
        model_version="lagebild_de 0.0.9 (0123456789ab)"
    )


@pytest.fixture
def task_runs():
    """The article ids each run of the re-analysis task was given (its `below_id`)."""
    runs = []

    def record(sender=None, args=None, **_):
        if sender is not None and sender.name == "events.tasks.reanalyze_outdated":
            runs.append(args[1] if len(args) > 1 else None)

    task_prerun.connect(record, weak=False)
    yield runs
    task_prerun.disconnect(record)


# --- the identity of the model ----------------------------------------------------------------


def test_the_identity_names_the_model_and_changes_with_its_files(tmp_path):
    model = tmp_path / "model"
    shutil.copytree(MODEL_DIR, model)
    first = read_model_info(model)
    version = json.loads((model / "meta.json").read_text(encoding="utf-8"))["version"]
    assert first.identity.startswith(f"lagebild_de {version} (") and len(first.digest) == 12
    assert read_model_info(model).identity == first.identity  # stable
    (model / "README.md").write_text("notes change nothing")
    assert read_model_info(model).digest == first.digest
    weights = model / "ner" / "model"
    weights.write_bytes(weights.read_bytes() + b"\0")
    assert read_model_info(model).digest != first.digest
    meta = json.loads((model / "meta.json").read_text())
    assert first.trained_at == meta.get("trained_at", "")
    (model / "meta.json").write_text(json.dumps({**meta, "trained_at": "2026-12-01T10:00:00+00:00"}))
    assert read_model_info(model).trained_at == "2026-12-01T10:00:00+00:00"


@pytest.mark.slow
@pytest.mark.django_db
def test_an_analysis_records_the_model_and_the_knowledge_base(kb):
    from events.kb.loader import bump_version, current_version

    article = analysed("Putin")
    first = ArticleAnalysis.objects.get(article=article)
    assert first.model_version == model_version() == installed_model().identity
    assert first.kb_version == str(current_version())
    bump_version()  # an editor changed the knowledge base
    analysed_again = analysed("Putin 2")
    assert ArticleAnalysis.objects.get(article=analysed_again).kb_version == str(current_version())
    assert str(current_version()) != first.kb_version


# --- counting ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_outdated_analyses_are_counted_by_model():
    from events.selectors.model_versions import analyses_by_model, outdated_count

    source = factories.outlet("Tagesschau")
    current = [factories.article(f"neu {i}", "Text.", source, indexed=False) for i in range(2)]
    for article in current:
        factories.analysis(article, model_version=model_version())
    older = factories.article("alt", "Text.", source, indexed=False)
    factories.analysis(older, model_version="lagebild_de 0.0.9 (0123456789ab)")
    unrecorded = factories.article("ohne", "Text.", source, indexed=False)
    factories.analysis(unrecorded)
    # Being extracted again: its analysis is coming anyway, it is not counted.
    busy = factories.article("läuft", "Text.", source, indexed=False, status=Article.Status.EXTRACTING)
    factories.analysis(busy, model_version="old")
    assert outdated_count() == 2
    rows = analyses_by_model()
    assert rows[0] == {**rows[0], "model_version": model_version(), "count": 2, "installed": True}
    assert {row["model_version"]: row["count"] for row in rows[1:]} == {
        "lagebild_de 0.0.9 (0123456789ab)": 1,
        "": 1,
        "old": 1,
    }


# --- the background re-analysis ---------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.django_db
def test_the_batches_reanalyse_only_outdated_articles_keep_identities_and_stop(
    kb, eager_tasks, editor, task_runs
):
    from events.tasks import reanalyze_outdated

    old_ones = [analysed("Alt 1"), analysed("Alt 2")]
    current = analysed("Neu")
    made_old(*old_ones)
    claim = Claim.objects.filter(article=old_ones[0]).first()
    assert claim is not None, "the text has a claim"
    Claim.objects.filter(pk=claim.pk).update(
        review_status=Claim.Review.CONFIRMED, reviewed_by=editor, review_reason="geprüft"
    )
    mentions = set(old_ones[0].mentions.values_list("pk", flat=True))
    untouched = ArticleAnalysis.objects.get(article=current).analyzed_at

    reanalyze_outdated.apply(args=(1,))

    # Newest first, one per batch, each below the one before; a last run finds none and stops.
    assert task_runs == [None, old_ones[1].pk, old_ones[0].pk]
    for article in old_ones:
        assert ArticleAnalysis.objects.get(article=article).model_version == model_version()
    assert ArticleAnalysis.objects.get(article=current).analyzed_at == untouched
    claim_now = Claim.objects.get(pk=claim.pk)
    assert (claim_now.review_status, claim_now.reviewed_by, claim_now.review_reason) == (
        Claim.Review.CONFIRMED,
        editor,
        "geprüft",
    )
    assert set(old_ones[0].mentions.values_list("pk", flat=True)) == mentions
    assert not reanalysis_running()  # the last batch said so


@pytest.mark.django_db
def test_a_second_start_while_a_run_is_under_way_starts_nothing(client, admin_user, eager_tasks):
    from portal.health import redis_client

    article = factories.article("alt", "Text.", factories.outlet("Tagesschau"), indexed=False)
    factories.analysis(article, model_version="old")
    redis_client().set(RUNNING_KEY, "1", ex=60)  # a run (on the workers) is under way
    try:
        factories.login(client, admin_user)
        assert "Eine Neuanalyse läuft." in client.get("/model/").content.decode()
        response = client.post("/model/reanalyze/", follow=True)
        assert "Die Neuanalyse veralteter Artikel läuft bereits." in response.content.decode()
        assert ArticleAnalysis.objects.get(article=article).model_version == "old"
    finally:
        redis_client().delete(RUNNING_KEY)


@pytest.mark.django_db
def test_a_long_nlp_queue_holds_the_batch_back():
    from events.services.reanalysis import reanalysis_send_batch

    article = factories.article("alt", "Text.", factories.outlet("Tagesschau"), indexed=False)
    factories.analysis(article, model_version="old")
    try:
        with override_settings(REANALYSIS_MAX_NLP_BACKLOG=-1):  # any queue is too long
            result = reanalysis_send_batch(batch=10)
        assert reanalysis_running()  # the run waits, it has not ended
    finally:
        reanalysis_finished()
    assert (result.sent, result.waiting) == (0, True)
    assert ArticleAnalysis.objects.get(article=article).model_version == "old"


@pytest.mark.slow
@pytest.mark.django_db
def test_the_command_reports_progress_and_a_summary(kb, eager_tasks):
    article = analysed("Alt")
    made_old(article)
    out = StringIO()
    call_command("reanalyze_outdated", "--batch", "5", "--wait", "--wait-timeout", "20", stdout=out)
    text = out.getvalue()
    assert f"installed model: {model_version()}" in text
    assert "outdated analysed articles: 1" in text and "done: 1 re-analysed" in text
    assert ArticleAnalysis.objects.get(article=article).model_version == model_version()
    out = StringIO()
    call_command("reanalyze_outdated", stdout=out)  # again: nothing left
    assert "nothing to do" in out.getvalue()


# --- the admins' page -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_page_shows_the_model_its_scores_and_the_outdated_count(client, admin_user):
    source = factories.outlet("Tagesschau")
    factories.analysis(factories.article("alt", "Text.", source, indexed=False), model_version="old")
    factories.login(client, admin_user)
    page = client.get("/model/").content.decode()
    assert installed_model().identity in page
    assert "Satzgrenzen (F)" in page and "0,977" in page
    assert "1 analysierter Artikel stammt von einem älteren Modell." in page
    assert "Veraltete Artikel neu analysieren" in page
    assert "unbekannt" in page or installed_model().trained_at in page


@pytest.mark.slow
@pytest.mark.django_db
def test_only_admins_open_the_page_or_start_the_reanalysis(client, editor, admin_user, eager_tasks):
    factories.login(client, editor)
    assert client.get("/model/").status_code == 403
    assert client.post("/model/reanalyze/").status_code == 403
    factories.login(client, admin_user)
    response = client.post("/model/reanalyze/", follow=True)
    assert response.redirect_chain == [("/model/", 302)]
    assert "Nichts neu zu analysieren" in response.content.decode()
    article = factories.article("alt", TEXT, factories.outlet("Tagesschau"), indexed=False)
    factories.analysis(article, model_version="old")
    response = client.post("/model/reanalyze/", follow=True)
    assert "Die Neuanalyse veralteter Artikel wurde gestartet." in response.content.decode()
    assert ArticleAnalysis.objects.get(article=article).model_version == model_version()
