"""The citizens' writes of online proposals and supports: posting inside and outside the
window, confirming (published or waiting, the author then follows it), supports one per mailbox
however the address is written, the count and the erased address, refusals, the purge, and the
confirmation e-mails sent once, with the sweep for those that never went."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerDown

from commitments.models import Follow
from commitments.proposing import confirmation, services
from consultations.models import ActionPlan, Proposal, ProposalSupport
from tests import factories

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def committed(write, **values):
    """Run a service and then its on-commit callbacks (the mails are queued on commit), as the
    commit of a real request would."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return write(**values)


@pytest.fixture
def plan():
    today = timezone.localdate()
    return factories.ActionPlanFactory(
        stage=ActionPlan.Stage.PREPARATION,
        proposals_opens_on=today - DAY,
        proposals_closes_on=today + 10 * DAY,
    )


def post(plan, **over):
    values = {
        "kind": Proposal.Kind.PROBLEM,
        "theme": None,
        "title": "  Éclairage\u202e public ",
        "body": "Les rues du quartier sont sombres.",
        "organisation": "Association Nour",
        "residence": "Tétouan",
        "email": "Amal@Example.org",
        "language": "fr",
        "fingerprint": "f" * 64,
        **over,
    }
    return committed(services.proposal_post, plan=plan, **values)


# --- the window and the plan's public-ness --------------------------------------------------------


def test_a_plan_in_preparation_is_public_from_the_day_its_window_opens(plan):
    assert plan.is_public and ActionPlan.objects.public().filter(pk=plan.pk).exists()
    later = factories.ActionPlanFactory(
        stage=ActionPlan.Stage.PREPARATION,
        proposals_opens_on=timezone.localdate() + DAY,
        proposals_closes_on=timezone.localdate() + 5 * DAY,
    )
    assert not later.is_public
    assert not ActionPlan.objects.public().filter(pk=later.pk).exists()
    # Its rows follow the plan: a proposal of the open plan is readable, one of the other not.
    shown = factories.OnlineProposalFactory(plan=plan)
    hidden = factories.OnlineProposalFactory(plan=later)
    public = set(Proposal.objects.public().values_list("pk", flat=True))
    assert shown.pk in public and hidden.pk not in public
    # After the window closed, the plan stays public (its citizens' proposals keep their page).
    ActionPlan.objects.filter(pk=plan.pk).update(
        proposals_opens_on=timezone.localdate() - 30 * DAY,
        proposals_closes_on=timezone.localdate() - 20 * DAY,
    )
    plan.refresh_from_db()
    assert plan.is_public and not plan.is_open_for_proposals()


def test_both_window_dates_or_neither():
    plan = factories.ActionPlanFactory.build(proposals_opens_on=timezone.localdate())
    with pytest.raises(ValidationError) as refused:
        plan.full_clean(exclude=["council"])
    assert "proposals_closes_on" in refused.value.message_dict


# --- posting --------------------------------------------------------------------------------------


def test_a_proposal_is_saved_pending_cleaned_and_its_confirmation_mailed_once(plan):
    proposal = post(plan)
    proposal.refresh_from_db()
    assert proposal.publication == Proposal.Publication.PENDING
    assert proposal.is_online and proposal.council_id == plan.council_id
    assert proposal.title_fr == "Éclairage public", "cleaned: trimmed, no direction override"
    assert proposal.title_ar in (None, ""), "the other language stays empty"
    assert proposal.submitted_by == "Association Nour" and proposal.residence == "Tétouan"
    assert proposal.confirmation_sent_at is not None
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["Amal@Example.org"]
    token = confirmation.proposal_token(proposal)
    assert token in mail.outbox[0].body
    # Not on any public list while pending; not counted on the plan.
    assert not Proposal.objects.public().filter(pk=proposal.pk).exists()
    plan.refresh_from_db()
    assert plan.proposal_count == 0
    # The task run again sends nothing.
    assert confirmation.proposal_confirmation_send(proposal.pk) is False
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("opens", "closes", "stage"),
    [
        (1, 10, ActionPlan.Stage.PREPARATION),  # not open yet
        (-10, -1, ActionPlan.Stage.CONSULTATION),  # closed
        (None, None, ActionPlan.Stage.CONSULTATION),  # no window
    ],
)
def test_no_proposal_outside_the_window(opens, closes, stage):
    today = timezone.localdate()
    plan = factories.ActionPlanFactory(
        stage=stage,
        proposals_opens_on=None if opens is None else today + opens * DAY,
        proposals_closes_on=None if closes is None else today + closes * DAY,
    )
    with pytest.raises(ValidationError):
        post(plan)
    assert not Proposal.objects.exists() and not mail.outbox


