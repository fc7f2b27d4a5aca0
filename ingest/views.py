from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ingest import services
from ingest.forms import SubmitUrlForm
from ingest.models import Article
from ingest.reasons import explain
from portal.roles import editor_required


@editor_required
def submit_url(request: HttpRequest) -> HttpResponse:
    """Editors hand in one article URL; it is fetched and extracted in the background."""
    form = SubmitUrlForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            article, created = services.article_submit_url(form.cleaned_data["url"], user=request.user)
        except services.IngestError as exc:
            form.add_error("url", explain(str(exc)))
        else:
            if created:
                messages.success(request, _("Submitted; the article is fetched in the background."))
            else:
                messages.info(
                    request, _("This article is already known (status: %s).") % article.get_status_display()
                )
            return redirect("ingest:submit")
    recent = (
        Article.objects.filter(submitted_by=request.user)
        .select_related("outlet")
        .order_by("-created_at")[:20]
    )
    return render(request, "ingest/submit.html", {"form": form, "recent": recent})
