"""`manage.py generate_demo_data` on a small scale: three articles analysed by the real
pipeline are the templates, 150 demo articles are made from them, and every record the
portal shows must fit its copy's words."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import pytest
from django.contrib.postgres.search import SearchQuery
from django.core.management import CommandError, call_command
from django.db.models import Count

from events.models import ArticleAnalysis, Claim, Entity, Event, EventArticle, Mention, Tag, Tagging
from events.services.demo_data import demo_delete, demo_generate
from events.services.demo_data.templates import demo_articles
from events.services.demo_data.variation import OffsetMap, Replacement, genitive, surface
from ingest.models import Article, Outlet
from tests import factories

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

N = 150
TEXTS = [
    (
        "Putin besucht Kim Jong Un in Pjöngjang",
        dt.date(2024, 6, 19),
        "Der russische Präsident Wladimir Putin ist in Pjöngjang eingetroffen. Dort traf Putin den "
        "nordkoreanischen Machthaber Kim Jong Un zu Gipfelgesprächen. Kim Jong Un sagte, Nordkorea "
        "unterstütze Russland ohne Vorbehalt. Putin erklärte, man wolle die Sanktionen gemeinsam "
        "überwinden. Sergej Lawrow begleitete Putin auf der Reise. Washington reagierte besorgt auf "
        "das Treffen in Pjöngjang.",
    ),
    (
        "Selenskyj fordert mehr Waffen",
        dt.date(2023, 3, 2),
        "Der ukrainische Präsident Wolodymyr Selenskyj hat in Kiew mehr Waffen gefordert. Selenskyj "
        "sagte, die Ukraine brauche dringend Luftabwehr. Olaf Scholz kündigte in Berlin weitere Hilfe "
        "an. Scholz sagte, Deutschland stehe fest an der Seite der Ukraine. Russland griff am Abend "
        "erneut Kiew an.",
    ),
    (
        "Macron und Scholz treffen sich in Paris",
        dt.date(2025, 1, 22),
        "Emmanuel Macron hat Olaf Scholz in Paris empfangen. Macron sagte, Europa müsse mehr für seine "
        "Verteidigung tun. Scholz betonte, Frankreich und Deutschland seien sich einig. Beide sprachen "
        "auch über China und die USA. Nach dem Treffen reiste Scholz nach Brüssel weiter.",
    ),
]


@pytest.fixture
def templates(kb):
    """Three articles analysed and clustered by the pipeline's own steps."""
    from events.services.analysis import article_analyze
    from events.services.clustering import Detected, article_cluster

    made = []
    for title, day, text in TEXTS:
        article = factories.article(
            title, text, factories.outlet("Tagesschau"), day, status=Article.Status.EXTRACTED
        )
        article_analyze(article)
        article.refresh_from_db()
        analysis = ArticleAnalysis.objects.get(article=article)
        article_cluster(article, [Detected.from_json(d) for d in analysis.detected_events])
        made.append(article)
    assert Mention.objects.filter(article__in=made).exists()
    return made


def demo():
    return Article.objects.filter(demo_articles())


def totals() -> dict[str, int]:
    return {
        "articles": demo().count(),
        "mentions": Mention.objects.filter(article__in=demo()).count(),
        "claims": Claim.objects.filter(article__in=demo()).count(),
        "events": Event.objects.filter(event_articles__article__in=demo()).distinct().count(),
        "links": EventArticle.objects.filter(article__in=demo()).count(),
    }


def test_it_makes_n_analysed_articles_like_the_templates(templates):
    report = demo_generate(articles=N, seed=3)
    assert report.created["articles"] == N == demo().count()
    assert set(demo().values_list("status", flat=True)) == {Article.Status.ANALYZED}
    assert ArticleAnalysis.objects.filter(article__in=demo(), clustered_at__isnull=False).count() == N
    per_template = Mention.objects.filter(article__in=templates).count() / len(templates)
    per_demo = Mention.objects.filter(article__in=demo()).count() / N
    # Later copies of a story are cut shorter; the first ones carry everything.
    assert 0.4 * per_template <= per_demo <= 1.2 * per_template
    assert Claim.objects.filter(article__in=demo()).count() >= N
    events = totals()["events"]
    assert 0.05 * N <= events <= 0.6 * N  # stories of several articles share their events
    assert EventArticle.objects.filter(article__in=demo(), main=True).exists()
    assert Tagging.objects.exists() and Claim.objects.exclude(review_status="unverified").exists()


def test_dates_span_years_and_outlets_are_many(templates):
    demo_generate(articles=N, seed=3)
    years = {moment.year for moment in demo().values_list("published_at", flat=True)}
    assert len(years) >= 4 and min(years) >= 2019 and max(years) <= 2026
    used = demo().values("outlet").distinct().count()
    assert used >= 20
    domains = list(Outlet.objects.values_list("domain", flat=True))
    assert len(domains) == len(set(domains))
    weekdays = [m.weekday() for m in demo().values_list("published_at", flat=True)]
    assert sum(day < 5 for day in weekdays) > sum(day >= 5 for day in weekdays)


def test_every_record_points_at_its_own_words(templates):
    demo_generate(articles=N, seed=3)
    texts = dict(demo().values_list("pk", "text"))
    for article_id, start, end, words in Mention.objects.filter(article__in=demo()).values_list(
        "article_id", "start", "end", "text"
    ):
        assert texts[article_id][start:end] == words
    for claim in Claim.objects.filter(article__in=demo()):
        text = texts[claim.article_id]
        assert text[claim.content_start : claim.content_end] == claim.content
        assert claim.start <= claim.end <= len(text)
    for link in EventArticle.objects.filter(article__in=demo()):
        assert texts[link.article_id][link.trigger_start : link.trigger_end] == link.trigger
    for analysis in ArticleAnalysis.objects.filter(article__in=demo()):
        text = texts[analysis.article_id]
        assert analysis.sentences[-1][1] == len(text)  # the closing line is the last sentence
    assert not Event.objects.annotate(n=Count("event_articles")).filter(n=0).exists()
    first, last = dt.date(2019, 1, 1), dt.date(2027, 1, 1)
    assert all(first <= day < last for day in Event.objects.values_list("date", flat=True) if day)


