"""Site-wide views: the home page and the error pages."""

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from consultations.models import ActionPlan, Council


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The network at a glance. The full public site is built on this (see the README)."""
    councils = Council.objects.in_network().annotate(
        public_plans=Count("plans", filter=~Q(plans__stage=ActionPlan.Stage.PREPARATION))
    )
    plans = ActionPlan.objects.public().select_related("council").order_by("-start_year", "id")
    return render(request, "home.html", {"councils": councils, "plans": plans})


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
