"""How the search index (SearchEntry) is kept, in PostgreSQL: one SELECT per kind says what a
source row becomes (`SOURCES`); the SQL below is generated from them, installed by migration
0001 and installed again (CREATE OR REPLACE) by any later migration that changes them.

- `sitesearch_refresh_<kind>(ids bigint[])` upserts the entries of those source rows (NULL: all
  of them, in one INSERT ... SELECT: what `rebuild` runs);
- statement-level triggers on each source table, with transition tables, so a COPY or a bulk
  UPDATE of 100,000 rows is one refresh, not 100,000: AFTER INSERT refreshes the new rows, AFTER
  UPDATE those whose searched columns changed (`watched`: a proposal's support counter moving
  reindexes nothing), AFTER DELETE deletes their entries;
- the rows whose entry shows something of another row follow it (`CASCADES`): a commitment's
  milestones and comments show its reference and title, a workshop's groups its date and plan,
  a comment's replies its publication (a reply under a hidden comment is not shown);
- a BEFORE trigger on the entries computes `document` (titles A, bodies B; Arabic columns under
  infitah_ar, French ones under infitah_fr, as the proposals' document of consultations 0018)
  and, for councils, `name` (normalised names for trigram similarity).

What a citizen may see: a row's own publication is the entry's `visible` (published proposals,
published comments whose parent is published, mirroring Proposal.objects.published() and the
comment pages); the plan's visibility depends on the day and is applied when searching
(SearchEntry.objects.public()). SQLite (the demo) has none of this: sitesearch.signals keeps the
entries from Python (`entry_values`)."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count

from .results import KINDS

TABLE = "sitesearch_searchentry"
COLUMNS = (
    "kind",
    "object_id",
    "council_id",
    "plan_id",
    "parent_id",
    "reference",
    "title_ar",
    "title_fr",
    "body_ar",
    "body_fr",
    "language",
    "date",
    "visible",
)
COMMITMENT_BODY = (
    "problem",
    "status_quo",
    "description",
    "expected_results",
    "ogp_relevance",
    "lead_agency",
    "partners",
    "contribution",
    "long_term_goal",
)
MILESTONE_BODY = ("deliverable", "evidence", "responsible")
WORKSHOP_BODY = ("summary", "venue", "city", "chaired_by")
PROPOSAL_BODY = ("body", "response")


@dataclass(frozen=True)
class Source:
    """What rows of `table` (aliased `s`) become: `values` are SQL expressions in COLUMNS order
    but the first (the kind); `watched` the columns whose change reindexes the row; `cascades`
    the other entries refreshed when some columns of the row change: (their kind, the FROM
    clause naming them `child`, their source id, the column that points to this row, those
    columns)."""

    table: str
    joins: str
    values: tuple[str, ...]
    watched: tuple[str, ...]
    cascades: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = field(default=())


def _texts(alias: str, name: str) -> tuple[str, str]:
    return tuple(f"COALESCE({alias}.{name}_{language}, '')" for language in ("ar", "fr"))


def _joined(alias: str, names: tuple[str, ...]) -> tuple[str, str]:
    """The columns of each language in one text, a line each, empty ones left out."""
    return tuple(
        "concat_ws(E'\\n', "
        + ", ".join(f"NULLIF({alias}.{name}_{language}, '')" for name in names)
        + ")"
        for language in ("ar", "fr")
    )


def _bilingual(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"{name}_{language}" for name in names for language in ("ar", "fr"))


_LOCAL_DATE = f"(s.created_at AT TIME ZONE '{settings.TIME_ZONE}')::date"

SOURCES: dict[str, Source] = {
    "council": Source(
        table="consultations_council",
        joins="",
        values=(
            "s.id",
            "s.id",
            "NULL",
            "NULL",
            "''",
            *_texts("s", "name"),
            "''",
            "''",
            "''",
            "NULL",
            "true",
        ),
        watched=_bilingual(("name",)),
    ),
    "plan": Source(
        table="consultations_actionplan",
        joins="",
        values=(
            "s.id",
            "s.council_id",
            "s.id",
            "NULL",
            "''",
            *_texts("s", "title"),
            *_texts("s", "introduction"),
            "''",
            "NULL",
            "true",
        ),
        watched=("council_id", *_bilingual(("title", "introduction"))),
        cascades=(
            # A plan moved to another council: everything of the plan follows.
            *[
                (kind, f"{TABLE} child", "child.object_id", "child.plan_id", ("council_id",))
                for kind in KINDS[2:]
            ],
            # Its comments (on the plan's page) show its title.
            (
                "comment",
                "commitments_comment child",
                "child.id",
                "child.plan_id",
                ("title_ar", "title_fr"),
            ),
        ),
    ),
    "commitment": Source(
        table="commitments_commitment",
        joins="JOIN consultations_actionplan p ON p.id = s.plan_id",
        values=(
            "s.id",
            "p.council_id",
            "s.plan_id",
            "NULL",
            "s.reference",
            *_texts("s", "title"),
            *_joined("s", COMMITMENT_BODY),
            "''",
            "s.start_date",
            "true",
        ),
        watched=("plan_id", "reference", "start_date", *_bilingual(("title", *COMMITMENT_BODY))),
        cascades=(
            (
                "milestone",
                "commitments_milestone child",
                "child.id",
                "child.commitment_id",
                ("plan_id", "reference"),
            ),
            (
                "comment",
                "commitments_comment child",
                "child.id",
                "child.commitment_id",
                ("plan_id", "reference", "title_ar", "title_fr"),
            ),
        ),
    ),
    "milestone": Source(
        table="commitments_milestone",
        joins="JOIN commitments_commitment c ON c.id = s.commitment_id "
        "JOIN consultations_actionplan p ON p.id = c.plan_id",
        values=(
            "s.id",
            "p.council_id",
            "c.plan_id",
            "s.commitment_id",
            "c.reference",
            *_texts("s", "title"),
            *_joined("s", MILESTONE_BODY),
            "''",
            "s.due_date",
            "true",
        ),
        watched=("commitment_id", "due_date", *_bilingual(("title", *MILESTONE_BODY))),
    ),
    "workshop": Source(
        table="consultations_workshop",
        joins="",
        values=(
            "s.id",
            "s.council_id",
            "s.plan_id",
            "NULL",
            "''",
            *_texts("s", "title"),
            *_joined("s", WORKSHOP_BODY),
            "''",
            "s.starts_on",
            "true",
        ),
        watched=("council_id", "plan_id", "starts_on", *_bilingual(("title", *WORKSHOP_BODY))),
        cascades=(
            (
                "working_group",
                "consultations_workinggroup child",
                "child.id",
                "child.workshop_id",
                ("council_id", "plan_id", "starts_on"),
            ),
        ),
    ),
    "working_group": Source(
        table="consultations_workinggroup",
        joins="JOIN consultations_workshop w ON w.id = s.workshop_id",
        values=(
            "s.id",
            "w.council_id",
            "w.plan_id",
            "s.workshop_id",
            "''",
            *_texts("s", "title"),
            "''",
            "''",
            "''",
            "w.starts_on",
            "true",
        ),
        watched=("workshop_id", *_bilingual(("title",))),
    ),
    "proposal": Source(
        table="consultations_proposal",
        joins="",
        values=(
            "s.id",
            "s.council_id",
            "s.plan_id",
            "NULL",
            "''",
            *_texts("s", "title"),
            *_joined("s", PROPOSAL_BODY),
            "''",
            _LOCAL_DATE,
            "s.publication = 'published'",
        ),
        watched=("council_id", "plan_id", "publication", *_bilingual(("title", *PROPOSAL_BODY))),
    ),
    "comment": Source(
        table="commitments_comment",
        joins="JOIN consultations_actionplan p ON p.id = s.plan_id "
        "LEFT JOIN commitments_commitment c ON c.id = s.commitment_id "
        "LEFT JOIN commitments_comment parent ON parent.id = s.parent_id",
        # The title is the page's (the commitment's, else the plan's): shown, not searched.
        values=(
            "s.id",
            "p.council_id",
            "s.plan_id",
            "s.commitment_id",
            "COALESCE(c.reference, '')",
            *tuple(
                f"COALESCE(c.title_{language}, p.title_{language}, '')" for language in ("ar", "fr")
            ),
            "CASE WHEN s.language = 'fr' THEN '' ELSE s.body END",
            "CASE WHEN s.language = 'fr' THEN s.body ELSE '' END",
            "s.language",
            f"(s.published_at AT TIME ZONE '{settings.TIME_ZONE}')::date",
            "s.state = 'published' AND (parent.id IS NULL OR parent.state = 'published')",
        ),
        watched=(
            "plan_id",
            "commitment_id",
            "parent_id",
            "body",
            "language",
            "state",
            "published_at",
        ),
        cascades=(
            ("comment", "commitments_comment child", "child.id", "child.parent_id", ("state",)),
        ),
    ),
}

_UPSERT = """INSERT INTO {table} ({columns})
SELECT '{kind}', {values} FROM {source} s {joins}{where}
ON CONFLICT (kind, object_id) DO UPDATE SET {updates}"""

_REFRESH = """
CREATE OR REPLACE FUNCTION sitesearch_refresh_{kind}(ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF ids IS NULL THEN
        {everything};
    ELSIF cardinality(ids) > 0 THEN
        {some};
    END IF;
END
$$;
"""

_TRIGGERS = """
CREATE OR REPLACE FUNCTION sitesearch_{kind}_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM sitesearch_refresh_{kind}(ARRAY(SELECT id FROM new_rows));
    RETURN NULL;
END
$$;
CREATE OR REPLACE FUNCTION sitesearch_{kind}_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM sitesearch_refresh_{kind}(ARRAY(
        SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE {new_watched} IS DISTINCT FROM {old_watched}
    ));
    {cascades}
    RETURN NULL;
END
$$;
CREATE OR REPLACE FUNCTION sitesearch_{kind}_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM {table} WHERE kind = '{kind}' AND object_id IN (SELECT id FROM old_rows);
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS sitesearch_inserted ON {source};
DROP TRIGGER IF EXISTS sitesearch_updated ON {source};
DROP TRIGGER IF EXISTS sitesearch_deleted ON {source};
CREATE TRIGGER sitesearch_inserted AFTER INSERT ON {source}
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION sitesearch_{kind}_inserted();
CREATE TRIGGER sitesearch_updated AFTER UPDATE ON {source}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION sitesearch_{kind}_updated();
CREATE TRIGGER sitesearch_deleted AFTER DELETE ON {source}
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION sitesearch_{kind}_deleted();
"""

_CASCADE = """PERFORM sitesearch_refresh_{kind}(ARRAY(
        SELECT {child_id} FROM {child}
        JOIN new_rows n ON n.id = {key} JOIN old_rows o ON o.id = n.id
        WHERE {new_watched} IS DISTINCT FROM {old_watched}{only}
    ));"""


def _document() -> str:
    parts = [
        f"setweight(to_tsvector('{config}'::regconfig, infitah_normalize(NEW.{column}_{language})),"
        f" '{weight}')"
        for column, weight in (("title", "A"), ("body", "B"))
        for language, config in (("ar", "infitah_ar"), ("fr", "infitah_fr"))
    ]
    # A comment's title is its page's: shown with it, never what it is found by.
    body, everything = " || ".join(parts[2:]), " || ".join(parts)
    return f"CASE WHEN NEW.kind = 'comment' THEN {body} ELSE {everything} END"


DOCUMENT_TRIGGER = f"""
CREATE OR REPLACE FUNCTION sitesearch_entry_document() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.document := {_document()};
    NEW.name := CASE WHEN NEW.kind = 'council'
        THEN lower(unaccent(infitah_normalize(NEW.title_fr || ' ' || NEW.title_ar))) ELSE '' END;
    RETURN NEW;
END
$$;
DROP TRIGGER IF EXISTS sitesearch_entry_document ON {TABLE};
CREATE TRIGGER sitesearch_entry_document BEFORE INSERT OR UPDATE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION sitesearch_entry_document();
"""


def _row(alias: str, columns: tuple[str, ...]) -> str:
    return "ROW(" + ", ".join(f"{alias}.{column}" for column in columns) + ")"


def _upsert(kind: str, source: Source, where: str) -> str:
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in COLUMNS[2:])
    return _UPSERT.format(
        table=TABLE,
        columns=", ".join(COLUMNS),
        kind=kind,
        values=", ".join(source.values),
        source=source.table,
        joins=source.joins,
        where=where,
        updates=updates,
    )


def install_sql() -> str:
    """Every function and trigger, as one script (CREATE OR REPLACE: run it again freely)."""
    script = [DOCUMENT_TRIGGER]
    for kind, source in SOURCES.items():
        script.append(
            _REFRESH.format(
                kind=kind,
                everything=_upsert(kind, source, ""),
                some=_upsert(kind, source, " WHERE s.id = ANY(ids)"),
            )
        )
    for kind, source in SOURCES.items():
        cascades = "\n    ".join(
            _CASCADE.format(
                kind=child,
                child=child_from,
                child_id=child_id,
                key=key,
                new_watched=_row("n", watched),
                old_watched=_row("o", watched),
                only=f" AND child.kind = '{child}'" if child_from.startswith(TABLE) else "",
            )
            for child, child_from, child_id, key, watched in source.cascades
        )
        script.append(
            _TRIGGERS.format(
                kind=kind,
                table=TABLE,
                source=source.table,
                new_watched=_row("n", source.watched),
                old_watched=_row("o", source.watched),
                cascades=cascades,
            )
        )
    return "\n".join(script)


def uninstall_sql() -> str:
    script = [
        f"DROP TRIGGER IF EXISTS sitesearch_{event} ON {source.table};"
        for source in SOURCES.values()
        for event in ("inserted", "updated", "deleted")
    ]
    script += [
        f"DROP FUNCTION IF EXISTS sitesearch_{kind}_{event}();"
        for kind in SOURCES
        for event in ("inserted", "updated", "deleted")
    ]
    script += [f"DROP FUNCTION IF EXISTS sitesearch_refresh_{kind}(bigint[]);" for kind in SOURCES]
    script.append(f"DROP TRIGGER IF EXISTS sitesearch_entry_document ON {TABLE};")
    script.append("DROP FUNCTION IF EXISTS sitesearch_entry_document();")
    return "\n".join(script)


def fill(schema_editor, model, *, drop: bool = True) -> None:
    """Empty the index and fill it again from every source row, in SQL, the GIN indexes
    (models.GIN_INDEXES) dropped meanwhile and built again after: building them once is faster
    than updating them row by row. `drop=False` when they do not exist yet (migration 0001).
    Run it inside a transaction: the search reads the old entries until the commit, and writes
    to the sources wait for it (TRUNCATE's lock)."""
    from .models import GIN_INDEXES

    # TRUNCATE and CREATE INDEX refuse a table with foreign-key checks still pending in the
    # transaction (rows written earlier in it): run them as they come, deferred again after.
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    if drop:
        for index in GIN_INDEXES:
            schema_editor.execute(index.remove_sql(model, schema_editor))
    schema_editor.execute(f"TRUNCATE {TABLE}")
    for kind in SOURCES:
        schema_editor.execute(f"SELECT sitesearch_refresh_{kind}(NULL)")
    for index in GIN_INDEXES:
        schema_editor.execute(index.create_sql(model, schema_editor))
    schema_editor.execute(f"ANALYZE {TABLE}")
    schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


def rebuild() -> dict[str, int]:
    """Rebuild the whole index (PostgreSQL: `fill`; SQLite: from Python, sitesearch.signals)
    and return the number of entries of each kind. Atomic."""
    from .models import SearchEntry

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.schema_editor(atomic=False) as schema_editor:
                fill(schema_editor, SearchEntry)
        else:
            from .signals import rebuild_in_python

            rebuild_in_python()
        counts = dict.fromkeys(KINDS, 0)
        for row in SearchEntry.objects.order_by().values("kind").annotate(entries=Count("pk")):
            counts[row["kind"]] = row["entries"]
    return counts
