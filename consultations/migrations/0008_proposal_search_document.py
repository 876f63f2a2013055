"""The proposals search reads a stored tsvector instead of an indexed expression.

Migration 0006 indexed the search expression with GIN, but PostgreSQL still recomputed
to_tsvector over each row's six text columns whenever it checked a row rather than reading the
index: counting the matches of a common word, or walking the newest-first index for a page of
results, parsed tens of thousands of texts (1-3 s on 480,000 proposals). A trigger now writes the
tsvector into proposal.search_document on every insert and update, whatever writes (the admin,
imports, COPY), and the GIN index covers that column. PostgreSQL only: on SQLite (the demo) the
column stays empty and the search reads the text columns."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations

COLUMNS = ("title_ar", "title_fr", "body_ar", "body_fr", "response_ar", "response_fr")
DOCUMENT = "to_tsvector('simple'::regconfig, {})".format(
    " || ' ' || ".join(f"COALESCE({{row}}{column}, '')" for column in COLUMNS)
)

CREATE = f"""
CREATE FUNCTION consultations_proposal_search_document() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_document := {DOCUMENT.format(row="NEW.")};
    RETURN NEW;
END
$$;
CREATE TRIGGER consultations_proposal_search_document
BEFORE INSERT OR UPDATE OF {", ".join(COLUMNS)} ON consultations_proposal
FOR EACH ROW EXECUTE FUNCTION consultations_proposal_search_document();
UPDATE consultations_proposal SET search_document = {DOCUMENT.format(row="")};
ANALYZE consultations_proposal;
"""

DROP = """
DROP TRIGGER IF EXISTS consultations_proposal_search_document ON consultations_proposal;
DROP FUNCTION IF EXISTS consultations_proposal_search_document();
"""

OLD_INDEX = django.contrib.postgres.indexes.GinIndex(
    django.contrib.postgres.search.SearchVector(*COLUMNS, config="simple"),
    name="proposal_search_gin",
)
NEW_INDEX = django.contrib.postgres.indexes.GinIndex(
    fields=["search_document"], name="proposal_search_document_gin"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    proposal = apps.get_model("consultations", "Proposal")
    schema_editor.execute(CREATE)
    schema_editor.remove_index(proposal, OLD_INDEX)
    schema_editor.add_index(proposal, NEW_INDEX)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    proposal = apps.get_model("consultations", "Proposal")
    schema_editor.remove_index(proposal, NEW_INDEX)
    schema_editor.add_index(proposal, OLD_INDEX)
    schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("consultations", "0007_plan_proposal_counters")]

    operations = [
        migrations.AddField(
            model_name="proposal",
            name="search_document",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="proposal", name="proposal_search_gin"),
                migrations.AddIndex(model_name="proposal", index=NEW_INDEX),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
    ]
