"""Action plans and their stage log. The plan's workflow (stage actions, readiness checklist) is
added by commitments' admin, which re-registers ActionPlan: the checks read commitments, and this
app never imports that one."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from opengov.admin_base import (
    LargeTableAdminMixin,
    NotFoundInsteadOfRedirectMixin,
    PortalHistoryAdmin,
    ScopedRelatedFilter,
)
from opengov.scoping import scope_queryset

from ..models import (
    ActionPlan,
    PlanStageChange,
)


@admin.register(ActionPlan)
class ActionPlanAdmin(PortalHistoryAdmin):
    list_display = ("__str__", "council", "period", "stage", "consultation_opens_on")
    list_filter = ("stage", ("council", ScopedRelatedFilter), "start_year")
    search_fields = ("title_ar", "title_fr", "council__name_ar", "council__name_fr")
    list_select_related = ("council",)
    autocomplete_fields = ("council", "predecessor")
    readonly_fields = ("stage",)
    fieldsets = (
        (None, {"fields": ("council", "title", "start_year", "end_year", "stage", "predecessor")}),
        (_("Consultation"), {"fields": ("consultation_opens_on", "consultation_closes_on")}),
        (
            _("Online proposals"),
            {
                "fields": (
                    "proposals_opens_on",
                    "proposals_closes_on",
                    "proposals_need_moderation",
                ),
                "description": _(
                    "Citizens may send proposals online from the opening day to the closing day "
                    "included, whatever the plan's stage: co-creation happens before adoption, "
                    "and from the opening day the plan is public. "
                    "Leave both dates empty to receive no proposal online. This window is "
                    "separate from the consultation on the draft plan above."
                ),
            },
        ),
        (_("Submission to OGP"), {"fields": ("submitted_on", "ogp_page_url")}),
        (_("Introduction"), {"fields": ("introduction", "original_language")}),
    )

    @admin.display(description=_("period"), ordering="start_year")
    def period(self, obj):
        return obj.period

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "predecessor" and formfield is not None:
            formfield.queryset = formfield.queryset.select_related("council")
        return formfield


@admin.register(PlanStageChange)
class PlanStageChangeAdmin(NotFoundInsteadOfRedirectMixin, LargeTableAdminMixin, admin.ModelAdmin):
    """The record of stage changes: read-only for everyone, written by the stage actions."""

    list_display = (
        "plan",
        "from_stage",
        "to_stage",
        "changed_at",
        "changed_by",
        "recorded",
        "happened_on",
    )
    list_filter = ("to_stage", "recorded", ("plan__council", ScopedRelatedFilter))
    search_fields = ("plan__title_ar", "plan__title_fr")
    list_select_related = ("plan__council", "changed_by")

    def get_queryset(self, request):
        return scope_queryset(super().get_queryset(request), request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
