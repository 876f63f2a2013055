"""The row loading of restore_dataset: each table's .jsonl file of an export_dataset archive is
inserted with its primary keys, in batches (COPY on PostgreSQL), and the id sequences are then
moved past the highest key. Links to content types and permissions arrive as natural keys and are
turned into this database's keys.

Generic over every installed model: the tables and their columns come from the archive's
manifest, checked against this code by the command before anything is loaded."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.core.management.color import no_style
from django.db import DatabaseError, connection, models
from django.utils.translation import gettext, gettext_lazy

from opengov.management.commands.export_dataset import natural_keys, reference_label

BATCH = 1000
# Columns whose JSON value (str, int, bool or null) is already what the database takes: no
# to_python() / get_db_prep_save() round for them (300,000 rows: 41 s of CPU down to 26 s).
JSON_NATIVE_TYPES = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
    "BooleanField",
    "CharField",
    "TextField",
    "SlugField",
    "EmailField",
    "URLField",
    "FileField",
}

NOTHING_RESTORED = gettext_lazy("Nothing was restored.")


class SkipRow(Exception):
    """A many-to-many row pointing at a permission this code no longer has."""


def _unchanged(value):
    return value


def safe_relative(name: str) -> PurePosixPath:
    """A path inside the archive or MEDIA_ROOT, never outside it."""
    path = PurePosixPath(name)
    if not name or path.is_absolute() or ".." in path.parts:
        raise CommandError(
            gettext("The archive names an unsafe path: %(name)s. %(nothing)s")
            % {"name": name, "nothing": NOTHING_RESTORED}
        )
    return path


def target_keys() -> dict[str, dict[tuple, int]]:
    """natural key → pk of this database's content types and permissions."""
    return {
        label: {tuple(key): pk for pk, key in by_pk.items()}
        for label, by_pk in natural_keys().items()
    }


def reset_sequences(restored_models: Iterable[type[models.Model]]) -> None:
    """Move each table's id sequence past the highest restored key, so that new rows get
    new ids."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(restored_models))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


class RowLoader:
    """Loads the tables of the archive unpacked at `root`, inside the caller's transaction.
    A dropped link or row adds a line to `warnings` (the caller's list, written out at the end);
    anything wrong raises CommandError."""

    def __init__(self, root: Path, warnings: list[str]):
        self.root = root
        self.warnings = warnings
        self.keys = target_keys()

    def _converter(self, field: models.Field) -> Callable:
        label = reference_label(field)
        if label is not None:
            by_key = self.keys[label]
            auto_created = field.model._meta.auto_created

            def from_natural_key(value):
                if value is None:
                    return None
                pk = by_key.get(tuple(value))
                if pk is not None:
                    return pk
                # A content type or permission of a model the code no longer has: a nullable
                # link is cleared (as deleting the content type would do), a group's or user's
                # grant of it is dropped; anything else is an error.
                message = gettext(
                    "%(model)s: %(key)s is not in this database (a model that no longer exists)"
                ) % {"model": field.model._meta.label_lower, "key": ".".join(value)}
                if field.null:
                    self.warnings.append(gettext("Warning: %(m)s, link cleared.") % {"m": message})
                    return None
                if auto_created:
                    self.warnings.append(gettext("Warning: %(m)s, row left out.") % {"m": message})
                    raise SkipRow
                raise CommandError(f"{message}. {NOTHING_RESTORED}")

            return from_natural_key

        target = field.target_field if field.is_relation else field
        if target.get_internal_type() in JSON_NATIVE_TYPES:
            return _unchanged

        def from_json(value):
            return field.get_db_prep_save(field.to_python(value), connection)

        return from_json

    def load(self, entry: dict, model: type[models.Model]) -> int:
        """Insert the rows of one table, in batches; returns how many."""
        fields = {field.attname: field for field in model._meta.concrete_fields}
        columns = entry["columns"]
        column_set = set(columns)
        converters = [self._converter(fields[column]) for column in columns]
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        names = ", ".join(quote(fields[column].column) for column in columns)
        if connection.vendor == "postgresql":
            # COPY: several times faster than INSERTs on large tables.
            sql = f"COPY {table} ({names}) FROM STDIN"
        else:
            sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
        path = self.root / safe_relative(entry["file"])
        read, inserted, batch = 0, 0, []
        with path.open(encoding="utf-8") as lines, connection.cursor() as cursor:
            for number, line in enumerate(lines, start=1):
                try:
                    row = json.loads(line)
                    if not isinstance(row, dict) or row.keys() != column_set:
                        raise ValueError("not a row of this table's columns")
                    values = [
                        convert(row[column])
                        for column, convert in zip(columns, converters, strict=True)
                    ]
                except SkipRow:
                    read += 1
                    continue
                except (ValueError, TypeError, ValidationError) as error:
                    raise CommandError(
                        gettext(
                            "%(file)s, line %(line)d: %(error)s. The archive is damaged. "
                            "%(nothing)s"
                        )
                        % {
                            "file": entry["file"],
                            "line": number,
                            "error": error,
                            "nothing": NOTHING_RESTORED,
                        }
                    ) from error
                read += 1
                batch.append(values)
                if len(batch) >= BATCH:
                    inserted += self._insert(cursor, sql, batch, entry)
            if batch:
                inserted += self._insert(cursor, sql, batch, entry)
        if read != entry["rows"]:
            raise CommandError(
                gettext(
                    "%(file)s holds %(read)d rows, the manifest says %(expected)d: the archive "
                    "is incomplete. %(nothing)s"
                )
                % {
                    "file": entry["file"],
                    "read": read,
                    "expected": entry["rows"],
                    "nothing": NOTHING_RESTORED,
                }
            )
        return inserted

    def _insert(self, cursor, sql: str, batch: list, entry: dict) -> int:
        count = len(batch)
        try:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(sql) as copy:
                    for values in batch:
                        copy.write_row(values)
            else:
                cursor.executemany(sql, batch)
        except (DatabaseError, connection.Database.Error) as error:
            raise CommandError(
                gettext("Inserting the rows of %(model)s failed: %(error)s %(nothing)s")
                % {"model": entry["model"], "error": error, "nothing": NOTHING_RESTORED}
            ) from error
        batch.clear()
        return count
