"""Council scoping: a staff user sees and changes only the objects of the councils they work for.

One table says how each model reaches its council and its plan; the admin mixin below (and any
export or API that lists council data) filters through it, so no path forgets the rule."""

from django.core.exceptions import PermissionDenied
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
    PlanStageChange: ("plan__council", "plan"),
    Workshop: ("council", "plan"),
    WorkshopDocument: ("workshop__council", "workshop__plan"),
    WorkingGroup: ("workshop__council", "workshop__plan"),
    Proposal: ("council", "plan"),
    Commitment: ("plan__council", "plan"),
    Milestone: ("commitment__plan__council", "commitment__plan"),
    Indicator: ("commitment__plan__council", "commitment__plan"),
    PlanPublication: ("plan__council", "plan"),
    PlanDocument: ("plan__council", "plan"),
    Comment: ("plan__council", "plan"),
    MilestoneUpdate: ("milestone__commitment__plan__council", "milestone__commitment__plan"),
    IndicatorValue: ("indicator__commitment__plan__council", "indicator__commitment__plan"),
    CommitmentAssessment: ("commitment__plan__council", "commitment__plan"),
    AssessmentEvidence: ("assessment__commitment__plan__council", "assessment__commitment__plan"),
    PlanSelfAssessment: ("plan__council", "plan"),
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
    return plan is not None and plan.stage == ActionPlan.Stage.CLOSED


class CouncilScopedAdminMixin:
    """For ModelAdmins and inlines: lists, forms, choices and saves limited to the user's
    councils; objects of closed plans are read-only."""

    def get_queryset(self, request):
        return scope_queryset(super().get_queryset(request), request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if formfield is not None and is_scoped(db_field.related_model):
            formfield.queryset = scope_queryset(formfield.queryset, request.user)
        return formfield

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
