"""Uploads (issue 15, findings 1, 4 and 8): stored script, decompression bombs, XML with a DTD.

Every upload field is a SniffedFileField (opengov.uploads): these tests send each one a file with
a valid magic number under a dangerous name, through the model (full_clean and save, and save
alone as the shell would) and through the admin form, and check that the stored name takes the
sniffed type's extension, that the sniffed type is kept on the row, that every link is the safe
download view, and that SVG is refused everywhere. ZIP bombs are small archives built here whose
member inflates hugely: the check must refuse them by the declared sizes (nothing inflated) and,
when the declared sizes lie, after inflating no more than what was declared plus one chunk, and
before any parser (zipfile's reader, openpyxl) opens them.
"""

from __future__ import annotations

import importlib
import io
import re
import struct
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from commitments.models import (
    AssessmentEvidence,
    CommitmentAssessment,
    CompletionLevel,
    Forum,
    ForumMeeting,
    MilestoneUpdate,
    OpenedGovernment,
    PlanDocument,
    PlanPublication,
)
from consultations.models import ActionPlan, Council, CouncilProgramme, Proposal, WorkshopDocument
from opengov import archives, roles, uploads
from tests import factories

pytestmark = pytest.mark.django_db

Stage = ActionPlan.Stage
HOSTILE_NAMES = (".html", ".js", ".svg", ".xhtml")
SCRIPT = b"<script>document.title='owned'</script>"
GIF_SCRIPT = b"GIF89a" + SCRIPT  # a valid GIF magic number, then a page
PDF_SCRIPT = b"%PDF-1.4\n" + SCRIPT
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'


def png(width: int = 4, height: int = 4) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(out, "PNG")
    return out.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


# --- the world: one public plan with one row of every model that holds a file -------------------


@pytest.fixture
def plan():
    return factories.ActionPlanFactory(stage=Stage.IMPLEMENTATION)


@pytest.fixture
def milestone(plan):
    return factories.MilestoneFactory(commitment=factories.CommitmentFactory(plan=plan))


@pytest.fixture
def assessment(milestone):
    return CommitmentAssessment.objects.create(
        commitment=milestone.commitment,
        what_was_done_fr="Registre publié.",
        completion=CompletionLevel.LIMITED,
        opened_government=OpenedGovernment.MARGINAL,
    )


@pytest.fixture
def workshop(plan):
    return factories.WorkshopFactory(council=plan.council, plan=plan)


def _publication(plan) -> PlanPublication:
    return PlanPublication.objects.get_or_create(plan=plan, version=1, status="done")[0]


# field -> (build an unsaved row holding the upload, the file field's name, accepted content, the
# stored extension that content gets, its folder)
def _logo(world, upload):
    council = world["plan"].council
    council.logo = upload
    return council


def _document(world, upload):
    return WorkshopDocument(workshop=world["workshop"], title_fr="Feuille", file=upload)


def _update(world, upload):
    return MilestoneUpdate(milestone=world["milestone"], status="in_progress", evidence_file=upload)


def _evidence(world, upload):
    return AssessmentEvidence(assessment=world["assessment"], title="Preuve", file=upload)


def _plan_document(world, upload):
    plan = world["plan"]
    return PlanDocument(
        plan=plan,
        publication=_publication(plan),
        language="fr",
        version=1,
        file=upload,
        sha256="0" * 64,
        size=1,
        generated_at=timezone.now(),
    )


def _rules(world, upload):
    return Forum(council=world["plan"].council, name_fr="Forum", rules_document=upload)


def _minutes(world, upload):
    forum = Forum.objects.get_or_create(council=world["plan"].council, name_fr="Forum")[0]
    return ForumMeeting(
        forum=forum, held_on=timezone.localdate(), title_fr="Réunion", minutes_file=upload
    )


def _programme(world, upload):
    council = world["plan"].council
    return CouncilProgramme(
        council=council, kind="pac", title_fr="PAC", start_year=2022, end_year=2027, document=upload
    )


