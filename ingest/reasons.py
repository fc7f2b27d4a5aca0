"""Why a fetch, a feed or a step of the pipeline failed, in plain words for the people who read it.

The pipeline stores its errors in English, each written by a fixed pattern (ingest/http.py,
ingest/feeds.py, ingest/decoding.py, ingest/extraction.py, ingest/services.py,
ingest/pipeline.py and the tasks): a stable kind with its details (an address, a status code,
a limit). They are read back into plain words in the reader's language when shown (`explain`),
not stored translated: rows written before keep working, workers need no language, logs and
commands keep the developers' English. Text no pattern knows is shown as it is.

Each pattern below names the module that writes it; tests/ingest/test_reasons.py makes every
writer fail for real and checks that its text is read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Words = Callable[[str], str]


def _as_is(value: str) -> str:
    return value


def _unquoted(value: str) -> str:
    """A value written with repr(): 'ftp' -> ftp."""
    return value[1:-1] if len(value) > 1 and value[0] == value[-1] and value[0] in "'\"" else value


def _measure(value: str) -> str:
    """A size or a duration as the fetcher writes it ("1.5 MB", "20 s", "300 bytes"), with the
    reader's decimal separator."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?) (\S+)", value)
    if not match:
        return value
    number, unit = match.groups()
    if unit == "bytes":
        unit = str(_("bytes"))
    return f"{number_format(Decimal(number))} {unit}"


def _one_of(words: Mapping[str, Promise]) -> Words:
    """A detail from a fixed set of English phrases, each with its own words."""
    return lambda value: str(words.get(value, value))


Render = Callable[[dict[str, str]], str]
_RULES: list[tuple[re.Pattern[str], Render]] = []


def _rule(pattern: str, render: Render) -> None:
    """A message the pipeline writes (`pattern`, its details as named groups) and how it reads."""
    _RULES.append((re.compile(pattern, re.DOTALL), render))


def _words(text: Promise, **convert: Words) -> Render:
    """Read as `text` (a lazy translation with %(name)s) with the pattern's details, those named
    in `convert` put in words by their function, the others as they are."""

    def render(details: dict[str, str]) -> str:
        return str(text) % {name: convert.get(name, _as_is)(value) for name, value in details.items()}

    return render


def _read(text: str) -> str | None:
    for pattern, render in _RULES:
        if match := pattern.fullmatch(text):
            return render({name: value or "" for name, value in match.groupdict().items()})
    return None


def explain(text: str) -> str:
    """The stored error `text` in plain words of the active language ("" stays "").

    Several messages joined by "; " (a feed's warnings) are read one by one; a message that
    holds "; " itself ("3 failures in a row; last: ...") is read whole first. A message inside
    a message (`convert=explain`) is read the same way.
    """
    text = (text or "").strip()
    if not text:
        return ""
    if (whole := _read(text)) is not None:
        return whole
    parts = text.split("; ")
    if len(parts) == 1:
        return text
    for cut in range(len(parts) - 1, 0, -1):  # the longest head that reads as one message
        if (head := _read("; ".join(parts[:cut]))) is not None:
            return f"{head}; {explain('; '.join(parts[cut:]))}"
    return f"{parts[0]}; {explain('; '.join(parts[1:]))}"


# --- ingest/http.py: the SSRF guard ------------------------------------------------------------

