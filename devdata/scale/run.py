"""The run: refuse or flush existing data, drop and rebuild indexes around the load, write
the themes and every council's rows in one transaction, then reset sequences and counters."""

from __future__ import annotations

import contextlib
import datetime
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import connection, models, transaction

from commitments.models import (
    Comment,
    Commitment,
    Indicator,
    IndicatorValue,
    Milestone,
    MilestoneUpdate,
)
from consultations.models import (
    ActionPlan,
    Council,
    PlanStageChange,
    Proposal,
    ProposalSupport,
    Theme,
    WorkingGroup,
    Workshop,
)

from .councils import choose_councils, council_rows
from .generator import Generator
from .tables import DAY, CopyWriter, Random, ScaleOptions, Table, _at, tr
from .vocabulary import KIND_WEIGHTS, THEMES

# --- the run -----------------------------------------------------------------------------------


def portal_models() -> list[type[models.Model]]:
    """Every table of the portal's data: both apps' models, their many-to-many tables and
    history tables (not the reference data migrations seed)."""
    found = []
    for label in ("consultations", "commitments"):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            # Reference rows a migration seeds (the UN goals): neither emptied by --flush nor
            # counted as existing data.
            if not getattr(model, "SEEDED_BY_MIGRATION", False):
                found.append(model)
    return found


def existing_data() -> dict[str, int]:
    """Rows already in the portal's tables (history excluded), by table; empty when none."""
    counts = {}
    for model in portal_models():
        if model._meta.db_table.split("_", 1)[1].startswith("historical"):
            continue
        count = model.objects.count() if model.objects.exists() else 0
        if count:
            counts[model._meta.db_table] = count
    return counts


def flush() -> None:
    """Empty every table of the portal's data (users stay) and restart their ids at 1."""
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in portal_models())
    with connection.cursor() as cursor:
        # TRUNCATE refuses a table with foreign-key checks still queued in this transaction.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


def _sequence_start(cursor, table: str) -> int:
    """The first id free after both the rows and the id sequence."""
    cursor.execute(
        f"SELECT COALESCE(MAX(id), 0), pg_get_serial_sequence(%s, 'id') FROM {table}",  # noqa: S608
        [table],
    )
    highest, sequence = cursor.fetchone()
    cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608 - catalogue name
    last_value, is_called = cursor.fetchone()
    return max(highest, last_value if is_called else last_value - 1) + 1


def _set_sequence(cursor, table: str, last_id: int) -> None:
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, true)", [table, max(1, last_id)]
    )


def theme_rows(table: Table, base: datetime.date) -> dict[str, int]:
    """The themes by slug: those in the database are reused as they are, the others added."""
    themes = dict(Theme.objects.filter(slug__in=[s for s, *_ in THEMES]).values_list("slug", "pk"))
    created = _at(base - 2000 * DAY, 9)
    for position, (slug, ar, fr) in enumerate(THEMES, 1):
        if slug not in themes:
            themes[slug] = table.add(
                created_at=created,
                updated_at=created,
                **tr("name", (ar, fr)),
                slug=slug,
                **tr("description", (f"محور {ar}", f"Axe « {fr} »")),
                position=position,
            )
    return themes


@contextlib.contextmanager
def indexes_rebuilt_after(cursor, tables: list[str]):
    """Drop the secondary b-tree indexes and the foreign keys of `tables` for a bulk load,
    then put back exactly the same definitions (read from the catalogue), all inside the
    caller's transaction: a failure puts everything back as it was.

    Building an index once over all rows is much cheaper than updating it row by row, and
    re-adding a foreign key checks every row in one join instead of one lookup per row, so
    nothing is left unchecked. Primary keys and unique constraints stay in place throughout."""
    cursor.execute(
        "SELECT format('ALTER TABLE %%I DROP CONSTRAINT %%I', c.conrelid::regclass::text, "
        "c.conname), format('ALTER TABLE %%I ADD CONSTRAINT %%I %%s', "
        "c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)) "
        "FROM pg_constraint c WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s) "
        "ORDER BY c.conrelid::regclass::text, c.conname",
        [tables],
    )
    foreign_keys = cursor.fetchall()
    # Only b-tree indexes: a full-text GIN index costs about the same built at once or row by
    # row (computing each tsvector dominates), and row by row that work overlaps with the
    # generation in Python instead of adding to the end.
    cursor.execute(
        "SELECT format('DROP INDEX %%I', i.indexrelid::regclass::text), "
        "pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam "
        "WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary "
        "AND NOT i.indisunique AND am.amname = 'btree' "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
        "ORDER BY i.indexrelid::regclass::text",
        [tables],
    )
    indexes = cursor.fetchall()
    for drop, _add in foreign_keys:
        cursor.execute(drop)
    for drop, _create in indexes:
        cursor.execute(drop)
    yield
    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    for _drop, create in indexes:
        cursor.execute(create)
    for _drop, add in foreign_keys:
        cursor.execute(add)


