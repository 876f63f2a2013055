"""Open-data datasets: one table per public dataset, as CSV (UTF-8 with BOM) and JSON. The ZIP of
everything is in opendata.bundle, the Decidim results CSV in opendata.decidim; the follow-up
tables (progress histories, councils' programmes, the goals) are in opendata.followup, the
comments (both conversations) in opendata.comments, the proposals in opendata.proposals, the
shape every table shares in opendata.tables.

Same rules as the API: only public plans, only published comments and proposals, never an e-mail
address. Cells a spreadsheet would run as a formula are escaped
(opengov.spreadsheets.neutralise)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext_noop

from commitments.models import Commitment, Indicator, Milestone
from consultations.models import ActionPlan, Council, Proposal, WorkingGroup, Workshop
from opengov.dates import iso_of
from opengov.translations import pending_languages

from .comments import COMMENTS
from .followup import FOLLOW_UP_DATASETS
from .proposals import PROPOSALS
from .tables import LANGS, Dataset, bilingual as _b, rows, to_csv, to_json

__all__ = ["DATASETS", "LANGS", "Dataset", "rows", "to_csv", "to_json"]


def _plan_of_workshop(w):
    return w.plan_id or ""


DATASETS: dict[str, Dataset] = {}


def _register(dataset: Dataset) -> None:
    DATASETS[dataset.name] = dataset


_register(
    Dataset(
        "councils",
        gettext_noop(
            "Territorial collectivities: kind (region, prefecture_province, commune), names, "
            "region."
        ),
        ["slug", "code", "kind", *_b("name"), "region", "in_network_since", "website"],
        lambda: Council.objects.select_related("parent").order_by("kind", "slug"),
        lambda c: [
            c.slug,
            c.code,
            c.kind,
            c.name_ar,
            c.name_fr,
            c.parent.slug if c.parent else "",
            c.in_network_since,
            c.website,
        ],
    )
)
_register(
    Dataset(
        "plans",
        gettext_noop(
            "Action plans (every stage but preparation): period, stage, consultation dates, the "
            "date the plan was submitted to OGP and its page on OGP's site; original_language: the "
            "language the official text was written in (ar, fr, other); translation_pending: the "
            "languages a text of the plan waits to be translated into."
        ),
        [
            "id",
            "council",
            "start_year",
            "end_year",
            *_b("title"),
            "stage",
            "consultation_opens_on",
            "consultation_closes_on",
            "predecessor_id",
            "submitted_on",
            "ogp_page_url",
            "original_language",
            "translation_pending",
        ],
        lambda: (
            ActionPlan.objects.public()
            .select_related("council")
            .order_by("council__slug", "start_year")
        ),
        lambda p: [
            p.pk,
            p.council.slug,
            p.start_year,
            p.end_year,
            p.title_ar,
            p.title_fr,
            p.stage,
            p.consultation_opens_on,
            p.consultation_closes_on,
            p.predecessor_id or "",
            p.submitted_on,
            p.ogp_page_url,
            p.original_language,
            " ".join(pending_languages(p)),
        ],
    )
)
_register(
    Dataset(
        "commitments",
        gettext_noop(
            "Commitments with every OGP field; the four OGP values are true/false; ogp_id and "
            "ogp_url are the commitment's identifier and page on OGP's site, challenge_area one of "
            "the ten Open Gov Challenge areas (its code), policy_area and sector OGP's "
            "classification; original_language the language of the official text (ar, fr, other), "
            "original_wording its verbatim text when written in another language, "
            "translation_pending the languages a text of the commitment waits to be translated "
            "into; completion the completion level shown (no_evidence, not_started, limited, "
            "substantial, complete); sdgs the numbers of the Sustainable Development Goals it "
            "serves (see sdgs); programme_id the council's own programme it serves (see programmes)"
            " and programme_reference its axis or measure there. Dates are days (2024-03-15) or "
            "months (2024-03), as <date>_precision says (day or month)."
        ),
        [
            "id",
            "plan_id",
            "council",
            "reference",
            "theme",
            "status",
            *_b(*Commitment.TEXT_FIELDS),
            "transparency",
            "participation",
            "accountability",
            "technology_innovation",
            "start_date",
            "start_date_precision",
            "end_date",
            "end_date_precision",
            "budget",
            "source_proposal_ids",
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
            "programme_id",
            "programme_reference",
        ],
        lambda: (
            Commitment.objects.of_public_plans()
            .select_related("plan__council", "theme")
            .prefetch_related(
                # A commitment names only the proposals the proposals table has.
                Prefetch("source_proposals", queryset=Proposal.objects.public()),
                "sdgs",
                # The completion is derived from the milestones (Commitment.completion()).
                Prefetch("milestones", queryset=Milestone.objects.order_by("due_date", "id")),
            )
            .order_by("plan_id", "position", "reference")
        ),
        lambda c: [
            c.pk,
            c.plan_id,
            c.plan.council.slug,
            c.reference,
            c.theme.slug if c.theme else "",
            c.status,
            *[getattr(c, f"{n}_{code}") or "" for n in Commitment.TEXT_FIELDS for code in LANGS],
            c.transparency,
            c.participation,
            c.accountability,
            c.technology_innovation,
            iso_of(c, "start_date") or None,
            c.start_date_precision,
            iso_of(c, "end_date") or None,
            c.end_date_precision,
            c.budget,
            " ".join(str(p.pk) for p in c.source_proposals.all()),
            c.ogp_id,
            c.ogp_url,
            c.challenge_area,
            c.policy_area,
            c.sector,
            c.original_language,
            c.original_wording,
            " ".join(pending_languages(c)),
            c.completion(),
            " ".join(str(goal.number) for goal in c.sdgs.all()),
            c.programme_id or "",
            c.programme_reference,
        ],
        plan_lookup="plan_id",
    )
)
_register(
    Dataset(
        "milestones",
        gettext_noop(
            "Milestones of the commitments: dates, status, evidence, the actor responsible. Dates "
            "are days (2024-03-15) or months (2024-03), as <date>_precision says (day or month)."
        ),
        [
            "id",
            "commitment_id",
            *_b(*Milestone.TEXT_FIELDS),
            "start_date",
            "start_date_precision",
            "due_date",
            "due_date_precision",
            "status",
            "completed_on",
            "evidence_url",
        ],
        lambda: Milestone.objects.of_public_plans().order_by("commitment_id", "due_date", "id"),
        lambda m: [
            m.pk,
            m.commitment_id,
            *[getattr(m, f"{n}_{code}") or "" for n in Milestone.TEXT_FIELDS for code in LANGS],
            iso_of(m, "start_date") or None,
            m.start_date_precision,
            iso_of(m, "due_date") or None,
            m.due_date_precision,
            m.status,
            m.completed_on,
            m.evidence_url,
        ],
        plan_lookup="commitment__plan_id",
    )
)
_register(
    Dataset(
        "indicators",
        gettext_noop("Indicators of the commitments: baseline, target, latest value."),
        [
            "id",
            "commitment_id",
            *_b("name", "unit", "source"),
            "baseline",
            "target",
            "latest_value",
            "latest_value_on",
        ],
        lambda: Indicator.objects.of_public_plans().order_by("commitment_id", "id"),
        lambda i: [
            i.pk,
            i.commitment_id,
            *[
                getattr(i, f"{n}_{code}") or ""
                for n in ("name", "unit", "source")
                for code in LANGS
            ],
            i.baseline,
            i.target,
            i.latest_value,
            i.latest_value_on,
        ],
        plan_lookup="commitment__plan_id",
    )
)
_register(
    Dataset(
        "workshops",
        gettext_noop("Workshops: dates, place, participants by category and by sex."),
        [
            "id",
            "council",
            "plan_id",
            "kind",
            *_b("title", "venue", "city", "chaired_by"),
            "starts_on",
            "ends_on",
            "participants_civil_society",
            "participants_deconcentrated_services",
            "participants_elected_members",
            "participants_academics",
            "participants_private_sector",
            "participants_citizens",
            "participants_other",
            "participants_women",
            "participants_men",
            "participants_total",
        ],
        lambda: Workshop.objects.public().select_related("council").order_by("starts_on", "id"),
        lambda w: [
            w.pk,
            w.council.slug,
            _plan_of_workshop(w),
            w.kind,
            *[
                getattr(w, f"{n}_{code}") or ""
                for n in ("title", "venue", "city", "chaired_by")
                for code in LANGS
            ],
            w.starts_on,
            w.ends_on,
            w.participants_civil_society,
            w.participants_deconcentrated_services,
            w.participants_elected_members,
            w.participants_academics,
            w.participants_private_sector,
            w.participants_citizens,
            w.participants_other,
            w.participants_women,
            w.participants_men,
            w.participants_total,
        ],
    )
)
_register(
    Dataset(
        "working_groups",
        gettext_noop("Working groups of the workshops."),
        ["id", "workshop_id", "position", *_b("title"), "theme", "facilitator", "rapporteur"],
        lambda: (
            WorkingGroup.objects.filter(workshop__in=Workshop.objects.public())
            .select_related("theme")
            .order_by("workshop_id", "position", "id")
        ),
        lambda g: [
            g.pk,
            g.workshop_id,
            g.position,
            g.title_ar,
            g.title_fr,
            g.theme.slug if g.theme else "",
            g.facilitator,
            g.rapporteur,
        ],
    )
)
_register(PROPOSALS)
_register(COMMENTS)

for _dataset in FOLLOW_UP_DATASETS:
    _register(_dataset)
