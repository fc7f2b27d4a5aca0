from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers

from portal.roles import has_any_role


class GermanFirstLocaleMiddleware:
    """German unless the user picked another language with the switcher (a cookie).

    Django's LocaleMiddleware follows the browser's Accept-Language, which would show most
    analysts' English-configured browsers an English portal; Lagebild is German first.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        translation.deactivate()
        return response


class RoleRequiredMiddleware:
    """A logged-in user without a role sees only a page saying that an admin must give them
    one (403), on every page and export; logging in and out, the language switch and
    /healthz still work.

    Runs after LoginRequiredMiddleware, which has already sent anonymous visitors to the
    login page. Views marked @login_not_required are skipped: the public ones, and the API's
    DRF views, which DRF marks so; those answer with their own 403 JSON from
    `events.api.permissions.IsAnalyst`, which applies the same rule (`has_any_role`) to
    token callers, whom no middleware can see.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "role_required", getattr(view_func, "login_required", True)):
            return None
        if not request.user.is_authenticated or has_any_role(request.user):
            return None
        return render(request, "portal/no_role.html", status=403)


def content_security_policy() -> str:
    """The Content-Security-Policy header value of settings.CONTENT_SECURITY_POLICY."""
    return "; ".join(" ".join([name, *sources]) for name, sources in settings.CONTENT_SECURITY_POLICY.items())


class ContentSecurityPolicyMiddleware:
    """Sends the Content-Security-Policy of settings on every response (Django 5.2 has none).

    The policy forbids inline script, so an injected <script> or onerror= never runs even if
    escaping failed somewhere; a view that set its own header keeps it.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = content_security_policy()

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response
