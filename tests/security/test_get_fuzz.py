"""No 500 on any query string (issue 15, finding 8): every URL pattern an anonymous GET can reach
(both language prefixes and the API, collected from the resolver by tests/security/routes.py),
its path filled with real objects of a small world, is sent query strings that hypothesis makes
from every parameter a view reads: text full of tsquery operators, very long, Unicode and NUL,
huge, negative and decimal numbers, malformed dates, repeated parameters, forged and junk
cursors. Any answer of 500 or more fails.

The parameters are found, not listed by hand: for the API, the OpenAPI schema's query
parameters, the filter sets' names and the undocumented names clients try; for the pages, the
names the views read from request.GET and the fields of the forms bound to it.

The fuzz test is marked `fuzz` (`-m "not fuzz"` leaves it out); the named examples of the
finding are plain tests below it."""

from __future__ import annotations

import base64
import datetime
import inspect
import re
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from commitments.models import (
    Comment,
    Commitment,
    PlanDocument,
    PlanPublication,
    PlanSelfAssessment,
)
from consultations.models import ActionPlan, Council, Proposal, Workshop
from opendata import datasets
from tests import factories
from tests.security.routes import (
    KINDS,
    LANGUAGES,
    Unfillable,
    build_path,
    collect_routes,
    view_model,
)

pytestmark = pytest.mark.django_db

SOURCES = ("commitments", "consultations", "opengov")

# Names API clients try that no schema lists (pagination, formats, ordering, search, dates...).
UNDOCUMENTED = (
    "cursor",
    "page",
    "page_size",
    "format",
    "ordering",
    "q",
    "search",
    "plan",
    "theme",
    "council",
    "kind",
    "status",
    "stage",
    "year",
    "region",
    "in_network",
    "workshop",
    "commitment",
    "lang",
    "since",
    "until",
    "limit",
    "offset",
)
# Read by Django's own views (set_language, the admin's sign-in page).
FRAMEWORK = ("next", "language")


_READ = re.compile(r"""request\.GET\.get\(\s*["'](\w+)["']""")
_BOUND_FORM = re.compile(r"(\w+Form)\(\s*request\.GET")


def page_parameters(route) -> set[str]:
    """The names the view's module reads from request.GET, and the fields of the forms it binds
    to request.GET (a view's helpers live beside it); Django's own views read `next`."""
    view = inspect.unwrap(route.callback)
    module = inspect.getmodule(view)
    if not module.__name__.startswith(SOURCES):
        return set(FRAMEWORK)
    source = inspect.getsource(module)
    names = set(_READ.findall(source))
    for form in _BOUND_FORM.findall(source):
        names |= set(getattr(module, form).base_fields)
    return names


