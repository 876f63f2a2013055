"""Reads of the monitoring body's assessments for the public pages, and the evidence they make
for a plan's online repository (assessments_evidence)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from consultations.models import ActionPlan

from ..models import (
    CommitmentAssessment,
    InceptionAssessment,
    InceptionCommitmentReview,
    PlanSelfAssessment,
)


def plan_inception_assessment(plan: ActionPlan) -> InceptionAssessment | None:
    """The plan's published inception assessment with its commitments' reviews, or None while
    it is a draft (two queries)."""
    reviews = InceptionCommitmentReview.objects.select_related("commitment__plan__council")
    return (
        InceptionAssessment.objects.published()
        .filter(plan=plan)
        .prefetch_related(Prefetch("reviews", queryset=reviews))
        .first()
    )


def commitment_assessment(commitment) -> CommitmentAssessment | None:
    """The filed end-of-commitment assessment with its evidence files, or None."""
    return (
        CommitmentAssessment.objects.filter(commitment=commitment)
        .prefetch_related("evidence")
        .first()
    )


@dataclass(frozen=True)
class AssessmentsEvidence:
    """What the monitoring body and the council have assessed of a plan, as evidence for its
    repository: the published inception assessment (or None), the end-of-commitment assessments
    (with their evidence files), the council's self-assessments, and the latest update of any of
    them (None when there is none)."""

    inception: InceptionAssessment | None
    end_of_commitment: list
    self_assessments: list
    updated_at: object


def assessments_evidence(plan: ActionPlan) -> AssessmentsEvidence:
    """The plan's public assessments, for its repository page (four queries). Only what the
    public may read: nothing for a plan in preparation, no draft inception assessment."""
    if not plan.is_public:
        return AssessmentsEvidence(None, [], [], None)
    inception = InceptionAssessment.objects.published().filter(plan=plan).first()
    end_of_commitment = list(
        CommitmentAssessment.objects.filter(commitment__plan=plan)
        .select_related("commitment__plan__council")
        .prefetch_related("evidence")
        .order_by("commitment__position", "commitment__reference")
    )
    self_assessments = list(PlanSelfAssessment.objects.filter(plan=plan).order_by("kind"))
    dates = [row.updated_at for row in [inception, *end_of_commitment, *self_assessments] if row]
    return AssessmentsEvidence(
        inception, end_of_commitment, self_assessments, max(dates, default=None)
    )
