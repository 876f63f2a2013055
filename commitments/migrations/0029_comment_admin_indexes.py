"""Indexes for the comments' admin at national scale (two million rows).

- comment_queue_idx: the moderation queue's order (commitments.models.comments
  .moderation_urgency(), then newest first), so the list's first page is read from the index
  instead of sorting every comment (6.8 s before).
- comment_body_trgm_idx, comment_author_trgm_idx: the admin's search is icontains, which
  PostgreSQL runs as UPPER(column) LIKE '%text%'; trigram GIN indexes on those expressions answer
  it without reading every row. PostgreSQL only (pg_trgm, opengov 0002): the demo's SQLite has
  neither the operator class nor the need."""

import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.db import migrations, models

TRIGRAM_INDEXES = [
    django.contrib.postgres.indexes.GinIndex(
        django.contrib.postgres.indexes.OpClass(
            django.db.models.functions.text.Upper("body"), name="gin_trgm_ops"
        ),
        name="comment_body_trgm_idx",
    ),
    django.contrib.postgres.indexes.GinIndex(
        django.contrib.postgres.indexes.OpClass(
            django.db.models.functions.text.Upper("author_name"), name="gin_trgm_ops"
        ),
        name="comment_author_trgm_idx",
    ),
]


# Written as SQL: Django 5.2 renders OpClass(Upper(...)) inside a GIN index with one pair of
# parentheses too many, which PostgreSQL refuses.
CREATE = """
CREATE INDEX comment_body_trgm_idx ON commitments_comment USING gin ((UPPER(body)) gin_trgm_ops);
CREATE INDEX comment_author_trgm_idx ON commitments_comment
    USING gin ((UPPER(author_name)) gin_trgm_ops);
"""
DROP = """
DROP INDEX IF EXISTS comment_body_trgm_idx;
DROP INDEX IF EXISTS comment_author_trgm_idx;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0028_plan_counters"),
        ("opengov", "0002_search_engine"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(
                models.Case(
                    models.When(state="confirmed", then=models.Value(0)),
                    models.When(report_count__gt=0, then=models.Value(1)),
                    default=models.Value(2),
                    output_field=models.IntegerField(),
                ),
                models.OrderBy(models.F("created_at"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                name="comment_queue_idx",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(model_name="comment", index=index) for index in TRIGRAM_INDEXES
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
    ]
