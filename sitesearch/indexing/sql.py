"""The SQL generated from sitesearch.indexing.sources: the refresh functions, the triggers on
the source tables and on the entries, the fill and the rebuild (see the package's docstring)."""

from django.db import connection, transaction
from django.db.models import Count

from ..results import KINDS
from .sources import COLUMNS, SOURCES, TABLE, Source

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
    from ..models import GIN_INDEXES

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
    from ..models import SearchEntry

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.schema_editor(atomic=False) as schema_editor:
                fill(schema_editor, SearchEntry)
        else:
            from ..signals import rebuild_in_python

            rebuild_in_python()
        counts = dict.fromkeys(KINDS, 0)
        for row in SearchEntry.objects.order_by().values("kind").annotate(entries=Count("pk")):
            counts[row["kind"]] = row["entries"]
    return counts