def api_parameters() -> dict[str, set[str]]:
    """The OpenAPI schema's query parameters, by path pattern (as a regular expression)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = {}
    for template, operations in schema["paths"].items():
        pattern = re.sub(r"\\{\w+\\}", "[^/]+", re.escape(template))
        names = {
            p["name"]
            for operation in operations.values()
            for p in operation.get("parameters", [])
            if p["in"] == "query"
        }
        found[pattern] = names
    return found


# --- values ---------------------------------------------------------------------------------

OPERATORS = "-!&|:*()<>'\"\\ "
_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(OPERATORS + "-" * 6 + "٤²éوالمعلومة"),
        st.characters(codec="utf-8"),
    ),
    max_size=60,
)
_runs = st.builds(
    lambda op, times, word: op * times + word,
    # More than half of them nest NOTs, the rest are every other operator.
    st.sampled_from(
        ["-", "- ", "-!", "(-", '-"', "!-", "or -", "!", "&", "|", ":*", "<->", "'", "\\"]
    ),
    st.integers(40, 120),  # PostgreSQL nests 32 NOTs at most
    st.sampled_from(["", "x", "مقترح", " budget"]),
)
_long = st.sampled_from(["x" * 5000, "مقترح " * 400, "-" * 3000, "a" * 2100, "é" * 1100])
_numbers = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["1e400", "-0", "0", "NaN", "Infinity", "0x10", "1_000", "٤٢", "²", " 4"]),
)
_dates = st.one_of(
    st.sampled_from(
        ["2024-13-45", "0000-00-00", "99999-01-01", "2024-02-30", "yesterday", "2024/01/01"]
    ),
    st.dates(datetime.date(1, 1, 1), datetime.date(9999, 12, 31)).map(str),
)


def _cursor(position: str, offset: str, backwards: str) -> str:
    query = urlencode({"p": position, "o": offset, "r": backwards})
    return base64.b64encode(query.encode()).decode()


_cursors = st.one_of(
    st.binary(max_size=48).map(lambda b: base64.b64encode(b).decode()),
    st.builds(
        _cursor,
        st.one_of(_numbers, _text, st.sampled_from(["abc", "1.5", "\x00", "-1"])),
        st.one_of(_numbers, st.just("0")),
        st.sampled_from(["0", "1", "x", "-1", "2"]),
    ),
    st.sampled_from(["garbage", "%00", "////", "cD1hYmM=", "cD0xZTU=", "=" * 8]),
)


def values(name: str, real: list[str]):
    """Values for one parameter: real ones (so the filters do run) and hostile ones; a cursor
    is mostly a cursor (junk, or well formed around a forged position), a search mostly text."""
    hostile = st.one_of(
        st.sampled_from(real), _text, _runs, _long, _numbers, _dates, _cursors, st.just("\x00")
    )
    if name == "cursor":
        return st.one_of(_cursors, hostile)
    if name in ("q", "search"):
        return st.one_of(_runs, _text, hostile)
    return hostile


def queries(names: list[str], real: list[str]):
    """A query string: one to three of the names, some repeated with several values."""
    return st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True).flatmap(
        lambda chosen: st.fixed_dictionaries(
            {
                name: st.one_of(
                    values(name, real), st.lists(values(name, real), min_size=2, max_size=3)
                )
                for name in chosen
            }
        )
    )


def focused(name: str, read: list[str], real: list[str]):
    """One hostile parameter, maybe beside one real value of another (a hostile value in each
    would mostly stop at the first filter that refuses it, hiding the others)."""
    companions = [other for other in read if other != name]
    companion = st.just({})
    if companions:
        pair = st.dictionaries(st.sampled_from(companions), st.sampled_from(real), max_size=1)
        companion = st.one_of(st.just({}), pair)
    hostile = st.one_of(values(name, real), st.lists(values(name, real), min_size=2, max_size=3))
    return st.tuples(companion, hostile).map(lambda both: {**both[0], name: both[1]})


# --- the world and the routes ---------------------------------------------------------------


@pytest.fixture
def world(settings):
    settings.PROPOSALS_PER_PAGE = 2
    council = factories.CouncilFactory(slug="fuzz", code="FUZ01")
    plan = factories.ActionPlanFactory(council=council, stage=ActionPlan.Stage.IMPLEMENTATION)
    theme = factories.ThemeFactory(slug="fuzz-theme")
    group = factories.WorkingGroupFactory(
        workshop=factories.WorkshopFactory(council=council, plan=plan), theme=theme
    )
    proposals = [
        factories.ProposalFactory(working_group=group, title_fr=f"budget participatif {n}")
        for n in range(3)
    ]
    commitment = factories.CommitmentFactory(plan=plan, reference="FUZ-1", theme=theme)
    factories.MilestoneFactory(commitment=commitment)
    factories.IndicatorFactory(commitment=commitment)
    now = timezone.now()
    comments = [
        Comment.objects.create(
            plan=plan,
            commitment=commitment if n % 2 else None,
            author_name="Auteur",
            email="auteur@example.org",
            body=f"Commentaire {n}",
            language="fr",
            consent_at=now,
            published_at=now,
            state=Comment.State.PUBLISHED,
        )
        for n in range(3)
    ]
    publication = PlanPublication.objects.create(
        plan=plan, version=1, status=PlanPublication.Status.DONE
    )
    document = PlanDocument.objects.create(
        plan=plan,
        publication=publication,
        language="ar",
        version=1,
        file="plans/fuzz.pdf",
        sha256="a" * 64,
        size=1234,
        generated_at=now,
        is_current=True,
    )
    PlanSelfAssessment.objects.create(
        plan=plan, kind=PlanSelfAssessment.Kind.values[0], summary="Résumé"
    )
    cache.clear()
    objects = {
        Council: council,
        ActionPlan: plan,
        Workshop: group.workshop,
        Proposal: proposals[0],
        Commitment: commitment,
        Comment: comments[0],
        PlanDocument: document,
    }
    real = [
        council.slug,
        str(council.pk),
        str(plan.pk),
        str(plan.start_year),
        theme.slug,
        str(theme.pk),
        commitment.reference,
        str(group.workshop.pk),
        "budget",
        "2",
        *Council.Kind.values,
        *ActionPlan.Stage.values,
        *Proposal.Kind.values,
        *Proposal.Status.values,
    ]
    return objects, real


def path_values(route, objects: dict) -> list[dict]:
    """The values of the route's path parameters: the world's objects (several for the
    open-data files, whose name picks what is read)."""
    plan = objects[ActionPlan]
    params = set(route.params)
    if params == {"name", "fmt"}:
        return [
            {"name": name, "fmt": fmt}
            for name in ("proposals", "commitments", next(iter(datasets.DATASETS)))
            for fmt in ("csv", "json")
        ]
    values = {
        "council_slug": plan.council.slug,
        "start_year": plan.start_year,
        "reference": objects[Commitment].reference,
        "token": "forged-token",
        "format": "json",
        "section": "plans",  # the sitemap's
        "page": 1,
    }
    if "kind" in params:
        values["kind"] = next(iter(KINDS[route.name]))
    model = view_model(route) if params & {"pk", "slug"} else None
    if "pk" in params:
        values["pk"] = objects[model].pk if model in objects else 1
    if "slug" in params:
        values["slug"] = objects.get(model, objects[Council]).slug
    return [values]


def fuzz_targets(client: Client, objects: dict) -> tuple[list[tuple], list[str]]:
    """(route, path) for every pattern an anonymous GET reaches; and the patterns it does not
    (a sign-in page, a refusal, a POST-only view)."""
    targets, unreachable = [], []
    for route in collect_routes():
        if route.in_admin and route.params:
            continue  # the admin's objects: staff only (the authorisation sweep's)
        try:
            paths = [build_path(route, v) for v in path_values(route, objects)]
        except (Unfillable, KeyError) as error:
            raise AssertionError(f"{route.label}: cannot fill {route.key}") from error
        for path in paths:
            response = client.get(path)
            signin = response.status_code in (301, 302) and "login" in response.get("Location", "")
            if signin or response.status_code in (401, 403, 405):
                unreachable.append(path)
            else:
                assert response.status_code < 500, path
                targets.append((route, path))
    return targets, unreachable


def parameters_of(
    route, path: str, api: dict[str, set[str]], page_names: set[str]
) -> tuple[list[str], list[str]]:
    """The names the view reads, and every other name worth a try (any page's, the API's)."""
    if route.name.startswith("api:"):
        documented = set().union(*(n for p, n in api.items() if re.fullmatch(p, path)))
        view_class = getattr(route.callback, "cls", None)
        filterset = getattr(view_class, "filterset_class", None)
        read = documented | (set(filterset.base_filters) if filterset else set()) | {"format"}
        pagination = getattr(view_class, "pagination_class", None)
        if pagination is not None and "-list" in route.name:
            read |= {getattr(pagination, "cursor_query_param", "page"), "page_size"}
    else:
        read = page_parameters(route)
    others = set(UNDOCUMENTED) | set(FRAMEWORK) | page_names
    return sorted(read), sorted(others - read)


# Examples for each parameter a view reads (in the first language; the other language and the
# API's format-suffix twins run one), and of any names at all: enough for the run to stay
# about a minute on two cores.
EXAMPLES = 4
ANY_NAME_EXAMPLES = 4
# Where the finding was (search, cursors, filters): more for each parameter.
MORE_EXAMPLES = {
    "consultations:proposals": 8,
    "sitesearch:search": 8,
    "api:proposal-list": 12,
    "api:comment-list": 12,
}


def fuzz(client: Client, path: str, strategy, examples: int) -> None:
    """Hypothesis's query strings for one URL; fails with the smallest one that makes a 5xx."""

    @hypothesis_settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,  # the same cases at every run
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(query=strategy)
    def probe(query):
        # In a savepoint: a query error must not abort the test's transaction for the examples
        # that follow (every one would then fail, and hypothesis would shrink the wrong case).
        with transaction.atomic():
            response = client.get(path, query)
            assert response.status_code < 500, (path, query)

    probe()


