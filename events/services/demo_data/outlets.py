"""Plausible German-language outlets for the demo archive, beside the real ones.

Names are made from the knowledge base's towns in Germany, Austria and Switzerland and the
words newspapers call themselves by; every one has its own domain. The list depends on the
knowledge base only (not on the seed), so several seeds share it, and deleting a seed's data
removes an outlet only when no article of any seed or import is left with it.
"""

from __future__ import annotations

import random
import re

from events.models import Entity
from ingest.models import Outlet

GENERATED_OUTLETS = 320
NAME_PATTERNS = (
    "{town}er Rundschau", "{town}er Nachrichten", "{town}er Zeitung", "{town}er Anzeiger", "Kurier {town}",
    "Tageblatt {town}", "Neue Presse {town}", "{town} aktuell", "Allgemeine Zeitung {town}", "{town}er Post",
    "Volksblatt {town}", "Stadtanzeiger {town}", "Radio {town}", "{town}er Morgen", "Abendblatt {town}",
)  # fmt: skip
TOP_LEVEL = {"DE": "de", "AT": "at", "CH": "ch"}
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower().translate(_UMLAUTS)).strip("-")


def generated_outlets() -> list[dict]:
    """The demo outlets (name, domain, country), always the same for the same knowledge base."""
    towns = list(
        Entity.objects.filter(kind="place", country__in=TOP_LEVEL, provisional=False)
        .exclude(name__contains=" ")
        .exclude(name__contains="(")
        .order_by("-population", "pk")
        .values_list("name", "country")[:GENERATED_OUTLETS]
    )
    rng = random.Random("demo-outlets")
    outlets, domains = [], set()
    # One outlet per town first; a knowledge base with few towns gives them several.
    for _round in range(len(NAME_PATTERNS)):
        for town, country in towns:
            name = rng.choice(NAME_PATTERNS).format(town=town)
            domain = f"{slug(name)}.{TOP_LEVEL[country]}"
            if domain not in domains and len(outlets) < GENERATED_OUTLETS:
                domains.add(domain)
                outlets.append({"name": name, "domain": domain, "country": country})
    return outlets


def ensure_outlets(seed: int) -> list[int]:
    """Ids of every outlet the demo articles are spread over: the real ones and the generated
    ones (created when missing), in an order of the seed (the first ones get the most articles)."""
    wanted = generated_outlets()
    have = set(
        Outlet.objects.filter(domain__in=[o["domain"] for o in wanted]).values_list("domain", flat=True)
    )
    Outlet.objects.bulk_create(
        [Outlet(language="de", **o) for o in wanted if o["domain"] not in have], ignore_conflicts=True
    )
    ids = list(Outlet.objects.order_by("pk").values_list("pk", flat=True))
    random.Random(f"{seed}:outlets").shuffle(ids)
    return ids


def remove_unused_outlets() -> int:
    """Delete generated outlets no article or source uses any more; returns how many."""
    domains = [o["domain"] for o in generated_outlets()]
    unused = Outlet.objects.filter(domain__in=domains, articles__isnull=True, sources__isnull=True)
    return Outlet.objects.filter(pk__in=list(unused.values_list("pk", flat=True))).delete()[0]
