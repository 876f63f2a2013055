"""The admin's permission matrix: every model admin x every role x every operation, on the
user's own council (ALPHA) and on another council (BRAVO).

The rights of each role are written out in RIGHTS below (they mirror the groups created by
commitments/migrations/0002_roles.py); `expected_status` turns a right into the HTTP status Django's
admin answers, so every cell of the matrix is one test case with one exact expected status.

The two councils' data are built once for the module (inside a transaction rolled back at the end,
each test running in its own savepoint), which keeps the several hundred cases fast.
"""

import datetime

import pytest
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from commitments.models import Commitment, Forum, ForumMeeting, Indicator, Milestone
from consultations.models import (
    ActionPlan,
    Council,
    PlanStageChange,
    Proposal,
    Theme,
    WorkingGroup,
    Workshop,
    WorkshopDocument,
)
from opengov.roles import COORDINATOR, COUNCIL_STAFF, MODERATOR, MONITORING_BODY
from tests import factories
from tests.admin.helpers import form_values

pytestmark = pytest.mark.django_db

OWN, OTHER = "ALPHA", "BRAVO"  # the users work for ALPHA's council; BRAVO is someone else's
ROLES = ("superuser", "staff", "coordinator", "moderator", "monitor")
GROUP_OF_ROLE = {
    "staff": COUNCIL_STAFF,
    "coordinator": COORDINATOR,
    "moderator": MODERATOR,
    "monitor": MONITORING_BODY,
}

# What each role may do on each model's objects of its own council(s) (the monitoring body
# reads everything; what it files is tested in tests/commitments/monitoring):
# v = view, a = add, c = change, d = delete; "" = the model is not shown at all.
# Superusers (network administrators) may do it on every council. PlanStageChange is written by
# the stage actions only: read-only for everyone.
# fmt: off
RIGHTS_TABLE = {
    # model              superuser  staff   coordinator  moderator  monitor
    "council":          ("vacd",    "v",    "v",         "v",       "v"),
    "theme":            ("vacd",    "v",    "v",         "",        "v"),
    "actionplan":       ("vacd",    "v",    "vac",       "v",       "v"),
    "planstagechange":  ("v",       "v",    "v",         "",        "v"),
    "workshop":         ("vacd",    "vacd", "vacd",      "",        "v"),
    "workshopdocument": ("vacd",    "vacd", "vacd",      "",        "v"),
    "workinggroup":     ("vacd",    "vacd", "vacd",      "",        "v"),
    "proposal":         ("vacd",    "vacd", "vacd",      "v",       "v"),
    "commitment":       ("vacd",    "v",    "vacd",      "v",       "v"),
    "milestone":        ("vacd",    "vc",   "vacd",      "",        "v"),
    "indicator":        ("vacd",    "vc",   "vacd",      "",        "v"),
    "forum":            ("vacd",    "vc",   "vacd",      "",        "v"),
    "forummeeting":     ("vacd",    "vacd", "vacd",      "",        "v"),
}
# fmt: on
RIGHTS = {model: dict(zip(ROLES, row, strict=True)) for model, row in RIGHTS_TABLE.items()}

# Themes belong to no council: both councils' themes are everybody's.
UNSCOPED = {"theme"}

MODELS = {
    "council": Council,
    "theme": Theme,
    "actionplan": ActionPlan,
    "planstagechange": PlanStageChange,
    "workshop": Workshop,
    "workshopdocument": WorkshopDocument,
    "workinggroup": WorkingGroup,
    "proposal": Proposal,
    "commitment": Commitment,
    "milestone": Milestone,
    "indicator": Indicator,
    "forum": Forum,
    "forummeeting": ForumMeeting,
}

# A plain text field each change POST modifies, to see whether the change was saved.
PROBE = {
    "council": "contact_phone",
    "theme": "description_ar",
    "actionplan": "introduction_ar",
    "planstagechange": None,
    "workshop": "chaired_by_ar",
    "workshopdocument": "title_fr",
    "workinggroup": "facilitator",
    "proposal": "submitted_by",
    "commitment": "partners_ar",
    "milestone": "evidence_ar",
    "indicator": "source_ar",
    "forum": "description_ar",
    "forummeeting": "venue_ar",
}

