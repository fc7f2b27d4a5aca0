"""Identity check: do records keep their ids through curation, relink, reprocess and
re-analysis? Prints the ids before and after each step, and the counts of the tag page.

    .venv/bin/python bench/identity_check.py [--keep]

Runs against the configured database (DATABASE_URL); the caller has migrated it, seeded it
and loaded the knowledge base (`make setup`). It stores the reference case
(../shared/seed/putin-kim-pjoengjang.txt) as a saved web page under a fresh address,
imports it with `manage.py import_corpus --html`, then, as an editor would through the
portal's pages: tags its event, reviews two claims, tags a claim, merges an entity that the
article names (its relink tasks run here), relinks the article, re-extracts it from its
stored HTML (`reprocess`'s code path, for this one article only: the command itself would
re-extract every stored page of the database) and re-analyses it three times with
`import_corpus --reanalyze`. Without --keep, the article, its events, the tag and the user
are deleted at the end.

tests/events/test_identity.py runs the same sequence (`run_sequence`) on the test database,
with the real `reprocess` command, and asserts what this prints.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
SEED = BASE.parent / "shared" / "seed" / "putin-kim-pjoengjang.txt"
PUBLISHED = "2024-06-19T08:00:00+02:00"
# A closing paragraph naming a person the knowledge base does not know: the analysis files
# him under a provisional entity, which the sequence merges into an editor's entity (as an
# editor confirms a spelling). Only this page names him, so the merge relinks this article
# alone, also on a database full of articles.
EXTRA = "„Die Gespräche verliefen sehr offen“, sagte der Politologe Gerd Musterbeck-Wolfram der Zeitung."
EXTRA_PERSON = "Musterbeck"


# --- the page -------------------------------------------------------------------------------


def page_html(seed_text: str) -> bytes:
    """The reference case as a plain news page: title line, then one paragraph per line."""
    title, *lines = [line.strip() for line in seed_text.strip().splitlines() if line.strip()]
    lines.append(EXTRA)
    paragraphs = "\n".join(f"<p>{html.escape(line)}</p>" for line in lines)
    return (
        '<!doctype html><html lang="de"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>"
        f'<meta property="article:published_time" content="{PUBLISHED}">'
        f"</head><body><article><h1>{html.escape(title)}</h1>\n{paragraphs}\n</article></body></html>"
    ).encode()


def write_manifest(folder: Path, url: str, seed_text: str) -> Path:
    """A one-page manifest for `import_corpus --html`."""
    import json

    page = folder / "html" / "identity.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_bytes(page_html(seed_text))
    manifest = folder / "html" / "manifest.json"
    manifest.write_text(
        json.dumps(
            {"pages": [{"id": "identity", "url": url, "file": str(page), "article_date": PUBLISHED[:10]}]}
        )
    )
    return manifest


# --- what is compared -----------------------------------------------------------------------


@dataclass
class Snapshot:
    events: list[int]
    claims: list[int]
    mentions: dict[tuple, int]  # (start, end, text) -> id
    reviews: dict[int, str]  # claim id -> review status (reviewed ones)
    event_tags: dict[int, list[str]]
    claim_tags: dict[int, list[str]]
    tag_page: dict[str, int]  # kind -> count, as the tag page shows them
    analysed_at: object = None  # when the article's analysis was last written
    lost_claims: list[int] = field(default_factory=list)
    orphaned_events: list[int] = field(default_factory=list)


def snapshot(article_id: int, client, tag_slug: str | None) -> Snapshot:
    from events.models import ArticleAnalysis, Claim, Event, Mention, Tagging

    events = sorted(Event.objects.filter(event_articles__article_id=article_id).values_list("pk", flat=True))
    claims = list(Claim.objects.filter(article_id=article_id).order_by("pk"))
    tags: dict[str, dict[int, list[str]]] = {"event": {}, "claim": {}}
    for kind, ids in (("event", events), ("claim", [c.pk for c in claims])):
        for pk, name in Tagging.objects.filter(**{f"{kind}_id__in": ids}).values_list(
            f"{kind}_id", "tag__name"
        ):
            tags[kind].setdefault(pk, []).append(name)
    tag_page = {}
    if tag_slug:
        response = client.get(f"/tags/{tag_slug}/")
        assert response.status_code == 200, response.status_code
        tag_page = {section["kind"]: section["count"] for section in response.context["sections"]}
    return Snapshot(
        events=events,
        claims=[c.pk for c in claims],
        mentions={
            (m.start, m.end, m.text): m.pk
            for m in Mention.objects.filter(article_id=article_id).only("pk", "start", "end", "text")
        },
        reviews={c.pk: c.review_status for c in claims if c.review_status != Claim.Review.UNVERIFIED},
        event_tags={pk: sorted(names) for pk, names in tags["event"].items()},
        claim_tags={pk: sorted(names) for pk, names in tags["claim"].items()},
        tag_page=tag_page,
        analysed_at=ArticleAnalysis.objects.filter(article_id=article_id)
        .values_list("analyzed_at", flat=True)
        .first(),
        lost_claims=[c.pk for c in claims if c.lost_at],
        orphaned_events=list(
            Event.objects.filter(pk__in=events, orphaned_at__isnull=False).values_list("pk", flat=True)
        ),
    )


# --- the sequence ---------------------------------------------------------------------------


@dataclass
class Run:
    article_id: int
    tag_slug: str
    merged_entity: str
    steps: list[tuple[str, Snapshot]]


def run_sequence(
    *,
    manifest: Path,
    url: str,
    client,
    settle: Callable[[], contextlib.AbstractContextManager] = contextlib.nullcontext,
    reprocess: Callable[[int], None],
    tag_name: str = "Gipfeltreffen",
) -> Run:
    """The whole sequence; `settle()` wraps each step (in a test it runs the on-commit
    callbacks that the test's transaction holds back), `reprocess(article_id)` re-extracts.
    `client` is logged in as an editor."""
    from io import StringIO

    from django.core.management import call_command

    from events.management.commands.import_corpus import eager_tasks
    from events.models import Claim, Entity, Mention, Tag
    from ingest.extraction import canonicalize_url
    from ingest.models import Article

    def import_corpus(*extra: str) -> None:
        # Eager outside, so that callbacks held back until `settle` ends still run here.
        with eager_tasks(), settle():
            call_command(
                "import_corpus", "--html", str(manifest), "--text", "", "--seed", "", *extra,
                stdout=StringIO(), stderr=StringIO(),
            )  # fmt: skip

    steps: list[tuple[str, Snapshot]] = []
    import_corpus()
    article = Article.objects.get(url=canonicalize_url(url))
    assert article.status == Article.Status.ANALYZED, (article.status, article.error)
    tag, _ = Tag.objects.get_or_create(name=tag_name, defaults={"slug": tag_name.lower()})
    steps.append(("imported", snapshot(article.pk, client, tag.slug)))

    # An editor's work, through the portal's pages.
    first = steps[0][1]
    assert first.events and len(first.claims) >= 3, first
    reviewed, tagged_claim = first.claims[:2], first.claims[2]
    with settle():
        for pk, status in zip(reviewed, ("confirmed", "disputed"), strict=True):
            response = client.post(f"/claims/{pk}/review/", {"status": status, "reason": "identity check"})
            assert response.status_code == 302, response.status_code
        for kind, ids in (("event", first.events[:1]), ("claim", [tagged_claim])):
            response = client.post(
                "/tags/apply/", {"action": "add", "kind": kind, "tag": tag.pk, "ids": ids, "next": "/tags/"}
            )
            assert response.status_code == 302, response.status_code
    steps.append(("tagged + reviewed", snapshot(article.pk, client, tag.slug)))

    # Merge an entity the article names (the provisional one of EXTRA_PERSON) into an
    # editor's entity: the merge's relink tasks analyse the article again.
    mention = Mention.objects.filter(
        article=article, text__contains=EXTRA_PERSON, entity__isnull=False
    ).first()
    assert mention is not None, "the analysis did not link the extra paragraph's person"
    named = mention.entity
    survivor = Entity.objects.create(
        key=f"editor:person:identity-check:{named.pk}:{article.pk}", kind=Entity.Kind.PERSON,
        name="Gerd Musterbeck-Wolfram", description="identity check",
    )  # fmt: skip
    with eager_tasks(), settle():
        response = client.post(f"/entities/{named.pk}/merge/", {"target": survivor.pk})
        assert response.status_code == 302, response.status_code
    assert Mention.objects.filter(article=article, entity=survivor).exists()
    steps.append(("entity merged", snapshot(article.pk, client, tag.slug)))

    from events.tasks import relink_article
    from ingest.pipeline import send_on_commit

    with eager_tasks(), settle():
        send_on_commit(relink_article, article.pk)
    steps.append(("relinked", snapshot(article.pk, client, tag.slug)))

    with eager_tasks(), settle():
        reprocess(article.pk)
    steps.append(("reprocessed", snapshot(article.pk, client, tag.slug)))

    for n in range(1, 4):
        import_corpus("--reanalyze")
        steps.append((f"reanalysed {n}", snapshot(article.pk, client, tag.slug)))
    assert Claim.objects.filter(article=article).exists()
    return Run(article_id=article.pk, tag_slug=tag.slug, merged_entity=named.name, steps=steps)


def reprocess_one(article_id: int) -> None:
    """`manage.py reprocess`'s code path for one article: the same claim, then extraction."""
    from ingest import services
    from ingest.models import Article

    claimed = (
        Article.objects.filter(pk=article_id)
        .exclude(status__in=[Article.Status.FETCHING, Article.Status.EXTRACTING])
        .update(status=Article.Status.EXTRACTING)
    )
    assert claimed, "the article is busy"
    services.article_extract(Article.objects.select_related("source", "outlet").get(pk=article_id))


# --- the table ------------------------------------------------------------------------------


def table(run: Run) -> str:
    """Ids and counts after each step, with what changed against the first snapshot."""
    base = run.steps[0][1]
    lines = [
        f"article {run.article_id}; tag {run.tag_slug!r}; merged entity {run.merged_entity!r}",
        f"{'step':22} {'events':14} {'claims (ids)':40} {'mentions kept/all':18} "
        f"{'reviews':8} {'tags ev/cl':10} {'tag page':24} lost orphaned",
    ]
    for name, shot in run.steps:
        kept = sum(1 for key, pk in shot.mentions.items() if base.mentions.get(key) == pk)
        page = " ".join(f"{k}={v}" for k, v in shot.tag_page.items())
        claims = ",".join(map(str, shot.claims))
        lines.append(
            f"{name:22} {','.join(map(str, shot.events)):14} {claims[:40]:40} "
            f"{f'{kept}/{len(shot.mentions)}':18} {len(shot.reviews):<8} "
            f"{f'{len(shot.event_tags)}/{len(shot.claim_tags)}':10} {page:24} "
            f"{len(shot.lost_claims):<4} {len(shot.orphaned_events)}"
        )
    after = run.steps[-1][1]
    tagged = run.steps[1][1]
    lines += [
        "",
        f"event ids before/after:      {base.events} -> {after.events}",
        f"claim ids before/after:      {base.claims} -> {after.claims}",
        f"reviews after tagging/end:   {tagged.reviews} -> {after.reviews}",
        f"claim tags after tagging/end: {tagged.claim_tags} -> {after.claim_tags}",
        f"event tags after tagging/end: {tagged.event_tags} -> {after.event_tags}",
        f"tag page after tagging/end:  {tagged.tag_page} -> {after.tag_page}",
        f"mention ids unchanged:       {sum(1 for k, pk in after.mentions.items() if base.mentions.get(k) == pk)}"
        f" of {len(after.mentions)} (spans in both: {len(after.mentions.keys() & base.mentions.keys())})",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the article, tag and user")
    options = parser.parse_args()
    if not SEED.exists():
        sys.exit(f"{SEED} is missing (../shared)")
    sys.path.insert(0, str(BASE))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    from portal import embedded

    embedded.autostart()
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from events.models import Event, Tag
    from ingest.models import Article
    from portal.roles import EDITOR, user_create

    setup_test_environment()  # the test client's host and response.context
    from django.test.utils import override_settings

    # The test client speaks plain HTTP (production settings would redirect it to HTTPS),
    # and the pages it renders need no collected, hashed static files.
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    override_settings(SECURE_SSL_REDIRECT=False, STORAGES=storages).enable()
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    url = f"https://identity-check.example.org/{stamp}/putin-kim"
    user = user_create(username=f"identity-check-{stamp}", role=EDITOR, password=f"x-{stamp}-Y")
    client = Client()
    client.force_login(user)
    tag_name = f"Identitätsprobe {stamp}"
    with tempfile.TemporaryDirectory() as folder:
        manifest = write_manifest(Path(folder), url, SEED.read_text(encoding="utf-8"))
        run = run_sequence(
            manifest=manifest, url=url, client=client, reprocess=reprocess_one, tag_name=tag_name
        )
    print(table(run))
    if not options.keep:
        from events.kb.loader import bump_version
        from events.models import Curation, Entity, EventArticle

        # Only what this run made: the article may have joined events of a wire twin (the
        # reference case imported by import_corpus has the same text).
        event_ids = list(
            EventArticle.objects.filter(article_id=run.article_id).values_list("event_id", flat=True)
        )
        Article.objects.filter(pk=run.article_id).delete()
        Event.objects.filter(pk__in=event_ids, event_articles__isnull=True).delete()
        Tag.objects.filter(slug=run.tag_slug).delete()
        Entity.objects.filter(key__startswith="editor:person:identity-check:").delete()
        Entity.objects.filter(key__startswith="provisional:", name__contains=EXTRA_PERSON).delete()
        Curation.objects.filter(user=user).delete()
        user.delete()
        bump_version()


if __name__ == "__main__":
    main()
