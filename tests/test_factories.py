"""The world builder: every concrete model of consultations and commitments has a factory, and
each factory (with its sub-factories) builds an object the model's own validation accepts."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from opengov import roles
from tests import factories

FACTORIES = [
    value
    for value in vars(factories).values()
    if isinstance(value, type)
    and issubclass(value, factories.factory.django.DjangoModelFactory)
    and value is not factories.factory.django.DjangoModelFactory
]


def _model_of(factory) -> type:
    model = factory._meta.model
    return apps.get_model(model) if isinstance(model, str) else model


def test_every_model_of_the_domain_has_a_factory():
    models = {
        model
        for label in ("consultations", "commitments")
        for model in apps.get_app_config(label).get_models()
        if not model._meta.abstract
        and not model._meta.proxy
        and not model.__name__.startswith("Historical")
    }
    assert len(models) > 15
    missing = sorted(m._meta.label for m in models - {_model_of(f) for f in FACTORIES})
    assert not missing, f"add a factory to tests/factories.py for {missing}"


@pytest.mark.django_db
@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_factory_builds_a_valid_object(factory, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    obj = factory()
    obj.full_clean()
    assert type(obj)._default_manager.filter(pk=obj.pk).exists()


@pytest.mark.django_db
def test_staff_user_works_for_its_councils_in_its_role(staff_user):
    first, second, other = (factories.CouncilFactory() for _ in range(3))
    user = staff_user(roles.MODERATOR, first, second)
    assert user.is_staff and not user.is_superuser
    assert list(user.groups.all()) == [Group.objects.get(name=roles.MODERATOR)]
    assert set(user.councils.all()) == {first, second}
    assert other not in user.councils.all()
    with pytest.raises(ValueError, match="not one of"):
        staff_user("Janitor", first)
