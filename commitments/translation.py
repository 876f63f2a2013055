"""Fields stored in Arabic and French through django-modeltranslation; history registered
after them (see consultations/translation.py)."""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as track_history

from .models import (
    Commitment,
    CommitmentAssessment,
    InceptionAssessment,
    InceptionCommitmentReview,
    Indicator,
    Milestone,
    MilestoneUpdate,
    PlanSelfAssessment,
)


@register(Commitment)
class CommitmentTranslation(TranslationOptions):
    fields = Commitment.TEXT_FIELDS


@register(Milestone)
class MilestoneTranslation(TranslationOptions):
    fields = Milestone.TEXT_FIELDS


@register(Indicator)
class IndicatorTranslation(TranslationOptions):
    fields = ("name", "unit", "source")


@register(MilestoneUpdate)
class MilestoneUpdateTranslation(TranslationOptions):
    fields = ("note",)


@register(CommitmentAssessment)
class CommitmentAssessmentTranslation(TranslationOptions):
    fields = (
        "what_was_done",
        "explanation",
        *(f"{name}_explanation" for name in CommitmentAssessment.VALUE_FIELDS),
    )


@register(InceptionAssessment)
class InceptionAssessmentTranslation(TranslationOptions):
    fields = ("co_creation", "summary")


@register(InceptionCommitmentReview)
class InceptionCommitmentReviewTranslation(TranslationOptions):
    fields = ("comment",)


@register(PlanSelfAssessment)
class PlanSelfAssessmentTranslation(TranslationOptions):
    fields = ("summary", "lessons")


for model in (Commitment, Milestone, Indicator):
    track_history(model, app="commitments")
