"""Implementation follow-up: derived completion, dated progress entries and indicator values,
evidence files (judged by content, stored under a random name, served as a download), the
end-of-commitment assessment, reminders to coordinators, the public pages and the roles."""

import csv
import datetime
import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from commitments.models import (
    AssessmentEvidence,
    Commitment,
    CommitmentAssessment,
    CompletionLevel,
    Milestone,
    MilestoneUpdate,
    OpenedGovernment,
    PlanSelfAssessment,
    ReminderLog,
)
from commitments.progress.reminders import coordinators_remind as remind
from commitments.progress.services import indicator_record_value, milestone_record_progress
from consultations.models import ActionPlan
from opengov.roles import COORDINATOR, COUNCIL_STAFF, MONITORING_BODY
from tests import factories
from tests.admin.helpers import admin_form_data

pytestmark = pytest.mark.django_db

D = datetime.date
DAY = datetime.timedelta(days=1)
MS = Milestone.Status
Stage = ActionPlan.Stage
Level = CompletionLevel
NS, IP, DONE, CANCELLED = MS.NOT_STARTED, MS.IN_PROGRESS, MS.COMPLETED, MS.CANCELLED


def zipped(*entries) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
CONTENT_TYPES = '<?xml version="1.0"?><Types/>'
DOCX = zipped(("[Content_Types].xml", CONTENT_TYPES), ("word/document.xml", "<w:document/>"))
XLSX = zipped(("[Content_Types].xml", CONTENT_TYPES), ("xl/workbook.xml", "<workbook/>"))
ODT = zipped(("mimetype", "application/vnd.oasis.opendocument.text"), ("content.xml", "<c/>"))
NOT_OFFICE = zipped(("readme.txt", "hello"), ("data/list.csv", "a,b"))


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def running_plan(stage=Stage.IMPLEMENTATION, **fields):
    return factories.ActionPlanFactory(stage=stage, **fields)


def milestone_in(plan=None, **fields):
    plan = plan or running_plan()
    return factories.MilestoneFactory(commitment=factories.CommitmentFactory(plan=plan), **fields)


def member(group, *councils):
    user = factories.UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    for council in councils:
        council.staff.add(user)
    return user


def add_milestones(commitment, statuses, due=None):
    for status in statuses:
        done = D(2025, 1, 10) if status == MS.COMPLETED else None
        due = due or D(2024, 12, 31)
        factories.MilestoneFactory(
            commitment=commitment, status=status, completed_on=done, due_date=due
        )


def record(milestone=None, status=IP, name=None, content=PDF, **fields):
    """A progress entry through the service, with an evidence file when a name is given."""
    upload = SimpleUploadedFile(name, content) if name is not None else None
    milestone = milestone or milestone_in()
    return milestone_record_progress(
        milestone=milestone, status=status, evidence_file=upload, by=None, **fields
    )


def assess(commitment=None, **fields):
    fields = {"what_was_done_ar": "نشر السجل", "completion": Level.LIMITED, **fields}
    commitment = commitment or factories.CommitmentFactory(plan=running_plan())
    return CommitmentAssessment.objects.create(
        commitment=commitment, opened_government=OpenedGovernment.MARGINAL, **fields
    )


def in_english(error: ValidationError, field: str) -> str:
    with translation.override("en"):
        return " ".join(error.message_dict[field])