FIELDS = {
    "council.logo": (_logo, "logo", png(), "png", "councils/logos"),
    "councilprogramme.document": (
        _programme,
        "document",
        GIF_SCRIPT,
        "gif",
        "councils/programmes",
    ),
    "workshopdocument.file": (_document, "file", GIF_SCRIPT, "gif", "workshops/documents"),
    "milestoneupdate.evidence_file": (_update, "evidence_file", GIF_SCRIPT, "gif", "evidence"),
    "assessmentevidence.file": (_evidence, "file", GIF_SCRIPT, "gif", "evidence"),
    "plandocument.file": (_plan_document, "file", PDF_SCRIPT, "pdf", "plans"),
    "forum.rules_document": (_rules, "rules_document", GIF_SCRIPT, "gif", "forum"),
    "forummeeting.minutes_file": (_minutes, "minutes_file", GIF_SCRIPT, "gif", "forum"),
}


@pytest.fixture
def world(plan, milestone, assessment, workshop) -> dict:
    return {"plan": plan, "milestone": milestone, "assessment": assessment, "workshop": workshop}


def test_every_file_field_of_the_project_is_a_sniffed_field():
    """A new FileField must be a SniffedFileField and be added to FIELDS above."""
    from django.apps import apps
    from django.db import models

    found = {
        f"{model._meta.model_name}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField) and not model._meta.label.startswith("Historical")
    }
    assert found == set(FIELDS)
    for label in found:
        model_name, field_name = label.split(".")
        model = next(m for m in apps.get_models() if m._meta.model_name == model_name)
        assert isinstance(model._meta.get_field(field_name), uploads.SniffedFileField), label


@pytest.mark.parametrize("extension", HOSTILE_NAMES)
@pytest.mark.parametrize("label", FIELDS)
def test_model_stores_a_hostile_name_under_the_sniffed_extension(world, media, label, extension):
    build, field, content, stored_extension, folder = FIELDS[label]
    row = build(world, SimpleUploadedFile(f"page{extension}", content))
    row.full_clean(exclude=["publication"] if label == "plandocument.file" else None)
    row.save()
    row.refresh_from_db()
    stored = getattr(row, field)
    assert re.fullmatch(rf"{folder}/[0-9a-f]{{32}}\.{stored_extension}", stored.name), stored.name
    assert [p.suffix for p in files_under(media)] == [f".{stored_extension}"]
    assert (media / stored.name).read_bytes() == content
    if label == "council.logo":  # shown inline: a raster image from /media
        assert stored.url.endswith(f".{stored_extension}")
    else:  # every link is the download view, never /media
        assert stored.url == row.download_url()
        assert "/media/" not in stored.url
    if hasattr(row, "content_type") or label == "milestoneupdate.evidence_file":
        kept = getattr(row, "evidence_content_type", None) or row.content_type
        assert kept == "image/gif"


@pytest.mark.parametrize("extension", HOSTILE_NAMES)
@pytest.mark.parametrize("label", FIELDS)
def test_model_refuses_svg_and_script_content_on_every_save_path(world, media, label, extension):
    """full_clean gives a field error; save() alone (the shell, an import, a future form) refuses
    too, and nothing reaches the disk."""
    build, field, _content, _ext, _folder = FIELDS[label]
    for content in (SVG, SCRIPT, b"\x89PNG\r\n\x1a\n" + SCRIPT if label == "council.logo" else SVG):
        row = build(world, SimpleUploadedFile(f"page{extension}", content))
        with pytest.raises(ValidationError) as caught:
            row.full_clean()
        assert field in caught.value.message_dict
        row = build(world, SimpleUploadedFile(f"page{extension}", content))
        with pytest.raises(ValidationError), transaction.atomic():
            row.save()
    assert files_under(media) == []


def test_a_file_saved_by_name_and_content_is_judged_too(world, media):
    """FieldFile.save(name, content), the path of services and the shell, sniffs as well."""
    update = MilestoneUpdate.objects.create(milestone=world["milestone"], status="in_progress")
    with pytest.raises(ValidationError), transaction.atomic():
        update.evidence_file.save("x.pdf", ContentFile(SVG))
    update.evidence_file.save("x.html", ContentFile(GIF_SCRIPT))
    update.refresh_from_db()
    assert update.evidence_file.name.endswith(".gif")
    assert update.evidence_content_type == "image/gif"


# --- the same through the admin ---------------------------------------------------------------


