"""Admin of the forum: the forum with its members inline, its meetings, and the endorsement of
a plan entered from the plan's own page (an inline of the action plan admin)."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from opengov.admin_base import (
    ModelErrorsForm,
    PortalAdmin,
    PortalStackedInline,
    ScopedRelatedFilter,
)
from opengov.scoping import CouncilScopedAdminMixin

from ..models import Forum, ForumMeeting, ForumMember, PlanEndorsement, PlanPublication


class ForumMemberInline(CouncilScopedAdminMixin, admin.TabularInline):
    model = ForumMember
    form = ModelErrorsForm
    extra = 0
    fields = (
        "name",
        "organisation",
        "sector",
        "sex",
        "role",
        "joined_on",
        "left_on",
        "public",
    )


class ForumAdmin(PortalAdmin):
    list_display = ("__str__", "council", "established_on", "member_count")
    list_filter = (("council", ScopedRelatedFilter),)
    search_fields = ("name_ar", "name_fr", "council__name_ar", "council__name_fr")
    list_select_related = ("council",)
    autocomplete_fields = ("council",)
    fields = ("council", "name", "description", "established_on", "rules_document")
    inlines = [ForumMemberInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_member_count=Count("members"))

    @admin.display(description=_("members"), ordering="_member_count")
    def member_count(self, obj):
        return obj._member_count


class ForumMeetingAdmin(PortalAdmin):
    list_display = ("__str__", "forum", "plan", "held_on", "attendees")
    list_filter = (("forum__council", ScopedRelatedFilter), "held_on")
    search_fields = ("title_ar", "title_fr", "venue_ar", "venue_fr")
    list_select_related = ("forum__council", "plan__council")
    date_hierarchy = "held_on"
    autocomplete_fields = ("forum", "plan")
    fieldsets = (
        (None, {"fields": ("forum", "plan", "title", "held_on", "venue")}),
        (_("Attendance"), {"fields": (("attendees", "attendees_women", "attendees_men"),)}),
        (_("Minutes"), {"fields": ("minutes", "minutes_file")}),
    )


class PlanEndorsementInline(PortalStackedInline):
    """The forum's endorsements of versions of the plan, on the plan's admin page: the choices
    are the forum of the plan's council, its meetings and the plan's published versions."""

    model = PlanEndorsement
    fields = ("forum", "publication", "version", "endorsed_on", "meeting", "statement")
    verbose_name_plural = _("endorsements by the multi-stakeholder forum")

    def get_formset(self, request, obj=None, **kwargs):
        self._plan = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        plan = getattr(self, "_plan", None)
        if formfield is None:
            return formfield
        if plan is None or plan.pk is None:
            formfield.queryset = formfield.queryset.none()
        elif db_field.name == "forum":
            formfield.queryset = formfield.queryset.filter(council_id=plan.council_id)
        elif db_field.name == "meeting":
            formfield.queryset = formfield.queryset.filter(forum__council_id=plan.council_id)
        elif db_field.name == "publication":
            formfield.queryset = formfield.queryset.filter(
                plan=plan, status=PlanPublication.Status.DONE
            ).select_related("plan__council")  # each choice's label names its plan
        return formfield


def register(site) -> None:
    site.register(Forum, ForumAdmin)
    site.register(ForumMeeting, ForumMeetingAdmin)