# --- derived completion ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        pytest.param([], Level.NO_EVIDENCE, id="no-milestones"),
        pytest.param([CANCELLED, CANCELLED], Level.NO_EVIDENCE, id="all-cancelled"),
        pytest.param([NS, NS], Level.NOT_STARTED, id="all-not-started"),
        pytest.param([IP, NS, NS], Level.LIMITED, id="one-in-progress-none-done"),
        pytest.param([DONE, NS, NS], Level.LIMITED, id="done-under-half"),
        pytest.param([DONE, IP, IP, NS, NS], Level.LIMITED, id="two-of-five"),
        pytest.param([DONE, NS], Level.SUBSTANTIAL, id="exactly-half"),
        pytest.param([DONE, IP, CANCELLED, CANCELLED], Level.SUBSTANTIAL, id="half-cancelled-out"),
        pytest.param([DONE, DONE, NS], Level.SUBSTANTIAL, id="more-than-half"),
        pytest.param([DONE, DONE, CANCELLED], Level.COMPLETE, id="all-done-cancelled-ignored"),
    ],
)
def test_derived_completion(statuses, expected):
    commitment = factories.CommitmentFactory()
    add_milestones(commitment, statuses)
    commitment = Commitment.objects.get(pk=commitment.pk)
    assert commitment.derived_completion() == expected
    assert commitment.completion() == expected


def test_override_is_shown_instead_of_the_derived_level():
    commitment = factories.CommitmentFactory(
        completion_override=Level.COMPLETE, completion_override_reason="Verified on site."
    )
    add_milestones(commitment, [NS, NS])
    assert commitment.derived_completion() == Level.NOT_STARTED
    assert commitment.completion() == Level.COMPLETE
    commitment.full_clean()


@pytest.mark.parametrize("reason", ["", "   ", " \t\r\n "])
def test_override_without_a_reason_is_refused_by_clean_and_by_the_database(reason):
    commitment = factories.CommitmentFactory()
    commitment.completion_override = Level.COMPLETE
    commitment.completion_override_reason = reason
    with pytest.raises(ValidationError) as caught:
        commitment.full_clean()
    assert "completion_override_reason" in caught.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.filter(pk=commitment.pk).update(
            completion_override=Level.COMPLETE, completion_override_reason=reason
        )


# --- progress entries and indicator values ---------------------------------------------------


def test_progress_entries_are_kept_and_carried_onto_the_milestone():
    milestone = milestone_in()
    user = factories.UserFactory()
    first = milestone_record_progress(
        milestone=milestone, status=IP, note_fr="Marché lancé", by=user
    )
    first_state = MilestoneUpdate.objects.values().get(pk=first.pk)
    milestone.refresh_from_db()
    assert (milestone.status, milestone.evidence_fr) == (IP, "Marché lancé")

    second = milestone_record_progress(
        milestone=milestone,
        status=DONE,
        completed_on=D(2025, 6, 1),
        note_ar="تم النشر",
        evidence_url="https://example.org/pv",
        by=user,
    )
    assert list(milestone.updates.order_by("id")) == [first, second]
    assert MilestoneUpdate.objects.values().get(pk=first.pk) == first_state
    milestone.refresh_from_db()
    assert milestone.status == DONE
    assert milestone.completed_on == D(2025, 6, 1)
    assert milestone.evidence_url == "https://example.org/pv"
    assert milestone.evidence_ar == "تم النشر"
    assert second.recorded_by == user


def test_completed_without_a_date_and_a_date_without_completion_are_refused():
    milestone = milestone_in()
    with pytest.raises(ValidationError) as caught:
        record(milestone, DONE)
    assert "completed_on" in caught.value.message_dict
    assert not MilestoneUpdate.objects.exists()
    milestone.refresh_from_db()
    assert milestone.status == NS
    # The model refuses a date on another status (what the admin's inline form runs).
    update = MilestoneUpdate(milestone=milestone, status=IP, completed_on=D(2025, 1, 1))
    with pytest.raises(ValidationError) as caught:
        update.full_clean()
    assert "completed_on" in caught.value.message_dict


def test_a_completion_date_with_another_status_is_refused_by_the_service():
    with pytest.raises(ValidationError):
        record(status=IP, completed_on=D(2025, 1, 1))


def test_progress_on_a_closed_plan_is_refused():
    milestone = milestone_in(running_plan(Stage.CLOSED))
    with pytest.raises(ValidationError, match="is closed"), translation.override("en"):
        record(milestone)
    assert not MilestoneUpdate.objects.exists()


