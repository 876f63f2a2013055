"""Reads of the public pages on the consultation side. Each function owns its select_related /
prefetch_related so that a page runs a fixed number of queries whatever the amount of data."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.utils.translation import get_language

from opengov import paging
from opengov.params import ascii_int
from opengov.search.query import matching

from .models import (
    PARTICIPANT_CATEGORY_FIELDS,
    PROPOSAL_SEARCH_WEIGHTS,
    ActionPlan,
    Council,
    CouncilProgramme,
    Proposal,
    Theme,
    WorkingGroup,
    Workshop,
    answered_condition,
)

PROPOSALS_PER_PAGE = 20


@dataclass(frozen=True)
class Attendance:
    total: int
    women: int
    men: int

    @property
    def women_share(self) -> int:
        counted = self.women + self.men
        return round(100 * self.women / counted) if counted else 0


def attendance_of(workshops: QuerySet[Workshop]) -> Attendance:
    """Participants of the workshops, in one query."""
    sums = workshops.aggregate(
        **{field: Sum(field) for field in PARTICIPANT_CATEGORY_FIELDS},
        women=Sum("participants_women"),
        men=Sum("participants_men"),
    )
    total = sum(sums[field] or 0 for field in PARTICIPANT_CATEGORY_FIELDS)
    return Attendance(total=total, women=sums["women"] or 0, men=sums["men"] or 0)


def proposal_counts(proposals: QuerySet[Proposal]) -> dict:
    """How many proposals, answered, sent online, and by status, in one query."""
    counts = proposals.aggregate(
        total=Count("pk"),
        answered=Count("pk", filter=answered_condition()),
        online=Count("pk", filter=Q(workshop__isnull=True)),
        **{
            status: Count("pk", filter=Q(status=status))
            for status, _label in Proposal.Status.choices
        },
    )
    counts["by_status"] = [
        (value, label, counts[value]) for value, label in Proposal.Status.choices if counts[value]
    ]
    return counts


def network_proposal_counts() -> dict:
    """Proposals received and answered in the whole network, from the plans' denormalised
    counters (consultations.counters) plus the few proposals attached to no plan: two small
    queries instead of a count over every proposal."""
    counts = ActionPlan.objects.public().aggregate(
        total=Sum("proposal_count"), answered=Sum("answered_proposal_count")
    )
    planless = Proposal.objects.filter(plan__isnull=True).aggregate(
        total=Count("pk"), answered=Count("pk", filter=answered_condition())
    )
    return {key: (counts[key] or 0) + planless[key] for key in ("total", "answered")}


def network_councils_by_stage() -> dict[str | None, int]:
    """The councils of the network by the stage of their latest public plan (None: no public
    plan yet; a plan still private is not told), in one query: a grouped count over the
    councils, each reaching its latest plan through the (council, years) index."""
    latest = (
        ActionPlan.objects.public()
        .filter(council=OuterRef("pk"))
        .order_by("-start_year", "-pk")
        .values("stage")[:1]
    )
    return dict(
        Council.objects.in_network()
        .annotate(latest_stage=Subquery(latest))
        .order_by()
        .values_list("latest_stage")
        .annotate(count=Count("pk"))
    )


COUNCILS_PER_PAGE = 50


def council_directory(kind: str = "", region: Council | None = None, text: str = ""):
    """The councils of the network for the directory page, by name, with their region."""
    councils = Council.objects.in_network().select_related("parent")
    if kind:
        councils = councils.filter(kind=kind)
    if region:
        councils = councils.filter(Q(parent=region) | Q(pk=region.pk))
    text = text.strip()[:100]
    if text:
        councils = councils.named_like(text)
    return councils.order_by("kind", "slug")


def councils_in_network() -> QuerySet[Council]:
    return Council.objects.in_network().order_by("kind", "slug")


def council_plans(council: Council) -> list[ActionPlan]:
    return list(council.plans.public().order_by("-start_year"))


def council_programmes(council: Council) -> list[CouncilProgramme]:
    """The council's own programmes (PAC, PDP, PDR), newest first: one query."""
    return list(council.programmes.order_by("-start_year", "kind", "id"))


