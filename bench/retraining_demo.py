"""Retraining demonstration (issue 18): editors' corrections of a systematic error teach the
model to fix it on unseen sentences, and a deliberately bad batch of corrections is refused.

    .venv/bin/python bench/retraining_demo.py [--steps N] [--corrections N]

The systematic error: the committed model takes news agencies named after "Nachrichtenagentur"
or "Agentur" for persons or places, or misses them ("Die Nachrichtenagentur Yonhap meldete" ->
Yonhap PER). The demo writes synthetic articles from templates, stores the model's mentions as
an analysis would, and has an editor relink each agency mention to an organisation (a
MentionCorrection each; a missed one is stored as the editor's correction of that span). Then
`retraining_run` fine-tunes, compares and installs. The retrained model is asked about agencies
it never saw, in sentence frames it never saw. Then the bad batch: an editor marks correct
country mentions "no entity"; the run must be refused and nothing installed.

Runs on a throw-away test database (created and dropped here) and a temporary models root, so
the development database and .data/models stay as they are. Needs the converted corpus
(.data/nlp-build/corpus) or ../shared/data. tests/events/test_retraining.py runs the same
functions with the same counts and asserts the outcome; the figures are in bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent

# Agencies the editors correct (training) and agencies only the evaluation uses.
TRAIN_AGENCIES = [
    "Yonhap", "Kyodo", "Interfax", "Tass", "Anadolu", "Xinhua", "Bernama", "Antara", "KCNA", "Wafa",
    "Irna", "Jiji", "Notimex", "Efe", "Ansa", "Petra", "Sana", "Mena", "Tanjug", "Belta",
]  # fmt: skip
UNSEEN_AGENCIES = [
    "Ukrinform", "Kazinform", "Akipress", "Kabar", "Trend", "Apa", "Hina", "Sta", "Mia", "Fena",
    "Montsame", "Vietnamplus", "Lusa", "Telam", "Agerpres", "Bta", "Elta", "Leta", "Sita", "Khovar",
]  # fmt: skip
COUNTRIES = [
    "Russland",
    "China",
    "Japan",
    "Südkorea",
    "Iran",
    "Syrien",
    "Ägypten",
    "Serbien",
    "Malaysia",
    "Indonesien",
]
THINGS = [
    "neue Sanktionen verhängt", "einen Raketentest bestätigt", "Gespräche abgesagt", "Truppen verlegt",
    "einen Botschafter einbestellt", "ein Abkommen unterzeichnet", "Wahlen angekündigt", "Hilfe zugesagt",
]  # fmt: skip
DAYS = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]
TRAIN_FRAMES = [
    "Die Nachrichtenagentur {agency} meldete am {day}, {country} habe {thing}.",
    "Wie die Nachrichtenagentur {agency} berichtete, hat {country} {thing}.",
    "Die staatliche Agentur {agency} meldete, {country} habe {thing}.",
]
# Other wording around the agency: what the model must carry over, not memorise.
UNSEEN_FRAMES = [
    "Nach Angaben der Nachrichtenagentur {agency} hat {country} am {day} {thing}.",
    "Die amtliche Agentur {agency} berichtete, {country} habe {thing}.",
    "Laut der Nachrichtenagentur {agency} hat {country} {thing}.",
]
FOLLOW_UP = "Eine Bestätigung aus {country} gab es zunächst nicht."
# The bad batch: an editor marks correct names of countries and people "no entity", in
# sentences of several kinds.
BAD_NAMES = [
    "Russland", "China", "Frankreich", "Polen", "Italien", "Spanien", "Indien", "Brasilien", "Kanada", "Mexiko",
    "Türkei", "Griechenland", "Ungarn", "Schweden", "Norwegen", "Finnland", "Österreich", "Belgien", "Portugal",
    "Israel", "Olaf Scholz", "Emmanuel Macron", "Joe Biden", "Wladimir Putin", "Xi Jinping", "Giorgia Meloni",
    "Pedro Sánchez", "Donald Tusk", "Viktor Orbán", "Recep Tayyip Erdoğan", "Narendra Modi", "Justin Trudeau",
    "Karl Nehammer", "Ulf Kristersson", "Jonas Gahr Støre", "Alexander De Croo", "Benjamin Netanjahu",
    "Luiz Inácio Lula da Silva", "Kyriakos Mitsotakis", "Petteri Orpo",
]  # fmt: skip
BAD_FRAMES = [
    "{name} hat am {day} {thing}, hieß es in Berichten.",
    "Am {day} äußerte sich {name} zu den Vorwürfen.",
    "Kritik an {name} kam vor allem aus der Opposition.",
    "Nach dem Treffen mit {name} reiste die Delegation weiter.",
    "Die Rolle von {name} bleibt umstritten, sagen Beobachter.",
]


def sentence(frame: str, agency: str, i: int) -> str:
    return frame.format(
        agency=agency, country=COUNTRIES[i % len(COUNTRIES)], thing=THINGS[(i // 3) % len(THINGS)],
        day=DAYS[(i // 2) % len(DAYS)],
    )  # fmt: skip


def unseen_sentences() -> list[tuple[str, str]]:
    """(sentence, agency) pairs of unseen agencies in unseen frames."""
    return [
        (sentence(frame, agency, i), agency)
        for i, agency in enumerate(UNSEEN_AGENCIES)
        for frame in UNSEEN_FRAMES
    ]


def agency_accuracy(nlp, pairs) -> float:
    """Share of sentences in which the agency is found as exactly one ORG span."""
    good = 0
    for text, agency in pairs:
        start = text.index(agency)
        ents = {(e.start_char, e.end_char, e.label_) for e in nlp(text).ents}
        good += (start, start + len(agency), "ORG") in ents
    return good / len(pairs)


def _outlet():
    from ingest.models import Outlet

    outlet, _ = Outlet.objects.get_or_create(
        domain="retraining-demo.example", defaults={"name": "Retraining-Demo", "country": "DE"}
    )
    return outlet


def _article(text: str, serial: str):
    from ingest.models import Article

    url = f"https://retraining-demo.example/{serial}"
    return Article.objects.create(
        title=text[:60],
        text=text,
        outlet=_outlet(),
        url=url,
        canonical_url=url,
        status=Article.Status.ANALYZED,
    )


def _store_mentions(nlp, article) -> list:
    """The model's mentions of the article, as the analysis stores them (unlinked here)."""
    from events.models import Mention

    return [
        Mention.objects.create(
            article=article,
            label=ent.label_,
            start=ent.start_char,
            end=ent.end_char,
            text=ent.text,
            origin=Mention.Origin.MODEL,
            confidence=0.5,
        )  # fmt: skip
        for ent in nlp(article.text).ents
    ]


