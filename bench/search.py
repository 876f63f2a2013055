"""Relevance and latency of the proposals search: the old engine (PostgreSQL's `simple`
configuration) and the new one (opengov.search) side by side on a relevance set kept in the
repository, and the proposals list's search on the national data set.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/infitah_rel \\
    REDIS_URL=redis://127.0.0.1:6379/7 .venv/bin/python bench/search.py [--json FILE]

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/infitah_bench18 \\
    REDIS_URL=redis://127.0.0.1:6379/7 .venv/bin/python bench/search.py --national

Relevance (default). The set is bench/search_relevance/: corpus.json, proposals' titles and
texts as citizens and councils write them (Arabic, French or both), each with a key; and
queries.json, what a citizen would type, each with the keys of the texts a reader expects it to
find and a `why` tag naming what it tests (hamza, tashkeel, article, clitic, broken_plural,
digits, accents, prefix, typo, council_name...). The script creates a test database next to
DATABASE_URL's (test_<name>, migrated as the tests do; dropped at the end), saves the corpus as
public proposals of one plan, then runs every query through
  - the old engine: websearch_to_tsquery('simple', q) against to_tsvector('simple', titles and
    texts), ranked by ts_rank (what the proposals list ran before issue 19), and
  - the new engine: opengov.search.query.matching(Proposal.objects.all(), q) ordered by its
    search_rank ("not available" while the code is not there),
keeps the first 10 of each and prints recall@10 (the share of the expected texts among the 10),
MRR (1 / rank of the first expected text, 0 when none is in the 10) and precision (the share of
the results shown that are expected, pooled), overall and per tag, for the old engine, the new
one and the new one with "did you mean" (when a query finds nothing, the query corrected by
opengov.search.vocabulary.suggestion over the corpus' vocabulary, as the proposals list does),
then the queries the new engine misses, with their correction.

National (--national): DATABASE_URL's database as it is (generate_scale's national set,
migrated), read only. Times --queries searches (half drawn from the relevance set, half the
words the proposals use most, in both languages) through the proposals list's own reads:
consultations.selectors.proposals_public(ProposalFilters(text=q)) under the list's
CappedPaginator, first page, in this process and without the page cache; p50/p95, and the number
of SQL queries of each search (CaptureQueriesContext). Not run by the test suite.

Global (--global): the portal-wide search (sitesearch.selectors.search) on DATABASE_URL's data,
the overview and one kind (--kind) for every query of the relevance set: bench/search_global.py.
"""

import json
import os
import random
import sys
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

# The repository root, not bench/, first on the path: bench/settings.py must not shadow anything.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench._common import (  # noqa: E402
    _common_words,
    machine,
    percentile,
    print_machine,
    print_table,
    script_parser,
    server_env,
    setup_django,
    write_json,
)

RELEVANCE = Path(__file__).resolve().parent / "search_relevance"
TOP = 10
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/infitah_rel"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/7"
# The old engine as the proposals list ran it before issue 19, on titles and texts.
OLD_SQL = """
    SELECT id FROM consultations_proposal, websearch_to_tsquery('simple', %s) AS query
    WHERE to_tsvector('simple', coalesce(title_ar, '') || ' ' || coalesce(title_fr, '') || ' '
                      || coalesce(body_ar, '') || ' ' || coalesce(body_fr, '')) @@ query
    ORDER BY ts_rank(to_tsvector('simple', coalesce(title_ar, '') || ' ' || coalesce(title_fr, '')
                     || ' ' || coalesce(body_ar, '') || ' ' || coalesce(body_fr, '')), query) DESC,
             id
    LIMIT 10
"""


