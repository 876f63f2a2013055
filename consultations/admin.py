"""Admin of the consultation side: councils, themes, plans, workshops with their working groups,
documents and proposals. Every list, form, choice and action is limited to the user's councils
(opengov.scoping); Arabic and French fields sit in tabs.

The action plan's workflow (stage actions, readiness checklist) is added by commitments/admin.py,
which re-registers ActionPlan: the checks read commitments, and this app never imports that one."""

from functools import partial

from django.contrib import admin
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, gettext_lazy as _

from opengov.admin_base import (
    ModelErrorsForm,
    NotFoundInsteadOfRedirectMixin,
    PortalAdmin,
    PortalHistoryAdmin,
    PortalStackedInline,
    PortalTabularInline,
)
from opengov.scoping import scope_queryset

from .admin_views import import_proposals_view, import_template_view
from .models import (
    ActionPlan,
    Council,
    PlanStageChange,
    Proposal,
    Theme,
    WorkingGroup,
    Workshop,
    WorkshopDocument,
)

ANSWER_FIELDS = ("status", "response_ar", "response_fr")


def can_answer(request) -> bool:
    return request.user.has_perm("consultations.answer_proposal")


class InNetworkFilter(admin.SimpleListFilter):
    title = _("in the network")
    parameter_name = "in_network"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(in_network_since__isnull=False)
        if self.value() == "no":
            return queryset.filter(in_network_since__isnull=True)
        return queryset


@admin.register(Council)
class CouncilAdmin(PortalAdmin):
    list_display = ("__str__", "kind", "code", "parent", "in_network_since")
    list_filter = ("kind", InNetworkFilter)
    search_fields = ("name_ar", "name_fr", "slug", "code")
    list_select_related = ("parent",)
    prepopulated_fields = {"slug": ("name_fr",)}
    autocomplete_fields = ("parent",)
    filter_horizontal = ("staff",)
    fieldsets = (
        (None, {"fields": ("kind", "name", "slug", "code", "parent", "in_network_since")}),
        (_("Contact"), {"fields": ("contact_email", "contact_phone", "website", "logo")}),
        (_("People"), {"fields": ("staff",)}),
    )

    def get_readonly_fields(self, request, obj=None):
        # Only network administrators decide who works for a council.
        if request.user.is_superuser:
            return ()
        return ("staff",)


@admin.register(Theme)
class ThemeAdmin(PortalAdmin):
    list_display = ("__str__", "slug", "position")
    list_editable = ("position",)
    search_fields = ("name_ar", "name_fr", "slug")
    prepopulated_fields = {"slug": ("name_fr",)}
    fields = ("name", "slug", "description", "position")


