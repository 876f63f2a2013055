"""The network admin at national scale (issue 21): pages whose queries do not grow with the
data, no exact COUNT of a big table, list filters and autocompletes that read the related table
and stay within the staff member's council, searches on indexed expressions."""

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from commitments.models import Comment
from consultations.models import Proposal
from opengov import roles
from opengov.admin_base import CappedCountPaginator, ScopedRelatedFilter
from opengov.scoping import is_scoped, scope_queryset
from tests import factories

pytestmark = pytest.mark.django_db


class World:
    """One council's plan with a workshop, a forum and rows of every kind under them."""

    def __init__(self, name: str):
        self.council = factories.CouncilFactory(name_fr=name, name_ar=name)
        self.plan = factories.ActionPlanFactory(council=self.council)
        self.workshop = factories.WorkshopFactory(council=self.council, plan=self.plan)
        self.forum = factories.ForumFactory(council=self.council)
        self.commitment = factories.CommitmentFactory(plan=self.plan)
        self.made = 0

    def grow(self, count: int) -> None:
        for _ in range(count):
            self.made += 1
            year = 2030 + self.made
            commitment = factories.CommitmentFactory(plan=self.plan)
            factories.MilestoneFactory(commitment=self.commitment)
            factories.IndicatorFactory(commitment=self.commitment)
            factories.CommitmentAssessmentFactory(commitment=commitment)
            group = factories.WorkingGroupFactory(workshop=self.workshop)
            proposal = factories.ProposalFactory(working_group=group)
            self.commitment.source_proposals.add(proposal)
            factories.CommentFactory(plan=self.plan, body="Publiez les budgets des écoles")
            factories.CommentFactory(plan=self.plan, state="confirmed", report_count=1)
            factories.PlanStageChangeFactory(plan=self.plan)
            factories.WorkshopDocumentFactory(workshop=self.workshop)
            factories.ForumMemberFactory(forum=self.forum)
            factories.ForumMeetingFactory(forum=self.forum, plan=self.plan)
            factories.CouncilProgrammeFactory(
                council=self.council, start_year=year, end_year=year + 5
            )
            factories.PlanDocumentFactory(publication__plan=self.plan)
            later = factories.ActionPlanFactory(
                council=self.council, start_year=year, end_year=year + 2
            )
            factories.PlanSelfAssessmentFactory(plan=later)

    def change_pages(self) -> list[str]:
        objects = [
            self.council,
            self.plan,
            self.workshop,
            self.forum,
            self.commitment,
            Proposal.objects.filter(council=self.council).last(),
            Comment.objects.filter(plan=self.plan).last(),
        ]
        return [
            reverse(f"admin:{o._meta.app_label}_{o._meta.model_name}_change", args=[o.pk])
            for o in objects
        ]


def _council_staff(*councils):
    user = factories.staff_user(roles.COORDINATOR, *councils, password=None)
    user.groups.add(*Group.objects.filter(name__in=[roles.MODERATOR, roles.COUNCIL_STAFF]))
    return user


def _changelists() -> list[str]:
    return [
        reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist")
        for m in admin.site._registry
    ]


def _queries(client, urls) -> dict[str, tuple[int, int]]:
    found = {}
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        found[url] = (response.status_code, len(captured))
    return found


@pytest.fixture
def worlds(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return World("Tanger"), World("Oujda")


@pytest.mark.parametrize("role", ["superuser", "council staff"])
def test_every_list_and_change_form_runs_the_same_queries_for_few_and_many_rows(
    client, superuser, worlds, role
):
    mine, _other = worlds
    client.force_login(superuser if role == "superuser" else _council_staff(mine.council))
    for world in worlds:
        world.grow(2)
    urls = [
        *_changelists(),
        *[f"{url}?q=budgets" for url in _changelists()],
        *mine.change_pages(),
    ]
    _queries(client, urls)  # warm what a running server keeps (content types, permissions)
    few = _queries(client, urls)
    for world in worlds:
        world.grow(5)
    for _ in range(3):
        factories.CouncilFactory()
    many = _queries(client, urls)
    assert sum(status == 200 for status, _count in few.values()) >= 40
    grown = {url: (few[url], many[url]) for url in urls if few[url] != many[url]}
    assert not grown, f"(status, queries) with 2 rows, then 7: {grown}"


def _counts_of(captured, table: str) -> list[str]:
    return [
        q["sql"]
        for q in captured.captured_queries
        if "COUNT(" in q["sql"].upper() and f'"{table}"' in q["sql"]
    ]


@pytest.mark.parametrize(
    ("name", "table"),
    [
        ("commitments_comment", "commitments_comment"),
        ("consultations_proposal", "consultations_proposal"),
    ],
)
def test_big_lists_count_up_to_the_cap_never_every_row(
    client, superuser, worlds, monkeypatch, name, table
):
    monkeypatch.setattr(CappedCountPaginator, "cap", 3)
    mine, _other = worlds
    mine.grow(4)
    url = reverse(f"admin:{name}_changelist")
    for user, query in (
        (superuser, ""),
        (_council_staff(mine.council), ""),
        (superuser, "?q=budgets"),
    ):
        client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url + query)
        assert response.status_code == 200
        counts = _counts_of(captured, table)
        assert counts, "the list counts its rows somehow"
        assert all("LIMIT 4" in sql for sql in counts), counts
    # A filtered list past the cap says "more than"; the whole table gives the estimate (the
    # page in French, the translated words).
    with translation.override("fr"):
        url = reverse(f"admin:{name}_changelist")
    client.force_login(_council_staff(mine.council))
    assert "plus de 3" in client.get(url).content.decode()
    client.force_login(superuser)
    with connection.cursor() as cursor:
        cursor.execute(f'ANALYZE "{table}"')
    page = client.get(url).content.decode()
    assert re.search(r"environ \d+", page), "the planner's estimate of the whole table"


