"""The search index: one row per searchable thing (Decidim's decidim_searchable_resources), so
the portal-wide search reads one table instead of eight.

A row carries what a result shows without reading the thing itself (its titles and plain body
in both languages, its council and plan, a date) and two facts about who may see it:

- `visible`, the row's own publication (a proposal published, a comment published under a
  published comment...), kept by the triggers with the text (sitesearch.indexing);
- its plan (`plan`), whose visibility depends on the day (consultations.models.private_condition:
  a plan in preparation turns public when its proposals window opens), so it is never stored:
  SearchEntry.objects.public() applies it when searching, as every public page does.

On PostgreSQL the triggers of migration 0001 keep the rows and a BEFORE trigger on this table
computes `document` and `name`; on SQLite (the demo) Django signals do (sitesearch.signals)."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from consultations.models import ActionPlan, Council, PlanRowsQuerySet

from .results import KINDS

# Index names are at most 30 characters.
SHORT = {"working_group": "group"}
# PostgreSQL only (migration 0001 makes them there, not on SQLite): one GIN index per kind, of
# its visible rows only, so a search of one kind (and the count of each kind) reads that kind's
# postings and never a hidden row's; the councils' names under a trigram index.
GIN_INDEXES = [
    *[
        GinIndex(
            fields=["document"],
            name=f"searchentry_{SHORT.get(kind, kind)}_doc_idx",
            condition=Q(kind=kind, visible=True),
        )
        for kind in KINDS
    ],
    GinIndex(
        fields=["name"],
        opclasses=["gin_trgm_ops"],
        name="searchentry_name_trgm_idx",
        condition=Q(kind="council"),
    ),
]


class SearchEntryQuerySet(PlanRowsQuerySet):
    def public(self):
        """Entries citizens may read: published in their own right (`visible`) and of a public
        plan today, or of no plan (a council, a network meeting)."""
        return self.of_public_plans().filter(visible=True)


class SearchEntry(models.Model):
    """One searchable thing of the portal, as the search shows it."""

    Kind = models.TextChoices("Kind", [(kind.upper(), kind) for kind in KINDS])
    PLAN_PATH = "plan"

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    object_id = models.BigIntegerField(_("object id"))
    council = models.ForeignKey(
        Council, verbose_name=_("council"), on_delete=models.CASCADE, related_name="+"
    )
    plan = models.ForeignKey(
        ActionPlan,
        verbose_name=_("action plan"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    # The commitment a milestone or a comment is on, the workshop of a working group: what the
    # result links to (its page, with an anchor).
    parent_id = models.BigIntegerField(_("parent id"), null=True, blank=True)
    # The commitment's reference in its page's address, for a commitment, its milestones and
    # its comments (the council's slug and the plan's year come with `council` and `plan`).
    reference = models.CharField(_("reference"), max_length=32, blank=True)
    title_ar = models.TextField(_("title (Arabic)"), blank=True)
    title_fr = models.TextField(_("title (French)"), blank=True)
    body_ar = models.TextField(_("text (Arabic)"), blank=True)
    body_fr = models.TextField(_("text (French)"), blank=True)
    # A comment is written in one language: its body is in body_<language>, and its author is
    # `title_ar`/`title_fr` (the same name in both).
    language = models.CharField(_("language"), max_length=8, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    visible = models.BooleanField(_("published"), default=True)
    # Computed by the trigger on this table (PostgreSQL): the titles weighted A, the bodies B,
    # Arabic columns under infitah_ar, French ones under infitah_fr.
    document = SearchVectorField(null=True, editable=False)
    # A council's names, normalised (Arabic rules, accents off, lower case), for trigram
    # similarity: "Tetouan", "tétouan" and "تطوان" find Tétouan. Empty for other kinds.
    name = models.TextField(_("normalised name"), blank=True, editable=False)

    objects = SearchEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        ordering = ["kind", "object_id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="searchentry_unique_thing"),
            models.CheckConstraint(condition=Q(kind__in=KINDS), name="searchentry_kind_known"),
        ]
        indexes = [
            *GIN_INDEXES,
            models.Index(fields=["plan", "kind"], name="searchentry_plan_idx"),
            models.Index(fields=["council", "kind"], name="searchentry_council_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"
