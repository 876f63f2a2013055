"""`python manage.py export_dataset --output PATH [--format tar.gz|dir] [--no-media]`: the whole
dataset in one portable archive, restored by `restore_dataset` (see docs/backups.md).

Archive layout (a .tar.gz, or the same tree as a directory):
    data/<app>.<model>.jsonl  one JSON object per row, columns by attname, in primary-key order
    media/<name>              every file under MEDIA_ROOT that a FileField of a row names
    manifest.json             written last: format version, migration state (last applied
                              migrations per app), per-table row counts and SHA-256, SHA-256
                              and size of every media file, created-at

Every model of every installed app is exported (the project's apps with their history tables
and many-to-many tables, auth users and groups, staff profiles, the admin log) except the rows
`migrate` itself creates from the code (content types and permissions: rows pointing at them
carry their natural key instead of the id) and sessions (ephemeral).

Why not dumpdata/loaddata as the engine: dumpdata's JSON encoder cuts datetimes to milliseconds
(a created_at of 12:18:58.014123 comes back as 12:18:58.014), so the restored database would not
be the one dumped; loaddata saves row by row through model instances (an UPDATE then an INSERT
per row, post_save signals per row, modeltranslation's descriptors between the JSON and the
column); and neither carries the media, the checksums or the migration state. Instead, each
table is read column by column with a plain QuerySet (not the model's manager, which
modeltranslation patches to rewrite `title` into `title_<language>`) through iterator() in
primary-key order, so memory stays flat on large databases (about 100 MB of RSS for 300,000
rows); restore_dataset writes the same column values back in batches (COPY on PostgreSQL), in one
transaction.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import decimal
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import django
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.duration import duration_iso_string
from django.utils.translation import gettext

from opengov import scoping
from opengov.management.language import LanguageOptionMixin

FORMAT = "infitah-dataset"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 2000
COPY_BUFFER = 1024 * 1024

# Rows that `migrate` creates from the code: never exported, referenced by natural key.
REFERENCE_MODELS = ("contenttypes.contenttype", "auth.permission")
# Ephemeral rows, neither exported nor restored (nor opengov.scoping.register_derived's).
EPHEMERAL_MODELS = ("sessions.session",)


def dataset_models() -> list[type[models.Model]]:
    """The models whose rows make the dataset, in a stable order (app order, then model order),
    many-to-many tables included."""
    result = []
    for app_config in apps.get_app_configs():
        for model in app_config.get_models(include_auto_created=True):
            opts = model._meta
            if opts.proxy or not opts.managed:
                continue
            if opts.label_lower in REFERENCE_MODELS + EPHEMERAL_MODELS or scoping.is_derived(model):
                continue
            result.append(model)
    return result


def raw_queryset(model: type[models.Model]) -> models.QuerySet:
    """All rows of `model` through Django's own QuerySet: no manager patched by modeltranslation
    (which rewrites field names to the active language), no default filtering."""
    return models.QuerySet(model=model, using=connection.alias)


def natural_keys() -> dict[str, dict[int, list[str]]]:
    """pk → natural key of the reference rows, by label_lower of the referenced model."""
    content_types = {
        pk: [app_label, model]
        for pk, app_label, model in raw_queryset(ContentType).values_list(
            "pk", "app_label", "model"
        )
    }
    permissions = {
        pk: [codename, *content_types[content_type_id]]
        for pk, codename, content_type_id in raw_queryset(Permission).values_list(
            "pk", "codename", "content_type_id"
        )
    }
    return {"contenttypes.contenttype": content_types, "auth.permission": permissions}


def reference_label(field: models.Field) -> str | None:
    """The reference model a foreign key points at (content type, permission), else None."""
    if field.is_relation and field.many_to_one and field.related_model is not None:
        label = field.related_model._meta.label_lower
        if label in REFERENCE_MODELS:
            return label
    return None


def migration_state() -> dict[str, list[str]]:
    """For each app, the names of its last applied migrations (those no other applied migration
    of the same app comes after; one per app unless a merge is pending)."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    applied = set(loader.applied_migrations)
    state: dict[str, list[str]] = {}
    for app_label, name in sorted(applied):
        node = loader.graph.node_map.get((app_label, name))
        later = node is not None and any(
            child.key[0] == app_label and child.key in applied for child in node.children
        )
        if not later:
            state.setdefault(app_label, []).append(name)
    return state


