"""A plan's published comments come a page at a time: the page stays small and runs the same
number of queries with 5 or 60 comments."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commitments.comments.selectors import COMMENTS_PER_PAGE
from commitments.models import Comment
from consultations.models import ActionPlan
from tests import factories

pytestmark = pytest.mark.django_db


def _plan_with_comments(count):
    today = timezone.localdate()
    plan = factories.ActionPlanFactory(
        stage=ActionPlan.Stage.CONSULTATION,
        consultation_opens_on=today - datetime.timedelta(days=1),
        consultation_closes_on=today + datetime.timedelta(days=10),
    )
    now = timezone.now()
    for number in range(count):
        parent = Comment.objects.create(
            plan=plan,
            author_name=f"Citoyen {number}",
            email=f"c{number}@example.org",
            body=f"Commentaire numéro {number:03d}",
            language="fr",
            consent_at=now,
            state=Comment.State.PUBLISHED,
            published_at=now,
        )
        Comment.objects.create(
            plan=plan,
            parent=parent,
            author_name="Réponse",
            email="r@example.org",
            body=f"Réponse à {number:03d}",
            language="fr",
            consent_at=now,
            state=Comment.State.PUBLISHED,
            published_at=now,
        )
    return plan


def _get(url):
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_comments_are_paginated_with_a_fixed_number_of_queries():
    small = _plan_with_comments(5)
    large = _plan_with_comments(COMMENTS_PER_PAGE * 3)
    small_html, small_queries = _get(small.get_absolute_url())
    large_html, large_queries = _get(large.get_absolute_url())
    assert small_queries == large_queries
    assert "Commentaire numéro 004" in small_html
    assert large_html.count('class="comment"') == COMMENTS_PER_PAGE
    assert large_html.count('class="comment reply"') == COMMENTS_PER_PAGE
    assert f"Commentaire numéro {COMMENTS_PER_PAGE - 1:03d}" in large_html
    assert f"Commentaire numéro {COMMENTS_PER_PAGE:03d}" not in large_html
    assert 'href="?comments=2#comments-heading"' in large_html
    second, _ = _get(large.get_absolute_url() + "?comments=2")
    assert f"Commentaire numéro {COMMENTS_PER_PAGE:03d}" in second
    assert f"Réponse à {COMMENTS_PER_PAGE:03d}" in second
    # A page number out of range or not a number shows a real page, not an error.
    assert _get(large.get_absolute_url() + "?comments=999")[0].count('class="comment"') == (
        COMMENTS_PER_PAGE
    )
    assert "Commentaire numéro 000" in _get(large.get_absolute_url() + "?comments=x")[0]
