"""Backups: export_dataset writes the whole dataset (rows, history, users, media) into one archive;
restore_dataset loads it into a second, empty PostgreSQL database, created here and migrated by
`manage.py migrate` in a subprocess, and the two databases are then compared table by table (row
counts and a digest of every column in primary-key order), file by file and sequence by sequence.
A damaged archive, a database with data or with other migrations is refused, and the target is
left as it was.

Time: `migrate` runs once for the module, on a template database, in the background while the
source dataset is built; each target is a copy of it (CREATE DATABASE … TEMPLATE), and the refused
restores run at once, each in its own process on its own copy. The databases are dropped after
the module, in the background while the next modules run."""

import datetime
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection, transaction
from django.test import TestCase, override_settings
from django.utils import timezone, translation

from commitments.models import (
    AssessmentEvidence,
    Comment,
    CommentReport,
    Commitment,
    CommitmentAssessment,
    Milestone,
    MilestoneUpdate,
    PlanDocument,
    PlanPublication,
)
from commitments.publishing import services as publishing
from consultations.models import ActionPlan, Council, Workshop, WorkshopDocument
from devdata.demo import load_demo
from opengov.management.commands.export_dataset import migration_state
from opengov.models import StaffProfile
from opengov.roles import COORDINATOR
from tests import factories

# The mark also makes pytest-django create the test database, which the module-scoped source
# fixture writes into (in a transaction it rolls back).
# Starts processes of its own (manage.py migrate and restore_dataset) on databases of its own.
pytestmark = [pytest.mark.real_services, pytest.mark.django_db]

TODAY = datetime.date(2026, 11, 27)
MANAGE = Path(settings.BASE_DIR) / "manage.py"
# Tables the archive does not carry: migrate creates the first three from the code (compared
# below by natural key), sessions are ephemeral.
NOT_IN_ARCHIVE = {"django_migrations", "django_content_type", "auth_permission", "django_session"}
# Not in the archive either, but made again by the database as their sources are restored (the
# search index's triggers): compared without their own keys, in the order of their natural one.
DERIVED = {"sitesearch_searchentry": '"kind", "object_id"'}
# Where the database references media files (checked independently of the command's own list).
FILE_FIELDS = [
    (Council, "logo"),
    (WorkshopDocument, "file"),
    (PlanDocument, "file"),
    (MilestoneUpdate, "evidence_file"),
    (AssessmentEvidence, "file"),
]
# A valid 1x1 PNG (logos are verified with Pillow, checksums included).
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc````\x00\x00\x00\x05\x00\x01\xa5\xf6E@\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


# --- the PostgreSQL server, reached directly ------------------------------------------------


def _server() -> dict:
    database = connection.settings_dict
    return {
        "host": database["HOST"] or "127.0.0.1",
        "port": int(database["PORT"] or 5432),
        "user": database["USER"] or "postgres",
        "password": database["PASSWORD"] or None,
    }


def _connect(dbname: str = "postgres") -> psycopg.Connection:
    return psycopg.connect(dbname=dbname, autocommit=True, **_server())


def _database_url(name: str) -> str:
    server = _server()
    credentials = quote(server["user"])
    if server["password"]:
        credentials += ":" + quote(server["password"])
    return f"postgres://{credentials}@{server['host']}:{server['port']}/{name}"


def _create_database(template=None) -> str:
    """A new database (a copy of `template`'s database, if given), dropped with the template's."""
    name = f"infitah_restore_{uuid.uuid4().hex[:10]}"
    with _connect() as admin:
        if template is None:
            admin.execute(f'CREATE DATABASE "{name}"')
        else:
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template.name}"')
            template.copies.append(name)
    return name


def _drop_databases(names: list[str]) -> None:
    # In parallel: each DROP DATABASE waits for a checkpoint, which concurrent drops share.
    def drop(name):
        with _connect() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    with ThreadPoolExecutor(max_workers=max(len(names), 1)) as pool:
        list(pool.map(drop, names))


