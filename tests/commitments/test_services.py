import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from commitments import services
from commitments.models import Commitment
from commitments.selectors import commitment_prefill_from_proposals, plan_readiness
from consultations.models import ActionPlan, PlanStageChange, Proposal
from tests import factories

TODAY = datetime.date(2025, 3, 1)


@pytest.fixture(autouse=True)
def _messages_in_source_language():
    """The messages are asserted as written in the code (their translations are tested in
    tests/admin/test_bad_input.py and the model tests)."""
    with translation.override("en"):
        yield


def ready_plan(**plan_fields):
    """A plan in consultation (closed the day before TODAY) that meets every readiness rule."""
    plan = factories.ActionPlanFactory(
        stage=ActionPlan.Stage.CONSULTATION,
        consultation_opens_on=datetime.date(2025, 1, 1),
        consultation_closes_on=datetime.date(2025, 2, 28),
        introduction_ar="مقدمة",
        introduction_fr="Introduction",
        **plan_fields,
    )
    factories.WorkshopFactory(
        council=plan.council,
        plan=plan,
        summary_ar="ملخص",
        summary_fr="Résumé",
        city_ar="الحسيمة",
        city_fr="Al Hoceima",
        chaired_by_ar="نائب الرئيس",
        chaired_by_fr="Le vice-président",
    )
    commitment = factories.CommitmentFactory(
        plan=plan,
        reference="TST-2024-01",
        **{
            f"{name}_{lang}": f"{name} {lang}"
            for name in (
                "problem",
                "status_quo",
                "description",
                "expected_results",
                "ogp_relevance",
                "partners",
            )
            for lang in ("ar", "fr")
        },
    )
    factories.MilestoneFactory(
        commitment=commitment, deliverable_ar="تقرير", deliverable_fr="Rapport"
    )
    factories.IndicatorFactory(
        commitment=commitment, unit_ar="عدد", source_ar="المجلس", source_fr="Conseil"
    )
    return plan


@pytest.mark.django_db
def test_commitment_from_one_proposal_marks_it_retained_and_links_both_ways():
    proposal = factories.ProposalFactory()
    plan = proposal.plan
    coordinator = factories.UserFactory()

    commitment = services.commitment_create_from_proposals(
        plan=plan,
        proposals=[proposal],
        by=coordinator,
        reference="TST-2024-07",
        title_fr="Budget ouvert",
    )

    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.RETAINED
    assert proposal.responded_by == coordinator
    assert list(commitment.source_proposals.all()) == [proposal]
    assert list(proposal.commitments.all()) == [commitment]


@pytest.mark.django_db
def test_commitment_from_several_proposals_marks_them_merged():
    first = factories.ProposalFactory()
    second = factories.ProposalFactory(working_group=first.working_group)

    commitment = services.commitment_create_from_proposals(
        plan=first.plan,
        proposals=[first, second],
        by=None,
        reference="TST-2024-08",
        title_ar="التزام",
    )

    assert set(Proposal.objects.values_list("status", flat=True)) == {Proposal.Status.MERGED}
    assert commitment.source_proposals.count() == 2


@pytest.mark.django_db
def test_commitment_from_proposals_refuses_another_councils_proposal_and_writes_nothing():
    own = factories.ProposalFactory()
    foreign = factories.ProposalFactory()

    with pytest.raises(ValidationError, match="another council"):
        services.commitment_create_from_proposals(
            plan=own.plan, proposals=[own, foreign], by=None, reference="TST-2024-09", title_fr="X"
        )

    assert not Commitment.objects.exists()
    assert set(Proposal.objects.values_list("status", flat=True)) == {Proposal.Status.RECEIVED}


@pytest.mark.django_db
def test_commitment_from_proposals_refuses_duplicate_reference_and_keeps_proposals_untouched():
    proposal = factories.ProposalFactory()
    factories.CommitmentFactory(plan=proposal.plan, reference="TST-2024-01")

    with pytest.raises(ValidationError):
        services.commitment_create_from_proposals(
            plan=proposal.plan, proposals=[proposal], by=None, reference="TST-2024-01", title_fr="X"
        )

    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.RECEIVED
    assert Commitment.objects.count() == 1


