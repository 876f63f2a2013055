"""The vocabulary of the searched texts ("did you mean", issue 19): the table SearchWord and, in
PostgreSQL, its trigram GIN index (pg_trgm, made sure of here as in 0002). SQLite (the demo) gets
the table only: its suggestions compare words in Python. The table starts empty; it is filled
by opengov.search.vocabulary.rebuild() (the daily task, or `manage.py rebuild_search_vocabulary`)."""

import django.contrib.postgres.indexes
from django.db import migrations, models

INDEX = django.contrib.postgres.indexes.GinIndex(
    fields=["word"], opclasses=["gin_trgm_ops"], name="searchword_trgm_idx"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.add_index(apps.get_model("opengov", "SearchWord"), INDEX)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("opengov", "SearchWord"), INDEX)


class Migration(migrations.Migration):
    dependencies = [("opengov", "0002_search_engine")]

    operations = [
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("word", models.CharField(max_length=64, unique=True, verbose_name="word")),
                ("documents", models.PositiveIntegerField(default=0, verbose_name="texts holding it")),
            ],
            options={
                "verbose_name": "search word",
                "verbose_name_plural": "search words",
                "ordering": ["word"],
            },
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="searchword", index=INDEX)],
            database_operations=[migrations.RunPython(forwards, backwards, elidable=False)],
        ),
    ]