# The guard's names of the ranges it refuses (http._IPV4_REFUSED, _IPV6_REFUSED, _range_label);
# the internal ones are networks of this installation's own surroundings.
INTERNAL_RANGES = {
    "unspecified": _("unspecified address"),
    "in 'this network' (0.0.0.0/8)": _("'this network' 0.0.0.0/8"),
    "private": _("private network"),
    "shared by carrier-grade NAT": _("carrier-grade NAT"),
    "loopback": _("loopback, this machine itself"),
    "link-local": _("link-local"),
    "local-use NAT64": _("local-use NAT64"),
    "unique local (private)": _("unique local, private"),
    "deprecated site-local": _("deprecated site-local"),
}
RESERVED_RANGES = {
    "broadcast": _("broadcast"),
    "reserved for IETF protocol assignments": _("reserved for IETF protocols"),
    "reserved for documentation": _("reserved for documentation"),
    "a deprecated 6to4 relay anycast address": _("deprecated 6to4 relay"),
    "reserved for benchmarking": _("reserved for benchmarking"),
    "multicast": _("multicast"),
    "reserved": _("reserved"),
    "a deprecated IPv4-compatible address": _("deprecated IPv4-compatible address"),
    "discard-only": _("discard-only"),
    "an SRv6 segment identifier": _("SRv6 segment identifier"),
    "outside the global unicast range 2000::/3": _("outside the public range 2000::/3"),
    "not globally routable": _("not publicly routable"),
}
_range = _one_of({**INTERNAL_RANGES, **RESERVED_RANGES})


def _refused_address(details: dict[str, str]) -> str:
    if details["range"] in INTERNAL_RANGES:
        text = _(
            "The address points to an internal network (%(ip)s, %(range)s): blocked for security reasons"
        )
    else:
        text = _("The address is not a public one (%(ip)s, %(range)s): blocked for security reasons")
    return _words(text, range=_range)(details)


_rule(r"address (?P<ip>\S+) is (?P<range>.+) \(SSRF guard\)", _refused_address)
_rule(
    r"address (?P<ip>\S+) embeds (?P<target>\S+) \((?P<scheme>[^)]+)\), which is (?P<range>.+) \(SSRF guard\)",
    _words(
        _(
            "The address %(ip)s leads through %(scheme)s to %(target)s, which is not public (%(range)s): "
            "blocked for security reasons"
        ),
        range=_range,
    ),
)
_rule(
    r"host (?P<host>\S+) is a loopback name \(SSRF guard\)",
    _words(_("The address points to this machine itself (%(host)s): blocked for security reasons")),
)
_rule(
    r"proxies are not supported by the guarded fetcher",
    _words(_("Fetching through a proxy is not possible (it would bypass the check of addresses)")),
)
_rule(
    r"session has an unguarded adapter for (?P<url>.+)",
    _words(_("Internal error: an unchecked connection to %(url)s was refused")),
)

# --- ingest/http.py: addresses, robots.txt, time, size -----------------------------------------

_rule(r"invalid URL (?P<url>'.*'|\".*\")(?:: .*)?", _words(_("Invalid address %(url)s"), url=_unquoted))
_rule(
    r"unsupported URL scheme (?P<scheme>.+) \(only http/https\)",
    _words(_("Unsupported kind of address %(scheme)s: only http and https"), scheme=_unquoted),
)
_rule(r"URL has no host: (?P<url>.+)", _words(_("The address names no host: %(url)s"), url=_unquoted))
_rule(r"invalid port in URL (?P<url>.+)", _words(_("Invalid port in the address %(url)s"), url=_unquoted))
# robots.txt is fetched first: a host that cannot be reached fails there, so the cause leads.
_rule(
    r"robots\.txt unavailable \((?P<reason>.+)\), not fetching (?P<path>\S*) for now",
    _words(_("%(reason)s (while fetching robots.txt; %(path)s is not fetched for now)"), reason=explain),
)
_rule(
    r"robots\.txt unreadable \((?P<reason>.+)\), not fetching (?P<path>\S*)",
    _words(_("%(reason)s (robots.txt cannot be read; %(path)s is not fetched)"), reason=explain),
)
_rule(
    r"robots\.txt disallows (?P<path>.+)",
    _words(_("The site does not allow robots to fetch %(path)s (robots.txt)")),
)
_rule(
    r"total time limit of (?P<limit>.+) exceeded",
    _words(_("The fetch took longer than %(limit)s and was stopped (time limit)"), limit=_measure),
)
_rule(
    r"connect timeout after (?P<limit>.+)",
    _words(_("The server does not answer: no connection after %(limit)s (timeout)"), limit=_measure),
)
_rule(
    r"read timeout after (?P<limit>.+)",
    _words(_("The server does not answer: no data after %(limit)s (timeout)"), limit=_measure),
)
_rule(
    r"body larger than (?P<limit>.+), aborted",
    _words(_("The answer is too large: more than %(limit)s, stopped"), limit=_measure),
)
_rule(
    r"decompressed size exceeds (?P<limit>.+) \(compression bomb\?\)",
    _words(_("Unpacked, the answer is larger than %(limit)s: stopped (a compression bomb?)"), limit=_measure),
)
_rule(
    r"compression ratio above (?P<ratio>\S+) \(compression bomb\?\)",
    _words(_("The answer unpacks to more than %(ratio)s times its size: stopped (a compression bomb?)"),
         ratio=lambda ratio: ratio.removesuffix(":1")),
)  # fmt: skip
_rule(
    r"could not decode (?P<coding>\S+) body: .*",
    _words(_("The compressed answer (%(coding)s) is damaged")),
)
_rule(
    r"content encoding (?P<coding>.+) not supported",
    _words(_("The answer is compressed in a way that is not supported (%(coding)s)"), coding=_unquoted),
)
_rule(r"content type (?P<type>.+) not accepted", _words(_("Unexpected kind of content: %(type)s")))

