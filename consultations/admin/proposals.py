"""Proposals and the council's answer, with the commitments they fed."""

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, gettext_lazy as _

from opengov.admin_base import (
    ModelErrorsForm,
    PortalHistoryAdmin,
    ScopedRelatedFilter,
)
from opengov.search.query import matching

from ..models import (
    PROPOSAL_SEARCH_WEIGHTS,
    Proposal,
)

ANSWER_FIELDS = ("status", "response_ar", "response_fr")


def can_answer(request) -> bool:
    return request.user.has_perm("consultations.answer_proposal")


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


class ModerationFilter(admin.SimpleListFilter):
    """Where a proposal stands in publication. "Awaiting moderation" is the moderators' queue,
    oldest first (ProposalAdmin.get_ordering): a flood of new ones never pushes the proposals
    that wait longest out of sight."""

    title = _("publication")
    parameter_name = "moderation"
    AWAITING = "awaiting"

    def lookups(self, request, model_admin):
        return [
            (self.AWAITING, _("Awaiting moderation")),
            ("pending", _("Not confirmed by their author")),
            ("published", _("Published")),
            ("hidden", _("Hidden")),
            ("duplicates", _("Merged with another proposal")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.AWAITING:
            return queryset.awaiting_moderation()
        if value in ("pending", "published", "hidden"):
            return queryset.filter(publication=value)
        if value == "duplicates":
            return queryset.filter(duplicate_of__isnull=False)
        return queryset


class OriginFilter(admin.SimpleListFilter):
    title = _("origin")
    parameter_name = "origin"

    def lookups(self, request, model_admin):
        return [("online", _("Sent online")), ("workshop", _("From a workshop"))]

    def queryset(self, request, queryset):
        if self.value() == "online":
            return queryset.filter(workshop__isnull=True)
        if self.value() == "workshop":
            return queryset.filter(workshop__isnull=False)
        return queryset


# The author of a proposal sent online, as they sent it: shown, never edited.
ONLINE_AUTHOR_FIELDS = ("residence", "email", "language", "consent_at", "confirmed_at")
MODERATION_FIELDS = (
    "publication",
    "published_at",
    "hidden_reason",
    "moderated_by",
    "merged_with",
    "support_count",
)


def can_moderate(request) -> bool:
    return request.user.has_perm("consultations.moderate_proposal")


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
        "publication",
        "support_count",
        "fed_commitments",
    )
    list_filter = (
        ModerationFilter,
        OriginFilter,
        "status",
        "kind",
        AnsweredFilter,
        ("council", ScopedRelatedFilter),
        ("plan", ScopedRelatedFilter),
        ("theme", ScopedRelatedFilter),
    )
    search_fields = ("title_ar", "title_fr", "body_ar", "body_fr", "submitted_by")
    list_select_related = ("council", "plan__council", "working_group__workshop")
    autocomplete_fields = ("workshop", "working_group", "plan")
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

    def get_search_results(self, request, queryset, search_term):
        # The stored tsvector under its GIN index (proposal_search_document_gin), as the public
        # list searches: Django's icontains over the title and body columns read every proposal
        # (3.4 s at national scale). The empty term lets the scoping mixin apply its own rules
        # (closed plans out of an autocomplete's choices).
        queryset, may_have_duplicates = super().get_search_results(request, queryset, "")
        found = matching(queryset, search_term, columns=PROPOSAL_SEARCH_WEIGHTS)
        return found, may_have_duplicates

    def get_ordering(self, request):
        if request.GET.get(ModerationFilter.parameter_name) == ModerationFilter.AWAITING:
            return ("created_at", "id")
        return super().get_ordering(request)

    def get_readonly_fields(self, request, obj=None):
        fields = ["council", "responded_at", "responded_by", "commitments_fed"]
        fields += [*ONLINE_AUTHOR_FIELDS, *MODERATION_FIELDS]
        if not can_answer(request):
            fields += list(ANSWER_FIELDS)
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None and obj.pk is not None:
            if obj.is_online:
                # The address is personal data (law 09-08): only those who moderate see it.
                author = [f for f in ONLINE_AUTHOR_FIELDS if f != "email" or can_moderate(request)]
                description = _("As its author sent and confirmed it; never changed here.")
                fieldsets.append((_("Sent online"), {"fields": author, "description": description}))
            fieldsets.append((_("Publication and supports"), {"fields": MODERATION_FIELDS}))
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

    @admin.display(description=_("merged with"))
    def merged_with(self, obj):
        kept = obj.duplicate_of if obj is not None else None
        if kept is None:
            return "—"
        return format_html(
            '<a href="{}" dir="auto">{}</a>',
            reverse("admin:consultations_proposal_change", args=[kept.pk]),
            kept,
        )

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
