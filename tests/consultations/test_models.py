"""Model rules of the consultations app: what full_clean() refuses (a translated sentence on the
expected field) and what PostgreSQL itself refuses when the clean step is skipped."""

import datetime
import re

import pytest
from django.core import serializers
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import translation

from consultations.models import (
    ActionPlan,
    Council,
    PlanStageChange,
    Proposal,
    ProposalSupport,
    Theme,
    WorkingGroup,
    Workshop,
    WorkshopDocument,
)
from tests import factories

pytestmark = pytest.mark.django_db

ARABIC = re.compile(r"[\u0600-\u06ff]")
D = datetime.date
Stage = ActionPlan.Stage
COMMUNE, PROVINCE = Council.Kind.COMMUNE, Council.Kind.PREFECTURE_PROVINCE
CF, PF, WF = factories.CouncilFactory, factories.ActionPlanFactory, factories.WorkshopFactory
PropF = factories.ProposalFactory
PARTICIPANTS = [f.name for f in Workshop._meta.fields if f.name.startswith("participants_")]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


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


# --- clean(): each rule refuses with a translated sentence on its field ----------------------

CLEAN_REFUSALS = {
    "region-with-parent": (
        "parent",
        "A region cannot belong to another region.",
        lambda: changed(CF(), parent=CF()),
    ),
    "parent-not-a-region": (
        "parent",
        "The parent must be a region.",
        lambda: CF.build(kind=COMMUNE, parent=CF(kind=PROVINCE)),
    ),
    "region-own-parent": ("parent", None, lambda: changed(c := CF(), parent=c)),
    "commune-own-parent": ("parent", None, lambda: changed(c := CF(kind=COMMUNE), parent=c)),
    "code-lowercase": ("code", "capital Latin", lambda: CF.build(code="tta")),
    "code-one-letter": ("code", "capital Latin", lambda: CF.build(code="T")),
    "code-starts-with-digit": ("code", "capital Latin", lambda: CF.build(code="1TA")),
    "code-hyphen": ("code", "capital Latin", lambda: CF.build(code="TTA-1")),
    "plan-ends-before-start": (
        "end_year",
        "The end year cannot be before the start year.",
        lambda: changed(PF(), end_year=2023),
    ),
    "plan-start-year-2101": ("start_year", None, lambda: changed(PF(), start_year=2101)),
    "plan-end-year-1999": ("end_year", None, lambda: changed(PF(), end_year=1999)),
    "consultation-closes-before-opening": (
        "consultation_closes_on",
        "The consultation cannot close before it opens.",
        lambda: changed(
            PF(), consultation_opens_on=D(2025, 2, 1), consultation_closes_on=D(2025, 1, 31)
        ),
    ),
    "plan-own-predecessor": (
        "predecessor",
        "A plan cannot be its own predecessor.",
        lambda: changed(p := PF(), predecessor=p),
    ),
    "predecessor-of-another-council": (
        "predecessor",
        "The previous plan must be of the same council.",
        lambda: changed(PF(), predecessor=PF(start_year=2020)),
    ),
    "predecessor-same-start": (
        "predecessor",
        "The previous plan must start earlier.",
        lambda: changed(p := PF(), predecessor=PF(council=p.council, end_year=2025)),
    ),
    "predecessor-starts-later": (
        "predecessor",
        "The previous plan must start earlier.",
        lambda: changed(p := PF(), predecessor=PF(council=p.council, start_year=2025)),
    ),
    "plan-same-period": (NON_FIELD_ERRORS, None, lambda: PF.build(council=PF().council)),
    "workshop-ends-before-start": (
        "ends_on",
        "The last day cannot be before the first day.",
        lambda: changed(WF(), ends_on=D(2024, 1, 5)),
    ),
    "workshop-more-by-sex-than-by-category": (
        "participants_women",
        "Women and men add up to 31, more than the 30 participants",
        lambda: changed(WF(), participants_women=15),
    ),
    "workshop-plan-of-another-council": (
        "plan",
        "The action plan must be one of this council's plans.",
        lambda: changed(WF(), plan=PF()),
    ),
    # Judged by content, whatever the name (opengov.uploads).
    "document-not-a-document": (
        "file",
        "not a PDF, an image or an office document",
        lambda: factories.WorkshopDocumentFactory.build(
            workshop=WF(), file__filename="x.pdf", file__data=b"MZ\x90\x00 an executable"
        ),
    ),
    "document-a-page": (
        "file",
        "not a PDF, an image or an office document",
        lambda: factories.WorkshopDocumentFactory.build(
            workshop=WF(), file__filename="pv", file__data=b"<html><script>x()</script>"
        ),
    ),
    "group-of-another-workshop": (
        "working_group",
        "This working group belongs to another workshop.",
        lambda: changed(p := PropF(), workshop=WF(council=p.council, plan=p.plan)),
    ),
    "proposal-without-workshop-or-plan": (
        "plan",
        "Choose the workshop the proposal came from",
        lambda: Proposal(council=CF(), title_fr="Ouvrir les données"),
    ),
    "proposal-plan-of-another-council": (
        "plan",
        "The action plan must be one of this council's plans.",
        lambda: Proposal(workshop=WF(plan=None), plan=PF(), title_fr="Idée"),
    ),
}
CLEAN_ACCEPTS = {
    "commune-in-a-region": lambda: CF.build(kind=COMMUNE, parent=CF()),
    "plan-of-one-year": lambda: changed(PF(), start_year=2024, end_year=2024),
    "consultation-of-one-day": lambda: changed(
        PF(), consultation_opens_on=D(2025, 1, 1), consultation_closes_on=D(2025, 1, 1)
    ),
    "predecessor-earlier": lambda: changed(
        p := PF(), predecessor=PF(council=p.council, start_year=2020)
    ),
    "plan-other-period": lambda: PF.build(council=PF().council, end_year=2027),
    "workshop-of-one-day": lambda: changed(WF(), ends_on=D(2024, 1, 6)),
    "workshop-everyone-by-sex": lambda: changed(WF(), participants_women=14),
    "network-meeting-without-plan": lambda: changed(WF(), plan=None),
    "document-pdf": lambda: factories.WorkshopDocumentFactory.build(workshop=WF()),
    "document-pdf-without-extension": lambda: factories.WorkshopDocumentFactory.build(
        workshop=WF(), file__filename="pv"
    ),
    "proposal-from-a-group": PropF,
    "proposal-sent-online": lambda: Proposal(plan=PF(), council=CF(), title_fr="Idée"),
    "stage-change": lambda: PlanStageChange(plan=PF(), from_stage="adopted", to_stage="closed"),
}


