"""bench/live.py on a tiny database: every page type is read, every kind of write is made through
the services and checked on its council's page, none is stale; and the check does catch a page
that did not change."""

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import timezone

from bench import live
from commitments.models import Comment, Milestone, MilestoneUpdate
from consultations.models import ActionPlan, Proposal
from tests import factories
from tests.support.processes import test_database_url

ROOT = Path(__file__).resolve().parents[2]


def tiny_network() -> None:
    """One council implementing its plan (milestones to update, a workshop whose working group
    takes proposals) and one whose plan is adopted (comments on commitments, a stage change)."""
    implementing = factories.ActionPlanFactory(stage=ActionPlan.Stage.IMPLEMENTATION)
    group = factories.WorkingGroupFactory(
        workshop__council=implementing.council, workshop__plan=implementing
    )
    for n in range(3):
        factories.ProposalFactory(
            working_group=group, title_ar=f"نشر محاضر الدورات {n}", title_fr=f"Publier {n}"
        )
    commitment = factories.CommitmentFactory(plan=implementing)
    factories.MilestoneFactory(commitment=commitment)
    factories.CommentFactory(
        plan=implementing,
        commitment=commitment,
        phase=Comment.Phase.IMPLEMENTATION,
        state=Comment.State.PUBLISHED,
        published_at=timezone.now(),
    )
    adopted = factories.ActionPlanFactory(
        stage=ActionPlan.Stage.ADOPTED,
        consultation_opens_on=datetime.date(2024, 1, 1),
        consultation_closes_on=datetime.date(2024, 2, 1),
    )
    factories.CommitmentFactory(plan=adopted)


@pytest.mark.real_services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_live_reads_every_page_type_and_finds_no_stale_council_page(tmp_path):
    tiny_network()
    report = tmp_path / "live.json"
    done = subprocess.run(
        [
            sys.executable,
            "bench/live.py",
            "--database-url",
            test_database_url(),
            "--redis-url",
            os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/10"),
            # The first plan stage change comes 5 s in.
            "--duration",
            "7",
            "--clients",
            "4",
            "--per-type",
            "3",
            "--workers",
            "1",
            "--threads",
            "4",
            "--no-collectstatic",
            "--json",
            str(report),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    figures = json.loads(report.read_text())

    pages = {row["page"]: row for row in figures["pages"]}
    assert list(pages) == list(live.WEIGHTS)
    assert [page for page, row in pages.items() if not row["requests"]] == []
    assert [page for page, row in pages.items() if row["5xx"] or row["socket_errors"]] == []
    assert {language for row in pages.values() for language in row["languages"]} >= {"ar", "fr"}
    # The cached pages say how they were answered; the floor and the open-data page are not cached.
    cached = [page for page in pages if page not in ("floor", "opendata")]
    assert [page for page in cached if "-" in pages[page]["x_cache"]] == []

    writes = {row["write"]: row for row in figures["writes"]}
    assert {kind: row["committed"] for kind, row in writes.items()} == {
        kind: row["attempted"] for kind, row in writes.items()
    }
    assert all(writes[kind]["committed"] > 0 for kind in ("proposal", "comment", "milestone"))
    assert writes["stage"]["committed"] == 1
    assert figures["stale"] == 0
    assert [row["write"] for row in writes.values() if row["vacuous"] or row["check_errors"]] == []
    # The writes went through the services: their rows are there.
    assert Proposal.objects.filter(title_fr__startswith="Proposition du banc d'essai").exists()
    assert Comment.objects.published().filter(body__contains=live.MARKER_PREFIX).exists()
    assert MilestoneUpdate.objects.filter(status=Milestone.Status.IN_PROGRESS).exists()
    assert ActionPlan.objects.filter(stage=ActionPlan.Stage.ADOPTED).count() == 0


@pytest.mark.django_db
def test_live_check_counts_a_page_that_did_not_change_as_stale(monkeypatch):
    """A page served as it was before the write (what a stale cache entry gives) is counted."""
    plan = factories.ActionPlanFactory(stage=ActionPlan.Stage.IMPLEMENTATION)
    factories.MilestoneFactory(commitment=factories.CommitmentFactory(plan=plan))
    writers = live.Writers(port=1, seed=1)
    frozen = b"<html>the page before the write</html>"
    monkeypatch.setattr(writers, "_page", lambda path, language: (200, "hit", frozen, 0.01))

    check = writers.write("milestone", "ar")

    assert check.refused == ""
    assert (check.visible_before, check.visible) == (False, False)
    assert live.check_summary([check])[2] | {"check_p50_ms": 0, "check_p95_ms": 0} == {
        "write": "milestone",
        "attempted": 1,
        "committed": 1,
        "refused": 0,
        "councils": 1,
        "stale": 1,
        "check_errors": 0,
        "vacuous": 0,
        "check_p50_ms": 0,
        "check_p95_ms": 0,
        "x_cache": {"hit": 1},
    }
