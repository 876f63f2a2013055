"""Periods of years shown in one order in both directions (opengov.years and the `years`
template filters): a period is one left-to-right island in HTML and in plain text, and a plan's
title that names its years is not followed by them a second time."""

import pytest
from django.template import Context, Template
from django.utils import translation

from opengov import years
from tests.factories import ActionPlanFactory

LRI, PDI = "\u2066", "\u2069"


def render(template: str, language: str = "ar", **context) -> str:
    with translation.override(language):
        return Template("{% load infitah years %}" + template).render(Context(context))


def test_isolate_in_html_wraps_each_period_and_escapes_the_rest():
    html = years.isolate_in_html("خطة <b> 2025-2027 ثم 2028 \u2013 2030")
    assert html == (
        'خطة &lt;b&gt; <bdi dir="ltr" class="years">2025-2027</bdi> ثم '
        '<bdi dir="ltr" class="years">2028 \u2013 2030</bdi>'
    )


def test_isolate_in_text_uses_unicode_isolates_and_leaves_other_numbers():
    assert years.isolate_in_text("الشرق 2025-2027, 12-2024, 20251-2027") == (
        f"الشرق {LRI}2025-2027{PDI}, 12-2024, 20251-2027"
    )


def test_mentions_period_needs_the_same_two_years():
    assert years.mentions_period("Plan 2025-2027", 2025, 2027)
    assert years.mentions_period("خطة 2025 - 2027", 2025, 2027)
    assert not years.mentions_period("Plan 2024-2026", 2025, 2027)
    assert not years.mentions_period("", 2025, 2027)


@pytest.mark.django_db
def test_plan_title_naming_its_period_is_not_followed_by_it_again():
    named = ActionPlanFactory(title_fr="Plan ouvert 2024-2026", start_year=2024, end_year=2026)
    plain = ActionPlanFactory(title_fr="Plan ouvert", start_year=2025, end_year=2027)
    with translation.override("fr"):
        assert str(named) == "Plan ouvert 2024-2026"
        assert str(plain) == "Plan ouvert (2025-2027)"


@pytest.mark.django_db
def test_filters_isolate_a_plans_period_in_html_and_in_text():
    plan = ActionPlanFactory(
        title_ar="خطة الشرق 2025-2027", title_fr="Plan 2025-2027", start_year=2025, end_year=2027
    )
    assert render("{{ plan|years }}", plan=plan) == '<bdi dir="ltr" class="years">2025-2027</bdi>'
    assert render('{% tr plan "title" years=True %}', plan=plan) == (
        'خطة الشرق <bdi dir="ltr" class="years">2025-2027</bdi>'
    )
    assert render('{{ plan|ltr_years:"text" }}', plan=plan) == f"خطة الشرق {LRI}2025-2027{PDI}"
    # Without years=True, tr is unchanged.
    assert render('{% tr plan "title" %}', plan=plan) == "خطة الشرق 2025-2027"
