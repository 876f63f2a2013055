"""The moderation of proposals sent online (commitments/proposing/moderation.py): publishing,
hiding with a reason, merging a duplicate (supports and followers moved, without doubles),
attaching to a working group's theme, and what each tells the proposal's followers."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext

from commitments import services as plan_services
from commitments.comments.services import mailbox_key
from commitments.models import Follow, FollowEvent
from commitments.proposing import moderation
from consultations.models import ActionPlan, Proposal, ProposalSupport
from opengov import dataversion
from tests import factories

pytestmark = pytest.mark.django_db
Kind = FollowEvent.Kind
Publication = Proposal.Publication


def online(plan, **fields):
    """A proposal sent online to `plan`, confirmed by its author and waiting for a moderator."""
    now = timezone.now()
    values = {
        "working_group": None,
        "workshop": None,
        "plan": plan,
        "council": plan.council,
        "email": "auteure@example.org",
        "language": "fr",
        "residence": "Tétouan",
        "consent_at": now,
        "confirmed_at": now,
        "publication": Publication.AWAITING,
        **fields,
    }
    return factories.ProposalFactory(**values)


def subscriber(email, language="fr"):
    return factories.SubscriberFactory(email=email, mailbox=mailbox_key(email), language=language)


def follow(proposal, email, **fields):
    return factories.FollowFactory(
        subscriber=subscriber(email), plan=None, proposal=proposal, **fields
    )


def support(proposal, mailbox, **fields):
    return factories.ProposalSupportFactory(proposal=proposal, mailbox=mailbox, **fields)


def in_french(message):
    with translation.override("fr"):
        return gettext(message)


@pytest.fixture
def plan(db):
    today = timezone.localdate()
    return factories.ActionPlanFactory(
        stage=ActionPlan.Stage.PREPARATION,
        proposals_opens_on=today - datetime.timedelta(days=5),
        proposals_closes_on=today + datetime.timedelta(days=25),
    )


@pytest.fixture
def happen(django_capture_on_commit_callbacks):
    """Run a change and what its commit queues (fan-out, then delivery: eager tasks)."""

    def run(change):
        with django_capture_on_commit_callbacks(execute=True):
            return change()

    return run


def recipients(mailoutbox):
    return sorted(address for message in mailoutbox for address in message.to)


# --- publish ---------------------------------------------------------------------------------


def test_publish_makes_an_awaiting_proposal_public_and_tells_its_author_once(
    plan, superuser, happen, mailoutbox
):
    proposal = online(plan)
    follow(proposal, "auteure@example.org", source=Follow.Source.PROPOSAL)

    happen(lambda: moderation.proposal_publish(proposal=proposal, by=superuser))

    proposal.refresh_from_db()
    assert proposal.publication == Publication.PUBLISHED
    assert proposal.published_at is not None and proposal.moderated_by == superuser
    assert Proposal.objects.public().filter(pk=proposal.pk).exists()
    assert recipients(mailoutbox) == ["auteure@example.org"]
    with translation.override("fr"):
        assert mailoutbox[0].subject.startswith(
            gettext("Your proposal “%(about)s” was published") % {"about": proposal.title}
        )

    first_published = proposal.published_at
    moderation.proposal_hide(proposal=proposal, reason="Hors sujet", by=superuser)
    happen(lambda: moderation.proposal_publish(proposal=proposal, by=superuser))
    proposal.refresh_from_db()
    assert proposal.published_at == first_published and proposal.hidden_reason == ""
    assert FollowEvent.objects.filter(kind=Kind.PROPOSAL_PUBLISHED).count() == 1


def test_publish_refuses_a_proposal_its_author_has_not_confirmed(plan, superuser):
    proposal = online(plan, publication=Publication.PENDING, confirmed_at=None)
    with pytest.raises(ValidationError) as refused, translation.override("fr"):
        moderation.proposal_publish(proposal=proposal, by=superuser)
    assert refused.value.messages == [in_french("Its author has not confirmed this proposal yet.")]
    proposal.refresh_from_db()
    assert proposal.publication == Publication.PENDING
    assert not FollowEvent.objects.exists()


def test_moderation_refuses_proposals_of_a_closed_plan(plan, superuser):
    proposal = online(plan)
    ActionPlan.objects.filter(pk=plan.pk).update(stage=ActionPlan.Stage.CLOSED)
    proposal.refresh_from_db()
    with pytest.raises(ValidationError):
        moderation.proposal_publish(proposal=proposal, by=superuser)
    with pytest.raises(ValidationError):
        moderation.proposal_hide(proposal=proposal, reason="Spam", by=superuser)
    assert Proposal.objects.get(pk=proposal.pk).publication == Publication.AWAITING


# --- hide ------------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   ", "\u200b\u202e"])
def test_hide_needs_a_reason(plan, superuser, reason):
    proposal = online(plan)
    with pytest.raises(ValidationError) as refused, translation.override("fr"):
        moderation.proposal_hide(proposal=proposal, reason=reason, by=superuser)
    assert refused.value.message_dict == {
        "hidden_reason": [in_french("Say why the proposal is hidden.")]
    }
    assert Proposal.objects.get(pk=proposal.pk).publication == Publication.AWAITING


def test_a_hidden_proposal_is_told_only_to_its_author_with_the_reason(
    plan, superuser, happen, mailoutbox
):
    proposal = online(plan, publication=Publication.PUBLISHED, email="Auteure+idees@Example.org")
    follow(proposal, "auteure@example.org", source=Follow.Source.PROPOSAL)
    follow(proposal, "lecteur@example.org")

    happen(
        lambda: moderation.proposal_hide(
            proposal=proposal, reason="Données personnelles\u202e", by=superuser
        )
    )

    proposal.refresh_from_db()
    assert (proposal.publication, proposal.hidden_reason) == (
        Publication.HIDDEN,
        "Données personnelles",
    )
    assert not Proposal.objects.public().filter(pk=proposal.pk).exists()
    assert recipients(mailoutbox) == ["auteure@example.org"]
    assert "Données personnelles" in mailoutbox[0].body
    event = FollowEvent.objects.get(kind=Kind.PROPOSAL_HIDDEN)
    assert event.data == {"reason": "Données personnelles"}


def test_hiding_a_proposal_sent_by_nobody_online_tells_nobody(plan, superuser, happen, mailoutbox):
    group = factories.WorkingGroupFactory(workshop__plan=plan, workshop__council=plan.council)
    proposal = factories.ProposalFactory(working_group=group)
    follow(proposal, "lecteur@example.org")
    happen(lambda: moderation.proposal_hide(proposal=proposal, reason="Doublon", by=superuser))
    assert mailoutbox == []
    assert FollowEvent.objects.get(kind=Kind.PROPOSAL_HIDDEN).recipients == 0


# --- merge -----------------------------------------------------------------------------------


@pytest.fixture
def pair(plan):
    kept = online(plan, publication=Publication.PUBLISHED, title_fr="Budget participatif")
    duplicate = online(plan, publication=Publication.PUBLISHED, title_fr="Un budget participatif")
    return duplicate, kept


def test_merge_moves_the_supports_without_counting_a_mailbox_twice(pair, superuser):
    duplicate, kept = pair
    support(kept, "a" * 64)
    support(kept, "b" * 64)
    support(duplicate, "b" * 64)  # supports both: stays on the duplicate, counted once on kept
    support(duplicate, "c" * 64)
    support(duplicate, "d" * 64, state=ProposalSupport.State.PENDING, email="d@example.org")
    Proposal.objects.filter(pk=kept.pk).update(support_count=2)
    Proposal.objects.filter(pk=duplicate.pk).update(support_count=2)

    moderation.proposal_merge(duplicate=duplicate, kept=kept, by=superuser)

    duplicate.refresh_from_db()
    kept.refresh_from_db()
    assert duplicate.duplicate_of == kept
    assert sorted(kept.supports.values_list("mailbox", flat=True)) == [m * 64 for m in "abcd"]
    assert list(duplicate.supports.values_list("mailbox", flat=True)) == ["b" * 64]
    assert (kept.support_count, duplicate.support_count) == (3, 1)


def test_merge_copies_the_active_followers_who_do_not_follow_the_kept_proposal(pair, superuser):
    duplicate, kept = pair
    both = subscriber("both@example.org")
    factories.FollowFactory(subscriber=both, plan=None, proposal=kept)
    factories.FollowFactory(
        subscriber=both, plan=None, proposal=duplicate, frequency=Follow.Frequency.WEEKLY
    )
    stopped = subscriber("stopped@example.org")
    factories.FollowFactory(subscriber=stopped, plan=None, proposal=kept, state=Follow.State.ENDED)
    factories.FollowFactory(subscriber=stopped, plan=None, proposal=duplicate)
    author = follow(
        duplicate,
        "auteure@example.org",
        source=Follow.Source.PROPOSAL,
        frequency=Follow.Frequency.WEEKLY,
    )
    pending = follow(duplicate, "pending@example.org", state=Follow.State.PENDING)

    moderation.proposal_merge(duplicate=duplicate, kept=kept, by=superuser)

    on_kept = {f.subscriber.email: f for f in Follow.objects.filter(proposal=kept)}
    assert sorted(on_kept) == ["auteure@example.org", "both@example.org", "stopped@example.org"]
    assert on_kept["both@example.org"].frequency == Follow.Frequency.IMMEDIATE
    assert on_kept["stopped@example.org"].state == Follow.State.ENDED
    copied = on_kept["auteure@example.org"]
    assert (copied.state, copied.frequency, copied.source, copied.subscriber) == (
        Follow.State.ACTIVE,
        Follow.Frequency.WEEKLY,
        Follow.Source.PROPOSAL,
        author.subscriber,
    )
    assert pending.subscriber.email not in on_kept
    # The duplicate's own follows stay: its followers are told of the merge.
    assert Follow.objects.filter(proposal=duplicate).count() == 4


def test_merge_repoints_earlier_duplicates_and_tells_the_followers_of_the_kept_one(
    pair, plan, superuser, happen, mailoutbox
):
    duplicate, kept = pair
    older = online(plan, publication=Publication.PUBLISHED)
    moderation.proposal_merge(duplicate=older, kept=duplicate, by=superuser)
    follow(duplicate, "lecteur@example.org")
    before = dataversion.data_version(plan.council.slug)

    happen(lambda: moderation.proposal_merge(duplicate=duplicate, kept=kept, by=superuser))

    assert Proposal.objects.get(pk=older.pk).duplicate_of_id == kept.pk
    assert dataversion.data_version(plan.council.slug) != before
    event = FollowEvent.objects.get(kind=Kind.PROPOSAL_DUPLICATE, proposal=duplicate)
    assert event.data["kept"] == kept.pk
    assert event.data["kept_title_fr"] == "Budget participatif"
    assert recipients(mailoutbox) == ["lecteur@example.org"]
    assert "Budget participatif" in mailoutbox[0].body
    # Merging again is no news.
    moderation.proposal_merge(duplicate=duplicate, kept=kept, by=superuser)
    assert FollowEvent.objects.filter(kind=Kind.PROPOSAL_DUPLICATE, proposal=duplicate).count() == 1


def test_merge_refusals(pair, plan, superuser):
    duplicate, kept = pair
    elsewhere = online(
        factories.ActionPlanFactory(council=plan.council, start_year=2027, end_year=2029),
        publication=Publication.PUBLISHED,
    )
    waiting = online(plan)
    cases = [
        (duplicate, duplicate, "A proposal cannot be merged with itself."),
        (duplicate, elsewhere, "Duplicates are merged within one plan."),
        (
            duplicate,
            waiting,
            "Publish the proposal kept first: its page is where the duplicate leads.",
        ),
    ]
    for dup, keep, message in cases:
        with pytest.raises(ValidationError) as refused, translation.override("fr"):
            moderation.proposal_merge(duplicate=dup, kept=keep, by=superuser)
        assert in_french(message) in refused.value.messages

    moderation.proposal_merge(duplicate=duplicate, kept=kept, by=superuser)
    third = online(plan, publication=Publication.PUBLISHED)
    with pytest.raises(ValidationError) as refused, translation.override("fr"):
        moderation.proposal_merge(duplicate=third, kept=duplicate, by=superuser)
    assert refused.value.messages == [
        in_french(
            "The proposal kept was itself merged with another: keep the one it was merged with."
        )
    ]
    with pytest.raises(ValidationError) as refused, translation.override("fr"):
        moderation.proposal_merge(duplicate=duplicate, kept=third, by=superuser)
    assert refused.value.messages == [
        in_french("This proposal was already merged with another one.")
    ]
    assert Proposal.objects.filter(duplicate_of__isnull=False).count() == 1
    assert FollowEvent.objects.filter(kind=Kind.PROPOSAL_DUPLICATE).count() == 1


# --- theme -----------------------------------------------------------------------------------


def test_set_theme_takes_the_theme_of_one_of_the_plans_working_groups(plan, superuser):
    group = factories.WorkingGroupFactory(
        workshop__plan=plan, workshop__council=plan.council, theme=factories.ThemeFactory()
    )
    other_theme = factories.ThemeFactory()
    proposal = online(plan)

    moderation.proposal_set_theme(proposal=proposal, theme=group.theme, by=superuser)
    proposal.refresh_from_db()
    assert proposal.theme == group.theme and proposal.is_online

    with pytest.raises(ValidationError) as refused, translation.override("fr"):
        moderation.proposal_set_theme(proposal=proposal, theme=other_theme, by=superuser)
    assert refused.value.message_dict == {
        "theme": [in_french("Choose the theme of one of this plan's working groups.")]
    }
    from_workshop = factories.ProposalFactory(working_group=group)
    with pytest.raises(ValidationError):
        moderation.proposal_set_theme(proposal=from_workshop, theme=group.theme, by=superuser)


# --- turned into a commitment ----------------------------------------------------------------


def test_the_author_hears_which_commitment_their_proposal_fed_with_the_response(
    superuser, happen, mailoutbox
):
    running = factories.ActionPlanFactory(stage=ActionPlan.Stage.IMPLEMENTATION)
    proposal = online(
        running,
        publication=Publication.PUBLISHED,
        response_fr="Repris dans l'engagement sur la transparence budgétaire.",
    )
    follow(proposal, "auteure@example.org", source=Follow.Source.PROPOSAL)

    commitment = happen(
        lambda: plan_services.commitment_create_from_proposals(
            plan=running,
            proposals=[proposal],
            by=superuser,
            reference="TST-2024-99",
            title_ar="الميزانية المفتوحة",
            title_fr="Budget ouvert",
        )
    )

    event = FollowEvent.objects.get(kind=Kind.PROPOSAL_COMMITMENT)
    assert (event.proposal, event.data["commitment"]) == (proposal, commitment.pk)
    assert event.data["status"] == Proposal.Status.RETAINED
    assert recipients(mailoutbox) == ["auteure@example.org"]
    body = mailoutbox[0].body
    assert "TST-2024-99" in body and "Budget ouvert" in body
    assert "Repris dans l'engagement sur la transparence budgétaire." in body
    assert commitment.get_absolute_url().split("/", 2)[2] in body

    # Attached to a second commitment later: a new event; the same one again: none.
    other = factories.CommitmentFactory(plan=running)
    plan_services.proposals_attach_to_commitment(
        commitment=other, proposals=[proposal], by=superuser
    )
    plan_services.proposals_attach_to_commitment(
        commitment=other, proposals=[proposal], by=superuser
    )
    assert FollowEvent.objects.filter(kind=Kind.PROPOSAL_COMMITMENT).count() == 2
