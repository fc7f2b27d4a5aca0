from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from portal import views
from portal.forms import AdminLoginForm, PortalLoginForm
from portal.roles import role_not_required

admin.site.site_header = _("Lagebild administration")
admin.site.site_title = "Lagebild"
admin.site.index_title = _("Sources, outlets and users")
# Both login forms count failed passwords and refuse for a while after too many (portal.login_throttle).
admin.site.login_form = AdminLoginForm

portal_patterns = [
    path("", views.dashboard, name="dashboard"),
]

urlpatterns = [
    path("", include((portal_patterns, "portal"))),
    path("healthz", views.healthz, name="healthz"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=PortalLoginForm),
        name="login",
    ),
    # A user without a role can still log out (and log in as someone else).
    path("logout/", role_not_required(auth_views.LogoutView.as_view()), name="logout"),
    # Anonymous visitors switch the language on the login page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("ingest/", include("ingest.urls")),
    path("api/", include("events.api.urls")),
    path("", include("events.urls")),
    path("admin/", admin.site.urls),
]
