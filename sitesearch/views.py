"""The search page: /<lang>/search/?q=… across everything the portal publishes (issue 19),
and the sitemap for search engines (outside the language prefix)."""

import gzip
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from opengov.pagecache import cached_page, conditional, integer, one_of, text, word
from opengov.params import page_number

from . import selectors, sitemap
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


def _xml_answer(request: HttpRequest, produce_xml, *, gzipped: bool = False) -> HttpResponse:
    """An XML answer from the page cache (network version), one entry whatever the reader's
    language (the sitemap is outside the language prefix). A section's page is sent as a
    gzip file (sitemaps.org allows it): 50,000 entries are about 19 MB of XML and 0.4 MB
    compressed, which is what the page cache keeps."""

    def produce() -> HttpResponse:
        content = produce_xml()
        if content is None:
            raise Http404
        if gzipped:
            return HttpResponse(
                gzip.compress(content.encode(), compresslevel=6, mtime=0),
                content_type="application/gzip",
            )
        return HttpResponse(content, content_type="application/xml; charset=utf-8")

    with translation.override(settings.LANGUAGE_CODE):
        return conditional(request, "sitemap", produce, query=QueryDict())


@require_safe
def sitemap_index(request: HttpRequest) -> HttpResponse:
    """/sitemap.xml: the index of the sections' sitemaps (sitesearch.sitemap)."""
    return _xml_answer(request, sitemap.index_xml)


@require_safe
def sitemap_section(request: HttpRequest, section: str, page: int) -> HttpResponse:
    """/sitemap-<section>-<page>.xml.gz: one page of a section, gzipped."""
    return _xml_answer(request, lambda: sitemap.section_xml(section, page), gzipped=True)
