"""The browsable API's HTML renderer, kept within the portal's Content-Security-Policy."""

from rest_framework import renderers


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """DRF's renderer without the <style> element of Pygments' colours.

    The CSP refuses inline <style> elements, and the colours are for highlighted code in
    Markdown descriptions, which the API's descriptions do not have.
    """

    def get_context(self, data, accepted_media_type, renderer_context):
        context = super().get_context(data, accepted_media_type, renderer_context)
        context["code_style"] = None
        return context