def _admin_posts(client, world, name: str, content: bytes) -> dict:
    """Upload `content` named `name` through every admin form that takes a file; the answers."""
    from tests.admin.helpers import admin_form_data

    plan, milestone = world["plan"], world["milestone"]
    answers = {}
    url = reverse("admin:consultations_council_change", args=[plan.council.pk])
    data = admin_form_data(client.get(url))
    answers["council.logo"] = client.post(url, {**data, "logo": SimpleUploadedFile(name, content)})
    url = reverse("admin:consultations_workshopdocument_add")
    answers["workshopdocument.file"] = client.post(
        url,
        {
            "workshop": world["workshop"].pk,
            "kind": "document",
            "title_fr": "Feuille",
            "file": SimpleUploadedFile(name, content),
        },
    )
    url = reverse("admin:consultations_councilprogramme_add")
    answers["councilprogramme.document"] = client.post(
        url,
        {
            "council": plan.council.pk,
            "kind": "pac",
            "title_fr": "PAC",
            # One programme of a kind per council and year: each upload starts another year.
            "start_year": 2000 + CouncilProgramme.objects.count(),
            "end_year": 2099,
            "document": SimpleUploadedFile(name, content),
        },
    )
    url = reverse("admin:commitments_milestone_change", args=[milestone.pk])
    data = admin_form_data(client.get(url))
    n = int(data["updates-INITIAL_FORMS"])
    data |= {
        "updates-TOTAL_FORMS": str(n + 1),
        f"updates-{n}-status": "in_progress",
        f"updates-{n}-evidence_file": SimpleUploadedFile(name, content),
    }
    answers["milestoneupdate.evidence_file"] = client.post(url, data)
    url = reverse("admin:commitments_commitmentassessment_change", args=[world["assessment"].pk])
    data = admin_form_data(client.get(url))
    n = int(data["evidence-INITIAL_FORMS"])
    data |= {
        "evidence-TOTAL_FORMS": str(n + 1),
        f"evidence-{n}-title": "Preuve",
        f"evidence-{n}-file": SimpleUploadedFile(name, content),
    }
    answers["assessmentevidence.file"] = client.post(url, data)
    return answers


def _stored(world) -> dict:
    council = Council.objects.get(pk=world["plan"].council_id)
    return {
        "council.logo": [council.logo.name] if council.logo else [],
        "workshopdocument.file": [d.file.name for d in WorkshopDocument.objects.all()],
        "councilprogramme.document": [p.document.name for p in CouncilProgramme.objects.all()],
        "milestoneupdate.evidence_file": [
            u.evidence_file.name for u in MilestoneUpdate.objects.exclude(evidence_file="")
        ],
        "assessmentevidence.file": [e.file.name for e in AssessmentEvidence.objects.all()],
    }


def test_admin_forms_store_hostile_names_under_the_sniffed_extension(admin_client, world, media):
    uploads_sent = 0
    for content in (png(), GIF_SCRIPT):
        for extension in HOSTILE_NAMES:
            posts = _admin_posts(admin_client, world, f"p{extension}", content)
            uploads_sent += 1
            for label, answer in posts.items():
                refused = (
                    # A GIF is a document or evidence, never a logo (PNG, JPEG or WebP only).
                    (label == "council.logo" and content == GIF_SCRIPT)
                    # An assessment takes at most three evidence files.
                    or (label == "assessmentevidence.file" and uploads_sent > 3)
                )
                assert answer.status_code == (200 if refused else 302), (label, extension)
    stored = _stored(world)
    assert {label: len(names) for label, names in stored.items()} == {
        "council.logo": 1,
        "workshopdocument.file": 8,
        "councilprogramme.document": 8,
        "milestoneupdate.evidence_file": 8,
        "assessmentevidence.file": 3,  # at most three per assessment: the rest were refused
    }
    for names in stored.values():
        for name in names:
            assert re.fullmatch(r"[a-z/]+/[0-9a-f]{32}\.(png|gif)", name), name
    assert {p.suffix for p in files_under(media)} <= {".png", ".gif"}