def council_workshops(council: Council) -> list[Workshop]:
    return list(
        Workshop.objects.public()
        .filter(council=council)
        .select_related("plan")
        .annotate(group_count=Count("groups"))
        .order_by("-starts_on", "id")
    )


def workshop_public(pk: int) -> Workshop:
    """The workshop with its council and plan, or DoesNotExist (preparation plans are not
    public)."""
    return Workshop.objects.public().select_related("council", "plan__council").get(pk=pk)


def public_commitments() -> Prefetch:
    """The commitments a proposal fed that citizens may see: not those of a plan still in
    preparation. (The model is read from the relation: consultations does not import
    commitments.)"""
    commitment = Proposal._meta.get_field("commitments").related_model
    return Prefetch(
        "commitments",
        queryset=commitment.objects.of_public_plans(),
    )


def workshop_groups(workshop: Workshop) -> list[WorkingGroup]:
    """Working groups with their theme and proposals (and the commitments each fed)."""
    proposals = Proposal.objects.select_related("theme").prefetch_related(
        public_commitments(), "commitments__plan__council"
    )
    return list(
        workshop.groups.select_related("theme")
        .prefetch_related(Prefetch("proposals", queryset=proposals.order_by("pk")))
        .order_by("position", "pk")
    )


def workshop_proposals_without_group(workshop: Workshop) -> list[Proposal]:
    return list(
        workshop.proposals.filter(working_group__isnull=True)
        .select_related("theme")
        .prefetch_related(public_commitments(), "commitments__plan__council")
        .order_by("pk")
    )


# --- the proposals list ---------------------------------------------------------------------


def _search(queryset: QuerySet[Proposal], text: str) -> QuerySet[Proposal]:
    """Proposals matching the search text (opengov.search: Arabic and French normalised and
    stemmed, websearch syntax, a prefix on the last word), annotated with `search_rank`; text
    with no word in it ("---") matches none. On PostgreSQL the stored tsvector is read (kept by
    a trigger, under the GIN index proposal_search_document_gin)."""
    return matching(queryset, text, columns=PROPOSAL_SEARCH_WEIGHTS)


@dataclass
class ProposalFilters:
    council: Council | None = None
    plan: ActionPlan | None = None
    theme: Theme | None = None
    kind: str = ""
    status: str = ""
    text: str = ""
    origin: str = ""  # "online" (sent online), "workshop" (from a workshop), "" (both)
    sort: str = "recent"  # or "support": most supported first


ORIGINS = ("online", "workshop")
RANK_WINDOW = 1_000
ORDERINGS = {"recent": ("-created_at", "-pk"), "support": ("-support_count", "-pk")}
SORTS = tuple(ORDERINGS)


def proposals_public(filters: ProposalFilters) -> QuerySet[Proposal]:
    queryset = Proposal.objects.public()
    if filters.origin in ORIGINS:
        queryset = queryset.filter(workshop__isnull=filters.origin == "online")
    if filters.council:
        queryset = queryset.filter(council=filters.council)
    if filters.plan:
        queryset = queryset.filter(plan=filters.plan)
    if filters.theme:
        queryset = queryset.filter(theme=filters.theme)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    searched = _search(queryset, filters.text)
    ordering = ORDERINGS.get(filters.sort, ORDERINGS["recent"])
    if "search_rank" in searched.query.annotations and filters.sort != "support":
        # When searching: the best matches, then newest, among the newest RANK_WINDOW matches.
        # Ranking every match of a common word (275,000 of 580,000 proposals for مجلس) costs
        # 0.8 s; the newest thousand come from the date index, as the list without a search,
        # and a search is counted to that many anyway (CappedPaginator.search_cap).
        # Their ids are read here (one query, up to a thousand numbers): given as a subquery,
        # PostgreSQL joined every match to the council, plan and workshop before keeping the
        # thousand (2.4 s for مجلس); from the ids alone the page reads its rows by primary key.
        newest = searched.order_by(*ORDERINGS["recent"]).values_list("pk", flat=True)
        rank = searched.query.annotations["search_rank"]
        ids = list(newest[:RANK_WINDOW])
        searched = Proposal.objects.filter(pk__in=ids).annotate(search_rank=rank)
        ordering = ("-search_rank", *ordering)
    return (
        searched.select_related(
            "council", "plan__council", "workshop", "working_group", "theme", "duplicate_of"
        )
        .prefetch_related(public_commitments(), "commitments__plan__council")
        .order_by(*ordering)
    )