def _start(database: str, media: Path, *args: str) -> subprocess.Popen:
    """`manage.py <args>` in a new process on `database` and `media`."""
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(database),
        "DATABASE_CONN_MAX_AGE": "0",
        "MEDIA_ROOT": str(media),
    }
    return subprocess.Popen(
        [sys.executable, str(MANAGE), *args],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(process: subprocess.Popen) -> subprocess.CompletedProcess:
    try:
        stdout, stderr = process.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


# --- comparing databases ----------------------------------------------------------------------

CATALOG_COLUMNS = """
    SELECT c.relname, a.attname FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
    ORDER BY c.relname, a.attnum"""
CATALOG_KEYS = """
    SELECT c.relname, a.attname, con.contype, con.confrelid::regclass::text
    FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1]
    WHERE n.nspname = 'public' AND con.contype IN ('p', 'f') AND array_length(con.conkey, 1) = 1"""
# Content types and permissions are compared by natural key: their ids come from the order in
# which each database was migrated, not from the archive.
BY_NATURAL_KEY = {
    "django_content_type": (
        "(SELECT ct.app_label || '.' || ct.model FROM django_content_type ct WHERE ct.id = t.{})"
    ),
    "auth_permission": (
        "(SELECT ct.app_label || '.' || p.codename FROM auth_permission p "
        "JOIN django_content_type ct ON ct.id = p.content_type_id WHERE p.id = t.{})"
    ),
}


def _digests(cursor) -> dict[str, tuple[int, str]]:
    """Row count and MD5 of every column of every row, in primary-key order, per table."""
    cursor.execute(CATALOG_COLUMNS)
    columns: dict[str, list[str]] = {}
    for table, column in cursor.fetchall():
        columns.setdefault(table, []).append(column)
    cursor.execute(CATALOG_KEYS)
    primary, references = {}, {}
    for table, column, kind, target in cursor.fetchall():
        if kind == "p":
            primary[table] = column
        elif target in BY_NATURAL_KEY:
            references[(table, column)] = BY_NATURAL_KEY[target].format(f'"{column}"')
    result = {}
    for table, names in sorted(columns.items()):
        if table in NOT_IN_ARCHIVE:
            continue
        if table in DERIVED:
            names = [name for name in names if name != primary[table]]
        values = ", ".join(references.get((table, name), f't."{name}"') for name in names)
        order = f't."{primary[table]}"' if table in primary else "1"
        order = DERIVED.get(table, order)
        cursor.execute(
            f"SELECT count(*), md5(coalesce(string_agg(ROW({values})::text, E'\\n' "  # noqa: S608
            f"ORDER BY {order}), '')) FROM \"{table}\" t"
        )
        result[table] = tuple(cursor.fetchone())
    return result


def _reference_rows(cursor) -> dict[str, set]:
    """What migrate creates from the code, by natural key."""
    cursor.execute("SELECT app, name FROM django_migrations")
    migrations = set(cursor.fetchall())
    cursor.execute(
        "SELECT ct.app_label, ct.model, p.codename FROM auth_permission p "
        "JOIN django_content_type ct ON ct.id = p.content_type_id"
    )
    return {"migrations": migrations, "permissions": set(cursor.fetchall())}


def _database_state(name: str) -> dict:
    with _connect(name) as target, target.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'UTC'")
        return {"digests": _digests(cursor), **_reference_rows(cursor)}


def _files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


# --- the source dataset ---------------------------------------------------------------------


def _build_dataset(media_root: Path) -> None:
    """The demo data, plus what it lacks: users with groups, permissions and a staff profile, a
    plan published as PDF by the publication task, evidence files, workshop documents (two rows
    on one file), a council logo, a reply and a report on comments, edits and a deletion in the
    history, an admin log entry, and a file in MEDIA_ROOT that nothing references."""
    load_demo(today=TODAY)
    admin = factories.UserFactory(username="network-admin", is_staff=True, is_superuser=True)
    coordinator = factories.UserFactory(username="coordinator", first_name="سعاد", is_staff=True)
    coordinator.groups.add(Group.objects.get(name=COORDINATOR))
    coordinator.user_permissions.add(Permission.objects.get(codename="view_comment"))
    StaffProfile.objects.create(user=coordinator, language="fr")
    oriental = Council.objects.get(slug="oriental")
    oriental.staff.add(coordinator)
    oriental.logo.save("logo.png", ContentFile(PNG))

    plan = factories.ActionPlanFactory(council=oriental, start_year=2030, end_year=2031)
    commitment = factories.CommitmentFactory(
        plan=plan,
        reference="ORI-2030-01",
        start_date=datetime.date(2030, 1, 1),
        end_date=datetime.date(2031, 6, 30),
        budget="125000.50",
    )
    milestone = factories.MilestoneFactory(
        commitment=commitment,
        start_date=datetime.date(2030, 1, 1),
        due_date=datetime.date(2030, 12, 31),
    )
    factories.IndicatorFactory(commitment=commitment)
    ActionPlan.objects.filter(pk=plan.pk).update(stage=ActionPlan.Stage.ADOPTED)
    plan.refresh_from_db()
    # The publication task runs eagerly (CELERY_TASK_ALWAYS_EAGER) once "committed".
    with TestCase.captureOnCommitCallbacks(execute=True):
        publication = publishing.plan_publish(plan=plan, by=coordinator)
    publication.refresh_from_db()
    assert publication.status == PlanPublication.Status.DONE, publication.error

    MilestoneUpdate.objects.create(
        milestone=milestone,
        status=Milestone.Status.IN_PROGRESS,
        note_fr="Rapport d'étape",
        evidence_file=ContentFile(b"%PDF-1.4\n% evidence\n%%EOF\n", name="rapport.pdf"),
        recorded_by=coordinator,
    )
    AssessmentEvidence.objects.create(
        assessment=CommitmentAssessment.objects.get(),
        title="Procès-verbal de clôture",
        file=ContentFile(b"%PDF-1.4\n% closing minutes\n%%EOF\n", name="pv.pdf"),
    )
    document = factories.WorkshopDocumentFactory(workshop=Workshop.objects.order_by("pk").first())
    WorkshopDocument.objects.create(
        workshop=document.workshop, title_fr="Copie du procès-verbal", file=document.file.name
    )

    comment = Comment.objects.filter(parent__isnull=True).order_by("pk").first()
    Comment.objects.create(
        plan=comment.plan,
        commitment=comment.commitment,
        parent=comment,
        author_name="أمين",
        email="amine@example.org",
        body="شكرا على التوضيح",
        language="ar",
        consent_at=timezone.now(),
        state=Comment.State.PUBLISHED,
        published_at=timezone.now(),
    )
    CommentReport.objects.create(comment=comment, client_hash="ab" * 32)

    edited = Commitment.objects.exclude(pk=commitment.pk).order_by("pk").first()
    edited.title_fr = f"{edited.title_fr} (révisé)"
    edited.save()
    factories.IndicatorFactory(commitment=edited).delete()  # a "-" history row, a gap in ids
    LogEntry.objects.create(
        user=admin,
        content_type=ContentType.objects.get_for_model(Commitment),
        object_id=str(edited.pk),
        object_repr=str(edited)[:200],
        action_flag=CHANGE,
        change_message='[{"changed": {"fields": ["Title"]}}]',
    )
    (media_root / "evidence").mkdir(exist_ok=True)
    (media_root / "evidence" / "orphan.pdf").write_bytes(b"%PDF-1.4\n% nobody's\n%%EOF\n")


def _referenced_media() -> set[str]:
    names = set()
    for model, field in FILE_FIELDS:
        names.update(
            name for name in model.objects.values_list(field, flat=True).distinct() if name
        )
    return names


@pytest.fixture(scope="module")
def source(django_db_setup, django_db_blocker, tmp_path_factory):
    """The rich dataset, exported three ways (tar.gz, directory, directory without media), with
    the digests of the source database taken in the same transaction; all rolled back."""
    media_root = tmp_path_factory.mktemp("media-source")
    out = tmp_path_factory.mktemp("archives")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media_root),
        translation.override("ar"),
        transaction.atomic(),
    ):
        assert connection.settings_dict["NAME"].startswith("test_"), "not the test database"
        _build_dataset(media_root)
        referenced = _referenced_media()
        call_command("export_dataset", output=str(out / "dataset.tar.gz"), stdout=io.StringIO())
        call_command(
            "export_dataset", output=str(out / "dataset"), format="dir", stdout=io.StringIO()
        )
        call_command(
            "export_dataset",
            output=str(out / "rows-only"),
            format="dir",
            no_media=True,
            stdout=io.StringIO(),
        )
        with connection.cursor() as cursor:
            digests = _digests(cursor)
            references = _reference_rows(cursor)
        migrations = migration_state()
        transaction.set_rollback(True)
    return SimpleNamespace(
        archive=out / "dataset.tar.gz",
        directory=out / "dataset",
        rows_only=out / "rows-only",
        media_root=media_root,
        referenced=referenced,
        digests=digests,
        references=references,
        migrations=migrations,
    )


