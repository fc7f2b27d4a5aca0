"""`manage.py import_corpus` on a tiny corpus: two real pages, two texts, the reference case,
and two broken pages. The command runs the pipeline's own tasks, which enqueue each next step
on commit: the tests commit for real (transactional database)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from events.management.commands.import_corpus import SEED_URL, first_sentence, text_urn
from events.models import Claim, Entity, Event, EventActor, EventArticle, Mention
from ingest.models import Article, Outlet
from tests.conftest import SHARED

CORPUS = SHARED / "corpus"
PAGES = ["de-fundus-Tagesschau_2023_04_28", "de-fundus-NTV_2025_12_12"]
TEXTS = ["10kgnad-test-0166", "10kgnad-test-0839"]  # International
OTHER_CATEGORY = "10kgnad-test-0001"  # Sport: left out by the default categories

if not (CORPUS / "html" / "manifest.json").exists():
    pytest.skip("../shared/corpus is not on this machine", allow_module_level=True)


@pytest.fixture
def corpus(tmp_path):
    manifest = json.loads((CORPUS / "html" / "manifest.json").read_text())
    pages = [dict(p, file=str(CORPUS / p["file"])) for p in manifest["pages"] if p["id"] in PAGES]
    (tmp_path / "broken.html").write_bytes(b"\x00\x01\x02 not a page \xff\xfe")
    pages += [
        {
            "id": "missing",
            "file": str(tmp_path / "missing.html"),
            "url": "https://example.org/missing",
            "outlet": "example.org",
            "publisher": None,
            "article_date": None,
        },
        {
            "id": "broken",
            "file": "broken.html",
            "url": "https://example.org/broken",
            "outlet": "example.org",
            "publisher": "ExampleOrg",
            "article_date": "2024-01-02",
        },
    ]
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "manifest.json").write_text(json.dumps({"pages": pages}))
    wanted = {*TEXTS, OTHER_CATEGORY}
    lines = [
        line
        for line in (CORPUS / "text" / "10kGNAD_test.jsonl").read_text().splitlines()
        if json.loads(line)["id"] in wanted
    ]
    (tmp_path / "texts.jsonl").write_text("\n".join([*lines, "{not json"]) + "\n")
    return {
        "html": str(tmp_path / "html" / "manifest.json"),
        "text": str(tmp_path / "texts.jsonl"),
        "seed": str(SHARED / "seed" / "putin-kim-pjoengjang.txt"),
    }


def run(corpus, **options):
    out, err = StringIO(), StringIO()
    call_command("import_corpus", **corpus, **options, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Article, Outlet, Mention, Claim, Event, EventActor, EventArticle, Entity)
    }


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_it_loads_the_corpus_through_the_pipeline_once(kb, corpus):
    out, err = run(corpus)

    articles = {a.url: a for a in Article.objects.all()}
    pages = [a for a in articles.values() if a.url.startswith("https://www.")]
    assert len(pages) == 2 and all(a.status == Article.Status.ANALYZED for a in pages)
    assert {a.outlet.domain for a in pages} == {"tagesschau.de", "n-tv.de"}
    assert all(a.text and a.search_vector for a in pages)
    texts = [articles[text_urn(ident)] for ident in TEXTS]
    assert all(a.status == Article.Status.ANALYZED and a.outlet.domain == "derstandard.at" for a in texts)
    assert all(a.title and a.content_hash and a.language == "de" and a.search_vector for a in texts)
    assert text_urn(OTHER_CATEGORY) not in articles
    assert Mention.objects.filter(article__in=texts).exists()
    assert Mention.objects.filter(article__in=pages).exists()
    assert Claim.objects.exists()
    assert EventArticle.objects.filter(article__in=pages + texts).exists()

    seed = articles[SEED_URL]
    assert seed.status == Article.Status.ANALYZED
    assert seed.title.startswith("„Unbesiegbare“ Partner")
    assert seed.published_at.date().isoformat() == "2024-06-19"
    linked = set(
        Mention.objects.filter(article=seed, entity__isnull=False).values_list("entity__name", flat=True)
    )
    assert {"Wladimir Putin", "Kim Jong Un", "Pjöngjang"} <= linked
    visit = Event.objects.get(event_articles__article=seed, type="meet")
    assert {"Wladimir Putin", "Kim Jong Un"} <= set(visit.actors.values_list("name", flat=True))
    assert Claim.objects.filter(article=seed, speaker__name="Wladimir Putin").exists()

    # The missing file makes no article; the broken one fails extraction; both are reported,
    # as is the bad line of the texts; the run went on.
    assert not Article.objects.filter(url="https://example.org/missing").exists()
    assert Article.objects.get(url="https://example.org/broken").status == Article.Status.FAILED
    for key in ("html:missing", "html:broken", "text:line 4"):
        assert key in err and key in out

    before = counts()
    out, err = run(corpus)
    assert counts() == before
    assert not Article.objects.exclude(status__in=[Article.Status.ANALYZED, Article.Status.FAILED]).exists()


def test_first_sentence_is_the_title():
    assert first_sentence("Zuletzt rund 30 Tote in Aleppo. Aleppo – Der UNO-Generalsekretär hat ...") == (
        "Zuletzt rund 30 Tote in Aleppo."
    )
    assert first_sentence("Kein Satzende " * 40).endswith(" …")
    assert text_urn("10kgnad-test-0166") == "urn:10kgnad:test-0166"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_via_workers_waits_for_the_real_worker(kb, corpus, celery_worker_process):
    # The worker analyses with the knowledge base it loads from the database (seeded by `kb`).
    out, err = run({"html": "", "text": corpus["text"], "seed": corpus["seed"]}, via_workers=True, limit=1)

    seed = Article.objects.get(url=SEED_URL)
    assert seed.status == Article.Status.ANALYZED
    assert Event.objects.filter(event_articles__article=seed, type="meet").exists()
    assert Article.objects.get(url=text_urn(TEXTS[0])).status == Article.Status.ANALYZED
    assert "done by the workers" in err
