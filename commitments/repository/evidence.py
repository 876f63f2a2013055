"""What the portal holds for each OGP Local requirement of a plan, with the date of its last
update.

EVIDENCE_PROVIDERS is the list of the requirements, in the order the page shows them: each
provider takes the plan and returns one Evidence. Another part of the portal adds its own
requirement with `add_evidence_provider` (from its AppConfig.ready() or the module that holds
its models): the monitoring body's inception and end-of-commitment assessments, say. Every
provider is one or two aggregate queries, whatever the size of the plan."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext

from consultations.models import ActionPlan, Proposal, Workshop
from opengov.dates import add_months

from ..models import (
    Commitment,
    CommitmentAssessment,
    Forum,
    ForumMeeting,
    InceptionAssessment,
    IndicatorValue,
    MilestoneUpdate,
    PlanDocument,
    PlanEndorsement,
    PlanSelfAssessment,
)

# A plan whose repository has had no update for this many months gets the notice and the
# reminder.
STALE_AFTER_MONTHS = 4
# The stages in which the repository is expected to move (a plan being carried out).
RUNNING_STAGES = (ActionPlan.Stage.IMPLEMENTATION,)


@dataclasses.dataclass(frozen=True)
class Evidence:
    key: str  # stable, English: "forum", "endorsement" …
    requirement: str  # the OGP requirement, in the reader's language
    summary: str  # what the portal holds, in the reader's language
    held: bool  # whether the portal holds anything for it
    last_update: datetime.date | None
    url: str = ""  # where the public sees it, if anywhere


Provider = Callable[[ActionPlan], Evidence]


def _progress_url(plan: ActionPlan) -> str:
    return reverse("commitments:progress_report", args=[plan.council.slug, plan.start_year])


def _day(value) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value)
    return value


def _latest(*values) -> datetime.date | None:
    days = [_day(v) for v in values if v is not None]
    return max(days) if days else None


def forum(plan: ActionPlan) -> Evidence:
    found = (
        Forum.objects.filter(council_id=plan.council_id)
        .annotate(member_count=Count("members"), members_changed=Max("members__updated_at"))
        .first()
    )
    members = found.member_count if found else 0
    return Evidence(
        "forum",
        gettext("A multi-stakeholder forum, with its members"),
        ngettext("%(count)d member", "%(count)d members", members) % {"count": members}
        if found
        else gettext("No forum recorded."),
        found is not None and members > 0,
        _latest(found.updated_at, found.members_changed) if found else None,
        plan.council.get_absolute_url() if found else "",
    )


def forum_meetings(plan: ActionPlan) -> Evidence:
    meetings = ForumMeeting.objects.filter(forum__council_id=plan.council_id).public()
    found = meetings.aggregate(
        count=Count("id"),
        with_minutes=Count(
            "id",
            filter=~Q(minutes_file="") | Q(minutes_ar__strip__gt="") | Q(minutes_fr__strip__gt=""),
        ),
        last=Max("updated_at"),
    )
    return Evidence(
        "forum_meetings",
        gettext("Forum meetings and their minutes"),
        gettext("%(count)d meetings, %(minutes)d with minutes")
        % {"count": found["count"], "minutes": found["with_minutes"]},
        found["with_minutes"] > 0,
        _latest(found["last"]),
        plan.council.get_absolute_url() if found["count"] else "",
    )


def co_creation(plan: ActionPlan) -> Evidence:
    workshops = Workshop.objects.filter(plan=plan).aggregate(
        count=Count("id"), last=Max("updated_at")
    )
    # The plan's counters are kept right whenever a proposal is saved (consultations.counters).
    proposals = Proposal.objects.filter(plan=plan).published().aggregate(last=Max("updated_at"))
    proposals |= {"count": plan.proposal_count, "answered": plan.answered_proposal_count}
    return Evidence(
        "co_creation",
        gettext("Co-creation: workshops, and a reasoned response to every proposal"),
        gettext("%(workshops)d workshops, %(proposals)d proposals, %(answered)d answered")
        % {
            "workshops": workshops["count"],
            "proposals": proposals["count"],
            "answered": proposals["answered"],
        },
        workshops["count"] > 0 and proposals["answered"] == proposals["count"],
        _latest(workshops["last"], proposals["last"]),
        plan.get_absolute_url(),
    )


def commitments(plan: ActionPlan) -> Evidence:
    found = Commitment.objects.filter(plan=plan).aggregate(
        count=Count("id", distinct=True),
        milestone_count=Count("milestones", distinct=True),
        last=Max("updated_at"),
        milestone_last=Max("milestones__updated_at"),
    )
    return Evidence(
        "commitments",
        gettext("Commitments with their milestones"),
        gettext("%(commitments)d commitments, %(milestones)d milestones")
        % {"commitments": found["count"], "milestones": found["milestone_count"]},
        found["count"] > 0 and found["milestone_count"] > 0,
        _latest(found["last"], found["milestone_last"]),
        plan.get_absolute_url(),
    )


def published_plan(plan: ActionPlan) -> Evidence:
    found = PlanDocument.objects.filter(plan=plan).aggregate(
        version=Max("version"), last=Max("generated_at")
    )
    return Evidence(
        "published_plan",
        gettext("The plan published as a document"),
        gettext("Version %(version)d") % {"version": found["version"]}
        if found["version"]
        else gettext("Not published yet."),
        found["version"] is not None,
        _latest(found["last"]),
        plan.get_absolute_url() if found["version"] else "",
    )


def endorsement(plan: ActionPlan) -> Evidence:
    found = PlanEndorsement.objects.filter(plan=plan).order_by("-version").first()
    return Evidence(
        "endorsement",
        gettext("The forum's endorsement of the plan"),
        gettext("Version %(version)d endorsed") % {"version": found.version}
        if found
        else gettext("Not endorsed yet."),
        found is not None,
        _latest(found.endorsed_on, found.updated_at) if found else None,
        plan.get_absolute_url() if found else "",
    )


def submission(plan: ActionPlan) -> Evidence:
    submitted = plan.submitted_on
    return Evidence(
        "submission",
        gettext("The plan submitted to OGP"),
        gettext("Submitted on %(date)s") % {"date": formats.date_format(submitted)}
        if submitted
        else gettext("Not submitted yet."),
        submitted is not None,
        submitted,
        plan.ogp_page_url if submitted else "",
    )


def inception(plan: ActionPlan) -> Evidence:
    found = (
        InceptionAssessment.objects.published()
        .filter(plan=plan)
        .only("published_on", "updated_at")
        .first()
    )
    return Evidence(
        "inception",
        gettext("The monitoring body's inception assessment"),
        gettext("Published on %(date)s") % {"date": formats.date_format(found.published_on)}
        if found and found.published_on
        else gettext("Not published yet."),
        found is not None,
        _latest(found.published_on, found.updated_at) if found else None,
        f"{plan.get_absolute_url()}#inception-heading" if found else "",
    )


def progress(plan: ActionPlan) -> Evidence:
    updates = MilestoneUpdate.objects.filter(milestone__commitment__plan=plan).aggregate(
        count=Count("id"), last=Max("created_at")
    )
    values = IndicatorValue.objects.filter(indicator__commitment__plan=plan).aggregate(
        count=Count("id"), last=Max("created_at")
    )
    return Evidence(
        "progress",
        gettext("Progress updates on milestones and indicators"),
        gettext("%(updates)d milestone updates, %(values)d indicator values")
        % {"updates": updates["count"], "values": values["count"]},
        updates["count"] + values["count"] > 0,
        _latest(updates["last"], values["last"]),
        _progress_url(plan),
    )


def assessments(plan: ActionPlan) -> Evidence:
    ends = CommitmentAssessment.objects.filter(commitment__plan=plan).aggregate(
        count=Count("id"), last=Max("updated_at")
    )
    selves = PlanSelfAssessment.objects.filter(plan=plan).aggregate(
        count=Count("id"), last=Max("updated_at")
    )
    return Evidence(
        "assessments",
        gettext("End-of-commitment assessments and self-assessments"),
        gettext("%(ends)d end-of-commitment assessments, %(selves)d self-assessments")
        % {"ends": ends["count"], "selves": selves["count"]},
        ends["count"] + selves["count"] > 0,
        _latest(ends["last"], selves["last"]),
        _progress_url(plan),
    )


EVIDENCE_PROVIDERS: list[Provider] = [
    forum,
    forum_meetings,
    co_creation,
    commitments,
    published_plan,
    endorsement,
    submission,
    inception,
    progress,
    assessments,
]


def add_evidence_provider(provider: Provider, *, after: str | None = None) -> None:
    """Add a requirement to every plan's repository (at the end, or after the provider named
    `after`). Adding the same provider twice is a no-op."""
    if provider in EVIDENCE_PROVIDERS:
        return
    names = [p.__name__ for p in EVIDENCE_PROVIDERS]
    position = names.index(after) + 1 if after in names else len(EVIDENCE_PROVIDERS)
    EVIDENCE_PROVIDERS.insert(position, provider)


@dataclasses.dataclass(frozen=True)
class Repository:
    plan: ActionPlan
    evidence: list[Evidence]
    last_update: datetime.date | None
    stale: bool  # a running plan with no update for STALE_AFTER_MONTHS months


def plan_repository(plan: ActionPlan, today: datetime.date | None = None) -> Repository:
    today = today or timezone.localdate()
    evidence = [provider(plan) for provider in EVIDENCE_PROVIDERS]
    last = _latest(*(e.last_update for e in evidence))
    stale = plan.stage in RUNNING_STAGES and (
        last is None or add_months(last, STALE_AFTER_MONTHS) < today
    )
    return Repository(plan, evidence, last, stale)
