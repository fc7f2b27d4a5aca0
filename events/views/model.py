"""The admins' page about the language model: which one is installed, its scores, which
model analysed the stored articles, and the button that re-analyses the older ones."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from events.kb.loader import current_version
from events.nlp.version import installed_model
from events.selectors.model_versions import analyses_by_model, outdated_count
from events.services import reanalysis
from events.services.reanalysis import reanalysis_running, reanalysis_start
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
