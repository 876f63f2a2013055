"""The moderators' side of proposals sent online in the admin: the queue (oldest first), the
filters, the actions (publish, hide with a reason, merge duplicates, attach to a theme) as each
role, the council scoping, the author's fields shown read-only, the plan's proposals window."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from commitments.models import FollowEvent
from consultations.models import ActionPlan, Proposal
from opengov.roles import COORDINATOR, COUNCIL_STAFF, MODERATOR, MONITORING_BODY
from tests import factories

pytestmark = pytest.mark.django_db
Publication = Proposal.Publication
CHANGELIST = "admin:consultations_proposal_changelist"


def online(plan, **fields):
    values = {
        "working_group": None,
        "workshop": None,
        "plan": plan,
        "council": plan.council,
        "email": "auteure@example.org",
        "language": "fr",
        "residence": "Tétouan",
        "confirmed_at": timezone.now(),
        "publication": Publication.AWAITING,
        **fields,
    }
    return factories.ProposalFactory(**values)


@pytest.fixture
def plan(db):
    today = timezone.localdate()
    return factories.ActionPlanFactory(
        stage=ActionPlan.Stage.PREPARATION,
        proposals_opens_on=today - datetime.timedelta(days=5),
        proposals_closes_on=today + datetime.timedelta(days=25),
    )


@pytest.fixture
def as_role(plan, staff_user):
    def client(role, council=None):
        c = Client()
        c.force_login(staff_user(role, council or plan.council, password=None))
        return c

    return client


def act(client, action, proposals, **extra):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, ACTION_CHECKBOX_NAME: [p.pk for p in proposals], "index": 0, **extra},
    )


def state(proposal):
    return Proposal.objects.get(pk=proposal.pk).publication


# --- the queue ---------------------------------------------------------------------------------


def test_the_awaiting_queue_lists_the_oldest_first_and_only_those_waiting(plan, as_role):
    now = timezone.now()
    proposals = [online(plan) for _ in range(3)]
    for age, proposal in zip((1, 30, 7), proposals, strict=True):
        Proposal.objects.filter(pk=proposal.pk).update(
            created_at=now - datetime.timedelta(days=age)
        )
    online(plan, publication=Publication.PUBLISHED)
    online(plan, publication=Publication.PENDING)

    response = as_role(MODERATOR).get(reverse(CHANGELIST), {"moderation": "awaiting"})

    listed = [p.pk for p in response.context["cl"].result_list]
    assert listed == [proposals[1].pk, proposals[2].pk, proposals[0].pk]


def test_the_filters_tell_online_from_workshop_proposals(plan, as_role):
    sent = online(plan, publication=Publication.PUBLISHED)
    group = factories.WorkingGroupFactory(workshop__plan=plan, workshop__council=plan.council)
    from_workshop = factories.ProposalFactory(working_group=group)
    client = as_role(MODERATOR)
    for origin, expected in (("online", sent), ("workshop", from_workshop)):
        response = client.get(reverse(CHANGELIST), {"origin": origin})
        assert [p.pk for p in response.context["cl"].result_list] == [expected.pk]


def test_the_list_sorts_by_support_count(plan, as_role):
    few = online(plan, publication=Publication.PUBLISHED)
    many = online(plan, publication=Publication.PUBLISHED)
    Proposal.objects.filter(pk=many.pk).update(support_count=12)
    Proposal.objects.filter(pk=few.pk).update(support_count=2)
    response = as_role(COORDINATOR).get(reverse(CHANGELIST))
    column = list(response.context["cl"].list_display).index("support_count")
    response = as_role(COORDINATOR).get(reverse(CHANGELIST), {"o": f"-{column}"})
    assert [p.pk for p in response.context["cl"].result_list] == [many.pk, few.pk]


# --- actions by role ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(MODERATOR, True), (COORDINATOR, True), (COUNCIL_STAFF, False), (MONITORING_BODY, False)],
)
def test_publishing_from_the_list_by_role(plan, as_role, role, allowed):
    proposal = online(plan)
    act(as_role(role), "publish_proposals", [proposal])
    assert state(proposal) == (Publication.PUBLISHED if allowed else Publication.AWAITING)


def test_a_coordinator_cannot_moderate_another_councils_proposals(plan, as_role):
    other_plan = factories.ActionPlanFactory(stage=ActionPlan.Stage.CONSULTATION)
    theirs = online(other_plan)
    kept = online(other_plan, publication=Publication.PUBLISHED)
    client = as_role(COORDINATOR)

    act(client, "publish_proposals", [theirs])
    act(client, "hide_proposals", [theirs], apply="1", reason="Spam")
    act(client, "merge_duplicates", [theirs, kept], apply="1", kept=kept.pk)

    assert state(theirs) == Publication.AWAITING
    assert Proposal.objects.get(pk=theirs.pk).duplicate_of is None
    assert not FollowEvent.objects.exists()
    # Nor reach them by number from its own proposals.
    mine = online(plan, publication=Publication.PUBLISHED)
    response = act(client, "merge_duplicates", [mine], apply="1", kept_number=kept.pk)
    assert response.status_code == 200
    with translation.override("ar"):
        assert gettext("No proposal with this number is yours to work on.") in (
            response.content.decode()
        )
    assert Proposal.objects.get(pk=mine.pk).duplicate_of is None


def test_hiding_asks_for_the_reason_on_a_page_of_its_own(plan, as_role):
    proposal = online(plan)
    client = as_role(MODERATOR)

    page = act(client, "hide_proposals", [proposal])
    assert page.status_code == 200
    assert page.templates[0].name == "admin/consultations/proposal/moderation_action.html"
    assert state(proposal) == Publication.AWAITING

    refused = act(client, "hide_proposals", [proposal], apply="1", reason="  ")
    assert refused.status_code == 200 and state(proposal) == Publication.AWAITING

    done = act(client, "hide_proposals", [proposal], apply="1", reason="Hors sujet")
    assert done.status_code == 302
    hidden = Proposal.objects.get(pk=proposal.pk)
    assert (hidden.publication, hidden.hidden_reason) == (Publication.HIDDEN, "Hors sujet")


def test_merging_keeps_the_proposal_chosen_among_those_selected(plan, as_role):
    kept = online(plan, publication=Publication.PUBLISHED)
    duplicates = [online(plan, publication=Publication.PUBLISHED) for _ in range(2)]
    client = as_role(COORDINATOR)

    page = act(client, "merge_duplicates", [kept, *duplicates])
    assert page.status_code == 200 and "kept" in page.context["form"].fields

    act(client, "merge_duplicates", [kept, *duplicates], apply="1", kept=kept.pk)
    assert sorted(kept.duplicates.values_list("pk", flat=True)) == [p.pk for p in duplicates]
    assert FollowEvent.objects.filter(kind=FollowEvent.Kind.PROPOSAL_DUPLICATE).count() == 2


def test_merging_keeps_a_proposal_given_by_its_number_in_the_same_plan(plan, as_role):
    kept = online(plan, publication=Publication.PUBLISHED)
    duplicate = online(plan, publication=Publication.PUBLISHED)
    act(as_role(MODERATOR), "merge_duplicates", [duplicate], apply="1", kept_number=kept.pk)
    assert Proposal.objects.get(pk=duplicate.pk).duplicate_of == kept


def test_merging_refuses_proposals_of_several_plans(plan, as_role):
    other = factories.ActionPlanFactory(council=plan.council, start_year=2027, end_year=2029)
    first = online(plan, publication=Publication.PUBLISHED)
    second = online(other, publication=Publication.PUBLISHED)
    response = act(
        as_role(MODERATOR), "merge_duplicates", [first, second], apply="1", kept=first.pk
    )
    assert response.status_code == 302
    assert not Proposal.objects.filter(duplicate_of__isnull=False).exists()


def test_attaching_to_a_theme_offers_the_themes_of_the_plans_working_groups(plan, as_role):
    group = factories.WorkingGroupFactory(
        workshop__plan=plan, workshop__council=plan.council, theme=factories.ThemeFactory()
    )
    factories.ThemeFactory()  # no working group of this plan
    proposal = online(plan)
    client = as_role(MODERATOR)

    page = act(client, "set_theme", [proposal])
    assert list(page.context["form"].fields["theme"].queryset) == [group.theme]

    act(client, "set_theme", [proposal], apply="1", theme=group.theme.pk)
    attached = Proposal.objects.get(pk=proposal.pk)
    assert attached.theme == group.theme and attached.is_online


# --- the change form and the plan ------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "sees_email"), [(MODERATOR, True), (COORDINATOR, True), (COUNCIL_STAFF, False)]
)
def test_the_online_author_is_shown_read_only_and_the_address_to_moderators_only(
    plan, as_role, role, sees_email
):
    kept = online(plan, publication=Publication.PUBLISHED, title_fr="Proposition gardée")
    proposal = online(plan, duplicate_of=kept)
    client = as_role(role)
    url = reverse("admin:consultations_proposal_change", args=[proposal.pk])

    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Tétouan" in html
    assert ("auteure@example.org" in html) is sees_email
    assert reverse("admin:consultations_proposal_change", args=[kept.pk]) in html
    form = page.context["adminform"].form
    assert not {"email", "residence", "publication", "duplicate_of"} & set(form.fields)


def test_the_plan_form_sets_the_proposals_window(plan, as_role):
    page = as_role(COORDINATOR).get(
        reverse("admin:consultations_actionplan_change", args=[plan.pk])
    )
    fields = page.context["adminform"].form.fields
    assert {"proposals_opens_on", "proposals_closes_on", "proposals_need_moderation"} <= set(fields)
