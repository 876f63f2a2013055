"""The open-data API's shapes. Every translated field appears in both languages (`title_ar`,
`title_fr`) so that one call serves both; e-mail addresses and moderation data never appear.
Links (`url`) are under SITE_URL (opengov.urls_absolute), never the request's host."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from commitments.models import (
    Comment,
    Commitment,
    CommitmentAssessment,
    Indicator,
    Milestone,
    PlanDocument,
)
from consultations.models import (
    ActionPlan,
    Council,
    Proposal,
    Theme,
    WorkingGroup,
    Workshop,
)
from opengov.urls_absolute import absolute_url

from .fields import MonthOrDayField, TranslationPendingField, bilingual
from .ogp_serializers import (
    EndOfCommitmentAssessmentSerializer,
    InceptionAssessmentSerializer,
    IndicatorValueSerializer,
    MilestoneUpdateSerializer,
)


class ThemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["slug", *bilingual("name")]


class CouncilSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(
        source="parent", slug_field="slug", read_only=True, allow_null=True
    )
    url = serializers.SerializerMethodField()

    class Meta:
        model = Council
        fields = [
            "slug",
            "code",
            "kind",
            *bilingual("name"),
            "region",
            "in_network_since",
            "website",
            "url",
        ]

    def get_url(self, obj) -> str:
        return absolute_url(obj.get_absolute_url())


class DocumentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = PlanDocument
        fields = ["language", "version", "sha256", "size", "generated_at", "is_current", "url"]

    def get_url(self, obj) -> str:
        from django.urls import reverse

        path = reverse(
            "commitments:plan_document",
            args=[obj.plan.council.slug, obj.plan.start_year, obj.pk],
        )
        return absolute_url(path)


class PlanSerializer(serializers.ModelSerializer):
    council = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    url = serializers.SerializerMethodField()
    documents = DocumentSerializer(many=True, read_only=True)
    inception_assessment = serializers.SerializerMethodField()
    translation_pending = TranslationPendingField()

    class Meta:
        model = ActionPlan
        fields = [
            "id",
            "council",
            "start_year",
            "end_year",
            *bilingual("title", "introduction"),
            "stage",
            "consultation_opens_on",
            "consultation_closes_on",
            "predecessor",
            "submitted_on",
            "ogp_page_url",
            "original_language",
            "translation_pending",
            "updated_at",
            "url",
            "documents",
            "inception_assessment",
        ]

    def get_url(self, obj) -> str:
        return absolute_url(obj.get_absolute_url())

    @extend_schema_field(InceptionAssessmentSerializer(allow_null=True))
    def get_inception_assessment(self, obj) -> dict | None:
        """The published inception assessment (its draft is not public), or null."""
        published = getattr(obj, "published_inception", None)
        return InceptionAssessmentSerializer(published).data if published else None


class MilestoneSerializer(serializers.ModelSerializer):
    start_date = MonthOrDayField(allow_null=True)
    due_date = MonthOrDayField()
    updates = MilestoneUpdateSerializer(many=True, read_only=True)

    class Meta:
        model = Milestone
        fields = [
            "id",
            *bilingual(*Milestone.TEXT_FIELDS),
            "start_date",
            "start_date_precision",
            "due_date",
            "due_date_precision",
            "status",
            "completed_on",
            "evidence_url",
            "updates",
        ]


class IndicatorSerializer(serializers.ModelSerializer):
    values = IndicatorValueSerializer(many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "id",
            *bilingual("name", "unit", "source"),
            "baseline",
            "target",
            "latest_value",
            "latest_value_on",
            "values",
        ]


class CommitmentSerializer(serializers.ModelSerializer):
    plan = serializers.PrimaryKeyRelatedField(read_only=True)
    council = serializers.CharField(source="plan.council.slug", read_only=True)
    theme = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    milestones = MilestoneSerializer(many=True, read_only=True)
    indicators = IndicatorSerializer(many=True, read_only=True)
    source_proposals = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    completion = serializers.CharField(read_only=True)
    sdgs = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    programme = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    url = serializers.SerializerMethodField()
    start_date = MonthOrDayField(allow_null=True)
    end_date = MonthOrDayField(allow_null=True)
    assessment = serializers.SerializerMethodField()
    translation_pending = TranslationPendingField()

    class Meta:
        model = Commitment
        fields = [
            "id",
            "plan",
            "council",
            "reference",
            "theme",
            "status",
            *bilingual(*Commitment.TEXT_FIELDS),
            "transparency",
            "participation",
            "accountability",
            "technology_innovation",
            "start_date",
            "start_date_precision",
            "end_date",
            "end_date_precision",
            "budget",
            "ogp_id",
            "ogp_url",
            "challenge_area",
            "policy_area",
            "sector",
            "original_language",
            "original_wording",
            "translation_pending",
            "completion",
            "sdgs",
            "programme",
            "programme_reference",
            "updated_at",
            "url",
            "milestones",
            "indicators",
            "source_proposals",
            "assessment",
        ]

    def get_url(self, obj) -> str:
        return absolute_url(obj.get_absolute_url())

    @extend_schema_field(EndOfCommitmentAssessmentSerializer(allow_null=True))
    def get_assessment(self, obj) -> dict | None:
        """The end-of-commitment assessment, or null while none is filed."""
        try:
            assessment = obj.assessment
        except CommitmentAssessment.DoesNotExist:
            return None
        return EndOfCommitmentAssessmentSerializer(assessment).data


class WorkingGroupSerializer(serializers.ModelSerializer):
    theme = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = WorkingGroup
        fields = ["id", "position", *bilingual("title"), "theme", "facilitator", "rapporteur"]


class ParticipantsSerializer(serializers.Serializer):
    civil_society = serializers.IntegerField(source="participants_civil_society")
    deconcentrated_services = serializers.IntegerField(
        source="participants_deconcentrated_services"
    )
    elected_members = serializers.IntegerField(source="participants_elected_members")
    academics = serializers.IntegerField(source="participants_academics")
    private_sector = serializers.IntegerField(source="participants_private_sector")
    citizens = serializers.IntegerField(source="participants_citizens")
    other = serializers.IntegerField(source="participants_other")
    women = serializers.IntegerField(source="participants_women")
    men = serializers.IntegerField(source="participants_men")
    total = serializers.IntegerField(source="participants_total")


class WorkshopSerializer(serializers.ModelSerializer):
    council = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    participants = ParticipantsSerializer(source="*", read_only=True)
    working_groups = WorkingGroupSerializer(source="groups", many=True, read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Workshop
        fields = [
            "id",
            "council",
            "plan",
            "kind",
            *bilingual("title", "venue", "city", "chaired_by", "summary"),
            "starts_on",
            "ends_on",
            "participants",
            "working_groups",
            "url",
        ]

    def get_url(self, obj) -> str:
        return absolute_url(obj.get_absolute_url())


class ProposalSerializer(serializers.ModelSerializer):
    council = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    theme = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    commitments = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    online = serializers.BooleanField(
        source="is_online", read_only=True, help_text="Sent online (no workshop)."
    )
    # Read from opendata.proposals.proposals_open_data(): only a public proposal is named.
    duplicate_of = serializers.IntegerField(
        source="public_duplicate_of_id",
        read_only=True,
        allow_null=True,
        help_text="The proposal this one was merged with, as a duplicate.",
    )
    url = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = [
            "id",
            "council",
            "plan",
            "workshop",
            "working_group",
            "theme",
            "kind",
            *bilingual("title", "body", "response"),
            "submitted_by",
            "status",
            "responded_at",
            "online",
            "residence",
            "support_count",
            "duplicate_of",
            "commitments",
            "url",
        ]

    def get_url(self, obj) -> str:
        return absolute_url(obj.get_absolute_url())


class CommentSerializer(serializers.ModelSerializer):
    commitment = serializers.SlugRelatedField(
        slug_field="reference", read_only=True, allow_null=True
    )

    class Meta:
        model = Comment
        fields = [
            "id",
            "plan",
            "commitment",
            "parent",
            "phase",
            "author_name",
            "body",
            "language",
            "published_at",
            "official_reply",
            "replied_at",
        ]