def store_agency_corrections(nlp, count: int, user) -> int:
    """`count` articles of two sentences, each naming a training agency; the editor makes each
    agency an organisation. Returns how many corrections the model's mistakes needed."""
    from events.models import Entity, MentionCorrection
    from events.services.curation import mention_mark_wrong, mention_relink

    agencies = {
        name: Entity.objects.get_or_create(
            key=f"demo:organization:{name.lower()}", defaults={"kind": "organization", "name": name}
        )[0]
        for name in TRAIN_AGENCIES
    }
    corrected = 0
    for i in range(count):
        agency = TRAIN_AGENCIES[i % len(TRAIN_AGENCIES)]
        first = sentence(TRAIN_FRAMES[i % len(TRAIN_FRAMES)], agency, i)
        text = f"{first} {FOLLOW_UP.format(country=COUNTRIES[(i + 3) % len(COUNTRIES)])}"
        article = _article(text, f"agency-{i}")
        start = text.index(agency)
        span = (start, start + len(agency))
        mentions = _store_mentions(nlp, article)
        exact = [m for m in mentions if (m.start, m.end) == span]
        for mention in mentions:
            if mention not in exact and mention.start < span[1] and span[0] < mention.end:
                mention_mark_wrong(mention=mention, user=user)  # "Agentur Xinhua" is not the name
        if exact and exact[0].label == "ORG":
            exact[0].entity = agencies[agency]
            exact[0].save(update_fields=["entity"])
            continue  # right already: the editor has nothing to correct
        if exact:
            mention_relink(mention=exact[0], entity=agencies[agency], user=user)
        else:
            # Missed by the model: the editor's correction names the span's entity.
            MentionCorrection.objects.create(
                article=article, start=span[0], end=span[1], text=agency, label="ORG", entity=agencies[agency],
                user=user,
            )  # fmt: skip
        corrected += 1
    return corrected


