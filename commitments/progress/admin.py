"""Admin of implementation follow-up: dated progress entries under milestones and indicators,
and the council's plan self-assessments (the monitoring body's assessments are in
monitoring/admin.py)."""

from django.contrib import admin

from opengov.admin_base import PortalAdmin, PortalTabularInline

from ..models import IndicatorValue, MilestoneUpdate
from . import services as progress


class AddOnlyInlineMixin:
    """Entries are kept forever: they can be added, never changed or deleted."""

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return ("created_at", "recorded_by")


class MilestoneUpdateInline(AddOnlyInlineMixin, PortalTabularInline):
    model = MilestoneUpdate
    fields = (
        "created_at",
        "status",
        "completed_on",
        "note",
        "evidence_url",
        "evidence_file",
        "recorded_by",
    )
    extra = 1
    ordering = ("-created_at",)


class IndicatorValueInline(AddOnlyInlineMixin, admin.TabularInline):
    model = IndicatorValue
    fields = ("created_at", "value", "measured_on", "source", "recorded_by")
    extra = 1
    ordering = ("-measured_on",)


def save_progress_formset(request, formset) -> bool:
    """Save new entries through the services (they update the milestone or indicator).
    Returns True when the formset was one of ours."""
    # The admin's change message reads these, as after formset.save().
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    if formset.model is MilestoneUpdate:
        for form in formset.forms:
            if form.instance.pk is None and form.has_changed() and form.is_valid():
                data = form.cleaned_data
                entry = progress.milestone_record_progress(
                    milestone=formset.instance,
                    status=data["status"],
                    completed_on=data.get("completed_on"),
                    note_ar=data.get("note_ar") or "",
                    note_fr=data.get("note_fr") or "",
                    evidence_url=data.get("evidence_url") or "",
                    evidence_file=data.get("evidence_file") or None,
                    by=request.user,
                )
                formset.new_objects.append(entry)
        return True
    if formset.model is IndicatorValue:
        for form in formset.forms:
            if form.instance.pk is None and form.has_changed() and form.is_valid():
                data = form.cleaned_data
                entry = progress.indicator_record_value(
                    indicator=formset.instance,
                    value=data["value"],
                    measured_on=data["measured_on"],
                    source=data.get("source") or "",
                    by=request.user,
                )
                formset.new_objects.append(entry)
        return True
    return False


class PlanSelfAssessmentAdmin(PortalAdmin):
    list_display = ("plan", "kind", "updated_at")
    list_filter = ("kind",)
    search_fields = ("plan__title_ar", "plan__title_fr")
    list_select_related = ("plan__council",)
    autocomplete_fields = ("plan",)
    fields = ("plan", "kind", "summary", "lessons")