def parse_args():
    parser = script_parser(__doc__)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
        help="relevance: the test database is created next to it; --national: the national "
        "data set (default: $DATABASE_URL)",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("REDIS_URL", DEFAULT_REDIS_URL),
        help="the cache the saves bump (default: $REDIS_URL, else %(default)s)",
    )
    parser.add_argument(
        "--national", action="store_true", help="time the list's search on DATABASE_URL's data"
    )
    parser.add_argument(
        "--global",
        dest="global_search",
        action="store_true",
        help="time the portal-wide search (sitesearch) on DATABASE_URL's data (search_global.py)",
    )
    parser.add_argument(
        "--kind", default="proposal", help="--global: the kind of the filtered search timed"
    )
    parser.add_argument(
        "--queries", type=int, default=50, help="--national: searches timed (default 50)"
    )
    parser.add_argument("--seed", type=int, default=1, help="--national: seed of the sample")
    parser.add_argument(
        "--json", metavar="FILE", help="also write the figures as JSON ('-': stdout)"
    )
    return parser.parse_args()


def load_relevance_set() -> tuple[list[dict], list[dict]]:
    corpus = json.loads((RELEVANCE / "corpus.json").read_text(encoding="utf-8"))
    queries = json.loads((RELEVANCE / "queries.json").read_text(encoding="utf-8"))
    return corpus, queries


def new_engine():
    """opengov.search.query.matching, or None while that code is not there."""
    try:
        from opengov.search.query import matching
    except ImportError:
        return None
    return matching


# --- relevance ---------------------------------------------------------------------------------


def save_corpus(corpus: list[dict]) -> dict[int, str]:
    """The texts as published proposals of one public plan: {proposal id: key}."""
    from consultations.models import ActionPlan
    from tests import factories

    plan = factories.ActionPlanFactory(stage=ActionPlan.Stage.IMPLEMENTATION)
    group = factories.WorkingGroupFactory(
        workshop=factories.WorkshopFactory(council=plan.council, plan=plan)
    )
    keys = {}
    for text in corpus:
        proposal = factories.ProposalFactory(
            working_group=group,
            title_ar=text.get("title_ar", ""),
            body_ar=text.get("body_ar", ""),
            title_fr=text.get("title_fr", ""),
            body_fr=text.get("body_fr", ""),
        )
        keys[proposal.pk] = text["key"]
    return keys


def old_results(text: str) -> list[int]:
    from django.db import DatabaseError, connection, transaction

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(OLD_SQL, [text])
            return [row[0] for row in cursor.fetchall()]
    except DatabaseError:
        return []


def new_results(matching, text: str) -> list[int] | None:
    """The first ids, or None when the engine raised (it must not)."""
    from django.db import DatabaseError, transaction

    from consultations.models import Proposal

    try:
        with transaction.atomic():
            found = matching(Proposal.objects.all(), text)
            ordered = (
                found.order_by("-search_rank", "pk")
                if "search_rank" in found.query.annotations
                else found.order_by("pk")
            )
            return list(ordered.values_list("pk", flat=True)[:TOP])
    except (DatabaseError, ValueError, TypeError) as error:
        print(f"  new engine raised on {text!r}: {error.__class__.__name__}: {error}")
        return None


def scores(expected: list[str], found: list[str]) -> tuple[float, float]:
    """recall@TOP and reciprocal rank of one query."""
    top = found[:TOP]
    recall = len(set(expected) & set(top)) / len(expected)
    rank = next((n for n, key in enumerate(top, 1) if key in expected), None)
    return recall, (1 / rank if rank else 0.0)


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else float("nan")


def run_relevance(args) -> dict:
    from django.db import connection

    corpus, queries = load_relevance_set()
    matching = new_engine()
    creation = connection.creation
    old_name = connection.settings_dict["NAME"]
    started = time.perf_counter()
    test_name = creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        took = time.perf_counter() - started
        print(f"database: {test_name} (created and migrated in {took:.0f} s)")
        keys = save_corpus(corpus)
        suggestion = did_you_mean()
        print(f"corpus:   {len(keys)} proposals; {len(queries)} queries\n")
        rows = []
        for query in queries:
            old = [keys[pk] for pk in old_results(query["q"])]
            new = suggested = corrected = None
            if matching is not None:
                found = new_results(matching, query["q"])
                new = None if found is None else [keys[pk] for pk in found]
                suggested = new
                if new == [] and suggestion is not None:
                    # The proposals list's fallback: nothing found, search the corrected words.
                    corrected = suggestion(query["q"])
                    if corrected:
                        found = new_results(matching, corrected)
                        suggested = None if found is None else [keys[pk] for pk in found]
            rows.append(
                {**query, "old": old, "new": new, "suggested": suggested, "corrected": corrected}
            )
    finally:
        creation.destroy_test_db(old_name, verbosity=0)
    for row in rows:
        row["old_recall"], row["old_rr"] = scores(row["expect"], row["old"])
        if row["new"] is not None:
            row["new_recall"], row["new_rr"] = scores(row["expect"], row["new"])
        if row["suggested"] is not None:
            row["dym_recall"], row["dym_rr"] = scores(row["expect"], row["suggested"])
    return report_relevance(rows, matching is not None)


