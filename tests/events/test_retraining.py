"""Retraining from corrections (issue 18): the examples built from editors' corrections, the
"not worse" decision, the pointer to the active model, the admins' page, the command, the
task's lock, and the demonstration (corrections of a systematic error fix it on unseen
sentences; a bad batch is refused)."""

from __future__ import annotations

import json
import os
import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from events.models import Curation, Entity, Mention, MentionCorrection, RetrainingRun
from events.nlp import active
from events.nlp.retrain import GERMEVAL_TOLERANCE, decide
from events.services import retraining
from events.services.curation import entity_confirm, mention_mark_wrong, mention_relink
from events.training import correction_records, is_heldout, split_examples, training_examples
from ingest.models import Article
from tests import factories

# The committed model's version ("0.2.0"), whatever `make model` last wrote.
VERSION = json.loads((active.COMMITTED_DIR / "meta.json").read_text(encoding="utf-8"))["version"]

CORPUS = retraining.corpus.__globals__["settings"].RETRAIN_CORPUS_DIR  # the configured one

TEXT = (
    "Die Regierung in Seoul äußerte sich nicht. "
    "Die Nachrichtenagentur Yonhap meldete, Kim Jong Un habe in Pjöngjang die russische Delegation empfangen."
)


def has_corpus() -> bool:
    return all((CORPUS / name).is_file() for name in ("ner_train.spacy", "ner_ft.spacy", "ner_eval.spacy"))


needs_corpus = pytest.mark.skipif(
    not has_corpus(),
    reason=f"the converted training corpus ({CORPUS}) is missing: build it with "
    "`python -m events.nlp.train` from ../shared/data",
)


@pytest.fixture
def models_root(tmp_path, monkeypatch):
    """An empty models root of the test's own: what it installs goes away with it."""
    root = tmp_path / "models"
    monkeypatch.setenv("LAGEBILD_MODELS_ROOT", str(root))
    monkeypatch.delenv("LAGEBILD_MODEL_DIR", raising=False)
    return root


@pytest.fixture
def no_lock():
    from portal.health import redis_client

    redis_client().delete(retraining.LOCK_KEY)
    yield
    redis_client().delete(retraining.LOCK_KEY)


