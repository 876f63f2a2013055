"""`python manage.py restore_dataset ARCHIVE`: load an archive made by export_dataset (a .tar.gz or
its directory form) into an empty, migrated database, with its media files (docs/backups.md).

All or nothing: every checksum is verified and the target is checked (same migrations as the
archive, no data) before anything is written; rows are then inserted with their primary keys,
the foreign keys checked, the sequences moved past the highest key and the media files copied,
all in one transaction. If any step fails, the transaction is rolled back and the media files
copied so far are deleted: the target stays as empty as it was.

"Empty" means: no row in any table the archive covers, and no session. The only rows a fresh
`migrate` leaves are content types, permissions (the archive refers to them by natural key) and
the role groups of commitments/0002_roles: those groups, and only those, are replaced by the
archive's, which carry the source's own permission choices.

The command reads and checks; the rows are loaded by opengov/management/dataset_rows.py.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import tarfile
import tempfile
import zlib
from pathlib import Path

from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, connection, models, transaction
from django.utils.translation import gettext

from opengov.dataversion import bump
from opengov.management.commands.export_dataset import (
    COPY_BUFFER,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    dataset_models,
    migration_state,
    raw_queryset,
)
from opengov.management.dataset_rows import (
    NOTHING_RESTORED,
    RowLoader,
    reset_sequences,
    safe_relative,
)
from opengov.management.language import LanguageOptionMixin
from opengov.roles import ROLES


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(COPY_BUFFER):
            digest.update(chunk)
    return digest.hexdigest()


class Command(LanguageOptionMixin, BaseCommand):
    help = (
        "Restore an archive made by export_dataset into an empty, migrated database (all or "
        "nothing), with its media files."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The .tar.gz file or directory export_dataset wrote.")

    def handle(self, *args, archive: str, **options):
        self.verbosity = options.get("verbosity", 1)
        self.warnings: list[str] = []
        with contextlib.ExitStack() as stack:
            root = self._open(Path(archive).expanduser(), stack)
            manifest = self._read_manifest(root)
            counts, media_written, media_present = self._restore(root, manifest)
        if not manifest.get("includes_media", True):
            self.warnings.append(
                gettext(
                    "Warning: this archive was made with --no-media; copy the media files "
                    "separately."
                )
            )
        for name in manifest.get("missing_media", []):
            self.warnings.append(
                gettext("Warning: %(name)s was already missing when the archive was made.")
                % {"name": name}
            )
        for warning in self.warnings:
            self.stderr.write(warning)
        if self.verbosity >= 1:
            for label, count in counts.items():
                if count:
                    self.stdout.write(f"  {count:8d}  {label}")
        self.stdout.write(
            gettext(
                "Restored %(rows)d rows into %(tables)d tables and %(files)d media files "
                "(%(present)d already in place)."
            )
            % {
                "rows": sum(counts.values()),
                "tables": len(counts),
                "files": media_written,
                "present": media_present,
            }
        )

    # --- reading and checking the archive ---------------------------------------------------

    def _open(self, path: Path, stack: contextlib.ExitStack) -> Path:
        if path.is_dir():
            return path
        if not path.is_file():
            raise CommandError(gettext("No archive at %(path)s.") % {"path": path})
        target = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="infitah-restore-")))
        try:
            with tarfile.open(path, "r:*") as tar:
                # The "data" filter refuses absolute paths, "..", links out of the folder and
                # device files.
                tar.extractall(target, filter="data")
        except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
            raise CommandError(
                gettext(
                    "Cannot read the archive %(path)s (%(error)s): it is damaged or incomplete. "
                    "%(nothing)s"
                )
                % {"path": path, "error": error, "nothing": NOTHING_RESTORED}
            ) from error
        return target

    def _read_manifest(self, root: Path) -> dict:
        try:
            manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
        except FileNotFoundError as error:
            raise CommandError(
                gettext("%(root)s has no manifest.json: not an export_dataset archive.")
                % {"root": root}
            ) from error
        except ValueError as error:
            raise CommandError(
                gettext("The archive's manifest.json is damaged (%(error)s). %(nothing)s")
                % {"error": error, "nothing": NOTHING_RESTORED}
            ) from error
        if (
            not isinstance(manifest, dict)
            or manifest.get("format") != FORMAT
            or manifest.get("format_version") != FORMAT_VERSION
            or not isinstance(manifest.get("migrations"), dict)
            or not isinstance(manifest.get("models"), list)
            or not isinstance(manifest.get("media"), dict)
        ):
            raise CommandError(
                gettext(
                    "This archive is not in the format this code reads (%(format)s version "
                    "%(version)d). %(nothing)s"
                )
                % {"format": FORMAT, "version": FORMAT_VERSION, "nothing": NOTHING_RESTORED}
            )
        return manifest

    def _verify_files(self, root: Path, manifest: dict) -> None:
        """Every data and media file is present with the checksum the manifest gives, before
        anything is written anywhere."""
        expected = [(entry["file"], entry["sha256"]) for entry in manifest["models"]]
        expected += [(f"media/{name}", meta["sha256"]) for name, meta in manifest["media"].items()]
        for name, sha256 in expected:
            path = root / safe_relative(name)
            if not path.is_file():
                raise CommandError(
                    gettext("The archive lacks %(name)s. %(nothing)s")
                    % {"name": name, "nothing": NOTHING_RESTORED}
                )
            if _sha256(path) != sha256:
                raise CommandError(
                    gettext("Checksum mismatch for %(name)s: the archive is damaged. %(nothing)s")
                    % {"name": name, "nothing": NOTHING_RESTORED}
                )

    # --- checking the target ----------------------------------------------------------------

    def _check_migrations(self, manifest: dict) -> None:
        ours, theirs = migration_state(), manifest["migrations"]
        if ours == theirs:
            return
        differences = []
        for app_label in sorted(set(ours) | set(theirs)):
            archive_state, our_state = theirs.get(app_label, []), ours.get(app_label, [])
            if archive_state != our_state:
                differences.append(
                    gettext("  %(app)s: the archive is at %(archive)s, this database at %(ours)s")
                    % {
                        "app": app_label,
                        "archive": ", ".join(archive_state) or "-",
                        "ours": ", ".join(our_state) or "-",
                    }
                )
        raise CommandError(
            gettext(
                "The migrations applied to this database differ from the archive's. Run the "
                "release the archive was made with (and migrate an empty database with it), "
                "then restore. %(nothing)s\n%(differences)s"
            )
            % {"nothing": NOTHING_RESTORED, "differences": "\n".join(differences)}
        )

    def _models(self, manifest: dict) -> dict[str, type[models.Model]]:
        ours = {model._meta.label_lower: model for model in dataset_models()}
        theirs = [entry["model"] for entry in manifest["models"]]
        if set(theirs) != set(ours):
            raise CommandError(
                gettext(
                    "The archive's tables differ from this code's (only in the archive: "
                    "%(theirs)s; only here: %(ours)s). %(nothing)s"
                )
                % {
                    "theirs": ", ".join(sorted(set(theirs) - set(ours))) or "-",
                    "ours": ", ".join(sorted(set(ours) - set(theirs))) or "-",
                    "nothing": NOTHING_RESTORED,
                }
            )
        for entry in manifest["models"]:
            columns = {field.attname for field in ours[entry["model"]]._meta.concrete_fields}
            if set(entry["columns"]) != columns:
                raise CommandError(
                    gettext(
                        "The columns of %(model)s in the archive differ from this code's. "
                        "%(nothing)s"
                    )
                    % {"model": entry["model"], "nothing": NOTHING_RESTORED}
                )
        return ours

    def _check_empty(self, models_by_label: dict[str, type[models.Model]]) -> None:
        group_links = Group.permissions.through
        holding = [
            label
            for label, model in models_by_label.items()
            if model not in (Group, group_links)
            and not getattr(model, "SEEDED_BY_MIGRATION", False)
            and raw_queryset(model).exists()
        ]
        if raw_queryset(Group).exclude(name__in=ROLES).exists():
            holding.append(Group._meta.label_lower)
        if raw_queryset(Session).exists():
            holding.append(Session._meta.label_lower)
        if holding:
            holding.sort()
            tables = ", ".join(holding[:5])
            if len(holding) > 5:
                tables += gettext(" and %(count)d more") % {"count": len(holding) - 5}
            raise CommandError(
                gettext(
                    "The database is not empty (it has rows in %(tables)s). Restore only into "
                    "a new database that `migrate` has just created. %(nothing)s"
                )
                % {"tables": tables, "nothing": NOTHING_RESTORED}
            )

    def _check_media_targets(self, manifest: dict) -> set[str]:
        """The media files already in place with the same content (left as they are); refuses
        to overwrite a different file of the same name."""
        present = set()
        for name, meta in manifest["media"].items():
            if not default_storage.exists(name):
                continue
            with default_storage.open(name, "rb") as handle:
                digest = hashlib.sha256()
                while chunk := handle.read(COPY_BUFFER):
                    digest.update(chunk)
            if digest.hexdigest() != meta["sha256"]:
                raise CommandError(
                    gettext(
                        "MEDIA_ROOT already holds a different %(name)s: restore into an empty "
                        "MEDIA_ROOT. %(nothing)s"
                    )
                    % {"name": name, "nothing": NOTHING_RESTORED}
                )
            present.add(name)
        return present

    # --- writing ----------------------------------------------------------------------------

    def _restore(self, root: Path, manifest: dict) -> tuple[dict[str, int], int, int]:
        written: list[str] = []
        try:
            with transaction.atomic():
                self._check_migrations(manifest)
                models_by_label = self._models(manifest)
                self._check_empty(models_by_label)
                present = self._check_media_targets(manifest)
                self._verify_files(root, manifest)
                self._remove_migration_rows(models_by_label.values())
                rows = RowLoader(root, self.warnings)
                counts = {
                    entry["model"]: rows.load(entry, models_by_label[entry["model"]])
                    for entry in manifest["models"]
                }
                try:
                    connection.check_constraints()
                except IntegrityError as error:
                    raise CommandError(
                        gettext("The archive's rows do not hold together (%(error)s). %(nothing)s")
                        % {"error": error, "nothing": NOTHING_RESTORED}
                    ) from error
                reset_sequences(models_by_label.values())
                for name in manifest["media"]:
                    if name in present:
                        continue
                    # Listed first: a write that fails halfway leaves a partial file to delete.
                    written.append(name)
                    try:
                        with (root / "media" / safe_relative(name)).open("rb") as handle:
                            saved = default_storage.save(name, File(handle))
                    except OSError as error:
                        raise CommandError(
                            gettext("Writing %(name)s into MEDIA_ROOT failed: %(error)s. %(n)s")
                            % {"name": name, "error": error, "n": NOTHING_RESTORED}
                        ) from error
                    if saved != name:
                        written.append(saved)
                        raise CommandError(
                            gettext("MEDIA_ROOT refused the name %(name)s. %(nothing)s")
                            % {"name": name, "nothing": NOTHING_RESTORED}
                        )
                # Cached open-data answers were built from other data.
                transaction.on_commit(bump)
        except BaseException:
            for name in written:
                with contextlib.suppress(Exception):
                    default_storage.delete(name)
            raise
        return counts, len(manifest["media"]) - len(present), len(present)

    def _remove_migration_rows(self, dataset_models) -> None:
        """The rows `migrate` made (the role groups, the reference rows a model marks
        SEEDED_BY_MIGRATION): the archive brings them back as they were."""
        seeded = [m for m in dataset_models if getattr(m, "SEEDED_BY_MIGRATION", False)]
        with connection.cursor() as cursor:
            for model in (Group.permissions.through, Group, *seeded):
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
