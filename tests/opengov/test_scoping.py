"""The scoping registry (opengov.scoping): each app states how its models' rows reach their council
and plan, once, and the admin's council scoping, the closed-plan rule and the page cache's data
versions all read that one table. The models under test come from django.apps, not from a list."""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db.models.signals import post_save

from opengov import dataversion, scoping

ROOT = Path(__file__).resolve().parents[2]


def _council_model():
    (council,) = [m for m, s in scoping.registered().items() if s.council == "pk"]
    return council


def _plan_model():
    (plan,) = [m for m, s in scoping.registered().items() if s.plan == ""]
    return plan


def _target(model, path: str):
    """The model a lookup ("commitment__plan__council") ends at."""
    for name in path.split("__"):
        field = model._meta.get_field(name)
        assert field.concrete and (field.many_to_one or field.one_to_one), (model, name)
        model = field.related_model
    return model


def _reaches(model, target, depth: int = 5) -> bool:
    if model is target:
        return True
    if depth == 0:
        return False
    return any(
        field.related_model is not None and _reaches(field.related_model, target, depth - 1)
        for field in model._meta.get_fields()
        if field.concrete and (field.many_to_one or field.one_to_one)
    )


def _own_models():
    """Every model of the site, less the history rows django-simple-history writes."""
    return [m for m in apps.get_models() if not hasattr(m, "instance_type")]


def test_every_model_reaching_a_council_is_registered_with_its_council():
    council = _council_model()
    missing = [
        model._meta.label
        for model in _own_models()
        if model is not council
        and _reaches(model, council)
        and not scoping.is_scoped(model)
        and not scoping.is_off_pages(model)
    ]
    assert missing == [], "register them in their app's registry.py"


def test_each_registered_path_leads_to_the_council_and_the_plan():
    council, plan = _council_model(), _plan_model()
    for model, scope in scoping.registered().items():
        if scope.council not in (None, "pk"):
            assert _target(model, scope.council) is council, model
        if scope.plan:
            assert _target(model, scope.plan) is plan, model


def test_the_plan_path_is_the_models_own():
    """One home for the plan path: the model's PLAN_PATH (its clean() refuses changes in a
    closed plan through it) is what the registry holds."""
    for model, scope in scoping.registered().items():
        if hasattr(model, "PLAN_PATH"):
            assert scope.plan == model.PLAN_PATH, model
            assert scope.adds_after_closure == model.ADDS_AFTER_CLOSURE, model


def test_every_registered_model_is_watched_by_the_data_versions():
    for model in scoping.registered():
        assert dataversion.bump_on_change in post_save._live_receivers(model)[0] or (
            dataversion.bump_unless_private in post_save._live_receivers(model)[0]
        ), model


def test_a_model_is_registered_once():
    model = _council_model()
    with pytest.raises(ImproperlyConfigured):
        scoping.register(model, council="pk")


# Only the wiring (the URLs, and the settings: installed apps, beat schedule) and the front door
# name an app; the rest of opengov is the floor every app stands on. The open-data and generator
# modules are leaving opengov (issue 16) and are not the floor.
MAY_NAME_APPS = {"urls.py", "settings.py", "views.py"}
APPS = {"consultations", "commitments", "opendata", "devdata"}


def _floor_modules():
    for path in sorted((ROOT / "opengov").rglob("*.py")):
        relative = path.relative_to(ROOT / "opengov")
        if str(relative) in MAY_NAME_APPS:
            continue
        if "migrations" in relative.parts:
            continue
        yield relative, ast.parse(path.read_text(encoding="utf-8"))


def test_the_floor_names_no_app():
    found = []
    for relative, tree in _floor_modules():
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                # apps.get_model("consultations", ...), import_string("commitments....")
                names = [node.value] if node.value in APPS or "." in node.value else []
            found += [
                f"{relative}:{node.lineno} {name}" for name in names if name.split(".")[0] in APPS
            ]
    assert found == []