@dataclass
class Summary:
    rows: dict[str, int]
    seconds: dict[str, float]
    total_seconds: float


def generate(options: ScaleOptions, progress: Callable[[str], None] | None = None) -> Summary:
    """Write the generated data (one transaction; raises and writes nothing on error), then
    bump the data version so cached pages and open data are invalidated. The caller checks
    that the database is empty (or flushes it) first.

    Into empty tables the load runs without secondary indexes and foreign keys, rebuilt and
    checked at the end (see indexes_rebuilt_after); into tables that hold rows (--append),
    indexes stay and foreign keys are checked as each COPY ends, so readers are not locked out."""
    from opengov import dataversion

    started = time.perf_counter()
    progress = progress or (lambda _message: None)
    rng = Random(f"{options.seed}:national")
    specs = choose_councils(options.councils, rng)
    tables = [m._meta.db_table for m in GENERATED_MODELS]
    with transaction.atomic(), connection.cursor() as cursor:
        # Nobody else writes these tables meanwhile (reads go on): the ids we hand out stay ours.
        locked = [Theme._meta.db_table, *tables]
        cursor.execute(f"LOCK TABLE {', '.join(locked)} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        theme_table = Table(Theme)
        theme_table.start_at(_sequence_start(cursor, Theme._meta.db_table))
        themes = theme_rows(theme_table, options.base_date)
        theme_table.copy_rows(cursor)
        generator = Generator(options, themes)
        for table in generator.tables.values():
            table.start_at(_sequence_start(cursor, table.name))
            table.read_types(cursor)
        fresh = not any(m.objects.exists() for m in GENERATED_MODELS)
        kinds = Counter(spec.kind for spec in specs)
        generator.kind_mean = sum(KIND_WEIGHTS[k] * n for k, n in kinds.items()) / len(specs)
        council_rows(generator.tables["council"], specs, rng, options.base_date)
        with indexes_rebuilt_after(cursor, tables) if fresh else contextlib.nullcontext():
            writer = CopyWriter(connection.connection)
            try:
                for index, spec in enumerate(specs):
                    generator.council(index, spec)
                    done = index + 1
                    if done % options.batch_councils == 0 or done == len(specs):
                        writer.submit(generator.take_batch())
                        made = generator.tables
                        progress(
                            f"{done}/{len(specs)} councils · "
                            f"{made['proposal'].generated:,} proposals · "
                            f"{made['support'].generated:,} supports · "
                            f"{made['commitment'].generated:,} commitments · "
                            f"{made['comment'].generated:,} comments · "
                            f"{time.perf_counter() - started:.1f} s"
                        )
            finally:
                writer.wait()
            if fresh:
                progress("Building indexes and checking foreign keys…")
                rebuild_started = time.perf_counter()
        if fresh:
            progress(f"… done in {time.perf_counter() - rebuild_started:.1f} s")
        all_tables = [theme_table, *generator.tables.values()]
        for table in all_tables:
            if table.written:
                _set_sequence(cursor, table.name, table.next_id - 1)
        # The last step over the whole data set: when the models gain denormalised counters,
        # define refresh_counters() in this module; it runs here, inside the transaction.
        refresh_counters = globals().get("refresh_counters")
        if refresh_counters is not None:
            refresh_counters()
    dataversion.bump_on_change()
    # Fresh statistics, so that the planner knows the tables' new sizes at once.
    analyze_started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(t.name for t in all_tables)}")
    progress(f"Statistics updated (ANALYZE) in {time.perf_counter() - analyze_started:.1f} s")
    return Summary(
        rows={t.name: t.written for t in all_tables},
        seconds={t.name: t.seconds for t in all_tables},
        total_seconds=time.perf_counter() - started,
    )


GENERATED_MODELS = (
    Council,
    ActionPlan,
    PlanStageChange,
    Workshop,
    WorkingGroup,
    Proposal,
    ProposalSupport,
    Commitment,
    Commitment.source_proposals.through,
    Milestone,
    MilestoneUpdate,
    Indicator,
    IndicatorValue,
    Comment,
)


def refresh_counters() -> None:
    """The plans' denormalised proposal counters and the proposals' support counts
    (consultations.counters), and the plans' commitment and milestone totals
    (commitments.counters), recounted after the bulk load (COPY bypasses the signals and
    services that keep them right)."""
    from commitments.counters import refresh_plan_totals
    from consultations.counters import refresh_plan_counters, refresh_support_counts

    refresh_plan_counters()
    refresh_support_counts()
    refresh_plan_totals()
