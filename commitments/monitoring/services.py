"""Writes of the monitoring body's assessments."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from ..follows import events as follow_events
from ..models import CommitmentAssessment, InceptionAssessment, InceptionCommitmentReview


@transaction.atomic
def inception_reviews_sync(*, assessment: InceptionAssessment) -> int:
    """Give the inception assessment one review row per commitment of its plan, as OGP's form
    lists them: adds the missing ones, never removes or changes a row. Idempotent (the unique
    constraint settles a race); returns how many rows were added."""
    existing = set(assessment.reviews.values_list("commitment_id", flat=True))
    missing = [
        InceptionCommitmentReview(assessment=assessment, commitment=commitment)
        for commitment in assessment.plan.commitments.exclude(pk__in=existing).order_by(
            "position", "reference"
        )
    ]
    InceptionCommitmentReview.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


def inception_mark_published(
    assessment: InceptionAssessment, today: datetime.date | None = None
) -> None:
    """Date a published assessment the first time it is published (kept when it is
    republished, so the public keeps the first date)."""
    if assessment.status == InceptionAssessment.Status.PUBLISHED and not assessment.published_on:
        assessment.published_on = today or timezone.localdate()


def commitment_assessment_filed(*, assessment: CommitmentAssessment) -> None:
    """Tell the commitment's followers that its end-of-commitment assessment is out: once, when
    it is first filed (a later correction is recorded under the same key, so nobody is told
    twice). Call it inside the transaction that saved the assessment."""
    follow_events.final_assessment_filed(assessment)