def at(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def stored(article: Article, needle: str, label: str, entity=None, kind=Mention.Kind.NAME) -> Mention:
    start, end = at(article.text, needle)
    return Mention.objects.create(
        article=article, entity=entity, label=label, kind=kind, start=start, end=end, text=needle
    )


@pytest.fixture
def article(db):
    return factories.article("Yonhap", TEXT, factories.outlet("Tagesschau"), indexed=False)


# --- the examples ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_relinked_mention_trains_with_its_new_entitys_label_in_its_whole_sentence(article, editor):
    yonhap = Entity.objects.create(key="organization:yonhap", kind="organization", name="Yonhap")
    wrong = stored(article, "Yonhap", "PER")  # the model took the agency for a person
    stored(article, "Kim Jong Un", "PER")
    stored(article, "Pjöngjang", "LOC")
    stored(article, "russische", "MISC", kind=Mention.Kind.ADJECTIVE)
    stored(article, "Seoul", "LOC")  # another sentence: not part of the example
    mention_relink(mention=wrong, entity=yonhap, user=editor)

    assert MentionCorrection.objects.get().label == "ORG"  # the new entity's, not the old PER
    assert next(correction_records(MentionCorrection.objects.all()))["label"] == "ORG"
    [example] = training_examples()
    assert example.text.startswith("Die Nachrichtenagentur Yonhap meldete") and "Seoul" not in example.text
    spans = {example.text[s:e]: label for s, e, label in example.entities}
    assert spans == {"Yonhap": "ORG", "Kim Jong Un": "PER", "Pjöngjang": "LOC"}
    # An adjective mention is no NER entity: the model is told nothing about it.
    assert [example.text[s:e] for s, e in example.unknown] == ["russische"]
    assert example.corrected == 1 and example.outside == []


@pytest.mark.django_db
def test_an_older_correction_with_the_old_label_still_trains_with_the_entitys_label(article, editor):
    yonhap = Entity.objects.create(key="organization:yonhap", kind="organization", name="Yonhap")
    start, end = at(TEXT, "Yonhap")
    MentionCorrection.objects.create(
        article=article, start=start, end=end, text="Yonhap", label="PER", entity=yonhap
    )
    [example] = training_examples()
    assert [(example.text[s:e], label) for s, e, label in example.entities] == [("Yonhap", "ORG")]


@pytest.mark.django_db
def test_a_span_marked_wrong_is_an_explicit_no_entity(article, editor):
    stored(article, "Kim Jong Un", "PER")
    wrong = stored(article, "Nachrichtenagentur", "ORG")
    mention_mark_wrong(mention=wrong, user=editor)
    [example] = training_examples()
    assert [example.text[s:e] for s, e in example.outside] == ["Nachrichtenagentur"]
    assert [example.text[s:e] for s, e, _ in example.entities] == ["Kim Jong Un"]


@pytest.mark.django_db
def test_confirmed_entities_give_their_mentions_sentences(article, editor):
    kim = Entity.objects.create(
        key="provisional:person:kim", kind="person", name="Kim Jong Un", provisional=True
    )
    stored(article, "Kim Jong Un", "PER", entity=kim)
    stored(article, "Seoul", "LOC")
    assert training_examples() == []  # provisional: nothing confirmed yet
    entity_confirm(entity=kim, user=editor)
    assert Curation.objects.filter(action=Curation.Action.CONFIRM).exists()
    [example] = training_examples()
    assert example.confirmed == 1 and example.corrected == 0
    assert [example.text[s:e] for s, e, _ in example.entities] == ["Kim Jong Un"]


@pytest.mark.django_db
def test_the_migration_gives_older_relink_corrections_their_entitys_label(article):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("events.migrations.0021_correction_labels")
    yonhap = Entity.objects.create(key="organization:yonhap", kind="organization", name="Yonhap")
    start, end = at(TEXT, "Yonhap")
    relinked = MentionCorrection.objects.create(
        article=article, start=start, end=end, text="Yonhap", label="PER", entity=yonhap
    )
    start, end = at(TEXT, "Pjöngjang")
    wrong = MentionCorrection.objects.create(
        article=article, start=start, end=end, text="Pjöngjang", label="LOC", entity=None, wrong=True
    )
    migration.forwards(apps, None)
    relinked.refresh_from_db()
    wrong.refresh_from_db()
    assert (relinked.pk, relinked.label) == (relinked.pk, "ORG") and wrong.label == "LOC"


def test_the_held_out_slice_is_a_fifth_of_the_articles_and_the_same_every_time():
    held = [i for i in range(1, 2001) if is_heldout(i)]
    assert 0.17 < len(held) / 2000 < 0.23
    assert held == [i for i in range(1, 2001) if is_heldout(i)]


@pytest.mark.django_db
def test_an_article_is_never_on_both_sides(editor):
    source = factories.outlet("Tagesschau")
    for i in range(30):
        text = f"Die Agentur Yonhap meldete das am Montag. Die Agentur Kyodo meldete es am Dienstag {i}."
        a = factories.article(f"a{i}", text, source, indexed=False)
        for name in ("Yonhap", "Kyodo"):
            mention_mark_wrong(mention=stored(a, name, "PER"), user=editor)
    train, heldout = split_examples(training_examples())
    assert len(train) + len(heldout) == 60 and heldout
    assert not {e.article_id for e in train} & {e.article_id for e in heldout}


# --- the decision ------------------------------------------------------------------------------


def scores(germeval: float, corrections: float | None = None, wrong: int = 0) -> dict:
    out = {"germeval": {"f": germeval}}
    if corrections is not None:
        out["corrections"] = {"f": corrections, "wrong_predicted": wrong, "sentences": 10}
    return out


def test_a_model_not_worse_on_either_is_installed():
    install, checks = decide(scores(0.670, 0.50, 3), scores(0.670 - GERMEVAL_TOLERANCE / 2, 0.90, 1))
    assert install and [c["check"] for c in checks] == ["germeval_f", "corrections_f", "wrong_predicted"]
    assert all(c["ok"] for c in checks)


@pytest.mark.parametrize(
    "candidate, failed",
    [
        (scores(0.670 - GERMEVAL_TOLERANCE - 0.001, 0.90, 1), "germeval_f"),  # forgot what it knew
        (scores(0.675, 0.45, 1), "corrections_f"),  # worse on the held-out corrections
        (scores(0.675, 0.60, 4), "wrong_predicted"),  # finds more of what editors removed
    ],
)
def test_a_model_worse_on_one_is_refused(candidate, failed):
    install, checks = decide(scores(0.670, 0.50, 3), candidate)
    assert not install
    assert [c["check"] for c in checks if not c["ok"]] == [failed]


def test_without_held_out_corrections_the_germeval_half_decides():
    install, checks = decide(scores(0.670), scores(0.669, None))
    assert install and [c["check"] for c in checks] == ["germeval_f"]


# --- the pointer to the active model ------------------------------------------------------------


def fake_model(root, name: str) -> object:
    directory = root / name
    directory.mkdir(parents=True)
    (directory / "meta.json").write_text(json.dumps({"name": "lagebild_de", "version": name}))
    return directory


def test_installing_and_rolling_back_swap_the_pointer(models_root):
    assert active.active_model_dir() == active.COMMITTED_DIR  # nothing installed
    first = fake_model(models_root, "first")
    active.activate(first, base_digest=active.committed_digest())
    assert active.active_model_dir() == first
    second = fake_model(models_root, "second")
    active.activate(second, base_digest=active.committed_digest())
    assert active.active_model_dir() == second and active.read_pointer().previous == "first"
    active.rollback()
    assert active.active_model_dir() == first
    active.rollback()
    assert active.active_model_dir() == active.COMMITTED_DIR
    active.activate(second, base_digest=active.committed_digest())
    active.use_committed()
    assert active.active_model_dir() == active.COMMITTED_DIR
    assert first.is_dir() and second.is_dir()  # kept for the record
    assert not list(models_root.glob(".*.tmp"))  # the pointer's temporary file was renamed


def test_a_model_retrained_from_an_older_committed_model_is_ignored(models_root):
    old = fake_model(models_root, "old-base")
    active.activate(old, base_digest="0123456789ab")  # another committed model than this one
    assert active.active_model_dir() == active.COMMITTED_DIR


def test_a_directory_outside_the_root_is_never_activated(models_root, tmp_path):
    with pytest.raises(ValueError):
        active.activate(fake_model(tmp_path, "elsewhere"), base_digest=active.committed_digest())


def test_the_env_names_one_model_outright(models_root, monkeypatch, tmp_path):
    monkeypatch.setenv("LAGEBILD_MODEL_DIR", str(tmp_path / "mine"))
    assert active.active_model_dir() == tmp_path / "mine"


def test_a_running_process_loads_a_newly_installed_model_without_restart(models_root):
    from events.nlp.pipeline import get_nlp
    from events.nlp.version import analysing_model_version, installed_model, model_version

    committed = get_nlp()
    copy = models_root / "copy"
    shutil.copytree(active.COMMITTED_DIR, copy)
    meta = json.loads((copy / "meta.json").read_text())
    (copy / "meta.json").write_text(json.dumps({**meta, "version": f"{VERSION}+retrained.test"}))
    before = analysing_model_version()
    active.activate(copy, base_digest=active.committed_digest())
    # Installed, not yet loaded: an analysis under way records the model it parsed with.
    assert f"{VERSION}+retrained.test" in model_version() and analysing_model_version() == before
    assert get_nlp() is not committed and get_nlp() is get_nlp()
    assert f"{VERSION}+retrained.test" in installed_model().identity == analysing_model_version()
    active.use_committed()
    assert installed_model().version == VERSION
    assert get_nlp().meta["version"] == VERSION


# --- the admins' page ----------------------------------------------------------------------------


def run_row(status: str, **fields) -> RetrainingRun:
    checks = [
        {"check": "germeval_f", "base": 0.670, "candidate": 0.668, "ok": True},
        {"check": "corrections_f", "base": 0.41, "candidate": 0.93, "ok": status == "installed"},
        {"check": "wrong_predicted", "base": 2, "candidate": 0, "ok": True},
    ]
    return RetrainingRun.objects.create(
        status=status, steps=200, counts={"corrected_spans": 180, "confirmed_mentions": 4, "train_sentences": 150,
                                          "heldout_sentences": 34},
        candidate_scores={"checks": checks}, installed_model="lagebild_de 0.1.0+retrained (abcdef012345)",
        **fields,
    )  # fmt: skip


@pytest.mark.django_db
def test_the_page_shows_the_last_runs_with_their_decision_and_figures(client, admin_user):
    run_row("installed")
    run_row("refused")
    RetrainingRun.objects.create(status="failed", reason="OSError: disk full")
    factories.login(client, admin_user)
    page = client.get("/model/").content.decode()
    assert "Nachtraining aus Korrekturen" in page
    assert page.count('class="retraining-run') == 3
    assert "installiert" in page and "abgelehnt" in page and "fehlgeschlagen" in page
    assert (
        "Zurückgehaltene GermEval-Hälfte, F1 (PER, LOC, ORG)" in page and "0,670" in page and "0,668" in page
    )
    assert "schlechter" in page and "nicht schlechter" in page
    assert "180 korrigierte Stellen, 4 Erwähnungen bestätigter Entitäten" in page
    assert "OSError: disk full" in page
    assert "Jetzt aus Korrekturen nachtrainieren" in page


@pytest.mark.django_db
def test_only_admins_start_a_run_and_a_click_sends_one_task(client, editor, admin_user, no_lock, monkeypatch):
    from ingest import pipeline

    sent = []
    monkeypatch.setattr(pipeline, "send", lambda task, *args: sent.append(task.name) or True)
    factories.login(client, editor)
    assert client.get("/model/").status_code == 403
    assert client.post("/model/retrain/").status_code == 403
    factories.login(client, admin_user)
    assert client.get("/model/retrain/").status_code == 405
    response = client.post("/model/retrain/", follow=True)
    assert response.redirect_chain == [("/model/", 302)]
    assert "Das Nachtraining hat begonnen" in response.content.decode()
    assert sent == ["events.tasks.retrain_model"]


# --- the command and the task --------------------------------------------------------------------


@needs_corpus
@pytest.mark.django_db
def test_the_command_with_nothing_to_learn_records_so(models_root, no_lock):
    out = StringIO()
    call_command("retrain", stdout=out, stderr=StringIO())
    run = RetrainingRun.objects.get()
    assert run.status == RetrainingRun.Status.NOTHING and run.finished_at
    assert "decision: nothing" in out.getvalue() and "sentences: 0 in 0 articles" in out.getvalue()
    assert active.read_pointer() is None


@pytest.mark.django_db
def test_the_command_says_clearly_when_there_is_no_corpus(tmp_path, monkeypatch, no_lock):
    from events.nlp.train import convert

    monkeypatch.setattr(convert, "DATA", tmp_path / "no-shared-data")
    with override_settings(RETRAIN_CORPUS_DIR=tmp_path / "no-corpus"), pytest.raises(CommandError) as error:
        call_command("retrain", stdout=StringIO())
    assert "Kein Trainingskorpus" in str(error.value) and "ner_train.spacy" in str(error.value)
    assert not RetrainingRun.objects.exists()


@pytest.mark.django_db
def test_two_runs_never_overlap(no_lock):
    from events.tasks import retrain_model
    from portal.health import redis_client

    redis_client().set(retraining.LOCK_KEY, "another run", ex=60)
    with pytest.raises(CommandError, match="läuft bereits"):
        call_command("retrain", stdout=StringIO())
    assert retrain_model.apply().get() == "busy"
    assert not RetrainingRun.objects.exists()
    assert redis_client().get(retraining.LOCK_KEY) == b"another run"  # not released by the refused one


def test_the_task_goes_to_the_nlp_queue_and_beat_runs_it_weekly():
    from portal.celery import app

    assert app.conf.task_routes["events.tasks.retrain_model"] == {"queue": "nlp"}
    entry = app.conf.beat_schedule["retrain-model"]
    assert entry["task"] == "events.tasks.retrain_model"
    assert entry["schedule"] == float(os.getenv("RETRAIN_SCHEDULE_SECONDS", 7 * 24 * 3600))


@pytest.mark.django_db
def test_the_command_goes_back_to_the_committed_model(models_root):
    active.activate(fake_model(models_root, "retrained"), base_digest=active.committed_digest())
    out = StringIO()
    call_command("retrain", "--use-committed", stdout=out)
    assert active.active_model_dir() == active.COMMITTED_DIR
    assert f"lagebild_de {VERSION}" in out.getvalue()


@pytest.fixture
def quick_training(tmp_path, monkeypatch):
    """The run's steps with no training and set GermEval figures (the demonstration trains
    for real): returns the dict whose "candidate" F1 the retrained model scores."""
    from events.nlp import retrain as nlp_retrain

    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    for name in ("ner_train.spacy", "ner_ft.spacy", "ner_eval.spacy"):
        (corpus_dir / name).write_bytes(b"")
    figures = {"calls": 0, "base": 0.670, "candidate": 0.671}

    def germeval(nlp, path):
        figures["calls"] += 1
        f = figures["base"] if figures["calls"] % 2 else figures["candidate"]
        return {"p": f, "r": f, "f": f, "gold": 1000, "per_label": {"PER": {"p": f, "r": f, "f": f}}}

    monkeypatch.setattr(nlp_retrain, "germeval_scores", germeval)
    monkeypatch.setattr(nlp_retrain, "sample_original", lambda *args, **kwargs: [])
    monkeypatch.setattr(nlp_retrain, "finetune", lambda *args, **kwargs: {"ner": 1.0})
    with override_settings(RETRAIN_CORPUS_DIR=corpus_dir):
        yield figures


def corrected_articles(editor, count: int = 12) -> None:
    yonhap = Entity.objects.create(key="organization:yonhap", kind="organization", name="Yonhap")
    source = factories.outlet("Tagesschau")
    for i in range(count):
        a = factories.article(f"a{i}", TEXT, source, indexed=False)
        mention_relink(mention=stored(a, "Yonhap", "PER"), entity=yonhap, user=editor)


@pytest.mark.slow
@pytest.mark.django_db
def test_a_run_not_worse_installs_a_new_model_with_its_provenance(
    models_root, no_lock, quick_training, editor, client, admin_user
):
    corrected_articles(editor)
    out = StringIO()
    call_command("retrain", "--steps", "3", stdout=out, stderr=StringIO())
    run = RetrainingRun.objects.get()
    assert run.status == RetrainingRun.Status.INSTALLED and run.steps == 3
    assert (
        run.base_model.startswith(f"lagebild_de {VERSION} (") and run.installed_model == run.candidate_model
    )
    assert "+retrained." in run.installed_model
    assert run.counts["corrected_spans"] == 12
    assert run.counts["train_sentences"] + run.counts["heldout_sentences"] == 12
    assert [c["check"] for c in run.candidate_scores["checks"]][0] == "germeval_f"
    directory = active.active_model_dir()
    assert directory.parent == models_root and active.read_pointer().base_digest == active.committed_digest()
    meta = json.loads((directory / "meta.json").read_text())
    assert meta["provenance"]["retrained_from"] == run.base_model
    assert meta["provenance"]["corrected_spans"] == 12 and meta["trained_at"]
    assert meta["performance"]["ents_f"] == 0.671
    text = out.getvalue()
    assert "decision: installed" in text and "held-out GermEval F" in text and run.installed_model in text
    assert not retraining.retraining_running()  # the lock is released
    factories.login(client, admin_user)
    page = client.get("/model/").content.decode()
    assert run.installed_model in page and "Nachtrainiert aus" in page and "12 korrigierte Stellen" in page


@pytest.mark.slow
@pytest.mark.django_db
def test_the_weekly_task_installs_and_starts_the_re_analysis(
    models_root, no_lock, quick_training, editor, monkeypatch
):
    from events.services import reanalysis
    from events.tasks import retrain_model

    started = []
    monkeypatch.setattr(reanalysis, "reanalysis_start", lambda *args: started.append(True))
    corrected_articles(editor)
    assert retrain_model.apply().get() == "installed"
    assert started == [True]
    quick_training.update(calls=0, candidate=0.5)  # now worse: nothing installed, nothing started
    assert retrain_model.apply().get() == "refused" and started == [True]


@pytest.mark.slow
@pytest.mark.django_db
def test_a_worse_run_or_a_dry_run_installs_nothing(models_root, no_lock, quick_training, editor):
    corrected_articles(editor)
    out = StringIO()
    call_command("retrain", "--dry-run", stdout=out, stderr=StringIO())
    assert "decision: dry run: would be installed" in out.getvalue()
    assert not RetrainingRun.objects.exists() and active.read_pointer() is None
    quick_training.update(calls=0, candidate=0.670 - GERMEVAL_TOLERANCE - 0.01)
    out = StringIO()
    call_command("retrain", stdout=out, stderr=StringIO())
    run = RetrainingRun.objects.get()
    assert run.status == RetrainingRun.Status.REFUSED and run.candidate_model == ""
    assert run.installed_model == run.base_model and "not installed" in run.reason
    assert active.read_pointer() is None and not list(models_root.glob("lagebild_de-*"))
    assert "decision: refused" in out.getvalue() and "(WORSE)" in out.getvalue()


# --- the demonstration ---------------------------------------------------------------------------


@needs_corpus
@pytest.mark.slow
@pytest.mark.django_db
def test_corrections_of_a_systematic_error_fix_it_and_a_bad_batch_is_refused(models_root, no_lock):
    """bench/retraining_demo.py, asserted (bench/README.md has its figures; about 140 s)."""
    from bench.retraining_demo import run_demo

    figures = run_demo(corrections=200, bad=200, steps=DEMO_STEPS, say=lambda line: None)
    # The committed model finds few unseen agencies as organisations; the retrained one most.
    assert figures["before"] < 0.3
    assert figures["good"]["status"] == "installed", figures["good"]["reason"]
    assert figures["after"] > 0.7
    assert figures["installed_after_good"] != figures["committed"]
    # The bad batch: the held-out GermEval half refuses it, and nothing changes.
    assert figures["bad"]["status"] == "refused", figures["bad"]["reason"]
    assert figures["unchanged_after_bad"]
    assert figures["runs"] == ["installed", "refused"]
    installed = json.loads((active.active_model_dir() / "meta.json").read_text())
    assert installed["provenance"]["retrained_from"] == figures["committed"]
    assert installed["provenance"]["base_digest"] == active.committed_digest()
    assert installed["trained_at"] and installed["performance"]["ents_f"] > 0


DEMO_STEPS = 120