# --- ingest/http.py: connections and redirects -------------------------------------------------

_rule(
    r"could not resolve host (?P<host>.+)",
    _words(_("Host %(host)s not found (DNS): a typing error in the address, or the domain does not exist")),
)
_rule(r"connection to (?P<host>.+) refused", _words(_("The server %(host)s refuses the connection")))
_rule(r"could not connect to (?P<host>.+)", _words(_("No connection to %(host)s")))
_rule(
    r"connection to (?P<host>.+) broken while reading",
    _words(_("The connection to %(host)s broke off during the transfer")),
)
_rule(
    r"TLS error with (?P<host>.+)",
    _words(_("The encrypted connection to %(host)s failed (TLS, e.g. an invalid certificate)")),
)
_rule(
    r"connection error with (?P<host>[^:]+): (?P<name>.+)",
    _words(_("Connection error with %(host)s (%(name)s)")),
)
_rule(
    r"redirect loop \((?P<a>\S+) -> (?P<b>\S+)\)",
    _words(_("The redirects go round in a circle: %(a)s → %(b)s")),
)
_rule(r"too many redirects \(more than (?P<n>\d+)\)", _words(_("Too many redirects (more than %(n)s)")))
_rule(
    r"HTTP (?P<status>\d{3}) redirect without Location header",
    _words(_("The server redirects (%(status)s) but names no target")),
)

HTTP_STATUS_MEANINGS = {
    400: _("bad request"),
    401: _("login required"),
    402: _("payment required"),
    403: _("access denied"),
    404: _("page not found"),
    405: _("method not allowed"),
    406: _("no acceptable format"),
    408: _("the request took too long"),
    410: _("page removed for good"),
    429: _("too many requests"),
    451: _("blocked for legal reasons"),
    500: _("internal server error"),
    502: _("bad gateway"),
    503: _("service unavailable for now"),
    504: _("gateway timeout"),
}


def _http_status(details: dict[str, str]) -> str:
    status = int(details["status"])
    meaning = HTTP_STATUS_MEANINGS.get(status)
    if meaning is None:
        meaning = _("request refused") if status < 500 else _("server error")
    return str(_("The server answers %(status)s: %(meaning)s")) % {"status": status, "meaning": meaning}


_rule(r"HTTP (?P<status>\d{3})(?: .*)?", _http_status)

# --- ingest/feeds.py and ingest/decoding.py: the body is no usable feed --------------------------

