"""The sitemap (sitemaps.org): /sitemap.xml, an index of one sitemap per section and page, each
listing every public page in both languages with its hreflang alternates (ar, fr, x-default) as
the pages' own <link rel="alternate"> name them (opengov.templatetags.infitah.alternate_links).

At national scale (about 580,000 proposals) a section is read a page at a time: one query of
plain tuples (values_list), ordered by primary key, PER_PAGE rows at most, never model
instances; the index counts each section once. A row's address is reversed once, in the
default language, and the other languages' addresses swap the language prefix (i18n_patterns
adds it and nothing else differs). sitemaps.org allows 50,000 <url> entries per file: each row
gives one per language, so a page holds 50,000 / len(LANGUAGES) rows. The pages are sent
gzipped (sitesearch.views): about 0.4 MB instead of 19 MB for a full one."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import translation

from commitments.models import Commitment
from consultations.models import ActionPlan, Council, Proposal, Workshop
from opengov import translations
from opengov.urls_absolute import absolute_url

MAX_URLS = 50_000


def per_page() -> int:
    return MAX_URLS // len(settings.LANGUAGES)


@dataclass(frozen=True)
class Section:
    name: str
    rows: Callable[[], QuerySet]  # values_list: the reverse() arguments, then updated_at
    viewname: str


PAGES = (
    "home",
    "consultations:councils",
    "consultations:proposals",
    "opendata",
    "ogp_local",
    "accessibility",
)

SECTIONS = {
    section.name: section
    for section in (
        Section(
            "councils",
            lambda: Council.objects.values_list("slug", "updated_at"),
            "consultations:council",
        ),
        Section(
            "plans",
            lambda: ActionPlan.objects.public().values_list(
                "council__slug", "start_year", "updated_at"
            ),
            "commitments:plan",
        ),
        Section(
            "commitments",
            lambda: Commitment.objects.filter(plan__in=ActionPlan.objects.public()).values_list(
                "plan__council__slug", "plan__start_year", "reference", "updated_at"
            ),
            "commitments:commitment",
        ),
        Section(
            "workshops",
            lambda: Workshop.objects.public().values_list("pk", "updated_at"),
            "consultations:workshop",
        ),
        Section(
            "proposals",
            lambda: Proposal.objects.public().values_list("pk", "updated_at"),
            "commitments:proposal",
        ),
    )
}


def _prefixed(path: str, language: str) -> str:
    """`path` (under the default language's prefix) under `language`'s prefix."""
    default = f"/{settings.LANGUAGE_CODE}/"
    return f"/{language}/" + path[len(default) :] if path.startswith(default) else path


def _entry(path: str, lastmod: str | None) -> Iterable[str]:
    """One <url> per language, each naming all the languages and x-default."""
    addresses = {code: absolute_url(_prefixed(path, code)) for code in translations.languages()}
    addresses["x-default"] = absolute_url(path)
    links = "".join(
        f'<xhtml:link rel="alternate" hreflang="{code}" href={quoteattr(address)}/>'
        for code, address in addresses.items()
    )
    modified = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
    for code in translations.languages():
        yield f"<url><loc>{escape(addresses[code])}</loc>{modified}{links}</url>"


URLSET = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
    'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
)


def section_pages(name: str) -> int:
    """How many pages the section has (one query; at least one)."""
    if name == "pages":
        return 1
    return max(1, math.ceil(SECTIONS[name].rows().count() / per_page()))


def index_xml() -> str:
    """The sitemap index: each section's pages (one count query per section)."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    ]
    for name in ["pages", *SECTIONS]:
        for page in range(1, section_pages(name) + 1):
            location = absolute_url(reverse("sitemap_section", args=[name, page]))
            lines.append(f"<sitemap><loc>{escape(location)}</loc></sitemap>")
    lines.append("</sitemapindex>\n")
    return "\n".join(lines)


def section_xml(name: str, page: int) -> str | None:
    """Page `page` (from 1) of a section, or None when there is no such section or page (one
    query of at most per_page() tuples)."""
    with translation.override(settings.LANGUAGE_CODE):
        if name == "pages":
            if page != 1:
                return None
            paths = [(reverse(viewname), None) for viewname in PAGES]
        elif name in SECTIONS and page >= 1:
            section = SECTIONS[name]
            size = per_page()
            rows = list(section.rows().order_by("pk")[(page - 1) * size : page * size])
            if not rows and page > 1:
                return None
            paths = [
                (reverse(section.viewname, args=row[:-1]), row[-1].date().isoformat())
                for row in rows
            ]
        else:
            return None
    body = "\n".join(line for path, lastmod in paths for line in _entry(path, lastmod))
    return URLSET + body + "\n</urlset>\n"
