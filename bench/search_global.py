"""The portal-wide search timed on the national data set (`bench/search.py --global`).

DATABASE_URL's database as it is (generate_scale's national set with every migration applied,
the search index included), read only. Every query of the relevance set
(bench/search_relevance/queries.json) but the typos goes through sitesearch.selectors.search()
twice, in this process and uncached: the overview (every kind's capped count and best hits) and
one kind's first page (`--kind`, proposals by default). Prints p50/p95/max of each and the number
of SQL queries of each search (it must be the same for every query that finds something)."""

import time
from collections import defaultdict


def run_global(args, load_relevance_set, percentile, print_table) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sitesearch.models import SearchEntry
    from sitesearch.selectors import search

    _corpus, queries = load_relevance_set()
    texts = [q["q"] for q in queries if q["why"] != "typo"]
    entries = SearchEntry.objects.count()
    print(f"database: {connection.settings_dict['NAME']}, {entries:,} search entries")
    search(texts[0])  # the connection and first-query work out of the way
    rows = []
    for text in texts:
        for mode, kind in (("overview", None), (f"kind={args.kind}", args.kind)):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                results = search(text, kind=kind, language="fr")
                elapsed = (time.perf_counter() - started) * 1000
            found = sum(group.count for group in results.groups)
            rows.append(
                {"q": text, "mode": mode, "ms": round(elapsed, 1), "queries": len(captured),
                 "found": found, "capped": sum(group.capped for group in results.groups)}
            )  # fmt: skip
    table = []
    for mode in ("overview", f"kind={args.kind}"):
        group = [r for r in rows if r["mode"] == mode]
        times = [r["ms"] for r in group]
        counts = defaultdict(int)
        for r in group:
            counts[(r["queries"], "found" if r["found"] else "none")] += 1
        queries = ", ".join(f"{n} ({found}: {c})" for (n, found), c in sorted(counts.items()))
        table.append(
            [mode, len(group), f"{percentile(times, 50):.1f}", f"{percentile(times, 95):.1f}",
             f"{max(times):.1f}",
             queries,
             sum(r["capped"] > 0 for r in group)]
        )  # fmt: skip
    print(
        f"\nportal-wide search, uncached ({len(texts)} queries of the relevance set, typos aside):"
    )
    print_table(
        ["mode", "n", "p50 ms", "p95 ms", "max ms", "SQL queries", "some kind capped"], table
    )
    slowest = sorted(rows, key=lambda r: -r["ms"])[:5]
    print("slowest: " + "; ".join(f"{r['q']} ({r['mode']}) {r['ms']:.0f} ms" for r in slowest))
    return {"entries": entries, "searches": rows}
