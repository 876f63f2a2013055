"""Site-wide views: the home page (the network at a glance) and the error pages."""

import datetime

from django.conf import settings
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language_bidi
from django.views.decorators.http import require_safe

from commitments.selectors import network_commitment_totals
from consultations.charts import network_stages_chart
from consultations.models import ActionPlan, Council, Workshop
from consultations.selectors import attendance_of, network_proposal_counts
from opengov.pagecache import cached_page
from opengov.urls_absolute import absolute_url

HOME_PLANS = 12


@require_safe
@cached_page
def home(request: HttpRequest) -> HttpResponse:
    """Councils in the network by kind, current plans and their stage, and the totals."""
    # The regions are listed; the other kinds (about 1,600 councils at national scale) are
    # counted and linked to the council directory.
    by_kind = dict(
        Council.objects.in_network().values_list("kind").annotate(n=Count("pk")).order_by()
    )
    regions = list(Council.objects.in_network().filter(kind=Council.Kind.REGION).order_by("slug"))
    kinds = [(value, label, by_kind.get(value, 0)) for value, label in Council.Kind.choices]
    current = list(
        ActionPlan.objects.public()
        .exclude(stage=ActionPlan.Stage.CLOSED)
        .select_related("council")
        .order_by("-updated_at", "-pk")[:HOME_PLANS]
    )
    commitments, milestones = network_commitment_totals()
    workshops = Workshop.objects.public()
    totals = {
        "workshops": workshops.count(),
        "attendance": attendance_of(workshops),
        "proposals": network_proposal_counts(),
        "commitments": commitments,
        "milestones_completed": milestones.done,
        "milestones_overdue": milestones.overdue,
    }
    return render(
        request,
        "home.html",
        {
            "regions": regions,
            "kinds": kinds,
            "council_count": sum(by_kind.values()),
            "plans": current,
            "stages_chart": network_stages_chart(rtl=get_language_bidi()),
            **totals,
        },
    )


@require_safe
@cached_page
def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement: its target (WCAG 2.2 AA), what is known not to conform,
    and where to report a barrier (settings.ACCESSIBILITY_CONTACT)."""
    contact = settings.ACCESSIBILITY_CONTACT
    is_url = contact.startswith(("https://", "http://"))
    return render(
        request,
        "pages/accessibility.html",
        {"contact": contact, "contact_href": contact if is_url else f"mailto:{contact}"},
    )


@require_safe
@cached_page
def ogp_local(request: HttpRequest) -> HttpResponse:
    """What OGP Local is and how a citizen takes part on the portal."""
    return render(request, "pages/ogp_local.html")


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", "Disallow: /ar/admin/", "Disallow: /fr/admin/", "Allow: /", ""]
    lines.append(f"Sitemap: {absolute_url(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def security_txt(request: HttpRequest) -> HttpResponse:
    """RFC 9116: where to report a vulnerability (settings.SECURITY_CONTACT)."""
    if not settings.SECURITY_CONTACT:
        raise Http404
    expires = timezone.now() + datetime.timedelta(days=180)
    lines = [
        f"Contact: {settings.SECURITY_CONTACT}",
        f"Expires: {expires.replace(microsecond=0).isoformat()}",
        "Preferred-Languages: ar, fr, en",
        f"Canonical: {absolute_url('/.well-known/security.txt')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    # Resolved per request: the hashed name exists only once collectstatic has run.
    return HttpResponsePermanentRedirect(static("favicon.svg"))


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
