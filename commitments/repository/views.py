"""The public page of a plan's repository: each OGP Local requirement with the evidence the
portal holds and its last update, and a notice when a running plan has gone four months
without an update."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from opengov.pagecache import cached_page

from ..views import _plan_or_404
from .evidence import STALE_AFTER_MONTHS, plan_repository


@require_safe
@cached_page(council="council_slug")
def plan_repository_page(request: HttpRequest, council_slug: str, start_year: int) -> HttpResponse:
    plan = _plan_or_404(council_slug, start_year)
    return render(
        request,
        "commitments/plan_repository.html",
        {
            "plan": plan,
            "council": plan.council,
            "repository": plan_repository(plan),
            "months": STALE_AFTER_MONTHS,
            "today": timezone.localdate(),
        },
    )
