"""The search index on SQLite (the demo), kept from Python: SQLite has none of the triggers of
sitesearch.indexing, so post_save and post_delete of each source model write the entry here.
Connected only when the database is SQLite (sitesearch.apps); on PostgreSQL the triggers see
every write, these only the ORM's.

What differs from PostgreSQL: a queryset.update() or a bulk_create() sends no signal, so the
demo's loader ends with `rebuild_in_python()`; a change of a commitment, plan or workshop does
not refresh the entries of its milestones, comments or groups (`manage.py rebuild_search_index`
does); `document` and `name` stay empty (the SQLite search reads the text columns)."""

import datetime

from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from commitments.models import Comment, Commitment, Milestone
from consultations.models import ActionPlan, Council, Proposal, WorkingGroup, Workshop

from .indexing import COMMITMENT_BODY, MILESTONE_BODY, PROPOSAL_BODY, WORKSHOP_BODY
from .models import SearchEntry

LANGUAGES = ("ar", "fr")


def _texts(row, name: str) -> dict:
    return {lang: getattr(row, f"{name}_{lang}") or "" for lang in LANGUAGES}


def _joined(row, names) -> dict:
    return {
        lang: "\n".join(v for v in (getattr(row, f"{n}_{lang}") for n in names) if v)
        for lang in LANGUAGES
    }


def _local(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(moment).date() if moment else None


def _entry(kind, row, council_id, plan_id, title, body, **extra) -> dict:
    return {
        "kind": kind,
        "object_id": row.pk,
        "council_id": council_id,
        "plan_id": plan_id,
        "parent_id": extra.get("parent_id"),
        "reference": extra.get("reference", ""),
        "title_ar": title["ar"],
        "title_fr": title["fr"],
        "body_ar": body["ar"],
        "body_fr": body["fr"],
        "language": extra.get("language", ""),
        "date": extra.get("date"),
        "visible": extra.get("visible", True),
    }


def entry_values(row) -> dict:
    """What a source row's entry holds, as the SQL of sitesearch.indexing.SOURCES computes it
    (tests/sitesearch compares the two on PostgreSQL)."""
    empty = dict.fromkeys(LANGUAGES, "")
    if isinstance(row, Council):
        return _entry("council", row, row.pk, None, _texts(row, "name"), empty)
    if isinstance(row, ActionPlan):
        return _entry(
            "plan", row, row.council_id, row.pk, _texts(row, "title"), _texts(row, "introduction")
        )
    if isinstance(row, Commitment):
        return _entry(
            "commitment",
            row,
            row.plan.council_id,
            row.plan_id,
            _texts(row, "title"),
            _joined(row, COMMITMENT_BODY),
            reference=row.reference,
            date=row.start_date,
        )
    if isinstance(row, Milestone):
        commitment = row.commitment
        return _entry(
            "milestone",
            row,
            commitment.plan.council_id,
            commitment.plan_id,
            _texts(row, "title"),
            _joined(row, MILESTONE_BODY),
            parent_id=commitment.pk,
            reference=commitment.reference,
            date=row.due_date,
        )
    if isinstance(row, Workshop):
        return _entry(
            "workshop",
            row,
            row.council_id,
            row.plan_id,
            _texts(row, "title"),
            _joined(row, WORKSHOP_BODY),
            date=row.starts_on,
        )
    if isinstance(row, WorkingGroup):
        workshop = row.workshop
        return _entry(
            "working_group",
            row,
            workshop.council_id,
            workshop.plan_id,
            _texts(row, "title"),
            empty,
            parent_id=workshop.pk,
            date=workshop.starts_on,
        )
    if isinstance(row, Proposal):
        return _entry(
            "proposal",
            row,
            row.council_id,
            row.plan_id,
            _texts(row, "title"),
            _joined(row, PROPOSAL_BODY),
            date=_local(row.created_at),
            visible=row.publication == Proposal.Publication.PUBLISHED,
        )
    if isinstance(row, Comment):
        page = row.commitment or row.plan
        published = Comment.State.PUBLISHED
        french = row.language == "fr"
        return _entry(
            "comment",
            row,
            row.plan.council_id,
            row.plan_id,
            _texts(page, "title"),
            {"ar": "" if french else row.body, "fr": row.body if french else ""},
            parent_id=row.commitment_id,
            reference=row.commitment.reference if row.commitment_id else "",
            language=row.language,
            date=_local(row.published_at),
            visible=row.state == published
            and (row.parent_id is None or row.parent.state == published),
        )
    raise TypeError(f"not searchable: {type(row).__name__}")


_KIND_OF = {
    Council: "council",
    ActionPlan: "plan",
    Commitment: "commitment",
    Milestone: "milestone",
    Workshop: "workshop",
    WorkingGroup: "working_group",
    Proposal: "proposal",
    Comment: "comment",
}
SOURCE_MODELS = tuple(_KIND_OF)


def _saved(sender, instance, **kwargs) -> None:
    values = entry_values(instance)
    kind, object_id = values.pop("kind"), values.pop("object_id")
    SearchEntry.objects.update_or_create(kind=kind, object_id=object_id, defaults=values)


def _deleted(sender, instance, **kwargs) -> None:
    kind = _KIND_OF[sender]
    SearchEntry.objects.filter(kind=kind, object_id=instance.pk).delete()


def connect() -> None:
    """Keep the index from Python (SQLite only: sitesearch.apps decides)."""
    for model in SOURCE_MODELS:
        post_save.connect(_saved, sender=model, dispatch_uid=f"sitesearch-{model.__name__}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"sitesearch-{model.__name__}")


def rebuild_in_python() -> None:
    """Every entry again, from the source rows (SQLite: what the triggers do on PostgreSQL)."""
    SearchEntry.objects.all().delete()
    related = {
        Commitment: ("plan",),
        Milestone: ("commitment__plan",),
        WorkingGroup: ("workshop",),
        Comment: ("plan", "commitment", "parent"),
    }
    for model in SOURCE_MODELS:
        rows = model.objects.select_related(*related.get(model, ())).order_by("pk")
        SearchEntry.objects.bulk_create(
            (SearchEntry(**entry_values(row)) for row in rows.iterator(chunk_size=2000)),
            batch_size=500,
        )
