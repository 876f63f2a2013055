"""Workshops, with their working groups, documents and proposals inline."""

from functools import partial

from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext, gettext_lazy as _

from opengov.admin_base import (
    ModelErrorsForm,
    PortalAdmin,
    PortalStackedInline,
    PortalTabularInline,
    ScopedRelatedFilter,
    related_count,
)

from ..models import (
    Proposal,
    WorkingGroup,
    Workshop,
    WorkshopDocument,
)
from .proposal_import import import_proposals_view, import_template_view


class WorkingGroupForm(ModelErrorsForm):
    """The group's number, as the import file names it: shown from 1, and may be left empty
    for a new group, which then takes the next number (WorkingGroup.save)."""

    class Meta:
        labels = {"position": _("number")}
        help_texts = {
            "position": _("From 1, as on paper. Left empty, the group takes the next number.")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "position" in self.fields:
            self.fields["position"].required = False
            if self.instance._state.adding and not self.initial.get("position"):
                self.initial["position"] = None


class WorkingGroupInline(PortalTabularInline):
    model = WorkingGroup
    form = WorkingGroupForm
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

    # The newest ones only: a workshop of the national data has up to 400 proposals, whose
    # forms made a page of 3 MB; the proposals list, filtered by the workshop, has them all.
    MAX_SHOWN = 30

    def get_formset(self, request, obj=None, **kwargs):
        self._workshop = obj
        return super().get_formset(request, obj, **kwargs)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        workshop = getattr(self, "_workshop", None)
        if workshop is None or workshop.pk is None:
            return queryset
        newest = (
            Proposal.objects.filter(workshop=workshop)
            .order_by("-pk")
            .values("pk")[: self.MAX_SHOWN]
        )
        return queryset.filter(pk__in=newest)

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
        ("council", ScopedRelatedFilter),
        ("plan", ScopedRelatedFilter),
        "starts_on",
    )
    search_fields = ("title_ar", "title_fr", "venue_ar", "venue_fr", "city_ar", "city_fr")
    list_select_related = ("council", "plan__council")
    date_hierarchy = "starts_on"
    autocomplete_fields = ("council", "plan")
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
        return (
            super()
            .get_queryset(request)
            .annotate(_group_count=related_count(WorkingGroup.objects.all(), "workshop"))
        )

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
        ("workshop__council", ScopedRelatedFilter),
        ("theme", ScopedRelatedFilter),
    )
    search_fields = ("title_ar", "title_fr", "facilitator", "rapporteur")
    list_select_related = ("workshop__council", "theme")
    autocomplete_fields = ("workshop",)
    form = WorkingGroupForm
    fields = ("workshop", "position", "title", "theme", "facilitator", "rapporteur")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_proposal_count=related_count(Proposal.objects.all(), "working_group"))
        )

    @admin.display(description=_("proposals"), ordering="_proposal_count")
    def proposal_count(self, obj):
        return obj._proposal_count


@admin.register(WorkshopDocument)
class WorkshopDocumentAdmin(PortalAdmin):
    list_display = ("__str__", "workshop", "kind")
    list_filter = ("kind", ("workshop__council", ScopedRelatedFilter))
    search_fields = ("title_ar", "title_fr")
    list_select_related = ("workshop__council",)
    autocomplete_fields = ("workshop",)
    fields = ("workshop", "kind", "title", "file")