def test_admin_forms_refuse_svg_with_a_form_error(admin_client, world, media):
    for extension in HOSTILE_NAMES:
        for label, answer in _admin_posts(admin_client, world, f"s{extension}", SVG).items():
            assert answer.status_code == 200, label
            html = answer.content.decode()
            assert "errorlist" in html, label
            assert "alert(" not in html
    assert all(not names for names in _stored(world).values())
    assert files_under(media) == []


def test_admin_links_to_the_download_views_never_to_media(admin_client, world):
    _admin_posts(admin_client, world, "g.html", GIF_SCRIPT)
    document = PlanDocument.objects.create(
        plan=world["plan"],
        publication=_publication(world["plan"]),
        language="fr",
        version=1,
        file=ContentFile(PDF_SCRIPT, name="plan.pdf"),
        sha256="0" * 64,
        size=len(PDF_SCRIPT),
        generated_at=timezone.now(),
    )
    pages = {
        reverse("admin:consultations_workshopdocument_change", args=[d.pk]): d.download_url()
        for d in WorkshopDocument.objects.all()
    }
    pages[reverse("admin:commitments_milestone_change", args=[world["milestone"].pk])] = (
        MilestoneUpdate.objects.get().download_url()
    )
    assessment_page = reverse(
        "admin:commitments_commitmentassessment_change", args=[world["assessment"].pk]
    )
    pages[assessment_page] = AssessmentEvidence.objects.get().download_url()
    pages[reverse("admin:commitments_plandocument_change", args=[document.pk])] = (
        document.download_url()
    )
    forum = factories.ForumFactory(council=world["plan"].council)
    forum.rules_document.save("rules.gif", ContentFile(GIF_SCRIPT))
    meeting = factories.ForumMeetingFactory(forum=forum)
    meeting.minutes_file.save("pv.gif", ContentFile(GIF_SCRIPT))
    pages[reverse("admin:commitments_forum_change", args=[forum.pk])] = forum.download_url()
    pages[reverse("admin:commitments_forummeeting_change", args=[meeting.pk])] = (
        meeting.download_url()
    )
    for page, link in pages.items():
        html = admin_client.get(page).content.decode()
        assert f'href="{link}"' in html, page
        assert "/media/" not in html, page
    for link in pages.values():
        response = admin_client.get(link)
        assert response.status_code == 200, link
        assert response["Content-Disposition"].startswith("attachment"), link


# --- downloads: the stored type, never sniffed again ---------------------------------------------