@pytest.fixture(scope="session")
def _drops():
    """The module's databases are dropped in the background once it is over (each DROP DATABASE
    waits for a checkpoint of the whole server): the modules after it run meanwhile, and the
    session waits for the drops (and fails if one did) at its end."""
    with ThreadPoolExecutor(max_workers=1) as background:
        futures = []
        yield lambda names: futures.append(background.submit(_drop_databases, names))
        for future in futures:
            future.result()


@pytest.fixture(scope="module", autouse=True)
def template_db(tmp_path_factory, _drops):
    """A database `manage.py migrate` creates, copied for each target. The migration runs in
    the background while the source dataset is built; ready() waits for it."""
    name = _create_database()
    process = _start(name, tmp_path_factory.mktemp("media-template"), "migrate", "--noinput")
    template = SimpleNamespace(name=name, state=None, copies=[])

    def ready():
        if template.state is None:
            result = _finish(process)
            assert result.returncode == 0, result.stderr
            template.state = _database_state(name)
        return template

    template.ready = ready
    try:
        yield template
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        _drops([*template.copies, name])


@pytest.fixture(scope="module")
def restored(source, template_db, tmp_path_factory):
    """The tar.gz archive restored into a new, migrated database and an empty MEDIA_ROOT."""
    name = _create_database(template=template_db.ready())
    media = tmp_path_factory.mktemp("media-restored")
    result = _finish(_start(name, media, "restore_dataset", "--language=en", str(source.archive)))
    return SimpleNamespace(name=name, media=media, result=result, state=_database_state(name))