def test_indicator_values_are_kept_and_the_latest_follows_the_measure_date():
    indicator = factories.IndicatorFactory(commitment__plan=running_plan())
    indicator_record_value(indicator=indicator, value=10, measured_on=D(2025, 1, 1), by=None)
    indicator_record_value(indicator=indicator, value=40, measured_on=D(2025, 6, 1), by=None)
    indicator.refresh_from_db()
    assert (indicator.latest_value, indicator.latest_value_on) == (Decimal(40), D(2025, 6, 1))
    # An older measure recorded later is kept but does not replace the newer latest value.
    indicator_record_value(indicator=indicator, value=25, measured_on=D(2025, 3, 1), by=None)
    indicator.refresh_from_db()
    assert (indicator.latest_value, indicator.latest_value_on) == (Decimal(40), D(2025, 6, 1))
    assert sorted(indicator.values.values_list("value", flat=True)) == [10, 25, 40]
    tomorrow = timezone.localdate() + DAY
    with pytest.raises(ValidationError) as caught:
        indicator_record_value(indicator=indicator, value=5, measured_on=tomorrow, by=None)
    assert "measured_on" in caught.value.message_dict
    assert indicator.values.count() == 3


# --- the admin, as council staff -----------------------------------------------------------


@pytest.fixture
def staff_on_milestone(client):
    milestone = milestone_in()
    staff = member(COUNCIL_STAFF, milestone.commitment.plan.council)
    client.force_login(staff)
    url = reverse("admin:commitments_milestone_change", args=[milestone.pk])
    return client, milestone, staff, url


def form_data(page) -> dict:
    """The admin form's data, without the stored files (a browser sends no file back)."""
    return {k: v for k, v in admin_form_data(page).items() if not hasattr(v, "storage")}


def post_new_entry(client, url, **fields):
    data = form_data(client.get(url))
    index = int(data["updates-INITIAL_FORMS"])
    data["updates-TOTAL_FORMS"] = str(index + 1)
    data.update({f"updates-{index}-{name}": value for name, value in fields.items()})
    return client.post(url, data)


def test_staff_add_an_entry_in_the_inline_and_it_updates_the_milestone(staff_on_milestone):
    client, milestone, staff, url = staff_on_milestone
    upload = SimpleUploadedFile("rapport.pdf", PDF)
    entry = {"status": DONE, "completed_on": "2025-05-02", "note_fr": "Rapport publié"}
    response = post_new_entry(client, url, evidence_file=upload, **entry)
    assert response.status_code == 302, response.context and response.context["errors"]
    entry = MilestoneUpdate.objects.get()
    assert (entry.milestone, entry.status, entry.recorded_by) == (milestone, DONE, staff)
    assert entry.evidence_file.read() == PDF
    milestone.refresh_from_db()
    assert (milestone.status, milestone.completed_on) == (DONE, D(2025, 5, 2))
    assert milestone.evidence_fr == "Rapport publié"


def test_staff_cannot_change_or_delete_entries(staff_on_milestone):
    client, milestone, _staff, url = staff_on_milestone
    entry = milestone_record_progress(milestone=milestone, status=IP, note_fr="Début", by=None)
    page = client.get(url)
    inline = page.context["inline_admin_formsets"][0]
    assert inline.formset.model is MilestoneUpdate
    assert not inline.has_change_permission and not inline.has_delete_permission
    data = form_data(page)
    data.update({"updates-0-note_fr": "Réécrit", "updates-0-status": NS, "updates-0-DELETE": "on"})
    response = client.post(url, data)
    assert response.status_code == 302
    kept = MilestoneUpdate.objects.get()
    assert (kept.pk, kept.note_fr, kept.status) == (entry.pk, "Début", IP)