@pytest.mark.fuzz
def test_no_query_string_makes_a_server_error(client, world):
    objects, real = world
    targets, unreachable = fuzz_targets(client, objects)
    assert len(targets) > 40 and unreachable  # both language prefixes, the API, and a control
    api = api_parameters()
    page_names = set().union(
        *(page_parameters(route) for route, _path in targets if not route.name.startswith("api:"))
    )
    assert {"q", "page", "comments", "council", "plan", "region", "next"} <= page_names
    failures = []
    for route, path in targets:
        read, others = parameters_of(route, path, api, page_names)
        twin = route.lang not in (None, LANGUAGES[0]) or "format" in route.params
        each = 1 if twin else MORE_EXAMPLES.get(route.name, EXAMPLES)
        runs = [(focused(name, read, real), each) for name in read]
        runs.append((queries(read + others, real), ANY_NAME_EXAMPLES))
        for strategy, examples in runs:
            try:
                fuzz(client, path, strategy, examples)
            except Exception as error:  # every URL is tried, every failure reported
                failures.append(f"{path}: {type(error).__name__}: {str(error)[:400]}")
    assert not failures, "\n".join(failures)


# --- the finding's examples -----------------------------------------------------------------

DASHES = ["-" * 33, "-" * 33 + "budget", "- " * 40 + "x", "x" + "-!" * 40 + "y", "(-" * 40 + "x"]


