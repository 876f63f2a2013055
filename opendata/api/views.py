"""The read-only open-data API (/api/v1/). Only what the public pages show: no plan in
preparation, no comment that is not published, no e-mail address.

Answers carry an ETag and a Last-Modified date drawn from the data version (opengov.dataversion)
and honour If-None-Match / If-Modified-Since; their bodies are cached until the data changes.

Each endpoint reads only its declared query parameters (its filters, its pagination's and
`format`): a request with any other is refused with 400 and the list of those it reads, so that
a typo is visible instead of silently ignored, and no random parameter ever makes a cache entry.
Links in answers (`url`, `next`, `previous`) are under SITE_URL, never the request's host.
Every answer names the open data's licence (settings.OPEN_DATA_LICENCE) in a Link header with
rel="license"; the OpenAPI description names it too."""

from django.db.models import Prefetch
from django_filters import rest_framework as filters
from rest_framework import routers, viewsets

from commitments.models import (
    Comment,
    Commitment,
    InceptionAssessment,
    Indicator,
    IndicatorValue,
    Milestone,
    MilestoneUpdate,
    PlanDocument,
    SustainableDevelopmentGoal,
)
from consultations.models import (
    ActionPlan,
    Council,
    CouncilProgramme,
    Proposal,
    WorkingGroup,
    Workshop,
)
from consultations.selectors import public_commitments
from opengov.urls_absolute import site_links

from ..proposals import proposals_open_data
from . import ogp_serializers, serializers
from .base import CachedConditionalMixin, LargeCollectionPagination, Pagination, licence_link

# The descriptions of the filters in the OpenAPI description (English, like the rest of it).
COUNCIL = "The slug of a council (tanger-tetouan-al-hoceima)"
PLAN = "The id of an action plan"


class APIRootView(routers.APIRootView):
    """The list of endpoints, its links under SITE_URL."""

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(site_links(request), *args, **kwargs)
        response["Link"] = licence_link()
        return response


class ReadOnly(CachedConditionalMixin, viewsets.ReadOnlyModelViewSet):
    pagination_class = Pagination
    filter_backends = [filters.DjangoFilterBackend]


class CouncilFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=Council.Kind.choices, label="The kind of council")
    in_network = filters.BooleanFilter(
        field_name="in_network_since",
        lookup_expr="isnull",
        exclude=True,
        label="true: members of the network only; false: the others",
    )
    region = filters.CharFilter(field_name="parent__slug", label="The slug of the parent region")

    class Meta:
        model = Council
        fields = ["kind", "in_network", "region"]


class CouncilViewSet(ReadOnly):
    """Territorial collectivities (regions, prefectures and provinces, communes)."""

    queryset = Council.objects.select_related("parent").order_by("kind", "slug")
    serializer_class = serializers.CouncilSerializer
    filterset_class = CouncilFilter
    lookup_field = "slug"
    lookup_value_regex = "[-a-z0-9]+"


class PlanFilter(filters.FilterSet):
    council = filters.CharFilter(field_name="council__slug", label=COUNCIL)
    stage = filters.ChoiceFilter(
        choices=[c for c in ActionPlan.Stage.choices if c[0] != ActionPlan.Stage.PREPARATION],
        label="The plan's stage",
    )
    year = filters.NumberFilter(method="filter_year", label="A year the plan covers")

    class Meta:
        model = ActionPlan
        fields = ["council", "stage", "year"]

    def filter_year(self, queryset, name, value):
        return queryset.filter(start_year__lte=value, end_year__gte=value)


class PlanViewSet(ReadOnly):
    """Action plans that are public (every stage but preparation), with their PDFs."""

    serializer_class = serializers.PlanSerializer
    filterset_class = PlanFilter

    def get_queryset(self):
        return (
            ActionPlan.objects.public()
            .select_related("council")
            .prefetch_related(
                Prefetch(
                    "documents",
                    queryset=PlanDocument.objects.select_related("plan__council").order_by(
                        "-version", "language"
                    ),
                ),
                Prefetch(
                    "inception_assessment",
                    queryset=InceptionAssessment.objects.published().prefetch_related("reviews"),
                    to_attr="published_inception",
                ),
            )
            .order_by("-start_year", "council__slug")
        )


class CommitmentFilter(filters.FilterSet):
    council = filters.CharFilter(field_name="plan__council__slug", label=COUNCIL)
    plan = filters.NumberFilter(field_name="plan_id", label=PLAN)
    theme = filters.CharFilter(field_name="theme__slug", label="The slug of a theme")
    status = filters.ChoiceFilter(
        choices=Commitment.Status.choices, label="The implementation status the council declares"
    )

    class Meta:
        model = Commitment
        fields = ["council", "plan", "theme", "status"]