def test_a_status_changed_on_the_milestone_form_records_an_entry(staff_on_milestone):
    client, milestone, staff, url = staff_on_milestone
    data = form_data(client.get(url))
    data["status"] = IP
    assert client.post(url, data).status_code == 302
    entry = MilestoneUpdate.objects.get()
    assert (entry.milestone, entry.status, entry.recorded_by) == (milestone, IP, staff)
    milestone.refresh_from_db()
    assert milestone.status == IP


# --- evidence files --------------------------------------------------------------------------


ACCEPTED = [("pv.pdf", PDF), ("photo.png", PNG), ("r.docx", DOCX), ("b.xlsx", XLSX), ("c.odt", ODT)]


@pytest.mark.parametrize(("name", "content"), ACCEPTED)
def test_evidence_of_an_accepted_kind_is_stored_under_a_random_name(name, content, _media):
    update = record(name=name, content=content)
    extension = name.rsplit(".", 1)[1]
    assert re.fullmatch(rf"evidence/[0-9a-f]{{32}}\.{extension}", update.evidence_file.name)
    assert (_media / update.evidence_file.name).read_bytes() == content


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("report.pdf", b"<!DOCTYPE html><html><script>alert(1)</script>", id="html"),
        pytest.param("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 60, id="exe"),
        pytest.param("notes.txt", "ملاحظات نصية".encode(), id="text"),
        pytest.param("archive.docx", NOT_OFFICE, id="plain-zip"),
    ],
)
def test_evidence_of_another_kind_is_refused_with_a_clear_message(name, content, _media):
    with pytest.raises(ValidationError) as caught:
        record(name=name, content=content)
    message = in_english(caught.value, "evidence_file")
    assert "not a PDF, an image or an office document" in message
    assert not MilestoneUpdate.objects.exists()
    assert not list(_media.rglob("*.*"))


def test_evidence_over_the_size_limit_is_refused(settings):
    settings.MAX_UPLOAD_BYTES = 100
    with pytest.raises(ValidationError) as caught:
        record(name="big.pdf", content=PDF + b"0" * 200)
    assert "the largest accepted is 100" in in_english(caught.value, "evidence_file")
    assert record(name="small.pdf", content=PDF[:60]).evidence_file


def test_a_path_in_the_uploaded_name_never_reaches_the_disk(_media):
    update = record(name="../../etc/passwd.pdf")
    assert re.fullmatch(r"evidence/[0-9a-f]{32}\.pdf", update.evidence_file.name)
    stored = [p.relative_to(_media).as_posix() for p in _media.rglob("*") if p.is_file()]
    assert stored == [update.evidence_file.name]


def download(client, kind, pk):
    """The response, its streamed file read (which also closes it, as a WSGI server would)."""
    response = client.get(reverse("commitments:evidence", args=[kind, pk]))
    response.body = b"".join(response.streaming_content) if response.streaming else b""
    return response


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.mark.parametrize(
    ("name", "content", "content_type", "extension"),
    [("scan.png", PDF, "application/pdf", "pdf"), ("r.docx", DOCX, DOCX_TYPE, "docx")],
)
def test_evidence_download_takes_its_type_from_the_bytes(
    client, name, content, content_type, extension
):
    # A PDF uploaded with a .png name is stored as .pdf, and served as what it is.
    update = record(name=name, content=content)
    assert update.evidence_file.name.endswith(f".{extension}")
    response = download(client, "milestone", update.pk)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    expected = f'attachment; filename="evidence-milestone-{update.pk}.{extension}"'
    assert response["Content-Disposition"] == expected
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.body == content


@pytest.mark.parametrize("name", ["page.html", "rapport"])
def test_office_evidence_downloads_with_the_extension_of_its_content(client, name):
    update = record(name=name, content=DOCX)
    response = download(client, "milestone", update.pk)
    expected = f'attachment; filename="evidence-milestone-{update.pk}.docx"'
    assert response["Content-Disposition"] == expected


