from django import forms
from django.utils.translation import gettext_lazy as _

from events.models import Alias, Entity


class AliasForm(forms.Form):
    text = forms.CharField(label=_("Alias"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=Alias.Kind.choices, initial=Alias.Kind.NAME)


class EntityChoiceForm(forms.Form):
    """Another entity, chosen by its id (the page offers a search for it)."""

    target = forms.ModelChoiceField(
        label=_("Entity"), queryset=Entity.objects.active(), widget=forms.NumberInput, to_field_name="pk"
    )


class SplitForm(forms.Form):
    name = forms.CharField(label=_("Name of the new entity"), max_length=300)
    aliases = forms.ModelMultipleChoiceField(queryset=Alias.objects.none(), required=False)
    mentions = forms.MultipleChoiceField(required=False, choices=())

    def __init__(self, *args, entity: Entity, mention_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["aliases"].queryset = entity.aliases.all()
        self.fields["mentions"].choices = mention_choices
