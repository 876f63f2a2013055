"""The proposals list stays cheap on a national database: the count stops at a cap, and the
plan menu lists the chosen council's plans only (or the plan a link names)."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from consultations import selectors
from consultations.models import ActionPlan
from tests import factories

pytestmark = pytest.mark.django_db


def _public_proposals(count, plan=None):
    plan = plan or factories.ActionPlanFactory(stage=ActionPlan.Stage.IMPLEMENTATION)
    group = factories.WorkingGroupFactory(workshop__plan=plan, workshop__council=plan.council)
    for _ in range(count):
        factories.ProposalFactory(working_group=group)
    return plan


def test_the_count_stops_at_the_cap(monkeypatch):
    _public_proposals(5)
    monkeypatch.setattr(selectors.CappedPaginator, "cap", 3)
    monkeypatch.setattr(selectors, "per_page", lambda: 2)
    with translation.override("fr"):
        response = Client().get(reverse("consultations:proposals"), HTTP_ACCEPT_LANGUAGE="fr")
        page = Client().get("/fr/proposals/").content.decode()
    assert response.status_code in (200, 302)
    assert "Plus de 3" in page or "More than 3" in page
    assert "Page 1 sur 2" in page or "Page 1 of 2" in page  # 3 counted, 2 a page


def test_below_the_cap_the_count_is_exact():
    _public_proposals(3)
    page = Client().get("/fr/proposals/").content.decode()
    with translation.override("fr"):
        expected = gettext("Choose a council first to list its plans.")
    assert "3 propositions" in page
    assert expected in page


def test_the_plan_menu_follows_the_council():
    first = _public_proposals(1)
    second = _public_proposals(1)
    html = _plan_menu(Client().get(f"/fr/proposals/?council={first.council.pk}"))
    assert f'value="{first.pk}"' in html and f'value="{second.pk}"' not in html
    linked = _plan_menu(Client().get(f"/fr/proposals/?plan={second.pk}"))
    assert f'<option value="{second.pk}" selected>' in linked
    assert _plan_menu(Client().get("/fr/proposals/")).count("<option") == 1  # "All"


def _plan_menu(response) -> str:
    html = response.content.decode()
    start = html.index('<select name="plan"')
    return html[start : html.index("</select>", start)]