def test_download_serves_the_stored_type_and_never_sniffs_again(client, world, media, monkeypatch):
    """After upload the file on disk is replaced by a ZIP whose `mimetype` member is a bomb and
    the sniffer, the archive check and zipfile are counted: the download is the stored type
    (a GIF), as an attachment in a sandbox, and none of them ran."""
    update = _update(world, SimpleUploadedFile("x.html", GIF_SCRIPT))
    update.full_clean()
    update.save()
    (media / update.evidence_file.name).write_bytes(odf_bomb())
    calls = []
    for name in ("sniff", "sniff_content_type", "check_archive"):
        original = getattr(uploads, name)
        monkeypatch.setattr(uploads, name, lambda *a, _o=original, _n=name, **k: calls.append(_n))
    monkeypatch.setattr(zipfile, "ZipFile", lambda *a, **k: calls.append("ZipFile"))
    response = client.get(update.download_url())
    body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/gif"
    assert response["Content-Disposition"] == (
        f'attachment; filename="evidence-milestone-{update.pk}.gif"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert body == odf_bomb()
    assert calls == []


def test_workshop_document_download_follows_the_public_and_council_rules(world, staff_user):
    document = _document(world, SimpleUploadedFile("x.js", GIF_SCRIPT))
    document.full_clean()
    document.save()
    url = document.download_url()
    assert Client().get(url).status_code == 200
    ActionPlan.objects.filter(pk=world["plan"].pk).update(stage=Stage.PREPARATION)
    assert Client().get(url).status_code == 404

    def staff_of(council):
        client = Client()
        client.force_login(staff_user(roles.COUNCIL_STAFF, council))
        return client

    own = staff_of(world["plan"].council).get(url)
    assert own.status_code == 200
    assert own["Cache-Control"] == "private, no-store"
    assert own["Content-Type"] == "image/gif"
    assert staff_of(factories.CouncilFactory()).get(url).status_code == 404


def test_data_migration_fills_the_type_of_existing_rows_from_a_bounded_prefix(world, media):
    from django.apps import apps

    update = _update(world, SimpleUploadedFile("x.pdf", PDF_SCRIPT))
    update.save()
    document = _document(world, SimpleUploadedFile("x.docx", docx()))
    document.save()
    MilestoneUpdate.objects.update(evidence_content_type="")
    WorkshopDocument.objects.update(content_type="")
    for module in (
        "commitments.migrations.0011_upload_content_types",
        "consultations.migrations.0009_upload_content_types",
    ):
        importlib.import_module(module).fill_content_types(apps, None)
    update.refresh_from_db()
    document.refresh_from_db()
    assert update.evidence_content_type == "application/pdf"
    assert document.content_type == uploads.DOCX


# --- ZIP bombs -----------------------------------------------------------------------------------

GIB = 1024**3


def deflated_zeros(size: int) -> tuple[bytes, int]:
    """Raw deflate data of `size` zero bytes (made in 1 MiB steps), and its CRC-32."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    step = bytes(1024 * 1024)
    parts = [compressor.compress(step) for _ in range(size // len(step))]
    parts.append(compressor.flush())
    crc = 0
    for _ in range(size // len(step)):
        crc = zlib.crc32(step, crc)
    return b"".join(parts), crc


BOMB = deflated_zeros(GIB)  # about 1 MB that inflates to 1 GiB


def zip_of(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A ZIP written by hand, so that a member may declare any size: (name, deflated data,
    declared inflated size, CRC-32)."""
    out, central = io.BytesIO(), []
    for name, data, size, crc in members:
        offset, encoded = out.tell(), name.encode()
        sizes = (crc, len(data), size, len(encoded))
        out.write(struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, 8, 0, 0, *sizes, 0) + encoded)
        out.write(data)
        # made by, needed, flags, method, time, date; sizes; extra, comment, disk, attributes
        fixed = (20, 20, 0, 8, 0, 0, *sizes, 0, 0, 0, 0, 0, offset)
        central.append(struct.pack("<4s6H3I5H2I", b"PK\x01\x02", *fixed) + encoded)
    directory = b"".join(central)
    start = out.tell()
    out.write(directory)
    count = len(members)
    out.write(struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, count, count, len(directory), start, 0))
    return out.getvalue()


def deflate(data: bytes) -> tuple[str, bytes, int, int]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush(), len(data), zlib.crc32(data)


def member(name: str, data: bytes) -> tuple[str, bytes, int, int]:
    return (name, *deflate(data))


def bomb_member(name: str, declared: int = GIB) -> tuple[str, bytes, int, int]:
    data, crc = BOMB
    return (name, data, declared, crc)


CONTENT_TYPES = b'<?xml version="1.0"?><Types/>'


def xlsx_bomb(declared: int = GIB) -> bytes:
    return zip_of(
        [
            member("[Content_Types].xml", CONTENT_TYPES),
            member("xl/workbook.xml", b"<workbook/>"),
            bomb_member("xl/sharedStrings.xml", declared),
        ]
    )


def docx_bomb(declared: int = GIB) -> bytes:
    return zip_of(
        [member("[Content_Types].xml", CONTENT_TYPES), bomb_member("word/document.xml", declared)]
    )


def odf_bomb(declared: int = GIB) -> bytes:
    return zip_of([bomb_member("mimetype", declared), member("content.xml", b"<office/>")])


def docx(xml: bytes = b"<w:document/>") -> bytes:
    return zip_of([member("[Content_Types].xml", CONTENT_TYPES), member("word/document.xml", xml)])


BOMBS = {"xlsx": xlsx_bomb, "docx": docx_bomb, "odf": odf_bomb}


def test_the_bombs_are_small_and_real():
    """The archives are a megabyte or so, and inflate to 1 GiB when read honestly."""
    for build in BOMBS.values():
        assert len(build()) < 2 * 1024 * 1024
    data, _crc = BOMB
    assert len(zlib.decompressobj(-zlib.MAX_WBITS).decompress(data, 2 * GIB)) == GIB