def test_a_capped_list_pages_only_up_to_the_cap(admin_client, worlds, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "cap", 4)
    worlds[0].grow(5)  # 10 comments in this world
    url = reverse("admin:commitments_comment_changelist")
    monkeypatch.setattr(type(admin.site._registry[Comment]), "list_per_page", 2)
    response = admin_client.get(url)
    assert response.context["cl"].paginator.num_pages == 2
    assert admin_client.get(url + "?p=2").status_code == 200


def test_the_staff_members_autocompletes_list_only_their_councils_rows(client, worlds):
    mine, _other = worlds
    for world in worlds:
        world.grow(1)
    staff = _council_staff(mine.council)
    client.force_login(staff)
    answered = 0
    for model, model_admin in admin.site._registry.items():
        for field_name in model_admin.autocomplete_fields:
            field = model._meta.get_field(field_name)
            target = field.remote_field.model
            response = client.get(
                reverse("admin:autocomplete"),
                {
                    "app_label": model._meta.app_label,
                    "model_name": model._meta.model_name,
                    "field_name": field_name,
                    "term": "",
                },
            )
            if response.status_code == 403:  # no permission on that model: nothing listed
                continue
            assert response.status_code == 200, (model, field_name)
            ids = {int(row["id"]) for row in response.json()["results"]}
            answered += bool(ids)
            if is_scoped(target):
                everything = target._default_manager.all()
                seen = scope_queryset(everything, staff).values("pk")
                theirs = set(everything.exclude(pk__in=seen).values_list("pk", flat=True))
                assert theirs, f"{target.__name__}: another council has rows to leak"
                assert not ids & theirs, f"{model.__name__}.{field_name} lists another council's"
    assert answered >= 5


def test_an_autocomplete_of_plans_lists_the_staff_members_plan_not_anothers(client, worlds):
    mine, _other = worlds
    client.force_login(_council_staff(mine.council))
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "consultations", "model_name": "proposal", "field_name": "plan", "term": ""},
    )
    ids = {int(row["id"]) for row in response.json()["results"]}
    assert ids == {mine.plan.pk}


def test_a_list_filter_lists_the_staff_members_councils_only(client, worlds):
    mine, _other = worlds
    for world in worlds:
        world.grow(1)
    client.force_login(_council_staff(mine.council))
    page = client.get(reverse("admin:consultations_proposal_changelist")).content.decode()
    assert "Tanger" in page and "Oujda" not in page


def test_past_its_choices_a_list_filter_offers_a_search_by_name(admin_client, worlds, monkeypatch):
    _mine, other = worlds
    for world in worlds:
        world.grow(1)
    monkeypatch.setattr(ScopedRelatedFilter, "MAX_CHOICES", 1)
    url = reverse("admin:consultations_proposal_changelist")
    page = admin_client.get(url).content.decode()
    assert 'name="council__search"' in page
    response = admin_client.get(url, {"council__search": "Oujda"})
    listed = {p.council_id for p in response.context["cl"].result_list}
    assert listed == {other.council.pk}
    # The box keeps the list's other filters.
    page = admin_client.get(url, {"status": "received"}).content.decode()
    assert 'type="hidden" name="status" value="received"' in page


def test_the_proposals_search_reads_the_stored_document(admin_client, worlds):
    mine, _other = worlds
    factories.ProposalFactory(
        working_group__workshop=mine.workshop, title_fr="Eau potable", body_fr="Des fontaines"
    )
    url = reverse("admin:consultations_proposal_changelist")
    with CaptureQueriesContext(connection) as captured:
        response = admin_client.get(url, {"q": "fontaines"})
    assert [p.title_fr for p in response.context["cl"].result_list] == ["Eau potable"]
    listed = [q["sql"] for q in captured.captured_queries if '"consultations_proposal"' in q["sql"]]
    assert any("search_document" in sql for sql in listed)
    assert not any("UPPER(" in sql for sql in listed), "no icontains over every proposal"


