"""Ids typed into URLs and forms are read as ASCII digits only, everywhere (opengov.params)."""

import pytest
from django.test import Client

from opengov.params import ascii_int


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", 42),
        ("007", 7),
        ("²", None),
        ("٤٢", None),
        ("4.2", None),
        ("-1", None),
        (" 4", None),
        ("", None),
        (None, None),
        ("9" * 19, None),
        (5, 5),
    ],
)
def test_ascii_int(text, expected):
    assert ascii_int(text) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/fr/proposals/?council=²", "/fr/proposals/?plan=٤", "/fr/opendata/proposals.csv?council=²"],
)
def test_unicode_digits_in_filters_are_ignored_not_a_server_error(url):
    assert Client().get(url).status_code in (200, 404)