def _manifest(directory: Path) -> dict:
    return json.loads((directory / "manifest.json").read_text(encoding="utf-8"))


# --- the round trip -------------------------------------------------------------------------


def test_restore_gives_back_every_row_of_every_table(source, restored):
    assert restored.result.returncode == 0, restored.result.stderr
    restored_digests = restored.state["digests"]
    assert set(restored_digests) == set(source.digests)
    different = {
        table: (source.digests[table], restored_digests[table])
        for table in source.digests
        if source.digests[table] != restored_digests[table]
    }
    assert not different
    # The comparison is about real data: every kind of row is there.
    for table in (
        "auth_user",
        "auth_user_groups",
        "auth_user_user_permissions",
        "auth_group_permissions",
        "opengov_staffprofile",
        "django_admin_log",
        "consultations_council_staff",
        "consultations_historicalproposal",
        "commitments_historicalcommitment",
        "commitments_historicalindicator",
        "commitments_plandocument",
        "commitments_milestoneupdate",
        "commitments_assessmentevidence",
        "commitments_commentreport",
        "commitments_commitment_source_proposals",
    ):
        assert source.digests[table][0] > 0, table
    assert restored.state["migrations"] == source.references["migrations"]
    assert restored.state["permissions"] == source.references["permissions"]
    rows = sum(count for table, (count, _digest) in source.digests.items() if table not in DERIVED)
    assert f"Restored {rows} rows" in restored.result.stdout


def test_restore_brings_back_exactly_the_referenced_media(source, restored):
    original = _files(source.media_root)
    assert "evidence/orphan.pdf" in original
    assert len(source.referenced) >= 6  # logo, 2 PDFs, 2 evidence files, a workshop document
    assert any(name.startswith("plans/") for name in source.referenced)
    assert _files(restored.media) == {name: original[name] for name in source.referenced}


def test_restored_database_gives_new_rows_new_ids(restored):
    with _connect(restored.name) as target:
        tables = target.execute(
            "SELECT c.relname, a.attname, pg_get_serial_sequence(c.relname, a.attname) "
            "FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid "
            "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = con.conkey[1] "
            "WHERE con.contype = 'p' AND c.relnamespace = 'public'::regnamespace"
        ).fetchall()
        checked = 0
        for table, column, sequence in tables:
            if sequence is None:
                continue
            highest = target.execute(f'SELECT max("{column}") FROM "{table}"').fetchone()[0]  # noqa: S608
            if highest is None:
                continue
            assert target.execute("SELECT nextval(%s)", [sequence]).fetchone()[0] > highest, table
            checked += 1
        assert checked >= 20
        highest = target.execute("SELECT max(id) FROM consultations_theme").fetchone()[0]
        new_id = target.execute(
            "INSERT INTO consultations_theme (created_at, updated_at, name, name_ar, slug, "
            "description, position) VALUES (now(), now(), 'محور', 'محور', 'after-restore', '', 0) "
            "RETURNING id"
        ).fetchone()[0]
        assert new_id > highest