@pytest.mark.parametrize("case", CLEAN_REFUSALS)
def test_clean_refuses(case):
    field, english, make = CLEAN_REFUSALS[case]
    assert_refused(make(), field, english)


@pytest.mark.parametrize("case", CLEAN_ACCEPTS)
def test_clean_accepts(case):
    CLEAN_ACCEPTS[case]().full_clean()


def test_council_that_is_its_own_parent_is_told_so():
    council = CF(kind=COMMUNE)
    assert_refused(changed(council, parent=council), "parent", "its own region")


@pytest.mark.parametrize("field", PARTICIPANTS)
def test_participant_counts_are_not_negative(field):
    assert_refused(changed(WF(), **{field: -1}), field)
    workshop = WF(participants_women=0, participants_men=0)
    # Django's own positive-integer check (name truncated to 63 characters) fires first.
    with pytest.raises(IntegrityError, match=field[:30]), transaction.atomic():
        update(workshop, **{field: -1})


def test_document_has_a_size_limit(settings):
    settings.MAX_UPLOAD_BYTES = 10
    document = factories.WorkshopDocumentFactory.build(workshop=WF())
    assert_refused(document, "file", "the largest accepted is")


def test_stage_change_to_the_same_stage_is_refused():
    change = PlanStageChange(plan=PF(), from_stage=Stage.ADOPTED, to_stage=Stage.ADOPTED)
    assert NON_FIELD_ERRORS in errors_in("ar", change)


def test_stage_change_to_the_same_stage_is_explained_in_a_sentence():
    change = PlanStageChange(plan=PF(), from_stage=Stage.ADOPTED, to_stage=Stage.ADOPTED)
    assert_refused(change, NON_FIELD_ERRORS)


