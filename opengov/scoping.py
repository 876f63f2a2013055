"""Council scoping: a staff user sees and changes only the objects of the councils they work for.

This module names no app. Each app states, from its AppConfig.ready(), how its models' rows reach
their council and their plan (`register`, in the app's registry.py next to its models); that one
table is read here, by the admin mixin below (and any export or API that lists council data, so
no path forgets the rule), and by the page cache's data versions (opengov.dataversion). A model's
plan path is its own PLAN_PATH, which its clean() uses to refuse changes in a closed plan: the
table reads it rather than copying it. The mixin also keeps closed plans, and the rows of closed
plans, out of the choices of the forms that add to a plan."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, PermissionDenied
from django.db import models

from .roles import council_ids_for


@dataclasses.dataclass(frozen=True)
class Scope:
    """What an app says about one of its models.

    - council: the lookup from a row to its council ("pk" for the council itself, None when its
      rows belong to no council);
    - plan: the lookup from a row to its action plan ("" for the plan itself, None for none);
    - adds_after_closure: whether new rows may still be added to a closed plan;
    - everywhere: whether its rows may show on any council's pages (a council's or a theme's
      name appears on other councils' pages);
    - private: (row, created) -> True while the public cannot see the row (a comment waiting
      for its confirmation): saving it changes no public page;
    - moves: whether a row may move to another council (else its stored links are not looked up
      before a save);
    - elsewhere: functions giving the slugs of other councils whose pages show a row (a proposal
      on the page of the commitments it fed), added by whichever app shows it there."""

    council: str | None
    plan: str | None = None
    adds_after_closure: bool = False
    everywhere: bool = False
    private: Callable[[models.Model, bool], bool] | None = None
    moves: bool = True
    elsewhere: tuple[Callable[[models.Model], Iterable[str]], ...] = ()


_SCOPES: dict[type[models.Model], Scope] = {}
_PLAN_MODEL: list[type[models.Model]] = []  # the model registered with plan="" (one at most)
_LISTENERS: list[Callable[[type[models.Model], Scope], None]] = []

_FROM_MODEL = object()


def register(
    model: type[models.Model],
    *,
    council: str | None,
    plan: str | object | None = _FROM_MODEL,
    everywhere: bool = False,
    private: Callable[[models.Model, bool], bool] | None = None,
    moves: bool = True,
) -> Scope:
    """State how rows of `model` reach their council and plan (see Scope). The plan path is the
    model's PLAN_PATH when it has one (a PlanOwned model), else none; "" names the plan model."""
    if model in _SCOPES:
        raise ImproperlyConfigured(f"{model._meta.label} is registered twice for scoping.")
    if plan is _FROM_MODEL:
        plan = getattr(model, "PLAN_PATH", None)
    if plan == "":
        if _PLAN_MODEL:
            raise ImproperlyConfigured("Only one model may be registered as the plan model.")
        _PLAN_MODEL.append(model)
    scope = Scope(
        council=council,
        plan=plan,
        adds_after_closure=getattr(model, "ADDS_AFTER_CLOSURE", False),
        everywhere=everywhere,
        private=private,
        moves=moves,
    )
    _SCOPES[model] = scope
    for listener in _LISTENERS:
        listener(model, scope)
    return scope


def shown_elsewhere(model: type[models.Model], pages: Callable[[models.Model], Iterable[str]]):
    """Add to a registered model the slugs of other councils whose pages show its rows: called
    by the app whose pages show them (commitments for the proposals a commitment came from)."""
    scope = _SCOPES[model]
    _SCOPES[model] = dataclasses.replace(scope, elsewhere=(*scope.elsewhere, pages))


def on_register(listener: Callable[[type[models.Model], Scope], None]) -> None:
    """Call listener(model, scope) for every model registered, now and later."""
    _LISTENERS.append(listener)
    for model, scope in list(_SCOPES.items()):
        listener(model, scope)


def scope_of(model: type[models.Model]) -> Scope | None:
    return _SCOPES.get(model)


def registered() -> dict[type[models.Model], Scope]:
    """Every registered model with what its app said about it."""
    return dict(_SCOPES)


def plan_model() -> type[models.Model]:
    """The model registered as the plan model (plan=""); its QuerySet has closed()."""
    if not _PLAN_MODEL:
        raise ImproperlyConfigured("No model is registered as the plan model.")
    return _PLAN_MODEL[0]


_OFF_PAGES: set[type[models.Model]] = set()
_DERIVED: set[type[models.Model]] = set()


def register_off_pages(*models_: type[models.Model]) -> None:
    """State that rows of these models show on no public page and in no staff list (a
    citizen's follows, the notifications mailed to them, their log): they are neither limited
    by council (staff see at most counts of them) nor watched by the data versions, so writing
    them never empties a cached page."""
    _OFF_PAGES.update(models_)


def is_off_pages(model: type[models.Model]) -> bool:
    return model in _OFF_PAGES


def register_derived(*models_: type[models.Model]) -> None:
    """State that rows of these models are computed by the database from other rows (the
    search index, kept by triggers): export_dataset leaves them out, and restoring the rows
    they derive from makes them again."""
    _DERIVED.update(models_)


def is_derived(model: type[models.Model]) -> bool:
    return model in _DERIVED


def scoped_models() -> list[type[models.Model]]:
    """The models whose rows belong to one council: what a staff user sees is limited to them."""
    return [model for model, scope in _SCOPES.items() if scope.council is not None]


def is_scoped(model: type[models.Model]) -> bool:
    scope = _SCOPES.get(model)
    return scope is not None and scope.council is not None


def scope_queryset(queryset: models.QuerySet, user) -> models.QuerySet:
    """The part of `queryset` the user may see: everything for superusers, their councils'
    objects for staff, nothing for anyone else. Models without a council pass unchanged."""
    if not is_scoped(queryset.model):
        return queryset
    ids = council_ids_for(user)
    if ids is None:
        return queryset
    return queryset.filter(**{f"{_SCOPES[queryset.model].council}__in": ids})


def _follow(obj, path: str):
    for part in path.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, part)
    return obj


def council_id_of(obj: models.Model) -> int | None:
    lookup = _SCOPES[type(obj)].council
    if lookup == "pk":
        return obj.pk
    if "__" not in lookup:
        return getattr(obj, f"{lookup}_id")
    council = _follow(obj, lookup)
    return council.pk if council is not None else None


def plan_of(obj: models.Model) -> models.Model | None:
    """The action plan an object belongs to (the plan itself for a plan), or None."""
    scope = _SCOPES.get(type(obj))
    path = scope.plan if scope is not None else None
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
    field's model takes no new row in a closed plan (a plan's row that does not add after its
    closure). Other fields keep every choice: a plan's predecessor is usually closed, and an
    assessment may be filed on a closed plan's commitment. The plan model's QuerySet says which
    plans are closed (closed(), open_for_changes())."""
    owner, target = _SCOPES.get(field.model), _SCOPES.get(queryset.model)
    if owner is None or not owner.plan or owner.adds_after_closure or target is None:
        return queryset
    if target.plan == "":
        return queryset.open_for_changes()
    if target.plan:
        plans = _PLAN_MODEL[0]._default_manager.closed()
        return queryset.exclude(**{f"{target.plan}__in": plans})
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
