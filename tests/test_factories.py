import pytest

from tests import factories


@pytest.mark.django_db
@pytest.mark.parametrize(
    "factory",
    [
        factories.CouncilFactory,
        factories.ThemeFactory,
        factories.ActionPlanFactory,
        factories.WorkshopFactory,
        factories.WorkingGroupFactory,
        factories.ProposalFactory,
        factories.CommitmentFactory,
        factories.MilestoneFactory,
        factories.IndicatorFactory,
    ],
)
def test_factory_builds_a_valid_object(factory):
    obj = factory()
    obj.full_clean()