# operation -> (right it needs, status when the right is held, on an object the user may see)
OPERATIONS = {
    "changelist": ("v", 200),
    "change_get": ("v", 200),
    "add_get": ("a", 200),
    "change_post": ("c", 302),
    "delete_post": ("d", 302),  # or 200: the "cannot delete, protected objects" page
    "history": ("v", 200),
}
NOT_FOUND, FORBIDDEN = 404, 403


def expected_status(model: str, role: str, operation: str, council: str) -> int:
    """The status of one cell of the matrix.

    On the own council: the right is held -> the operation's success status, else 403.
    On another council (for staff roles, on council-scoped models), the object is not found;
    Django checks the permission before looking the object up on the change and delete views
    (so 403 when the right is missing, 404 when it is held), and after on the history view
    (always 404). The changelist answers as on the own council, without the other council's rows.
    """
    right, success = OPERATIONS[operation]
    held = right in RIGHTS[model][role]
    if council == OWN or role == "superuser" or model in UNSCOPED or operation == "changelist":
        return success if held else FORBIDDEN
    if operation == "history":
        return NOT_FOUND
    return NOT_FOUND if held else FORBIDDEN


# Cells where the admin does not do what the table says: (model, role, operation, council).
def _cases():
    for model in MODELS:
        for role in ROLES:
            for operation in OPERATIONS:
                councils = (OWN,) if operation == "add_get" else (OWN, OTHER)
                for council in councils:
                    key = (model, role, operation, council)
                    yield pytest.param(*key, id="-".join(key))


# --- the two councils -------------------------------------------------------------------------


def _build_council(tag: str) -> dict:
    council = factories.CouncilFactory(name_ar=f"{tag}-council", name_fr=f"{tag}-council")
    theme = factories.ThemeFactory(name_ar=f"{tag}-theme", name_fr=f"{tag}-theme")
    plan = factories.ActionPlanFactory(
        council=council, title_ar=f"{tag}-actionplan", title_fr=f"{tag}-actionplan"
    )
    assert plan.stage == ActionPlan.Stage.PREPARATION
    workshop = factories.WorkshopFactory(
        council=council, plan=plan, title_ar=f"{tag}-workshop", title_fr=f"{tag}-workshop"
    )
    group = factories.WorkingGroupFactory(
        workshop=workshop, theme=theme, title_ar=f"{tag}-workinggroup", title_fr=""
    )
    proposal = factories.ProposalFactory(
        working_group=group, title_ar=f"{tag}-proposal", title_fr=""
    )
    document = factories.WorkshopDocumentFactory(
        workshop=workshop, title_ar=f"{tag}-workshopdocument", title_fr=""
    )
    commitment = factories.CommitmentFactory(
        plan=plan, theme=theme, reference=f"{tag}-REF", title_ar=f"{tag}-commitment", title_fr=""
    )
    milestone = factories.MilestoneFactory(
        commitment=commitment, title_ar=f"{tag}-milestone", title_fr=""
    )
    indicator = factories.IndicatorFactory(
        commitment=commitment, name_ar=f"{tag}-indicator", name_fr=""
    )
    change = PlanStageChange.objects.create(
        plan=plan, from_stage="preparation", to_stage="consultation"
    )
    forum = factories.ForumFactory(council=council, name_ar=f"{tag}-forum", name_fr="")
    factories.ForumMemberFactory(forum=forum)
    meeting = factories.ForumMeetingFactory(
        forum=forum, plan=plan, title_ar=f"{tag}-forummeeting", title_fr=""
    )
    return {
        "council": council,
        "theme": theme,
        "actionplan": plan,
        "planstagechange": change,
        "workshop": workshop,
        "workshopdocument": document,
        "workinggroup": group,
        "proposal": proposal,
        "commitment": commitment,
        "milestone": milestone,
        "indicator": indicator,
        "forum": forum,
        "forummeeting": meeting,
    }


