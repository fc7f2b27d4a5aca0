from django import forms
from django.utils.translation import gettext_lazy as _

from events.models import Alias, Entity


class AliasForm(forms.Form):
    text = forms.CharField(label=_("Alias"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=Alias.Kind.choices, initial=Alias.Kind.NAME)


class SplitForm(forms.Form):
    name = forms.CharField(label=_("Name of the new entity"), max_length=300)
    aliases = forms.ModelMultipleChoiceField(queryset=Alias.objects.none(), required=False)
    mentions = forms.MultipleChoiceField(required=False, choices=())

    def __init__(self, *args, entity: Entity, mention_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["aliases"].queryset = entity.aliases.all()
        self.fields["mentions"].choices = mention_choices


ROLE_LINE_HELP = _(
    "One office per line: title | start | end | descriptors separated by commas. Dates as "
    "YYYY-MM-DD or DD.MM.YYYY; leave the end empty while the office lasts. Example: "
    "Bundespräsident | 2017-01-26 | | Bundespräsident, österreichisches Staatsoberhaupt"
)


def _parse_day(text: str, line: str):
    import datetime as dt

    text = text.strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a calendar day, no time)
        except ValueError:
            continue
    raise forms.ValidationError(_("Not a date: %(text)s (in: %(line)s)") % {"text": text, "line": line})


class EntityForm(forms.Form):
    """An entity as an editor defines it: a provisional one made real, or a new one."""

    kind = forms.ChoiceField(label=_("Kind"), choices=())
    name = forms.CharField(label=_("Canonical name"), max_length=300)
    country = forms.CharField(
        label=_("Country"), max_length=2, required=False, help_text=_("ISO 3166 code, e.g. DE, AT, UA")
    )
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    aliases = forms.CharField(
        label=_("Other names"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: spellings, transliterations, abbreviations, inflected forms."),
    )
    roles = forms.CharField(
        label=_("Offices and roles"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=ROLE_LINE_HELP,
    )
    latitude = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    wikidata = forms.RegexField(label=_("Wikidata id"), regex=r"^Q\d+$", max_length=20, required=False)

    def __init__(self, *args, **kwargs):
        from events.services.knowledge import EDITABLE_KINDS

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.value, k.label) for k in EDITABLE_KINDS]

    def clean_country(self) -> str:
        import pycountry

        code = self.cleaned_data["country"].strip().upper()
        if code and not pycountry.countries.get(alpha_2=code):
            raise forms.ValidationError(_("Not an ISO 3166 country code: %s") % code)
        return code

    def clean_aliases(self) -> list[str]:
        lines = (line.strip() for line in self.cleaned_data["aliases"].splitlines())
        return list(dict.fromkeys(line for line in lines if line))

    def clean_roles(self):
        from events.services.knowledge import Role

        roles = []
        for line in self.cleaned_data["roles"].splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")] + ["", "", ""]
            title, start, end, descriptors = parts[0], parts[1], parts[2], parts[3]
            if not title:
                raise forms.ValidationError(_("A role needs a title (in: %s)") % line)
            role = Role(
                title=title,
                descriptors=[d.strip() for d in descriptors.split(",") if d.strip()],
                start=_parse_day(start, line),
                end=_parse_day(end, line),
            )
            if role.start and role.end and role.end < role.start:
                raise forms.ValidationError(_("The role ends before it starts (in: %s)") % line)
            roles.append(role)
        return roles

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("latitude") is None) != (cleaned.get("longitude") is None):
            raise forms.ValidationError(_("Give both latitude and longitude, or neither."))
        return cleaned

    def entity_data(self):
        from events.services.knowledge import EntityData

        data = self.cleaned_data
        return EntityData(
            kind=data["kind"],
            name=data["name"].strip(),
            country=data["country"],
            description=data["description"].strip(),
            aliases=data["aliases"],
            roles=data["roles"],
            latitude=data["latitude"],
            longitude=data["longitude"],
            wikidata=data["wikidata"],
        )

    @staticmethod
    def initial_of(entity) -> dict:
        """The form's fields filled from an entity (a provisional one: its name and kind)."""
        from events.services.knowledge import EDITABLE_KINDS, entity_data_of

        data = entity_data_of(entity)

        def day(value):
            return value.isoformat() if value else ""

        return {
            "kind": data.kind if data.kind in EDITABLE_KINDS else "",
            "name": data.name,
            "country": data.country,
            "description": data.description,
            # A provisional entity's name is how articles wrote it: offered as another name
            # (the editor removes it if it is junk such as a name the NER cut short).
            "aliases": "\n".join([entity.name] if entity.provisional else data.aliases),
            "roles": "\n".join(
                f"{r.title} | {day(r.start)} | {day(r.end)} | {', '.join(r.descriptors)}" for r in data.roles
            ),
            "latitude": data.latitude,
            "longitude": data.longitude,
            "wikidata": data.wikidata,
        }
