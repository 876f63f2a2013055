"""The staff list "Awaiting translation": per plan, every text written in one language, linked to
its form; scoped to the staff member's councils; filtered by plan and target language; a fixed
number of queries whatever the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from consultations.models import ActionPlan
from opengov import roles
from tests import factories

pytestmark = pytest.mark.django_db


def _url(**query) -> str:
    with translation.override("fr"):
        url = reverse("admin:consultations_actionplan_translations")
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _change(obj) -> str:
    opts = obj._meta
    with translation.override("fr"):
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def french_commitment(plan=None, reference="TET-2024-01"):
    plan = plan or factories.ActionPlanFactory()
    commitment = factories.CommitmentFactory(
        plan=plan, reference=reference, title_ar="", title_fr=f"Texte français {reference}"
    )
    milestone = factories.MilestoneFactory(
        commitment=commitment, title_ar=f"مرحلة {reference}", title_fr=""
    )
    return commitment, milestone


def test_staff_list_shows_each_waiting_text_of_their_council_linked_to_its_form(client, staff_user):
    commitment, milestone = french_commitment()
    other, _ = french_commitment(reference="AUTRE-2024-01")
    coordinator = staff_user(roles.COORDINATOR, commitment.plan.council)
    client.force_login(coordinator)

    page = client.get(_url()).content.decode()

    assert f'href="{_change(commitment)}"' in page and "TET-2024-01" in page
    assert f'href="{_change(milestone)}"' in page
    assert f'href="{_change(commitment.plan)}"' in page
    assert "AUTRE-2024-01" not in page and f'href="{_change(other)}"' not in page


def test_staff_of_another_council_sees_nothing_of_it(client, staff_user):
    commitment, _milestone = french_commitment()
    stranger = staff_user(roles.COORDINATOR, factories.CouncilFactory())
    client.force_login(stranger)

    response = client.get(_url())
    filtered = client.get(_url(plan=commitment.plan.pk))

    assert response.status_code == 200
    assert "TET-2024-01" not in response.content.decode()
    # Another council's plan is not a choice: the filter refuses it, and lists nothing.
    assert filtered.context["form"].errors and filtered.context["count"] == 0
    assert "TET-2024-01" not in filtered.content.decode()


def test_superuser_sees_every_council_and_filters_by_plan_and_language(admin_client):
    commitment, milestone = french_commitment()
    french_commitment(reference="AUTRE-2024-01")

    everything = admin_client.get(_url()).content.decode()
    one_plan = admin_client.get(_url(plan=commitment.plan.pk)).content.decode()
    into_arabic = admin_client.get(_url(language="ar"))
    into_french = admin_client.get(_url(language="fr"))

    assert "TET-2024-01" in everything and "AUTRE-2024-01" in everything
    assert "TET-2024-01" in one_plan and "AUTRE-2024-01" not in one_plan
    # The commitment waits for Arabic, the milestone for French.
    assert f'href="{_change(commitment)}"' in into_arabic.content.decode()
    assert f'href="{_change(milestone)}"' not in into_arabic.content.decode()
    assert f'href="{_change(milestone)}"' in into_french.content.decode()
    assert f'href="{_change(commitment)}"' not in into_french.content.decode()
    assert into_arabic.context["count"] == 2  # both commitments


def test_closed_plans_are_left_out(admin_client):
    commitment, _ = french_commitment()
    ActionPlan.objects.filter(pk=commitment.plan_id).update(stage=ActionPlan.Stage.CLOSED)

    assert admin_client.get(_url()).context["count"] == 0


def test_bad_filter_is_refused_with_a_message_and_lists_nothing(admin_client):
    french_commitment()

    response = admin_client.get(_url(plan="abc", language="xx"))

    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"plan", "language"}
    assert response.context["count"] == 0


def test_staff_list_runs_the_same_queries_for_one_or_ten_plans(client, staff_user):
    council = factories.CouncilFactory()
    french_commitment(factories.ActionPlanFactory(council=council))
    coordinator = staff_user(roles.COORDINATOR, council)
    client.force_login(coordinator)
    client.get(_url())
    with CaptureQueriesContext(connection) as small:
        assert client.get(_url()).context["count"] == 2
    for year in range(2030, 2040):
        plan = factories.ActionPlanFactory(council=council, start_year=year, end_year=year + 2)
        french_commitment(plan, reference=f"TET-{year}-01")
        factories.WorkshopFactory(council=council, plan=plan, title_ar="")
    with CaptureQueriesContext(connection) as large:
        assert client.get(_url()).context["count"] == 2 + 10 * 3

    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(large.captured_queries) <= 16


def test_admin_index_and_plan_page_link_to_the_list(admin_client):
    plan = factories.ActionPlanFactory()
    with translation.override("fr"):
        index = admin_client.get(reverse("admin:index")).content.decode()
    change = admin_client.get(_change(plan)).content.decode()

    assert f'href="{_url()}"' in index
    assert f'href="{_url(plan=plan.pk)}"' in change
