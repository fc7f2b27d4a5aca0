from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ingest", "0005_admin_labels"),
    ]

    operations = [
        # When the last failure happened (its reason is last_error): kept after recovery.
        migrations.AddField(
            model_name="source",
            name="last_failure_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="last failure"),
        ),
    ]
