"""A closed plan stays closed: no new record, no change and no move in or out, whatever writes
(full_clean() from the shell, the admin forms and autocompletes, the proposals import, the
services); the few kinds that follow a plan after its end (assessments, self-assessments, the
worker's PDFs, comment moderation) still may.

The models under test come from the scoping registry (opengov.scoping: every model whose app
registered a plan path), so a new plan-owned model is caught here without editing this file."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from commitments.comments.services import comment_post
from commitments.models import (
    AssessmentEvidence,
    AssessmentReminderLog,
    Comment,
    CommentReport,
    Commitment,
    CommitmentAssessment,
    Forum,
    ForumMeeting,
    InceptionAssessment,
    InceptionCommitmentReview,
    Indicator,
    IndicatorValue,
    Milestone,
    MilestoneUpdate,
    PlanCounters,
    PlanDocument,
    PlanEndorsement,
    PlanPublication,
    PlanReminderLog,
    PlanSelfAssessment,
    ReminderLog,
)
from commitments.services import plan_change_stage
from consultations import imports
from consultations.models import (
    ActionPlan,
    PlanOwned,
    PlanStageChange,
    Proposal,
    WorkingGroup,
    Workshop,
    WorkshopDocument,
)
from opengov import scoping
from opengov.roles import COORDINATOR
from tests import factories
from tests.admin.helpers import form_values

pytestmark = pytest.mark.django_db

Stage = ActionPlan.Stage
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"

# Every model whose rows belong to a plan, the plan itself aside (its rule is its own).
PLAN_OWNED = sorted(
    (model for model, scope in scoping.registered().items() if scope.plan),
    key=lambda model: model._meta.label,
)
# Models that reach a plan through their foreign keys but are not a plan's records: a reader's
# report on a comment (moderation input, accepted while the comment is shown) and the log that
# keeps reminders from going twice (about milestones, the monitoring body's, a plan's repository).
# Logs, and the plans' derived totals (recounted by commitments.counters, never edited).
NOT_PLAN_RECORDS = {
    CommentReport,
    ReminderLog,
    AssessmentReminderLog,
    PlanReminderLog,
    PlanCounters,
}


def _ids(model) -> str:
    return model._meta.label


def _build(plan: ActionPlan, tag: str) -> dict:
    """One row of every plan-owned model in `plan`."""
    council = plan.council
    workshop = factories.WorkshopFactory(council=council, plan=plan)
    group = factories.WorkingGroupFactory(workshop=workshop)
    commitment = factories.CommitmentFactory(plan=plan, reference=f"{tag}-2024-01")
    milestone = factories.MilestoneFactory(commitment=commitment)
    indicator = factories.IndicatorFactory(commitment=commitment)
    assessment = CommitmentAssessment.objects.create(
        commitment=commitment,
        what_was_done_fr="Portail mis en service.",
        completion="complete",
        opened_government="major",
    )
    inception = InceptionAssessment.objects.create(plan=plan, summary_fr="Co-création conforme.")
    publication = PlanPublication.objects.create(plan=plan, version=1, status="done")
    # One forum per council, shared by its plans.
    forum = Forum.objects.filter(council=council).first() or factories.ForumFactory(council=council)
    meeting = factories.ForumMeetingFactory(forum=forum, plan=plan)
    comment = Comment.objects.create(
        plan=plan,
        author_name="Citoyenne",
        email="citoyenne@example.org",
        body="Un commentaire.",
        language="fr",
        consent_at=timezone.now(),
    )
    return {
        ActionPlan: plan,
        Workshop: workshop,
        WorkshopDocument: factories.WorkshopDocumentFactory(workshop=workshop),
        WorkingGroup: group,
        Proposal: factories.ProposalFactory(working_group=group),
        Commitment: commitment,
        Milestone: milestone,
        Indicator: indicator,
        MilestoneUpdate: MilestoneUpdate.objects.create(
            milestone=milestone, status=Milestone.Status.IN_PROGRESS, note="En cours."
        ),
        IndicatorValue: IndicatorValue.objects.create(
            indicator=indicator, value=Decimal(5), measured_on=datetime.date(2025, 1, 1)
        ),
        CommitmentAssessment: assessment,
        AssessmentEvidence: AssessmentEvidence.objects.create(
            assessment=assessment, title="Rapport", file=ContentFile(PDF, name="rapport.pdf")
        ),
        InceptionAssessment: inception,
        InceptionCommitmentReview: InceptionCommitmentReview.objects.create(
            assessment=inception, commitment=commitment, verifiable="yes"
        ),
        PlanSelfAssessment: PlanSelfAssessment.objects.create(
            plan=plan, kind=PlanSelfAssessment.Kind.MID_TERM, summary_fr="À mi-parcours."
        ),
        PlanPublication: publication,
        PlanDocument: PlanDocument.objects.create(
            plan=plan,
            publication=publication,
            language="fr",
            version=1,
            file=ContentFile(PDF, name="plan.pdf"),
            sha256="0" * 64,
            size=len(PDF),
            generated_at=timezone.now(),
        ),
        Comment: comment,
        ForumMeeting: meeting,
        PlanEndorsement: factories.PlanEndorsementFactory(
            plan=plan, forum=forum, meeting=meeting, publication=publication
        ),
        PlanStageChange: PlanStageChange.objects.create(
            plan=plan, from_stage=Stage.ADOPTED, to_stage=Stage.IMPLEMENTATION
        ),
    }


@pytest.fixture
def world(settings, tmp_path):
    """Two plans of one council, each with a row of every plan-owned model: one running, one
    closed (closed after its rows were entered, as the stage workflow does)."""
    settings.MEDIA_ROOT = tmp_path
    council = factories.CouncilFactory(code="CLO")
    open_plan = factories.ActionPlanFactory(
        council=council, start_year=2024, end_year=2026, stage=Stage.IMPLEMENTATION
    )
    # Its period covers the factories' 2024-2026 dates too (the unique period differs).
    closed_plan = factories.ActionPlanFactory(
        council=council, start_year=2023, end_year=2026, stage=Stage.IMPLEMENTATION
    )
    data = {
        "council": council,
        "open": _build(open_plan, "OPN"),
        "closed": _build(closed_plan, "CLS"),
    }
    ActionPlan.objects.filter(pk=closed_plan.pk).update(stage=Stage.CLOSED)
    closed_plan.refresh_from_db()
    return data


def _copy(row: models.Model) -> models.Model:
    """A new, unsaved row with the same values (and so the same plan)."""
    copy = type(row)._base_manager.get(pk=row.pk)
    copy.pk = None
    copy._state.adding = True
    return copy


def _closure_errors(row: models.Model) -> dict[str, list[str]]:
    """The closed-plan messages full_clean() gives for `row`, by field (other errors aside)."""
    with translation.override("en"):
        try:
            row.full_clean()
        except ValidationError as error:
            return {
                field: found
                for field, messages in error.message_dict.items()
                if (found := [m for m in messages if " is closed: " in m])
            }
    return {}


def _counts() -> dict:
    return {model: model.objects.count() for model in [ActionPlan, *PLAN_OWNED]}


# --- the models under test come from the code -----------------------------------------------


def test_every_model_reaching_a_plan_is_plan_owned_with_the_scoping_path():
    for model in PLAN_OWNED:
        assert issubclass(model, PlanOwned), model
        assert scoping.scope_of(model).plan == model.PLAN_PATH, model


def _reaches_a_plan(model, depth: int = 4) -> bool:
    if model is ActionPlan:
        return True
    if depth == 0:
        return False
    return any(
        _reaches_a_plan(field.related_model, depth - 1)
        for field in model._meta.get_fields()
        if field.concrete and (field.many_to_one or field.one_to_one)
    )


def test_no_model_reaches_a_plan_without_the_rule():
    """A new model hanging from a plan must be registered with its plan (and so under the rule),
    or be named here as not a plan's record."""
    for app in ("consultations", "commitments"):
        for model in apps.get_app_config(app).get_models():
            if model is ActionPlan or model.__name__.startswith("Historical"):
                continue
            if _reaches_a_plan(model) and not scoping.is_off_pages(model):
                scope = scoping.scope_of(model)
                assert (scope is not None and scope.plan) or model in NOT_PLAN_RECORDS, model


