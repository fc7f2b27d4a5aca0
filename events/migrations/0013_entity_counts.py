# Entities store their mention and claims-about counts (events.services.entity_counts keeps
# them current); this fills them once from the rows already there (2 s on the 100,000-article
# archive), before the index on them is built.

from django.db import migrations, models

FILL = """
    WITH mentions AS (
        SELECT entity_id, count(*) AS n FROM events_mention
        WHERE entity_id IS NOT NULL GROUP BY entity_id
    ), claims AS (
        SELECT m.entity_id, count(DISTINCT c.id) AS n
        FROM events_claim c JOIN events_mention m ON m.article_id = c.article_id
            AND m.start >= c.content_start AND m."end" <= c.content_end
        WHERE m.entity_id IS NOT NULL GROUP BY m.entity_id
    )
    UPDATE events_entity e
    SET mention_count = coalesce(mentions.n, 0), claims_about_count = coalesce(claims.n, 0)
    FROM events_entity x
    LEFT JOIN mentions ON mentions.entity_id = x.id
    LEFT JOIN claims ON claims.entity_id = x.id
    WHERE e.id = x.id AND (mentions.n IS NOT NULL OR claims.n IS NOT NULL)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0012_list_order_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="entity",
            name="claims_about_count",
            field=models.IntegerField(default=0, editable=False, verbose_name="claims about it"),
        ),
        migrations.AddField(
            model_name="entity",
            name="mention_count",
            field=models.IntegerField(default=0, editable=False, verbose_name="mentions"),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="entity",
            index=models.Index(
                models.OrderBy(models.F("mention_count"), descending=True),
                models.F("name"),
                models.F("id"),
                condition=models.Q(("merged_into__isnull", True)),
                name="entity_most_mentioned_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="entity",
            index=models.Index(fields=["country"], name="entity_country_idx"),
        ),
    ]
