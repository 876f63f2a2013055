"""The admin speaks the staff's language (issue 22): translated inputs carry their own language
and direction, the libraries' sections (django-axes, django-otp) and the roles are named in
Arabic or French.

The names' translations are merged into the catalogues by the lead (/work/notes); until then
the tests compare with gettext() of the msgid in the page's language, which is the merged
translation once it is there."""

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext
from modeltranslation.translator import translator

from opengov import roles
from opengov.admin_language import TextDirectionMixin
from tests import factories

pytestmark = pytest.mark.django_db


def _translated(model) -> bool:
    return model in translator.get_registered_models(abstract=False)


def _admins_and_inlines():
    for model, model_admin in admin.site._registry.items():
        yield model, type(model_admin)
        for inline in model_admin.inlines:
            yield inline.model, inline


def test_every_admin_of_a_translated_model_sets_the_inputs_direction():
    """A new admin or inline of a translated model built on Django's or modeltranslation's
    classes instead of the Portal* ones would lay French out right to left again."""
    missing = [
        f"{admin_class.__module__}.{admin_class.__qualname__}"
        for model, admin_class in _admins_and_inlines()
        if _translated(model) and not issubclass(admin_class, TextDirectionMixin)
    ]
    assert missing == []


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_workshop_form_gives_each_translated_input_its_language(admin_client, language):
    group = factories.WorkingGroupFactory()
    url = reverse("admin:consultations_workshop_change", args=[group.workshop.pk])
    html = admin_client.get(f"/{language}/" + url.split("/", 2)[2]).content.decode()
    inputs = re.findall(r"<(?:input|textarea)\b[^>]*\bname=\"[^\"]*_(?:ar|fr)\"[^>]*>", html)
    assert any('name="groups-0-title_fr"' in tag for tag in inputs)  # the inline's too
    for tag in inputs:
        own = re.search(r'name="[^"]*_(ar|fr)"', tag).group(1)
        assert f'lang="{own}"' in tag, tag
        assert f'dir="{"rtl" if own == "ar" else "ltr"}"' in tag, tag


def test_an_address_input_reads_left_to_right_in_the_arabic_admin(admin_client):
    council = factories.CouncilFactory()
    html = admin_client.get(
        reverse("admin:consultations_council_change", args=[council.pk])
    ).content.decode()
    email = re.search(r'<input\b[^>]*name="contact_email"[^>]*>', html).group(0)
    assert 'dir="ltr"' in email


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_admin_index_names_the_sign_in_sections_in_the_staff_language(admin_client, language):
    response = admin_client.get(f"/{language}/admin/")
    apps = {app["app_label"]: app for app in response.context["app_list"]}
    with translation.override(language):
        assert apps["axes"]["name"] == gettext("Sign-in protection")
        assert apps["otp_totp"]["name"] == gettext("Two-factor sign-in")
        devices = [model["name"] for model in apps["otp_totp"]["models"]]
        assert devices == [capfirst(gettext("authenticator apps"))]
    page = response.content.decode()
    for raw in ("AXES", "Axes", "Otp_Totp", "OTP_TOTP", "TOTP devices"):
        assert raw not in page


def test_the_two_factor_devices_list_is_titled_in_the_staff_language(admin_client):
    response = admin_client.get("/fr/admin/otp_totp/totpdevice/")
    with translation.override("fr"):
        title = response.context["title"]
        assert gettext("authenticator app") in title
    assert "TOTP" not in title


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_roles_are_shown_by_their_label_and_kept_by_their_key(admin_client, language, monkeypatch):
    # A label that differs from the key whatever the state of the catalogues.
    monkeypatch.setitem(roles.ROLE_LABELS, roles.MODERATOR, f"moderator in {language}")
    response = admin_client.get(f"/{language}/admin/auth/group/")
    page = response.content.decode()
    assert f"moderator in {language}" in page
    user = factories.staff_user(roles.MODERATOR)
    form = admin_client.get(f"/{language}/admin/auth/user/{user.pk}/change/").content.decode()
    assert f"moderator in {language}" in form
    # The key, which the code compares, is unchanged.
    assert Group.objects.filter(name=roles.MODERATOR).exists()


def test_every_role_has_a_translated_label():
    assert set(roles.ROLE_LABELS) == set(roles.ROLES)
    for language in ("ar", "fr"):
        with translation.override(language):
            for role in roles.ROLES:
                assert roles.role_label(role) == pgettext("role", role)
    assert roles.role_label("A group of their own") == "A group of their own"
