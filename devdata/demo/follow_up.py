"""After the plans are in: progress entries behind completed milestones, measured indicator
values, the council's self-assessment and the monitoring body's assessments (illustrative, as
the running plan's submission date), and the end of the plans that ended."""

from __future__ import annotations

from commitments.models import (
    Commitment,
    CommitmentAssessment,
    CompletionLevel,
    InceptionAssessment,
    Indicator,
    IndicatorValue,
    Milestone,
    MilestoneUpdate,
    OpenedGovernment,
    PlanSelfAssessment,
    ValueAnswer,
    YesNo,
)
from commitments.monitoring.services import inception_reviews_sync
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
            explanation_ar="صار الحصول على المعلومات ممكنا عبر الإنترنت مع آجال جواب معلنة.",
            explanation_fr="L'accès à l'information se fait désormais en ligne, avec des délais "
            "de réponse publiés.",
            access_to_information=ValueAnswer.YES,
            access_to_information_explanation_ar="نشرت المعلومات التي كانت تطلب بالبريد.",
            access_to_information_explanation_fr="Les informations demandées par courrier sont "
            "publiées.",
            civic_participation=ValueAnswer.NOT_APPLICABLE,
            public_accountability=ValueAnswer.NO,
            public_accountability_explanation_fr="Aucun recours en cas de refus n'a été créé.",
            technology_innovation=ValueAnswer.YES,
        )
    running = ActionPlan.objects.filter(council__slug="tanger-tetouan-al-hoceima", start_year=2024)
    for plan in running:
        inception(loader, plan)
        loader.ensure(
            PlanSelfAssessment,
            {"plan": plan, "kind": PlanSelfAssessment.Kind.MID_TERM},
            summary_ar="تقدم ملموس في الشفافية الميزانياتية؛ تأخر في المحطات البيئية.",
            summary_fr="Progrès nets sur la transparence budgétaire ; retard sur les jalons "
            "environnementaux.",
        )


def inception(loader: Loader, plan: ActionPlan) -> None:
    """The running plan's submission to OGP and its published inception assessment, with every
    commitment listed (both illustrative)."""
    if plan.submitted_on is None:
        plan.submitted_on = D(2024, 3, 29)
        plan.full_clean()
        plan.save(update_fields=["submitted_on", "updated_at"])
    assessment = loader.ensure(
        InceptionAssessment,
        {"plan": plan},
        status=InceptionAssessment.Status.PUBLISHED,
        published_on=D(2024, 5, 27),
        forum_exists=YesNo.YES,
        forum_multi_stakeholder=YesNo.YES,
        plan_endorsed=YesNo.YES,
        online_repository=YesNo.NO,
        information_shared_in_advance=YesNo.YES,
        summary_ar="خطة مشتركة الإعداد مع المنتدى؛ التزامات قابلة للتحقق في معظمها.",
        summary_fr="Plan co-créé avec le forum ; engagements vérifiables pour la plupart.",
        co_creation_fr="Cinq groupes de travail thématiques à Al Hoceima ; le dépôt en ligne "
        "n'était pas encore mis à jour tous les quatre mois.",
    )
    inception_reviews_sync(assessment=assessment)
