"""Admin of the monitoring body's assessments. A monitoring-body user reads everything of their
councils (the group's view rights) and changes only the assessments they filed themselves: the
rows another monitor filed, and the council's self-assessments, stay read-only to them."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from opengov.admin_base import PortalAdmin, PortalTabularInline
from opengov.roles import is_monitoring_body
from opengov.scoping import CouncilScopedAdminMixin

from ..models import (
    MAX_ASSESSMENT_EVIDENCE,
    AssessmentEvidence,
    CommitmentAssessment,
    InceptionAssessment,
    InceptionCommitmentReview,
)
from . import services


def filed_by_someone_else(request, assessment) -> bool:
    """True when a monitoring-body user looks at an assessment another user filed."""
    return (
        assessment is not None
        and assessment.pk is not None
        and is_monitoring_body(request.user)
        and assessment.filed_by_id != request.user.pk
    )


class OwnAssessmentMixin:
    """For the assessment admins: a monitor changes only the rows they filed; the filer is the
    user who adds the row (kept when someone else, a network administrator, changes it)."""

    def has_change_permission(self, request, obj=None):
        if filed_by_someone_else(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if filed_by_someone_else(request, obj):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change or obj.filed_by_id is None:
            obj.filed_by = request.user
        super().save_model(request, obj, form, change)


class OwnParentInlineMixin:
    """For the inlines under an assessment: editable only where the assessment is."""

    def has_add_permission(self, request, obj=None):
        if filed_by_someone_else(request, obj):
            return False
        return super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        if filed_by_someone_else(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if filed_by_someone_else(request, obj):
            return False
        return super().has_delete_permission(request, obj)


class AssessmentEvidenceInline(OwnParentInlineMixin, CouncilScopedAdminMixin, admin.TabularInline):
    model = AssessmentEvidence
    extra = 0
    fields = ("title", "file")
    max_num = MAX_ASSESSMENT_EVIDENCE

    def get_formset(self, request, obj=None, **kwargs):
        # Enforce the limit on the whole form (saved and new files), not only in the page.
        kwargs["validate_max"] = True
        return super().get_formset(request, obj, **kwargs)


class CommitmentAssessmentAdmin(OwnAssessmentMixin, PortalAdmin):
    list_display = (
        "commitment",
        "completion",
        "opened_government",
        "due_on",
        "filed_by",
        "updated_at",
    )
    list_filter = ("completion", "opened_government")
    search_fields = ("commitment__reference", "what_was_done_ar", "what_was_done_fr")
    list_select_related = ("commitment__plan__council", "filed_by")
    autocomplete_fields = ("commitment",)
    readonly_fields = ("due_on", "filed_by")
    fieldsets = (
        (None, {"fields": ("commitment", "due_on", "filed_by", "what_was_done", "completion")}),
        (_("Did it open government?"), {"fields": ("opened_government", "explanation")}),
        (
            _("OGP values"),
            {
                "fields": [
                    field
                    for name in CommitmentAssessment.VALUE_FIELDS
                    for field in (name, f"{name}_explanation")
                ]
            },
        ),
    )
    inlines = [AssessmentEvidenceInline]

    def get_queryset(self, request):
        # The due date reads the commitment's milestones: one query for the whole list.
        return super().get_queryset(request).prefetch_related("commitment__milestones")

    @admin.display(description=_("due on"))
    def due_on(self, obj):
        return obj.due_on if obj is not None and obj.pk else None

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.commitment_assessment_filed(assessment=obj)


class InceptionCommitmentReviewInline(OwnParentInlineMixin, PortalTabularInline):
    """The plan's commitments, listed by inception_reviews_sync: rated, never added by hand."""

    model = InceptionCommitmentReview
    fields = (
        "commitment",
        "open_government_lens",
        "verifiable",
        "potential_for_results",
        "comment",
    )
    readonly_fields = ("commitment",)
    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False


class InceptionAssessmentAdmin(OwnAssessmentMixin, PortalAdmin):
    list_display = ("plan", "status", "due_on", "published_on", "filed_by", "updated_at")
    list_filter = ("status",)
    search_fields = ("plan__title_ar", "plan__title_fr", "plan__council__name_fr")
    list_select_related = ("plan__council", "filed_by")
    autocomplete_fields = ("plan",)
    readonly_fields = ("due_on", "published_on", "filed_by")
    fieldsets = (
        (None, {"fields": ("plan", "status", "due_on", "published_on", "filed_by")}),
        (
            _("Co-creation process"),
            {"fields": (*InceptionAssessment.PROCESS_FIELDS, "co_creation")},
        ),
        (_("Overall assessment"), {"fields": ("summary",)}),
    )
    inlines = [InceptionCommitmentReviewInline]

    @admin.display(description=_("due on"))
    def due_on(self, obj):
        return obj.due_on if obj is not None and obj.pk else None

    def save_model(self, request, obj, form, change):
        services.inception_mark_published(obj)
        super().save_model(request, obj, form, change)
        services.inception_reviews_sync(assessment=obj)
