"""After the plans are in: progress entries behind completed milestones, measured indicator
values, assessments, and the end of the plans that ended."""

from __future__ import annotations

from commitments.models import (
    Commitment,
    CommitmentAssessment,
    CompletionLevel,
    Indicator,
    IndicatorValue,
    Milestone,
    MilestoneUpdate,
    OpenedGovernment,
    PlanSelfAssessment,
)
from commitments.plan_record import plan_record_stages
from consultations.models import ActionPlan

from .loader import D, Loader, MStatus, Stage

# The plans that ended, and the day each was closed.
ENDED_PLANS = {("tanger-tetouan-al-hoceima", 2021): D(2023, 12, 31)}


def close_ended_plans(loader: Loader) -> None:
    """Record the end of the plans that ended, once their records are in (a closed plan takes
    no new record), as a coordinator would: a recorded move with its real date."""
    for (slug, start_year), closed_on in ENDED_PLANS.items():
        plan = ActionPlan.objects.filter(council__slug=slug, start_year=start_year).first()
        if plan is None or plan.stage == Stage.CLOSED:
            continue
        plan_record_stages(
            plan=plan, to_stage=Stage.CLOSED, by=None, closed_on=closed_on, today=loader.today
        )


def follow_up(loader: Loader) -> None:
    """Dated progress entries behind the completed milestones and measured indicator values,
    the end-of-commitment assessment of the first TTA plan and a mid-term self-assessment."""
    for milestone in Milestone.objects.filter(status=MStatus.COMPLETED).select_related(
        "commitment"
    ):
        loader.ensure(
            MilestoneUpdate,
            {"milestone": milestone, "status": MStatus.COMPLETED},
            completed_on=milestone.completed_on,
            note_ar="أنجزت المحطة ونشرت نتائجها على البوابة.",
            note_fr="Jalon achevé ; ses résultats sont publiés sur le portail.",
        )
    for indicator in Indicator.objects.filter(latest_value__isnull=False):
        loader.ensure(
            IndicatorValue,
            {"indicator": indicator, "measured_on": indicator.latest_value_on},
            value=indicator.latest_value,
            source="Rapport de suivi",
        )
    first = Commitment.objects.filter(reference="TTA-2021-01").first()
    if first is not None:
        loader.ensure(
            CommitmentAssessment,
            {"commitment": first},
            what_was_done_ar="أطلقت البوابة سنة 2022 وعولجت عبرها طلبات الحصول على المعلومات.",
            what_was_done_fr="Le portail a été mis en service en 2022 et traite les demandes "
            "d'accès à l'information.",
            completion=CompletionLevel.COMPLETE,
            opened_government=OpenedGovernment.MAJOR,
        )
    running = ActionPlan.objects.filter(council__slug="tanger-tetouan-al-hoceima", start_year=2024)
    for plan in running:
        loader.ensure(
            PlanSelfAssessment,
            {"plan": plan, "kind": PlanSelfAssessment.Kind.MID_TERM},
            summary_ar="تقدم ملموس في الشفافية الميزانياتية؛ تأخر في المحطات البيئية.",
            summary_fr="Progrès nets sur la transparence budgétaire ; retard sur les jalons "
            "environnementaux.",
        )