# --- the archive ------------------------------------------------------------------------------


def test_archive_manifest_describes_every_table_and_file(source):
    manifest = _manifest(source.directory)
    assert manifest["format"] == "infitah-dataset" and manifest["format_version"] == 1
    assert manifest["migrations"] == source.migrations
    counts = {entry["table"]: entry["rows"] for entry in manifest["models"]}
    assert counts == {
        table: count for table, (count, _digest) in source.digests.items() if table not in DERIVED
    }
    original = _files(source.media_root)
    assert manifest["media"] == {
        name: {"sha256": hashlib.sha256(original[name]).hexdigest(), "size": len(original[name])}
        for name in source.referenced
    }
    for entry in manifest["models"]:
        data = (source.directory / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert data.count(b"\n") == entry["rows"]
    # The tar.gz holds the same files as the directory (both read in one snapshot).
    with tarfile.open(source.archive) as tar:
        packed = {member.name: tar.extractfile(member).read() for member in tar if member.isfile()}
    unpacked = _files(source.directory)
    assert set(packed) == set(unpacked)
    assert all(packed[name] == unpacked[name] for name in packed if name != "manifest.json")


def test_export_keeps_microseconds_and_both_languages(source):
    manifest = _manifest(source.directory)
    entry = next(e for e in manifest["models"] if e["model"] == "consultations.council")
    rows = [
        json.loads(line)
        for line in (source.directory / entry["file"]).read_text(encoding="utf-8").splitlines()
    ]
    assert [row["id"] for row in rows] == sorted(row["id"] for row in rows)
    tta = next(row for row in rows if row["slug"] == "tanger-tetouan-al-hoceima")
    assert tta["name_ar"] == "جهة طنجة تطوان الحسيمة"
    assert tta["name_fr"] == "Région Tanger-Tétouan-Al Hoceima"
    assert any(
        datetime.datetime.fromisoformat(row["created_at"]).microsecond % 1000 for row in rows
    )


def test_export_without_media_carries_rows_only(source):
    manifest = _manifest(source.rows_only)
    assert manifest["media"] == {} and manifest["includes_media"] is False
    assert not (source.rows_only / "media").exists()
    assert [e["sha256"] for e in manifest["models"]] == [
        e["sha256"] for e in _manifest(source.directory)["models"]
    ]


def test_export_refuses_to_overwrite(source):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="already exists"):
        call_command(
            "export_dataset", output=str(source.archive), language="en", stdout=io.StringIO()
        )


# --- refusals: the target is left as it was ---------------------------------------------------
# Each case prepares a target (database, MEDIA_ROOT) and an archive; all the restores then run at
# once, each in its own process on its own database, and each test reads its case's outcome.


def _copy(source, work: Path) -> Path:
    archive = work / "archive"
    shutil.copytree(source.directory, archive)
    return archive


