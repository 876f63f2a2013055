"""The vocabulary of the searched texts ("did you mean", issue 19): the table SearchWord and, in
PostgreSQL, its trigram GIN index (pg_trgm, made sure of here as in 0002) and the function
infitah_suggestions(words, threshold), the query of opengov.search.vocabulary.suggestion. SQLite
(the demo) gets the table only: its suggestions compare words in Python. The table starts
empty; it is filled by opengov.search.vocabulary.rebuild() (the daily task, or
`manage.py rebuild_search_vocabulary`).

The function exists for its `SET enable_seqscan = off`, which holds only while it runs: the
planner prices the trigram GIN index above a scan of the whole table (60,000 words: a scan,
86 ms a word, where the index answers in 8-11 ms), so without it every suggestion would read
the whole vocabulary. Nothing else's plans change (an ALTER of pg_trgm's own function costs
would, and would not survive a dump of the database)."""

import django.contrib.postgres.indexes
from django.db import migrations, models

INDEX = django.contrib.postgres.indexes.GinIndex(
    fields=["word"], opclasses=["gin_trgm_ops"], name="searchword_trgm_idx"
)


SUGGESTIONS = """
CREATE OR REPLACE FUNCTION infitah_suggestions(words text[], threshold real)
RETURNS TABLE (typed text, suggested text)
LANGUAGE sql STABLE
SET enable_seqscan = off
AS $$
    SELECT typed.word, best.word
    FROM unnest(words) AS typed(word)
    CROSS JOIN LATERAL (
        SELECT known.word FROM opengov_searchword AS known
        WHERE known.word % typed.word AND similarity(known.word, typed.word) >= threshold
        ORDER BY similarity(known.word, typed.word) DESC, known.documents DESC, known.word
        LIMIT 1
    ) AS best
    WHERE NOT EXISTS (SELECT FROM opengov_searchword AS held WHERE held.word = typed.word)
      AND numnode(plainto_tsquery('infitah_fr'::regconfig, typed.word)) > 0
$$;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.add_index(apps.get_model("opengov", "SearchWord"), INDEX)
        schema_editor.execute(SUGGESTIONS, params=None)  # no parameters: `%` is the operator


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS infitah_suggestions(text[], real)")
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