def test_swapped_entities_are_named_in_the_text(templates):
    demo_generate(articles=N, seed=3)
    template_entities = set(
        Mention.objects.filter(article__in=templates, entity__isnull=False).values_list(
            "entity_id", flat=True
        )
    )
    swapped = Mention.objects.filter(article__in=demo(), kind="name").exclude(entity_id__in=template_entities)
    assert swapped.exists()
    for mention in swapped.select_related("entity", "article")[:50]:
        assert mention.entity.name in mention.article.text
    # The first text's title names Putin; where he was swapped, the title names his stand-in.
    retitled = demo().exclude(title__in=[title for title, _day, _text in TEXTS])
    assert retitled.exists()


def test_search_finds_a_demo_article_by_a_word_of_its_text(templates, analyst_client):
    demo_generate(articles=N, seed=3)
    article = demo().order_by("pk").last()
    word = max(re.findall(r"[A-Za-zÄÖÜäöüß]{8,}", article.text), key=len)
    assert demo().filter(search_vector=SearchQuery(word, config="german"), pk=article.pk).exists()
    page = analyst_client.get("/articles/", {"q": word})
    assert page.status_code == 200 and f"/articles/{article.pk}/" in page.content.decode()


def test_a_second_run_makes_nothing_and_a_larger_one_only_the_rest(templates):
    demo_generate(articles=N, seed=3)
    once = totals()
    again = demo_generate(articles=N, seed=3)
    assert sum(again.created.values()) == 0 and totals() == once
    demo_delete(seed=3)
    demo_generate(articles=100, seed=3)
    more = demo_generate(articles=N, seed=3)
    assert more.created["articles"] == N - 100
    assert totals() == once  # the same archive as one run of N makes


def test_delete_removes_only_that_seeds_demo_data(templates):
    real = {
        "articles": Article.objects.count(),
        "mentions": Mention.objects.count(),
        "claims": Claim.objects.count(),
        "events": Event.objects.count(),
        "outlets": Outlet.objects.count(),
        "entities": Entity.objects.count(),
    }
    demo_generate(articles=N, seed=3)
    demo_generate(articles=40, seed=4)
    seed4 = Article.objects.filter(url__startswith="urn:lagebild:demo:4:").count()
    demo_delete(seed=3)
    assert not Article.objects.filter(url__startswith="urn:lagebild:demo:3:").exists()
    assert Article.objects.filter(url__startswith="urn:lagebild:demo:4:").count() == seed4 == 40
    demo_delete(seed=4)
    assert {
        "articles": Article.objects.count(),
        "mentions": Mention.objects.count(),
        "claims": Claim.objects.count(),
        "events": Event.objects.count(),
        "outlets": Outlet.objects.count(),
        "entities": Entity.objects.count(),
    } == real
    assert not Tag.objects.exists()
    assert all(Article.objects.filter(pk=t.pk).exists() for t in templates)


def test_the_portal_pages_render_with_demo_data(templates, analyst_client):
    demo_generate(articles=N, seed=3)
    event = Event.objects.filter(event_articles__article__in=demo()).first()
    article = demo().first()
    person = Entity.objects.filter(mentions__article__in=demo(), kind="person").first()
    tag = Tag.objects.first()
    for url in ["/", "/events/", f"/events/{event.pk}/", "/articles/", f"/articles/{article.pk}/",
                "/entities/", f"/entities/{person.pk}/", "/claims/", "/tags/", f"/tags/{tag.slug}/",
                "/events/?q=Treffen"]:  # fmt: skip
        assert analyst_client.get(url).status_code == 200, url


def test_the_command_prints_a_summary_and_says_what_to_run_without_templates(db):
    with pytest.raises(CommandError, match="import_corpus"):
        call_command("generate_demo_data", "--articles", "10", stdout=StringIO(), stderr=StringIO())


def test_the_command_runs_and_deletes(templates):
    out = StringIO()
    call_command("generate_demo_data", "--articles", "30", "--seed", "9", stdout=out, stderr=StringIO())
    assert "30 made" in out.getvalue() and "mentions" in out.getvalue()
    call_command("generate_demo_data", "--delete", "--seed", "9", stdout=out, stderr=StringIO())
    assert not demo().exists()


# --- the rewriting, without a database ---


def test_offsets_move_with_the_replaced_names():
    text = "Putin traf Kim in Pjöngjang."
    move = OffsetMap([Replacement(0, 5, "Emmanuel Macron"), Replacement(11, 14, "Xi Jinping")])
    new = "Emmanuel Macron traf Xi Jinping in Pjöngjang."
    start, end = text.index("Pjöngjang"), text.index("Pjöngjang") + len("Pjöngjang")
    assert new[move(start) : move(end, end=True)] == "Pjöngjang"
    assert new[move(0) : move(5, end=True)] == "Emmanuel Macron"
    assert new[move(6) : move(10, end=True)] == "traf"


def test_a_genitive_stays_a_genitive():
    assert surface("Putins", "Wladimir Putin", "Emmanuel Macron") == "Emmanuel Macrons"
    assert surface("Putin", "Wladimir Putin", "Olaf Scholz") == "Olaf Scholz"
    assert genitive("Olaf Scholz") == "Olaf Scholz'"