def test_a_closed_plan_takes_no_proposal_even_inside_its_dates(plan):
    ActionPlan.objects.filter(pk=plan.pk).update(stage=ActionPlan.Stage.CLOSED)
    plan.refresh_from_db()
    with pytest.raises(ValidationError):
        post(plan)
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(
    "over",
    [{"title": " \u200b "}, {"body": ""}, {"kind": "vote"}, {"email": "not-an-address"}],
)
def test_invalid_fields_save_nothing(plan, over):
    with pytest.raises(ValidationError):
        post(plan, **over)
    assert not Proposal.objects.exists() and not mail.outbox


# --- confirming -----------------------------------------------------------------------------------


@pytest.mark.parametrize("moderated", [True, False])
def test_confirming_publishes_or_waits_and_the_author_follows_the_proposal(plan, moderated):
    ActionPlan.objects.filter(pk=plan.pk).update(proposals_need_moderation=moderated)
    proposal = post(plan, email="Reda+plan@Example.org", language="ar", title="إنارة")
    proposal = services.proposal_confirm(proposal=proposal)
    expected = Proposal.Publication.AWAITING if moderated else Proposal.Publication.PUBLISHED
    assert proposal.publication == expected and proposal.confirmed_at is not None
    assert (proposal.published_at is not None) is not moderated
    follow = Follow.objects.get()
    assert follow.proposal_id == proposal.pk and follow.state == Follow.State.ACTIVE
    assert follow.source == Follow.Source.PROPOSAL and follow.language == "ar"
    assert follow.subscriber.mailbox == "reda@example.org"
    plan.refresh_from_db()
    assert plan.proposal_count == (0 if moderated else 1)
    # Confirming again changes nothing.
    again = services.proposal_confirm(proposal=proposal)
    assert again.publication == expected and Follow.objects.count() == 1


def test_a_token_works_only_for_its_own_proposal_and_address(plan):
    proposal = post(plan)
    token = confirmation.proposal_token(proposal)
    assert confirmation.proposal_from_token(token) == proposal
    assert confirmation.proposal_from_token(token[:-2] + "xx") is None
    Proposal.objects.filter(pk=proposal.pk).update(email="other@example.org")
    assert confirmation.proposal_from_token(token) is None


# --- supports -------------------------------------------------------------------------------------


def support(proposal, email="salma@example.org", **over):
    values = {"language": "fr", "fingerprint": "c" * 64, **over}
    return committed(services.support_request, proposal=proposal, email=email, **values)


def test_a_support_is_counted_once_confirmed_and_its_address_erased(plan):
    proposal = factories.OnlineProposalFactory(plan=plan)
    first, created = support(proposal)
    assert created and first.state == ProposalSupport.State.PENDING
    assert first.email == "salma@example.org" and first.confirmation_sent_at is None
    first.refresh_from_db()
    assert first.confirmation_sent_at is not None and len(mail.outbox) == 1
    assert confirmation.support_token(first) in mail.outbox[0].body
    proposal.refresh_from_db()
    assert proposal.support_count == 0, "not counted before it is confirmed"

    confirmed = services.support_confirm(support=first)
    assert confirmed.state == ProposalSupport.State.CONFIRMED and confirmed.email == ""
    proposal.refresh_from_db()
    assert proposal.support_count == 1
    assert "salma@example.org" not in str(ProposalSupport.objects.values_list())
    # Confirming again changes nothing; the link still names it (the mailbox is kept).
    services.support_confirm(support=confirmed)
    proposal.refresh_from_db()
    assert proposal.support_count == 1
    assert confirmation.support_from_token(confirmation.support_token(confirmed)) == confirmed


@pytest.mark.parametrize(
    "written",
    ["SALMA@example.org", "salma+x@Example.org", "salma@EXAMPLE.ORG.", "\uff53alma@example.org"],
)
def test_one_support_per_mailbox_however_the_address_is_written(plan, written):
    proposal = factories.OnlineProposalFactory(plan=plan)
    services.support_confirm(support=support(proposal)[0])
    again, created = support(proposal, email=written)
    assert not created and again.state == ProposalSupport.State.CONFIRMED
    assert ProposalSupport.objects.count() == 1 and len(mail.outbox) == 1
    # Another proposal may be supported by the same mailbox.
    other = factories.OnlineProposalFactory(plan=plan)
    assert support(other, email=written)[1]


