"""The council directory's search by name (issue 19): infitah_council_name(name_ar, name_fr,
slug), the names and slug normalised as opengov.search.normalize does (Arabic rules of
infitah_normalize, accents off, lower case), IMMUTABLE so that a trigram GIN index can be built
on it (unaccent() itself is only STABLE: it reads its dictionary by name, named here with its
schema, as are the functions, so a restore with an empty search_path builds the index too).
CouncilQuerySet.named_like() reads it. PostgreSQL only; nothing on SQLite."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION infitah_council_name(name_ar text, name_fr text, slug text)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, public.infitah_normalize(
    coalesce(name_fr, '') || ' ' || coalesce(name_ar, '') || ' ' || coalesce(slug, '')))) $$;
CREATE INDEX council_name_trgm_idx ON consultations_council
    USING gin (infitah_council_name(name_ar, name_fr, slug) gin_trgm_ops);
"""

DROP = """
DROP INDEX IF EXISTS council_name_trgm_idx;
DROP FUNCTION IF EXISTS infitah_council_name(text, text, text);
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0018_proposal_search_weighted"),
        ("opengov", "0002_search_engine"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
