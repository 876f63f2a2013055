"""The proposals list with proposals sent online: each row links to the proposal's page, says
"sent online" and how many support it, a merged one names the one it was merged with; the list
sorts by support and filters by origin, in a fixed number of queries whatever the rows."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext, ngettext

from consultations.models import ActionPlan, Proposal
from consultations.views import PROPOSAL_LIST_PARAMS
from opengov.pagecache import known_query
from tests import factories

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def open_plan() -> ActionPlan:
    today = timezone.localdate()
    return factories.ActionPlanFactory(
        stage=ActionPlan.Stage.PREPARATION,
        proposals_opens_on=today - 3 * DAY,
        proposals_closes_on=today + 20 * DAY,
    )


def online(plan, supports=0, **kwargs) -> Proposal:
    proposal = factories.OnlineProposalFactory(plan=plan, **kwargs)
    for _ in range(supports):
        factories.ProposalSupportFactory(proposal=proposal)
    Proposal.objects.filter(pk=proposal.pk).update(support_count=supports)
    return proposal


def from_a_workshop(plan) -> Proposal:
    return factories.ProposalFactory(
        working_group__workshop__plan=plan, working_group__workshop__council=plan.council
    )


def listed(client, query="", language="ar"):
    with translation.override(language):
        path = reverse("consultations:proposals")
    response = client.get(path + query)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_online_rows_link_their_page_say_sent_online_and_count_supports(client, language):
    plan = open_plan()
    kept = online(plan, supports=3, title_ar="المقترح المحتفظ به")
    merged = online(plan, duplicate_of=kept, title_ar="مقترح مكرر")
    workshop = from_a_workshop(plan)
    html = listed(client, f"?plan={plan.pk}", language).content.decode()
    with translation.override(language):
        kept_url = reverse("commitments:proposal", args=[kept.pk])
        merged_url = reverse("commitments:proposal", args=[merged.pk])
        workshop_url = reverse("commitments:proposal", args=[workshop.pk])
        sent_online = gettext("Sent online")
        three = ngettext("%(counter)s support", "%(counter)s supports", 3) % {"counter": 3}
        merged_with = gettext("Merged with:")
    for path in (kept_url, merged_url, workshop_url):
        assert f'href="{path}"' in html
    marked = f'<span class="online">{sent_online}</span>'
    assert html.count(marked) == 2, "the two sent online, not the workshop's"
    assert three in html
    row = html[html.index(f'id="proposal-{merged.pk}"') :]
    row = row[: row.index('class="proposal-row"') if 'class="proposal-row"' in row else None]
    assert merged_with in row and f'href="{kept_url}"' in row
    assert escape(workshop.workshop.title_ar) in html or workshop.workshop.title_fr in html


def test_sort_by_support_then_newest(client):
    plan = open_plan()
    few = online(plan, supports=1)
    many = online(plan, supports=5)
    none_old = online(plan)
    none_new = online(plan)
    recent = [p.pk for p in listed(client).context["proposals"]]
    assert recent == [none_new.pk, none_old.pk, many.pk, few.pk]
    supported = [p.pk for p in listed(client, "?sort=support").context["proposals"]]
    assert supported == [many.pk, few.pk, none_new.pk, none_old.pk]


def test_filter_by_origin(client):
    plan = open_plan()
    sent = online(plan)
    workshop = from_a_workshop(plan)
    assert [p.pk for p in listed(client, "?origin=online").context["proposals"]] == [sent.pk]
    assert [p.pk for p in listed(client, "?origin=workshop").context["proposals"]] == [workshop.pk]
    assert len(listed(client, "?origin=").context["proposals"]) == 2


def test_unknown_sort_or_origin_is_reported_and_never_cached(client):
    plan = open_plan()
    online(plan)
    response = listed(client, "?sort=oldest&origin=mars", "fr")
    assert set(response.context["form"].errors) == {"sort", "origin"}
    assert len(response.context["proposals"]) == 1
    from django.http import QueryDict

    assert known_query(QueryDict("sort=oldest"), PROPOSAL_LIST_PARAMS) is None
    assert known_query(QueryDict("origin=mars"), PROPOSAL_LIST_PARAMS) is None
    assert known_query(QueryDict("sort=support&origin=online"), PROPOSAL_LIST_PARAMS) is not None


def test_unconfirmed_and_unmoderated_online_proposals_are_not_listed(client):
    plan = open_plan()
    shown = online(plan)
    for publication in (Proposal.Publication.PENDING, Proposal.Publication.AWAITING):
        online(plan, publication=publication)
    online(plan, publication=Proposal.Publication.HIDDEN, hidden_reason="Insultes")
    assert [p.pk for p in listed(client).context["proposals"]] == [shown.pk]


def _queries(client, query) -> int:
    with CaptureQueriesContext(connection) as queries:
        listed(client, query)
    return len(queries)


@pytest.mark.parametrize("query", ["?sort=support", "?origin=online&sort=support", ""])
def test_query_count_does_not_grow_with_online_rows(
    client, settings, query, django_assert_max_num_queries
):
    settings.PAGE_CACHE_SECONDS = 0  # the rendering itself, not the cache
    plan = open_plan()
    online(plan, supports=1)
    from_a_workshop(plan)
    small = _queries(client, query)
    for number in range(6):
        kept = online(plan, supports=number, theme=factories.ThemeFactory())
        online(plan, duplicate_of=kept)
        from_a_workshop(plan)
    large = _queries(client, query)
    assert large == small, f"{query}: {small} queries on small data, {large} on large"
    with django_assert_max_num_queries(10):
        listed(client, query)