def test_supports_refused_when_the_proposal_takes_none(plan):
    kept = factories.OnlineProposalFactory(plan=plan)
    cases = [
        factories.OnlineProposalFactory(plan=plan, publication=Proposal.Publication.AWAITING),
        factories.OnlineProposalFactory(
            plan=plan, publication=Proposal.Publication.HIDDEN, hidden_reason="Insultes"
        ),
        factories.OnlineProposalFactory(plan=plan, duplicate_of=kept),
    ]
    for proposal in cases:
        with pytest.raises(ValidationError):
            support(proposal)
    closed = factories.OnlineProposalFactory(
        plan=factories.ActionPlanFactory(
            stage=ActionPlan.Stage.CONSULTATION,
            proposals_opens_on=timezone.localdate() - 10 * DAY,
            proposals_closes_on=timezone.localdate() - DAY,
        )
    )
    with pytest.raises(ValidationError):
        support(closed)
    assert not ProposalSupport.objects.exists() and not mail.outbox


def test_a_pending_support_of_a_proposal_merged_since_is_refused_at_confirmation(plan):
    proposal = factories.OnlineProposalFactory(plan=plan)
    pending, _ = support(proposal)
    kept = factories.OnlineProposalFactory(plan=plan)
    Proposal.objects.filter(pk=proposal.pk).update(duplicate_of=kept)
    with pytest.raises(ValidationError):
        services.support_confirm(support=pending)
    pending.refresh_from_db()
    assert pending.state == ProposalSupport.State.PENDING
    assert Proposal.objects.filter(support_count__gt=0).count() == 0


# --- the purge and the sweep ----------------------------------------------------------------------


def test_the_purge_deletes_only_what_was_never_confirmed_once_its_link_expired(plan):
    old = timezone.now() - 8 * DAY
    stale = post(plan)
    fresh = post(plan, email="fresh@example.org")
    kept = factories.OnlineProposalFactory(plan=plan)
    Proposal.objects.filter(pk__in=[stale.pk, kept.pk]).update(created_at=old)
    stale_support, _ = support(kept)
    fresh_support, _ = support(kept, email="other@example.org")
    confirmed = factories.ProposalSupportFactory(proposal=kept)
    ProposalSupport.objects.filter(pk__in=[stale_support.pk, confirmed.pk]).update(created_at=old)
    assert services.proposing_purge() == {"proposals": 1, "supports": 1}
    assert set(Proposal.objects.values_list("pk", flat=True)) == {fresh.pk, kept.pk}
    assert set(ProposalSupport.objects.values_list("pk", flat=True)) == {
        fresh_support.pk,
        confirmed.pk,
    }


def test_a_confirmation_that_could_not_be_queued_is_sent_later_by_the_sweep_once(plan, monkeypatch):
    def broker_down(*args, **kwargs):
        raise BrokerDown("broker down")

    monkeypatch.setattr(confirmation.send_proposal_confirmation, "delay", broker_down)
    monkeypatch.setattr(confirmation.send_support_confirmation, "delay", broker_down)
    proposal = post(plan)
    pending, _ = support(factories.OnlineProposalFactory(plan=plan))
    assert Proposal.objects.filter(pk=proposal.pk).exists(), "saved despite the broker"
    assert not mail.outbox
    monkeypatch.undo()
    ProposalSupport.objects.filter(pk=pending.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    Proposal.objects.filter(pk=proposal.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    assert confirmation.proposing_requeue_confirmations() == 2
    assert len(mail.outbox) == 2
    assert confirmation.proposing_requeue_confirmations() == 0


# --- the moderators' digest ----------------------------------------------------------------------


def test_the_moderators_digest_lists_proposals_waiting_once(plan):
    from commitments.comments.digest import moderators_notify
    from opengov.roles import MODERATOR

    factories.staff_user(MODERATOR, plan.council, username="mod-p", email="mod-p@example.org")
    other = factories.ActionPlanFactory()
    factories.staff_user(MODERATOR, other.council, username="mod-o", email="mod-o@example.org")
    waiting = factories.OnlineProposalFactory(
        plan=plan, publication=Proposal.Publication.AWAITING, title_ar="انتظار-الإشراف"
    )
    factories.OnlineProposalFactory(plan=plan, title_ar="منشور-سابقا")
    factories.OnlineProposalFactory(
        plan=plan, publication=Proposal.Publication.PENDING, title_ar="غير-مؤكد"
    )
    assert moderators_notify() == 1
    (message,) = mail.outbox
    assert message.to == ["mod-p@example.org"]
    assert waiting.title_ar in message.body
    assert "منشور-سابقا" not in message.body and "غير-مؤكد" not in message.body
    assert "?moderation=awaiting" in message.body
    assert moderators_notify() == 0, "never twice for the same proposal"
