"""Reads of the forum that pages share: what a council's page shows of its forum (names only
of members who consented to their publication), and a plan's latest endorsement."""

from __future__ import annotations

import dataclasses

from django.utils import timezone

from consultations.models import ActionPlan, Council
from opengov.sections import Section

from ..models import Forum, ForumMeeting, ForumMember, PlanEndorsement


@dataclasses.dataclass(frozen=True)
class Composition:
    """The current members of a forum, counted (all of them) and named (those who agreed)."""

    total: int
    by_sector: list[tuple[str, int]]  # (label, count), in the order of the choices, no zeros
    by_sex: list[tuple[str, int]]
    named: list[ForumMember]  # public members only
    unnamed: int  # members counted but not named


def composition(members: list[ForumMember]) -> Composition:
    def counts(field: str, choices) -> list[tuple[str, int]]:
        found = [getattr(member, field) for member in members]
        return [(label, found.count(value)) for value, label in choices if value in found]

    named = [member for member in members if member.public]
    return Composition(
        total=len(members),
        by_sector=counts("sector", ForumMember.Sector.choices),
        by_sex=counts("sex", ForumMember.Sex.choices),
        named=named,
        unnamed=len(members) - len(named),
    )


def council_forum(council: Council) -> dict | None:
    """The forum of a council as its public page shows it: current members' composition,
    meetings about no plan or a public plan (newest first), or None without a forum.
    Three queries, whatever the number of members and meetings."""
    forum = Forum.objects.filter(council=council).first()
    if forum is None:
        return None
    members = list(forum.members.current(timezone.localdate()))
    meetings = list(ForumMeeting.objects.filter(forum=forum).public().order_by("-held_on", "-id"))
    return {"forum": forum, "composition": composition(members), "meetings": meetings}


def council_forum_section(*, council: Council, **_page) -> Section | None:
    """The forum's section of its council's page (opengov.sections)."""
    forum = council_forum(council)
    if forum is None:
        return None
    return Section("commitments/forum_section.html", forum)


def plan_endorsement(plan: ActionPlan) -> PlanEndorsement | None:
    """The forum's latest endorsement of the plan (the highest version endorsed), or None."""
    return plan.endorsements.order_by("-version", "-endorsed_on").first()