def _rewrite_manifest(archive: Path, name: str) -> None:
    """Give the manifest the checksum of the (damaged) data file, as a careless edit would."""
    manifest = _manifest(archive)
    for entry in manifest["models"]:
        if entry["file"] == name:
            entry["sha256"] = hashlib.sha256((archive / name).read_bytes()).hexdigest()
    (archive / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def _media_byte_changed(source, work, target):
    archive = _copy(source, work)
    name = sorted(n for n in source.referenced if n.startswith("plans/"))[0]
    path = archive / "media" / name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    return archive, ["Checksum mismatch", f"media/{name}"]


def _json_truncated_checksum_fixed(source, work, target):
    # Cut inside the last row of a table loaded late, after many others were inserted.
    archive = _copy(source, work)
    name = "data/commitments.milestone.jsonl"
    data = (archive / name).read_bytes()
    (archive / name).write_bytes(data[:-40])
    _rewrite_manifest(archive, name)
    return archive, [name, "line", "The archive is damaged"]


def _row_missing_checksum_fixed(source, work, target):
    archive = _copy(source, work)
    name = "data/commitments.comment.jsonl"
    lines = (archive / name).read_bytes().splitlines(keepends=True)
    (archive / name).write_bytes(b"".join(lines[:-1]))
    _rewrite_manifest(archive, name)
    return archive, [name, "the archive is incomplete"]


def _dangling_reference(source, work, target):
    archive = _copy(source, work)
    name = "data/commitments.milestone.jsonl"
    lines = (archive / name).read_text(encoding="utf-8").splitlines(keepends=True)
    row = json.loads(lines[0])
    row["commitment_id"] = 987654321
    lines[0] = json.dumps(row, ensure_ascii=False) + "\n"
    (archive / name).write_text("".join(lines), encoding="utf-8")
    _rewrite_manifest(archive, name)
    return archive, ["do not hold together", "commitments_milestone"]


def _tar_gz_truncated(source, work, target):
    data = source.archive.read_bytes()
    cut = work / "cut.tar.gz"
    cut.write_bytes(data[: len(data) * 2 // 3])
    return cut, ["damaged or incomplete"]


def _media_write_fails(source, work, target):
    # The rows load, then a file stands where the plans/ folder must go: the media already
    # copied (councils/, evidence/ come first) must be deleted again.
    (target.media / "plans").write_bytes(b"in the way")
    return source.directory, ["Writing plans/"]


def _other_migrations(source, work, target):
    with _connect(target.name) as database:
        database.execute(
            "DELETE FROM django_migrations WHERE app = 'commitments' AND name = %s",
            [source.migrations["commitments"][-1]],
        )
    return source.directory, [
        "migrations applied to this database differ",
        f"commitments: the archive is at {source.migrations['commitments'][-1]}",
    ]


def _database_with_data(source, work, target):
    return source.archive, ["The database is not empty"]


DAMAGED = {
    "media-byte-changed": _media_byte_changed,
    "json-truncated-checksum-fixed": _json_truncated_checksum_fixed,
    "row-missing-checksum-fixed": _row_missing_checksum_fixed,
    "dangling-reference": _dangling_reference,
    "tar-gz-truncated": _tar_gz_truncated,
}
REFUSALS = {
    **DAMAGED,
    "media-write-fails": _media_write_fails,
    "other-migrations": _other_migrations,
    "database-with-data": _database_with_data,
}


@pytest.fixture(scope="module")
def refusals(source, template_db, restored, tmp_path_factory):
    runs = {}
    for case, prepare in REFUSALS.items():
        work = tmp_path_factory.mktemp(case)
        if case == "database-with-data":
            target = SimpleNamespace(name=restored.name, media=restored.media)
        else:
            target = SimpleNamespace(
                name=_create_database(template=template_db.ready()), media=work / "media"
            )
            target.media.mkdir()
        archive, expected = prepare(source, work, target)
        runs[case] = SimpleNamespace(
            target=target,
            archive=archive,
            expected=expected,
            before=_database_state(target.name),
            files_before=_files(target.media),
        )
    processes = {
        case: _start(
            run.target.name, run.target.media, "restore_dataset", "--language=en", str(run.archive)
        )
        for case, run in runs.items()
    }
    for case, process in processes.items():
        run = runs[case]
        run.result = _finish(process)
        run.after = _database_state(run.target.name)
        run.files_after = _files(run.target.media)
    return runs


def _assert_refused(run) -> None:
    stderr = run.result.stderr
    assert run.result.returncode != 0
    assert "CommandError" in stderr and "Traceback" not in stderr, stderr
    for text in [*run.expected, "Nothing was restored"]:
        assert text in stderr, stderr
    assert run.after == run.before
    assert run.files_after == run.files_before


@pytest.mark.parametrize("case", list(DAMAGED))
def test_restore_refuses_a_damaged_archive_and_leaves_the_target_empty(case, refusals, template_db):
    run = refusals[case]
    _assert_refused(run)
    assert run.after == template_db.state
    assert run.files_after == {}


def test_media_copied_before_a_failure_are_removed(refusals, template_db):
    run = refusals["media-write-fails"]
    _assert_refused(run)
    assert run.after == template_db.state
    assert run.files_after == {"plans": b"in the way"}


def test_restore_refuses_other_migrations(refusals):
    _assert_refused(refusals["other-migrations"])


def test_restore_refuses_a_database_that_has_data(refusals, restored):
    run = refusals["database-with-data"]
    _assert_refused(run)
    assert run.before["digests"]["commitments_commitment"][0] > 0
