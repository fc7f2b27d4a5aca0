"""Security in a real browser: no page breaks the Content-Security-Policy, and hostile content
stays text.

Every page of the every-URL table is loaded in Chromium; a CSP violation (reported in the
console and as a `securitypolicyviolation` event) or an uncaught script error fails. Then every
user-visible field of a small world is filled with markup and script (the article as the real
extraction reads it from a page whose JSON-LD has `</script>` inside), and every page is loaded
with those records' ids and a hostile search query for each role, with the CSP switched off in
the browser, so that escaping alone is tested: a dialog, an element or attribute a payload made,
or a `javascript:` link fails.
"""

from __future__ import annotations

import html
import json
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest

from portal.roles import ADMIN, ANALYST, EDITOR
from tests import factories as make
from tests.browser.conftest import log_in, shot
from tests.portal.test_every_url import ROUTES, _world

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# Pages a browser shows (downloads and the raw schema are files, not pages).
PAGES = [
    name
    for name, route in ROUTES.items()
    if route.method == "get" and not name.endswith("_export") and name != "api:schema"
]
# The Django admin and the API's HTML pages, which the every-URL table samples elsewhere.
EXTRA_PAGES = [
    "/admin/",
    "/admin/ingest/source/",
    "/admin/ingest/source/add/",
    "/admin/ingest/outlet/",
    "/admin/events/tag/add/",
    "/admin/auth/user/",
]

# Watches in the page itself: what the CSP refused, and every dialog a payload could open.
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sample);
});
"""


class Watcher:
    """Collects CSP violations, script errors and dialogs of one browser page."""

    def __init__(self, page):
        self.page = page
        self.problems: list[str] = []
        self.dialogs: list[str] = []
        page.add_init_script(WATCH)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: script error {error}"))
        page.on("dialog", self._dialog)

    def _console(self, message):
        if "Content Security Policy" in message.text:
            self.problems.append(f"{self.page.url}: {message.text}")

    def _dialog(self, dialog):
        self.dialogs.append(f"{self.page.url}: {dialog.type} {dialog.message}")
        dialog.dismiss()

    def visit(self, url: str) -> None:
        self.page.goto(url)
        self.page.wait_for_load_state("load")
        self.collect()

    def collect(self) -> None:
        violations = self.page.evaluate("window.__violations || []")
        self.problems += [f"{self.page.url}: {v}" for v in violations]
        self.page.evaluate("window.__violations = []")


def test_no_page_breaks_the_content_security_policy(browser, live_server, admin_user):
    world = _world(admin_user)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watcher = Watcher(page)
    log_in(page, live_server, admin_user)
    for name in PAGES:
        watcher.visit(live_server.url + ROUTES[name].url(world))
    for path in [*EXTRA_PAGES, f"/admin/ingest/outlet/{world['outlet'].pk}/change/", "/api/v1/events/"]:
        watcher.visit(live_server.url + path)
    # Swagger UI builds its page from the schema after load.
    watcher.visit(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock", timeout=15_000)
    shot(page, "api-docs-under-csp")
    watcher.collect()
    # htmx at work: a search typed into the list swaps the results in place.
    watcher.visit(f"{live_server.url}/events/")
    with page.expect_response(lambda r: "/events/?" in r.url):
        page.fill("input[type=search]", "Putin")
    page.wait_for_load_state("networkidle")
    watcher.collect()
    # The language switch, now a script file instead of onchange="": choosing submits.
    page.select_option("select[name=language]", "en")
    page.wait_for_selector("html[lang=en]")
    assert page.locator("h1").first.inner_text() == "Events"
    watcher.collect()
    assert watcher.problems == [], "\n".join(watcher.problems)
    assert watcher.dialogs == []

    # The watch itself sees a violation: an inline handler put into the page is refused.
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<img src=x onerror=\"alert(1)\">')")
    page.wait_for_timeout(300)
    watcher.collect()
    assert watcher.problems and watcher.dialogs == []
    context.close()


# --- hostile content ------------------------------------------------------------------------------

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "<svg onload=alert(3)>",
    "javascript:alert(4)",
    "{{7*7}}",
    "'><a href=javascript:alert(5)>x</a>",
    "</textarea></title><iframe src=javascript:alert(6)>",
]
HOSTILE = " ".join(PAYLOADS)
# What a payload would leave in the page had it become markup.
INJECTED = (
    "img[src='x'], svg[onload], iframe, [onerror], [onload], [onmouseover], "
    "a[href^='javascript:' i], iframe[src^='javascript:' i]"
)


def hostile_page() -> str:
    """A news page whose JSON-LD carries `</script>` (escaped as JSON allows, so it survives the
    page's own parser) and whose text is full of payloads."""
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": f"Putin in Pjöngjang </script><script>alert(7)</script> {HOSTILE}",
        "author": [{"@type": "Person", "name": "Eva </script><img src=x onerror=alert(8)>"}],
        "description": f"Teaser {HOSTILE}",
    }
    script = json.dumps(ld).replace("</", "<\\/")
    sentence = f"Wladimir Putin traf Kim Jong Un in Pjöngjang. {HOSTILE} Putin sagte, man wolle die Sanktionen überwinden."
    body = "".join(f"<p>{html.escape(sentence)}</p>" for _ in range(3))
    return (
        f'<html lang="de"><head><title>{html.escape(ld["headline"])}</title>'
        f'<script type="application/ld+json">{script}</script></head>'
        f"<body><article><h1>{html.escape(ld['headline'])}</h1>{body}</article></body></html>"
    )


