"""The proposals list when searching: the best matches first, then the newest, ranked among the
newest RANK_WINDOW matches only (a common word matches half the country's proposals)."""

import datetime

import pytest
from django.utils import timezone

from consultations import selectors
from consultations.models import ActionPlan, Proposal
from consultations.selectors import ProposalFilters, proposals_public
from tests import factories

pytestmark = pytest.mark.django_db


def _proposal(title: str, body: str, days_ago: int) -> Proposal:
    proposal = factories.ProposalFactory(
        working_group__workshop__plan__stage=ActionPlan.Stage.IMPLEMENTATION,
        title_fr=title,
        title_ar="",
        body_fr=body,
        body_ar="",
    )
    created = timezone.now() - datetime.timedelta(days=days_ago)
    Proposal.objects.filter(pk=proposal.pk).update(created_at=created)
    return proposal


def test_titles_first_then_newest_within_the_newest_matches(monkeypatch):
    in_old_title = _proposal("Éclairage du quartier", "Des rues sombres.", days_ago=30)
    in_body = _proposal("Rues sombres", "Installer un éclairage solaire.", days_ago=2)
    in_new_title = _proposal("Éclairage des écoles", "Des cours sombres.", days_ago=1)
    _proposal("Bancs publics", "Des bancs au jardin.", days_ago=0)
    found = list(proposals_public(ProposalFilters(text="eclairage")))
    assert found == [in_new_title, in_old_title, in_body]

    # Only the newest two matches are ranked: the old title is beyond the window.
    monkeypatch.setattr(selectors, "RANK_WINDOW", 2)
    assert list(proposals_public(ProposalFilters(text="eclairage"))) == [in_new_title, in_body]
    # Sorted by support, every match stays (no rank, no window).
    by_support = proposals_public(ProposalFilters(text="eclairage", sort="support"))
    assert set(by_support) == {in_new_title, in_old_title, in_body}