# --- full_clean(): the rule every path goes through ------------------------------------------


@pytest.mark.parametrize("model", PLAN_OWNED, ids=_ids)
def test_a_new_row_in_a_closed_plan_is_refused_by_full_clean(world, model):
    before = _counts()
    errors = _closure_errors(_copy(world["closed"][model]))
    if model.ADDS_AFTER_CLOSURE:
        assert errors == {}, "this kind may still be added after the plan's end"
    else:
        link = model.PLAN_PATH.split("__")[0]
        assert list(errors) == [link], errors
        assert "can no longer be added, changed or moved" in errors[link][0]
    assert _counts() == before


@pytest.mark.parametrize("model", PLAN_OWNED, ids=_ids)
def test_a_new_row_in_an_open_plan_passes_the_rule(world, model):
    assert _closure_errors(_copy(world["open"][model])) == {}


def _edit(row: models.Model) -> str:
    """Change one plain value of `row` (a text, else a choice); returns the field's name."""
    names = {field.name for field in row._meta.concrete_fields}
    for field in row._meta.concrete_fields:
        if not field.editable or field.primary_key or field.is_relation:
            continue
        if f"{field.name}_ar" in names:
            continue  # the untranslated twin of a translated field
        if field.choices:
            other = next(
                value for value, _label in field.choices if value != field.value_from_object(row)
            )
            setattr(row, field.attname, other)
            return field.name
        if isinstance(field, models.CharField | models.TextField) and not isinstance(
            field, models.EmailField | models.URLField | models.SlugField
        ):
            setattr(row, field.attname, (getattr(row, field.attname) or "") + " (modifié)")
            return field.name
    raise AssertionError(f"nothing to edit on {type(row).__name__}")