@pytest.mark.django_db
def test_attach_proposals_to_existing_commitment_marks_them_merged():
    proposal = factories.ProposalFactory()
    commitment = factories.CommitmentFactory(plan=proposal.plan)

    services.proposals_attach_to_commitment(commitment=commitment, proposals=[proposal], by=None)

    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.MERGED
    assert proposal in commitment.source_proposals.all()


@pytest.mark.django_db
def test_proposal_answer_not_retained_requires_a_reason():
    proposal = factories.ProposalFactory()

    with pytest.raises(ValidationError) as error:
        services.proposal_answer(proposal=proposal, status=Proposal.Status.NOT_RETAINED, by=None)

    assert "response_ar" in error.value.message_dict
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.RECEIVED


@pytest.mark.django_db
def test_proposal_answer_with_french_reason_counts_as_answered():
    proposal = factories.ProposalFactory()

    services.proposal_answer(
        proposal=proposal,
        status=Proposal.Status.NOT_RETAINED,
        response_fr="Relève de la compétence de l'État.",
        by=None,
    )

    assert list(Proposal.objects.answered()) == [proposal]


@pytest.mark.django_db
def test_closed_plan_refuses_new_commitments_and_answers():
    proposal = factories.ProposalFactory()
    ActionPlan.objects.filter(pk=proposal.plan_id).update(stage=ActionPlan.Stage.CLOSED)
    proposal.refresh_from_db()

    with pytest.raises(ValidationError, match="closed"):
        services.commitment_create_from_proposals(
            plan=proposal.plan, proposals=[proposal], by=None, reference="TST-2024-01", title_fr="X"
        )
    with pytest.raises(ValidationError, match="closed"):
        services.proposal_answer(proposal=proposal, status=Proposal.Status.UNDER_REVIEW, by=None)


@pytest.mark.django_db
def test_plan_adopt_refuses_unanswered_proposals_and_says_how_many():
    plan = ready_plan()
    workshop = plan.workshops.get()
    group = factories.WorkingGroupFactory(workshop=workshop)
    factories.ProposalFactory.create_batch(3, working_group=group)

    with pytest.raises(ValidationError) as error:
        services.plan_change_stage(
            plan=plan, to_stage=ActionPlan.Stage.ADOPTED, by=None, today=TODAY
        )

    assert "3 proposals have no response." in error.value.messages
    plan.refresh_from_db()
    assert plan.stage == ActionPlan.Stage.CONSULTATION
    assert not PlanStageChange.objects.exists()


@pytest.mark.django_db
def test_plan_adopt_names_the_commitment_without_milestone():
    plan = ready_plan()
    factories.CommitmentFactory(plan=plan, reference="TST-2024-04")

    problems = services.plan_stage_problems(plan, ActionPlan.Stage.ADOPTED, today=TODAY)

    assert "Commitment TST-2024-04 has no milestone." in problems
    # An indicator is recommended, not required: a warning in the checklist, never a block.
    assert "Commitment TST-2024-04 has no indicator." not in problems


@pytest.mark.django_db
def test_plan_adopt_refuses_milestone_after_plan_period():
    plan = ready_plan()
    commitment = plan.commitments.get()
    factories.MilestoneFactory(commitment=commitment, due_date=datetime.date(2027, 6, 1))

    problems = services.plan_stage_problems(plan, ActionPlan.Stage.ADOPTED, today=TODAY)

    assert any("ends after the plan's period (2024-2026)" in p for p in problems)


@pytest.mark.django_db
def test_plan_adopt_refuses_while_consultation_is_open():
    plan = ready_plan()

    problems = services.plan_stage_problems(
        plan, ActionPlan.Stage.ADOPTED, today=datetime.date(2025, 2, 28)
    )

    assert problems == ["The consultation is open until 2025-02-28; it must be over first."]


