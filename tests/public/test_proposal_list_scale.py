"""The proposals list stays cheap on a national database: the count stops at a cap, and the
plan menu lists the chosen council's plans only (or the plan a link names)."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
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
    assert escape(expected) in page


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


def test_home_links_the_council_directory_instead_of_listing_every_commune():
    region = factories.CouncilFactory(kind="region", slug="region-x", name_fr="Région X")
    communes = [
        factories.CouncilFactory(kind="commune", parent=region, name_fr=f"Commune {n}")
        for n in range(3)
    ]
    home = Client().get("/fr/").content.decode()
    assert "Région X" in home
    assert "Commune 0" not in home
    assert "/fr/councils/?kind=commune" in home
    directory = Client().get("/fr/councils/?kind=commune").content.decode()
    assert all(c.name_fr in directory for c in communes) and "Région X</a>" not in directory
    by_region = Client().get("/fr/councils/?region=region-x&q=commune 1").content.decode()
    assert "Commune 1" in by_region and "Commune 2" not in by_region
    assert Client().get("/fr/councils/?region=nowhere").status_code == 200


def test_a_search_counts_to_its_own_lower_cap(monkeypatch):
    plan = _public_proposals(0)
    group = factories.WorkingGroupFactory(workshop__plan=plan, workshop__council=plan.council)
    for n in range(4):
        factories.ProposalFactory(working_group=group, title_fr=f"Eau potable {n}")
    factories.ProposalFactory(working_group=group, title_fr="Voirie")
    monkeypatch.setattr(selectors.CappedPaginator, "search_cap", 2)
    searched = Client().get("/fr/proposals/?q=eau").content.decode()
    assert "Plus de 2 propositions" in searched
    listed = Client().get("/fr/proposals/").content.decode()
    assert "5 propositions" in listed  # the list keeps the larger cap