def did_you_mean():
    """opengov.search.vocabulary.suggestion over the corpus' vocabulary (rebuilt now), or None
    while that code is not there."""
    try:
        from opengov.search import vocabulary
    except ImportError:
        return None
    vocabulary.rebuild()
    return vocabulary.suggestion


def precision(rows: list[dict], name: str) -> float | None:
    """The share of the results shown (first 10) that are expected: all queries pooled."""
    shown = [(row["expect"], row[name]) for row in rows if row.get(name) is not None]
    total = sum(len(found[:TOP]) for _expect, found in shown)
    right = sum(len(set(expect) & set(found[:TOP])) for expect, found in shown)
    return right / total if total else None


def report_relevance(rows: list[dict], has_new: bool) -> dict:
    tags = defaultdict(list)
    for row in rows:
        tags[row["why"]].append(row)
    # Typos are for "did you mean" (a corrected query), not for the matching itself.
    untyped = [row for row in rows if row["why"] != "typo"]
    groups = [("all", rows), ("all but typo", untyped), *sorted(tags.items())]

    def figure(group, name):
        values = [row[name] for row in group if name in row]
        return mean(values) if values else None

    def cell(value):
        return "-" if value is None else f"{value:.2f}"

    table, figures = [], {}
    for tag, group in groups:
        f = {
            "queries": len(group),
            "old_recall": figure(group, "old_recall"),
            "new_recall": figure(group, "new_recall"),
            "dym_recall": figure(group, "dym_recall"),
            "old_mrr": figure(group, "old_rr"),
            "new_mrr": figure(group, "new_rr"),
            "dym_mrr": figure(group, "dym_rr"),
            "old_precision": precision(group, "old"),
            "new_precision": precision(group, "new"),
            "dym_precision": precision(group, "suggested"),
        }
        figures[tag] = f
        table.append(
            [tag, f["queries"], cell(f["old_recall"]), cell(f["new_recall"]),
             cell(f["dym_recall"]), cell(f["old_mrr"]), cell(f["new_mrr"]), cell(f["dym_mrr"]),
             cell(f["old_precision"]), cell(f["new_precision"]), cell(f["dym_precision"])]
        )  # fmt: skip
    print(
        f"recall@{TOP}, MRR and precision (expected among the results shown), old engine "
        '(simple) vs new (opengov.search) vs new with "did you mean" when nothing is found:'
    )
    print_table(
        ["why", "queries", "recall old", "new", "+dym", "MRR old", "new", "+dym",
         "prec. old", "new", "+dym"],
        table,
    )  # fmt: skip
    if not has_new:
        print("\nnew engine: not available (opengov.search.query.matching cannot be imported)")
    else:
        missed = [row for row in rows if row.get("new_recall", 0) < 1]
        raised = sum(row["new"] is None for row in rows)
        print(f"\nqueries the new engine misses ({len(missed)}; raised: {raised}):")
        for row in missed:
            lost = [key for key in row["expect"] if key not in (row["new"] or [])]
            got = ", ".join((row["new"] or [])[:3]) or "nothing"
            fixed = ""
            if row.get("corrected"):
                fixed = f"; did you mean: {row['corrected']} -> recall {row['dym_recall']:.2f}"
            print(f"  [{row['why']}] {row['q']}  missing: {', '.join(lost)}  (first: {got}{fixed})")
    old_missed = sum(row["old_recall"] < 1 for row in rows)
    old_empty = sum(not row["old"] for row in rows)
    print(f"\nold engine: {old_missed} queries miss an expected text, {old_empty} find nothing")
    return {"figures": figures, "queries": rows}


