"""Reads of the monitoring body's assessments for the public pages. A plan's repository counts
them itself (commitments/repository/evidence.py: inception, assessments)."""

from __future__ import annotations

from django.db.models import Prefetch

from consultations.models import ActionPlan

from ..models import (
    CommitmentAssessment,
    InceptionAssessment,
    InceptionCommitmentReview,
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
