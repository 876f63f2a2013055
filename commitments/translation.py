"""Fields stored in Arabic and French through django-modeltranslation; history registered
after them (see consultations/translation.py)."""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as track_history

from .models import (
    Commitment,
    CommitmentAssessment,
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
    fields = ("what_was_done", "explanation")


@register(PlanSelfAssessment)
class PlanSelfAssessmentTranslation(TranslationOptions):
    fields = ("summary", "lessons")


for model in (Commitment, Milestone, Indicator):
    track_history(model, app="commitments")
