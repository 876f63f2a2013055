"""`generate_scale`: national-scale generated data that is valid, bilingual, reproducible, fast to
load, and that refuses to mix itself with existing data unless told to."""

import datetime
import re
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import translation

from commitments.models import (
    Comment,
    Commitment,
    Indicator,
    IndicatorValue,
    Milestone,
    MilestoneUpdate,
    PlanCounters,
)
from commitments.selectors import plan_readiness
from consultations.models import (
    ActionPlan,
    Council,
    PlanStageChange,
    Proposal,
    ProposalSupport,
    Theme,
    WorkingGroup,
    Workshop,
)
from devdata import scale
from opengov import dataversion
from opengov.years import isolate_in_html
from tests.factories import CouncilFactory

pytestmark = pytest.mark.django_db

BASE = "2026-11-01"
ARABIC = re.compile(r"[\u0600-\u06FF]")
LATIN = re.compile(r"[A-Za-z]")
MODELS = [
    Council,
    Theme,
    ActionPlan,
    PlanStageChange,
    Workshop,
    WorkingGroup,
    Proposal,
    ProposalSupport,
    Commitment,
    Milestone,
    MilestoneUpdate,
    Indicator,
    IndicatorValue,
    Comment,
]


def generate(*args: str) -> str:
    out = StringIO()
    call_command("generate_scale", f"--base-date={BASE}", *args, stdout=out)
    return out.getvalue()


def _digest() -> dict[str, str]:
    """A checksum of every row (ids included) of every generated table."""
    tables = [m._meta.db_table for m in MODELS] + [
        Commitment.source_proposals.through._meta.db_table
    ]
    digests = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) "  # noqa: S608
                f"FROM {table} t"
            )
            digests[table] = cursor.fetchone()
    return digests


def _schema() -> list[tuple]:
    """Indexes and constraints of the generated tables, as PostgreSQL reports them."""
    tables = [m._meta.db_table for m in scale.GENERATED_MODELS]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid::regclass::text = ANY(%s) "
            "UNION ALL SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid::regclass::text = ANY(%s) ORDER BY 1, 2",
            [tables, tables],
        )
        return cursor.fetchall()


@pytest.fixture(scope="class")
def five_councils(django_db_setup, django_db_blocker):
    """Five councils (the default proposal volume, fewer comments), generated once and
    committed for the read-only tests of the class, and removed after them."""
    with django_db_blocker.unblock():
        output = generate("--councils=5", "--seed=3", "--comments-per-council=400", "--flush")
        yield output
        scale.flush()