def test_evidence_of_a_plan_in_preparation_or_of_an_unknown_kind_is_not_found(client):
    milestone = milestone_in()
    update = record(milestone, name="a.pdf")
    assert download(client, "milestone", update.pk).status_code == 200
    assert download(client, "report", update.pk).status_code == 404
    assert download(client, "assessment", update.pk).status_code == 404
    no_file = record(milestone)
    assert download(client, "milestone", no_file.pk).status_code == 404
    ActionPlan.objects.filter(pk=milestone.commitment.plan_id).update(stage=Stage.PREPARATION)
    assert download(client, "milestone", update.pk).status_code == 404


# --- the end-of-commitment assessment ------------------------------------------------------------


def add_evidence(assessment, title):
    evidence = AssessmentEvidence(
        assessment=assessment, title=title, file=SimpleUploadedFile("x.pdf", PDF)
    )
    evidence.full_clean()
    evidence.save()
    return evidence


def test_assessment_shows_on_the_commitment_page_once_filed(client):
    commitment = factories.CommitmentFactory(plan=running_plan())
    url = commitment.get_absolute_url().replace("/ar/", "/fr/", 1)
    assert 'id="end-of-commitment-assessment"' not in client.get(url).content.decode()

    done = "Le registre des marchés est publié chaque mois."
    assessment = assess(commitment, what_was_done_fr=done, completion=Level.SUBSTANTIAL)
    evidence = [add_evidence(assessment, f"Procès-verbal {n}") for n in (1, 2)]
    html = client.get(url).content.decode()
    assert 'id="end-of-commitment-assessment"' in html
    assert done in html
    with translation.override("fr"):
        assert escape(str(Level.SUBSTANTIAL.label)) in html
        assert escape(str(OpenedGovernment.MARGINAL.label)) in html
    for item in evidence:
        link = reverse("commitments:evidence", args=["assessment", item.pk])
        assert f'href="{link.replace("/ar/", "/fr/", 1)}"' in html
        assert item.title in html
        assert download(client, "assessment", item.pk).status_code == 200


def test_the_admin_does_not_store_a_fourth_evidence_file(client):
    assessment = assess()
    commitment = assessment.commitment
    for n in range(2):
        add_evidence(assessment, f"file {n}")
    assessment.filed_by = member(MONITORING_BODY, commitment.plan.council)
    assessment.save()
    client.force_login(assessment.filed_by)
    url = reverse("admin:commitments_commitmentassessment_change", args=[assessment.pk])
    data = form_data(client.get(url))
    data["evidence-TOTAL_FORMS"] = "4"
    for n in (2, 3):
        data[f"evidence-{n}-title"] = f"new {n}"
        data[f"evidence-{n}-file"] = SimpleUploadedFile(f"n{n}.pdf", PDF)
    client.post(url, data)
    assert assessment.evidence.count() <= 3


def test_a_fourth_evidence_file_is_refused():
    assessment = assess()
    for n in range(3):
        add_evidence(assessment, f"file {n}")
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        add_evidence(assessment, "one too many")
    with translation.override("en"):
        assert "at most 3 evidence files" in " ".join(caught.value.messages)
    assert assessment.evidence.count() == 3


# --- reminders ---------------------------------------------------------------------------------

TODAY = D(2025, 5, 1)


