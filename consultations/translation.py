"""Fields stored in Arabic and French (name_ar, name_fr …) through django-modeltranslation.

History (django-simple-history) is registered here, after the translation fields exist, so the
historical tables keep both languages."""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as track_history

from .models import (
    ActionPlan,
    Council,
    CouncilProgramme,
    Proposal,
    Theme,
    WorkingGroup,
    Workshop,
    WorkshopDocument,
)


@register(Council)
class CouncilTranslation(TranslationOptions):
    fields = ("name",)


@register(CouncilProgramme)
class CouncilProgrammeTranslation(TranslationOptions):
    fields = ("title",)


@register(Theme)
class ThemeTranslation(TranslationOptions):
    fields = ("name", "description")


@register(ActionPlan)
class ActionPlanTranslation(TranslationOptions):
    fields = ("title", "introduction")


@register(Workshop)
class WorkshopTranslation(TranslationOptions):
    fields = ("title", "venue", "city", "chaired_by", "summary")


@register(WorkshopDocument)
class WorkshopDocumentTranslation(TranslationOptions):
    fields = ("title",)


@register(WorkingGroup)
class WorkingGroupTranslation(TranslationOptions):
    fields = ("title",)


@register(Proposal)
class ProposalTranslation(TranslationOptions):
    fields = ("title", "body", "response")


track_history(ActionPlan, app="consultations")
# The search document is derived from the texts by a trigger, the support count from the
# supports: no history of their own. An online author's e-mail, consent and client fingerprint
# are personal data kept on the row only, so that erasing them there erases them.
track_history(
    Proposal,
    app="consultations",
    excluded_fields=[
        "search_document",
        "support_count",
        "email",
        "consent_at",
        "client_hash",
        "moderators_notified_at",
    ],
)