# What a changelist shows of each object (the plan's title for a stage change).
def _marker(tag: str, model: str) -> str:
    return f"{tag}-{'actionplan' if model == 'planstagechange' else model}"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Both councils and the users, built once; rolled back after the module (uploaded files
    go to a temporary media folder)."""
    media = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=media), django_db_blocker.unblock(), transaction.atomic():
        data = {OWN: _build_council(OWN), OTHER: _build_council(OTHER)}
        user_model = get_user_model()
        users = {
            "superuser": user_model.objects.create_superuser(
                username="perm-superuser", email="su@example.org", password="x-long-password"
            )
        }
        for role, group_name in GROUP_OF_ROLE.items():
            user = factories.staff_user(group_name, data[OWN]["council"], username=f"perm-{role}")
            users[role] = user
        data["users"] = users
        yield data
        transaction.set_rollback(True)


@pytest.mark.parametrize("role", GROUP_OF_ROLE)
def test_rights_table_matches_the_role_groups(world, role):
    """RIGHTS is what migration 0002_roles grants, not what the admin happens to do."""
    granted = set(
        Group.objects.get(name=GROUP_OF_ROLE[role]).permissions.values_list("codename", flat=True)
    )
    actions = {"v": "view", "a": "add", "c": "change", "d": "delete"}
    for model, rights in RIGHTS.items():
        if model == "planstagechange":
            continue  # the group may hold more than the admin allows: no one writes it
        in_table = {f"{actions[r]}_{model}" for r in rights[role]}
        in_group = {f"{a}_{model}" for a in actions.values() if f"{a}_{model}" in granted}
        assert in_table == in_group, model


def client_for(world, role: str) -> Client:
    # A crash is a 500 cell of the matrix, not an error of the test.
    client = Client(raise_request_exception=False)
    client.force_login(world["users"][role])
    return client


def url(model: str, view: str, *args) -> str:
    app_label = MODELS[model]._meta.app_label
    return reverse(f"admin:{app_label}_{model}_{view}", args=args)


# --- building a change form's POST from the page ----------------------------------------------


def changeform_values(world, model: str, obj) -> dict:
    """What a network administrator's browser would send back unchanged from the change page,
    inlines included (their management forms too)."""
    response = client_for(world, "superuser").get(url(model, "change", obj.pk))
    assert response.status_code == 200
    data = form_values(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(form_values(formset.management_form))
        for form in formset.forms:
            data.update(form_values(form))
    return data


def _form_errors(response) -> str:
    if response.context is None or "adminform" not in response.context:
        return ""
    errors = [response.context["adminform"].form.errors]
    errors += [i.formset.errors for i in response.context["inline_admin_formsets"]]
    return repr(errors)


# --- the matrix -------------------------------------------------------------------------------


@pytest.mark.parametrize(("model", "role", "operation", "council"), list(_cases()))
def test_permission_matrix(world, model, role, operation, council):
    expected = expected_status(model, role, operation, council)
    client = client_for(world, role)
    obj = world[council][model]
    model_class = MODELS[model]

    if operation == "changelist":
        response = client.get(url(model, "changelist"))
        assert response.status_code == expected
        if expected == 200:
            html = response.content.decode()
            visible = council == OWN or role == "superuser" or model in UNSCOPED
            assert (_marker(council, model) in html) is visible, html

    elif operation == "change_get":
        response = client.get(url(model, "change", obj.pk))
        assert response.status_code == expected

    elif operation == "add_get":
        response = client.get(url(model, "add"))
        assert response.status_code == expected

    elif operation == "history":
        response = client.get(url(model, "history", obj.pk))
        assert response.status_code == expected

    elif operation == "change_post":
        probe = PROBE[model]
        data = changeform_values(world, model, obj)
        if probe:
            data[probe] = "Changed by the permission test"
        before = model_class.objects.get(pk=obj.pk)
        response = client.post(url(model, "change", obj.pk), data)
        assert response.status_code == expected, _form_errors(response)
        after = model_class.objects.get(pk=obj.pk)
        if probe:
            saved = getattr(after, probe) == "Changed by the permission test"
            assert saved is (expected == 302)
        else:
            assert after.to_stage == before.to_stage

    elif operation == "delete_post":
        response = client.post(url(model, "delete", obj.pk), {"post": "yes"})
        still_there = model_class.objects.filter(pk=obj.pk).exists()
        if expected == 302:
            # Allowed: deleted, or refused only because protected objects depend on it.
            assert response.status_code in (200, 302)
            assert still_there is (response.status_code == 200)
            if response.status_code == 200:
                assert response.context["protected"], "200 without protected objects"
        else:
            assert response.status_code == expected
            assert still_there


# --- custom actions ---------------------------------------------------------------------------

STAGE_ACTIONS = [f"move_to_{stage}" for stage in ActionPlan.Stage.values]
COORDINATES = {"superuser": True, "coordinator": True, "staff": False, "moderator": False}


def _action_names(response) -> set[str]:
    action_form = response.context["action_form"]
    if action_form is None:
        return set()
    return {name for name, _label in action_form.fields["action"].choices if name}


def _action_post(obj) -> dict:
    return {"_selected_action": [obj.pk], "index": "0", "select_across": "0"}


def _messages(response) -> list:
    return list(messages.get_messages(response.wsgi_request))


@pytest.mark.parametrize(("role", "offered"), COORDINATES.items())
def test_stage_actions_are_offered_to_coordinators_only(world, role, offered):
    response = client_for(world, role).get(url("actionplan", "changelist"))
    assert response.status_code == 200
    names = _action_names(response)
    for action in STAGE_ACTIONS:
        assert (action in names) is offered, action


@pytest.mark.parametrize("role", ["staff", "moderator"])
@pytest.mark.parametrize("action", STAGE_ACTIONS)
def test_crafted_stage_action_by_a_non_coordinator_changes_nothing(world, role, action):
    plan = world[OWN]["actionplan"]
    changes = PlanStageChange.objects.count()
    response = client_for(world, role).post(
        url("actionplan", "changelist"), {"action": action, **_action_post(plan)}
    )
    assert response.status_code in (200, 302)
    plan.refresh_from_db()
    assert plan.stage == ActionPlan.Stage.PREPARATION
    assert PlanStageChange.objects.count() == changes


def test_stage_action_by_a_coordinator_runs(world):
    plan = world[OWN]["actionplan"]
    changes = PlanStageChange.objects.count()
    response = client_for(world, "coordinator").post(
        url("actionplan", "changelist"), {"action": "move_to_consultation", **_action_post(plan)}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    moved = plan.stage == ActionPlan.Stage.CONSULTATION
    assert moved is (PlanStageChange.objects.count() == changes + 1)
    # Moved, or told why not (a precondition of the consultation is missing).
    levels = {m.level for m in _messages(response)}
    assert (messages.SUCCESS in levels) if moved else (messages.ERROR in levels)


def test_coordinator_cannot_move_another_councils_plan(world):
    plan = world[OTHER]["actionplan"]
    changes = PlanStageChange.objects.count()
    client_for(world, "coordinator").post(
        url("actionplan", "changelist"), {"action": "move_to_consultation", **_action_post(plan)}
    )
    plan.refresh_from_db()
    assert plan.stage == ActionPlan.Stage.PREPARATION
    assert PlanStageChange.objects.count() == changes


@pytest.mark.parametrize(("role", "offered"), COORDINATES.items())
def test_turn_into_commitment_is_offered_to_coordinators_only(world, role, offered):
    response = client_for(world, role).get(url("proposal", "changelist"))
    assert response.status_code == 200
    assert ("turn_into_commitment" in _action_names(response)) is offered


@pytest.mark.parametrize(("role", "offered"), COORDINATES.items())
def test_crafted_turn_into_commitment(world, role, offered):
    proposal = world[OWN]["proposal"]
    response = client_for(world, role).post(
        url("proposal", "changelist"), {"action": "turn_into_commitment", **_action_post(proposal)}
    )
    target = reverse("admin:commitments_commitment_from_proposals") + f"?proposals={proposal.pk}"
    if offered:
        assert response.status_code == 302
        assert response["Location"] == target
    else:
        assert response.status_code in (200, 302)
        assert "from-proposals" not in response.get("Location", "")


# --- fields each role may change --------------------------------------------------------------


@pytest.mark.parametrize(("role", "answers"), [("staff", False), ("coordinator", True)])
def test_only_coordinators_answer_proposals(world, role, answers):
    proposal = world[OWN]["proposal"]
    data = changeform_values(world, "proposal", proposal)
    data.update(
        status=Proposal.Status.NOT_RETAINED,
        response_ar="Out of the council's competences",
        submitted_by="Edited by the test",
    )
    response = client_for(world, role).post(url("proposal", "change", proposal.pk), data)
    assert response.status_code == 302, _form_errors(response)
    proposal.refresh_from_db()
    assert proposal.submitted_by == "Edited by the test"  # the rest of the form was saved
    if answers:
        assert proposal.status == Proposal.Status.NOT_RETAINED
        assert proposal.response_ar == "Out of the council's competences"
        assert proposal.responded_by == world["users"][role]
    else:
        assert proposal.status == Proposal.Status.RECEIVED
        assert not proposal.response_ar
        assert proposal.responded_by is None


def test_staff_see_the_answer_read_only(world):
    response = client_for(world, "staff").get(url("proposal", "change", world[OWN]["proposal"].pk))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert not {"status", "response_ar", "response_fr"} & set(form.fields)


# (field, value posted, whether council staff may change it): progress, not definition.
MILESTONE_EDITS = [
    ("status", Milestone.Status.COMPLETED, True),
    ("completed_on", datetime.date(2024, 6, 1), True),
    ("evidence_ar", "Report published", True),
    ("evidence_url", "https://example.org/report", True),
    ("title_ar", "Renamed by the test", False),
    ("responsible_ar", "Reassigned by the test", False),
    ("due_date", datetime.date(2030, 1, 1), False),
    ("start_date", datetime.date(2024, 4, 1), False),
]
INDICATOR_EDITS = [
    ("latest_value", 42, True),
    ("latest_value_on", datetime.date(2024, 6, 1), True),
    ("source_ar", "Council survey", True),
    ("name_ar", "Renamed by the test", False),
    ("baseline", 5, False),
    ("target", 200, False),
]


def _edit_cases(edits):
    for role in ("staff", "coordinator"):
        for field, value, staff_may in edits:
            yield pytest.param(role, field, value, staff_may, id=f"{role}-{field}")


def _progress_post(world, role, model, edits):
    obj = world[OWN][model]
    data = changeform_values(world, model, obj)
    for field, value, _staff_may in edits:
        data[field] = str(value)
    response = client_for(world, role).post(url(model, "change", obj.pk), data)
    assert response.status_code == 302, _form_errors(response)
    return MODELS[model].objects.get(pk=obj.pk)


@pytest.mark.parametrize(
    ("role", "field", "value", "staff_may"), list(_edit_cases(MILESTONE_EDITS))
)
def test_milestone_fields_by_role(world, role, field, value, staff_may):
    after = _progress_post(world, role, "milestone", MILESTONE_EDITS)
    changed = getattr(after, field) == value
    assert changed is (staff_may or role == "coordinator")


@pytest.mark.parametrize(
    ("role", "field", "value", "staff_may"), list(_edit_cases(INDICATOR_EDITS))
)
def test_indicator_fields_by_role(world, role, field, value, staff_may):
    after = _progress_post(world, role, "indicator", INDICATOR_EDITS)
    changed = getattr(after, field) == value
    assert changed is (staff_may or role == "coordinator")


# --- autocomplete -----------------------------------------------------------------------------

# (role, source model, its autocomplete field, the model the choices come from, status)
AUTOCOMPLETES = [
    ("staff", "proposal", "working_group", "workinggroup", 200),
    ("staff", "proposal", "workshop", "workshop", 200),
    ("staff", "workinggroup", "workshop", "workshop", 200),
    ("staff", "workshopdocument", "workshop", "workshop", 200),
    ("staff", "workshop", "council", "council", 200),
    ("staff", "milestone", "commitment", "commitment", 200),
    ("staff", "indicator", "commitment", "commitment", 200),
    ("coordinator", "proposal", "working_group", "workinggroup", 200),
    ("coordinator", "commitment", "plan", "actionplan", 200),
    ("coordinator", "commitment", "source_proposals", "proposal", 200),
    ("coordinator", "actionplan", "council", "council", 200),
    ("moderator", "proposal", "working_group", "workinggroup", 403),
    ("superuser", "proposal", "working_group", "workinggroup", 200),
]


@pytest.mark.parametrize(("role", "model", "field", "remote", "status"), AUTOCOMPLETES)
def test_autocomplete_offers_own_councils_objects_only(world, role, model, field, remote, status):
    response = client_for(world, role).get(
        reverse("admin:autocomplete"),
        {
            "app_label": MODELS[model]._meta.app_label,
            "model_name": model,
            "field_name": field,
            "term": "",
        },
    )
    assert response.status_code == status
    if status != 200:
        return
    ids = {result["id"] for result in response.json()["results"]}
    assert str(world[OWN][remote].pk) in ids
    assert (str(world[OTHER][remote].pk) in ids) is (role == "superuser")


# --- the "proposals into a commitment" page ---------------------------------------------------


def _from_proposals(*proposals) -> str:
    ids = ",".join(str(p.pk) for p in proposals)
    return reverse("admin:commitments_commitment_from_proposals") + f"?proposals={ids}"


@pytest.mark.parametrize("other_too", [False, True], ids=["other-only", "own-and-other"])
def test_from_proposals_does_not_find_another_councils_proposal(world, other_too):
    own, other = world[OWN]["proposal"], world[OTHER]["proposal"]
    selected = (own, other) if other_too else (other,)
    response = client_for(world, "coordinator").get(_from_proposals(*selected))
    assert response.status_code == 302
    assert response["Location"] == url("proposal", "changelist")
    assert [m.level for m in _messages(response)] == [messages.ERROR]
    assert "BRAVO" not in response.content.decode()


def test_from_proposals_post_for_another_councils_proposal_creates_nothing(world):
    other = world[OTHER]["proposal"]
    count = Commitment.objects.count()
    response = client_for(world, "coordinator").post(
        _from_proposals(other),
        {
            "mode": "new",
            "plan": world[OTHER]["actionplan"].pk,
            "reference": "SNEAKY-01",
            "title_ar": "Sneaky",
        },
    )
    assert response.status_code == 302
    assert Commitment.objects.count() == count
    assert not other.commitments.exists()


def test_from_proposals_shows_own_proposal_to_coordinator(world):
    response = client_for(world, "coordinator").get(_from_proposals(world[OWN]["proposal"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "ALPHA-proposal" in html
    # (Themes are shared: BRAVO-theme may be offered.)
    for marker in ("BRAVO-proposal", "BRAVO-actionplan", "BRAVO-REF", "BRAVO-council"):
        assert marker not in html


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("role", ["staff", "moderator"])
def test_from_proposals_is_forbidden_to_non_coordinators(world, role, method):
    count = Commitment.objects.count()
    page = _from_proposals(world[OWN]["proposal"])
    data = {"mode": "new", "plan": world[OWN]["actionplan"].pk, "reference": "STAFF-01"}
    client = client_for(world, role)
    response = client.get(page) if method == "get" else client.post(page, data)
    assert response.status_code == 403
    assert Commitment.objects.count() == count


# --- adding under another council -------------------------------------------------------------


def addform_values(client, model: str) -> dict:
    response = client.get(url(model, "add"))
    assert response.status_code == 200
    data = form_values(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        data.update(form_values(inline.formset.management_form))
    return data


# (role, model, the field naming the parent, the parent's model, extra fields to post)
ADDS = [
    ("staff", "workinggroup", "workshop", "workshop", {"title_ar": "New group"}),
    ("staff", "workshopdocument", "workshop", "workshop", {"title_ar": "New doc"}),
    ("staff", "proposal", "working_group", "workinggroup", {"title_ar": "New proposal"}),
    (
        "staff",
        "workshop",
        "council",
        "council",
        {"title_ar": "New workshop", "kind": Workshop.Kind.CO_CREATION, "starts_on": "2024-02-01"},
    ),
    ("coordinator", "commitment", "plan", "actionplan", {"reference": "NEW-01", "title_ar": "N"}),
    ("coordinator", "milestone", "commitment", "commitment", {"title_ar": "New milestone"}),
    (
        "coordinator",
        "actionplan",
        "council",
        "council",
        {"title_ar": "New plan", "start_year": 2027, "end_year": 2029},
    ),
]


@pytest.mark.parametrize("council", [OWN, OTHER])
@pytest.mark.parametrize(("role", "model", "field", "parent", "extra"), ADDS)
def test_add_under_a_council(world, tmp_path, role, model, field, parent, extra, council):
    """Adding under the own council works; under another council the choice is refused."""
    client = client_for(world, role)
    data = addform_values(client, model)
    data.update({key: str(value) for key, value in extra.items()})
    data[field] = str(world[council][parent].pk)
    if model == "workshop":
        data["plan"] = str(world[council]["actionplan"].pk)
    if model == "milestone":
        data["due_date"] = "2025-01-31"
    files = {}
    if model == "workshopdocument":
        upload = tmp_path / "minutes.pdf"
        upload.write_bytes(b"%PDF-1.4\n%%EOF\n")
        files = {"file": upload.open("rb")}
    count = MODELS[model].objects.count()
    response = client.post(url(model, "add"), {**data, **files})
    if council == OWN:
        assert response.status_code == 302, _form_errors(response)
        assert MODELS[model].objects.count() == count + 1
    else:
        assert response.status_code in (200, 403), _form_errors(response)
        assert MODELS[model].objects.count() == count