def file_fields(model: type[models.Model]) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def json_default(value):
    """JSON for the column values the database adapter returns beyond JSON's own types; each
    field's to_python() reads them back (restore_dataset). Datetimes keep their microseconds."""
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return duration_iso_string(value)
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError(f"cannot export a value of type {type(value).__name__}")


class HashingReader:
    """Wraps a binary file: what is read through it is hashed and counted."""

    def __init__(self, raw):
        self.raw = raw
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data


class HashingWriter:
    """Wraps a binary file: what is written through it is hashed and counted."""

    def __init__(self, raw):
        self.raw = raw
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.sha256.update(data)
        self.size += len(data)
        return self.raw.write(data)


class ArchiveWriter:
    """The archive being written, under `<output>.partial` until close() renames it, so that a
    failed export never leaves something that looks complete at the output path."""

    def __init__(self, path: Path, archive_format: str):
        self.path = path
        self.partial = path.with_name(path.name + ".partial")
        self.is_dir = archive_format == "dir"
        if self.is_dir:
            self.partial.mkdir()
            self.tar = None
        else:
            # PAX: file names of any length and encoding. Closed by close() or abort().
            self.tar = tarfile.open(  # noqa: SIM115
                self.partial, "w:gz", format=tarfile.PAX_FORMAT
            )

    def _tarinfo(self, name: str, size: int) -> tarfile.TarInfo:
        info = tarfile.TarInfo(name)
        info.size = size
        info.mtime = int(timezone.now().timestamp())
        info.mode = 0o644
        return info

    @contextlib.contextmanager
    def data_file(self, name: str) -> Iterator[HashingWriter]:
        """A file to write `name` into; hashed, and added to the archive when the block ends."""
        if self.is_dir:
            target = self.partial / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("wb") as raw:
                yield HashingWriter(raw)
            return
        # A tar member needs its size before its content: stage it next to the output.
        with tempfile.TemporaryFile(dir=self.path.parent) as raw:
            writer = HashingWriter(raw)
            yield writer
            raw.seek(0)
            self.tar.addfile(self._tarinfo(name, writer.size), raw)

    def add_media(self, name: str, source, size: int) -> tuple[str, int]:
        """Copy a media file into media/<name>; returns its SHA-256 and size."""
        reader = HashingReader(source)
        if self.is_dir:
            target = self.partial / "media" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("wb") as out:
                shutil.copyfileobj(reader, out, COPY_BUFFER)
        else:
            self.tar.addfile(self._tarinfo(f"media/{name}", size), reader)
            if reader.raw.read(1):
                raise CommandError(
                    gettext("The media file %(name)s grew while it was being exported.")
                    % {"name": name}
                )
        return reader.sha256.hexdigest(), reader.size

    def add_manifest(self, manifest: dict) -> None:
        data = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
        if self.is_dir:
            (self.partial / MANIFEST).write_bytes(data)
        else:
            self.tar.addfile(self._tarinfo(MANIFEST, len(data)), io.BytesIO(data))

    def close(self) -> None:
        if self.tar is not None:
            self.tar.close()
        os.replace(self.partial, self.path)

    def abort(self) -> None:
        if self.tar is not None:
            with contextlib.suppress(Exception):
                self.tar.close()
        if self.partial.is_dir():
            shutil.rmtree(self.partial, ignore_errors=True)
        else:
            self.partial.unlink(missing_ok=True)