@pytest.fixture
def reminder_world():
    alpha, bravo, charlie = (factories.CouncilFactory() for _ in range(3))
    running = running_plan(council=alpha)
    adopted = running_plan(Stage.ADOPTED, council=alpha, start_year=2027, end_year=2029)
    commitment = factories.CommitmentFactory(plan=running)

    def ms(title, due, plan=None, **fields):
        target = commitment if plan is None else factories.CommitmentFactory(plan=plan)
        return factories.MilestoneFactory(
            commitment=target, title_ar=title, title_fr=title, due_date=due, **fields
        )

    found = {
        "soon": ms("ALPHA-SOON", TODAY + 10 * DAY),
        "late": ms("ALPHA-LATE", TODAY - 5 * DAY),
        "adopted": ms("ALPHA-ADOPTED", TODAY + 20 * DAY, adopted),
        "bravo": ms("BRAVO-SOON", TODAY + 3 * DAY, running_plan(council=bravo)),
    }
    ms("ALPHA-FAR", TODAY + 60 * DAY)
    ms("ALPHA-DONE", TODAY + 5 * DAY, status=DONE, completed_on=TODAY - DAY)
    ms("ALPHA-CANCELLED", TODAY - 2 * DAY, status=CANCELLED)
    for year, stage in ((2018, Stage.PREPARATION), (2015, Stage.CONSULTATION), (2012, "closed")):
        plan = running_plan(stage, council=alpha, start_year=year, end_year=year + 2)
        ms(f"ALPHA-{stage.upper()}", TODAY + 4 * DAY, plan)
    users = {
        "alpha": member(COORDINATOR, alpha),
        "bravo": member(COORDINATOR, bravo),
        "both": member(COORDINATOR, alpha, bravo),
        "charlie": member(COORDINATOR, charlie),
        "staff": member(COUNCIL_STAFF, alpha),
    }
    return found, users


ALPHA_REMINDED = {"ALPHA-SOON", "ALPHA-LATE", "ALPHA-ADOPTED"}
NEVER = {"ALPHA-FAR", "ALPHA-DONE", "ALPHA-CANCELLED", "ALPHA-PREPARATION"}
NEVER |= {"ALPHA-CONSULTATION", "ALPHA-CLOSED"}


def titles_in(body):
    return set(re.findall(r"(?:ALPHA|BRAVO)-[A-Z]+", body))


def test_reminders_go_once_per_coordinator_with_their_councils_milestones(
    reminder_world, mailoutbox
):
    _found, users = reminder_world
    assert remind(today=TODAY) == 3
    by_user = {}
    for mail in mailoutbox:
        (address,) = mail.to
        assert address not in by_user, "one e-mail per coordinator per run"
        by_user[address] = titles_in(mail.body)
    assert set(by_user) == {users[k].email for k in ("alpha", "bravo", "both")}
    assert by_user[users["alpha"].email] == ALPHA_REMINDED
    assert by_user[users["bravo"].email] == {"BRAVO-SOON"}
    assert by_user[users["both"].email] == ALPHA_REMINDED | {"BRAVO-SOON"}
    assert not any(titles_in(m.body) & NEVER for m in mailoutbox)
    assert all(m.subject for m in mailoutbox)


def test_reminders_are_not_sent_twice_but_again_once_overdue(reminder_world, mailoutbox):
    found, users = reminder_world
    remind(today=TODAY)
    sent = len(mailoutbox)
    assert remind(today=TODAY) == 0
    assert len(mailoutbox) == sent

    after_due = found["soon"].due_date + DAY
    # ALPHA-SOON and BRAVO-SOON have become overdue; ALPHA-LATE was already reminded overdue
    # and ALPHA-ADOPTED was already reminded as due soon.
    assert remind(today=after_due) == 3
    again = {m.to[0]: titles_in(m.body) for m in mailoutbox[sent:]}
    assert again == {
        users["alpha"].email: {"ALPHA-SOON"},
        users["bravo"].email: {"BRAVO-SOON"},
        users["both"].email: {"ALPHA-SOON", "BRAVO-SOON"},
    }
    states = ReminderLog.objects.filter(user=users["alpha"], milestone=found["soon"])
    assert sorted(states.values_list("state", flat=True)) == ["due_soon", "overdue"]
    assert remind(today=after_due) == 0


# --- public pages --------------------------------------------------------------------------------


def freeze(monkeypatch, day):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)


