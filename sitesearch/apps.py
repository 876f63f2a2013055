from django.apps import AppConfig


class SitesearchConfig(AppConfig):
    """The portal-wide search (issue 19): one table of searchable entries, one per public thing
    (council, plan, commitment, milestone, workshop, working group, proposal, published
    comment), kept by PostgreSQL triggers on the tables it reads, and the search page. It sits
    above consultations and commitments, whose rows it indexes, and is imported by nothing but
    opengov.urls. The engine (normalisation, thesaurus, query building) is the floor's
    opengov.search."""

    name = "sitesearch"
    verbose_name = "search"

    def ready(self) -> None:
        from django.db import connection

        from opengov import scoping

        from .models import SearchEntry

        # Entries are derived from rows whose own writes empty the cached pages and which staff
        # see through their own admin: the index itself is on no page and in no staff list.
        scoping.register_off_pages(SearchEntry)
        # The triggers make the entries again as a restore inserts their source rows.
        scoping.register_derived(SearchEntry)

        # "Did you mean" knows the words of what the search finds. Proposals are consultations'
        # own source; comments (millions of rows at national scale, citizens' spelling) are left
        # out of the vocabulary, so a typo is corrected towards the portal's own words.
        from opengov.search import vocabulary

        vocabulary.register_source(
            "search entries",
            lambda: SearchEntry.objects.public().exclude(kind__in=("proposal", "comment")),
            ("title_ar", "title_fr", "body_ar", "body_fr"),
        )

        if connection.vendor == "sqlite":
            # PostgreSQL's triggers (sitesearch.indexing) keep the index there; SQLite has none.
            from . import signals

            signals.connect()