@admin.register(ActionPlan)
class ActionPlanAdmin(PortalHistoryAdmin):
    list_display = ("__str__", "council", "period", "stage", "consultation_opens_on")
    list_filter = ("stage", ("council", admin.RelatedOnlyFieldListFilter), "start_year")
    search_fields = ("title_ar", "title_fr", "council__name_ar", "council__name_fr")
    list_select_related = ("council",)
    autocomplete_fields = ("council",)
    readonly_fields = ("stage",)
    fieldsets = (
        (None, {"fields": ("council", "title", "start_year", "end_year", "stage", "predecessor")}),
        (_("Consultation"), {"fields": ("consultation_opens_on", "consultation_closes_on")}),
        (_("Introduction"), {"fields": ("introduction",)}),
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
class PlanStageChangeAdmin(NotFoundInsteadOfRedirectMixin, admin.ModelAdmin):
    """The record of stage changes: read-only for everyone, written by the stage actions."""

    list_display = ("plan", "from_stage", "to_stage", "changed_at", "changed_by")
    list_filter = ("to_stage", ("plan__council", admin.RelatedOnlyFieldListFilter))
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


class WorkingGroupInline(PortalTabularInline):
    model = WorkingGroup
    fields = ("position", "title", "theme", "facilitator", "rapporteur")
    ordering = ("position", "pk")


class WorkshopDocumentInline(PortalTabularInline):
    model = WorkshopDocument
    fields = ("kind", "title", "file")


class WorkshopProposalInline(PortalStackedInline):
    """The proposals of the workshop, entered group by group. Shown once the workshop and its
    working groups are saved, so the group can be chosen."""

    model = Proposal
    fk_name = "workshop"
    fields = ("working_group", "kind", "title", "body", "submitted_by", "status")
    readonly_fields = ("status",)
    classes = ("collapse",)
    verbose_name_plural = _("proposals of the working groups")

    def get_formset(self, request, obj=None, **kwargs):
        self._workshop = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "working_group" and formfield is not None:
            workshop = getattr(self, "_workshop", None)
            formfield.queryset = (
                formfield.queryset.filter(workshop=workshop)
                if workshop is not None
                else formfield.queryset.none()
            )
            formfield.required = True
        return formfield


class WorkshopForm(ModelErrorsForm):
    def clean(self):
        cleaned = super().clean()
        council, plan = cleaned.get("council"), cleaned.get("plan")
        if council and plan and plan.council_id != council.pk:
            self.add_error("plan", gettext("The action plan must be one of this council's plans."))
        return cleaned


@admin.register(Workshop)
class WorkshopAdmin(PortalAdmin):
    form = WorkshopForm
    change_form_template = "admin/consultations/workshop/change_form.html"
    list_display = (
        "__str__",
        "council",
        "plan",
        "kind",
        "starts_on",
        "participants_total_display",
        "group_count",
    )
    list_filter = (
        "kind",
        ("council", admin.RelatedOnlyFieldListFilter),
        ("plan", admin.RelatedOnlyFieldListFilter),
        "starts_on",
    )
    search_fields = ("title_ar", "title_fr", "venue_ar", "venue_fr", "city_ar", "city_fr")
    list_select_related = ("council", "plan__council")
    date_hierarchy = "starts_on"
    autocomplete_fields = ("council",)
    fieldsets = (
        (None, {"fields": ("council", "plan", "kind", "title", "starts_on", "ends_on")}),
        (_("Place"), {"fields": ("venue", "city", "chaired_by")}),
        (
            _("Participants by category"),
            {
                "fields": (
                    (
                        "participants_civil_society",
                        "participants_deconcentrated_services",
                        "participants_elected_members",
                    ),
                    (
                        "participants_academics",
                        "participants_private_sector",
                        "participants_citizens",
                        "participants_other",
                    ),
                )
            },
        ),
        (_("Participants by sex"), {"fields": (("participants_women", "participants_men"),)}),
        (_("Summary"), {"fields": ("summary",)}),
    )
    inlines = [WorkingGroupInline, WorkshopDocumentInline, WorkshopProposalInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_group_count=Count("groups"))

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/import-proposals/",
                wrap(partial(import_proposals_view, model_admin=self)),
                name="consultations_workshop_import_proposals",
            ),
            path(
                "import-template.<str:fmt>",
                wrap(import_template_view),
                name="consultations_workshop_import_template",
            ),
            *super().get_urls(),
        ]

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        if obj is None:
            inlines = [i for i in inlines if not isinstance(i, WorkshopProposalInline)]
        return inlines

    @admin.display(description=_("participants"))
    def participants_total_display(self, obj):
        return obj.participants_total

    @admin.display(description=_("working groups"), ordering="_group_count")
    def group_count(self, obj):
        return obj._group_count