def test_a_milestone_is_overdue_the_day_after_its_due_date(client, monkeypatch):
    due = D(2026, 3, 31)
    milestone = milestone_in(due_date=due)
    url = milestone.commitment.get_absolute_url()
    freeze(monkeypatch, due)
    html = client.get(url).content.decode()
    assert "milestone milestone-on-track" in html and "milestone-overdue" not in html
    freeze(monkeypatch, due + DAY)
    html = client.get(url).content.decode()
    assert "milestone milestone-overdue" in html and "milestone-on-track" not in html


def test_commitment_page_lists_progress_history_and_indicator_values(client):
    milestone = milestone_in()
    commitment = milestone.commitment
    record(milestone, note_ar="بدأت الأشغال")
    update = record(milestone, name="a.pdf", note_ar="نصف الأشغال")
    indicator = factories.IndicatorFactory(commitment=commitment)
    for value, day in ((12, D(2025, 1, 5)), (37, D(2025, 9, 5))):
        indicator_record_value(indicator=indicator, value=value, measured_on=day, by=None)
    html = client.get(commitment.get_absolute_url()).content.decode()
    assert "بدأت الأشغال" in html and "نصف الأشغال" in html
    assert html.count('<details class="history">') == 1
    assert reverse("commitments:evidence", args=["milestone", update.pk]) in html
    assert "<bdi>12</bdi>" in html and "<bdi>37</bdi>" in html


def build_report_plan(commitments=3):
    plan = running_plan()
    today = timezone.localdate()
    for n in range(commitments):
        commitment = factories.CommitmentFactory(
            plan=plan, reference=f"PR-{n:02d}", theme=factories.ThemeFactory()
        )
        add_milestones(commitment, [DONE] if n == 0 else [NS, IP], due=today + 100 * DAY)
        factories.MilestoneFactory(
            commitment=commitment,
            title_ar=f"مرحلة متأخرة {n}",
            title_fr=f"Jalon en retard {n}",
            due_date=today - 10 * DAY,
        )
        indicator = factories.IndicatorFactory(commitment=commitment, baseline=20, target=120)
        indicator_record_value(indicator=indicator, value=60, measured_on=D(2025, 2, 1), by=None)
    return plan


def report_url(plan, language="ar", name="progress_report"):
    url = reverse(f"commitments:{name}", args=[plan.council.slug, plan.start_year])
    return url.replace("/ar/", f"/{language}/", 1)


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_progress_report_page(client, language):
    plan = build_report_plan(3)
    response = client.get(report_url(plan, language))
    assert response.status_code == 200
    html = response.content.decode()
    with translation.override(language):
        # one commitment: 1 done + 1 overdue → substantial; two: 3 open, 1 in progress → limited
        for level, count in ((Level.SUBSTANTIAL, 1), (Level.LIMITED, 2), (Level.COMPLETE, 0)):
            assert f"<dt>{escape(str(level.label))}</dt><dd>{count}</dd>" in html
    overdue = "مرحلة متأخرة" if language == "ar" else "Jalon en retard"
    assert all(f"{overdue} {n}" in html for n in range(3))
    assert html.count("<td>40%</td>") == 3
    plan.refresh_from_db()
    plan.stage = Stage.PREPARATION
    plan.save(update_fields=["stage"])  # as the admin does: signals run
    assert client.get(report_url(plan, language)).status_code == 404
    assert client.get(report_url(plan, language, "progress_report_csv")).status_code == 404


def test_progress_csv(client):
    plan = build_report_plan(2)
    formula = '=HYPERLINK("http://evil.example","x")'
    fields = {"title_ar": formula, "title_fr": formula, "completion_override": Level.COMPLETE}
    fields["completion_override_reason"] = "-seen"
    factories.CommitmentFactory(plan=plan, reference="PR-99", **fields)
    response = client.get(report_url(plan, name="progress_report_csv"))
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1 + 3
    by_reference = {row[1]: row for row in rows[1:]}
    assert set(by_reference) == {"PR-00", "PR-01", "PR-99"}
    assert by_reference["PR-00"][3:] == [str(Level.SUBSTANTIAL.label), "", "1", "2", "1"]
    assert by_reference["PR-01"][3:] == [str(Level.LIMITED.label), "", "0", "3", "1"]
    # A dash before a word is bullet text, not a formula: it stays as written.
    assert by_reference["PR-99"][2:] == ["'" + formula, str(Level.COMPLETE.label), "-seen", *"000"]