_rule(r"empty body", _words(_("The address returns an empty answer")))
_rule(
    r"got an HTML page, not a feed \(the page links to feeds: (?P<feeds>.+?)\)(?: \(the page links a feed: \S+\))?",
    _words(_("The address returns an HTML page, not a feed; the page links to these feeds: %(feeds)s")),
)
_rule(r"got an HTML page, not a feed", _words(_("The address returns an HTML page, not a feed")))
BINARY_KINDS = {
    "a PNG image": _("a PNG image"),
    "a JPEG image": _("a JPEG image"),
    "a GIF image": _("a GIF image"),
    "a PDF document": _("a PDF document"),
    "a ZIP archive": _("a ZIP archive"),
    "RIFF media": _("a RIFF media file"),
    "an MP3 file": _("an MP3 file"),
    "binary media": _("binary data"),
}
_rule(
    r"binary content \((?P<what>.+)\), not a feed",
    _words(_("The address returns %(what)s, not a feed"), what=_one_of(BINARY_KINDS)),
)
_rule(r"binary content, not a feed", _words(_("The address returns binary data, not a feed")))
_rule(r"gzip-compressed body is corrupt \(.*\)", _words(_("The packed answer (gzip) is damaged")))
_rule(r"could not parse feed \((?P<detail>.+)\)", _words(_("The feed cannot be read (%(detail)s)")))
_rule(
    r"not well-formed XML and not repairable \((?P<problem>.+)\)",
    _words(_("Not valid XML, and not repairable (%(problem)s)")),
)
_rule(
    r"not well-formed XML \((?P<problem>.+?)\); after repair: (?P<reason>.+)",
    _words(_("Not valid XML (%(problem)s); after repair: %(reason)s"), reason=explain),
)
REPAIRS = {
    "parsed in recovery mode": _("read in recovery mode"),
    "repaired with BeautifulSoup": _("repaired with BeautifulSoup"),
}
_rule(
    r"XML is not well-formed \((?P<problem>.+?)\); (?P<how>.+), items may be missing",
    _words(_("Not valid XML (%(problem)s); %(how)s, entries may be missing"), how=_one_of(REPAIRS)),
)
_rule(r"RSS document without <channel>", _words(_("An RSS document without <channel>")))
_rule(
    r"not a feed or sitemap: XML root element <(?P<name>.*)>",
    _words(_("Neither a feed nor a sitemap: an XML document of <%(name)s>")),
)
_rule(r"invalid JSON \((?P<detail>.+)\)", _words(_("Invalid JSON (%(detail)s)")))
_rule(
    r"JSON document is not a JSON Feed \(no 'items' list\)",
    _words(_("A JSON document, but no JSON Feed (it has no list 'items')")),
)
# Warnings: the feed was read all the same.
_rule(r"feed has no items", _words(_("The feed has no entries")))
_rule(
    r"body was gzip-compressed \(as sitemap\.xml\.gz files are\)",
    _words(_("The answer was packed with gzip (as sitemap.xml.gz files are)")),
)
_rule(
    r"undefined entities kept as text: (?P<names>.+)", _words(_("Undefined entities kept as text: %(names)s"))
)
_rule(
    r"dropped (?P<n>\d+) characters of junk before the XML",
    _words(_("%(n)s characters of junk before the XML removed")),
)
_rule(
    r"DOCTYPE with internal subset \(entity declarations\) ignored",
    _words(_("DOCTYPE with its own declarations (entities) ignored")),
)
_rule(
    r"control characters not allowed in XML were removed",
    _words(_("Control characters that XML does not allow were removed")),
)
_rule(
    r"skipped (?P<n>\d+) (?:item\(s\)|entry\(ies\)) without a usable (?:link|url)",
    _words(_("%(n)s entries without a usable link skipped")),
)
_rule(
    r"skipped (?P<n>\d+) sitemap entry\(ies\) without a usable <loc>",
    _words(_("%(n)s sitemap entries without a usable <loc> skipped")),
)
_rule(r"unexpected JSON Feed version (?P<version>.+)", _words(_("Unexpected JSON Feed version %(version)s")))
_rule(
    r"unknown encoding (?P<label>.+) in XML declaration",
    _words(_("Unknown character encoding %(label)s in the XML declaration"), label=_unquoted),
)
_rule(
    r"unknown charset (?P<label>.+) in Content-Type",
    _words(_("Unknown character set %(label)s in the Content-Type"), label=_unquoted),
)
_rule(
    r"charset conflict: Content-Type says (?P<header>.+), XML declaration says (?P<declared>.+); "
    r"the declaration is tried first",
    _words(
        _(
            "The Content-Type says %(header)s, the XML declaration %(declared)s; the declaration is tried first"
        )
    ),
)
_rule(
    r"body is labelled (?P<codec>\S+) but is valid UTF-8; decoded as UTF-8",
    _words(_("The answer is labelled %(codec)s but is valid UTF-8; read as UTF-8")),
)
_rule(
    r"body is not valid (?P<label>\S+); decoded as (?P<codec>\S+)",
    _words(_("The answer is not valid %(label)s; read as %(codec)s")),
)
_rule(
    r"no charset given and body is not valid UTF-8; decoded as (?P<codec>\S+)",
    _words(_("No character set given and the answer is not valid UTF-8; read as %(codec)s")),
)

