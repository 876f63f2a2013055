"""The comment confirmation e-mail cannot be used as a relay: one budget per mailbox however its
address is written, no domain literals or quoted local parts, no text of the sender in the
e-mail to an address nobody confirmed yet, and only valid posts count against a budget (so a
stranger cannot silence a citizen by naming their address)."""

import datetime

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from commitments.comments.services import mailbox_key, mailbox_refusal
from commitments.models import Comment
from consultations.models import ActionPlan
from tests import factories

pytestmark = pytest.mark.django_db

CITIZEN = "amina.tazi@example.org"
# Free text a relay would want to carry into the citizen's inbox under the council's name.
NAME_MARKER = "Bank-Support-Team"
BODY_MARKER = "Your account is suspended, log in at http://phish.example/verify now"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def limits(settings):
    def set_limits(*, per_ip=100, per_email=100, mails_per_email=100):
        settings.COMMENT_RATE_LIMITS = {
            "per_ip": per_ip,
            "per_email": per_email,
            "mails_per_email": mails_per_email,
            "window": 3600,
        }

    return set_limits


@pytest.fixture
def plan():
    today = timezone.localdate()
    return factories.ActionPlanFactory(
        stage=ActionPlan.Stage.CONSULTATION,
        consultation_opens_on=today - datetime.timedelta(days=3),
        consultation_closes_on=today + datetime.timedelta(days=3),
        title_fr="Plan de Tanger",
    )


def url(plan, language="fr") -> str:
    with translation.override(language):
        return reverse("commitments:plan_comment", args=[plan.council.slug, plan.start_year])


def data(**over) -> dict:
    values = {"author_name": "Amina", "email": CITIZEN, "body": "Publiez les budgets."}
    values |= {"consent": "on", "website": "", **over}
    return {k: v for k, v in values.items() if v is not None}


def post(plan, address="198.51.100.1", **over):
    return Client(REMOTE_ADDR=address).post(url(plan), data(**over))


VARIANTS = [
    "amina.tazi@example.org",
    "Amina.Tazi@EXAMPLE.ORG",
    "amina.tazi+plans@example.org",
    "AMINA.TAZI+x+y@Example.Org",
]


@pytest.mark.parametrize(
    ("written", "key"),
    [
        *[(variant, "amina.tazi@example.org") for variant in VARIANTS],
        ('"amina.tazi"@example.org', "amina.tazi@example.org"),
        ('"amina.tazi+x"@example.org', "amina.tazi@example.org"),
        ("amina@bücher.example", "amina@xn--bcher-kva.example"),
        ("amina@BÜCHER.example", "amina@xn--bcher-kva.example"),
        ("amina@xn--bcher-kva.example", "amina@xn--bcher-kva.example"),
        ("amina@example.org.", "amina@example.org"),
        ("\uff41\uff4d\uff49\uff4e\uff41@example.org", "amina@example.org"),  # fullwidth
        ("+tag@example.org", "+tag@example.org"),  # nothing before the tag: kept whole
    ],
)
def test_mailbox_key_gives_one_key_per_mailbox(written, key):
    assert mailbox_key(written) == key


def test_variants_of_one_mailbox_share_one_budget_from_one_address(plan, limits):
    limits(per_email=len(VARIANTS))
    for variant in VARIANTS:
        assert post(plan, email=variant).status_code == 302
    assert post(plan, email="amina.tazi+again@example.org").status_code == 429
    assert post(plan, email="amina@bücher.example").status_code == 302
    assert post(plan, email="AMINA@xn--bcher-kva.example").status_code == 302
    assert Comment.objects.count() == len(VARIANTS) + 2


def test_variants_from_many_addresses_share_one_inbox_budget(plan, limits):
    limits(mails_per_email=3)
    with translation.override("fr"):
        for number, variant in enumerate(VARIANTS[:3]):
            assert post(plan, f"198.51.100.{number + 10}", email=variant).status_code == 302
        assert post(plan, "198.51.100.99", email=VARIANTS[3]).status_code == 429
    assert Comment.objects.count() == 3
    assert post(plan, "198.51.100.99", email="someone.else@example.org").status_code == 302


@pytest.mark.parametrize(
    ("email", "ours"),
    [
        # Django's EmailField accepts these: the comment form refuses them.
        ("amina@[192.0.2.1]", True),
        ('"amina.tazi"@example.org', True),
        ('"a\\"b"@example.org', True),
        # Django already refuses these.
        ("amina@[IPv6:2001:db8::1]", False),
        ('"amina tazi"@example.org', False),
    ],
)
def test_domain_literals_and_quoted_local_parts_are_refused(
    plan, django_capture_on_commit_callbacks, email, ours
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(plan, email=email)
    assert response.status_code == 400
    with translation.override("fr"):
        expected = mailbox_refusal(email) if ours else gettext("Enter a valid email address.")
    assert response.context["comment_form"].errors["email"] == [expected]
    assert escape(expected) in response.content.decode()
    assert Comment.objects.count() == 0 and mail.outbox == []


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_confirmation_mail_carries_no_text_or_name_of_the_sender(
    plan, django_capture_on_commit_callbacks, language
):
    with django_capture_on_commit_callbacks(execute=True):
        response = Client(REMOTE_ADDR="198.51.100.1").post(
            url(plan, language), data(author_name=NAME_MARKER, body=BODY_MARKER)
        )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.author_name, comment.body) == (NAME_MARKER, BODY_MARKER)
    [message] = mail.outbox
    assert message.to == [CITIZEN]
    text = message.subject + message.body + "".join(str(a) for a in message.alternatives)
    for leaked in (NAME_MARKER, BODY_MARKER, "phish.example", "suspended"):
        assert leaked not in text
    assert f"/{language}/comments/confirm/" in message.body
    with translation.override(language):
        assert str(plan.title) in message.body


def test_invalid_and_robot_posts_do_not_consume_the_budgets(plan, limits):
    limits(per_ip=2, per_email=2, mails_per_email=2)
    for _ in range(5):
        assert post(plan, body=" ").status_code == 400
        assert post(plan, consent=None).status_code == 400
        assert post(plan, email="amina@[192.0.2.1]").status_code == 400
        assert post(plan, website="http://spam.example").status_code == 429  # honeypot
    assert Comment.objects.count() == 0
    assert post(plan).status_code == 302
    assert post(plan).status_code == 302
    assert post(plan).status_code == 429
    assert Comment.objects.count() == 2


def test_a_stranger_naming_a_citizens_address_does_not_silence_them(plan, limits):
    limits(per_ip=10, per_email=5, mails_per_email=20)
    stranger = "203.0.113.66"
    for _ in range(5):
        assert post(plan, stranger, body="Empty words").status_code == 302
    for _ in range(20):
        post(plan, stranger, body=" ")  # invalid: costs nothing, counts nothing
    assert post(plan, stranger).status_code == 429
    # The citizen, from their own address, still comments.
    assert post(plan, "198.51.100.7", body="Mon avis").status_code == 302
    assert Comment.objects.filter(body="Mon avis").count() == 1
