"""Values typed into URLs and forms (opengov.params): ids as ASCII digits only, page numbers,
and search text rebuilt so that PostgreSQL always parses it."""

import pytest
from django.db import connection
from django.test import Client
from hypothesis import given, settings as hypothesis_settings, strategies as st

from opengov.params import SEARCH_MAX_LENGTH, ascii_int, page_number, websearch_query


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


@pytest.mark.parametrize(
    ("text", "expected"),
    [("3", 3), ("0", 1), ("", 1), (None, 1), ("-2", 1), ("٣", 1), ("1e3", 1), ("9" * 30, 1)],
)
def test_page_number(text, expected):
    assert page_number(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("budget participatif", "budget participatif"),
        ('"budget participatif" or -école', '"budget participatif" or -école'),
        ("تحسين الولوج", "تحسين الولوج"),
        ("bien-être", '"bien être"'),
        ("l'accès", '"l accès"'),
        ("-" * 33, ""),
        ("-" * 33 + "budget", "-budget"),
        ("- " * 40 + "x", "x"),
        ("x" + "-!" * 40 + "y", '"x y"'),
        ("(-" * 40 + "x", "x"),
        ("or or x or", "x"),
        ("x:* & y | !z", "x y z"),
        ("a" * 500, "a" * SEARCH_MAX_LENGTH),
    ],
)
def test_websearch_query(text, expected):
    assert websearch_query(text) == expected


_SEARCH_TEXT = st.text(
    alphabet=st.one_of(st.sampled_from("-!&|:*()<>'\"\\ or"), st.characters(codec="utf-8")),
    max_size=SEARCH_MAX_LENGTH * 2,
)


@pytest.mark.django_db
@hypothesis_settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(
    text=st.one_of(
        _SEARCH_TEXT,
        st.builds(lambda t: t * 80, st.sampled_from(["-", "- ", "-!", "(-", '-"', "!-"])),
    )
)
def test_websearch_query_always_parses_in_postgresql(text):
    """Whatever is typed, PostgreSQL parses the rebuilt text (a query error would be a 500)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT websearch_to_tsquery('simple', %s)::text", [websearch_query(text)])
        cursor.fetchone()