class CommitmentViewSet(ReadOnly):
    """Commitments of public plans, with their completion, goals and programme, their
    milestones and indicators and the history of each (dated entries, measured values)."""

    serializer_class = serializers.CommitmentSerializer
    filterset_class = CommitmentFilter

    def get_queryset(self):
        updates = MilestoneUpdate.objects.order_by("created_at", "id")
        values = IndicatorValue.objects.order_by("measured_on", "id")
        milestones = Milestone.objects.prefetch_related(Prefetch("updates", queryset=updates))
        indicators = Indicator.objects.prefetch_related(Prefetch("values", queryset=values))
        return (
            Commitment.objects.of_public_plans()
            .select_related("plan__council", "theme", "assessment")
            .prefetch_related(
                "assessment__evidence",
                Prefetch("milestones", queryset=milestones.order_by("due_date", "id")),
                Prefetch("indicators", queryset=indicators.order_by("id")),
                Prefetch("source_proposals", queryset=Proposal.objects.public()),
                "sdgs",
            )
            .order_by("plan_id", "position", "reference")
        )


class ProgrammeFilter(filters.FilterSet):
    council = filters.CharFilter(field_name="council__slug", label=COUNCIL)
    kind = filters.ChoiceFilter(
        choices=CouncilProgramme.Kind.choices, label="The kind of programme"
    )

    class Meta:
        model = CouncilProgramme
        fields = ["council", "kind"]


class ProgrammeViewSet(ReadOnly):
    """The councils' own programmes (PAC, PDP, PDR) their commitments serve."""

    queryset = CouncilProgramme.objects.select_related("council").order_by(
        "council__slug", "start_year", "kind", "id"
    )
    serializer_class = ogp_serializers.ProgrammeSerializer
    filterset_class = ProgrammeFilter


class SustainableDevelopmentGoalViewSet(ReadOnly):
    """The seventeen UN Sustainable Development Goals, with their official names."""

    queryset = SustainableDevelopmentGoal.objects.order_by("number")
    serializer_class = ogp_serializers.SustainableDevelopmentGoalSerializer
    lookup_value_regex = "[0-9]+"


class WorkshopFilter(filters.FilterSet):
    council = filters.CharFilter(field_name="council__slug", label=COUNCIL)
    plan = filters.NumberFilter(field_name="plan_id", label=PLAN)
    kind = filters.ChoiceFilter(choices=Workshop.Kind.choices, label="The kind of workshop")

    class Meta:
        model = Workshop
        fields = ["council", "plan", "kind"]


class WorkshopViewSet(ReadOnly):
    """Workshops with their working groups and participants by category and by sex."""

    serializer_class = serializers.WorkshopSerializer
    filterset_class = WorkshopFilter

    def get_queryset(self):
        return (
            Workshop.objects.public()
            .select_related("council")
            .prefetch_related(
                Prefetch(
                    "groups",
                    queryset=WorkingGroup.objects.select_related("theme").order_by(
                        "position", "id"
                    ),
                )
            )
            .order_by("-starts_on", "id")
        )


class ProposalFilter(filters.FilterSet):
    council = filters.CharFilter(field_name="council__slug", label=COUNCIL)
    plan = filters.NumberFilter(field_name="plan_id", label=PLAN)
    workshop = filters.NumberFilter(field_name="workshop_id", label="The id of a workshop")
    theme = filters.CharFilter(field_name="theme__slug", label="The slug of a theme")
    kind = filters.ChoiceFilter(choices=Proposal.Kind.choices, label="The kind of proposal")
    status = filters.ChoiceFilter(choices=Proposal.Status.choices, label="The answer given")
    online = filters.BooleanFilter(
        field_name="workshop",
        lookup_expr="isnull",
        label="true: sent online; false: from a workshop",
    )

    class Meta:
        model = Proposal
        fields = ["council", "plan", "workshop", "theme", "kind", "status", "online"]


class ProposalViewSet(ReadOnly):
    """Proposals received in workshops or online, with their status and reasoned response."""

    serializer_class = serializers.ProposalSerializer
    filterset_class = ProposalFilter
    pagination_class = LargeCollectionPagination

    def get_queryset(self):
        return (
            proposals_open_data()
            .select_related("council", "theme")
            .prefetch_related(public_commitments())
            .order_by("id")
        )


class CommentFilter(filters.FilterSet):
    plan = filters.NumberFilter(field_name="plan_id", label=PLAN)
    commitment = filters.CharFilter(
        field_name="commitment__reference", label="The reference of a commitment (TTA-2024-03)"
    )
    phase = filters.ChoiceFilter(
        choices=Comment.Phase.choices, label="consultation (draft plan) or implementation"
    )

    class Meta:
        model = Comment
        fields = ["plan", "commitment", "phase"]


class CommentViewSet(ReadOnly):
    """Published comments on draft plans, questions and comments on commitments during
    implementation (`phase`), and the councils' official replies."""

    serializer_class = serializers.CommentSerializer
    filterset_class = CommentFilter
    pagination_class = LargeCollectionPagination

    def get_queryset(self):
        return (
            Comment.objects.published()
            .of_public_plans()
            .select_related("commitment")
            .order_by("id")
        )
