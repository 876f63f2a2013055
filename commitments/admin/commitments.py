"""Admin of the action plans' content: commitments with their milestones and indicators (staff
record progress, coordinators define them), and the coordinator's "proposals into a commitment"
page."""

from django import forms
from django.contrib import admin
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, gettext_lazy as _

from opengov.admin_base import PortalHistoryAdmin, PortalStackedInline, ScopedRelatedFilter

from ..follows import events as follow_events
from ..follows.admin_hooks import CompletionWatchMixin
from ..models import (
    Commitment,
    CompletionLevel,
    Indicator,
    IndicatorValue,
    Milestone,
    MilestoneUpdate,
)
from ..progress.admin import IndicatorValueInline, MilestoneUpdateInline, save_progress_formset
from .followers import CommitmentFollowersAdminMixin
from .from_proposals import commitment_from_proposals_view
from .notification_preview import (
    NotificationPreviewMixin,
    indicator_facts,
    indicator_own_entry,
    milestone_facts,
    milestone_own_entry,
)

# What council staff may change on a milestone or an indicator: its progress, not its definition.
# Translated fields are named with and without their language suffix (modeltranslation needs both).
MILESTONE_PROGRESS_FIELDS = (
    "status",
    "completed_on",
    "evidence",
    "evidence_ar",
    "evidence_fr",
    "evidence_url",
)
INDICATOR_PROGRESS_FIELDS = ("latest_value", "latest_value_on", "source", "source_ar", "source_fr")


def defines_commitments(request) -> bool:
    """Coordinators (and administrators) define commitments; staff only report progress."""
    return request.user.has_perm("commitments.add_commitment")


class MilestoneInline(PortalStackedInline):
    model = Milestone
    fields = (
        "title",
        "deliverable",
        "responsible",
        ("start_date", "due_date"),
        ("status", "completed_on"),
        "evidence",
        "evidence_url",
    )
    classes = ("collapse",)


class IndicatorInline(PortalStackedInline):
    model = Indicator
    fields = (
        ("name", "unit"),
        ("baseline", "target"),
        ("latest_value", "latest_value_on"),
        "source",
    )
    classes = ("collapse",)


class OgpValueFilter(admin.SimpleListFilter):
    title = _("OGP value")
    parameter_name = "ogp_value"
    VALUES = ("transparency", "participation", "accountability", "technology_innovation")

    def lookups(self, request, model_admin):
        return [(name, Commitment._meta.get_field(name).verbose_name) for name in self.VALUES]

    def queryset(self, request, queryset):
        if self.value() in self.VALUES:
            return queryset.filter(**{self.value(): True})
        return queryset


class CommitmentAdmin(CompletionWatchMixin, CommitmentFollowersAdminMixin, PortalHistoryAdmin):
    list_display = ("reference", "title", "plan", "theme", "status", "lead_agency", "followers")
    list_display_links = ("reference", "title")
    list_filter = (
        "status",
        OgpValueFilter,
        "challenge_area",
        ("plan", ScopedRelatedFilter),
        ("plan__council", ScopedRelatedFilter),
        ("theme", ScopedRelatedFilter),
    )
    # What staff look a commitment up by; not its long descriptions, whose substring scan read
    # every commitment's texts (650 ms at national scale). The portal's search finds words in
    # them (/search/).
    search_fields = (
        "reference",
        "ogp_id",
        "title_ar",
        "title_fr",
        "lead_agency_ar",
        "lead_agency_fr",
    )
    list_select_related = ("plan__council", "theme")
    ordering = ("plan_id", "position", "reference")  # the key's index, not the plan's order
    autocomplete_fields = ("plan", "programme", "source_proposals")
    inlines = [MilestoneInline, IndicatorInline]
    readonly_fields = (
        "source_proposals_traced",
        "completion_derived",
        "followers",
        "plan_and_council_followers",
    )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # OGP's pages are https only: an address typed without its scheme gets https.
        if db_field.name == "ogp_url":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # Seventeen goals, each chosen or not: checkboxes, usable without JavaScript.
        if db_field.name == "sdgs":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        # An existing commitment offers only its own council's programmes (the model refuses
        # any other, for a new commitment too).
        field = form.base_fields.get("programme")
        if obj is not None and obj.plan_id and field is not None:
            field.queryset = field.queryset.filter(council_id=obj.plan.council_id)
        return form

    @admin.display(description=_("completion derived from the milestones"))
    def completion_derived(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return CompletionLevel(obj.derived_completion()).label

    fieldsets = (
        (None, {"fields": ("plan", "reference", "position", "theme", "title", "status")}),
        (
            _("The commitment"),
            {
                "fields": (
                    "problem",
                    "status_quo",
                    "description",
                    "expected_results",
                    "contribution",
                    "long_term_goal",
                    "ogp_relevance",
                    "original_language",
                    "original_wording",
                )
            },
        ),
        (
            _("OGP"),
            {
                "fields": (
                    ("ogp_id", "ogp_url"),
                    "challenge_area",
                    ("policy_area", "sector"),
                ),
                "description": _(
                    "As the commitment appears on OGP's site: its identifier, its page and "
                    "OGP's classification."
                ),
            },
        ),
        (
            _("Goals and programmes"),
            {
                "fields": ("sdgs", ("programme", "programme_reference")),
                "description": _(
                    "The UN Sustainable Development Goals the commitment serves, and the "
                    "council's own programme (PAC, PDP, PDR) it belongs to."
                ),
            },
        ),
        (
            _("OGP values"),
            {
                "fields": (
                    ("transparency", "participation"),
                    ("accountability", "technology_innovation"),
                )
            },
        ),
        (
            _("Who and when"),
            {
                "fields": (
                    "lead_agency",
                    "partners",
                    ("contact_name", "contact_email"),
                    ("start_date", "end_date"),
                    "budget",
                )
            },
        ),
        (_("Where it comes from"), {"fields": ("source_proposals", "source_proposals_traced")}),
        (
            _("Completion"),
            {
                "fields": (
                    "completion_derived",
                    "completion_override",
                    "completion_override_reason",
                ),
                "description": _(
                    "The completion is derived from the milestones; set it by hand only with a "
                    "written reason."
                ),
            },
        ),
        CommitmentFollowersAdminMixin.followers_fieldset,
    )

    def get_urls(self):
        view = self.admin_site.admin_view(self.from_proposals_view)
        return [
            path(
                "from-proposals/",
                view,
                name="commitments_commitment_from_proposals",
            ),
            *super().get_urls(),
        ]

    def from_proposals_view(self, request):
        return commitment_from_proposals_view(request, model_admin=self)

    @admin.display(description=_("source proposals, with their workshop and working group"))
    def source_proposals_traced(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        proposals = obj.source_proposals.select_related("workshop", "working_group", "plan")
        if not proposals:
            return gettext("This commitment does not come from recorded proposals.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a> — {} — {} ({})</li>',
                (
                    (
                        reverse("admin:consultations_proposal_change", args=[p.pk]),
                        p.title,
                        p.workshop or gettext("sent online"),
                        p.working_group or "—",
                        p.get_status_display(),
                    )
                    for p in proposals
                ),
            ),
        )


class ProgressOnlyMixin:
    """Council staff change a milestone's or an indicator's progress, never its definition."""

    progress_fields: tuple[str, ...] = ()

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if defines_commitments(request):
            return readonly
        form_fields = [
            f.name
            for f in self.model._meta.get_fields()
            if getattr(f, "editable", False) and not f.auto_created and f.concrete
        ]
        return readonly + [
            f
            for f in form_fields
            if f not in self.progress_fields
            and f not in readonly
            and f not in ("created_at", "updated_at")
        ]


class MilestoneDueFilter(admin.SimpleListFilter):
    title = _("due")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("overdue", _("Overdue")), ("30", _("Due within 30 days"))]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.overdue()
        if self.value() == "30":
            return queryset.due_within(30)
        return queryset


