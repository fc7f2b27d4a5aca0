"""The admins' page about the language model: which one is installed, its scores, which
model analysed the stored articles, the button that re-analyses the older ones, and the
retraining runs from editors' corrections (with a button to start one)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from events.kb.loader import current_version
from events.nlp.version import installed_model
from events.selectors.model_versions import analyses_by_model, outdated_count, recent_retraining_runs
from events.services import reanalysis
from events.services.reanalysis import reanalysis_running, reanalysis_start
from events.services.retraining import retraining_running, retraining_start
from portal.roles import admin_required

# meta.json's performance keys shown as scores, in this order.
SCORES = [
    ("sents_f", gettext_lazy("Sentence boundaries (F)")),
    ("tag_acc", gettext_lazy("Tagger accuracy")),
    ("pos_acc", gettext_lazy("Part of speech accuracy")),
    ("morph_acc", gettext_lazy("Morphology accuracy")),
    ("lemma_acc", gettext_lazy("Lemma accuracy")),
    ("ents_p", gettext_lazy("Named entities, precision")),
    ("ents_r", gettext_lazy("Named entities, recall")),
    ("ents_f", gettext_lazy("Named entities, F")),
]


# The checks of a retraining decision (events/nlp/retrain.py decide), in the admin's language.
CHECKS = {
    "germeval_f": gettext_lazy("Held-out GermEval half, F1 (PER, LOC, ORG)"),
    "corrections_f": gettext_lazy("Held-out corrections, F1"),
    "wrong_predicted": gettext_lazy("Spans marked “no entity” still found"),
}


def retraining_rows(runs) -> list[dict]:
    """Each run with its decision's checks worded for the page."""
    rows = []
    for run in runs:
        checks = [
            {
                **check,
                "label": CHECKS.get(check["check"], check["check"]),
                "count": check["check"] == "wrong_predicted",
            }
            for check in (run.candidate_scores or {}).get("checks", [])
        ]
        rows.append({"run": run, "checks": checks, "counts": run.counts or {}})
    return rows


def score_rows(performance: dict) -> tuple[list[dict], list[dict]]:
    """The general scores, and per entity label precision, recall and F (those present)."""
    scores = [{"label": label, "value": performance[key]} for key, label in SCORES if key in performance]
    per_label = [
        {"label": label, "p": values.get("p"), "r": values.get("r"), "f": values.get("f")}
        for label, values in sorted((performance.get("ents_per_type") or {}).items())
    ]
    return scores, per_label


@admin_required
@require_GET
def language_model(request: HttpRequest) -> HttpResponse:
    model = installed_model()
    scores, per_label = score_rows(model.performance)
    context = {
        "model": model,
        "scores": scores,
        "per_label": per_label,
        "kb_version": current_version(),
        "by_model": analyses_by_model(),
        "outdated": outdated_count(),
        "running": reanalysis_running(),
        "retraining_runs": retraining_rows(recent_retraining_runs()),
        "retraining_running": retraining_running(),
    }
    return render(request, "events/language_model.html", context)


@admin_required
@require_POST
def reanalyze_outdated(request: HttpRequest) -> HttpResponse:
    state = reanalysis_start().state
    if state == reanalysis.UNREACHABLE:
        messages.error(request, _("The task queue cannot be reached; try again later."))
    elif state == reanalysis.STARTED:
        messages.success(request, _("The re-analysis of outdated articles has started."))
    elif state == reanalysis.RUNNING:
        messages.info(request, _("The re-analysis of outdated articles is already running."))
    else:
        messages.info(
            request, _("Nothing to re-analyse: every analysed article is from the installed model.")
        )
    return redirect("events:language_model")


@admin_required
@require_POST
def retrain(request: HttpRequest) -> HttpResponse:
    state = retraining_start()
    if state == "unreachable":
        messages.error(request, _("The task queue cannot be reached; try again later."))
    elif state == "running":
        messages.info(request, _("A retraining run is already under way."))
    else:
        messages.success(
            request,
            _("The retraining has started; it takes a few minutes. Reload this page to see its result."),
        )
    return redirect("events:language_model")
