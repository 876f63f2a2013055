"""A coordinator walks a workshop's proposals to an adopted plan, through the admin only:
merge into a commitment, attach, answer, open and close the consultation, a refused adoption,
the fixes, adoption, a refused transition, implementation and a read-only closed plan."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation

from commitments.models import Commitment
from consultations.models import ActionPlan, PlanStageChange, Proposal
from tests import factories
from tests.admin.helpers import admin_form_data

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _action(client, model: str, action: str, ids) -> list[str]:
    response = client.post(
        reverse(f"admin:{model}_changelist"),
        {"action": action, "_selected_action": [str(i) for i in ids], "index": "0"},
    )
    assert response.status_code == 302, response.content[:500]
    return _messages(response), response


def _change(client, name, obj, changes) -> object:
    url = reverse(f"admin:{name}_change", args=[obj.pk])
    data = admin_form_data(client.get(url))
    data.update(changes)
    return client.post(url, data)


@pytest.fixture
def coordinator():
    user = factories.UserFactory(username="coordinatrice", is_staff=True)
    user.groups.add(Group.objects.get(name="Coordinator"))
    return user


def test_from_workshop_proposals_to_a_closed_plan(client, coordinator):
    today = timezone.localdate()
    plan = factories.ActionPlanFactory(
        start_year=today.year, end_year=today.year + 2, title_fr="Plan 2", title_ar="خطة 2"
    )
    plan.council.staff.add(coordinator)
    workshop = factories.WorkshopFactory(
        council=plan.council, plan=plan, summary_ar="ملخص", summary_fr="Compte rendu"
    )
    group_a = factories.WorkingGroupFactory(workshop=workshop, position=1)
    group_b = factories.WorkingGroupFactory(workshop=workshop, position=2)
    budget_1 = factories.ProposalFactory(working_group=group_a, title_fr="Budget ouvert")
    budget_2 = factories.ProposalFactory(working_group=group_b, title_fr="Marchés publics")
    later = factories.ProposalFactory(working_group=group_b, title_fr="Suivi des marchés")
    refused = factories.ProposalFactory(working_group=group_a, title_fr="Fonds régional")
    client.force_login(coordinator)

    # 1. Two proposals from two groups are merged into a new commitment.
    messages, response = _action(
        client, "consultations_proposal", "turn_into_commitment", [budget_1.pk, budget_2.pk]
    )
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Budget ouvert" in page.content.decode() and "Marchés publics" in page.content.decode()
    year = today.year
    response = client.post(
        response["Location"],
        {
            "mode": "new",
            "plan": plan.pk,
            "reference": f"TST-{year}-01",
            "title_fr": "Budget et marchés en données ouvertes",
            "title_ar": "الميزانية والصفقات في شكل بيانات مفتوحة",
        },
    )
    commitment = Commitment.objects.get(plan=plan, reference=f"TST-{year}-01")
    assert response["Location"] == reverse(
        "admin:commitments_commitment_change", args=[commitment.pk]
    )
    for proposal in (budget_1, budget_2):
        proposal.refresh_from_db()
        assert proposal.status == Proposal.Status.MERGED
        assert list(proposal.commitments.all()) == [commitment]

    # 2. A later proposal is attached to the same commitment.
    _, response = _action(client, "consultations_proposal", "turn_into_commitment", [later.pk])
    client.post(response["Location"], {"mode": "existing", "commitment": commitment.pk})
    assert set(commitment.source_proposals.all()) == {budget_1, budget_2, later}

    # Traceability both ways, on the admin pages.
    html = client.get(reverse("admin:commitments_commitment_change", args=[commitment.pk]))
    html = html.content.decode()
    assert str(group_a) in html and str(group_b) in html and str(workshop) in html
    html = client.get(reverse("admin:consultations_proposal_change", args=[later.pk]))
    assert commitment.reference in html.content.decode()

    # 3. Opening the consultation needs its dates.
    messages, _ = _action(client, "consultations_actionplan", "move_to_consultation", [plan.pk])
    assert any("dates" in m or "تاريخ" in m or "تواريخ" in m for m in messages), messages
    plan.refresh_from_db()
    assert plan.stage == ActionPlan.Stage.PREPARATION
    _change(
        client,
        "consultations_actionplan",
        plan,
        {"consultation_opens_on": str(today), "consultation_closes_on": str(today)},
    )
    messages, _ = _action(client, "consultations_actionplan", "move_to_consultation", [plan.pk])
    plan.refresh_from_db()
    assert plan.stage == ActionPlan.Stage.CONSULTATION, messages

    # 4. Adoption is refused while the consultation is open and things are missing.
    with translation.override("fr"):
        messages, _ = _action(client, "consultations_actionplan", "move_to_adopted", [plan.pk])
    text = " ".join(messages)
    assert "1" in text and f"TST-{year}-01" in text, text
    plan.refresh_from_db()
    assert plan.stage == ActionPlan.Stage.CONSULTATION
    checklist = client.get(reverse("admin:consultations_actionplan_change", args=[plan.pk]))
    assert "readiness-todo" in checklist.content.decode()

    # 5. The fixes: the consultation ends, the refused proposal is answered with reasons, the
    # commitment gets its dates, lead agency, a milestone and an indicator.
    _change(
        client,
        "consultations_actionplan",
        plan,
        {
            "consultation_opens_on": str(today - datetime.timedelta(days=20)),
            "consultation_closes_on": str(today - datetime.timedelta(days=1)),
        },
    )
    response = _change(client, "consultations_proposal", refused, {"status": "not_retained"})
    assert response.status_code == 200, "no reason: the form comes back with an error"
    _change(
        client,
        "consultations_proposal",
        refused,
        {"status": "not_retained", "response_fr": "Hors des compétences du conseil."},
    )
    refused.refresh_from_db()
    assert refused.status == Proposal.Status.NOT_RETAINED and refused.responded_by == coordinator
    response = _change(
        client,
        "commitments_commitment",
        commitment,
        {
            "description_fr": "Publier le budget et les marchés en données ouvertes.",
            "lead_agency_ar": "مجلس الجهة",
            "lead_agency_fr": "Conseil de la région",
            "start_date": f"{year}-01-01",
            "end_date": f"{year + 1}-12-31",
            "transparency": "on",
            "milestones-TOTAL_FORMS": "1",
            "milestones-0-title_ar": "نشر أول مجموعة بيانات",
            "milestones-0-title_fr": "Publier le premier jeu de données",
            "milestones-0-due_date": f"{year + 1}-06-30",
            "milestones-0-status": "not_started",
            "indicators-TOTAL_FORMS": "1",
            "indicators-0-name_ar": "مجموعات البيانات",
            "indicators-0-name_fr": "Jeux de données",
            "indicators-0-target": "12",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert commitment.milestones.count() == 1 and commitment.indicators.count() == 1

    # 6. Adoption now succeeds, and is recorded.
    messages, _ = _action(client, "consultations_actionplan", "move_to_adopted", [plan.pk])
    plan.refresh_from_db()
    assert plan.stage == ActionPlan.Stage.ADOPTED, messages
    assert (
        "readiness-todo"
        not in client.get(
            reverse("admin:consultations_actionplan_change", args=[plan.pk])
        ).content.decode()
    )

    # 7. A refused transition: an adopted plan cannot jump to closed.
    messages, _ = _action(client, "consultations_actionplan", "move_to_closed", [plan.pk])
    plan.refresh_from_db()
    assert plan.stage == ActionPlan.Stage.ADOPTED
    assert messages

    # 8. Implementation, then closed: the plan and its content become read-only.
    _action(client, "consultations_actionplan", "move_to_implementation", [plan.pk])
    _action(client, "consultations_actionplan", "move_to_closed", [plan.pk])
    plan.refresh_from_db()
    assert plan.stage == ActionPlan.Stage.CLOSED
    changes = list(PlanStageChange.objects.filter(plan=plan).values_list("from_stage", "to_stage"))
    assert changes == [
        ("preparation", "consultation"),
        ("consultation", "adopted"),
        ("adopted", "implementation"),
        ("implementation", "closed"),
    ]
    assert set(PlanStageChange.objects.filter(plan=plan).values_list("changed_by", flat=True)) == {
        coordinator.pk
    }
    url = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    before = commitment.title_fr
    assert client.post(url, {"title_fr": "Changed"}).status_code == 403
    commitment.refresh_from_db()
    assert commitment.title_fr == before

    # 9. The history keeps who changed what.
    history = client.get(reverse("admin:commitments_commitment_history", args=[commitment.pk]))
    assert history.status_code == 200 and "coordinatrice" in history.content.decode()


def test_readiness_links_lead_to_working_filters(admin_client):
    plan = factories.ActionPlanFactory()
    factories.ProposalFactory(working_group__workshop__plan=plan)
    from commitments.selectors import plan_readiness

    for item in plan_readiness(plan):
        url = reverse(item.fix_url_name) + "?" + item.fix_query
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert "?e=1" not in response.get("Location", ""), url