class MilestoneAdmin(
    NotificationPreviewMixin, CompletionWatchMixin, ProgressOnlyMixin, PortalHistoryAdmin
):
    preview_facts = staticmethod(milestone_facts)
    own_entry_facts = staticmethod(milestone_own_entry)
    progress_fields = MILESTONE_PROGRESS_FIELDS
    inlines = [MilestoneUpdateInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A change of state typed on the form is kept as a dated entry too.
        if change and {"status", "completed_on", "evidence_url"} & set(form.changed_data):
            update = MilestoneUpdate.objects.create(
                milestone=obj,
                status=obj.status,
                completed_on=obj.completed_on,
                note_ar=obj.evidence_ar or "",
                note_fr=obj.evidence_fr or "",
                evidence_url=obj.evidence_url,
                recorded_by=request.user,
            )
            follow_events.milestone_updated(update)

    def save_formset(self, request, form, formset, change):
        if not save_progress_formset(request, formset):
            super().save_formset(request, form, formset, change)

    list_display = ("__str__", "commitment", "due", "status", "completed_on")

    @admin.display(description=_("due date"), ordering="due_date")
    def due(self, obj):
        return obj.date_display("due_date")  # "mars 2024" when only the month is given

    list_filter = ("status", MilestoneDueFilter, ("commitment__plan", ScopedRelatedFilter))
    search_fields = ("title_ar", "title_fr", "commitment__reference")
    list_select_related = ("commitment__plan__council",)
    ordering = ("commitment_id", "due_date", "id")
    autocomplete_fields = ("commitment",)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "commitment",
                    "title",
                    "deliverable",
                    "responsible",
                    ("start_date", "due_date"),
                )
            },
        ),
        (_("Progress"), {"fields": ("status", "completed_on", "evidence", "evidence_url")}),
    )


class IndicatorAdmin(NotificationPreviewMixin, ProgressOnlyMixin, PortalHistoryAdmin):
    preview_facts = staticmethod(indicator_facts)
    own_entry_facts = staticmethod(indicator_own_entry)
    progress_fields = INDICATOR_PROGRESS_FIELDS
    inlines = [IndicatorValueInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A value typed on the indicator form is kept in its history too.
        changed = {"latest_value", "latest_value_on"} & set(form.changed_data)
        if change and changed and obj.latest_value is not None and obj.latest_value_on:
            entry = IndicatorValue.objects.create(
                indicator=obj,
                value=obj.latest_value,
                measured_on=obj.latest_value_on,
                source=obj.source_fr or obj.source_ar or "",
                recorded_by=request.user,
            )
            follow_events.indicator_valued(entry)

    def save_formset(self, request, form, formset, change):
        if not save_progress_formset(request, formset):
            super().save_formset(request, form, formset, change)

    list_display = ("__str__", "commitment", "baseline", "target", "latest_value")
    list_filter = (("commitment__plan", ScopedRelatedFilter),)
    search_fields = ("name_ar", "name_fr", "commitment__reference")
    list_select_related = ("commitment__plan__council",)
    ordering = ("commitment_id", "id")
    autocomplete_fields = ("commitment",)
    fieldsets = (
        (None, {"fields": ("commitment", "name", "unit", ("baseline", "target"))}),
        (_("Progress"), {"fields": ("latest_value", "latest_value_on", "source")}),
    )
