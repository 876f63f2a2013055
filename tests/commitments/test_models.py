"""Model rules of the commitments app: what full_clean() refuses (a translated sentence on the
expected field) and what PostgreSQL itself refuses when the clean step is skipped."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone, translation

from commitments.models import Commitment, Indicator, Milestone
from consultations.models import ActionPlan
from tests import factories

pytestmark = pytest.mark.django_db

ARABIC = re.compile(r"[\u0600-\u06ff]")
D = datetime.date
MS = Milestone.Status
ON = D(2025, 3, 10)
ONE_DAY = datetime.timedelta(days=1)
TODAY = timezone.localdate
PF, CoF = factories.ActionPlanFactory, factories.CommitmentFactory
MF, IF = factories.MilestoneFactory, factories.IndicatorFactory


def errors_in(language, instance):
    """The messages of full_clean(), rendered in language (some are lazy)."""
    with translation.override(language):
        with pytest.raises(ValidationError) as info:
            instance.full_clean()
        return {field: [str(m) for m in msgs] for field, msgs in info.value.message_dict.items()}


def assert_refused(instance, field, english=None):
    """full_clean() puts a sentence on `field` (containing `english` before translation), in
    Arabic by default and in French under override("fr")."""
    source, arabic, french = (errors_in(lang, instance) for lang in ("en", "ar", "fr"))
    assert field in arabic, arabic
    if english:
        assert any(english in message for message in source[field]), source[field]
    for message in arabic[field] + french[field]:
        assert len(message.split()) >= 4, message
        assert message.rstrip()[-1] in ".!؟", message
        assert "%(" not in message and not re.search(r"[a-z]+_[a-z]+", message), message
    assert all(ARABIC.search(message) for message in arabic[field]), arabic[field]
    assert not any(ARABIC.search(message) for message in french[field]), french[field]
    assert arabic[field] != french[field]


def changed(instance, **values):
    """instance with values set in memory only (the database keeps the valid row)."""
    for name, value in values.items():
        setattr(instance, name, value)
    return instance


def update(instance, **values):
    type(instance).objects.filter(pk=instance.pk).update(**values)


# --- "in Arabic or in French" ----------------------------------------------------------------

BILINGUAL = [
    (CoF, "title"),
    (MF, "title"),
    (IF, "name"),
]


@pytest.mark.parametrize(("factory", "field"), BILINGUAL)
@pytest.mark.parametrize(("arabic", "french"), [("", ""), (None, None), ("  ", "")])
def test_clean_wants_the_field_in_one_language(factory, field, arabic, french):
    instance = changed(factory(), **{f"{field}_ar": arabic, f"{field}_fr": french})
    assert_refused(instance, f"{field}_ar", "in Arabic or in French")
    for language, other in (("ar", "fr"), ("fr", "ar")):
        changed(instance, **{f"{field}_{language}": "Texte", f"{field}_{other}": ""}).full_clean()


@pytest.mark.parametrize(("factory", "field"), BILINGUAL)
@pytest.mark.parametrize(
    ("arabic", "french"),
    [
        ("", ""),
        (None, None),
        (None, ""),
        ("  ", "\n"),
        ("\t", " \r\n "),
    ],
)
def test_db_wants_the_field_in_one_language(factory, field, arabic, french):
    instance = factory()
    constraint = f"{type(instance)._meta.model_name}_{field}_in_one_language"
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        update(instance, **{f"{field}_ar": arabic, f"{field}_fr": french})


@pytest.mark.parametrize(("factory", "field"), BILINGUAL)
def test_str_is_readable_in_either_language(factory, field):
    instance = factory(**{f"{field}_ar": "نص عربي", f"{field}_fr": "Texte français"})
    with translation.override("ar"):
        assert "نص عربي" in str(instance)
    with translation.override("fr"):
        assert "Texte français" in str(instance)
    instance = factory(**{f"{field}_ar": "", f"{field}_fr": "Seulement en français"})
    with translation.override("ar"):
        assert "Seulement en français" in str(instance)


# --- clean(): each rule refuses with a translated sentence on its field ----------------------

CLEAN_REFUSALS = {
    "commitment-ends-before-start": (
        "end_date",
        "The end date cannot be before the start date.",
        lambda: changed(CoF(), end_date=D(2024, 2, 29)),
    ),
    "commitment-starts-before-plan": (
        "start_date",
        "This date falls outside the plan's period (2024-2026).",
        lambda: changed(CoF(), start_date=D(2023, 12, 31)),
    ),
    "commitment-ends-after-plan": (
        "end_date",
        "This date falls outside the plan's period (2024-2026).",
        lambda: changed(CoF(), end_date=D(2027, 1, 1)),
    ),
    "negative-budget": ("budget", None, lambda: changed(CoF(), budget=Decimal("-0.01"))),
    "reference-lowercase": (
        "reference",
        "capital Latin",
        lambda: changed(CoF(), reference="tta-1"),
    ),
    "reference-leading-hyphen": (
        "reference",
        "capital Latin",
        lambda: changed(CoF(), reference="-TTA"),
    ),
    "reference-space": ("reference", "capital Latin", lambda: changed(CoF(), reference="TTA 1")),
    "reference-underscore": (
        "reference",
        "capital Latin",
        lambda: changed(CoF(), reference="TTA_1"),
    ),
    "reference-twice-in-plan": (
        NON_FIELD_ERRORS,
        "The plan already has a commitment with this reference.",
        lambda: changed(CoF(plan=CoF(reference="TTA-1").plan), reference="TTA-1"),
    ),
    "milestone-due-before-start": (
        "due_date",
        "The due date cannot be before the start date.",
        lambda: changed(MF(), due_date=D(2024, 2, 29)),
    ),
    "completed-without-date": (
        "completed_on",
        "Give the date the milestone was completed.",
        lambda: changed(MF(), status=MS.COMPLETED),
    ),
    **{
        f"{status}-with-completion-date": (
            "completed_on",
            "Only a completed milestone has a completion date.",
            lambda status=status: changed(MF(), status=status, completed_on=D(2024, 6, 1)),
        )
        for status in (MS.NOT_STARTED, MS.IN_PROGRESS, MS.CANCELLED)
    },
    "completed-tomorrow": (
        "completed_on",
        "The completion date cannot be in the future.",
        lambda: changed(MF(), status=MS.COMPLETED, completed_on=TODAY() + ONE_DAY),
    ),
    "measured-on-without-value": (
        "latest_value",
        "Give the value measured on that date.",
        lambda: changed(IF(), latest_value=None, latest_value_on=D(2024, 6, 1)),
    ),
}
CLEAN_ACCEPTS = {
    "commitment-over-the-whole-plan": lambda: changed(
        CoF(), start_date=D(2024, 1, 1), end_date=D(2026, 12, 31)
    ),
    "commitment-of-one-day": lambda: changed(CoF(), end_date=D(2024, 3, 1)),
    "zero-budget": lambda: changed(CoF(), budget=Decimal("0")),
    "reference-in-another-plan": lambda: changed(CoF(), reference=CoF().reference),
    "milestone-due-on-start": lambda: changed(MF(), due_date=D(2024, 3, 1)),
    "completed-today": lambda: changed(MF(), status=MS.COMPLETED, completed_on=TODAY()),
    "measured-zero": lambda: changed(
        IF(), latest_value=Decimal("0"), latest_value_on=D(2024, 6, 1)
    ),
}


@pytest.mark.parametrize("case", CLEAN_REFUSALS)
def test_clean_refuses(case):
    field, english, make = CLEAN_REFUSALS[case]
    assert_refused(make(), field, english)


@pytest.mark.parametrize("case", CLEAN_ACCEPTS)
def test_clean_accepts(case):
    CLEAN_ACCEPTS[case]().full_clean()


# --- every Meta constraint is in PostgreSQL and refuses a bad row written without clean() ----

DB_REFUSALS = [
    (
        "commitment_unique_reference_per_plan",
        lambda: CoF.create_batch(2, plan=PF(), reference="A-1"),
    ),
    ("commitment_unique_ogp_id", lambda: CoF.create_batch(2, ogp_id="MATET0003")),
    ("commitment_end_after_start", lambda: update(CoF(), end_date=F("start_date") - ONE_DAY)),
    ("commitment_budget_not_negative", lambda: update(CoF(), budget=Decimal("-1"))),
    ("milestone_due_after_start", lambda: update(MF(), due_date=F("start_date") - ONE_DAY)),
    ("milestone_completed_on_iff_completed", lambda: update(MF(), status=MS.COMPLETED)),
    (
        "milestone_completed_on_iff_completed",
        lambda: update(MF(), status=MS.CANCELLED, completed_on=D(2024, 6, 1)),
    ),
    (
        "indicator_measured_on_needs_value",
        lambda: update(IF(latest_value=None), latest_value_on=D(2024, 6, 1)),
    ),
    (
        "commitment_original_wording_in_another_language",
        lambda: update(CoF(), original_wording="Proactive publication of information"),
    ),
    (
        "commitment_override_has_reason",
        lambda: update(CoF(), completion_override="complete", completion_override_reason=" "),
    ),
]


@pytest.mark.parametrize(("constraint", "write"), DB_REFUSALS, ids=[c for c, _ in DB_REFUSALS])
def test_db_refuses(constraint, write):
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        write()


@pytest.mark.parametrize(
    ("model", "name"),
    [(m, c.name) for m in (Commitment, Milestone, Indicator) for c in m._meta.constraints],
)
def test_meta_constraint_is_in_the_database_and_tested_here(model, name):
    with connection.cursor() as cursor:
        assert name in connection.introspection.get_constraints(cursor, model._meta.db_table)
    tested = {c for c, _ in DB_REFUSALS}  # the bilingual checks have their own tests
    assert name in tested or name.endswith("_in_one_language")


# --- Commitment ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statuses", "progress"),
    [
        ([], 0),
        ([MS.NOT_STARTED, MS.IN_PROGRESS], 0),
        ([MS.COMPLETED, MS.NOT_STARTED, MS.IN_PROGRESS], 33),
        ([MS.COMPLETED, MS.COMPLETED, MS.NOT_STARTED], 67),
        ([MS.COMPLETED, MS.CANCELLED], 100),
        ([MS.CANCELLED, MS.CANCELLED], 0),
        ([MS.COMPLETED, MS.CANCELLED, MS.IN_PROGRESS], 50),
    ],
)
def test_progress_is_the_share_of_milestones_completed(statuses, progress):
    commitment = CoF()
    MF(commitment=CoF(), status=MS.CANCELLED)
    for status in statuses:
        completed_on = D(2024, 6, 1) if status == MS.COMPLETED else None
        MF(commitment=commitment, status=status, completed_on=completed_on)
    assert commitment.milestone_counts().percent == progress
    # The query counts the same way as the model method.
    assert Milestone.objects.filter(commitment=commitment).counts().percent == progress


def test_commitment_str_has_reference_and_title():
    commitment = CoF(reference="TTA-2024-03", title_fr="Budget ouvert")
    with translation.override("fr"):
        assert str(commitment) == "TTA-2024-03 Budget ouvert"


def test_public_commitments_exclude_plans_in_preparation():
    public = CoF(plan__stage=ActionPlan.Stage.CONSULTATION)
    CoF(plan__stage=ActionPlan.Stage.PREPARATION)
    assert list(Commitment.objects.of_public_plans()) == [public]
    # One rule for every row of a plan, whatever the path to the plan.
    assert list(Milestone.objects.of_public_plans()) == []
    milestone = MF(commitment=public)
    MF(commitment__plan__stage=ActionPlan.Stage.PREPARATION)
    assert list(Milestone.objects.of_public_plans()) == [milestone]


def test_ogp_values_are_translated_labels():
    commitment = CoF(transparency=True, accountability=True)
    with translation.override("fr"):
        french = commitment.ogp_values
    with translation.override("ar"):
        arabic = commitment.ogp_values
    assert len(french) == len(arabic) == 2
    assert all(ARABIC.search(label) for label in arabic)
    assert not any(ARABIC.search(label) for label in french)


# --- Milestone -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "due_date", "overdue"),
    [
        (MS.NOT_STARTED, ON - ONE_DAY, True),
        (MS.IN_PROGRESS, ON - datetime.timedelta(days=40), True),
        (MS.IN_PROGRESS, ON, False),
        (MS.NOT_STARTED, ON + ONE_DAY, False),
        (MS.COMPLETED, ON - ONE_DAY, False),
        (MS.CANCELLED, ON - ONE_DAY, False),
    ],
)
def test_overdue_means_open_and_past_its_due_date(status, due_date, overdue):
    completed_on = D(2025, 1, 1) if status == MS.COMPLETED else None
    milestone = MF(status=status, due_date=due_date, completed_on=completed_on)
    assert (milestone in Milestone.objects.overdue(on=ON)) is overdue
    assert milestone.is_overdue(on=ON) is overdue
    assert Milestone.objects.filter(pk=milestone.pk).counts(on=ON).overdue == int(overdue)
    assert milestone.commitment.milestone_counts(on=ON).overdue == int(overdue)


def test_milestone_counts_agree_between_the_model_and_the_query():
    commitment = CoF()
    for status, due_date in [
        (MS.COMPLETED, ON - ONE_DAY),
        (MS.CANCELLED, ON - ONE_DAY),
        (MS.NOT_STARTED, ON - ONE_DAY),
        (MS.IN_PROGRESS, ON + ONE_DAY),
    ]:
        completed_on = D(2025, 1, 1) if status == MS.COMPLETED else None
        MF(commitment=commitment, status=status, due_date=due_date, completed_on=completed_on)
    expected = (3, 1, 1)
    by_model = commitment.milestone_counts(on=ON)
    by_query = Milestone.objects.filter(commitment=commitment).counts(on=ON)
    assert (by_model.total, by_model.done, by_model.overdue) == expected
    assert by_query == by_model
    assert by_model.percent == 33


@pytest.mark.parametrize(
    ("status", "days_after", "within"),
    [
        (MS.NOT_STARTED, 0, True),
        (MS.IN_PROGRESS, 14, True),
        (MS.IN_PROGRESS, 15, False),
        (MS.NOT_STARTED, -1, False),
        (MS.CANCELLED, 3, False),
    ],
)
def test_due_within_counts_days_from_the_given_date(status, days_after, within):
    milestone = MF(status=status, due_date=ON + datetime.timedelta(days=days_after))
    assert (milestone in Milestone.objects.due_within(14, on=ON)) is within
