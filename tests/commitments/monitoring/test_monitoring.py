"""OGP Local's monitoring body: its role in the admin (reads its councils, files and changes only
its own assessments), the plan's submission to OGP, the inception assessment (commitments
listed automatically, public once published), the end-of-commitment assessment in OGP's shape,
the due dates, the reminders, the public pages in both languages and the open data."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext

from commitments.models import (
    AssessmentReminderLog,
    CommitmentAssessment,
    InceptionAssessment,
    Milestone,
    OpenedGovernment,
    ValueAnswer,
    commitment_completed_on,
    end_of_commitment_due_on,
    inception_due_on,
)
from commitments.monitoring.reminders import monitoring_body_remind as remind
from consultations.models import ActionPlan
from opengov.dates import add_months
from opengov.models import StaffProfile
from opengov.roles import COORDINATOR, COUNCIL_STAFF, MONITORING_BODY
from tests import factories
from tests.admin.helpers import admin_form_data

pytestmark = pytest.mark.django_db

D = datetime.date
Stage = ActionPlan.Stage
MS = Milestone.Status


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def running_plan(**fields):
    return factories.ActionPlanFactory(stage=Stage.IMPLEMENTATION, **fields)


def admin_url(model, action, *args):
    return reverse(f"admin:commitments_{model}_{action}", args=args)


def completed_commitment(plan=None, *dates, **fields):
    """A commitment whose milestones were all completed on `dates`."""
    commitment = factories.CommitmentFactory(plan=plan or running_plan(), **fields)
    for day in dates:
        factories.MilestoneFactory(
            commitment=commitment, status=MS.COMPLETED, completed_on=day, due_date=day
        )
    return commitment


# --- due dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2024, 10, 15), 2, D(2024, 12, 15)),
        (D(2024, 11, 20), 2, D(2025, 1, 20)),
        (D(2024, 12, 31), 2, D(2025, 2, 28)),
        (D(2023, 12, 31), 2, D(2024, 2, 29)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
    ],
)
def test_months_are_counted_as_ogp_counts_them(day, months, expected):
    assert add_months(day, months) == expected


def test_inception_assessment_is_due_two_months_after_submission():
    plan = running_plan()
    assert inception_due_on(plan) is None
    plan.submitted_on = D(2024, 12, 31)
    assert inception_due_on(plan) == D(2025, 2, 28)
    assessment = factories.InceptionAssessmentFactory(plan=plan)
    assert assessment.due_on == D(2025, 2, 28)


def test_end_of_commitment_assessment_is_due_a_month_after_the_last_milestone():
    commitment = completed_commitment(None, D(2024, 3, 10), D(2024, 5, 31))
    assert commitment_completed_on(commitment) == D(2024, 5, 31)
    assert end_of_commitment_due_on(commitment) == D(2024, 6, 30)


def test_a_commitment_not_complete_owes_no_assessment_yet():
    commitment = completed_commitment(None, D(2024, 3, 10))
    factories.MilestoneFactory(commitment=commitment, status=MS.IN_PROGRESS)
    assert commitment_completed_on(commitment) is None
    assert end_of_commitment_due_on(commitment) is None


def test_completion_set_complete_by_hand_counts_from_the_end_date():
    commitment = factories.CommitmentFactory(
        plan=running_plan(),
        end_date=D(2025, 3, 31),
        completion_override="complete",
        completion_override_reason="Rapport final reçu",
    )
    assert end_of_commitment_due_on(commitment) == D(2025, 4, 30)


# --- the plan's submission to OGP -----------------------------------------------------------------


def test_submission_date_cannot_be_in_the_future():
    plan = running_plan()
    plan.submitted_on = datetime.date.today() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        plan.full_clean()
    assert "submitted_on" in caught.value.message_dict
    plan.refresh_from_db()
    assert plan.submitted_on is None


@pytest.mark.parametrize(
    ("address", "accepted"),
    [
        ("https://www.opengovpartnership.org/members/tetouan-morocco/", True),
        ("https://opengovpartnership.org/documents/tetouan-action-plan-2022-2026/", True),
        ("http://www.opengovpartnership.org/members/tetouan-morocco/", False),
        ("https://opengovpartnership.org.example.com/", False),
    ],
)
def test_plan_ogp_page_must_be_on_ogp_s_site(address, accepted):
    plan = running_plan()
    plan.ogp_page_url = address
    if accepted:
        plan.full_clean()
        return
    with pytest.raises(ValidationError) as caught, translation.override("fr"):
        plan.full_clean()
    with translation.override("fr"):
        expected = gettext("Give the page on OGP's site, starting with https://www.%(host)s/.") % {
            "host": "opengovpartnership.org"
        }
        assert expected in caught.value.message_dict["ogp_page_url"]


def test_coordinator_enters_the_submission_in_the_admin(client, staff_user):
    plan = running_plan()
    client.force_login(staff_user(COORDINATOR, plan.council))
    url = reverse("admin:consultations_actionplan_change", args=[plan.pk])
    data = admin_form_data(client.get(url))
    data.update(
        submitted_on="2024-11-04",
        ogp_page_url="https://www.opengovpartnership.org/members/tetouan-morocco/",
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    plan.refresh_from_db()
    assert plan.submitted_on == D(2024, 11, 4)
    assert plan.ogp_page_url.endswith("/tetouan-morocco/")


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_plan_page_shows_the_submission(client, language):
    plan = running_plan(
        submitted_on=D(2024, 11, 4),
        ogp_page_url="https://www.opengovpartnership.org/members/tetouan-morocco/",
    )
    html = client.get(plan.get_absolute_url().replace("/ar/", f"/{language}/", 1)).content
    html = html.decode()
    with translation.override(language):
        assert date_format(D(2024, 11, 4), "j F Y") in html
    assert 'href="https://www.opengovpartnership.org/members/tetouan-morocco/"' in html
    assert 'datetime="2024-11-04"' in html


# --- the role in the admin ------------------------------------------------------------------------


@pytest.fixture
def councils():
    """Two councils, each with a running plan, a completed commitment, a filed assessment (by
    a monitor of its own) and a self-assessment."""
    built = []
    for code in ("ALPHA", "BRAVO"):
        plan = running_plan()
        commitment = completed_commitment(plan, D(2025, 1, 15), reference=f"{code}-01")
        monitor = factories.staff_user(MONITORING_BODY, plan.council)
        assessment = factories.CommitmentAssessmentFactory(
            commitment=commitment, filed_by=monitor, what_was_done_fr=f"{code} fait"
        )
        self_assessment = factories.PlanSelfAssessmentFactory(plan=plan)
        built.append((plan, commitment, monitor, assessment, self_assessment))
    return built


def test_monitor_reads_everything_of_its_council_but_comments(client, councils):
    (plan, commitment, monitor, _assessment, self_assessment), _ = councils
    client.force_login(monitor)
    milestone = commitment.milestones.first()
    for url in (
        reverse("admin:consultations_actionplan_change", args=[plan.pk]),
        reverse("admin:commitments_commitment_change", args=[commitment.pk]),
        reverse("admin:commitments_milestone_change", args=[milestone.pk]),
        admin_url("planselfassessment", "change", self_assessment.pk),
        reverse("admin:consultations_proposal_changelist"),
        reverse("admin:consultations_workshop_changelist"),
    ):
        assert client.get(url).status_code == 200, url
    # Comments carry their authors' e-mail addresses: not the monitoring body's to read.
    assert client.get(reverse("admin:commitments_comment_changelist")).status_code == 403


def test_monitor_cannot_change_the_council_s_records(client, councils):
    (_plan, commitment, monitor, _assessment, self_assessment), _ = councils
    client.force_login(monitor)
    url = admin_url("planselfassessment", "change", self_assessment.pk)
    data = admin_form_data(client.get(url))
    data["summary_fr"] = "Réécrit par le suivi"
    assert client.post(url, data).status_code == 403
    self_assessment.refresh_from_db()
    assert self_assessment.summary_fr == "À mi-parcours."
    url = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    data = admin_form_data(client.get(url))
    data["title_fr"] = "Réécrit"
    assert client.post(url, data).status_code == 403


def test_monitor_cannot_see_another_council(client, councils):
    (_plan, _commitment, monitor, _assessment, _self), (other_plan, _c, _m, other, _s) = councils
    client.force_login(monitor)
    assert client.get(admin_url("commitmentassessment", "change", other.pk)).status_code == 404
    url = reverse("admin:consultations_actionplan_change", args=[other_plan.pk])
    assert client.get(url).status_code == 404
    listing = client.get(admin_url("commitmentassessment", "changelist")).content.decode()
    assert "ALPHA-01" in listing and "BRAVO-01" not in listing


def test_monitor_files_an_end_of_commitment_assessment_in_ogp_s_shape(client, staff_user):
    commitment = completed_commitment(None, D(2025, 1, 15))
    monitor = staff_user(MONITORING_BODY, commitment.plan.council)
    client.force_login(monitor)
    url = admin_url("commitmentassessment", "add")
    data = admin_form_data(client.get(url))
    data.update(
        commitment=str(commitment.pk),
        what_was_done_fr="Le registre est publié.",
        completion="complete",
        opened_government=OpenedGovernment.WORSENED,
        access_to_information=ValueAnswer.NO,
        access_to_information_explanation_fr="Moins de données qu'avant.",
        civic_participation=ValueAnswer.NOT_APPLICABLE,
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assessment = CommitmentAssessment.objects.get(commitment=commitment)
    assert assessment.filed_by == monitor
    assert assessment.opened_government == "worsened"
    assert assessment.access_to_information == "no"
    assert assessment.civic_participation == "not_applicable"
    assert assessment.public_accountability == ""
    assert assessment.due_on == D(2025, 2, 15)


def test_monitor_cannot_change_another_monitor_s_assessment(client, councils, staff_user):
    (plan, _commitment, _filer, assessment, _self), _ = councils
    colleague = staff_user(MONITORING_BODY, plan.council)
    client.force_login(colleague)
    url = admin_url("commitmentassessment", "change", assessment.pk)
    page = client.get(url)
    assert page.status_code == 200  # read-only
    data = admin_form_data(page)
    data["what_was_done_fr"] = "Réécrit par un autre"
    assert client.post(url, data).status_code == 403
    assessment.refresh_from_db()
    assert assessment.what_was_done_fr == "ALPHA fait"


def test_monitor_changes_its_own_assessment(client, councils):
    (_plan, _commitment, filer, assessment, _self), _ = councils
    client.force_login(filer)
    url = admin_url("commitmentassessment", "change", assessment.pk)
    data = admin_form_data(client.get(url))
    data["what_was_done_fr"] = "Corrigé"
    assert client.post(url, data).status_code == 302
    assessment.refresh_from_db()
    assert assessment.what_was_done_fr == "Corrigé"
    assert assessment.filed_by == filer


@pytest.mark.parametrize("role", [COORDINATOR, COUNCIL_STAFF])
def test_the_council_reads_but_does_not_file_the_monitoring_body_s_assessments(
    client, councils, staff_user, role
):
    (plan, _commitment, _filer, assessment, _self), _ = councils
    client.force_login(staff_user(role, plan.council))
    url = admin_url("commitmentassessment", "change", assessment.pk)
    page = client.get(url)
    assert page.status_code == 200
    data = admin_form_data(page)
    data["what_was_done_fr"] = "Réécrit par le conseil"
    assert client.post(url, data).status_code == 403
    assert client.get(admin_url("commitmentassessment", "add")).status_code == 403
    assert client.get(admin_url("inceptionassessment", "add")).status_code == 403
    assessment.refresh_from_db()
    assert assessment.what_was_done_fr == "ALPHA fait"


# --- the inception assessment ---------------------------------------------------------------------


def test_inception_assessment_lists_every_commitment_of_the_plan(client, staff_user):
    plan = running_plan(submitted_on=D(2024, 11, 4))
    commitments = [
        factories.CommitmentFactory(plan=plan, reference=f"TET-0{n}", position=n) for n in (1, 2)
    ]
    factories.CommitmentFactory(reference="ELSEWHERE-01")  # another plan's
    monitor = staff_user(MONITORING_BODY, plan.council)
    client.force_login(monitor)
    url = admin_url("inceptionassessment", "add")
    data = admin_form_data(client.get(url))
    data.update(plan=str(plan.pk), status="draft", forum_exists="yes")
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assessment = InceptionAssessment.objects.get(plan=plan)
    assert assessment.filed_by == monitor
    assert [r.commitment for r in assessment.reviews.all()] == commitments
    assert assessment.due_on == D(2025, 1, 4)
    # A commitment added later is listed at the next save, the ratings kept.
    review = assessment.reviews.first()
    page = client.get(admin_url("inceptionassessment", "change", assessment.pk))
    data = admin_form_data(page)
    data["reviews-0-verifiable"] = "yes"
    data["reviews-0-potential_for_results"] = "substantial"
    late = factories.CommitmentFactory(plan=plan, reference="TET-03", position=3)
    response = client.post(admin_url("inceptionassessment", "change", assessment.pk), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    review.refresh_from_db()
    assert (review.verifiable, review.potential_for_results) == ("yes", "substantial")
    assert late in [r.commitment for r in assessment.reviews.all()]


def test_publishing_dates_the_assessment_and_needs_the_overall_text(client, staff_user):
    plan = running_plan()
    monitor = staff_user(MONITORING_BODY, plan.council)
    assessment = factories.InceptionAssessmentFactory(plan=plan, filed_by=monitor, summary_fr="")
    client.force_login(monitor)
    url = admin_url("inceptionassessment", "change", assessment.pk)
    data = admin_form_data(client.get(url))
    data["status"] = "published"
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with the error
    assessment.refresh_from_db()
    assert assessment.status == "draft" and assessment.published_on is None
    data["summary_fr"] = "Co-création conforme."
    assert client.post(url, data).status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == "published" and assessment.published_on is not None


def test_database_refuses_a_published_assessment_without_its_text():
    assessment = factories.InceptionAssessmentFactory(summary_fr="", summary_ar="")
    with pytest.raises(IntegrityError), transaction.atomic():
        InceptionAssessment.objects.filter(pk=assessment.pk).update(
            status="published", published_on=D(2025, 1, 1)
        )


def test_review_of_another_plan_s_commitment_is_refused():
    assessment = factories.InceptionAssessmentFactory()
    review = factories.InceptionCommitmentReviewFactory.build(
        assessment=assessment, commitment=factories.CommitmentFactory()
    )
    with pytest.raises(ValidationError) as caught:
        review.full_clean()
    assert "commitment" in caught.value.message_dict


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_plan_page_shows_the_inception_assessment_once_published(client, language):
    plan = running_plan()
    commitment = factories.CommitmentFactory(plan=plan, reference="TET-07")
    assessment = factories.InceptionAssessmentFactory(
        plan=plan, summary_fr="Le forum a co-créé le plan.", plan_endorsed="yes"
    )
    factories.InceptionCommitmentReviewFactory(
        assessment=assessment, commitment=commitment, comment_fr="Vérifiable et pertinent."
    )
    url = plan.get_absolute_url().replace("/ar/", f"/{language}/", 1)
    assert 'id="inception-heading"' not in client.get(url).content.decode()
    assessment.status, assessment.published_on = "published", D(2025, 1, 20)
    assessment.save()
    html = client.get(url).content.decode()
    assert 'id="inception-heading"' in html
    assert "Le forum a co-créé le plan." in html
    assert "Vérifiable et pertinent." in html
    with translation.override(language):
        assert date_format(D(2025, 1, 20), "j F Y") in html
    if language == "ar":
        # The French text is marked as French inside the Arabic page.
        assert '<div lang="fr" dir="ltr">Le forum a co-créé le plan.</div>' in html


# --- the commitment page --------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_commitment_page_shows_both_voices_and_the_ogp_shape(client, language):
    commitment = completed_commitment(None, D(2025, 1, 15), reference="TET-03")
    url = commitment.get_absolute_url().replace("/ar/", f"/{language}/", 1)
    html = client.get(url).content.decode()
    assert 'id="end-of-commitment-assessment"' not in html
    with translation.override(language):
        assert date_format(D(2025, 2, 15), "j F Y") in html  # due date shown while not filed
    factories.CommitmentAssessmentFactory(
        commitment=commitment,
        opened_government=OpenedGovernment.WORSENED,
        public_accountability=ValueAnswer.NOT_APPLICABLE,
        public_accountability_explanation_fr="Aucun mécanisme de reddition.",
    )
    html = client.get(url).content.decode()
    assert 'id="end-of-commitment-assessment"' in html
    assert 'class="assessment assessment-council"' in html
    assert 'class="assessment assessment-monitoring"' in html
    assert "Aucun mécanisme de reddition." in html
    assert 'class="opened-government opened-government-worsened"' in html
    with translation.override(language):
        assert escape(str(OpenedGovernment.WORSENED.label)) in html
        assert escape(str(ValueAnswer.NOT_APPLICABLE.label)) in html


# --- reminders ------------------------------------------------------------------------------------

TODAY = D(2025, 3, 1)


@pytest.fixture
def reminder_world():
    plan = running_plan(submitted_on=D(2025, 1, 10))  # inception due 10 March: due soon
    late = completed_commitment(plan, D(2024, 12, 1), reference="TET-01")  # due 1 January
    done = completed_commitment(plan, D(2024, 12, 1), reference="TET-02")
    factories.CommitmentAssessmentFactory(commitment=done)  # filed: no reminder
    completed_commitment(plan, D(2025, 2, 28), reference="TET-03")  # due 28 March: not yet
    other = running_plan(submitted_on=D(2025, 1, 1))  # another council's
    monitor_fr = factories.staff_user(MONITORING_BODY, plan.council, email="suivi@example.org")
    StaffProfile.objects.create(user=monitor_fr, language="fr")
    monitor_ar = factories.staff_user(MONITORING_BODY, plan.council, email="rasd@example.org")
    StaffProfile.objects.create(user=monitor_ar, language="ar")
    coordinator = factories.staff_user(COORDINATOR, plan.council, email="coord@example.org")
    return plan, late, other, monitor_fr, monitor_ar, coordinator


def test_reminders_go_once_to_the_monitoring_body_in_its_language(reminder_world):
    _plan, _late, _other, monitor_fr, _monitor_ar, _coordinator = reminder_world
    assert remind(TODAY) == 2
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"suivi@example.org", "rasd@example.org"}
    for address, language in (("suivi@example.org", "fr"), ("rasd@example.org", "ar")):
        body = by_address[address].body
        with translation.override(language):
            assert date_format(D(2025, 3, 10), "j F Y") in body  # the inception, due soon
            assert date_format(D(2025, 1, 1), "j F Y") in body  # TET-01, overdue
        assert "TET-01" in body and "TET-02" not in body and "TET-03" not in body
    assert AssessmentReminderLog.objects.filter(user=monitor_fr).count() == 2
    # The next run has nothing new to say.
    mail.outbox.clear()
    assert remind(TODAY) == 0
    assert remind(TODAY + datetime.timedelta(days=1)) == 0
    assert mail.outbox == []


def test_reminder_goes_again_when_the_due_assessment_becomes_overdue(reminder_world):
    *_rest, _monitor_fr, _monitor_ar, _coordinator = reminder_world
    remind(TODAY)
    mail.outbox.clear()
    assert remind(D(2025, 3, 11)) == 2  # the inception is now overdue
    assert "TET-01" not in mail.outbox[0].body


def test_published_inception_assessment_stops_its_reminders(reminder_world):
    plan, *_rest = reminder_world
    factories.published_inception(plan)
    remind(TODAY)
    for message in mail.outbox:
        with translation.override("fr"):
            assert date_format(D(2025, 3, 10), "j F Y") not in message.body


def test_reminder_log_refuses_a_second_identical_row(reminder_world):
    plan, _late, _other, monitor_fr, *_rest = reminder_world
    row = {"user": monitor_fr, "kind": "inception", "plan": plan, "state": "due_soon"}
    AssessmentReminderLog.objects.create(**row, due_on=D(2025, 3, 10))
    with pytest.raises(IntegrityError), transaction.atomic():
        AssessmentReminderLog.objects.create(**row, due_on=D(2025, 3, 10))


# --- the open data ------------------------------------------------------


def test_api_gives_the_submission_and_the_assessments(client):
    plan = running_plan(
        submitted_on=D(2024, 11, 4),
        ogp_page_url="https://www.opengovpartnership.org/members/tetouan-morocco/",
    )
    commitment = completed_commitment(plan, D(2025, 1, 15))
    monitor = factories.UserFactory(email="monitor.private@example.org")
    factories.CommitmentAssessmentFactory(
        commitment=commitment,
        filed_by=monitor,
        opened_government="worsened",
        civic_participation="yes",
        civic_participation_explanation_ar="جلسات عمومية",
    )
    draft = factories.InceptionAssessmentFactory(plan=plan, summary_fr="Brouillon secret")
    factories.InceptionCommitmentReviewFactory(assessment=draft, commitment=commitment)
    api_plan = client.get(reverse("api:plan-detail", args=[plan.pk]))
    data = api_plan.json()
    assert data["submitted_on"] == "2024-11-04"
    assert data["ogp_page_url"].endswith("/tetouan-morocco/")
    assert data["inception_assessment"] is None
    assert "Brouillon secret" not in api_plan.content.decode()
    draft.status, draft.published_on = "published", D(2025, 1, 20)
    draft.save()
    data = client.get(reverse("api:plan-detail", args=[plan.pk])).json()
    assert data["inception_assessment"]["summary_fr"] == "Brouillon secret"
    assert data["inception_assessment"]["reviews"][0]["commitment"] == commitment.pk
    assert data["inception_assessment"]["due_on"] == "2025-01-04"
    response = client.get(reverse("api:commitment-detail", args=[commitment.pk]))
    assessment = response.json()["assessment"]
    assert assessment["opened_government"] == "worsened"
    assert assessment["civic_participation"] == "yes"
    assert assessment["civic_participation_explanation_ar"] == "جلسات عمومية"
    assert assessment["due_on"] == "2025-02-15"
    assert "monitor.private" not in response.content.decode()


def test_datasets_give_the_assessments_with_english_columns(client):
    plan = running_plan(submitted_on=D(2024, 11, 4))
    commitment = completed_commitment(plan, D(2025, 1, 15))
    factories.CommitmentAssessmentFactory(
        commitment=commitment, opened_government="worsened", technology_innovation="no"
    )
    inception = factories.published_inception(plan, online_repository="no")
    factories.InceptionCommitmentReviewFactory(
        assessment=inception, commitment=commitment, potential_for_results="unclear"
    )

    def table(name):
        response = client.get(reverse("opendata_dataset", args=[name, "json"]))
        assert response.status_code == 200
        return response.json()

    (row,) = table("end_of_commitment_assessments")
    assert (row["opened_government"], row["technology_innovation"]) == ("worsened", "no")
    assert row["due_on"] == "2025-02-15"
    (row,) = table("inception_assessments")
    assert (row["online_repository"], row["forum_exists"]) == ("no", "yes")
    assert row["due_on"] == "2025-01-04"
    (row,) = table("inception_reviews")
    assert row["potential_for_results"] == "unclear"
    plans = {p["id"]: p for p in table("plans")}
    assert plans[plan.pk]["submitted_on"] == "2024-11-04"