@contextlib.contextmanager
def snapshot() -> Iterator[None]:
    """One transaction for the whole export; on PostgreSQL a repeatable-read, read-only one, so
    every table is read as of the same instant (what pg_dump does), even while the site runs.
    Inside a transaction that already started (tests), its snapshot is used as it is."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


class Command(LanguageOptionMixin, BaseCommand):
    help = (
        "Export every row of the database and the media files it references into one archive "
        "(.tar.gz or a directory) with a manifest; restore it with restore_dataset."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", required=True, help="Path of the archive to create (must not exist)."
        )
        parser.add_argument(
            "--format",
            dest="archive_format",
            choices=["tar.gz", "dir"],
            default="tar.gz",
            help="A gzip-compressed tar file (default) or a directory.",
        )
        parser.add_argument(
            "--no-media", action="store_true", help="Export the rows only, without media files."
        )

    def handle(self, *args, output: str, archive_format: str, no_media: bool, **options):
        path = Path(output).expanduser().absolute()
        partial = path.with_name(path.name + ".partial")
        if path.exists() or partial.exists():
            raise CommandError(
                gettext("%(path)s already exists: give the path of a new archive.")
                % {"path": path if path.exists() else partial}
            )
        if not path.parent.is_dir():
            raise CommandError(
                gettext("The folder %(folder)s does not exist.") % {"folder": path.parent}
            )
        archive = ArchiveWriter(path, archive_format)
        try:
            with snapshot():
                manifest = self._export(archive, include_media=not no_media)
            archive.add_manifest(manifest)
            archive.close()
        except BaseException:
            archive.abort()
            raise
        rows = sum(entry["rows"] for entry in manifest["models"])
        self.stdout.write(
            gettext(
                "Exported %(rows)d rows of %(tables)d tables and %(files)d media files to %(path)s."
            )
            % {
                "rows": rows,
                "tables": len(manifest["models"]),
                "files": len(manifest["media"]),
                "path": path,
            }
        )

    def _export(self, archive: ArchiveWriter, *, include_media: bool) -> dict:
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "django_version": django.get_version(),
            "database_vendor": connection.vendor,
            "migrations": migration_state(),
            "includes_media": include_media,
            "models": [],
            "media": {},
            "missing_media": [],
        }
        keys = natural_keys()
        media_names: set[str] = set()
        for model in dataset_models():
            manifest["models"].append(self._export_model(archive, model, keys))
            if include_media:
                for field in file_fields(model):
                    media_names.update(
                        raw_queryset(model)
                        .exclude(**{f"{field.attname}__isnull": True})
                        .exclude(**{field.attname: ""})
                        .values_list(field.attname, flat=True)
                        .distinct()
                        .iterator(chunk_size=CHUNK)
                    )
        for name in sorted(media_names):
            try:
                size = default_storage.size(name)
                with default_storage.open(name, "rb") as source:
                    sha256, size = archive.add_media(name, source, size)
            except FileNotFoundError:
                # A row naming a file that is gone: say so, export the rest.
                manifest["missing_media"].append(name)
                self.stderr.write(
                    gettext("Warning: %(name)s is referenced but missing from MEDIA_ROOT.")
                    % {"name": name}
                )
                continue
            manifest["media"][name] = {"sha256": sha256, "size": size}
        return manifest

    def _export_model(self, archive: ArchiveWriter, model, keys) -> dict:
        opts = model._meta
        fields = list(opts.concrete_fields)
        attnames = [field.attname for field in fields]
        references = {
            field.attname: keys[label] for field in fields if (label := reference_label(field))
        }
        name = f"data/{opts.label_lower}.jsonl"
        rows = 0
        with archive.data_file(name) as out:
            values = raw_queryset(model).order_by("pk").values_list(*attnames).iterator(CHUNK)
            for row_values in values:
                row = dict(zip(attnames, row_values, strict=True))
                for attname, by_pk in references.items():
                    if row[attname] is not None:
                        row[attname] = by_pk[row[attname]]
                line = json.dumps(
                    row, default=json_default, ensure_ascii=False, separators=(",", ":")
                )
                out.write(line.encode("utf-8") + b"\n")
                rows += 1
        return {
            "model": opts.label_lower,
            "table": opts.db_table,
            "file": name,
            "rows": rows,
            "sha256": out.sha256.hexdigest(),
            "columns": attnames,
        }
