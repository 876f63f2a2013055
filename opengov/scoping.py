"""Council scoping: a staff user sees and changes only the objects of the councils they work for.

One table says how each model reaches its council and its plan (the plan path is the model's own
PLAN_PATH, which its clean() uses to refuse changes in a closed plan); the admin mixin below (and
any export or API that lists council data) filters through it, so no path forgets the rule. The
mixin also keeps closed plans, and the rows of closed plans, out of the choices of the forms that
add to a plan."""

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models

from commitments.models import (
    AssessmentEvidence,
    Comment,
    Commitment,
    CommitmentAssessment,
    Indicator,
    IndicatorValue,
    Milestone,
    MilestoneUpdate,
    PlanDocument,
    PlanPublication,
    PlanSelfAssessment,
)
from consultations.models import (
    ActionPlan,
    Council,
    PlanOwned,
    PlanStageChange,
    Proposal,
    WorkingGroup,
    Workshop,
    WorkshopDocument,
)

from .roles import council_ids_for

# model -> (lookup from the model to its council, lookup from the model to its plan or None)
SCOPES: dict[type[models.Model], tuple[str, str | None]] = {
    Council: ("pk", None),
    ActionPlan: ("council", ""),
    PlanStageChange: ("plan__council", PlanStageChange.PLAN_PATH),
    Workshop: ("council", Workshop.PLAN_PATH),
    WorkshopDocument: ("workshop__council", WorkshopDocument.PLAN_PATH),
    WorkingGroup: ("workshop__council", WorkingGroup.PLAN_PATH),
    Proposal: ("council", Proposal.PLAN_PATH),
    Commitment: ("plan__council", Commitment.PLAN_PATH),
    Milestone: ("commitment__plan__council", Milestone.PLAN_PATH),
    Indicator: ("commitment__plan__council", Indicator.PLAN_PATH),
    PlanPublication: ("plan__council", PlanPublication.PLAN_PATH),
    PlanDocument: ("plan__council", PlanDocument.PLAN_PATH),
    Comment: ("plan__council", Comment.PLAN_PATH),
    MilestoneUpdate: ("milestone__commitment__plan__council", MilestoneUpdate.PLAN_PATH),
    IndicatorValue: ("indicator__commitment__plan__council", IndicatorValue.PLAN_PATH),
    CommitmentAssessment: ("commitment__plan__council", CommitmentAssessment.PLAN_PATH),
    AssessmentEvidence: ("assessment__commitment__plan__council", AssessmentEvidence.PLAN_PATH),
    PlanSelfAssessment: ("plan__council", PlanSelfAssessment.PLAN_PATH),
}


def is_scoped(model: type[models.Model]) -> bool:
    return model in SCOPES


def scope_queryset(queryset: models.QuerySet, user) -> models.QuerySet:
    """The part of `queryset` the user may see: everything for superusers, their councils'
    objects for staff, nothing for anyone else. Models without a council pass unchanged."""
    if queryset.model not in SCOPES:
        return queryset
    ids = council_ids_for(user)
    if ids is None:
        return queryset
    return queryset.filter(**{f"{SCOPES[queryset.model][0]}__in": ids})


def _follow(obj, path: str):
    for part in path.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, part)
    return obj


def council_id_of(obj: models.Model) -> int | None:
    lookup = SCOPES[type(obj)][0]
    if lookup == "pk":
        return obj.pk
    if "__" not in lookup:
        return getattr(obj, f"{lookup}_id")
    council = _follow(obj, lookup)
    return council.pk if council is not None else None


def plan_of(obj: models.Model) -> ActionPlan | None:
    """The action plan an object belongs to (the plan itself for a plan), or None."""
    path = SCOPES.get(type(obj), (None, None))[1]
    if path is None:
        return None
    if path == "":
        return obj
    return _follow(obj, path)


def is_read_only(obj: models.Model | None) -> bool:
    """True for objects of a closed plan: closed plans are read-only."""
    if obj is None or obj.pk is None:
        return False
    plan = plan_of(obj)
    return plan is not None and plan.is_closed


def without_closed_plans(field: models.Field, queryset: models.QuerySet) -> models.QuerySet:
    """The choices of the foreign key `field` less closed plans and their rows, when the
    field's model takes no new row in a closed plan (PlanOwned.ADDS_AFTER_CLOSURE false).
    Other fields keep every choice: a plan's predecessor is usually closed, and an
    assessment may be filed on a closed plan's commitment."""
    owner, target = field.model, queryset.model
    if not issubclass(owner, PlanOwned) or owner.ADDS_AFTER_CLOSURE:
        return queryset
    if target is ActionPlan:
        return queryset.open_for_changes()
    if issubclass(target, PlanOwned):
        return queryset.exclude(**{f"{target.PLAN_PATH}__stage": ActionPlan.Stage.CLOSED})
    return queryset


def _autocomplete_source_field(request, admin_site) -> models.Field | None:
    """The foreign key an admin autocomplete request fills, or None for other requests."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.view_name != f"{admin_site.name}:autocomplete":
        return None
    try:
        model = apps.get_model(request.GET["app_label"], request.GET["model_name"])
        return model._meta.get_field(request.GET["field_name"])
    except (KeyError, LookupError, FieldDoesNotExist):
        return None


class CouncilScopedAdminMixin:
    """For ModelAdmins and inlines: lists, forms, choices and saves limited to the user's
    councils; objects of closed plans are read-only."""

    def get_queryset(self, request):
        return scope_queryset(super().get_queryset(request), request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if formfield is not None and is_scoped(db_field.related_model):
            formfield.queryset = without_closed_plans(
                db_field, scope_queryset(formfield.queryset, request.user)
            )
        return formfield

    def get_search_results(self, request, queryset, search_term):
        # The autocomplete of a foreign key searches through the target's admin: the same
        # closed-plan rule as the form field, so the list never offers what the form refuses.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        field = _autocomplete_source_field(request, self.admin_site)
        if isinstance(field, models.ForeignKey) and field.related_model is queryset.model:
            queryset = without_closed_plans(field, queryset)
        return queryset, may_have_duplicates

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if formfield is not None and is_scoped(db_field.related_model):
            formfield.queryset = scope_queryset(formfield.queryset, request.user)
        return formfield

    def has_change_permission(self, request, obj=None):
        if is_read_only(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if is_read_only(obj):
            return False
        return super().has_delete_permission(request, obj)

    def has_add_permission(self, request, *args):
        # Inlines pass the parent object: nothing may be added under a closed plan.
        if args and is_read_only(args[0]):
            return False
        return super().has_add_permission(request, *args)

    def save_model(self, request, obj, form, change):
        ids = council_ids_for(request.user)
        if ids is not None and is_scoped(type(obj)) and council_id_of(obj) not in ids:
            raise PermissionDenied
        super().save_model(request, obj, form, change)
