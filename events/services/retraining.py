"""Retraining from editors' corrections (issue 18): build the examples, fine-tune the active
model's NER on them mixed with the original training data, compare the result with the
active model on the held-out GermEval half and the held-out corrections, and install it only
if it is not worse on either. Every run is recorded as a RetrainingRun.

One run at a time (a Redis lock). Runs in the calling process, on one core: the command,
or the weekly task on the nlp queue's machine.
"""

from __future__ import annotations

import logging
import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from events.models import MentionCorrection, RetrainingRun
from events.nlp import active
from events.training import TrainingExample, split_examples, training_examples

logger = logging.getLogger(__name__)

LOCK_KEY = "lagebild:retraining:running"
# Longer than any run; a run that died leaves the lock to expire.
LOCK_SECONDS = 6 * 3600
SEED = 0


class RetrainingBusy(Exception):
    """Another run holds the lock."""


class CorpusMissing(Exception):
    """Neither the converted training corpus nor the data to build it is there."""


@dataclass
class Corpus:
    train: Path  # the original NER training data (all sources)
    finetune: Path  # the GermEval training half: the committed NER's last training stage
    heldout: Path  # the held-out GermEval half (never trained on)

    def files(self) -> list[Path]:
        return [self.train, self.finetune, self.heldout]


def corpus(build: bool = True) -> Corpus:
    """The converted corpus; built from ../shared/data when it is missing and that exists."""
    directory = Path(settings.RETRAIN_CORPUS_DIR)
    found = Corpus(directory / "ner_train.spacy", directory / "ner_ft.spacy", directory / "ner_eval.spacy")
    if all(path.is_file() for path in found.files()):
        return found
    from events.nlp.train import convert

    if build and convert.DATA.is_dir():
        logger.info("building the training corpus in %s from %s", directory, convert.DATA)
        convert.convert(directory, log=logger.info)
        if all(path.is_file() for path in found.files()):
            return found
    raise CorpusMissing(
        f"{found.train} is missing and {convert.DATA} (the shared data to build it from) is not there."
    )


def _acquire_lock() -> str:
    from portal.health import redis_client

    token = uuid.uuid4().hex
    if not redis_client().set(LOCK_KEY, token, nx=True, ex=LOCK_SECONDS):
        raise RetrainingBusy("a retraining run is under way")
    return token


def _release_lock(token: str) -> None:
    from portal.health import redis_client

    client = redis_client()
    if client.get(LOCK_KEY) == token.encode():
        client.delete(LOCK_KEY)


def retraining_running() -> bool:
    from portal.health import redis_client

    return bool(redis_client().exists(LOCK_KEY))


@dataclass
class Outcome:
    status: str
    counts: dict
    base_scores: dict
    candidate_scores: dict
    checks: list[dict]
    reason: str
    base_model: str
    candidate_model: str = ""
    installed_model: str = ""
    run: RetrainingRun | None = None  # None for a dry run


def retraining_run(
    *,
    steps: int | None = None,
    dry_run: bool = False,
    progress: Callable[[int, float], None] | None = None,
    say: Callable[[str], None] = logger.info,
) -> Outcome:
    """One retraining run. A dry run trains and evaluates but installs and records nothing.
    Raises RetrainingBusy while another run holds the lock, CorpusMissing without data."""
    steps = steps or settings.RETRAIN_STEPS
    token = _acquire_lock()
    run = None
    try:
        data = corpus()
        if not dry_run:
            # Rows left "running" by a process that died: with the lock held, none runs now.
            RetrainingRun.objects.filter(status=RetrainingRun.Status.RUNNING).update(
                status=RetrainingRun.Status.FAILED, finished_at=timezone.now(), reason="interrupted"
            )
            run = RetrainingRun.objects.create(steps=steps)
        try:
            outcome = _run(data, steps=steps, dry_run=dry_run, progress=progress, say=say)
        except Exception as exc:
            if run is not None:
                _finish(run, status=RetrainingRun.Status.FAILED, reason=f"{type(exc).__name__}: {exc}")
            raise
        if run is not None:
            _finish(
                run,
                status=outcome.status,
                counts=outcome.counts,
                base_model=outcome.base_model,
                candidate_model=outcome.candidate_model,
                base_scores=outcome.base_scores,
                candidate_scores={**outcome.candidate_scores, "checks": outcome.checks},
                reason=outcome.reason,
                installed_model=outcome.installed_model,
            )
            outcome.run = run
        return outcome
    finally:
        _release_lock(token)


def _finish(run: RetrainingRun, **fields) -> None:
    for name, value in fields.items():
        setattr(run, name, value)
    run.finished_at = timezone.now()
    run.save()


def _counts(examples: list[TrainingExample], train, heldout) -> dict:
    return {
        "corrections": MentionCorrection.objects.count(),
        "corrected_spans": sum(e.corrected for e in examples),
        "confirmed_mentions": sum(e.confirmed for e in examples),
        "sentences": len(examples),
        "train_sentences": len(train),
        "heldout_sentences": len(heldout),
        "articles": len({e.article_id for e in examples}),
    }