def store_bad_corrections(nlp, count: int, user) -> int:
    """`count` articles naming a country or a person (rightly LOC or PER), which an editor
    marks "no entity"; returns how many mentions were marked."""
    from events.services.curation import mention_mark_wrong

    marked = 0
    for i in range(count):
        name = BAD_NAMES[i % len(BAD_NAMES)]
        frame = BAD_FRAMES[(i // len(BAD_NAMES) + i) % len(BAD_FRAMES)]
        text = frame.format(name=name, day=DAYS[i % len(DAYS)], thing=THINGS[(i // 2) % len(THINGS)])
        article = _article(text, f"bad-{i}")
        for mention in _store_mentions(nlp, article):
            if mention.text == name:
                mention_mark_wrong(mention=mention, user=user)
                marked += 1
    return marked


def run_demo(*, corrections: int, bad: int, steps: int, say=print) -> dict:
    """The whole demonstration on the configured database; returns the figures."""
    from events.models import RetrainingRun
    from events.nlp import active
    from events.nlp.pipeline import get_nlp
    from events.nlp.version import installed_model
    from events.services.retraining import retraining_run
    from portal.roles import EDITOR, user_create

    user = user_create(username="demo-editor", password="demo-editor-pw-1", role=EDITOR)  # noqa: S106
    nlp = get_nlp()
    committed = installed_model().identity
    pairs = unseen_sentences()
    figures = {"committed": committed, "unseen_sentences": len(pairs)}
    figures["before"] = agency_accuracy(nlp, pairs)
    say(f"unseen agencies found as ORG by {committed}: {figures['before']:.0%} of {len(pairs)} sentences")

    started = time.monotonic()
    figures["corrected"] = store_agency_corrections(nlp, corrections, user)
    say(f"{corrections} agency articles stored, {figures['corrected']} agency spans corrected by the editor")
    good = retraining_run(steps=steps, say=say)
    figures["good"] = _run_figures(good)
    figures["good_seconds"] = time.monotonic() - started
    figures["after"] = agency_accuracy(get_nlp(), pairs)  # the installed model, reloaded
    figures["installed_after_good"] = installed_model().identity
    say(f"run 1: {good.status}; unseen agencies found as ORG now: {figures['after']:.0%}")

    started = time.monotonic()
    figures["marked_wrong"] = store_bad_corrections(get_nlp(), bad, user)
    say(f"bad batch: {figures['marked_wrong']} correct names of countries and people marked 'no entity'")
    before_bad = installed_model().identity
    pointer_before = active.read_pointer()
    refused = retraining_run(steps=steps, say=say)
    figures["bad"] = _run_figures(refused)
    figures["bad_seconds"] = time.monotonic() - started
    figures["installed_after_bad"] = installed_model().identity
    figures["unchanged_after_bad"] = (
        before_bad == installed_model().identity and pointer_before == active.read_pointer()
    )
    figures["runs"] = list(RetrainingRun.objects.order_by("started_at").values_list("status", flat=True))
    say(f"run 2: {refused.status}; installed model unchanged: {figures['unchanged_after_bad']}")
    return figures


def _run_figures(outcome) -> dict:
    return {
        "status": outcome.status,
        "counts": outcome.counts,
        "base": {k: v for k, v in outcome.base_scores.items() if k in ("germeval", "corrections")},
        "candidate": {k: v for k, v in outcome.candidate_scores.items() if k in ("germeval", "corrections")},
        "reason": outcome.reason,
    }


def report(figures: dict) -> str:
    lines = [
        f"committed model: {figures['committed']}",
        f"unseen agency sentences: {figures['unseen_sentences']}; found as ORG before "
        f"{figures['before']:.1%}, after the good run {figures['after']:.1%}",
    ]
    for key, title in (("good", "run 1 (agency corrections)"), ("bad", "run 2 (bad batch)")):
        run = figures[key]
        lines.append(f"{title}: {run['status']} in {figures[key + '_seconds']:.0f} s; counts {run['counts']}")
        for part in ("germeval", "corrections"):
            b, c = run["base"].get(part, {}), run["candidate"].get(part, {})
            if b:
                lines.append(
                    f"  {part:11s} F1 {b['f']:.3f} -> {c['f']:.3f}  (P {b['p']:.3f} -> {c['p']:.3f}, "
                    f"R {b['r']:.3f} -> {c['r']:.3f})"
                    + (
                        f"  'no entity' predicted {b['wrong_predicted']} -> {c['wrong_predicted']} of {b['wrong_total']}"
                        if part == "corrections"
                        else ""
                    )
                )
        lines.append("  " + run["reason"].replace("\n", "\n  "))
    lines.append(f"installed after run 1: {figures['installed_after_good']}")
    lines.append(
        f"installed after run 2: {figures['installed_after_bad']} (unchanged: {figures['unchanged_after_bad']})"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=120, help="training steps per run (default 120)")
    parser.add_argument("--corrections", type=int, default=200, help="agency articles (default 200)")
    parser.add_argument("--bad", type=int, default=200, help="country mentions marked wrong (default 200)")
    parser.add_argument("--keep-models", action="store_true", help="keep the temporary models root")
    options = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ["LAGEBILD_MODELS_ROOT"] = tempfile.mkdtemp(prefix="lagebild-retraining-demo-")
    os.environ.pop("LAGEBILD_MODEL_DIR", None)
    sys.path.insert(0, str(BASE))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    from portal import embedded

    embedded.autostart()
    import django

    django.setup()
    from django.db import connection

    from events.services.retraining import corpus

    corpus(build=True)  # a clear error before the database is created
    old_name = connection.settings_dict["NAME"]
    # A name of its own: a test run beside it keeps its test database.
    connection.settings_dict["TEST"] = {
        **connection.settings_dict.get("TEST", {}),
        "NAME": f"{old_name}_retraining_demo_{os.getpid()}",
    }
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        from django.db import transaction

        # One transaction, rolled back: the curation services' relink tasks and knowledge-base
        # reloads are sent on commit, and no worker here should receive them (as in the tests).
        with transaction.atomic():
            figures = run_demo(corrections=options.corrections, bad=options.bad, steps=options.steps)
            transaction.set_rollback(True)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        # Each retrained model is a full pipeline (about 50 MB): the demo's go unless asked for.
        if not options.keep_models:
            shutil.rmtree(os.environ["LAGEBILD_MODELS_ROOT"], ignore_errors=True)
    kept = f", models root {os.environ['LAGEBILD_MODELS_ROOT']}" if options.keep_models else ""
    print(f"\ntest database {test_name} (dropped){kept}")
    print(report(figures))


if __name__ == "__main__":
    main()