@admin.register(WorkingGroup)
class WorkingGroupAdmin(PortalAdmin):
    list_display = ("__str__", "workshop", "theme", "facilitator", "proposal_count")
    list_filter = (
        ("workshop__council", admin.RelatedOnlyFieldListFilter),
        ("theme", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("title_ar", "title_fr", "facilitator", "rapporteur")
    list_select_related = ("workshop__council", "theme")
    autocomplete_fields = ("workshop",)
    fields = ("workshop", "position", "title", "theme", "facilitator", "rapporteur")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_proposal_count=Count("proposals"))

    @admin.display(description=_("proposals"), ordering="_proposal_count")
    def proposal_count(self, obj):
        return obj._proposal_count


@admin.register(WorkshopDocument)
class WorkshopDocumentAdmin(PortalAdmin):
    list_display = ("__str__", "workshop", "kind")
    list_filter = ("kind", ("workshop__council", admin.RelatedOnlyFieldListFilter))
    search_fields = ("title_ar", "title_fr")
    list_select_related = ("workshop__council",)
    autocomplete_fields = ("workshop",)
    fields = ("workshop", "kind", "title", "file")


class ProposalForm(ModelErrorsForm):
    """Coordinators answer here; a proposal that is not retained needs its reasons."""

    def clean(self):
        cleaned = super().clean()
        if "status" not in self.fields:
            return cleaned
        status = cleaned.get("status")
        response_ar = (cleaned.get("response_ar") or "").strip()
        response_fr = (cleaned.get("response_fr") or "").strip()
        if status == Proposal.Status.NOT_RETAINED and not (response_ar or response_fr):
            self.add_error(
                "response_ar",
                gettext("Explain why the proposal is not retained, in Arabic or in French."),
            )
        return cleaned


class AnsweredFilter(admin.SimpleListFilter):
    title = _("answer")
    parameter_name = "answered"

    def lookups(self, request, model_admin):
        return [("yes", _("Answered")), ("no", _("Waiting for an answer"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.answered()
        if self.value() == "no":
            return queryset.unanswered()
        return queryset


@admin.register(Proposal)
class ProposalAdmin(PortalHistoryAdmin):
    form = ProposalForm
    change_form_template = "admin/consultations/proposal/change_form.html"
    list_display = (
        "__str__",
        "kind",
        "status",
        "council",
        "plan",
        "working_group",
        "fed_commitments",
    )
    list_filter = (
        "status",
        "kind",
        AnsweredFilter,
        ("council", admin.RelatedOnlyFieldListFilter),
        ("plan", admin.RelatedOnlyFieldListFilter),
        ("theme", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("title_ar", "title_fr", "body_ar", "body_fr", "submitted_by")
    list_select_related = ("council", "plan__council", "working_group__workshop")
    autocomplete_fields = ("workshop", "working_group")
    actions = ["turn_into_commitment"]
    fieldsets = (
        (
            _("Where it comes from"),
            {
                "fields": ("workshop", "working_group", "plan", "council"),
                "description": _(
                    "Choose the working group (its workshop, council and plan follow), or for a "
                    "proposal sent online only the action plan."
                ),
            },
        ),
        (None, {"fields": ("kind", "theme", "title", "body", "submitted_by")}),
        (
            _("Answer"),
            {"fields": ("status", "response", "responded_at", "responded_by", "commitments_fed")},
        ),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("commitments")

    def get_readonly_fields(self, request, obj=None):
        fields = ["council", "responded_at", "responded_by", "commitments_fed"]
        if not can_answer(request):
            fields += list(ANSWER_FIELDS)
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if can_answer(request):
            return fieldsets
        # Read-only translated fields are shown under their own names.
        return [
            (
                name,
                {
                    **options,
                    "fields": tuple(
                        ("response_ar", "response_fr") if f == "response" else f
                        for f in options["fields"]
                    ),
                },
            )
            for name, options in fieldsets
        ]

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status":
            allowed = {Proposal.Status.RECEIVED, Proposal.Status.UNDER_REVIEW}
            allowed |= {Proposal.Status.NOT_RETAINED}
            kwargs["choices"] = [(v, label) for v, label in db_field.choices if v in allowed]
            # Retained and merged come from the "turn into a commitment" page, which links the
            # commitment; a proposal already retained or merged keeps its status on the form.
            obj = getattr(request, "_proposal_obj", None)
            if obj is not None and obj.status not in allowed:
                kwargs["choices"].append((obj.status, obj.get_status_display()))
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        request._proposal_obj = obj
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request, obj, form, change):
        answered = {"status", "response_ar", "response_fr"} & set(form.changed_data)
        if can_answer(request) and answered:
            obj.responded_at = timezone.now()
            obj.responded_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("commitments"))
    def fed_commitments(self, obj):
        return ", ".join(c.reference for c in obj.commitments.all()) or "—"

    @admin.display(description=_("commitments it fed"))
    def commitments_fed(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        commitments = list(obj.commitments.select_related("plan"))
        if not commitments:
            return gettext("None yet.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{} — {}</a></li>',
                (
                    (
                        reverse("admin:commitments_commitment_change", args=[c.pk]),
                        c.reference,
                        c.title,
                    )
                    for c in commitments
                ),
            ),
        )

    def has_answer_proposal_permission(self, request):
        return can_answer(request) and request.user.has_perm("commitments.add_commitment")

    @admin.action(
        description=_("Turn into a commitment, or attach to one"),
        permissions=["answer_proposal"],
    )
    def turn_into_commitment(self, request, queryset):
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
        url = reverse("admin:commitments_commitment_from_proposals")
        return HttpResponseRedirect(f"{url}?proposals={ids}")
