import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("fr", "ltr")])
def test_home_sets_language_and_direction(client, language, direction):
    with translation.override(language):
        url = reverse("home")
    response = client.get(url)
    assert response.status_code == 200
    assert f'<html lang="{language}" dir="{direction}">' in response.content.decode()


@pytest.mark.django_db
def test_root_redirects_to_arabic_by_default(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/ar/"


@pytest.mark.django_db
def test_unknown_page_answers_translated_404(client):
    response = client.get("/fr/no-such-page/")
    assert response.status_code == 404
    assert 'lang="fr"' in response.content.decode()


@pytest.mark.django_db
def test_healthz_answers_when_database_is_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
@override_settings(ALLOWED_HOSTS=["portal.example.org"], SECURE_SSL_REDIRECT=True)
def test_healthz_answers_probes_on_internal_address_over_http(client):
    response = client.get("/healthz", HTTP_HOST="10.0.0.5:8000")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
@override_settings(ALLOWED_HOSTS=["portal.example.org"])
def test_other_pages_still_refuse_unknown_hosts(client):
    response = client.get("/ar/", HTTP_HOST="10.0.0.5:8000")
    assert response.status_code == 400


@pytest.mark.django_db
def test_robots_and_favicon(client):
    robots = client.get("/robots.txt")
    assert robots.status_code == 200 and "Disallow: /ar/admin/" in robots.content.decode()
    favicon = client.get("/favicon.ico")
    assert favicon.status_code == 301 and favicon["Location"].endswith("favicon.svg")
