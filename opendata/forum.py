"""The multi-stakeholder forum's open data: its API endpoints (/api/v1/forums/, /endorsements/)
and its datasets (registered in opendata.datasets from OpendataConfig.ready()).

The rules of the public pages hold: every current member is counted (by sector and by sex), but
a member is named only with their recorded consent (law 09-08), and never with their sex;
meetings and endorsements of a plan in preparation are left out. Column names are English."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_noop
from django_filters import rest_framework as filters
from rest_framework import serializers

from commitments.forum.selectors import composition
from commitments.models import Forum, ForumMeeting, ForumMember, PlanEndorsement

from .api.fields import bilingual
from .api.views import ReadOnly
from .datasets import LANGS, Dataset, _b, _register

SECTORS = ForumMember.Sector.values
SEXES = ForumMember.Sex.values


def _counts(members: list[ForumMember]) -> dict:
    """Current members counted: in all, by sector and by sex (every choice, zeros included)."""
    sectors = [m.sector for m in members]
    sexes = [m.sex for m in members]
    return {
        "total": len(members),
        "by_sector": {value: sectors.count(value) for value in SECTORS},
        "by_sex": {value: sexes.count(value) for value in SEXES},
    }


def _current(forum: Forum) -> list[ForumMember]:
    today = timezone.localdate()
    return [m for m in forum.members.all() if m.left_on is None or m.left_on > today]


# --- the API --------------------------------------------------------------------------------


class ForumMemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = ForumMember
        fields = ["name", "organisation", "sector", "role", "joined_on", "left_on"]


class ForumMeetingSerializer(serializers.ModelSerializer):
    class Meta:
        model = ForumMeeting
        fields = [
            "id",
            "plan",
            "held_on",
            *bilingual("title", "venue", "minutes"),
            "attendees",
            "attendees_women",
            "attendees_men",
        ]


class ForumSerializer(serializers.ModelSerializer):
    council = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    composition = serializers.SerializerMethodField()
    members = serializers.SerializerMethodField()
    meetings = ForumMeetingSerializer(source="public_meetings", many=True, read_only=True)

    class Meta:
        model = Forum
        fields = [
            "id",
            "council",
            *bilingual("name", "description"),
            "established_on",
            "composition",
            "members",
            "meetings",
        ]

    def get_composition(self, obj) -> dict:
        return _counts(_current(obj))

    def get_members(self, obj) -> list:
        named = composition(_current(obj)).named
        return ForumMemberSerializer(named, many=True).data


class EndorsementSerializer(serializers.ModelSerializer):
    council = serializers.SlugRelatedField(
        source="forum.council", slug_field="slug", read_only=True
    )

    class Meta:
        model = PlanEndorsement
        fields = [
            "id",
            "plan",
            "council",
            "forum",
            "version",
            "endorsed_on",
            "meeting",
            *bilingual("statement"),
        ]


class ForumFilter(filters.FilterSet):
    council = filters.CharFilter(field_name="council__slug", label="The slug of a council")

    class Meta:
        model = Forum
        fields = ["council"]


class ForumViewSet(ReadOnly):
    """Each council's multi-stakeholder forum: its composition by sector and by sex, the
    members who agreed to be named, and its meetings (those of public plans)."""

    serializer_class = ForumSerializer
    filterset_class = ForumFilter

    def get_queryset(self):
        return (
            Forum.objects.select_related("council")
            .prefetch_related(
                "members",
                Prefetch(
                    "meetings",
                    queryset=ForumMeeting.objects.public().order_by("-held_on", "-id"),
                    to_attr="public_meetings",
                ),
            )
            .order_by("council__slug")
        )


class EndorsementFilter(filters.FilterSet):
    council = filters.CharFilter(field_name="plan__council__slug", label="The slug of a council")
    plan = filters.NumberFilter(field_name="plan_id", label="The id of an action plan")

    class Meta:
        model = PlanEndorsement
        fields = ["council", "plan"]


class EndorsementViewSet(ReadOnly):
    """The forums' endorsements of versions of public plans."""

    serializer_class = EndorsementSerializer
    filterset_class = EndorsementFilter

    def get_queryset(self):
        return (
            PlanEndorsement.objects.of_public_plans()
            .select_related("forum__council")
            .order_by("plan_id", "version")
        )


# --- the datasets ----------------------------------------------------------------------------


def _forum_row(forum: Forum) -> list:
    counts = _counts(_current(forum))
    return [
        forum.pk,
        forum.council.slug,
        forum.name_ar,
        forum.name_fr,
        forum.established_on,
        counts["total"],
        *counts["by_sex"].values(),
        *counts["by_sector"].values(),
    ]


def register_datasets() -> None:
    _register(
        Dataset(
            "forums",
            gettext_noop("Multi-stakeholder forums: current members counted by sex and by sector."),
            [
                "id",
                "council",
                *_b("name"),
                "established_on",
                "members",
                *[f"members_{value}" for value in SEXES],
                *[f"members_{value}" for value in SECTORS],
            ],
            lambda: (
                Forum.objects.select_related("council")
                .prefetch_related("members")
                .order_by("council__slug")
            ),
            _forum_row,
        )
    )
    _register(
        Dataset(
            "forum_members",
            gettext_noop(
                "Forum members who agreed to be named (law 09-08): organisation, sector, role."
            ),
            [
                "forum_id",
                "council",
                "name",
                "organisation",
                "sector",
                "role",
                "joined_on",
                "left_on",
            ],
            lambda: (
                ForumMember.objects.filter(public=True)
                .select_related("forum__council")
                .order_by("forum_id", "id")
            ),
            lambda m: [
                m.forum_id,
                m.forum.council.slug,
                m.name,
                m.organisation,
                m.sector,
                m.role,
                m.joined_on,
                m.left_on,
            ],
        )
    )
    _register(
        Dataset(
            "forum_meetings",
            gettext_noop(
                "Forum meetings (those of public plans, or of no plan) with attendance and minutes."
            ),
            [
                "id",
                "forum_id",
                "council",
                "plan_id",
                "held_on",
                *_b("title", "venue", "minutes"),
                "attendees",
                "attendees_women",
                "attendees_men",
            ],
            lambda: (
                ForumMeeting.objects.public()
                .select_related("forum__council")
                .order_by("forum_id", "held_on", "id")
            ),
            lambda m: [
                m.pk,
                m.forum_id,
                m.forum.council.slug,
                m.plan_id or "",
                m.held_on,
                *[
                    getattr(m, f"{n}_{code}") or ""
                    for n in ("title", "venue", "minutes")
                    for code in LANGS
                ],
                m.attendees,
                m.attendees_women,
                m.attendees_men,
            ],
        )
    )
    _register(
        Dataset(
            "endorsements",
            gettext_noop("The forums' endorsements of a version of a public plan."),
            [
                "id",
                "plan_id",
                "council",
                "forum_id",
                "version",
                "endorsed_on",
                "meeting_id",
                *_b("statement"),
            ],
            lambda: (
                PlanEndorsement.objects.of_public_plans()
                .select_related("forum__council")
                .order_by("plan_id", "version")
            ),
            lambda e: [
                e.pk,
                e.plan_id,
                e.forum.council.slug,
                e.forum_id,
                e.version,
                e.endorsed_on,
                e.meeting_id or "",
                e.statement_ar or "",
                e.statement_fr or "",
            ],
        )
    )
