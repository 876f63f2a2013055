"""The search engine's floor in PostgreSQL (issue 19): the unaccent and pg_trgm extensions, the
IMMUTABLE function infitah_normalize(text) (the Arabic rules of opengov.search.normalize, built
from the same tables), and two text search configurations:

- infitah_ar: the arabic Snowball stemmer (on text normalised first), Latin words unaccented;
- infitah_fr: unaccent, then the French Snowball stemmer.

Nothing on SQLite (the demo), whose search compares Python-normalised text. Backwards drops the
configurations and the function, not the extensions (other objects may use them)."""

from django.db import migrations

from opengov.search.normalize import sql_translate_arguments

FROM, TO = sql_translate_arguments()
WORDS = "asciiword, asciihword, hword_asciipart, word, hword, hword_part"

CREATE = f"""
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE OR REPLACE FUNCTION infitah_normalize(text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT lower(translate($1, '{FROM}', '{TO}')) $$;
CREATE TEXT SEARCH CONFIGURATION infitah_ar (COPY = pg_catalog.arabic);
ALTER TEXT SEARCH CONFIGURATION infitah_ar ALTER MAPPING FOR {WORDS} WITH unaccent, arabic_stem;
CREATE TEXT SEARCH CONFIGURATION infitah_fr (COPY = pg_catalog.french);
ALTER TEXT SEARCH CONFIGURATION infitah_fr ALTER MAPPING FOR {WORDS} WITH unaccent, french_stem;
"""

DROP = """
DROP TEXT SEARCH CONFIGURATION IF EXISTS infitah_fr;
DROP TEXT SEARCH CONFIGURATION IF EXISTS infitah_ar;
DROP FUNCTION IF EXISTS infitah_normalize(text);
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("opengov", "0001_staff_profile")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
