"""The search index kept by PostgreSQL's triggers (sitesearch.indexing): every kind's entry is
made, changed and deleted with its source row, whatever writes it (ORM save, queryset update,
bulk insert, raw SQL), its publication is `visible`, and the SQL builds the same entry as the
Python twin the demo's SQLite uses (sitesearch.signals.entry_values)."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from commitments.models import Comment, Commitment, Milestone
from consultations.models import ActionPlan, Council, Proposal, Workshop
from sitesearch import indexing
from sitesearch.models import SearchEntry
from sitesearch.signals import entry_values
from tests import factories

pytestmark = pytest.mark.django_db

PUBLIC = ActionPlan.Stage.IMPLEMENTATION


def _entry(kind, row) -> SearchEntry | None:
    return SearchEntry.objects.filter(kind=kind, object_id=row.pk).first()


def _searched(kind, word) -> list[int]:
    """Ids of the entries of `kind` whose document matches `word` (infitah_fr or infitah_ar)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT object_id FROM sitesearch_searchentry WHERE kind = %s AND document @@ "
            "(plainto_tsquery('infitah_fr', %s) || plainto_tsquery('infitah_ar', %s)) "
            "ORDER BY object_id",
            [kind, word, word],
        )
        return [row[0] for row in cursor.fetchall()]


def _published_comment(**fields):
    return factories.CommentFactory(
        state=Comment.State.PUBLISHED, published_at=timezone.now(), **fields
    )


def _every_kind():
    plan = factories.ActionPlanFactory(stage=PUBLIC, introduction_fr="Une ville ouverte")
    commitment = factories.CommitmentFactory(plan=plan, problem_fr="Budget opaque")
    milestone = factories.MilestoneFactory(commitment=commitment, deliverable_fr="Portail")
    group = factories.WorkingGroupFactory(workshop__council=plan.council, workshop__plan=plan)
    proposal = factories.ProposalFactory(working_group=group, plan=plan)
    comment = _published_comment(plan=plan, commitment=commitment, language="fr")
    reply = _published_comment(plan=plan, commitment=commitment, parent=comment)
    return {
        "council": plan.council,
        "plan": plan,
        "commitment": commitment,
        "milestone": milestone,
        "workshop": group.workshop,
        "working_group": group,
        "proposal": proposal,
        "comment": comment,
        "reply": reply,
    }


def test_every_kind_gets_the_entry_its_python_twin_computes():
    rows = _every_kind()
    for name, row in rows.items():
        kind = "comment" if name == "reply" else name
        row = type(row).objects.get(pk=row.pk)
        expected = entry_values(row)
        stored = SearchEntry.objects.filter(kind=kind, object_id=row.pk).values(*indexing.COLUMNS)
        assert list(stored) == [expected], name


def test_the_commitment_texts_indexed_are_every_ogp_text():
    assert ("title", *indexing.COMMITMENT_BODY) == Commitment.TEXT_FIELDS
    assert ("title", *indexing.MILESTONE_BODY) == Milestone.TEXT_FIELDS


@pytest.mark.parametrize(
    ("kind", "make", "field", "word"),
    [
        ("council", lambda: factories.CouncilFactory(), "name_fr", "Chefchaouen"),
        ("plan", lambda: factories.ActionPlanFactory(), "introduction_fr", "hydraulique"),
        ("commitment", lambda: factories.CommitmentFactory(), "long_term_goal_fr", "irrigation"),
        ("commitment", lambda: factories.CommitmentFactory(), "partners_ar", "الجمعيات"),
        ("milestone", lambda: factories.MilestoneFactory(), "evidence_fr", "procès-verbal"),
        ("workshop", lambda: factories.WorkshopFactory(), "summary_fr", "bibliothèque"),
        ("working_group", lambda: factories.WorkingGroupFactory(), "title_fr", "jeunesse"),
        ("proposal", lambda: factories.ProposalFactory(), "response_fr", "assainissement"),
        ("comment", lambda: factories.CommentFactory(language="fr"), "body", "trottoirs"),
    ],
)
def test_a_change_of_text_reindexes_the_entry_however_it_is_written(kind, make, field, word):
    row = make()
    assert row.pk not in _searched(kind, word)
    setattr(row, field, f"{word} et le reste")
    row.save()
    assert row.pk in _searched(kind, word)
    # An UPDATE without save(), then a delete.
    type(row).objects.filter(pk=row.pk).update(**{field: "rien"})
    assert row.pk not in _searched(kind, word)
    assert _entry(kind, row) is not None


def test_a_deleted_row_loses_its_entry():
    rows = _every_kind()
    rows["reply"].delete()
    rows["comment"].delete()
    rows["proposal"].delete()
    rows["milestone"].delete()
    rows["working_group"].delete()
    for name in ("reply", "comment", "proposal", "milestone", "working_group"):
        kind = "comment" if name == "reply" else name
        assert _entry(kind, rows[name]) is None, name
    assert _entry("workshop", rows["workshop"]) is not None


def test_deleting_a_council_deletes_every_entry_of_it():
    council = factories.CouncilFactory()
    plan = factories.ActionPlanFactory(council=council)
    assert SearchEntry.objects.filter(council=council).count() == 2
    plan.delete()
    council.delete()
    assert not SearchEntry.objects.filter(object_id__in=[council.pk, plan.pk]).exists()


