"""Fields stored in Arabic and French through django-modeltranslation; history registered
after them (see consultations/translation.py)."""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as track_history

from .models import (
    Commitment,
    CommitmentAssessment,
    Forum,
    ForumMeeting,
    InceptionAssessment,
    InceptionCommitmentReview,
    Indicator,
    Milestone,
    MilestoneUpdate,
    PlanEndorsement,
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


@register(Forum)
class ForumTranslation(TranslationOptions):
    fields = ("name", "description")


@register(ForumMeeting)
class ForumMeetingTranslation(TranslationOptions):
    fields = ("title", "venue", "minutes")


@register(PlanEndorsement)
class PlanEndorsementTranslation(TranslationOptions):
    fields = ("statement",)


for model in (Commitment, Milestone, Indicator):
    track_history(model, app="commitments")
