"""The open-data datasets of OGP Local's assessments, registered with the others (datasets.py)
when the app is ready: the published inception assessments, their reviews of each commitment,
and the end-of-commitment assessments with their answers per OGP value. Same rules as every
dataset: only public plans, no draft, never a person's name or address (not even the filer's)."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from commitments.models import CommitmentAssessment, InceptionAssessment, InceptionCommitmentReview
from opengov.urls_absolute import absolute_url

from .datasets import LANGS, Dataset, _b, _register


def register() -> None:
    _register(
        Dataset(
            "inception_assessments",
            gettext_noop(
                "OGP Local inception assessments by the monitoring body (published ones): the "
                "co-creation questions (yes/no, empty when not answered), the overall assessment, "
                "the due date (two months after the plan's submission to OGP) and the publication "
                "date."
            ),
            [
                "id",
                "plan_id",
                "council",
                *InceptionAssessment.PROCESS_FIELDS,
                *_b("co_creation", "summary"),
                "due_on",
                "published_on",
            ],
            lambda: (
                InceptionAssessment.objects.published()
                .select_related("plan__council")
                .order_by("plan_id")
            ),
            lambda a: [
                a.pk,
                a.plan_id,
                a.plan.council.slug,
                *[getattr(a, name) for name in InceptionAssessment.PROCESS_FIELDS],
                *[
                    getattr(a, f"{n}_{code}") or ""
                    for n in ("co_creation", "summary")
                    for code in LANGS
                ],
                a.due_on,
                a.published_on,
            ],
        )
    )
    _register(
        Dataset(
            "inception_reviews",
            gettext_noop(
                "Each commitment as a published inception assessment reads it: open_government_lens"
                " and verifiable (yes/no), potential_for_results (unclear, modest, substantial); "
                "empty when not answered."
            ),
            [
                "id",
                "inception_assessment_id",
                "commitment_id",
                "open_government_lens",
                "verifiable",
                "potential_for_results",
                *_b("comment"),
            ],
            lambda: InceptionCommitmentReview.objects.filter(
                assessment__in=InceptionAssessment.objects.published()
            ).order_by("assessment_id", "commitment__position", "commitment__reference"),
            lambda r: [
                r.pk,
                r.assessment_id,
                r.commitment_id,
                r.open_government_lens,
                r.verifiable,
                r.potential_for_results,
                r.comment_ar or "",
                r.comment_fr or "",
            ],
        )
    )
    values = CommitmentAssessment.VALUE_FIELDS
    _register(
        Dataset(
            "end_of_commitment_assessments",
            gettext_noop(
                "OGP Local end-of-commitment assessments by the monitoring body: completion "
                "(no_evidence, not_started, limited, substantial, complete), opened_government "
                "(worsened, did_not_change, marginal, major, outstanding), and for each OGP value "
                "yes, no or not_applicable (empty when not answered) with its explanation; due_on "
                "is one month after the commitment's completion; evidence_files are the addresses "
                "of its evidence files, separated by spaces."
            ),
            [
                "id",
                "commitment_id",
                "plan_id",
                *_b("what_was_done"),
                "completion",
                "opened_government",
                *_b("explanation"),
                *[column for name in values for column in (name, *_b(f"{name}_explanation"))],
                "evidence_files",
                "due_on",
                "updated_at",
            ],
            lambda: (
                CommitmentAssessment.objects.of_public_plans()
                .select_related("commitment__plan")
                .prefetch_related("evidence", "commitment__milestones")
                .order_by("commitment__plan_id", "commitment_id")
            ),
            lambda a: [
                a.pk,
                a.commitment_id,
                a.commitment.plan_id,
                a.what_was_done_ar or "",
                a.what_was_done_fr or "",
                a.completion,
                a.opened_government,
                a.explanation_ar or "",
                a.explanation_fr or "",
                *[
                    cell
                    for name in values
                    for cell in (
                        getattr(a, name),
                        getattr(a, f"{name}_explanation_ar") or "",
                        getattr(a, f"{name}_explanation_fr") or "",
                    )
                ],
                " ".join(absolute_url(e.download_url()) for e in a.evidence.all()),
                a.due_on,
                a.updated_at,
            ],
        )
    )