# --- every Meta constraint is in PostgreSQL and refuses a bad row written without clean() ----

MODELS = [
    *(Council, Theme, ActionPlan, Workshop, WorkshopDocument, WorkingGroup, Proposal),
    PlanStageChange,
    ProposalSupport,
]
DB_REFUSALS = [
    ("council_region_has_no_parent", lambda: update(CF(), parent=CF())),
    ("council_not_its_own_parent", lambda: update(CF(kind=COMMUNE), parent=F("pk"))),
    ("actionplan_end_after_start", lambda: update(PF(), end_year=F("start_year") - 1)),
    (
        "actionplan_consultation_closes_after_opening",
        lambda: update(
            PF(consultation_opens_on=D(2025, 2, 1)), consultation_closes_on=D(2025, 1, 31)
        ),
    ),
    (
        "actionplan_proposals_close_after_opening",
        lambda: update(PF(proposals_opens_on=D(2025, 2, 1)), proposals_closes_on=D(2025, 1, 31)),
    ),
    ("actionplan_not_its_own_predecessor", lambda: update(PF(), predecessor=F("pk"))),
    ("actionplan_unique_period", lambda: PF.create_batch(2, council=CF())),
    ("workshop_ends_after_start", lambda: update(WF(), ends_on=D(2024, 1, 5))),
    ("workshop_sex_within_total", lambda: update(WF(), participants_men=F("participants_men") + 1)),
    (
        "proposal_has_workshop_or_plan",
        lambda: update(PropF(), working_group=None, workshop=None, plan=None),
    ),
    ("proposal_has_workshop_or_plan", lambda: Proposal(council=CF(), title_fr="En ligne").save()),
    (
        "proposal_hidden_has_reason",
        lambda: update(PropF(), publication="hidden", hidden_reason=" "),
    ),
    ("proposal_not_its_own_duplicate", lambda: update(PropF(), duplicate_of=F("pk"))),
    (
        "proposalsupport_once_per_mailbox",
        lambda: [
            ProposalSupport.objects.create(proposal=proposal, mailbox="m", language="ar")
            for proposal in [PropF()] * 2
        ],
    ),
    (
        "proposalsupport_confirmed_forgets_email",
        lambda: ProposalSupport.objects.create(
            proposal=PropF(), mailbox="m", language="ar", state="confirmed", email="a@b.ma"
        ),
    ),
    (
        "planstagechange_changes_stage",
        lambda: PlanStageChange.objects.create(plan=PF(), from_stage="adopted", to_stage="adopted"),
    ),
    (
        "planstagechange_recorded_has_date",
        lambda: PlanStageChange.objects.create(
            plan=PF(), from_stage="adopted", to_stage="implementation", recorded=True
        ),
    ),
]


@pytest.mark.parametrize(("constraint", "write"), DB_REFUSALS, ids=[c for c, _ in DB_REFUSALS])
def test_db_refuses(constraint, write):
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        write()


@pytest.mark.parametrize(
    ("model", "name"), [(m, c.name) for m in MODELS for c in m._meta.constraints]
)
def test_meta_constraint_is_in_the_database_and_tested_here(model, name):
    with connection.cursor() as cursor:
        assert name in connection.introspection.get_constraints(cursor, model._meta.db_table)
    tested = {c for c, _ in DB_REFUSALS}  # the other two kinds have their own tests
    assert name in tested or name.endswith(("_in_one_language", "_not_negative"))


# --- "in Arabic or in French" ----------------------------------------------------------------