def _run(data: Corpus, *, steps: int, dry_run: bool, progress, say) -> Outcome:
    # spaCy is imported here, not with this module: the admin page imports this service, and
    # the web and fetch processes need no NLP library (seconds of start-up, ~100 MB each).
    from events.nlp import retrain as nlp_retrain
    from events.nlp.pipeline import load_pipeline
    from events.nlp.version import read_model_info

    examples = training_examples()
    train, heldout = split_examples(examples)
    counts = _counts(examples, train, heldout)
    base_dir = active.active_model_dir()
    base_info = read_model_info(base_dir)
    say(
        f"{counts['sentences']} sentences ({counts['corrected_spans']} corrected spans, "
        f"{counts['confirmed_mentions']} mentions of confirmed entities) in {counts['articles']} articles: "
        f"{len(train)} to train on, {len(heldout)} held out"
    )
    if not train:
        return Outcome(
            status=RetrainingRun.Status.NOTHING, counts=counts, base_scores={}, candidate_scores={}, checks=[],
            reason="no corrected sentence to train on", base_model=base_info.identity,
            installed_model=base_info.identity,
        )  # fmt: skip

    nlp = load_pipeline(base_dir)  # a copy of its own: the process's get_nlp() stays as it is
    train_docs = [nlp_retrain.example_doc(nlp, e.text, e.entities, e.outside, e.unknown) for e in train]
    heldout_docs = [nlp_retrain.example_doc(nlp, e.text, e.entities, e.outside, e.unknown) for e in heldout]
    say("scoring the installed model")
    base_scores = {
        "germeval": nlp_retrain.germeval_scores(nlp, data.heldout),
        "corrections": nlp_retrain.corrections_scores(nlp, heldout_docs),
    }
    wanted = steps * settings.RETRAIN_ORIGINAL_PER_BATCH
    from_finetune = round(wanted * settings.RETRAIN_FINETUNE_SHARE)
    original = nlp_retrain.sample_original(data.finetune, nlp.vocab, from_finetune, seed=SEED)
    original += nlp_retrain.sample_original(data.train, nlp.vocab, wanted - from_finetune, seed=SEED)
    say(f"fine-tuning the NER for {steps} steps")
    losses = nlp_retrain.finetune(
        nlp, train_docs, original, steps=steps, seed=SEED,
        corrections_per_batch=settings.RETRAIN_CORRECTIONS_PER_BATCH,
        original_per_batch=settings.RETRAIN_ORIGINAL_PER_BATCH, progress=progress,
    )  # fmt: skip
    say("scoring the retrained model")
    candidate_scores = {
        "germeval": nlp_retrain.germeval_scores(nlp, data.heldout),
        "corrections": nlp_retrain.corrections_scores(nlp, heldout_docs),
        "loss": losses.get("ner", 0.0),
    }
    install, checks = nlp_retrain.decide(base_scores, candidate_scores)
    reason = nlp_retrain.describe(checks)
    if dry_run or not install:
        # A dry run reports what the decision would be ("installed": would be) and stops here.
        return Outcome(
            status=RetrainingRun.Status.REFUSED if not install else RetrainingRun.Status.INSTALLED,
            counts=counts, base_scores=base_scores, candidate_scores=candidate_scores, checks=checks,
            reason=reason if install else f"not installed:\n{reason}", base_model=base_info.identity,
            installed_model=base_info.identity,
        )  # fmt: skip
    directory = _save(nlp, base_info, candidate_scores, counts, steps)
    installed = read_model_info(directory)
    active.activate(directory, base_digest=active.committed_digest())
    say(f"installed {installed.identity}")
    return Outcome(
        status=RetrainingRun.Status.INSTALLED, counts=counts, base_scores=base_scores,
        candidate_scores=candidate_scores, checks=checks, reason=f"installed:\n{reason}",
        base_model=base_info.identity, candidate_model=installed.identity, installed_model=installed.identity,
    )  # fmt: skip


def _save(nlp, base_info, scores: dict, counts: dict, steps: int) -> Path:
    """Write the retrained model into a new directory of the models root: first under a
    temporary name, renamed when complete, so the pointer never names half a model."""
    now = timezone.now()
    root = active.models_root()
    root.mkdir(parents=True, exist_ok=True)
    name = f"{base_info.name}-{now:%Y%m%dT%H%M%S}"
    germeval = scores["germeval"]
    nlp.meta.update(
        version=f"{base_info.version.split('+')[0]}+retrained.{now:%Y%m%d%H%M%S}",
        trained_at=now.isoformat(timespec="seconds"),
        performance={
            **(nlp.meta.get("performance") or {}),
            "ents_p": germeval["p"], "ents_r": germeval["r"], "ents_f": germeval["f"],
            "ents_per_type": {k: v for k, v in germeval["per_label"].items() if k != "MISC"},
            "corrections_heldout": scores["corrections"],
        },
        provenance={
            "retrained_from": base_info.identity,
            # The committed model it derives from: a newer committed model makes the pointer
            # to this one be ignored (events/nlp/active.py).
            "base_digest": active.committed_digest(),
            "corrections": counts["corrections"], "corrected_spans": counts["corrected_spans"],
            "confirmed_mentions": counts["confirmed_mentions"], "train_sentences": counts["train_sentences"],
            "steps": steps, "seed": SEED,
        },
    )  # fmt: skip
    tmp = root / f".tmp-{name}-{os.getpid()}"
    final = root / name
    shutil.rmtree(tmp, ignore_errors=True)
    nlp.to_disk(tmp)
    os.replace(tmp, final)
    return final


def retraining_start() -> str:
    """Send one run to the nlp queue (the admin page's button): "started", "running" when
    one holds the lock already, "unreachable" when the broker cannot be reached. The task
    checks the lock again, so two clicks never make two runs."""
    from events.tasks import retrain_model
    from ingest import pipeline

    if retraining_running():
        return "running"
    return "started" if pipeline.send(retrain_model) else "unreachable"
