"""A coordinator of Tétouan enters the council's real 2022-2026 plan from its published text, in a
real browser, the way issue 20 asks: the plan created in the admin (French), its commitments
imported from a workbook built from OGP's pages (tests/commitments/data/
ogp_tetouan_commitments.json: months as OGP gives them, texts in the French columns only), its
past consultation and adoption recorded, and the public pages read in French and in Arabic. Then
the council's monitoring body reads the commitment without changing it and files its
end-of-commitment assessment."""

import datetime
import io
import json
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import Workbook

from commitments.models import Commitment, CommitmentAssessment
from consultations.models import ActionPlan, PlanStageChange
from opengov import roles
from opengov.dates import DatePrecision
from tests import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "a-long-browser-password"
SAMPLE = json.loads(
    (Path(__file__).parents[1] / "commitments" / "data" / "ogp_tetouan_commitments.json").read_text(
        "utf-8"
    )
)
Stage = ActionPlan.Stage


def _fr(path: str) -> str:
    return path.replace("/ar/", "/fr/", 1)


def _sign_in(page, live_server, username: str) -> None:
    """The admin login form (no second factor: the account has no confirmed device)."""
    page.goto(live_server.url + _fr(reverse("admin:login")))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + _fr(reverse("admin:index")))


def _workbook() -> bytes:
    """The two commitments as OGP publishes them, in the French columns only (the portal's
    second language), with OGP's months, and one milestone each over the commitment's months."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    commitments = workbook.create_sheet("engagements")
    commitments.append(
        [
            "Identifiant OGP",
            "Référence",
            "Titre en français",
            "Problème en français",
            "Situation actuelle en français",
            "Ce qui sera fait en français",
            "Contribution à la résolution du problème en français",
            "Institution responsable en français",
            "Acteurs associés en français",
            "Valeurs OGP",
            "Domaine de politique publique",
            "Secteur",
            "Page OGP",
            "Début",
            "Fin",
        ]
    )
    milestones = workbook.create_sheet("jalons")
    milestones.append(["Référence de l'engagement", "Titre en français", "Début", "Échéance"])
    for item in SAMPLE:
        commitments.append(
            [
                item["id"],
                item["id"],
                item["title"],
                item["problem"],
                item["status_quo"],
                item["action"],
                item["how_it_contributes"] or "",
                item["lead_agency"],
                "\n".join(item["institutions_involved"]),
                "; ".join(item["ogp_values"]),
                item["primary_policy_area"] or "",
                item["primary_sector"] or "",
                item["source"],
                item["commitment_start"],
                item["commitment_end"],
            ]
        )
        milestones.append(
            [item["id"], "Mise en œuvre", item["commitment_start"], item["commitment_end"]]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _no_sideways_scroll(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_a_coordinator_enters_the_tetouan_plan_from_its_published_text(
    live_server, page, staff_user, screenshots
):
    council = factories.CouncilFactory(slug="tetouan", name_fr="Tétouan", name_ar="تطوان")
    staff_user(roles.COORDINATOR, council, username="coordinatrice", password=PASSWORD)
    _sign_in(page, live_server, "coordinatrice")

    # 1. The plan, created in the French admin (the council chosen in the autocomplete box).
    page.goto(live_server.url + _fr(reverse("admin:consultations_actionplan_add")))
    page.click("#id_council + .select2 .select2-selection")
    page.fill(".select2-search__field", "Tét")
    page.click(".select2-results__option:has-text('Tétouan')")
    page.fill("#id_title_fr", "Plan d'action local de gouvernement ouvert de Tétouan")
    page.fill("#id_start_year", "2022")
    page.fill("#id_end_year", "2026")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    plan = ActionPlan.objects.get(council=council)
    assert (plan.start_year, plan.end_year, plan.stage) == (2022, 2026, Stage.PREPARATION)
    change_path = reverse("admin:consultations_actionplan_change", args=[plan.pk])
    change_url = live_server.url + _fr(change_path)

    # 2. The import page, reached from the plan's page: preview, then confirm.
    page.goto(change_url)
    import_path = _fr(reverse("admin:consultations_actionplan_import", args=[plan.pk]))
    page.click(f"a[href='{import_path}']")
    page.set_input_files(
        "#id_workbook",
        files=[
            {
                "name": "tetouan-2022-2026.xlsx",
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": _workbook(),
            }
        ],
    )
    page.click("form[enctype] input[type=submit]")
    page.wait_for_selector("input[name=token]", state="attached")
    assert not page.locator(".errorlist, .import-errors").count()
    preview = page.locator("#content-main").inner_text()
    for item in SAMPLE:
        assert item["id"] in preview
    assert not Commitment.objects.filter(plan=plan).exists(), "nothing saved before confirming"
    page.screenshot(path=str(screenshots / "e2e-import-preview-fr.png"), full_page=True)
    page.click("input[name=token] ~ .submit-row input[type=submit]")
    page.wait_for_url(change_url)
    assert page.locator(".messagelist .success").count() == 1
    first, second = Commitment.objects.filter(plan=plan).order_by("position")
    assert (first.ogp_id, first.title_fr) == ("MATET0003", SAMPLE[0]["title"])
    assert not first.title_ar, "no Arabic text: its translation is pending"
    assert (first.start_date, first.start_date_precision) == (
        datetime.date(2023, 1, 1),
        DatePrecision.MONTH,
    )
    assert (first.end_date, first.end_date_precision) == (
        datetime.date(2024, 3, 31),
        DatePrecision.MONTH,
    )
    assert second.start_date == datetime.date(2022, 11, 1)

    # 3. The adoption outside the portal, with its real past dates, through the record page.
    record_path = _fr(reverse("admin:consultations_actionplan_record", args=[plan.pk]))
    page.click(f"a[href='{record_path}']")
    page.select_option("#id_to_stage", Stage.IMPLEMENTATION)
    page.fill("#id_consultation_opens_on", "2022-10-03")
    page.fill("#id_consultation_closes_on", "2022-10-31")
    page.fill("#id_adopted_on", "2022-12-15")
    page.fill("#id_implementation_started_on", "2023-01-02")
    page.screenshot(path=str(screenshots / "e2e-record-form-fr.png"), full_page=True)
    page.click("input[type=submit].default")
    page.wait_for_url(change_url)
    plan.refresh_from_db()
    assert plan.stage == Stage.IMPLEMENTATION
    changes = list(plan.stage_changes.order_by("changed_at", "id"))
    assert [(c.to_stage, c.effective_date, c.recorded) for c in changes] == [
        (Stage.CONSULTATION, datetime.date(2022, 10, 3), True),
        (Stage.ADOPTED, datetime.date(2022, 12, 15), True),
        (Stage.IMPLEMENTATION, datetime.date(2023, 1, 2), True),
    ]
    assert {c.changed_by.username for c in changes} == {"coordinatrice"}
    assert PlanStageChange.objects.filter(plan=plan).count() == 3

    # 4. The public pages, in French and in Arabic.
    plan_path = plan.get_absolute_url()
    commitment_path = first.get_absolute_url()
    repository_path = reverse("commitments:plan_repository", args=[council.slug, 2022])
    months = {"fr": ("janvier 2023", "mars 2024"), "ar": ("يناير 2023", "مارس 2024")}
    for language in ("fr", "ar"):
        with translation.override(language):
            recorded = gettext("recorded afterwards")
            pending = gettext("Translation pending. Shown in: %(languages)s.").split("%")[0]

        def localised(path: str, language: str = language) -> str:
            return path.replace("/ar/", f"/{language}/", 1)

        response = page.goto(live_server.url + localised(plan_path))
        assert response.status == 200
        stages = page.locator("ol li, ul li").filter(has=page.locator("small.recorded"))
        assert stages.count() == 3, page.content()
        assert recorded in stages.first.inner_text()
        assert page.locator("time[datetime='2022-12-15']").count() >= 1
        page.screenshot(path=str(screenshots / f"e2e-plan-{language}.png"), full_page=True)

        page.goto(live_server.url + localised(commitment_path))
        start, end = months[language]
        assert page.locator("time[datetime='2023-01']").first.inner_text() == start
        assert page.locator("time[datetime='2024-03']").first.inner_text() == end
        note = page.locator(".translation-note").first
        title = page.locator("h1")
        if language == "ar":
            assert note.is_visible() and pending in note.inner_text()
            french = title.locator("[lang=fr]")
            assert french.get_attribute("dir") == "ltr"
            assert french.inner_text() == SAMPLE[0]["title"]
            assert french.evaluate("e => getComputedStyle(e).direction") == "ltr"
        else:
            assert not page.locator(".translation-note").filter(has_text=pending).count()
            assert title.inner_text() == SAMPLE[0]["title"]
        page.screenshot(path=str(screenshots / f"e2e-commitment-{language}.png"), full_page=True)

        page.goto(live_server.url + localised(repository_path))
        row = page.locator("#requirement-commitments")
        assert "held" in row.get_attribute("class")
        assert row.locator("a").count() == 1
        page.screenshot(path=str(screenshots / f"e2e-repository-{language}.png"), full_page=True)

    # 5. The Arabic commitment page on a phone: nothing sticks out sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + commitment_path)
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert _no_sideways_scroll(page) <= 1
    page.screenshot(path=str(screenshots / "e2e-commitment-ar-390.png"), full_page=True)


def test_the_monitoring_body_reads_the_commitment_and_files_its_assessment(
    live_server, page, staff_user, screenshots
):
    council = factories.CouncilFactory(slug="tetouan", name_fr="Tétouan", name_ar="تطوان")
    plan = factories.ActionPlanFactory(
        council=council, start_year=2022, end_year=2026, stage=Stage.IMPLEMENTATION
    )
    commitment = factories.CommitmentFactory(
        plan=plan,
        reference="MATET0003",
        title_fr=SAMPLE[0]["title"],
        start_date=datetime.date(2023, 1, 1),
        end_date=datetime.date(2024, 3, 31),
        status="completed",
    )
    body = staff_user(roles.MONITORING_BODY, council, username="instance", password=PASSWORD)
    _sign_in(page, live_server, "instance")

    # The commitment's page opens, read-only: no field to type in, no save button.
    change = _fr(reverse("admin:commitments_commitment_change", args=[commitment.pk]))
    response = page.goto(live_server.url + change)
    assert response.status == 200
    assert SAMPLE[0]["title"] in page.locator("#content-main").inner_text()
    assert not page.locator("input[name=_save]").count()
    assert not page.locator("#id_title_fr").count()
    # Nor may it import into the plan or record its stages.
    for name in ("admin:consultations_actionplan_import", "admin:consultations_actionplan_record"):
        assert page.goto(live_server.url + _fr(reverse(name, args=[plan.pk]))).status == 403

    # Its end-of-commitment assessment: the form, the commitment chosen from the list.
    add = _fr(reverse("admin:commitments_commitmentassessment_add"))
    page.goto(live_server.url + add)
    page.click("#id_commitment + .select2 .select2-selection")
    page.fill(".select2-search__field", "MATET")
    page.click(".select2-results__option:has-text('MATET0003')")
    page.fill("#id_what_was_done_fr", "Le portail publie les documents de gestion.")
    page.select_option("#id_completion", index=len(page.locator("#id_completion option").all()) - 1)
    page.select_option("#id_opened_government", index=1)
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    page.screenshot(path=str(screenshots / "e2e-assessment-saved-fr.png"), full_page=True)
    assessment = CommitmentAssessment.objects.get(commitment=commitment)
    assert assessment.filed_by == body
    commitment.refresh_from_db()
    assert commitment.title_fr == SAMPLE[0]["title"]