@pytest.mark.parametrize("model", PLAN_OWNED, ids=_ids)
def test_a_change_to_a_row_of_a_closed_plan(world, model):
    row = type(world["closed"][model])._base_manager.get(pk=world["closed"][model].pk)
    # Validating a closed plan's row as it is stored passes: full_clean() checks data too.
    assert _closure_errors(row) == {}
    edited = _edit(row)
    errors = _closure_errors(row)
    if model.CHANGES_AFTER_CLOSURE:
        assert errors == {}, "this kind may still be changed after the plan's end"
    else:
        assert errors, f"a closed plan's rows are read-only ({edited} changed)"


def test_the_message_is_translated(world):
    copy = _copy(world["closed"][Commitment])
    with translation.override("fr"):
        with pytest.raises(ValidationError) as caught:
            copy.full_clean()
        message = caught.value.message_dict["plan"][0]
        # Built by gettext in the reader's language, naming the plan and the kind refused.
        assert str(world["closed"][ActionPlan]) in message
        assert str(Commitment._meta.verbose_name_plural) == "engagements"
        assert "engagements" in message


def test_a_row_cannot_leave_a_closed_plan(world):
    commitment = Commitment.objects.get(pk=world["closed"][Commitment].pk)
    commitment.plan = world["open"][ActionPlan]
    commitment.reference = "MOVED-01"
    assert "plan" in _closure_errors(commitment)
    comment = Comment.objects.get(pk=world["closed"][Comment].pk)
    comment.plan = world["open"][ActionPlan]
    assert "plan" in _closure_errors(comment), "comments may be moderated, not moved"


def test_a_row_cannot_enter_a_closed_plan(world):
    workshop = Workshop.objects.get(pk=world["open"][Workshop].pk)
    workshop.plan = world["closed"][ActionPlan]
    assert "plan" in _closure_errors(workshop)
    milestone = Milestone.objects.get(pk=world["open"][Milestone].pk)
    milestone.commitment = world["closed"][Commitment]
    assert "commitment" in _closure_errors(milestone)


def test_a_network_meeting_without_a_plan_is_not_concerned(world):
    meeting = factories.WorkshopFactory(council=world["council"], plan=None)
    meeting.full_clean()


def test_a_plan_cannot_be_created_closed_nor_changed_once_closed(world):
    plan = ActionPlan(
        council=world["council"],
        start_year=2018,
        end_year=2020,
        title_fr="Plan ancien",
        stage=Stage.CLOSED,
    )
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        plan.full_clean()
    assert "cannot be created closed" in caught.value.message_dict["stage"][0]
    closed = ActionPlan.objects.get(pk=world["closed"][ActionPlan].pk)
    closed.full_clean()  # as stored: valid
    closed.title_fr = "Autre titre"
    with translation.override("en"), pytest.raises(ValidationError, match="is closed"):
        closed.full_clean()


