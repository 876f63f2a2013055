"""The API's shapes of OGP Local's process and of the follow-up: the monitoring body's
assessments (never who filed them), progress entries (never who recorded them), the UN goals and
the councils' own programmes."""

from rest_framework import serializers

from commitments.models import (
    CommitmentAssessment,
    InceptionAssessment,
    InceptionCommitmentReview,
    IndicatorValue,
    MilestoneUpdate,
    SustainableDevelopmentGoal,
)
from consultations.models import CouncilProgramme
from opengov.urls_absolute import absolute_url

from .fields import bilingual


class InceptionReviewSerializer(serializers.ModelSerializer):
    commitment = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = InceptionCommitmentReview
        fields = [
            "commitment",
            "open_government_lens",
            "verifiable",
            "potential_for_results",
            *bilingual("comment"),
        ]


class InceptionAssessmentSerializer(serializers.ModelSerializer):
    reviews = InceptionReviewSerializer(many=True, read_only=True)

    class Meta:
        model = InceptionAssessment
        fields = [
            *InceptionAssessment.PROCESS_FIELDS,
            *bilingual("co_creation", "summary"),
            "due_on",
            "published_on",
            "reviews",
        ]


class MilestoneUpdateSerializer(serializers.ModelSerializer):
    """A dated progress entry: never who recorded it."""

    evidence_file_url = serializers.SerializerMethodField()
    recorded_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = MilestoneUpdate
        fields = [
            "id",
            "status",
            "completed_on",
            *bilingual("note"),
            "evidence_url",
            "evidence_file_url",
            "recorded_at",
        ]

    def get_evidence_file_url(self, obj) -> str:
        return absolute_url(obj.download_url()) if obj.evidence_file else ""


class IndicatorValueSerializer(serializers.ModelSerializer):
    recorded_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = IndicatorValue
        fields = ["id", "value", "measured_on", "source", "recorded_at"]


class EndOfCommitmentAssessmentSerializer(serializers.ModelSerializer):
    """OGP Local's end-of-commitment assessment, by the monitoring body (never who filed it)."""

    due_on = serializers.DateField(read_only=True)
    evidence_files = serializers.SerializerMethodField()

    class Meta:
        model = CommitmentAssessment
        fields = [
            *bilingual("what_was_done"),
            "completion",
            "opened_government",
            *bilingual("explanation"),
            *[
                field
                for name in CommitmentAssessment.VALUE_FIELDS
                for field in (name, *bilingual(f"{name}_explanation"))
            ],
            "evidence_files",
            "due_on",
            "updated_at",
        ]

    def get_evidence_files(self, obj) -> list[str]:
        return [absolute_url(evidence.download_url()) for evidence in obj.evidence.all()]


class SustainableDevelopmentGoalSerializer(serializers.ModelSerializer):
    class Meta:
        model = SustainableDevelopmentGoal
        fields = ["number", "name_ar", "name_fr", "name_en"]


class ProgrammeSerializer(serializers.ModelSerializer):
    council = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    document_url = serializers.SerializerMethodField()

    class Meta:
        model = CouncilProgramme
        fields = [
            "id",
            "council",
            "kind",
            *bilingual("title"),
            "start_year",
            "end_year",
            "url",
            "document_url",
        ]

    def get_document_url(self, obj) -> str:
        return absolute_url(obj.download_url()) if obj.document else ""
