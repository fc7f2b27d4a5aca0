from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


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
