"""Consistency checks for the hand-curated knowledge-base data in events/kb/data/.

Plain pytest, no database: run with
    .venv/bin/python -m pytest tests/events/test_kb_data.py -p no:django
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest

DATA_DIR = Path(__file__).resolve().parents[2] / "events" / "kb" / "data"
ACTORS_FILE = DATA_DIR / "actors.toml"
COUNTRIES_FILE = DATA_DIR / "countries_de.toml"

KINDS = {"person", "organization"}
ORG_TYPES = {
    "international",
    "government",
    "military",
    "party",
    "agency",
    "state_media",
    "media",
    "armed_group",
    "company",
    "ngo",
    "court",
    "intelligence",
    "university",
    "think_tank",
    "association",
}
ACTOR_FIELDS = {
    "key",
    "kind",
    "name",
    "aliases",
    "ambiguous_aliases",
    "country",
    "org_type",
    "news_agency",
    "roles",
    "wikidata",
}
ROLE_FIELDS = {"title", "descriptors", "start", "end"}
COUNTRY_FIELDS = {
    "iso",
    "name",
    "aliases",
    "adjectives",
    "invariant_adjectives",
    "demonyms",
    "capital_de",
    "capital_aliases",
    "ambiguous",
}
KEY_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
WIKIDATA_RE = re.compile(r"^Q[1-9][0-9]*$")
ISO2_RE = re.compile(r"^[A-Z]{2}$")

# Codes not (or not yet) assigned in ISO 3166-1 but in common use:
# XK = Kosovo (user-assigned, used by the EU and many registries), EU = European Union
# (exceptionally reserved).
EXTRA_CODES = {"XK", "EU"}

# One alias may name two different actors only if listed here, with exactly the actors
# that share it. Resolution code must then disambiguate by context.
ALLOWED_SHARED_ALIASES: dict[str, set[str]] = {
    # Russian foreign intelligence vs. the German public broadcaster Südwestrundfunk.
    "swr": {"swr-russland", "swr-rundfunk"},
    # Reporter ohne Grenzen (Reporters sans frontières) vs. the Sudanese Rapid Support Forces.
    "rsf": {"reporter-ohne-grenzen", "rsf-sudan"},
    # "die Grünen": the German, Austrian and Swiss green parties (chosen by the article's countries).
    "die grünen": {"gruene", "gruene-oesterreich", "gruene-schweiz"},
    "grünen": {"gruene", "gruene-oesterreich", "gruene-schweiz"},
    "grüne": {"gruene", "gruene-oesterreich", "gruene-schweiz"},
    # Party nicknames after an article, chosen the same way: "die Liberalen" (FDP in German,
    # FDP.Die Liberalen in Swiss news), "die Volkspartei" (ÖVP, SVP, Spain's Partido Popular).
    "liberalen": {"fdp", "fdp-die-liberalen"},
    "volkspartei": {"oevp", "svp", "partido-popular"},
    # "SVP": the Swiss People's Party and the Südtiroler Volkspartei, chosen by the article's
    # countries like the nicknames above.
    "svp": {"svp", "suedtiroler-volkspartei"},
    # Same-named institutions of Germany and Austria (and Switzerland), chosen by the article's
    # countries: the German and the Austrian chancellery ("Bundeskanzleramt", "Kanzleramt").
    "bundeskanzleramt": {"bundeskanzleramt", "bundeskanzleramt-oesterreich"},
    "kanzleramt": {"bundeskanzleramt", "bundeskanzleramt-oesterreich"},
    # German BKA (Wiesbaden) vs. Austria's Bundeskriminalamt (Vienna).
    "bundeskriminalamt": {"bka", "bundeskriminalamt-oesterreich"},
    # Second chamber of Germany and of Austria, and the Swiss government ("der Bundesrat" in
    # Swiss news).
    "bundesrat": {"bundesrat-deutschland", "bundesrat-oesterreich", "schweizer-bundesrat"},
    # The first chambers of Austria and Switzerland, both "der Nationalrat".
    "nationalrat": {"nationalrat-oesterreich", "schweizer-nationalrat"},
    # "die Bundesregierung" of Germany and of Austria.
    "bundesregierung": {"bundesregierung", "oesterreichische-bundesregierung"},
    # The federal courts of auditors of Germany (Bonn) and Austria (Vienna), both "der Rechnungshof".
    "rechnungshof": {"bundesrechnungshof", "rechnungshof-oesterreich"},
    # Federal administrative courts of Germany (Leipzig), Austria (Vienna) and Switzerland (St. Gallen).
    "bundesverwaltungsgericht": {
        "bundesverwaltungsgericht",
        "bundesverwaltungsgericht-oesterreich",
        "bundesverwaltungsgericht-schweiz",
    },
}

# A descriptor may be used by several actors only with non-overlapping role periods
# (touching at the hand-over date is fine). Where the hand-over date is not known with
# certainty the pair is listed here instead of guessing a date.
ALLOWED_SHARED_DESCRIPTORS: dict[frozenset[str], str] = {
    frozenset({"bruno-kahl", "martin-jaeger"}): "BND presidents; hand-over date in 2025 not recorded",
    frozenset({"joav-gallant", "israel-katz"}): "Israeli defence ministers; hand-over Nov 2024 not recorded",
    frozenset({"israel-katz", "gideon-saar"}): "Israeli foreign ministers; hand-over Nov 2024 not recorded",
}

# Single-token aliases that look like a bare surname but are wanted (spelling variants
# that partial-name matching on the canonical name cannot produce).
ALLOWED_SINGLE_TOKEN_ALIASES = {
    "Selenski",
    "Selensky",
    "Zelensky",
    "Zelenskyy",
    "Franziskus",  # papal name, not a surname
}

REQUIRED_ACTORS = [
    "Wladimir Putin",
    "Kim Jong Un",
    "Choe Son Hui",
    "Jo Yong Won",
    "Kim Yo Jong",
    "AP",
    "The Telegraph",
    "KCNA",
    "dpa",
    "Reuters",
    "AFP",
    "TASS",
]

# The 193 member states of the United Nations (ISO 3166-1 alpha-2).
# fmt: off
UN_MEMBERS = {
    "AF", "AL", "DZ", "AD", "AO", "AG", "AR", "AM", "AU", "AT", "AZ", "BS", "BH", "BD", "BB",
    "BY", "BE", "BZ", "BJ", "BT", "BO", "BA", "BW", "BR", "BN", "BG", "BF", "BI", "CV", "KH",
    "CM", "CA", "CF", "TD", "CL", "CN", "CO", "KM", "CG", "CD", "CR", "CI", "HR", "CU", "CY",
    "CZ", "DK", "DJ", "DM", "DO", "EC", "EG", "SV", "GQ", "ER", "EE", "SZ", "ET", "FJ", "FI",
    "FR", "GA", "GM", "GE", "DE", "GH", "GR", "GD", "GT", "GN", "GW", "GY", "HT", "HN", "HU",
    "IS", "IN", "ID", "IR", "IQ", "IE", "IL", "IT", "JM", "JP", "JO", "KZ", "KE", "KI", "KP",
    "KR", "KW", "KG", "LA", "LV", "LB", "LS", "LR", "LY", "LI", "LT", "LU", "MG", "MW", "MY",
    "MV", "ML", "MT", "MH", "MR", "MU", "MX", "FM", "MD", "MC", "MN", "ME", "MA", "MZ", "MM",
    "NA", "NR", "NP", "NL", "NZ", "NI", "NE", "NG", "MK", "NO", "OM", "PK", "PW", "PA", "PG",
    "PY", "PE", "PH", "PL", "PT", "QA", "RO", "RU", "RW", "KN", "LC", "VC", "WS", "SM", "ST",
    "SA", "SN", "RS", "SC", "SL", "SG", "SK", "SI", "SB", "SO", "ZA", "SS", "ES", "LK", "SD",
    "SR", "SE", "CH", "SY", "TJ", "TZ", "TH", "TL", "TG", "TO", "TT", "TN", "TR", "TM", "TV",
    "UG", "UA", "AE", "GB", "US", "UY", "UZ", "VU", "VE", "VN", "YE", "ZM", "ZW",
}
# fmt: on
NON_MEMBER_ENTRIES = {"XK", "TW", "PS", "EH", "VA", "EU"}

FAR_PAST = dt.date.min
FAR_FUTURE = dt.date.max


# actors.toml plus the topic files beside it (actors_de_politics.toml, actors_world.toml ...);
# events/kb/seed.py reads the same set, so every check below covers all of them together.
ACTOR_FILES = [ACTORS_FILE, *sorted(DATA_DIR.glob("actors_*.toml"))]


@cache
def actors() -> list[dict]:
    rows = []
    for path in ACTOR_FILES:
        with path.open("rb") as fh:
            rows += tomllib.load(fh)["actor"]
    return rows


@cache
def countries() -> list[dict]:
    with COUNTRIES_FILE.open("rb") as fh:
        return tomllib.load(fh)["country"]


def valid_iso2(code: str) -> bool:
    if code in EXTRA_CODES:
        return True
    if not ISO2_RE.match(code):
        return False
    try:
        import pycountry
    except ImportError:  # regex check only
        return True
    return pycountry.countries.get(alpha_2=code) is not None


def parse_date(value: str, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        pytest.fail(f"{where}: {value!r} is not an ISO date (YYYY-MM-DD)")


def role_interval(role: dict, where: str) -> tuple[dt.date, dt.date]:
    """Unknown start = far past; ongoing ("") or unknown end = far future."""
    start = parse_date(role["start"], where) if "start" in role else FAR_PAST
    end_raw = role.get("end")
    end = parse_date(end_raw, where) if end_raw else FAR_FUTURE
    return start, end


def actor_names(actor: dict) -> list[str]:
    return [actor["name"], *actor.get("aliases", [])]


def find_actor(name: str) -> dict | None:
    folded = name.casefold()
    for actor in actors():
        if any(n.casefold() == folded for n in actor_names(actor)):
            return actor
    return None


def country_by_iso(iso: str) -> dict:
    for country in countries():
        if country["iso"] == iso:
            return country
    pytest.fail(f"country {iso} missing")


# --------------------------------------------------------------------------- actors


def test_files_parse():
    assert actors()
    assert countries()


def test_enough_actors():
    assert len(actors()) >= 300


def test_keys_unique_and_slugs():
    seen = set()
    for actor in actors():
        key = actor.get("key", "")
        assert KEY_RE.match(key), f"bad key {key!r}"
        assert key not in seen, f"duplicate key {key}"
        seen.add(key)


def test_actor_fields_valid():
    for actor in actors():
        key = actor["key"]
        assert set(actor) <= ACTOR_FIELDS, f"{key}: unknown fields {set(actor) - ACTOR_FIELDS}"
        assert actor.get("kind") in KINDS, f"{key}: bad kind"
        assert isinstance(actor.get("name"), str) and actor["name"].strip() == actor["name"] != ""
        aliases = actor.get("aliases")
        assert isinstance(aliases, list), f"{key}: aliases must be a list"
        for alias in aliases:
            assert isinstance(alias, str) and alias.strip() == alias != "", f"{key}: bad alias {alias!r}"
        assert len(aliases) == len(set(aliases)), f"{key}: duplicate aliases"
        assert actor["name"] not in aliases, f"{key}: alias repeats the name"
        for amb in actor.get("ambiguous_aliases", []):
            assert amb in actor_names(actor), f"{key}: ambiguous alias {amb!r} is neither name nor alias"
        if "country" in actor:
            assert valid_iso2(actor["country"]), f"{key}: bad country {actor['country']!r}"
        if "wikidata" in actor:
            assert WIKIDATA_RE.match(actor["wikidata"]), f"{key}: bad wikidata id"
        if actor["kind"] == "person":
            assert "org_type" not in actor, f"{key}: person with org_type"
            assert "news_agency" not in actor, f"{key}: person with news_agency"
            assert "country" in actor, f"{key}: person without country"
            assert isinstance(actor.get("roles"), list) and actor["roles"], f"{key}: person without roles"
        else:
            assert actor.get("org_type") in ORG_TYPES, f"{key}: bad org_type {actor.get('org_type')!r}"
            assert "roles" not in actor, f"{key}: organisation with roles"
            if actor["org_type"] == "agency":
                assert actor.get("news_agency") is True, f"{key}: agency without news_agency = true"
            if "news_agency" in actor:
                assert actor["news_agency"] is True
                assert actor["org_type"] in {"agency", "state_media"}, (
                    f"{key}: news_agency on {actor['org_type']}"
                )


def test_no_bare_surname_aliases():
    for actor in actors():
        if actor["kind"] != "person":
            continue
        surname = actor["name"].split()[-1]
        for alias in actor["aliases"]:
            if " " in alias or alias in ALLOWED_SINGLE_TOKEN_ALIASES:
                continue
            assert alias != surname, f"{actor['key']}: bare surname alias {alias!r}"


def test_roles_valid():
    for actor in actors():
        for i, role in enumerate(actor.get("roles", [])):
            where = f"{actor['key']} role {i}"
            assert set(role) <= ROLE_FIELDS, f"{where}: unknown fields {set(role) - ROLE_FIELDS}"
            assert isinstance(role.get("title"), str) and role["title"].strip(), f"{where}: no title"
            descriptors = role.get("descriptors", [])
            assert isinstance(descriptors, list)
            for d in descriptors:
                assert isinstance(d, str) and d.strip() == d != "", f"{where}: bad descriptor {d!r}"
            assert len(descriptors) == len(set(descriptors)), f"{where}: duplicate descriptors"
            if "start" in role:
                assert role["start"], f"{where}: empty start (omit the field instead)"
            start, end = role_interval(role, where)
            assert start <= end, f"{where}: start after end"


def test_no_alias_shared_between_actors():
    owners: dict[str, set[str]] = defaultdict(set)
    for actor in actors():
        for n in actor_names(actor):
            owners[n.casefold()].add(actor["key"])
    clashes = {
        name: keys
        for name, keys in owners.items()
        if len(keys) > 1 and ALLOWED_SHARED_ALIASES.get(name) != keys
    }
    assert not clashes, f"names/aliases shared by several actors: {clashes}"


def test_allowed_shared_aliases_still_needed():
    owners: dict[str, set[str]] = defaultdict(set)
    for actor in actors():
        for n in actor_names(actor):
            owners[n.casefold()].add(actor["key"])
    for name, keys in ALLOWED_SHARED_ALIASES.items():
        assert owners.get(name) == keys, f"stale entry in ALLOWED_SHARED_ALIASES: {name}"


def test_descriptors_unambiguous_in_time():
    uses: dict[str, list[tuple[str, dt.date, dt.date]]] = defaultdict(list)
    for actor in actors():
        for i, role in enumerate(actor.get("roles", [])):
            start, end = role_interval(role, f"{actor['key']} role {i}")
            for d in role.get("descriptors", []):
                uses[d.casefold()].append((actor["key"], start, end))
    problems = []
    for descriptor, entries in uses.items():
        for i, (key_a, start_a, end_a) in enumerate(entries):
            for key_b, start_b, end_b in entries[i + 1 :]:
                if key_a == key_b:
                    continue
                overlap = start_a < end_b and start_b < end_a
                if overlap and frozenset({key_a, key_b}) not in ALLOWED_SHARED_DESCRIPTORS:
                    problems.append((descriptor, key_a, key_b))
    assert not problems, f"descriptors used by several actors at the same time: {problems}"


def test_allowed_shared_descriptors_still_needed():
    descriptors_of: dict[str, set[str]] = defaultdict(set)
    for actor in actors():
        for role in actor.get("roles", []):
            descriptors_of[actor["key"]] |= {d.casefold() for d in role.get("descriptors", [])}
    for pair in ALLOWED_SHARED_DESCRIPTORS:
        key_a, key_b = sorted(pair)
        assert descriptors_of[key_a] & descriptors_of[key_b], (
            f"stale entry in ALLOWED_SHARED_DESCRIPTORS: {pair}"
        )


def test_required_actors_present():
    missing = [name for name in REQUIRED_ACTORS if find_actor(name) is None]
    assert not missing, f"missing actors: {missing}"


def test_required_actor_details():
    putin = find_actor("Wladimir Putin")
    assert putin["key"] == "wladimir-putin" and putin["country"] == "RU"
    assert any("Kremlchef" in r.get("descriptors", []) for r in putin["roles"])
    assert find_actor("Kim Jong-un")["key"] == "kim-jong-un"
    assert find_actor("Associated Press")["key"] == "associated-press"
    assert find_actor("Telegraph")["key"] == "the-telegraph"
    kcna = find_actor("KCNA")
    assert kcna["org_type"] == "state_media" and kcna["country"] == "KP"
    assert find_actor("Koreanische Zentrale Nachrichtenagentur") is kcna
    assert find_actor("KZNA") is kcna
    assert find_actor("TASS")["org_type"] == "state_media"
    for agency in ("dpa", "Reuters", "AFP", "AP"):
        assert find_actor(agency)["org_type"] == "agency"
    assert find_actor("Nato")["org_type"] == "international"
    assert find_actor("Vereinte Nationen") is find_actor("UNO")


def test_descriptor_lookup_examples():
    holders = holders_on

    assert holders("Kremlchef", "2024-01-01") == {"wladimir-putin"}
    assert holders("Kremlchef", "2010-01-01") == {"dmitri-medwedew"}
    assert holders("russische Verteidigungsminister", "2023-06-01") == {"sergej-schoigu"}
    assert holders("russische Verteidigungsminister", "2025-01-01") == {"andrej-beloussow"}
    assert holders("US-Präsident", "2023-06-01") == {"joe-biden"}
    assert holders("US-Präsident", "2025-06-01") == {"donald-trump"}
    assert holders("Bundeskanzler", "2024-01-01") == {"olaf-scholz"}
    assert holders("Bundeskanzler", "2025-06-01") == {"friedrich-merz"}
    assert holders("Nato-Generalsekretär", "2020-01-01") == {"jens-stoltenberg"}
    assert holders("Nato-Generalsekretär", "2025-01-01") == {"mark-rutte"}


def holders_on(descriptor: str, on: str) -> set[str]:
    """Keys of the actors whose role carries ``descriptor`` on the day ``on``."""
    day = dt.date.fromisoformat(on)
    found = set()
    for actor in actors():
        for role in actor.get("roles", []):
            start, end = role_interval(role, actor["key"])
            if descriptor in role.get("descriptors", []) and start <= day <= end:
                found.add(actor["key"])
    return found


def test_topic_files_sorted_by_key_within_sections():
    """The topic files stay reviewable: one sorted run of keys per "# ===" section."""
    for path in ACTOR_FILES[1:]:
        sections: list[list[str]] = [[]]
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("# ====="):
                sections.append([])
            elif line.startswith("key = "):
                sections[-1].append(tomllib.loads(line)["key"])
        for keys in sections:
            assert keys == sorted(keys), f"{path.name}: keys not sorted in a section: {keys}"


def test_issue_13_names_known():
    """Names the issue reports as missing (provisional or wrongly linked) are in the data."""
    expected = {
        "Alexander Van der Bellen": "alexander-van-der-bellen",
        "Werner Faymann": "werner-faymann",
        "John Kerry": "john-kerry",
        "Björn Höcke": "bjoern-hoecke",
        "Mario Voigt": "mario-voigt",
        "Pam Bondi": "pam-bondi",
        "Sebastian Kurz": "sebastian-kurz",
        "SPÖ": "spoe",
        "Facebook": "facebook",
        "TikTok": "tiktok",
        "Twitter": "x-twitter",
    }
    for name, key in expected.items():
        actor = find_actor(name)
        assert actor is not None and actor["key"] == key, f"{name}: {actor and actor['key']}"
    assert find_actor("SPÖ")["org_type"] == "party" and find_actor("SPÖ")["country"] == "AT"
    xinhua = find_actor("Xinhua")
    assert xinhua["org_type"] == "state_media" and xinhua.get("news_agency") is True


def test_all_ministerpraesidenten_present():
    """Every Land has its head of government (as of curation) with an open role."""
    heads = {
        "Winfried Kretschmann", "Markus Söder", "Kai Wegner", "Dietmar Woidke",
        "Andreas Bovenschulte", "Peter Tschentscher", "Boris Rhein", "Manuela Schwesig",
        "Olaf Lies", "Hendrik Wüst", "Alexander Schweitzer", "Anke Rehlinger",
        "Michael Kretschmer", "Reiner Haseloff", "Daniel Günther", "Mario Voigt",
    }  # fmt: skip
    for name in heads:
        actor = find_actor(name)
        assert actor is not None, f"missing: {name}"
        assert actor["country"] == "DE"


@pytest.mark.parametrize(
    ("descriptor", "on", "expected"),
    [
        ("Thüringer Ministerpräsident", "2019-06-01", {"bodo-ramelow"}),
        ("Thüringer Ministerpräsident", "2020-02-20", {"thomas-kemmerich"}),
        ("Thüringer Ministerpräsident", "2024-06-01", {"bodo-ramelow"}),
        ("Thüringer Ministerpräsident", "2025-06-01", {"mario-voigt"}),
        ("NRW-Ministerpräsident", "2020-01-01", {"armin-laschet"}),
        ("NRW-Ministerpräsident", "2023-01-01", {"hendrik-wuest"}),
        ("niedersächsische Ministerpräsident", "2024-01-01", {"stephan-weil"}),
        ("niedersächsische Ministerpräsident", "2025-08-01", {"olaf-lies"}),
        ("österreichische Bundeskanzler", "2015-01-01", {"werner-faymann"}),
        ("österreichische Bundeskanzler", "2017-01-01", {"christian-kern-spoe"}),
        ("österreichische Bundeskanzler", "2018-06-01", {"sebastian-kurz"}),
        ("österreichische Bundeskanzler", "2025-02-01", {"alexander-schallenberg"}),
        ("österreichische Vizekanzler", "2022-01-01", {"werner-kogler"}),
        ("Schweizer Bundespräsidentin", "2024-05-01", {"viola-amherd"}),
        ("Schweizer Bundespräsidentin", "2025-05-01", {"karin-keller-sutter"}),
        ("Schweizer Bundespräsident", "2023-05-01", {"alain-berset"}),
        ("US-Außenminister", "2015-06-01", {"john-kerry"}),
        ("US-Außenminister", "2017-06-01", {"rex-tillerson"}),
        ("US-Justizministerin", "2025-06-01", {"pam-bondi"}),
        ("FDP-Chef", "2020-01-01", {"christian-lindner"}),
        ("FDP-Chef", "2025-06-01", {"christian-duerr"}),
        ("Nato-Generalsekretär", "2012-01-01", {"anders-fogh-rasmussen"}),
    ],
)
def test_descriptor_lookup_new_data(descriptor, on, expected):
    assert holders_on(descriptor, on) == expected


# --------------------------------------------------------------------------- countries


def test_countries_fields_valid():
    seen = set()
    for country in countries():
        iso = country.get("iso", "")
        assert valid_iso2(iso), f"bad iso {iso!r}"
        assert iso not in seen, f"duplicate country {iso}"
        seen.add(iso)
        assert set(country) <= COUNTRY_FIELDS, f"{iso}: unknown fields {set(country) - COUNTRY_FIELDS}"
        assert isinstance(country.get("name"), str) and country["name"], f"{iso}: no name"
        assert country.get("adjectives"), f"{iso}: no adjectives"
        for field in (
            "aliases",
            "adjectives",
            "invariant_adjectives",
            "demonyms",
            "capital_aliases",
            "ambiguous",
        ):
            values = country.get(field, [])
            assert isinstance(values, list), f"{iso}: {field} must be a list"
            assert all(isinstance(v, str) and v.strip() == v != "" for v in values), f"{iso}: bad {field}"
            assert len(values) == len(set(values)), f"{iso}: duplicate in {field}"
        for adj in country["adjectives"]:
            assert adj[:1].islower() or adj.startswith(("US-", "EU-")), (
                f"{iso}: adjective {adj!r} capitalised"
            )
        known = (
            set(country["adjectives"]) | set(country.get("demonyms", [])) | set(country.get("aliases", []))
        )
        known |= set(country.get("invariant_adjectives", [])) | {country["name"]}
        for amb in country.get("ambiguous", []):
            assert amb in known, f"{iso}: ambiguous entry {amb!r} not among its forms"
        if "capital_aliases" in country:
            assert "capital_de" in country, f"{iso}: capital_aliases without capital_de"


def test_all_un_members_and_extras_present():
    assert len(UN_MEMBERS) == 193
    isos = {c["iso"] for c in countries()}
    assert not UN_MEMBERS - isos, f"UN members missing: {sorted(UN_MEMBERS - isos)}"
    assert not NON_MEMBER_ENTRIES - isos, f"missing: {sorted(NON_MEMBER_ENTRIES - isos)}"
    assert isos == UN_MEMBERS | NON_MEMBER_ENTRIES, (
        f"unexpected entries: {sorted(isos - UN_MEMBERS - NON_MEMBER_ENTRIES)}"
    )


def test_adjectives_shared_only_if_marked_ambiguous():
    owners: dict[str, list[dict]] = defaultdict(list)
    for country in countries():
        for adj in country["adjectives"]:
            owners[adj].append(country)
    for adj, owning in owners.items():
        if len(owning) > 1:
            for country in owning:
                assert adj in country.get("ambiguous", []), (
                    f"adjective {adj!r} shared by {[c['iso'] for c in owning]} must be marked ambiguous"
                )


def test_names_unique_across_countries():
    owners: dict[str, set[str]] = defaultdict(set)
    for country in countries():
        for n in [country["name"], *country.get("aliases", [])]:
            owners[n.casefold()].add(country["iso"])
    clashes = {n: isos for n, isos in owners.items() if len(isos) > 1}
    assert not clashes, f"country names shared: {clashes}"


@pytest.mark.parametrize(
    ("iso", "name", "adjective", "capital"),
    [
        ("RU", "Russland", "russisch", "Moskau"),
        ("KP", "Nordkorea", "nordkoreanisch", "Pjöngjang"),
        ("US", "USA", "US-amerikanisch", "Washington"),
        ("UA", "Ukraine", "ukrainisch", "Kiew"),
        ("KR", "Südkorea", "südkoreanisch", "Seoul"),
        ("DE", "Deutschland", "deutsch", "Berlin"),
        ("CN", "China", "chinesisch", "Peking"),
    ],
)
def test_key_countries(iso, name, adjective, capital):
    country = country_by_iso(iso)
    assert country["name"] == name
    assert adjective in country["adjectives"]
    assert country["capital_de"] == capital


def test_american_names_the_united_states():
    """ "die amerikanische Regierung": German news mean the US; the continent has its own words."""
    us = country_by_iso("US")
    assert "amerikanisch" in us["adjectives"]
    assert "amerikanisch" not in us.get("ambiguous", [])


def test_key_country_forms():
    assert "Kyjiw" in country_by_iso("UA")["capital_aliases"]
    assert "Pyongyang" in country_by_iso("KP")["capital_aliases"]
    assert "Beijing" in country_by_iso("CN")["capital_aliases"]
    assert "Vereinigte Staaten" in country_by_iso("US")["aliases"]
    assert "DVRK" in country_by_iso("KP")["aliases"]
    assert "Russische Föderation" in country_by_iso("RU")["aliases"]
    assert "Nordkoreaner" in country_by_iso("KP")["demonyms"]
    assert {"Russe", "Russin", "Russen"} <= set(country_by_iso("RU")["demonyms"])
    assert "Belarus" in {country_by_iso("BY")["name"], *country_by_iso("BY")["aliases"]}
    assert "Türkei" in {country_by_iso("TR")["name"], *country_by_iso("TR")["aliases"]}
