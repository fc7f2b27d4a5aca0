import pytest

from tests.ingest.httpserver import LocalServer

# Models are imported inside the fixtures: the pure-module tests here (http, feeds,
# extraction) also run without Django (`pytest -p no:django`).


@pytest.fixture
def server():
    with LocalServer() as running:
        yield running


@pytest.fixture
def outlet(db):
    from ingest.models import Outlet

    return Outlet.objects.create(name="Testkurier", domain="127.0.0.1", country="DE")


@pytest.fixture
def make_source(outlet):
    from ingest.models import Source

    def make(url: str, kind: str = Source.Kind.FEED, **fields) -> Source:
        return Source.objects.create(outlet=outlet, name=f"Quelle {url}", url=url, kind=kind, **fields)

    return make


def rss(*links: str, title: str = "Testkurier") -> bytes:
    items = "".join(
        f"<item><title>Artikel {n}</title><link>{link}</link>"
        f"<pubDate>Wed, 19 Jun 2024 0{n % 10}:00:00 +0200</pubDate></item>"
        for n, link in enumerate(links)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>http://127.0.0.1/</link>{items}</channel></rss>"
    ).encode()


def article_html(
    title: str, paragraphs: list[str], *, canonical: str = "", byline: str = "Von Anna Beispiel"
) -> str:
    canonical_tag = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!doctype html><html lang="de"><head><meta charset="utf-8"><title>{title}</title>{canonical_tag}'
        f'<meta property="article:published_time" content="2024-06-19T08:30:00+02:00"></head>'
        f"<body><nav><a href='/'>Start</a> <a href='/politik'>Politik</a></nav>"
        f'<article><h1>{title}</h1><p class="byline">{byline}</p>{body}</article>'
        f"<footer>Impressum · Datenschutz</footer></body></html>"
    )


GERMAN_PARAGRAPHS = [
    "Der russische Präsident Wladimir Putin ist zu einem Staatsbesuch in Nordkorea eingetroffen. "
    "Machthaber Kim Jong Un empfing ihn am Flughafen der Hauptstadt Pjöngjang, wie die Agentur KCNA meldete.",
    "Beide Länder wollen ihre Zusammenarbeit nach Angaben des Kremls deutlich ausbauen. Es ist der erste "
    "Besuch Putins in Nordkorea seit 24 Jahren, berichteten mehrere Nachrichtenagenturen übereinstimmend.",
    "Die USA und Südkorea beobachten die Annäherung mit Sorge. Washington wirft Pjöngjang vor, Russland "
    "Munition und Raketen für den Krieg gegen die Ukraine zu liefern, was beide Seiten bestreiten.",
]


@pytest.fixture
def resolved_hosts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every name the guarded connection resolves (every connection attempt)."""
    seen: list[str] = []
    from ingest import http as ingest_http

    real = ingest_http._resolve

    def recording(host: str, port: int) -> list:
        seen.append(host)
        return real(host, port)

    monkeypatch.setattr(ingest_http, "_resolve", recording)
    return seen