def council_labels(councils: QuerySet[Council]) -> list[tuple[int, str]]:
    """(pk, name) of these councils, the name as str(council) gives it in the current language
    (the other one when it is missing, then the slug), read as plain values: a menu of 1,590
    councils built from model instances took 10 times longer than its query."""
    language = get_language() or settings.LANGUAGE_CODE
    order = [language, *settings.MODELTRANSLATION_FALLBACK_LANGUAGES.get(language, ())]
    names = [
        f"name_{code}"
        for code in dict.fromkeys(order)
        if code in settings.MODELTRANSLATION_LANGUAGES
    ]
    return [
        (pk, next((name for name in row if name), slug))
        for pk, slug, *row in councils.values_list("pk", "slug", *names)
    ]


def filter_choices(council_id: str | int | None = None, plan_id: str | int | None = None) -> dict:
    """The choices of the proposals list's filters (three queries): councils, as (pk, name),
    with a public plan or a proposal outside any plan (read from the plans and the index on
    proposal.plan, not by scanning every proposal), and the plans of the chosen council only
    (a list of every plan of the country would be a 1,590-line menu)."""
    plans = ActionPlan.objects.public()
    with_proposals = Q(pk__in=plans.values("council")) | Q(
        pk__in=Proposal.objects.filter(plan__isnull=True).values("council")
    )
    wanted = Q(pk__in=[])
    if (council := ascii_int(council_id)) is not None:
        wanted |= Q(council_id=council)
    if (plan := ascii_int(plan_id)) is not None:
        wanted |= Q(pk=plan)  # a link from a plan page names the plan only
    return {
        "councils": council_labels(Council.objects.filter(with_proposals).order_by("slug")),
        "plans": list(plans.filter(wanted).select_related("council").order_by("-start_year")),
        "themes": list(Theme.objects.order_by("position", "slug")),
        "kinds": Proposal.Kind.choices,
        "statuses": Proposal.Status.choices,
    }


def proposals_public_count(filters: ProposalFilters) -> int | None:
    """How many proposals proposals_public(filters) lists, from the plans' denormalised
    counters (consultations.counters) when the filters allow it: the whole list (every public
    plan's count plus the published proposals of no plan, found by the index on plan) or one
    public plan's; None when only a count of the rows can tell (a search, another filter)."""
    if filters.text or filters.origin or filters.theme or filters.kind or filters.status:
        return None
    if filters.plan is not None:
        if filters.council is not None and filters.plan.council_id != filters.council.pk:
            return 0
        plan = ActionPlan.objects.public().filter(pk=filters.plan.pk)
        return plan.values_list("proposal_count", flat=True).first() or 0
    if filters.council is not None:
        return None
    planned = ActionPlan.objects.public().aggregate(n=Sum("proposal_count"))["n"] or 0
    return planned + Proposal.objects.public().filter(plan__isnull=True).count()


class CappedPaginator(paging.CappedPaginator):
    """The proposals list's pages: 10,000 rows counted at most, fewer for a search. Given a
    `known_count` (from counters) it counts nothing (10,000 rows read from the table: 50 ms)."""

    # A search stops counting sooner: its matches are fetched from the table one by one (a word
    # found in a quarter of 480,000 proposals: 10,000 rows 100-230 ms, 1,000 rows 10-25 ms), and
    # nobody pages past 50 pages of results rather than adding a word.
    search_cap = 1_000

    def __init__(self, *args, searching: bool = False, known_count: int | None = None, **kwargs):
        # A page's rows are read by their ids (see opengov.paging): the list selects and joins
        # seven tables, whose plan under ORDER BY … LIMIT costs more than the query.
        kwargs.setdefault("ids_first", True)
        super().__init__(*args, known_count=known_count, **kwargs)
        if searching:
            self.cap = self.search_cap


def per_page() -> int:
    return getattr(settings, "PROPOSALS_PER_PAGE", PROPOSALS_PER_PAGE)
