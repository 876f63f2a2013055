"""The API's documentation page loads nothing from another site: its own scripts, Redoc's bundle
served without its third-party logo (opendata/api/docs.py), and a policy that names no other
site."""

import re

import pytest
from django.urls import reverse

from opendata.api import docs

pytestmark = pytest.mark.django_db


def test_docs_page_names_only_the_portals_own_addresses(client):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    addresses = re.findall(r'(?:src|href|spec-url)="([^"]*)"', html)
    assert reverse("api:redoc_script") in addresses
    assert all(address.startswith("/") and not address.startswith("//") for address in addresses)
    policy = response["Content-Security-Policy"]
    assert "http" not in policy and "*" not in policy
    assert "img-src 'self' data:" in policy


def test_redoc_bundle_is_served_without_anything_from_another_site(client):
    response = client.get(reverse("api:redoc_script"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    script = b"".join(response).decode() if response.streaming else response.content.decode()
    assert docs.THIRD_PARTY[0] not in script
    # Nothing the bundle would load by itself from elsewhere: an image, a script, a style or a
    # font address (links the reader may follow, such as Redocly's page, are not loads).
    assert not re.search(r"""\b(?:src|srcset)\s*:\s*["']https?://""", script)
    assert not re.search(r"""url\(\s*["']?https?://""", script)
    assert not re.search(r"""https?://[^"'\s]+\.(?:js|css|woff2?|ttf|svg|png)["']""", script)
    # Cached by the browser, revalidated with its ETag.
    again = client.get(reverse("api:redoc_script"), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_every_filter_is_documented_and_so_is_the_answer_to_an_unknown_one(client):
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()
    assert "answered 400" in schema["info"]["description"]
    lists = [path for path in schema["paths"] if not path.endswith("}/")]
    assert len(lists) >= 10
    for path in lists:
        for parameter in schema["paths"][path]["get"].get("parameters", []):
            if parameter["in"] == "query":
                assert parameter.get("description"), (path, parameter["name"])


@pytest.mark.parametrize(
    ("language", "unknown"), [("fr", "Paramètre de requête inconnu"), ("ar", "غير معروف")]
)
def test_unknown_filter_is_refused_with_the_known_ones_in_the_readers_language(
    client, language, unknown
):
    response = client.get(
        reverse("api:plan-list"), {"councl": "oriental"}, HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert unknown in detail and "councl" in detail
    for known in ("council", "stage", "year", "page", "page_size", "format"):
        assert known in detail
    # The pagination and format parameters are read, not refused.
    response = client.get(
        reverse("api:plan-list"),
        {"council": "oriental", "page": 1, "page_size": 5, "format": "json"},
    )
    assert response.status_code == 200
