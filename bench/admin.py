"""The network admin's pages, side by side for a network administrator (superuser) and for the
staff of one council: every registered model's changelist, a search, a filtered list and the
change form of a big object, with milliseconds (median of --runs), SQL queries and kilobytes.

    .venv/bin/python bench/admin.py --database-url postgres://postgres@127.0.0.1:5432/infitah_nat

Django's test client in this process (no server, no network): the figures are the view's own
time, template rendering included. The two users are made for the run (`bench-admin-super`,
`bench-admin-staff`, the latter Council staff, Coordinator and Moderator of --council, by default
the council with the most proposals) and removed after it; they sign in with force_login, which
skips the optional two-factor step as tests do. The search term is a word of the newest row the
user sees; the filtered list follows the first choice of the list's first filter; the "big
object" is, for the models with children, the one with the most of them (see BIG).
"""

import os
import statistics
import sys
import time
from pathlib import Path

# The repository root, not bench/, first on the path: bench/settings.py must not shadow anything.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench._common import (  # noqa: E402
    DEFAULT_DATABASE_URL,
    machine,
    print_machine,
    print_table,
    script_parser,
    server_env,
    setup_django,
    write_json,
)

BUDGET_MS = 300  # issue 21: every changelist and change form
SUPER, STAFF = "bench-admin-super", "bench-admin-staff"
# Models whose "big object" is the one with the most children of this relation (a reverse name).
BIG = {
    "consultations.council": "plans",
    "consultations.actionplan": "proposals",
    "consultations.workshop": "proposals",
    "consultations.workinggroup": "proposals",
    "commitments.commitment": "milestones",
    "commitments.forum": "members",
}


def _users(council_slug: str | None):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db.models import Count

    from consultations.models import Council, Proposal
    from opengov import roles

    if council_slug:
        council = Council.objects.get(slug=council_slug)
    else:
        top = (
            Proposal.objects.values("council")
            .annotate(n=Count("pk"))
            .order_by("-n")
            .values_list("council", flat=True)[:1]
        )
        council = Council.objects.get(pk__in=top) if top else Council.objects.first()
    user_model = get_user_model()
    superuser, _ = user_model.objects.update_or_create(
        username=SUPER, defaults={"is_superuser": True, "is_staff": True, "is_active": True}
    )
    staff, _ = user_model.objects.update_or_create(
        username=STAFF, defaults={"is_superuser": False, "is_staff": True, "is_active": True}
    )
    staff.groups.set(
        Group.objects.filter(name__in=[roles.COUNCIL_STAFF, roles.COORDINATOR, roles.MODERATOR])
    )
    council.staff.add(staff)
    return council, superuser, staff


def _remove_users() -> None:
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(username__in=[SUPER, STAFF]).delete()


def _search_term(model_admin, request) -> str:
    """A word of the newest row the user sees (a search that finds something)."""
    import re

    row = model_admin.get_queryset(request).order_by("-pk").first()
    words = sorted(re.findall(r"\w{4,}", str(row) if row is not None else ""), key=len)
    return words[-1] if words else "a"


def _big_object(model_admin, request):
    from django.db.models import Count

    queryset = model_admin.get_queryset(request)
    relation = BIG.get(model_admin.model._meta.label_lower)
    if relation:
        queryset = queryset.annotate(_children=Count(relation)).order_by("-_children", "pk")
    else:
        queryset = queryset.order_by("-pk")
    return queryset.values_list("pk", flat=True).first()


def _pages(model_admin, user):
    """(page name, path) for this model as `user` sees it."""
    from django.contrib.admin.views.main import SEARCH_VAR
    from django.test import RequestFactory
    from django.urls import NoReverseMatch, reverse
    from django.utils.http import urlencode

    opts = model_admin.model._meta
    request = RequestFactory().get("/admin/")
    request.user = user
    if not model_admin.has_view_permission(request):
        return []
    try:
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    except NoReverseMatch:
        return []
    pages = [("list", changelist)]
    if model_admin.get_search_fields(request):
        term = _search_term(model_admin, request)
        pages.append(("search", f"{changelist}?{urlencode({SEARCH_VAR: term})}"))
    if model_admin.get_list_filter(request):
        pages.append(("filtered", None))  # the first filter's first choice, read from the list
    pk = _big_object(model_admin, request)
    if pk is not None:
        pages.append(
            ("change", reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk]))
        )
    return pages


