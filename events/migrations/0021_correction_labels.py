"""Relinked mentions' corrections stored the mention's old label (issue 18's known bug): they
take their entity's label, as new corrections do (events/services/curation.py `_correct`).
Updated in place; corrections marked wrong keep the label they had, for the record."""

from django.db import migrations

# The kinds' labels as events/analysis/labels.py has them today (no app import in migrations).
KIND_LABELS = {"person": "PER", "organization": "ORG", "country": "LOC", "place": "LOC"}


def forwards(apps, schema_editor):
    MentionCorrection = apps.get_model("events", "MentionCorrection")
    for kind in ("person", "organization", "country", "place", "other"):
        MentionCorrection.objects.filter(wrong=False, entity__kind=kind).exclude(
            label=KIND_LABELS.get(kind, "MISC")
        ).update(label=KIND_LABELS.get(kind, "MISC"))


class Migration(migrations.Migration):
    dependencies = [("events", "0020_retraining_run")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