@pytest.mark.usefixtures("five_councils")
class TestFiveCouncils:
    def test_five_councils_have_the_expected_shape(self, five_councils):
        councils = Council.objects.all()
        assert Counter(councils.values_list("kind", flat=True)) == {
            "region": 1,
            "prefecture_province": 1,
            "commune": 3,
        }
        region = councils.get(kind="region")
        assert all(c.parent_id == region.pk for c in councils.exclude(kind="region"))
        for council in councils.annotate(n=Count("plans")):
            assert council.n == 1
            proposals = Proposal.objects.filter(council=council, consent_at__isnull=True).count()
            assert 100 <= proposals <= 800, (council.kind, proposals)
        for plan in ActionPlan.objects.annotate(
            n_commitments=Count("commitments", distinct=True),
            n_workshops=Count("workshops", distinct=True),
        ):
            assert 10 <= plan.n_commitments <= 30
            assert 3 <= plan.n_workshops <= 6
        assert all(4 <= w.n <= 5 for w in Workshop.objects.annotate(n=Count("groups")))
        assert all(3 <= c.n <= 5 for c in Commitment.objects.annotate(n=Count("milestones")))
        assert all(1 <= c.n <= 3 for c in Commitment.objects.annotate(n=Count("indicators")))
        # Averages near the options (300 proposals and 400 comments per council).
        assert 5 * 150 <= Proposal.objects.filter(consent_at__isnull=True).count() <= 5 * 450
        assert 5 * 150 <= Comment.objects.count() <= 5 * 800
        assert "consultations_proposal" in five_councils and "Generated 5 councils" in five_councils

    def test_the_plans_commitment_and_milestone_totals_are_counted_after_the_copy(self):
        plans = ActionPlan.objects.all()
        assert PlanCounters.objects.count() == plans.count() == 5
        for plan in plans:
            counts = Milestone.objects.filter(commitment__plan=plan).counts()
            row = PlanCounters.objects.get(plan=plan)
            assert (row.commitments, row.milestones, row.milestones_done) == (
                plan.commitments.count(),
                counts.total,
                counts.done,
            )
            assert row.milestones_overdue == counts.overdue and row.commitments >= 10

    def test_proposals_are_sources_of_commitments_with_reasoned_responses(self):
        retained = Proposal.objects.filter(status=Proposal.Status.RETAINED)
        merged = Proposal.objects.filter(status=Proposal.Status.MERGED)
        assert retained.exists() and merged.exists()
        for proposal in retained.annotate(n=Count("commitments")):
            assert proposal.n == 1
            assert proposal.commitments.get().source_proposals.count() == 1
            assert proposal.commitments.get().reference in proposal.response_fr
        for proposal in merged[:50]:
            assert proposal.commitments.get().source_proposals.count() >= 2
        assert not Proposal.objects.filter(
            status__in=["received"], commitments__isnull=False
        ).exists()
        for plan in ActionPlan.objects.exclude(stage__in=["preparation", "consultation"]):
            assert not Proposal.objects.filter(plan=plan).unanswered().exists()
            # Plans past their consultation pass the adoption checklist.
            assert [p for item in plan_readiness(plan) for p in item.problems] == []
        online = Proposal.objects.filter(workshop__isnull=True)
        assert online.exists() and all(p.plan_id for p in online[:20])

    def test_online_proposals_are_sent_in_their_plans_window_in_one_language(self):
        online = Proposal.objects.filter(consent_at__isnull=False)
        assert 5 * 20 <= online.count() <= 5 * 300
        assert not online.filter(workshop__isnull=False).exists()
        publications = Counter(online.values_list("publication", flat=True))
        assert publications["published"] > 0.75 * online.count()
        assert publications["hidden"] > 0 and publications["awaiting"] > 0
        assert not online.filter(publication="hidden", hidden_reason="").exists()
        plans = ActionPlan.objects.filter(proposals__consent_at__isnull=False).distinct()
        assert set(plans.values_list("stage", flat=True)) <= {
            "preparation",
            "consultation",
            "adopted",
        }
        for plan in plans:
            sent = online.filter(plan=plan)
            assert not sent.filter(created_at__date__lt=plan.proposals_opens_on).exists()
            assert not sent.filter(created_at__date__gt=plan.proposals_closes_on).exists()
            assert plan.proposal_count == plan.proposals.filter(publication="published").count()
        assert ActionPlan.objects.open_for_proposals(on=datetime.date.fromisoformat(BASE))
        assert Counter(online.values_list("language", flat=True)).keys() == {"ar", "fr"}
        for proposal in online.order_by("?")[:30]:
            own, other = ("ar", "fr") if proposal.language == "ar" else ("fr", "ar")
            assert getattr(proposal, f"title_{own}") and getattr(proposal, f"body_{own}")
            assert not getattr(proposal, f"title_{other}") and proposal.email
            assert (ARABIC if own == "ar" else LATIN).search(getattr(proposal, f"title_{own}"))
        assert online.exclude(submitted_by="").exists() and online.exclude(residence="").exists()
        # Duplicates point to a proposal of the same plan that is itself kept.
        duplicates = online.filter(duplicate_of__isnull=False)
        assert duplicates.exists()
        assert not duplicates.exclude(duplicate_of__plan=F("plan")).exists()
        assert not duplicates.filter(duplicate_of__duplicate_of__isnull=False).exists()
        assert not duplicates.filter(duplicate_of__publication__in=["pending", "hidden"]).exists()

    def test_supports_are_confirmed_once_per_mailbox_and_counted(self):
        supports = ProposalSupport.objects.all()
        online = Proposal.objects.filter(consent_at__isnull=False)
        assert supports.count() > online.count()
        assert set(supports.values_list("state", flat=True)) == {"confirmed"}
        assert not supports.exclude(email="").exists()
        assert all(
            re.fullmatch(r"[0-9a-f]{64}", m)
            for m in supports.values_list("mailbox", flat=True)[:500]
        )
        pairs = supports.values("proposal", "mailbox").distinct().count()
        assert pairs == supports.count()
        # The same people support several proposals.
        assert supports.values("mailbox").distinct().count() < supports.count()
        # Only published proposals that are not merged gather supports, after publication.
        assert not supports.exclude(proposal__publication="published").exists()
        assert not supports.filter(proposal__duplicate_of__isnull=False).exists()
        assert not supports.filter(created_at__lt=F("proposal__published_at")).exists()
        assert not supports.filter(confirmed_at__lt=F("created_at")).exists()
        counted = Proposal.objects.annotate(
            n=Count("supports", filter=Q(supports__state="confirmed"))
        )
        assert not counted.exclude(support_count=F("n")).exists()
        assert counted.filter(n__gt=0).exists()
        # Skewed: most proposals have few, the most supported many times the median.
        counts = sorted(
            online.filter(publication="published").values_list("support_count", flat=True)
        )
        median = counts[len(counts) // 2]
        assert median <= 5 and counts[-1] >= 20 * max(1, median)

    def test_comments_mix_states_replies_and_official_replies(self):
        states = Counter(Comment.objects.values_list("state", flat=True))
        assert states["published"] > 0.7 * sum(states.values())
        assert states["pending"] > 0 and states["hidden"] > 0
        assert Comment.objects.filter(parent__isnull=False).exists()
        assert Comment.objects.exclude(official_reply="").exists()
        assert (
            not Comment.objects.filter(parent__isnull=False)
            .exclude(parent__state="published")
            .exists()
        )
        assert not Comment.objects.filter(plan__stage="preparation").exists()
        assert Counter(Comment.objects.values_list("language", flat=True)).keys() == {"ar", "fr"}

    def test_translated_fields_are_filled_in_both_languages(self):
        checks = {
            Council: ["name"],
            ActionPlan: ["title", "introduction"],
            Workshop: ["title", "venue", "city", "chaired_by", "summary"],
            WorkingGroup: ["title"],
            Proposal: ["title", "body"],
            Commitment: ["title", "problem", "status_quo", "description", "lead_agency"],
            Milestone: ["title", "deliverable"],
            Indicator: ["name", "unit", "source"],
            Theme: ["name"],
        }
        for model, fields in checks.items():
            rows = model.objects.all()
            if model is Proposal:  # those sent online are in their author's language only
                rows = rows.filter(consent_at__isnull=True)
            for name in fields:
                for lang in ("ar", "fr"):
                    empty = rows.filter(
                        Q(**{f"{name}_{lang}__isnull": True}) | Q(**{f"{name}_{lang}": ""})
                    )
                    assert not empty.exists(), f"{model.__name__}.{name}_{lang}"
                sample = rows.order_by("?").first()
                assert ARABIC.search(getattr(sample, f"{name}_ar")), (model, name)
                assert LATIN.search(getattr(sample, f"{name}_fr")), (model, name)
        # Answers, when given, come in both languages too.
        answered = Proposal.objects.exclude(response_ar__isnull=True).exclude(response_ar="")
        assert answered.exists()
        assert not answered.filter(Q(response_fr__isnull=True) | Q(response_fr="")).exists()
        # No translated field filled in one language only (the readiness check's rule).
        for plan in ActionPlan.objects.all():
            assert plan.missing_translations() == []
        for commitment in Commitment.objects.prefetch_related("milestones", "indicators")[:40]:
            assert commitment.missing_translations() == []
            for obj in [*commitment.milestones.all(), *commitment.indicators.all()]:
                assert obj.missing_translations() == []

    def test_a_sample_of_every_model_passes_full_clean(self):
        for model in MODELS:
            objects = list(model.objects.order_by("?")[:10])
            assert objects, model.__name__
            for obj in objects:
                obj.full_clean()

    def test_one_commitment_in_four_is_dated_in_months_as_months_are_stored(self):
        in_months = Commitment.objects.filter(end_date_precision="month")
        assert 0.15 <= in_months.count() / Commitment.objects.count() <= 0.35
        for commitment in in_months[:20]:
            stored = (commitment.start_date, commitment.end_date)
            assert commitment.start_date_precision == "month" and stored[0].day == 1
            assert (stored[1] + datetime.timedelta(days=1)).day == 1
            commitment.full_clean()  # normalises: nothing to change
            assert (commitment.start_date, commitment.end_date) == stored

    def test_public_pages_answer_on_generated_data_in_both_languages(self, client):
        plan = ActionPlan.objects.public().select_related("council").first()
        assert plan is not None
        commitment = plan.commitments.order_by("position").first()
        workshop = Workshop.objects.public().filter(plan=plan).first()
        for lang in ("ar", "fr"):
            with translation.override(lang):
                pages = {
                    reverse("consultations:council", args=[plan.council.slug]): plan.council.name,
                    plan.get_absolute_url(): plan.title,
                    commitment.get_absolute_url(): commitment.title,
                    reverse("consultations:workshop", args=[workshop.pk]): workshop.title,
                    reverse("consultations:proposals"): None,
                    reverse("consultations:proposals") + "?page=3": None,
                }
                for url, text in pages.items():
                    response = client.get(url)
                    assert response.status_code == 200, url
                    if text:
                        # Titles are shown with their periods of years isolated (opengov.years).
                        assert isolate_in_html(text) in response.content.decode(), (lang, url)
        # A plan in preparation is public from the day its proposals window opens.
        for plan in ActionPlan.objects.filter(stage="preparation").select_related("council"):
            expected = 200 if plan.is_public else 404
            assert client.get(plan.get_absolute_url()).status_code == expected


def test_same_seed_gives_identical_data_and_another_seed_different_data():
    small = ["--councils=3", "--proposals-per-council=40", "--comments-per-council=120"]
    generate(*small, "--seed=7", "--flush")
    first = _digest()
    generate(*small, "--seed=7", "--flush")
    assert _digest() == first
    generate(*small, "--seed=8", "--flush")
    other = _digest()
    assert other != first
    differing = [table for table in first if first[table] != other[table]]
    assert "consultations_proposal" in differing and "commitments_comment" in differing


def test_batching_does_not_change_the_data():
    small = ["--councils=4", "--proposals-per-council=30", "--comments-per-council=60"]
    generate(*small, "--flush", "--batch=1")
    one_by_one = _digest()
    generate(*small, "--flush", "--batch=50")
    assert _digest() == one_by_one


def test_refuses_a_database_with_data_and_changes_nothing():
    CouncilFactory(slug="tanger-tetouan-al-hoceima", code="TTA")
    with pytest.raises(CommandError, match=r"--append .* --flush"):
        generate("--councils=2")
    assert Council.objects.count() == 1
    assert not ActionPlan.objects.exists()


def test_append_keeps_existing_data_and_avoids_its_slugs_and_codes():
    existing = CouncilFactory(slug="tanger-tetouan-al-hoceima", code="TTA")
    generate("--councils=2", "--append", "--proposals-per-council=20", "--comments-per-council=20")
    assert Council.objects.count() == 3
    assert Council.objects.filter(pk=existing.pk, slug="tanger-tetouan-al-hoceima").exists()
    region = Council.objects.exclude(pk=existing.pk).get(kind="region")
    assert region.slug != existing.slug and region.code != "TTA"
    # New rows get new ids after the existing ones, and the sequences follow.
    later = CouncilFactory()
    assert later.pk > max(Council.objects.exclude(pk=later.pk).values_list("pk", flat=True))


def test_flush_replaces_existing_data():
    CouncilFactory(slug="somewhere", code="SOM9")
    generate("--councils=2", "--flush", "--proposals-per-council=20", "--comments-per-council=20")
    assert not Council.objects.filter(slug="somewhere").exists()
    assert Council.objects.count() == 2


def test_flush_keeps_the_goals_a_migration_seeded():
    from commitments.models import SDG_COUNT, SustainableDevelopmentGoal
    from tests.factories import seed_goals

    seed_goals()
    generate("--councils=1", "--flush", "--proposals-per-council=5", "--comments-per-council=5")
    assert SustainableDevelopmentGoal.objects.count() == SDG_COUNT
    # The goals are not "existing data": a plain run (no --flush, no --append) is accepted.
    scale.flush()
    generate("--councils=1", "--proposals-per-council=5", "--comments-per-council=5")
    assert SustainableDevelopmentGoal.objects.count() == SDG_COUNT


def test_fresh_load_puts_back_every_index_and_constraint():
    before = _schema()
    generate("--councils=2", "--proposals-per-council=20", "--comments-per-council=40")
    assert _schema() == before
    assert any("FOREIGN KEY" in definition for _name, definition in before)


def test_generation_bumps_the_data_version():
    before = dataversion.bump()
    generate("--councils=1", "--proposals-per-council=10", "--comments-per-council=10")
    assert dataversion.data_version() != before


def test_refuses_a_base_date_in_the_future():
    future = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    with pytest.raises(CommandError, match="future"):
        call_command("generate_scale", "--councils=1", f"--base-date={future}", stdout=StringIO())
    assert not Council.objects.exists()


def test_national_mix_of_councils():
    specs = scale.choose_councils(scale.NATIONAL_COUNCILS, scale.Random("1:national"))
    kinds = Counter(spec.kind for spec in specs)
    assert kinds == {"region": 12, "prefecture_province": 75, "commune": 1503}
    assert len({(spec.region, spec.name) for spec in specs}) == scale.NATIONAL_COUNCILS
    for count in (1, 2, 3, 40, 400, 1600):
        chosen = scale.choose_councils(count, scale.Random("1:national"))
        regions = {spec.region for spec in chosen if spec.kind == "region"}
        assert len(chosen) == count
        assert all(spec.region in regions for spec in chosen)


def test_earlier_plans_are_closed_predecessors():
    generate(
        "--councils=2",
        "--plans-per-council=3",
        "--proposals-per-council=30",
        "--comments-per-council=30",
    )
    for council in Council.objects.all():
        plans = list(council.plans.order_by("start_year"))
        assert len(plans) == 3
        assert [p.stage for p in plans[:2]] == ["closed", "closed"]
        assert plans[0].predecessor is None
        assert plans[1].predecessor == plans[0] and plans[2].predecessor == plans[1]
        assert plans[0].end_year < plans[1].start_year and plans[1].end_year < plans[2].start_year
        for plan in plans:
            plan.full_clean()


def test_small_run_of_online_proposals_and_supports_and_the_recount():
    generate(
        "--councils=2",
        "--flush",
        "--proposals-per-council=10",
        "--comments-per-council=10",
        "--online-proposals-per-council=30",
        "--supports-per-proposal=25",
    )
    online = Proposal.objects.filter(consent_at__isnull=False, workshop__isnull=True)
    supports = ProposalSupport.objects.all()
    assert online.exists() and supports.count() > online.count()
    total = sum(online.values_list("support_count", flat=True))
    assert total == supports.filter(state="confirmed").count()
    # A unique (proposal, mailbox) pair per row, as the constraint demands.
    assert supports.values("proposal", "mailbox").distinct().count() == supports.count()
    # `refresh_counters` puts back counts that drifted, and only those.
    first, second = online.filter(support_count__gt=0).order_by("pk")[:2]
    expected = {first.pk: first.support_count, second.pk: second.support_count}
    Proposal.objects.filter(pk=first.pk).update(support_count=first.support_count + 7)
    unsupported = online.filter(support_count=0).first()
    Proposal.objects.filter(pk=unsupported.pk).update(support_count=3)
    out = StringIO()
    call_command("refresh_counters", stdout=out)
    assert "2 support counts corrected" in out.getvalue()
    expected[unsupported.pk] = 0
    assert dict(Proposal.objects.filter(pk__in=expected).values_list("pk", "support_count")) == (
        expected
    )


def test_no_online_proposals_leaves_the_plans_without_a_window():
    generate(
        "--councils=3",
        "--flush",
        "--proposals-per-council=10",
        "--comments-per-council=10",
        "--online-proposals-per-council=0",
    )
    assert not Proposal.objects.filter(consent_at__isnull=False).exists()
    assert not ProposalSupport.objects.exists()
    assert not ActionPlan.objects.filter(proposals_opens_on__isnull=False).exists()
