"""The follow-up tables of the open data: the progress histories (every dated entry on a
milestone, every measured value of an indicator), the councils' own programmes (PAC, PDP, PDR)
and the Sustainable Development Goals the commitments name. Registered after the core tables by
opendata.datasets. Only public plans' rows; never who recorded an entry."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from commitments.models import IndicatorValue, MilestoneUpdate, SustainableDevelopmentGoal
from consultations.models import ActionPlan, CouncilProgramme
from opengov.urls_absolute import absolute_url

from .tables import Dataset, bilingual


def _of_public_plans(model):
    return model.objects.filter(**{f"{model.PLAN_PATH}__in": ActionPlan.objects.public()})


def _evidence_file_url(update: MilestoneUpdate) -> str:
    return absolute_url(update.download_url()) if update.evidence_file else ""


def _document_url(programme: CouncilProgramme) -> str:
    return absolute_url(programme.download_url()) if programme.document else ""


FOLLOW_UP_DATASETS = [
    Dataset(
        "milestone_updates",
        gettext_noop(
            "The progress history of the milestones: each dated entry with the status it recorded, "
            "its completion date, a note and its evidence (a link, a document). recorded_at is when"
            " it was entered."
        ),
        [
            "id",
            "milestone_id",
            "commitment_id",
            "status",
            "completed_on",
            *bilingual("note"),
            "evidence_url",
            "evidence_file_url",
            "recorded_at",
        ],
        lambda: (
            _of_public_plans(MilestoneUpdate)
            .select_related("milestone")
            .order_by("milestone_id", "created_at", "id")
        ),
        lambda u: [
            u.pk,
            u.milestone_id,
            u.milestone.commitment_id,
            u.status,
            u.completed_on,
            u.note_ar or "",
            u.note_fr or "",
            u.evidence_url,
            _evidence_file_url(u),
            u.created_at,
        ],
        plan_lookup="milestone__commitment__plan_id",
    ),
    Dataset(
        "indicator_values",
        gettext_noop(
            "The history of the indicators: each measured value with the date it was measured and "
            "its source. recorded_at is when it was entered."
        ),
        ["id", "indicator_id", "commitment_id", "value", "measured_on", "source", "recorded_at"],
        lambda: (
            _of_public_plans(IndicatorValue)
            .select_related("indicator")
            .order_by("indicator_id", "measured_on", "id")
        ),
        lambda v: [
            v.pk,
            v.indicator_id,
            v.indicator.commitment_id,
            v.value,
            v.measured_on,
            v.source,
            v.created_at,
        ],
        plan_lookup="indicator__commitment__plan_id",
    ),
    Dataset(
        "programmes",
        gettext_noop(
            "The councils' own programmes their commitments serve: kind (pac: communal action "
            "programme, pdp: provincial or prefectoral development programme, pdr: regional "
            "development programme, other), title, period, address and document."
        ),
        [
            "id",
            "council",
            "kind",
            *bilingual("title"),
            "start_year",
            "end_year",
            "url",
            "document_url",
        ],
        lambda: CouncilProgramme.objects.select_related("council").order_by(
            "council__slug", "start_year", "kind", "id"
        ),
        lambda p: [
            p.pk,
            p.council.slug,
            p.kind,
            p.title_ar or "",
            p.title_fr or "",
            p.start_year,
            p.end_year,
            p.url,
            _document_url(p),
        ],
    ),
    Dataset(
        "sdgs",
        gettext_noop(
            "The United Nations Sustainable Development Goals, by number, with their official names"
            " in Arabic, French and English."
        ),
        ["number", "name_ar", "name_fr", "name_en"],
        lambda: SustainableDevelopmentGoal.objects.order_by("number"),
        lambda g: [g.number, g.name_ar, g.name_fr, g.name_en],
    ),
]
