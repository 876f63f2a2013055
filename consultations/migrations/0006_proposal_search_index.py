"""Indexes for the public proposals list at national scale (about 500,000 proposals):
- proposal_recent_idx: the list's order (newest first) read backwards, so a page is a short
  index scan instead of a sort of every public proposal;
- proposal_search_gin: the full-text search expression (the same SearchVector as
  consultations.selectors._search), so a search is a bitmap index scan instead of computing
  to_tsvector on every row. PostgreSQL only: the demo's SQLite database keeps its plain search."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models

SEARCH_INDEX = django.contrib.postgres.indexes.GinIndex(
    django.contrib.postgres.search.SearchVector(
        "title_ar", "title_fr", "body_ar", "body_fr", "response_ar", "response_fr", config="simple"
    ),
    name="proposal_search_gin",
)


def add_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("consultations", "Proposal"), SEARCH_INDEX)


def remove_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("consultations", "Proposal"), SEARCH_INDEX)


class Migration(migrations.Migration):
    dependencies = [("consultations", "0005_comments")]

    operations = [
        migrations.AddIndex(
            model_name="proposal",
            index=models.Index(fields=["created_at", "id"], name="proposal_recent_idx"),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="proposal", index=SEARCH_INDEX)],
            database_operations=[migrations.RunPython(add_search_index, remove_search_index)],
        ),
    ]