def test_a_plan_that_ended_is_entered_running_then_closed_last(world):
    """Recording a plan that ended before the portal: its records first, the close last."""
    plan = factories.ActionPlanFactory(
        council=world["council"], start_year=2018, end_year=2020, stage=Stage.IMPLEMENTATION
    )
    plan.full_clean()
    commitment = Commitment(plan=plan, reference="OLD-2018-01", title_fr="Ancien engagement")
    commitment.full_clean()
    commitment.save()
    plan_change_stage(plan=plan, to_stage=Stage.CLOSED, by=None)
    plan.refresh_from_db()
    assert plan.is_closed and plan.stage_changes.get().to_stage == Stage.CLOSED
    late = Commitment(plan=plan, reference="OLD-2018-02", title_fr="Trop tard")
    assert "plan" in _closure_errors(late)


# --- the services and the proposals import ------------------------------------------------


def _sheet(workshop: Workshop) -> bytes:
    """A one-proposal file for the workshop's (only) working group, numbered by position."""
    group = workshop.groups.get()
    return f"working_group;title_fr;body_fr\n{group.position};Publier le budget;En ligne\n".encode()


def test_the_proposals_import_into_a_closed_plans_workshop_is_refused(world):
    workshop = world["closed"][Workshop]
    before = Proposal.objects.count()
    with translation.override("en"):
        result = imports.parse_file(workshop, "atelier.csv", _sheet(workshop))
    assert not result.ok
    assert [e.message for e in result.file_errors] == [
        f"The plan {workshop.plan} is closed: its proposals can no longer be added, changed "
        "or moved."
    ]
    assert result.rows == []
    # A preview made while the plan was still running cannot be confirmed once it is closed.
    plans = ActionPlan.objects.filter(pk=workshop.plan_id)
    plans.update(stage=Stage.IMPLEMENTATION)
    workshop = Workshop.objects.get(pk=workshop.pk)
    preview = imports.parse_file(workshop, "atelier.csv", _sheet(workshop))
    assert preview.ok
    plans.update(stage=Stage.CLOSED)
    workshop = Workshop.objects.get(pk=workshop.pk)
    with pytest.raises(ValidationError, match="is closed"), translation.override("en"):
        imports.import_rows(workshop, preview)
    assert Proposal.objects.count() == before


def test_the_proposals_import_into_an_open_plans_workshop_still_works(world):
    workshop = world["open"][Workshop]
    result = imports.parse_file(workshop, "atelier.csv", _sheet(workshop))
    assert result.ok, result.errors
    before = Proposal.objects.count()
    imports.import_rows(workshop, result)
    assert Proposal.objects.count() == before + 1


def test_citizens_cannot_comment_on_a_closed_plan(world):
    plan = world["closed"][ActionPlan]
    ActionPlan.objects.filter(pk=plan.pk).update(
        consultation_opens_on=datetime.date(2000, 1, 1),
        consultation_closes_on=datetime.date(2100, 1, 1),
    )
    plan.refresh_from_db()
    before = Comment.objects.count()
    with pytest.raises(ValidationError):
        comment_post(
            plan=plan,
            commitment=None,
            parent=None,
            author_name="Citoyen",
            email="citoyen@example.org",
            body="Trop tard ?",
            language="fr",
            fingerprint="x",
        )
    assert Comment.objects.count() == before


# --- the admin ----------------------------------------------------------------------------


@pytest.fixture
def coordinator(world, staff_user):
    user = staff_user(COORDINATOR, world["council"], username="closed-coordinator")
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _closed_rows(world) -> dict[type, set]:
    return {model: {row.pk} for model, row in world["closed"].items()}


def _add_forms(client):
    """Every admin add page of a plan-owned model that the coordinator may open."""
    for model in list(admin.site._registry):
        if not issubclass(model, PlanOwned):
            continue
        response = client.get(
            reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        )
        if response.status_code == 200:
            yield model, response


def test_admin_add_forms_offer_no_closed_plan_nor_its_rows(world, coordinator):
    closed, seen = _closed_rows(world), []
    for model, response in _add_forms(coordinator):
        forms = [response.context["adminform"].form]
        for inline in response.context["inline_admin_formsets"]:
            forms.append(inline.formset.empty_form)
        for form in forms:
            owner = form._meta.model
            for name, field in form.fields.items():
                # Foreign keys only: a commitment's source proposals (many-to-many) may come
                # from an earlier plan's consultation, and the link changes no row of it.
                if (
                    not isinstance(field, ModelChoiceField)
                    or isinstance(field, ModelMultipleChoiceField)
                    or name == owner._meta.pk.name
                ):
                    continue
                target = field.queryset.model
                adds_refused = issubclass(owner, PlanOwned) and not owner.ADDS_AFTER_CLOSURE
                if target in closed and adds_refused:
                    offered = set(field.queryset.values_list("pk", flat=True))
                    assert not offered & closed[target], (model, name)
                    assert world["open"][target].pk in offered, (model, name)
                    seen.append((owner, name))
    assert (Commitment, "plan") in seen and (Workshop, "plan") in seen, seen


