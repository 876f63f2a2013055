"""The search page: /<lang>/search/?q=… across everything the portal publishes (issue 19)."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from opengov.pagecache import cached_page, integer, one_of, text, word
from opengov.params import page_number

from . import selectors
from .forms import SearchForm, kind_labels
from .results import KINDS

SEARCH_PARAMS = {
    "q": text,
    "kind": one_of(*KINDS),
    "council": word,
    "plan": integer,
    "exact": one_of("1"),
    "page": integer,
}


@require_safe
@cached_page(params=SEARCH_PARAMS)
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    values = form.values() if request.GET else {}
    labels = kind_labels()
    results = None
    if values.get("q"):
        results = selectors.search(
            values["q"],
            kind=values.get("kind") or None,
            council=values.get("council") or None,
            plan=values.get("plan"),
            page=page_number(request.GET.get("page")),
            language=get_language(),
            correct=not values.get("exact"),
        )
    scope = {key: values[key] for key in ("council", "plan") if values.get(key)}
    # The query strings of the page's links: the same search, another kind or page.
    kept = {key: values[key] for key in ("q", "council", "plan") if values.get(key)}
    if values.get("exact"):
        kept["exact"] = "1"
    kind = results.kind if results else None
    return render(
        request,
        "sitesearch/search.html",
        {
            "form": form,
            "results": results,
            "groups": [(group, labels[group.kind]) for group in results.groups] if results else [],
            "kind_label": labels.get(kind, ""),
            "found": bool(results) and any(group.count for group in results.groups),
            "scope": scope,
            "query": urlencode(kept),
            "kind_query": urlencode({**kept, "kind": kind} if kind else kept),
            "everywhere_query": urlencode({"q": values.get("q", "")}),
            "invalid": bool(request.GET) and not form.is_valid(),
        },
    )