def hostile_world(owner) -> dict:
    """_world() of the every-URL table, with every user-visible field hostile; the watchlist is
    `owner`'s."""
    from ingest.extraction import extract_document

    url = "https://example.org/hostile"
    page = hostile_page()
    extracted = extract_document(page, url)
    assert "<" in extracted.text and any("<" in author for author in extracted.authors)
    outlet = make.outlet(f"Outlet {HOSTILE}"[:200], country="", domain="example.org")
    article = make.article(
        extracted.title if "alert" in extracted.title else f"Putin {HOSTILE}",
        extracted.text,
        outlet,
        url="javascript:alert(9)",
        authors=extracted.authors,
        description=f"Teaser {HOSTILE}",
    )
    text = article.text
    w = make.cast(
        "putin",
        "kim",
        "pj",
        putin={"name": f"Wladimir Putin {HOSTILE}"[:300], "description": HOSTILE, "country": ""},
        kim={"name": f"Kim {PAYLOADS[1]}", "country": "", "provisional": True},
        pj={"name": f"Pjöngjang {PAYLOADS[2]}", "country": "", "latitude": 39.0, "longitude": 125.7},
    )
    putin, kim, place = w["putin"], w["kim"], w["pj"]
    alias = make.alias(putin, f"Putin {PAYLOADS[0]}")
    mention = make.mention(article, putin, "Wladimir Putin")
    # A mention over payload text, so the highlighting splits hostile text at its offsets.
    start = text.index(PAYLOADS[1])
    make.mention(article, kim, text[start : start + len(PAYLOADS[1]) + len(PAYLOADS[2]) + 1], start=start)
    content_start = text.index(HOSTILE)
    claim = make.claim(
        article,
        text[content_start : content_start + len(HOSTILE)],
        putin,
        review="disputed",
        reviewer=make.user(ADMIN),
        reason=f"Quelle {HOSTILE}",
        cue=f"sagte {PAYLOADS[2]}",
        speaker_text=f"Putin {PAYLOADS[1]}",
        source_text=f"dpa {PAYLOADS[0]}",
        sentence_index=1,
    )
    event = make.event(
        f"Treffen {HOSTILE}"[:300],
        "meet",
        place=place,
        actors=[(putin, "source"), (kim, "target")],
        articles=[article],
    )
    other = make.event(f"Noch ein Treffen {PAYLOADS[1]}", "meet", place=place)
    tag = make.tag(f"Gipfel {PAYLOADS[2]}{PAYLOADS[4]}"[:100])
    tag.slug = "gipfel"
    tag.description = HOSTILE
    tag.save()
    make.tagged(tag, event=event)
    make.tagged(tag, article=article)
    make.tagged(tag, claim=claim)
    make.tagged(tag, entity=putin)
    watchlist = make.watchlist(
        owner, "event", urlencode([("actor", putin.pk), ("q", "Putin")]), name=HOSTILE[:100]
    )
    return {
        **w,
        "outlet": outlet,
        "article": article,
        "alias": alias,
        "mention": mention,
        "claim": claim,
        "event": event,
        "other": other,
        "tag": tag,
        "watchlist": watchlist,
    }


def with_hostile_query(url: str) -> str:
    """The URL with the payloads as its search (q) and as a name to add (crossref)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in {"q", "add"}]
    return urlunsplit(parts._replace(query=urlencode([*query, ("q", HOSTILE), ("add", HOSTILE)])))


@pytest.mark.parametrize("role", [ANALYST, EDITOR, ADMIN])
def test_hostile_content_stays_text_on_every_page(browser, live_server, role):
    someone = make.user(role)
    world = hostile_world(someone)
    # The CSP is switched off here: it would hide an escaping mistake, which this test is for.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    watcher = Watcher(page)
    log_in(page, live_server, someone)
    injected = []
    urls = [ROUTES[name].url(world) for name in PAGES]
    urls += [with_hostile_query(url) for url in urls]
    if role == ADMIN:
        urls += [*EXTRA_PAGES, f"/admin/ingest/outlet/{world['outlet'].pk}/change/"]
        urls += [
            f"/admin/events/tag/{world['tag'].pk}/change/",
            f"/admin/ingest/article/{world['article'].pk}/change/",
        ]
    for url in urls:
        watcher.visit(live_server.url + url)
        count = page.locator(INJECTED).count()
        if count:
            injected.append((url, count, page.locator(INJECTED).first.evaluate("e => e.outerHTML")))
    assert watcher.dialogs == []
    assert injected == []
    assert [problem for problem in watcher.problems if "script error" in problem] == []

    # The payloads are shown as the text they are, on the pages that show these records.
    page.goto(f"{live_server.url}/events/{world['event'].pk}/")
    assert f"Treffen {HOSTILE}" in page.locator("h1").inner_text()
    page.goto(f"{live_server.url}/articles/{world['article'].pk}/?claim={world['claim'].pk}")
    assert PAYLOADS[0] in page.locator(".article-text").inner_text()
    assert "{{7*7}}" in page.locator(".article-text").inner_text()
    assert page.locator("a.original").count() == 0  # a javascript: address is never a link
    # The hostile search finds the hostile records, so the lists above showed them.
    for path in ["/events/", "/articles/", "/claims/", "/entities/"]:
        page.goto(live_server.url + with_hostile_query(path))
        assert PAYLOADS[1] in page.locator("#results").inner_text(), path
    shot(page, f"hostile-article-{role}")
    context.close()