# --- ingest/extraction.py: no article text in the page --------------------------------------------

_rule(r"no main text found(?: in the page)?", _words(_("No article text found in the page")))
_rule(r"could not parse HTML", _words(_("The HTML cannot be read")))
_rule(r"empty document", _words(_("The page is empty")))
_rule(r"unsupported input type (?P<type>.+)", _words(_("Unsupported kind of input (%(type)s)")))
_rule(r"extraction failed: (?P<detail>.+)", _words(_("Extracting the text failed (%(detail)s)")))

# --- ingest/services.py, ingest/pipeline.py, the tasks: sources and articles ---------------------

_rule(r"no usable items: (?P<reason>.+)", _words(_("No usable entries: %(reason)s"), reason=explain))
_rule(
    r"410 Gone: the server says this feed no longer exists \((?P<reason>.+)\)",
    _words(_("The server says this feed no longer exists (%(reason)s)"), reason=explain),
)
_rule(
    r"(?P<n>\d+) failures in a row; last: (?P<reason>.+)",
    _words(_("%(n)s failures in a row, the last: %(reason)s"), reason=explain),
)
_rule(r"paused by (?P<user>.+)", _words(_("paused by %(user)s")))
_rule(r"not an http\(s\) URL: (?P<url>.+)", _words(_("Not an http(s) address: %(url)s"), url=_unquoted))
_rule(r"unknown error", _words(_("Unknown error")))
_rule(
    r"connection lost, retrying",
    _words(_("Connection to the database or the broker lost; it is tried again")),
)
_rule(r"extraction crashed: (?P<detail>.+)", _words(_("Extracting the text crashed (%(detail)s)")))
_rule(r"analysis failed: (?P<detail>.+)", _words(_("The analysis failed (%(detail)s)")))
STEPS = {
    "fetching": _("while fetching"),
    "extracting": _("while extracting"),
    "analysing": _("while analysing"),
}
_rule(
    r"gave up after (?P<n>\d+) unfinished runs while (?P<step>\w+); last error: (?P<reason>.+)",
    _words(_("Given up after %(n)s unfinished runs %(step)s; the last error: %(reason)s"),
         step=_one_of(STEPS), reason=explain),
)  # fmt: skip
_rule(
    r"gave up after (?P<n>\d+) unfinished runs while (?P<step>\w+)",
    _words(_("Given up after %(n)s unfinished runs %(step)s"), step=_one_of(STEPS)),
)
# A sitemap index's child that failed (a warning of the index's fetch).
_rule(r"(?P<url>https?://\S+): (?P<reason>.+)", _words(_("%(url)s: %(reason)s"), reason=explain))