def test_the_comments_search_finds_by_text_and_author(admin_client, worlds):
    mine, _other = worlds
    factories.CommentFactory(plan=mine.plan, author_name="Karima", body="Trottoirs de la médina")
    url = reverse("admin:commitments_comment_changelist")
    for term in ("médina", "karima"):
        found = admin_client.get(url, {"q": term}).context["cl"].result_list
        assert [c.author_name for c in found] == ["Karima"], term


def test_the_commitments_search_reads_short_fields_not_descriptions(admin_client, worlds):
    mine, _other = worlds
    factories.CommitmentFactory(
        plan=mine.plan,
        reference="SRCH-01",
        title_fr="Budget ouvert",
        lead_agency_fr="Direction des finances",
        description_fr="Un mot rare: zanzibar",
    )
    url = reverse("admin:commitments_commitment_changelist")
    for term in ("SRCH-01", "budget ouvert", "finances"):
        found = admin_client.get(url, {"q": term}).context["cl"].result_list
        assert [c.reference for c in found] == ["SRCH-01"], term
    # Descriptions are long texts: a substring scan of them read every commitment's.
    assert not admin_client.get(url, {"q": "zanzibar"}).context["cl"].result_list


def _plan_of(queryset, *switches: str) -> str:
    with connection.cursor() as cursor:
        for switch in switches:
            cursor.execute(f"SET LOCAL {switch} = off")
        plan = queryset.explain()
        for switch in switches:
            cursor.execute(f"SET LOCAL {switch} = on")
    return plan


def test_the_comments_queue_order_and_search_read_their_indexes(worlds):
    worlds[0].grow(2)
    queue = Comment.objects.by_urgency()[:50]
    # Sorting disabled: the order can only come from an index, and it must be the queue's.
    assert "comment_queue_idx" in _plan_of(queue, "enable_seqscan", "enable_sort")
    search = Comment.objects.filter(body__icontains="budget")
    assert "comment_body_trgm_idx" in _plan_of(search, "enable_seqscan", "enable_indexscan")
    author = Comment.objects.filter(author_name__icontains="salma")
    assert "comment_author_trgm_idx" in _plan_of(author, "enable_seqscan", "enable_indexscan")


def test_another_order_could_not_use_the_queue_index(worlds):
    """The check above can fail: an order the index was not built for does not read it."""
    worlds[0].grow(2)
    other = Comment.objects.order_by("report_count", "-created_at")[:50]
    assert "comment_queue_idx" not in _plan_of(other, "enable_seqscan", "enable_sort")


@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("fr", "ltr")])
def test_the_big_lists_and_forms_work_in_both_languages(
    admin_client, worlds, monkeypatch, language, direction
):
    mine, _other = worlds
    mine.grow(2)
    monkeypatch.setattr(ScopedRelatedFilter, "MAX_CHOICES", 1)
    with translation.override(language):
        urls = [
            reverse("admin:consultations_proposal_changelist"),
            reverse("admin:commitments_comment_changelist") + "?q=budgets",
            *mine.change_pages(),
        ]
    for url in urls:
        assert url.startswith(f"/{language}/")
        response = admin_client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, url
        assert f'dir="{direction}"' in response.content.decode(), url


def test_a_big_workshops_page_shows_its_newest_proposals_and_links_them_all(
    admin_client, worlds, monkeypatch
):
    from consultations.admin.workshops import WorkshopProposalInline

    mine, _other = worlds
    mine.grow(4)
    monkeypatch.setattr(WorkshopProposalInline, "MAX_SHOWN", 3)
    url = reverse("admin:consultations_workshop_change", args=[mine.workshop.pk])
    response = admin_client.get(url)
    inline = next(
        f for f in response.context["inline_admin_formsets"] if f.formset.model is Proposal
    )
    newest = Proposal.objects.filter(workshop=mine.workshop).order_by("-pk")[:3]
    assert {form.instance.pk for form in inline.formset.initial_forms} == {p.pk for p in newest}
    listed = reverse("admin:consultations_proposal_changelist") + f"?workshop={mine.workshop.pk}"
    assert listed in response.content.decode()
    found = admin_client.get(listed).context["cl"].result_list
    assert {p.workshop_id for p in found} == {mine.workshop.pk} and len(found) == 4


def test_the_comments_list_puts_the_queue_first_whatever_the_plan(admin_client, worlds):
    mine, other = worlds
    published = factories.CommentFactory(plan=mine.plan, state="published")
    waiting = factories.CommentFactory(plan=other.plan, state="confirmed")
    reported = factories.CommentFactory(plan=mine.plan, state="published", report_count=2)
    response = admin_client.get(reverse("admin:commitments_comment_changelist"))
    listed = [c.pk for c in response.context["cl"].result_list]
    assert listed == [waiting.pk, reported.pk, published.pk]