BILINGUAL = [
    (CF, "name"),
    (factories.ThemeFactory, "name"),
    (PF, "title"),
    (WF, "title"),
    (factories.WorkshopDocumentFactory, "title"),
    (factories.WorkingGroupFactory, "title"),
    (PropF, "title"),
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


# --- __str__, natural keys, helpers ----------------------------------------------------------


def test_str_of_plan_workshop_and_stage_change():
    plan = PF(title_fr="Plan ouvert", start_year=2024, end_year=2026)
    workshop = WF(title_fr="Atelier budget", council=plan.council, plan=plan)
    change = PlanStageChange(plan=plan, from_stage=Stage.PREPARATION, to_stage=Stage.CONSULTATION)
    with translation.override("fr"):
        assert str(plan) == "Plan ouvert (2024-2026)"
        assert str(workshop) == "Atelier budget (2024-01-06)"
        assert str(change) == "Plan ouvert (2024-2026): Préparation → Consultation"
    with translation.override("ar"):
        assert "preparation" not in str(change).lower()
        assert ARABIC.search(str(change).split(":")[1])


def test_council_natural_key_is_its_slug_and_serialises_the_parent():
    region = CF(slug="tanger-tetouan-al-hoceima")
    commune = CF(kind=COMMUNE, parent=region)
    assert region.natural_key() == ("tanger-tetouan-al-hoceima",)
    assert Council.objects.get_by_natural_key("tanger-tetouan-al-hoceima") == region
    data = serializers.serialize("json", [commune], use_natural_foreign_keys=True)
    assert '"parent": ["tanger-tetouan-al-hoceima"]' in data


def test_theme_natural_key_is_its_slug():
    theme = factories.ThemeFactory(slug="budget-ouvert")
    factories.ThemeFactory()
    assert theme.natural_key() == ("budget-ouvert",)
    assert Theme.objects.get_by_natural_key(*theme.natural_key()) == theme


def test_in_network_keeps_councils_with_a_joining_date():
    member = CF()
    CF(in_network_since=None)
    assert list(Council.objects.in_network()) == [member]


def test_public_plans_are_all_but_those_in_preparation():
    plans = {stage: PF(stage=stage) for stage in Stage.values}
    public = set(ActionPlan.objects.public())
    assert public == {plan for stage, plan in plans.items() if stage != Stage.PREPARATION}


@pytest.mark.parametrize(
    ("stage", "on", "is_open"),
    [
        (Stage.CONSULTATION, D(2025, 1, 1), True),
        (Stage.CONSULTATION, D(2025, 1, 31), True),
        (Stage.CONSULTATION, D(2024, 12, 31), False),
        (Stage.CONSULTATION, D(2025, 2, 1), False),
        (Stage.PREPARATION, D(2025, 1, 15), False),
        (Stage.ADOPTED, D(2025, 1, 15), False),
    ],
)
def test_open_for_comments_within_the_consultation_dates(stage, on, is_open):
    opens, closes = D(2025, 1, 1), D(2025, 1, 31)
    plan = PF(stage=stage, consultation_opens_on=opens, consultation_closes_on=closes)
    PF(stage=Stage.CONSULTATION)  # no dates: never open
    assert list(ActionPlan.objects.open_for_comments(on=on)) == ([plan] if is_open else [])
    assert plan.is_open_for_comments(on=on) is is_open


def test_participants_total_adds_the_categories_not_the_sexes():
    workshop = WF.build(**{name: 2**i for i, name in enumerate(PARTICIPANTS)})
    assert workshop.participants_total == 1 + 2 + 4 + 8 + 16 + 32 + 64
    assert workshop.participants_by_sex_total == 128 + 256


def test_proposal_links_follow_the_working_group_on_save():
    group = factories.WorkingGroupFactory()
    proposal = PropF(working_group=group, council=CF())
    assert proposal.workshop == group.workshop
    assert proposal.council == group.workshop.council
    assert proposal.plan == group.workshop.plan
    assert proposal.theme == group.theme


S = Proposal.Status


@pytest.mark.parametrize(
    ("status", "response_ar", "response_fr", "answered"),
    [
        (S.RETAINED, "", "", True),
        (S.MERGED, None, None, True),
        (S.NOT_RETAINED, "خارج الاختصاص", "", True),
        (S.NOT_RETAINED, None, "Hors compétence", True),
        (S.NOT_RETAINED, "", None, False),
        (S.NOT_RETAINED, None, None, False),
        (S.RECEIVED, "", "", False),
        (S.UNDER_REVIEW, "قيد الدراسة", "En cours", False),
    ],
)
def test_answered_and_unanswered_split_the_proposals(status, response_ar, response_fr, answered):
    proposal = PropF(status=status, response_ar=response_ar, response_fr=response_fr)
    assert (proposal in Proposal.objects.answered()) is answered
    assert (proposal in Proposal.objects.unanswered()) is not answered