@pytest.mark.parametrize("text", DASHES)
def test_search_with_a_run_of_operators_is_an_answer_not_a_server_error(client, world, text):
    for language in ("ar", "fr"):
        with translation.override(language):
            url = reverse("consultations:proposals")
        assert client.get(url, {"q": text}).status_code == 200
    csv_url = reverse("opendata_dataset", args=["proposals", "csv"])
    assert client.get(csv_url, {"q": text}).status_code == 200


def test_search_still_finds_words_phrases_and_exclusions(client, world):
    def titles(q):
        page = client.get(reverse("consultations:proposals"), {"q": q})
        assert page.status_code == 200
        return {p.title_fr for p in page.context["page"].object_list}

    found = titles('"budget participatif" -2')
    assert found and not any(title.endswith(" 2") for title in found)
    assert titles("---budget") == set()  # one NOT: every proposal has the word
    assert titles("-" * 33) == set()  # no word to look for: nothing found


CURSORS = ["p=abc", "p=1.5", "p=-1", "p=" + "9" * 30, "p=%00", "p=1e5&r=1", "p=", "o=1&p=x"]


@pytest.mark.parametrize("endpoint", ["proposals", "comments"])
@pytest.mark.parametrize("position", CURSORS)
def test_a_forged_cursor_whose_position_is_not_an_id_is_404(client, world, endpoint, position):
    cursor = base64.b64encode(position.encode()).decode()
    response = client.get(f"/api/v1/{endpoint}/", {"cursor": cursor})
    assert response.status_code == 404


@pytest.mark.parametrize("endpoint", ["proposals", "comments"])
def test_a_cursor_with_an_id_position_still_pages(client, world, endpoint):
    cursor = base64.b64encode(b"p=1").decode()
    assert client.get(f"/api/v1/{endpoint}/", {"cursor": cursor}).status_code == 200
