"""The article page: the stored text sentence by sentence, mentions and claims highlighted,
the sentence of ?claim= / ?mention= in focus, everything escaped, copies listed."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import ArticleAnalysis, Claim, Entity, Event, EventArticle, Mention, Tag, Tagging
from ingest.dedup import bands, simhash, to_signed
from ingest.models import Article, Outlet

pytestmark = pytest.mark.django_db

# Two sentences; the claim's content holds a mention (Sanktionen is no entity, Nordkorea is).
TEXT = "Wladimir Putin traf Kim Jong Un in Pjöngjang.\nPutin sagte, man wolle Nordkorea helfen."
S0 = [0, TEXT.index("\n")]
S1 = [TEXT.index("\n") + 1, len(TEXT)]


def span(text: str, words: str, after: int = 0) -> tuple[int, int]:
    start = text.index(words, after)
    return start, start + len(words)


@pytest.fixture
def outlet(db):
    return Outlet.objects.create(domain="example.org", name="Example")


@pytest.fixture
def putin(db):
    return Entity.objects.create(key="t:putin", kind="person", name="Wladimir Putin")


@pytest.fixture
def korea(db):
    return Entity.objects.create(key="t:kp", kind="country", name="Nordkorea", country="KP")


@pytest.fixture
def article(outlet):
    article = Article.objects.create(
        url="https://example.org/a", canonical_url="https://example.org/a", outlet=outlet,
        status=Article.Status.ANALYZED, title="Putin in Pjöngjang", text=TEXT, authors=["A. Autor"],
    )  # fmt: skip
    ArticleAnalysis.objects.create(article=article, sentences=[S0, S1])
    return article


@pytest.fixture
def records(article, putin, korea):
    first = Mention.objects.create(
        article=article, entity=putin, label="PER", start=0, end=14, text="Wladimir Putin"
    )
    speaker_at = span(TEXT, "Putin", 46)
    speaker = Mention.objects.create(
        article=article, entity=putin, label="PER", start=speaker_at[0], end=speaker_at[1], text="Putin",
        sentence_index=1,
    )  # fmt: skip
    korea_at = span(TEXT, "Nordkorea")
    inside = Mention.objects.create(
        article=article, entity=korea, label="LOC", start=korea_at[0], end=korea_at[1], text="Nordkorea",
        sentence_index=1,
    )  # fmt: skip
    content = span(TEXT, "man wolle Nordkorea helfen")
    claim = Claim.objects.create(
        article=article, kind="indirect_speech", evidential="reported", start=S1[0], end=S1[1], sentence_index=1,
        cue="sagte", speaker=putin, speaker_text="Putin", speaker_start=speaker_at[0], speaker_end=speaker_at[1],
        content_start=content[0], content_end=content[1], content=TEXT[content[0] : content[1]],
    )  # fmt: skip
    return {"first": first, "speaker": speaker, "inside": inside, "claim": claim}


def open_tag(page: str, element_id: str) -> str:
    match = re.search(rf'<[a-z]+ [^>]*id="{re.escape(element_id)}"[^>]*>', page)
    assert match, f"no element with id {element_id}"
    return match.group(0)


def article_body(page: str) -> str:
    return page.split('class="card article-text"', 1)[1].split("</section>", 1)[0]


class _Nesting(HTMLParser):
    """Checks that the elements of the article text nest properly and ids are unique."""

    VOID = {"br", "input", "img", "hr", "meta", "link"}

    def __init__(self):
        super().__init__()
        self.stack, self.ids, self.errors = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


def test_analysis_stores_spacy_sentence_spans(kb):
    from events.services.analysis import article_analyze

    text = "Wladimir Putin traf Kim Jong Un in Pjöngjang.\nDort sprach Putin von Freundschaft. Kim lobte Russland."
    article = Article.objects.create(
        url="https://example.org/s", canonical_url="https://example.org/s", text=text
    )
    article_analyze(article)
    sentences = ArticleAnalysis.objects.get(article=article).sentences
    assert len(sentences) >= 2
    for start, end in sentences:
        assert 0 <= start <= end <= len(text)
        assert text[start:end] == text[start:end].strip()
    assert [s for s, e in sentences if s < e] == sorted(s for s, e in sentences if s < e)
    # Position k is the sentence of every mention with sentence_index k.
    mentions = list(Mention.objects.filter(article=article))
    assert mentions
    for mention in mentions:
        start, end = sentences[mention.sentence_index]
        assert start <= mention.start and mention.end <= end, (mention.text, mention.sentence_index)


def test_the_page_shows_the_article_with_mentions_and_claims(analyst_client, article, records, putin, korea):
    page = analyst_client.get(f"/articles/{article.pk}/").content.decode()
    first, inside, claim = records["first"], records["inside"], records["claim"]
    assert open_tag(page, "s-0").startswith('<span id="s-0" class="sentence"')
    assert open_tag(page, "s-1").startswith('<span id="s-1" class="sentence"')
    assert open_tag(page, f"m-{first.pk}") == (
        f'<a id="m-{first.pk}" class="mention mention-PER" href="/entities/{putin.pk}/" title="Wladimir Putin">'
    )
    assert f'href="/entities/{korea.pk}/"' in open_tag(page, f"m-{inside.pk}")
    assert open_tag(page, f"claim-{claim.pk}").startswith(f'<mark id="claim-{claim.pk}" class="claim ')
    # The mention inside the claim is nested inside its <mark>.
    assert re.search(rf'<mark id="claim-{claim.pk}"[^>]*>man wolle <a id="m-{inside.pk}"', page)
    assert 'class="claim-speaker"' in page and 'class="claim-cue"' in page
    # One paragraph per line, and the original behind a safe link.
    body = article_body(page)
    assert body.count("<p>") == 2
    assert '<a class="original" href="https://example.org/a" rel="noopener noreferrer nofollow">' in page
    # Side column: the claim links to its sentence, the entities are counted.
    assert f'href="/articles/{article.pk}/?claim={claim.pk}#claim-{claim.pk}"' in page
    assert 'class="sentence-hint"' not in page
    nesting = _Nesting()
    nesting.feed(body)
    assert not nesting.errors and not nesting.stack
    assert len(nesting.ids) == len(set(nesting.ids))


@pytest.mark.parametrize("key", ["claim", "mention"])
def test_the_sentence_of_a_claim_or_mention_is_in_focus(analyst_client, article, records, key):
    record = records["claim"] if key == "claim" else records["inside"]
    response = analyst_client.get(record.get_absolute_url().split("#")[0])
    page = response.content.decode()
    assert 'class="sentence focus"' in open_tag(page, "s-1") and 'aria-current="true"' in open_tag(
        page, "s-1"
    )
    assert "focus" not in open_tag(page, "s-0")
    assert "js/article.js" in page
    # Another article's record, or nonsense, focuses nothing.
    for value in ("999999", "x"):
        page = analyst_client.get(f"/articles/{article.pk}/?{key}={value}").content.decode()
        assert "sentence focus" not in page


def test_a_mention_in_the_first_sentence_focuses_it(analyst_client, article, records):
    page = analyst_client.get(f"/articles/{article.pk}/?mention={records['first'].pk}").content.decode()
    assert "focus" in open_tag(page, "s-0") and "focus" not in open_tag(page, "s-1")


def test_hostile_text_is_escaped(analyst_client, outlet, putin):
    text = 'Er schrieb <script>alert("x")</script> & <b>fett</b> > alles.\nZweite Zeile <img src=x onerror=alert(1)>.'
    article = Article.objects.create(
        url="javascript:alert(1)", canonical_url="https://example.org/h", outlet=outlet, text=text,
        title="<script>alert(2)</script>",
    )  # fmt: skip
    at = span(text, "<script>")
    Mention.objects.create(
        article=article, entity=putin, label="PER", start=at[0], end=at[1], text="<script>"
    )
    page = analyst_client.get(f"/articles/{article.pk}/").content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>fett" not in page
    assert (
        ">&lt;script&gt;</a>alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;fett&lt;/b&gt; &gt; alles.</span>"
        in page
    )
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page
    # No link to a javascript: URL.
    assert "javascript:" not in page


def test_without_stored_sentences_a_simple_splitter_is_used(analyst_client, outlet):
    text = "Erster Satz über Kiew. Zweiter Satz? Ja! „Dritter Satz“, sagte er.\nNeuer Absatz."
    article = Article.objects.create(
        url="https://example.org/f", canonical_url="https://example.org/f", text=text
    )
    page = analyst_client.get(f"/articles/{article.pk}/").content.decode()
    assert 'class="hint sentence-hint"' in page
    sentences = re.findall(r'<span id="s-(\d+)" class="sentence" data-s="\d+">([^<]*)</span>', page)
    assert [s for _, s in sentences] == [
        "Erster Satz über Kiew.", "Zweiter Satz?", "Ja!", "„Dritter Satz“, sagte er.", "Neuer Absatz."
    ]  # fmt: skip


def test_a_sentence_across_a_line_break_is_split_with_one_id(analyst_client, outlet):
    text = "Titel ohne Punkt\nPjöngjang. Der Text."
    article = Article.objects.create(
        url="https://example.org/t", canonical_url="https://example.org/t", text=text
    )
    ArticleAnalysis.objects.create(article=article, sentences=[[0, 27], [28, len(text)]])
    body = article_body(analyst_client.get(f"/articles/{article.pk}/").content.decode())
    assert body.count('id="s-0"') == 1 and body.count('data-s="0"') == 2
    nesting = _Nesting()
    nesting.feed(body)
    assert not nesting.errors and not nesting.stack


def test_wire_copies_and_near_duplicates_are_listed(analyst_client, article, outlet):
    wire_outlet = Outlet.objects.create(domain="dpa.example", name="dpa", wire_agency=True)
    hashed = simhash(TEXT)
    # Eight bits flipped in two bands: too far for a near-duplicate, close for a wire text.
    wire_hash = hashed ^ 0b1111 ^ (0b1111 << 8)
    Article.objects.filter(pk=article.pk).update(
        near_duplicate_group=article.pk, simhash=to_signed(hashed), simhash_bands=bands(hashed)
    )

    def make(name: str, **fields) -> Article:
        return Article.objects.create(url=f"https://x.example/{name}", canonical_url=f"https://x.example/{name}",
                                      title=name, **fields)  # fmt: skip

    same_group = make("gruppe", near_duplicate_group=article.pk)
    copy = make("kopie", duplicate_of=article)
    wire = make("dpa", outlet=wire_outlet, simhash=to_signed(wire_hash), simhash_bands=bands(wire_hash))
    far = hashed ^ ((1 << 64) - 1)  # every bit differs
    unrelated_wire = make("fern", outlet=wire_outlet, simhash=to_signed(far), simhash_bands=bands(far))
    other = make("anders", outlet=outlet)
    page = analyst_client.get(f"/articles/{article.pk}/").content.decode()
    listed = set(map(int, re.findall(r'<li data-article="(\d+)">', page)))
    assert listed == {same_group.pk, copy.pk, wire.pk}
    assert unrelated_wire.pk not in listed and other.pk not in listed
    # And from the copy, the original is listed.
    page = analyst_client.get(f"/articles/{copy.pk}/").content.decode()
    assert article.pk in set(map(int, re.findall(r'<li data-article="(\d+)">', page)))


def _fill(article: Article, n: int) -> None:
    """n mentions and n claims, each with its own entities, events, tags: all on one line."""
    words = [f"Wort{i}" for i in range(n)]
    text = " ".join(f"{w} sagte, {w} komme." for w in words)
    Article.objects.filter(pk=article.pk).update(text=text)
    ArticleAnalysis.objects.filter(article=article).update(
        sentences=[list(span(text, f"{w} sagte, {w} komme.")) for w in words]
    )
    for i, word in enumerate(words):
        entity = Entity.objects.create(key=f"t:{article.pk}:{i}", kind="person", name=word)
        source = Entity.objects.create(key=f"t:{article.pk}:s{i}", kind="organization", name=f"Quelle {i}")
        start, end = span(text, f"{word} sagte, {word} komme.")
        Mention.objects.create(article=article, entity=entity, label="PER", start=start, end=start + len(word),
                               text=word, sentence_index=i)  # fmt: skip
        content = span(text, f"{word} komme", start + 1)
        Claim.objects.create(
            article=article, kind="indirect_speech", evidential="reported", start=start, end=end, sentence_index=i,
            cue="sagte", speaker=entity, source=source, source_text=f"Quelle {i}", speaker_text=word,
            speaker_start=start, speaker_end=start + len(word), content_start=content[0], content_end=content[1],
            content=f"{word} komme",
        )  # fmt: skip
        event = Event.objects.create(type="meet", title=f"Ereignis {i}")
        EventArticle.objects.create(event=event, article=article)
        tag = Tag.objects.create(name=f"Tag {article.pk}-{i}", slug=f"tag-{article.pk}-{i}")
        Tagging.objects.create(tag=tag, article=article)


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_queries_do_not_grow_with_mentions_and_claims(editor_client, article, outlet):
    small = Article.objects.create(
        url="https://example.org/3", canonical_url="https://example.org/3", outlet=outlet
    )
    ArticleAnalysis.objects.create(article=small)
    _fill(small, 3)
    big = Article.objects.create(
        url="https://example.org/30", canonical_url="https://example.org/30", outlet=outlet
    )
    ArticleAnalysis.objects.create(article=big)
    _fill(big, 30)
    _queries(editor_client, f"/articles/{small.pk}/")  # warm up session and permission caches
    few, many = (
        _queries(editor_client, f"/articles/{small.pk}/"),
        _queries(editor_client, f"/articles/{big.pk}/"),
    )
    assert few == many, (few, many)
    page = editor_client.get(f"/articles/{big.pk}/").content.decode()
    assert (
        page.count('class="mention mention-PER"') == 30
        and page.count('class="claim claim-indirect_speech') == 30
    )


def test_anonymous_visitors_are_sent_to_login(client, article):
    response = client.get(f"/articles/{article.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_missing_article_is_404(analyst_client):
    assert analyst_client.get("/articles/999999/").status_code == 404


def test_a_resolved_speaker_shows_what_it_came_from_and_a_claim_without_one_says_so(
    analyst_client, article, records, putin
):
    claim = records["claim"]
    Claim.objects.filter(pk=claim.pk).update(speaker_text="er", speaker_via="pronoun")
    Claim.objects.create(
        article=article, kind="hearsay", evidential="hearsay", start=S0[0], end=S0[1], cue="soll",
        content_start=S0[0], content_end=S0[1], content=TEXT[S0[0] : S0[1]],
    )  # fmt: skip
    page = analyst_client.get(f"/articles/{article.pk}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert 'title="aus „er“: aufgelöstes Pronomen">Wladimir Putin<sup>*</sup>' in page
    assert "ohne Sprecher" in page and "<strong>–</strong>" not in page
