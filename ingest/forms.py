from django import forms
from django.utils.translation import gettext_lazy as _


class SubmitUrlForm(forms.Form):
    url = forms.URLField(label=_("Article URL"), max_length=2000, assume_scheme="https")