@pytest.mark.django_db
def test_plan_adopt_records_who_when_from_and_to():
    plan = ready_plan()
    coordinator = factories.UserFactory()

    change = services.plan_change_stage(
        plan=plan, to_stage=ActionPlan.Stage.ADOPTED, by=coordinator, today=TODAY
    )

    plan.refresh_from_db()
    assert plan.stage == ActionPlan.Stage.ADOPTED
    assert (change.from_stage, change.to_stage, change.changed_by) == (
        ActionPlan.Stage.CONSULTATION,
        ActionPlan.Stage.ADOPTED,
        coordinator,
    )
    assert change.changed_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "target"),
    [
        (ActionPlan.Stage.PREPARATION, ActionPlan.Stage.ADOPTED),
        (ActionPlan.Stage.ADOPTED, ActionPlan.Stage.CONSULTATION),
        (ActionPlan.Stage.CLOSED, ActionPlan.Stage.IMPLEMENTATION),
        (ActionPlan.Stage.IMPLEMENTATION, ActionPlan.Stage.PREPARATION),
    ],
)
def test_plan_refuses_transition_not_in_the_cycle(start, target):
    plan = factories.ActionPlanFactory(stage=start)

    with pytest.raises(ValidationError, match="cannot go from"):
        services.plan_change_stage(plan=plan, to_stage=target, by=None, today=TODAY)

    plan.refresh_from_db()
    assert plan.stage == start


@pytest.mark.django_db
def test_plan_open_consultation_needs_dates_and_a_commitment():
    plan = factories.ActionPlanFactory()

    problems = services.plan_stage_problems(plan, ActionPlan.Stage.CONSULTATION, today=TODAY)

    assert problems == [
        "Set the dates the consultation opens and closes.",
        "The draft plan has no commitment to consult on.",
    ]


@pytest.mark.django_db
def test_plan_readiness_is_all_green_for_a_ready_plan():
    plan = ready_plan()

    items = plan_readiness(plan)

    assert [item.key for item in items] == ["workshops", "proposals", "commitments", "languages"]
    assert [item.problems for item in items] == [[], [], [], []]


@pytest.mark.django_db
def test_plan_readiness_warns_of_text_in_one_language_only_without_blocking():
    plan = ready_plan()
    commitment = plan.commitments.get()
    commitment.problem_fr = ""
    commitment.save()

    languages = {item.key: item for item in plan_readiness(plan)}["languages"]

    # A text in one language waits for its translation: named, never a blocking problem.
    assert languages.ok
    assert languages.problems == []
    assert "TST-2024-01" in languages.warnings[0]
    assert "French" in languages.warnings[0]


@pytest.mark.django_db
def test_plan_readiness_runs_the_same_queries_for_one_or_ten_commitments(django_assert_num_queries):
    small = ready_plan()
    large = ready_plan(start_year=2027, end_year=2029, council=small.council)
    for n in range(10):
        commitment = factories.CommitmentFactory(
            plan=large,
            reference=f"BIG-{n}",
            start_date=datetime.date(2027, 1, 1),
            end_date=datetime.date(2028, 1, 1),
        )
        factories.MilestoneFactory(
            commitment=commitment, start_date=None, due_date=datetime.date(2028, 1, 1)
        )

    with django_assert_num_queries(5) as small_queries:
        plan_readiness(small)
    with django_assert_num_queries(len(small_queries.captured_queries)):
        plan_readiness(large)


@pytest.mark.django_db
def test_prefill_puts_problems_and_actions_in_their_fields_per_language():
    problem = factories.ProposalFactory(
        kind=Proposal.Kind.PROBLEM, title_fr="Pas d'accès", body_fr="Détail"
    )
    action = factories.ProposalFactory(
        working_group=problem.working_group,
        kind=Proposal.Kind.SOLUTION,
        title_fr="Un portail",
        body_fr="",
    )

    initial = commitment_prefill_from_proposals([problem, action])

    assert initial["problem_fr"] == "Pas d'accès\nDétail"
    assert initial["description_fr"] == "Un portail"
    assert initial["theme"] == problem.theme_id