@pytest.mark.parametrize("kind", BOMBS)
def test_check_refuses_by_declared_size_before_inflating_anything(kind):
    with pytest.raises(archives.UnsafeArchive) as caught:
        archives.check_archive(io.BytesIO(BOMBS[kind]()))
    assert caught.value.code == "archive_size"
    assert caught.value.inflated == 0


@pytest.mark.parametrize("kind", BOMBS)
def test_check_stops_a_lying_member_after_its_declared_size(kind):
    """The archive declares 4 KiB for the member: the check stops within one chunk past it."""
    with pytest.raises(archives.UnsafeArchive) as caught:
        archives.check_archive(io.BytesIO(BOMBS[kind](declared=4096)))
    assert caught.value.code == "archive_lies"
    assert 4096 < caught.value.inflated <= 4096 + archives.CHUNK_BYTES + 1024


def test_check_refuses_a_lying_member_whose_declared_size_is_within_the_limits(monkeypatch):
    """Declared 100 MiB (the limit), honest ratio on paper: the streamed total stops it."""
    monkeypatch.setattr(archives, "MAX_INFLATION_RATIO", 10**6)
    with pytest.raises(archives.UnsafeArchive) as caught:
        archives.check_archive(io.BytesIO(xlsx_bomb(declared=archives.MAX_INFLATED_BYTES)))
    assert caught.value.code in ("archive_lies", "archive_size")
    assert caught.value.inflated <= archives.MAX_INFLATED_BYTES + archives.CHUNK_BYTES


def test_check_accepts_a_real_workbook():
    workbook = openpyxl.Workbook()
    workbook.active.append(["Titre", "نص عربي"] * 10)
    out = io.BytesIO()
    workbook.save(out)
    report = archives.check_archive(io.BytesIO(out.getvalue()))
    assert "xl/workbook.xml" in report.names
    assert uploads.sniff(io.BytesIO(out.getvalue()), "document").content_type == uploads.XLSX


@pytest.fixture
def parsers_never_open(monkeypatch):
    """Once called, counts every opening of an archive member by zipfile and every openpyxl
    load; returns the list of them."""
    opened = []
    return lambda: _watch_parsers(monkeypatch, opened)


def _watch_parsers(monkeypatch, opened: list) -> list:
    original_open = zipfile.ZipFile.open
    monkeypatch.setattr(
        zipfile.ZipFile,
        "open",
        lambda self, *a, **k: opened.append(("zipfile", a[0])) or original_open(self, *a, **k),
    )
    original_load = openpyxl.load_workbook
    monkeypatch.setattr(
        openpyxl,
        "load_workbook",
        lambda *a, **k: opened.append("openpyxl") or original_load(*a, **k),
    )
    return opened


@pytest.mark.parametrize("kind", BOMBS)
@pytest.mark.parametrize("declared", [GIB, 4096], ids=["declared", "lying"])
def test_bomb_uploads_are_refused_before_any_parser_opens_them(
    world, media, parsers_never_open, kind, declared
):
    upload = BOMBS[kind](declared)
    opened = parsers_never_open()
    for label in ("workshopdocument.file", "milestoneupdate.evidence_file"):
        build, field, *_rest = FIELDS[label]
        row = build(world, SimpleUploadedFile(f"bomb.{kind}", upload))
        with pytest.raises(ValidationError) as caught:
            row.full_clean()
        with translation.override("en"):
            message = " ".join(caught.value.message_dict[field])
        assert "unpacks to more than" in message or "damaged" in message
    assert opened == []
    assert files_under(media) == []


# --- XML with a DTD or entities ------------------------------------------------------------------

LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
        for n in range(1, 10)
    )
    + b"]><sst><si><t>&lol9;</t></si></sst>"
)


def xlsx_with(part: str, xml: bytes) -> bytes:
    """A real workbook (openpyxl) with one part replaced."""
    workbook = openpyxl.Workbook()
    workbook.active.append(["Titre en français", "Texte"])
    workbook.active.append(["Registre", "Publier le registre"])
    out = io.BytesIO()
    workbook.save(out)
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    result = io.BytesIO()
    with zipfile.ZipFile(result, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, xml if info.filename == part else source.read(info))
    return result.getvalue()