# --- national latency --------------------------------------------------------------------------


def national_sample(args) -> list[tuple[str, str]]:
    """(query, origin): half from the relevance set, half the data's most common words."""
    _corpus, queries = load_relevance_set()
    rng = random.Random(args.seed)  # noqa: S311 - a reproducible sample
    half = args.queries // 2
    picked = [(q["q"], "relevance set") for q in rng.sample(queries, min(half, len(queries)))]
    words = _common_words("ar", 40) + _common_words("fr", 40)
    rng.shuffle(words)
    picked += [(word, "common word") for word in words[: args.queries - len(picked)]]
    return picked


def run_national(args) -> dict:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.test.utils import CaptureQueriesContext

    from consultations import selectors
    from consultations.models import Proposal

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        raise SystemExit(
            f"{len(pending)} migrations are not applied to this database (first: "
            f"{pending[0][0]}): run `manage.py migrate` on it first."
        )
    total = Proposal.objects.count()
    engine = "new (opengov.search)" if new_engine() else "old (simple)"
    print(f"database: {connection.settings_dict['NAME']}, {total:,} proposals; engine: {engine}")
    sample = national_sample(args)

    def search(text):
        paginator = selectors.CappedPaginator(
            selectors.proposals_public(selectors.ProposalFilters(text=text)),
            selectors.per_page(),
            searching=True,
        )
        page = paginator.get_page(1)
        return paginator.count, len(list(page.object_list))

    search(sample[0][0])  # the connection and first-query work out of the way
    rows = []
    for text, origin in sample:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            count, shown = search(text)
            elapsed = (time.perf_counter() - started) * 1000
        rows.append(
            {"q": text, "origin": origin, "ms": round(elapsed, 1), "queries": len(captured),
             "count": count, "shown": shown}
        )  # fmt: skip
    table = []
    for origin in ("relevance set", "common word", "all"):
        group = [r for r in rows if origin in ("all", r["origin"])]
        times = [r["ms"] for r in group]
        counts = sorted({r["queries"] for r in group})
        table.append(
            [origin, len(group), f"{percentile(times, 50):.1f}", f"{percentile(times, 95):.1f}",
             f"{max(times):.1f}", "/".join(map(str, counts)),
             sum(r["count"] == 0 for r in group)]
        )  # fmt: skip
    print(f"\nproposals list search, first page, uncached ({len(rows)} searches, one each):")
    print_table(["queries", "n", "p50 ms", "p95 ms", "max ms", "SQL queries", "no result"], table)
    by_count = defaultdict(list)
    for row in rows:
        by_count[row["queries"]].append(row["count"] > 0)
    print(
        "SQL queries per search: "
        + "; ".join(
            f"{n} ({sum(found)} with results, {len(found) - sum(found)} without)"
            for n, found in sorted(by_count.items())
        )
    )
    slowest = sorted(rows, key=lambda r: -r["ms"])[:5]
    print("slowest: " + "; ".join(f"{r['q']} {r['ms']:.0f} ms ({r['count']})" for r in slowest))
    return {"engine": engine, "proposals": total, "searches": rows}


def maintenance_url(database_url: str) -> str:
    """The server's `postgres` database, for its version."""
    parts = urlsplit(database_url)
    return urlunsplit(parts._replace(path="/postgres"))


def main() -> None:
    args = parse_args()
    env = server_env(
        args.database_url,
        args.redis_url,
        STATIC_MANIFEST="false",
        CELERY_TASK_ALWAYS_EAGER="true",
        PAGE_CACHE_SECONDS="0",
    )
    setup_django(env)
    # Relevance runs in a database created next to DATABASE_URL's, which need not exist.
    national = args.national or args.global_search
    server = args.database_url if national else maintenance_url(args.database_url)
    info = machine(server)
    print_machine(info)
    if args.global_search:
        from bench.search_global import run_global

        result = run_global(args, load_relevance_set, percentile, print_table)
    else:
        result = run_national(args) if args.national else run_relevance(args)
    write_json(args.json, {"machine": info, **result})


if __name__ == "__main__":
    main()
