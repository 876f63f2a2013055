"""Followers in the admin: the active follows of each plan and commitment are counted (a column of
their changelists and a read-only field of their change pages), by one annotated query whatever
the number of rows, and never listed: no address reaches the page."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from commitments.comments.services import mailbox_key
from commitments.models import Follow, Subscriber
from opengov.roles import COORDINATOR, COUNCIL_STAFF
from tests import factories

pytestmark = pytest.mark.django_db

State = Follow.State
_serial = iter(range(1_000_000))


def follow(state=State.ACTIVE, **target) -> Follow:
    email = f"follower-{next(_serial)}@example.org"
    subscriber = Subscriber.objects.create(email=email, mailbox=mailbox_key(email), language="fr")
    confirmed = timezone.now() if state != State.PENDING else None
    return Follow.objects.create(
        subscriber=subscriber, state=state, language="fr", confirmed_at=confirmed, **target
    )


def followed_commitment(active=3, plan_active=2, council_active=1):
    """A commitment with `active` active follows (plus one pending and one ended, not counted),
    its plan with `plan_active`, its council with `council_active`."""
    commitment = factories.CommitmentFactory()
    plan, council = commitment.plan, commitment.plan.council
    for _ in range(active):
        follow(commitment=commitment)
    follow(State.PENDING, commitment=commitment)
    follow(State.ENDED, commitment=commitment)
    for _ in range(plan_active):
        follow(plan=plan)
    follow(State.ENDED, plan=plan)
    for _ in range(council_active):
        follow(council=council)
    return commitment


def changelist(client, name: str):
    response = client.get(reverse(f"admin:{name}_changelist"))
    assert response.status_code == 200
    return response


def test_plan_changelist_counts_active_followers_of_each_plan(admin_client):
    busy = followed_commitment(active=1, plan_active=4).plan
    quiet = factories.ActionPlanFactory()
    response = changelist(admin_client, "consultations_actionplan")
    counts = {plan.pk: plan._followers for plan in response.context["cl"].result_list}
    assert counts == {busy.pk: 4, quiet.pk: 0}
    html = response.content.decode()
    assert "column-followers" in html and "@example.org" not in html


def test_commitment_changelist_counts_active_followers_of_each_commitment(admin_client):
    busy = followed_commitment(active=3)
    quiet = factories.CommitmentFactory(plan=busy.plan)
    response = changelist(admin_client, "commitments_commitment")
    counts = {c.pk: c._followers for c in response.context["cl"].result_list}
    assert counts == {busy.pk: 3, quiet.pk: 0}
    html = response.content.decode()
    assert "column-followers" in html and "@example.org" not in html


def test_changelists_sort_by_followers(admin_client):
    busy = followed_commitment(active=5)
    factories.CommitmentFactory(plan=busy.plan)
    column = list(
        changelist(admin_client, "commitments_commitment").context["cl"].list_display
    ).index("followers")
    url = reverse("admin:commitments_commitment_changelist")
    ascending = admin_client.get(f"{url}?o={column}").context["cl"].result_list
    descending = admin_client.get(f"{url}?o=-{column}").context["cl"].result_list
    assert (ascending[1], descending[0]) == (busy, busy)


def test_change_pages_show_the_counts_and_never_an_address(staff_user):
    commitment = followed_commitment(active=3, plan_active=2, council_active=1)
    client = _logged_in(staff_user(COORDINATOR, commitment.plan.council))

    response = client.get(reverse("admin:commitments_commitment_change", args=[commitment.pk]))
    assert response.status_code == 200
    fields = _readonly(response)
    assert fields["followers"] == "3"
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        also = gettext("plan: %(plan)d · council: %(council)d") % {"plan": 2, "council": 1}
    assert fields["plan_and_council_followers"] == also
    assert "@example.org" not in response.content.decode()

    plan = commitment.plan
    response = client.get(reverse("admin:consultations_actionplan_change", args=[plan.pk]))
    assert response.status_code == 200
    fields = _readonly(response)
    assert (fields["followers"], fields["council_followers"]) == ("2", "1")
    assert "@example.org" not in response.content.decode()


def test_council_staff_see_the_counts_of_their_own_council_only(staff_user):
    mine = followed_commitment(active=2)
    other = followed_commitment(active=7)
    client = _logged_in(staff_user(COUNCIL_STAFF, mine.plan.council))
    response = changelist(client, "commitments_commitment")
    assert {c.pk: c._followers for c in response.context["cl"].result_list} == {mine.pk: 2}
    change = reverse("admin:commitments_commitment_change", args=[other.pk])
    assert client.get(change).status_code == 404


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["consultations_actionplan", "commitments_commitment"])
def test_changelist_queries_do_not_grow_with_followed_rows(
    admin_client, name, django_assert_max_num_queries
):
    url = reverse(f"admin:{name}_changelist")
    for _ in range(2):
        followed_commitment()
    admin_client.get(url)  # warm the content types and the session
    few = _count_queries(admin_client, url)
    for _ in range(5):
        followed_commitment(active=4, plan_active=3)
    with django_assert_max_num_queries(few):
        assert admin_client.get(url).status_code == 200


# --- helpers ----------------------------------------------------------------------------------


def _logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def _readonly(response) -> dict[str, str]:
    """The read-only fields of an admin change page, by name, as the page shows them."""
    values = {}
    for fieldset in response.context["adminform"]:
        for line in fieldset:
            for field in line:
                if field.is_readonly:
                    values[field.field["name"]] = str(field.contents())
    return values