def _first_filter_choice(response) -> str | None:
    changelist = response.context and response.context.get("cl")
    if changelist is None:
        return None
    for spec in changelist.filter_specs:
        for choice in list(spec.choices(changelist))[1:]:
            if "query_string" in choice:  # not a filter's search box
                return choice["query_string"]
    return None


def measure(client, path: str, runs: int, language: str) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, response, queries = [], None, 0
    for _ in range(runs + 1):  # the first request warms what a server process keeps
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
            body = response.content
            times.append((time.perf_counter() - started) * 1000)
        queries = len(captured)
        counts = sum(1 for q in captured.captured_queries if "COUNT(*)" in q["sql"].upper())
    return {
        "status": response.status_code,
        "ms": round(statistics.median(times[1:]), 1),
        "queries": queries,
        "counts": counts,
        "kb": round(len(body) / 1024, 1),
        "response": response,
    }


def run(args) -> dict:
    setup_django(
        server_env(
            args.database_url,
            args.redis_url,
            STATIC_MANIFEST="false",
            CELERY_TASK_ALWAYS_EAGER="true",
        )
    )
    from django.contrib import admin
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    council, superuser, staff = _users(args.council)
    clients = {}
    for name, user in (("super", superuser), ("staff", staff)):
        clients[name] = Client()
        clients[name].force_login(user)
    print(f"council of the staff member: {council.slug} (pk {council.pk})")
    results = []
    try:
        for model, model_admin in admin.site._registry.items():
            label = model._meta.label_lower
            if args.only and not any(part in label for part in args.only):
                continue
            cells = {}
            for role, user in (("super", superuser), ("staff", staff)):
                for page, path in _pages(model_admin, user):
                    if page == "filtered":
                        listed = cells.get(("list", role))
                        query = listed and _first_filter_choice(listed["response"])
                        if not query:
                            continue
                        path = listed["path"] + query
                    figures = measure(clients[role], path, args.runs, args.language)
                    figures["path"] = path
                    cells[(page, role)] = figures
            for page in ("list", "search", "filtered", "change"):
                if not any((page, role) in cells for role in ("super", "staff")):
                    continue
                row = {"model": label, "page": page}
                for role in ("super", "staff"):
                    found = cells.get((page, role))
                    if found:
                        row[role] = {k: v for k, v in found.items() if k != "response"}
                results.append(row)
                print_row(row)
    finally:
        if not args.keep_users:
            _remove_users()
    return {"council": council.slug, "rows": results}


HEADERS = [
    "model",
    "page",
    "super ms",
    "q",
    "KB",
    "staff ms",
    "q",
    "KB",
]


def _cells(figures: dict | None) -> list[str]:
    if not figures:
        return ["-", "-", "-"]
    ms = f"{figures['ms']:.0f}" if figures["status"] == 200 else f"{figures['status']}"
    return [ms, str(figures["queries"]), f"{figures['kb']:.0f}"]


def print_row(row: dict) -> None:
    print(
        "  ".join(
            [row["model"].ljust(34), row["page"].ljust(8)]
            + [c.rjust(6) for c in _cells(row.get("super")) + _cells(row.get("staff"))]
        ),
        file=sys.stderr,
        flush=True,
    )


def main() -> None:
    parser = script_parser(__doc__)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
        help="the database (default: $DATABASE_URL)",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/8"),
        help="the cache (default: $REDIS_URL, else %(default)s)",
    )
    parser.add_argument("--runs", type=int, default=3, help="timed requests per page (median)")
    parser.add_argument("--council", help="slug of the staff member's council")
    parser.add_argument("--language", default="fr", choices=["ar", "fr"])
    parser.add_argument("--only", nargs="*", help="models whose label contains one of these")
    parser.add_argument("--keep-users", action="store_true", help="keep the two bench users")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args()
    info = machine(args.database_url)
    print_machine(info)
    found = run(args)
    rows = found["rows"]
    summary = [
        [
            r["model"],
            r["page"],
            *_cells(r.get("super")),
            *_cells(r.get("staff")),
        ]
        for r in rows
    ]
    print_table(HEADERS, summary, right=set(range(2, len(HEADERS))))
    over = [
        f"{r['model']} {r['page']} ({role}: {r[role]['ms']:.0f} ms)"
        for r in rows
        for role in ("super", "staff")
        if r.get(role) and (r[role]["ms"] > BUDGET_MS or r[role]["status"] != 200)
    ]
    print(f"\nover {BUDGET_MS} ms or not 200: {len(over)}" + ("".join(f"\n  {o}" for o in over)))
    write_json(args.json, {"machine": info, **found})


if __name__ == "__main__":
    main()
