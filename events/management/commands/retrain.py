"""Retrain the language model's NER from editors' corrections (events/services/retraining.py).

    manage.py retrain [--steps N] [--dry-run]
    manage.py retrain --rollback | --use-committed

Builds whole-sentence examples from the corrections and confirmed entities, fine-tunes the
active model on them mixed with the original training data (a progress bar on stderr),
compares it with the active model on the held-out GermEval half and held-out corrections, and
installs it only if it is not worse on either. --dry-run does all that but installs and records
nothing. --rollback goes back to the model installed before; --use-committed to the model in
git (events/nlp/model). After an install, `manage.py reanalyze_outdated` analyses the stored
articles again with the new model.
"""

from __future__ import annotations

import os

# One core: set before spaCy (and numpy's BLAS) are imported by the run.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from django.core.management.base import BaseCommand, CommandError

from events.nlp import active
from events.nlp.version import installed_model


class Command(BaseCommand):
    help = "Retrain the language model from editors' corrections; install it only if it is not worse."

    def add_arguments(self, parser):
        parser.add_argument("--steps", type=int, default=None, help="training steps (default RETRAIN_STEPS)")
        parser.add_argument("--dry-run", action="store_true", help="train and evaluate, install nothing")
        parser.add_argument("--rollback", action="store_true", help="go back to the model installed before")
        parser.add_argument("--use-committed", action="store_true", help="go back to the committed model")

    def handle(self, *args, **options):
        if options["rollback"] or options["use_committed"]:
            if options["rollback"]:
                active.rollback()
            else:
                active.use_committed()
            self.stdout.write(f"active model: {installed_model().identity} ({active.active_model_dir()})")
            return
        if options["steps"] is not None and options["steps"] < 1:
            raise CommandError("--steps muss mindestens 1 sein.")
        from django.conf import settings

        from events.services.retraining import CorpusMissing, RetrainingBusy, retraining_run

        bar = _ProgressBar(self.stderr, total=options["steps"] or settings.RETRAIN_STEPS)
        try:
            outcome = retraining_run(
                steps=options["steps"], dry_run=options["dry_run"], progress=bar.update, say=self.stdout.write
            )
        except RetrainingBusy as exc:
            raise CommandError("Ein Nachtraining läuft bereits; dieses startet nicht.") from exc
        except CorpusMissing as exc:
            raise CommandError(f"Kein Trainingskorpus: {exc}") from exc
        finally:
            bar.close()
        self.stdout.write(summary(outcome, dry_run=options["dry_run"]))


class _ProgressBar:
    """tqdm (a spaCy dependency) on stderr, created at the first step."""

    def __init__(self, stream, total: int):
        # Django's OutputWrapper adds nothing tqdm needs; the stream under it (a StringIO in
        # tests) is written to directly.
        self.stream, self.total, self.bar = getattr(stream, "_out", stream), total, None

    def update(self, step: int, loss: float) -> None:
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(total=self.total, desc="training", unit="step", file=self.stream)
        self.bar.update(step - self.bar.n)
        self.bar.set_postfix(loss=f"{loss:.1f}", refresh=False)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _row(name: str, base, candidate, fmt: str) -> str:
    def cell(value):
        return "-" if value is None else format(value, fmt)

    return f"{name:34s} {cell(base):>9s} {cell(candidate):>9s}"


def summary(outcome, *, dry_run: bool = False) -> str:
    """One screen: counts, installed vs retrained figures, the decision."""
    c = outcome.counts
    lines = [
        "",
        f"corrections: {c.get('corrections', 0)} stored, {c.get('corrected_spans', 0)} spans used; "
        f"{c.get('confirmed_mentions', 0)} mentions of confirmed entities",
        f"sentences: {c.get('sentences', 0)} in {c.get('articles', 0)} articles; "
        f"{c.get('train_sentences', 0)} trained on, {c.get('heldout_sentences', 0)} held out",
    ]
    base, cand = outcome.base_scores, outcome.candidate_scores
    if base:
        lines.append("")
        lines.append(_row("", "installed", "retrained", "s"))
        for key, label in (("germeval", "held-out GermEval"), ("corrections", "held-out corrections")):
            for measure in ("p", "r", "f"):
                lines.append(
                    _row(
                        f"{label} {measure.upper()}",
                        base[key].get(measure),
                        cand.get(key, {}).get(measure),
                        ".3f",
                    )
                )
        lines.append(
            _row(
                "'no entity' spans still predicted",
                base["corrections"].get("wrong_predicted"),
                cand.get("corrections", {}).get("wrong_predicted"),
                "d",
            )
            + f"  (of {base['corrections'].get('wrong_total', 0)})"
        )
    lines.append("")
    decision = outcome.status
    if dry_run:
        decision = (
            "dry run: would be installed" if outcome.status == "installed" else "dry run: would be refused"
        )
    lines.append(f"decision: {decision}")
    lines.append(outcome.reason)
    lines.append(f"active model: {outcome.installed_model}")
    if outcome.status == "installed" and not dry_run:
        lines.append("next: manage.py reanalyze_outdated analyses the stored articles with it")
    return "\n".join(lines)
