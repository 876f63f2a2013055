import pytest

from commitments import services
from consultations.models import Proposal
from tests import factories


@pytest.mark.django_db
def test_commitment_history_keeps_each_version_in_both_languages():
    commitment = factories.CommitmentFactory(title_fr="Budget ouvert", title_ar="ميزانية مفتوحة")
    commitment.title_fr = "Budget ouvert et participatif"
    commitment.save()

    versions = list(commitment.history.order_by("history_date"))

    assert [v.title_fr for v in versions] == ["Budget ouvert", "Budget ouvert et participatif"]
    assert {v.title_ar for v in versions} == {"ميزانية مفتوحة"}
    assert [v.history_type for v in versions] == ["+", "~"]


@pytest.mark.django_db
def test_proposal_answer_is_kept_in_history_with_who_answered():
    proposal = factories.ProposalFactory()
    coordinator = factories.UserFactory()

    services.proposal_answer(
        proposal=proposal,
        status=Proposal.Status.NOT_RETAINED,
        response_ar="خارج اختصاص الجماعة",
        by=coordinator,
    )

    latest = proposal.history.latest("history_date")
    assert latest.status == Proposal.Status.NOT_RETAINED
    assert latest.response_ar == "خارج اختصاص الجماعة"
    assert latest.responded_by_id == coordinator.pk


@pytest.mark.django_db
@pytest.mark.parametrize(
    "factory", [factories.ActionPlanFactory, factories.MilestoneFactory, factories.IndicatorFactory]
)
def test_plan_milestone_and_indicator_changes_are_kept(factory):
    obj = factory()
    obj.save()

    assert obj.history.count() == 2