def test_a_plans_predecessor_may_still_be_a_closed_plan(world, coordinator):
    response = coordinator.get(reverse("admin:consultations_actionplan_add"))
    predecessors = response.context["adminform"].form.fields["predecessor"].queryset
    assert predecessors.filter(pk=world["closed"][ActionPlan].pk).exists()


# (model, the field naming the plan or its row, fields to post)
FORGED = [
    pytest.param(
        Commitment,
        "plan",
        {"reference": "NEW-2024-09", "title_ar": "التزام جديد"},
        id="commitment.plan",
    ),
    pytest.param(
        Workshop,
        "plan",
        {"title_ar": "ورشة", "kind": Workshop.Kind.CO_CREATION, "starts_on": "2024-02-01"},
        id="workshop.plan",
    ),
    pytest.param(
        Milestone,
        "commitment",
        {"title_ar": "مرحلة", "due_date": "2025-01-31"},
        id="milestone.commitment",
    ),
    pytest.param(Proposal, "working_group", {"title_ar": "مقترح"}, id="proposal.working_group"),
]


@pytest.mark.parametrize(("model", "field", "extra"), FORGED)
@pytest.mark.parametrize("which", ["closed", "open"])
def test_admin_add_naming_a_closed_plan_is_refused(world, coordinator, model, field, extra, which):
    add_url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    response = coordinator.get(add_url)
    data = form_values(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        data.update(form_values(inline.formset.management_form))
    data.update(extra)
    target = model._meta.get_field(field).related_model
    data[field] = str(world[which][target].pk)
    if model is Workshop:
        data["council"] = str(world["council"].pk)
    before = model.objects.count()
    response = coordinator.post(add_url, data)
    if which == "open":
        assert response.status_code == 302, response.context["adminform"].form.errors
        assert model.objects.count() == before + 1
    else:
        assert response.status_code == 200
        assert response.context["adminform"].form.errors[field]
        assert model.objects.count() == before


# (source model, its autocomplete field, the target model, whether closed rows are offered)
AUTOCOMPLETES = [
    pytest.param(model, field, target, offered, id=f"{model.__name__}.{field}")
    for model, field, target, offered in (
        (Commitment, "plan", ActionPlan, False),
        (Milestone, "commitment", Commitment, False),
        (Proposal, "working_group", WorkingGroup, False),
        (Proposal, "workshop", Workshop, False),
        (PlanSelfAssessment, "plan", ActionPlan, True),
        (CommitmentAssessment, "commitment", Commitment, True),
    )
]


@pytest.mark.parametrize(("model", "field", "target", "offered"), AUTOCOMPLETES)
def test_admin_autocomplete_follows_the_rule(world, model, field, target, offered):
    client = Client()
    client.force_login(
        factories.UserFactory(username="closed-root", is_superuser=True, is_staff=True)
    )
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": model._meta.app_label,
            "model_name": model._meta.model_name,
            "field_name": field,
            "term": "",
        },
    )
    assert response.status_code == 200
    ids = {result["id"] for result in response.json()["results"]}
    assert str(world["open"][target].pk) in ids
    assert (str(world["closed"][target].pk) in ids) is offered


def test_a_closed_plans_pages_offer_no_add(world, coordinator):
    commitment = world["closed"][Commitment]
    response = coordinator.get(reverse("admin:commitments_commitment_change", args=[commitment.pk]))
    assert response.status_code == 200
    assert not any(
        inline.has_add_permission for inline in response.context["inline_admin_formsets"]
    )
    workshop = world["closed"][Workshop]
    response = coordinator.get(reverse("admin:consultations_workshop_change", args=[workshop.pk]))
    assert response.status_code == 200
    assert not any(
        inline.has_add_permission for inline in response.context["inline_admin_formsets"]
    )
    html = response.content.decode()
    assert reverse("admin:consultations_workshop_import_proposals", args=[workshop.pk]) not in html