def test_progress_report_queries_do_not_grow_with_the_commitments(client):
    counts = []
    for size in (2, 8):
        plan = build_report_plan(size)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(report_url(plan)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


# --- roles --------------------------------------------------------------------------------------


@pytest.fixture
def assessments():
    def build():
        assessment = assess()
        plan = assessment.commitment.plan
        kind = PlanSelfAssessment.Kind.MID_TERM
        self_assessment = PlanSelfAssessment.objects.create(plan=plan, kind=kind, summary_ar="ملخص")
        return plan.council, {
            "commitmentassessment": assessment,
            "planselfassessment": self_assessment,
        }

    return build(), build()


MODELS = ["commitmentassessment", "planselfassessment"]
TEXT = {"commitmentassessment": "what_was_done_fr", "planselfassessment": "summary_fr"}


def admin_url(model, action, *args):
    return reverse(f"admin:commitments_{model}_{action}", args=args)


# Who files what: the council (its coordinators) its self-assessment, the monitoring body the
# end-of-commitment assessment; everyone else reads them.
FILES = {
    ("commitmentassessment", COUNCIL_STAFF): False,
    ("commitmentassessment", COORDINATOR): False,
    ("commitmentassessment", MONITORING_BODY): True,
    ("planselfassessment", COUNCIL_STAFF): False,
    ("planselfassessment", COORDINATOR): True,
    ("planselfassessment", MONITORING_BODY): False,
}


@pytest.mark.parametrize(("model", "group"), list(FILES))
def test_assessments_in_the_admin(client, assessments, model, group):
    """Council staff view assessments but do not file them (403); coordinators file the
    self-assessment, the monitoring body the end-of-commitment assessment (a row it filed), for
    their own councils only; another council's objects are not found."""
    files = FILES[model, group]
    (council, own), (_other_council, other) = assessments
    user = member(group, council)
    if model == "commitmentassessment":
        own[model].filed_by = user
        own[model].save()
    client.force_login(user)
    url = admin_url(model, "change", own[model].pk)
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, {**admin_form_data(page), TEXT[model]: "Rédigé"})
    assert response.status_code == (302 if files else 403)
    assert client.get(admin_url(model, "add")).status_code == (200 if files else 403)
    assert client.get(admin_url(model, "change", other[model].pk)).status_code == 404
    own[model].refresh_from_db()
    assert (getattr(own[model], TEXT[model]) == "Rédigé") is files


def test_self_assessment_exports_for_ogp_with_the_progress_report(client):
    from commitments.models import PlanSelfAssessment
    from consultations.models import ActionPlan

    plan = factories.ActionPlanFactory(stage=ActionPlan.Stage.IMPLEMENTATION)
    factories.CommitmentFactory(plan=plan, reference="TST-2024-07", title_fr="Budget ouvert")
    PlanSelfAssessment.objects.create(
        plan=plan, kind="mid_term", summary_fr="Bons progrès", lessons_fr="Publier plus tôt"
    )
    url = f"/fr/councils/{plan.council.slug}/plans/{plan.start_year}/self-assessment/mid_term.md"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/markdown")
    text = response.content.decode()
    assert "Bons progrès" in text and "Publier plus tôt" in text
    assert "TST-2024-07 Budget ouvert" in text
    assert client.get(url.replace("mid_term", "end_of_term")).status_code == 404
    assert client.get(url.replace("mid_term", "nonsense")).status_code == 404