@pytest.fixture
def import_url(workshop):
    return reverse("admin:consultations_workshop_import_proposals", args=[workshop.pk])


@pytest.mark.parametrize(
    "part,xml",
    [
        ("xl/worksheets/sheet1.xml", LAUGHS),
        ("xl/workbook.xml", b'<?xml version="1.0"?><!DOCTYPE w SYSTEM "file:///etc/passwd"><w/>'),
        ("xl/worksheets/sheet1.xml", '<!ENTITY x "y">'.encode("utf-16-le")),
    ],
    ids=["billion-laughs", "external-dtd", "utf-16-entity"],
)
def test_import_refuses_xlsx_with_a_dtd_with_a_form_error(
    admin_client, import_url, parsers_never_open, part, xml
):
    upload = SimpleUploadedFile("atelier.xlsx", xlsx_with(part, xml))
    opened = parsers_never_open()
    response = admin_client.post(import_url, {"file": upload})
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    # The message is in the request's language; "DTD" is in every translation of it.
    assert "DTD" in " ".join(str(e) for e in errors)
    assert opened == []
    assert Proposal.objects.count() == 0


@pytest.mark.parametrize("declared", [GIB, 4096], ids=["declared", "lying"])
def test_import_refuses_an_xlsx_bomb_with_a_form_error(
    admin_client, import_url, parsers_never_open, declared
):
    upload = SimpleUploadedFile("atelier.xlsx", xlsx_bomb(declared))
    opened = parsers_never_open()
    response = admin_client.post(import_url, {"file": upload})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert opened == []
    assert Proposal.objects.count() == 0


def test_import_still_reads_a_real_workbook(admin_client, import_url):
    upload = SimpleUploadedFile("atelier.xlsx", xlsx_with("none", b""))
    response = admin_client.post(import_url, {"file": upload})
    assert response.status_code == 200
    assert not response.context["form"].errors


def test_evidence_with_a_dtd_is_refused(world, media):
    build, field, *_rest = FIELDS["milestoneupdate.evidence_file"]
    row = build(world, SimpleUploadedFile("r.docx", docx(LAUGHS)))
    with pytest.raises(ValidationError) as caught:
        row.full_clean()
    with translation.override("en"):
        assert "document type declaration" in " ".join(caught.value.message_dict[field])
    assert files_under(media) == []


class _Unseekable(io.RawIOBase):
    """A stream zipfile cannot seek back in: it writes sizes in data descriptors."""

    def __init__(self):
        self.written = io.BytesIO()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        return self.written.write(data)


@pytest.mark.parametrize("descriptors", [False, True], ids=["sizes-in-headers", "descriptors"])
def test_prefix_sniffer_types_office_files_without_inflating(descriptors):
    """The bounded-prefix sniffer (the data migration's) reads OpenDocument and OOXML types
    from the local headers alone, with the sizes before or after the data."""
    for members, expected in (
        ([("mimetype", uploads.ODS.encode()), ("content.xml", b"<x/>")], uploads.ODS),
        ([("[Content_Types].xml", CONTENT_TYPES), ("ppt/presentation.xml", b"<p/>")], uploads.PPTX),
    ):
        target = _Unseekable() if descriptors else io.BytesIO()
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in members:
                method = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
                archive.writestr(zipfile.ZipInfo(name), data, compress_type=method)
        data = (target.written if descriptors else target).getvalue()
        head = data[: uploads.SNIFF_BYTES]
        assert uploads.sniff_content_type(head) == expected
        assert uploads.sniff(io.BytesIO(data), "document").content_type == expected


@pytest.mark.parametrize(("name", "extension"), [("t.xls", "xls"), ("t.html", "doc")])
def test_old_office_files_keep_an_office_extension_and_nothing_else(world, name, extension):
    """Old MS Office files share one container format: .doc, .xls or .ppt as typed, else .doc."""
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    evidence = _evidence(world, SimpleUploadedFile(name, ole))
    evidence.full_clean()
    evidence.save()
    assert evidence.file.name.endswith(f".{extension}")
    response = Client().get(evidence.download_url())
    assert response["Content-Type"] == uploads.OLE
    assert response["Content-Disposition"].endswith(f'.{extension}"')
