"""An Atom feed per public plan: its stage changes, new commitments and completed milestones.

Its links are absolute under SITE_URL (opengov.urls_absolute): Django's syndication framework
would otherwise prefix each path with the request's host (Host: portal.example:9999)."""

import datetime
import re

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext

from consultations.models import ActionPlan, PlanStageChange
from opengov.urls_absolute import absolute_url

from .models import Commitment, Milestone

LIMIT = 50


# Characters XML 1.0 cannot carry (control characters, e.g. the vertical tab Word pastes).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text) -> str:
    return NOT_XML.sub(" ", str(text or ""))


class Entry:
    def __init__(self, title, description, link, when, key):
        self.title = xml_safe(title)
        self.description = xml_safe(description)
        self.link, self.when, self.key = link, when, key


def _moment(value) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return value
    return timezone.make_aware(datetime.datetime.combine(value, datetime.time(12)))


class PlanFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, council_slug, start_year):
        plan = (
            ActionPlan.objects.public()
            .select_related("council")
            .filter(council__slug=council_slug, start_year=start_year)
            .first()
        )
        if plan is None:
            raise Http404
        return plan

    def title(self, plan):
        return xml_safe(plan)

    def link(self, plan):
        return absolute_url(plan.get_absolute_url())

    def feed_url(self, plan):
        return absolute_url(
            reverse("commitments:plan_feed", args=[plan.council.slug, plan.start_year])
        )

    def subtitle(self, plan):
        return gettext("Updates of the plan: stages, commitments and milestones.")

    def items(self, plan):
        url = plan.get_absolute_url()
        entries = [
            Entry(
                gettext("Stage: %(from)s → %(to)s")
                % {"from": c.get_from_stage_display(), "to": c.get_to_stage_display()},
                # A recorded move is dated by when it was entered; its real date is told here.
                gettext("Recorded afterwards: the move happened on %(date)s.")
                % {"date": c.happened_on.isoformat()}
                if c.recorded
                else "",
                f"{url}#stage-{c.pk}",
                c.changed_at,
                f"stage-{c.pk}",
            )
            for c in PlanStageChange.objects.filter(plan=plan).order_by("-changed_at")[:LIMIT]
        ]
        for c in Commitment.objects.filter(plan=plan).select_related("plan__council")[:LIMIT]:
            entries.append(
                Entry(
                    gettext("New commitment %(reference)s: %(title)s")
                    % {"reference": c.reference, "title": c.title},
                    c.description or "",
                    c.get_absolute_url(),
                    c.created_at,
                    f"commitment-{c.pk}",
                )
            )
        done = (
            Milestone.objects.filter(commitment__plan=plan, status=Milestone.Status.COMPLETED)
            .select_related("commitment__plan__council")
            .order_by("-completed_on")[:LIMIT]
        )
        for m in done:
            entries.append(
                Entry(
                    gettext("Milestone completed: %(title)s (%(reference)s)")
                    % {"title": m.title, "reference": m.commitment.reference},
                    m.evidence or "",
                    f"{m.commitment.get_absolute_url()}#milestone-{m.pk}",
                    _moment(m.completed_on),
                    f"milestone-{m.pk}",
                )
            )
        return sorted(entries, key=lambda e: e.when, reverse=True)[:LIMIT]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Atom's summary is declared type="html": the text is escaped so that readers show it
        # as typed, never as markup.
        return escape(item.description)

    def item_link(self, item):
        return absolute_url(item.link)

    def item_pubdate(self, item):
        return item.when

    def item_updateddate(self, item):
        return item.when

    def item_guid(self, item):
        return item.key

    item_guid_is_permalink = False