def test_a_bulk_insert_and_raw_sql_are_indexed():
    council = factories.CouncilFactory()
    Council.objects.bulk_create(
        [
            Council(kind="commune", slug=f"bulk-{n}", code=f"BK{n}", name_fr=f"Ksar {n}")
            for n in range(3)
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE consultations_council SET name_fr = 'Tétouan' WHERE id = %s", [council.pk]
        )
    assert _searched("council", "Ksar") == sorted(
        Council.objects.filter(slug__startswith="bulk-").values_list("pk", flat=True)
    )
    assert _searched("council", "tetouan") == [council.pk]
    assert SearchEntry.objects.get(kind="council", object_id=council.pk).name.startswith("tetouan")


@pytest.mark.parametrize(
    ("state", "visible"),
    [
        (Proposal.Publication.PENDING, False),
        (Proposal.Publication.AWAITING, False),
        (Proposal.Publication.HIDDEN, False),
        (Proposal.Publication.PUBLISHED, True),
    ],
)
def test_a_proposal_is_visible_only_once_published(state, visible):
    reason = {"hidden_reason": "Hors sujet"} if state == Proposal.Publication.HIDDEN else {}
    proposal = factories.OnlineProposalFactory(publication=state, **reason)
    assert _entry("proposal", proposal).visible is visible
    Proposal.objects.filter(pk=proposal.pk).update(publication=Proposal.Publication.PUBLISHED)
    assert _entry("proposal", proposal).visible is True


def test_a_comment_is_visible_only_published_and_under_a_published_comment():
    comment = _published_comment()
    reply = _published_comment(plan=comment.plan, parent=comment)
    pending = factories.CommentFactory(plan=comment.plan)
    assert _entry("comment", comment).visible and _entry("comment", reply).visible
    assert not _entry("comment", pending).visible
    # Hiding the comment hides its replies (the page shows them under it only).
    Comment.objects.filter(pk=comment.pk).update(state=Comment.State.HIDDEN, hidden_reason="x")
    assert not _entry("comment", comment).visible
    assert not _entry("comment", reply).visible
    Comment.objects.filter(pk=comment.pk).update(state=Comment.State.PUBLISHED)
    assert _entry("comment", reply).visible


def test_a_comment_is_found_by_its_text_only_not_its_page_title():
    commitment = factories.CommitmentFactory(title_fr="Transport scolaire")
    comment = _published_comment(plan=commitment.plan, commitment=commitment, body="Merci !")
    assert _entry("comment", comment).title_fr == "Transport scolaire"
    assert comment.pk not in _searched("comment", "scolaire")


def test_the_entries_that_show_another_row_follow_it():
    rows = _every_kind()
    Commitment.objects.filter(pk=rows["commitment"].pk).update(
        reference="NEW-1", title_fr="Eau potable"
    )
    assert _entry("milestone", rows["milestone"]).reference == "NEW-1"
    assert _entry("comment", rows["comment"]).title_fr == "Eau potable"
    day = datetime.date(2025, 5, 4)
    Workshop.objects.filter(pk=rows["workshop"].pk).update(starts_on=day)
    assert _entry("working_group", rows["working_group"]).date == day
    other = factories.CouncilFactory()
    ActionPlan.objects.filter(pk=rows["plan"].pk).update(council=other)
    Workshop.objects.filter(pk=rows["workshop"].pk).update(council=other)
    for kind in ("plan", "commitment", "milestone", "comment", "workshop", "working_group"):
        assert _entry(kind, rows[kind]).council_id == other.pk, kind


def test_a_write_that_changes_no_searched_column_reindexes_nothing():
    proposal = factories.ProposalFactory()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE sitesearch_searchentry SET title_fr = 'stale' WHERE kind = 'proposal' "
            "AND object_id = %s",
            [proposal.pk],
        )
    Proposal.objects.filter(pk=proposal.pk).update(support_count=7)
    assert _entry("proposal", proposal).title_fr == "stale"


def test_rebuild_search_index_rebuilds_every_entry_and_counts_them(capsys):
    rows = _every_kind()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM sitesearch_searchentry WHERE kind = 'plan'")
        cursor.execute("UPDATE sitesearch_searchentry SET title_fr = 'stale'")
    call_command("rebuild_search_index")
    output = capsys.readouterr().out
    assert "plan: 1\n" in output and "comment: 2\n" in output and "entries in" in output
    assert _entry("plan", rows["plan"]).title_fr == rows["plan"].title_fr
    assert _searched("milestone", "portail") == [rows["milestone"].pk]
    names = {index.name for index in SearchEntry._meta.indexes}
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s", [indexing.TABLE])
        assert names <= {row[0] for row in cursor.fetchall()}


def test_the_index_is_not_exported_but_made_again_by_a_restore_of_its_sources():
    from opengov.management.commands.export_dataset import dataset_models

    assert SearchEntry not in dataset_models()
    council = factories.CouncilFactory(name_fr="Ouazzane")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM sitesearch_searchentry")
        # What restore_dataset does: COPY of the source rows with their keys.
        cursor.execute(
            "CREATE TEMP TABLE saved ON COMMIT DROP AS SELECT * FROM consultations_council"
        )
        cursor.execute("DELETE FROM consultations_council WHERE id = %s", [council.pk])
        cursor.execute("INSERT INTO consultations_council SELECT * FROM saved")
    assert _searched("council", "Ouazzane") == [council.pk]
