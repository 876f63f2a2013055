"""Citizens' comments on draft plans: posting, e-mail confirmation, display, validation, abuse
limits, reports, the moderation admin, exports, the moderators' digest and the e-mail sweep."""

import csv
import datetime
import hashlib
import io
import re
import time
from types import SimpleNamespace

import openpyxl
import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import mail, signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.template.defaultfilters import date as date_filter
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from commitments.comments import confirmation, services
from commitments.comments.digest import moderators_notify
from commitments.models import Comment, CommentReport
from consultations.models import ActionPlan
from opengov.roles import COORDINATOR, COUNCIL_STAFF, MODERATOR
from tests import factories

pytestmark = pytest.mark.django_db

Stage = ActionPlan.Stage
DAY = datetime.timedelta(days=1)
EMAIL = "amina.secret@example.org"
UNPUBLISHED = [Comment.State.PENDING, Comment.State.CONFIRMED, Comment.State.HIDDEN]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def make_plan(**kwargs) -> ActionPlan:
    today = timezone.localdate()
    kwargs.setdefault("consultation_opens_on", today - 3 * DAY)
    kwargs.setdefault("consultation_closes_on", today + 3 * DAY)
    kwargs.setdefault("stage", Stage.CONSULTATION)
    kwargs.setdefault("title_fr", "Plan de Tanger")
    return factories.ActionPlanFactory(title_ar="خطة عمل طنجة", **kwargs)


def make_comment(plan, state=Comment.State.PUBLISHED, **kwargs) -> Comment:
    now = timezone.now()
    values = {"author_name": "Amina", "email": EMAIL, "body": "Publiez les budgets."}
    values["confirmed_at"] = None if state == Comment.State.PENDING else now
    values["published_at"] = now if state == Comment.State.PUBLISHED else None
    values["hidden_reason"] = "Insulte" if state == Comment.State.HIDDEN else ""
    values.update(kwargs)
    return Comment.objects.create(plan=plan, state=state, consent_at=now, language="ar", **values)


def fresh(comment: Comment) -> Comment:
    comment.refresh_from_db()
    return comment


def in_language(name: str, language: str, *args) -> str:
    with translation.override(language):
        return reverse(name, args=args)


def plan_post_url(plan, language="ar") -> str:
    return in_language("commitments:plan_comment", language, plan.council.slug, plan.start_year)


def form_data(**over) -> dict:
    data = {"author_name": "Amina Tazi", "email": EMAIL, "body": "Il faut publier les budgets."}
    data |= {"consent": "on", "website": "", **over}
    return {k: v for k, v in data.items() if v is not None}


def page(client, obj, language="ar") -> str:
    with translation.override(language):
        url = obj.get_absolute_url()
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def confirm_url(comment) -> str:
    return reverse("commitments:comment_confirm", args=[confirmation.confirmation_token(comment)])


def role_user(group: str, council, username: str):
    user = factories.UserFactory(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    council.staff.add(user)
    return user


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


CHANGELIST = "admin:commitments_comment_changelist"


def run_action(client, action, comments, **extra):
    data = {"action": action, "_selected_action": [c.pk for c in comments], **extra}
    return client.post(reverse(CHANGELIST), data)


# --- posting and the confirmation e-mail ----------------------------------------------------


@pytest.mark.parametrize(
    ("language", "on_commitment"), [("ar", False), ("fr", False), ("ar", True), ("fr", True)]
)
def test_post_saves_pending_and_sends_one_email_in_readers_language(
    client, django_capture_on_commit_callbacks, language, on_commitment
):
    plan = make_plan()
    commitment = factories.CommitmentFactory(plan=plan, reference="TNG-01")
    target = commitment if on_commitment else plan
    assert 'class="comment-form"' in page(client, target, language)
    name = "commitments:commitment_comment" if on_commitment else "commitments:plan_comment"
    args = [plan.council.slug, plan.start_year] + (["TNG-01"] if on_commitment else [])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(in_language(name, language, *args), form_data())

    with translation.override(language):
        back = target.get_absolute_url()
        assert response["Location"] == reverse("commitments:comment_sent") + f"?next={back}"
        assert gettext("Check your e-mail") in client.get(response["Location"]).content.decode()

    comment = Comment.objects.get()
    assert comment.state == Comment.State.PENDING
    assert comment.commitment == (commitment if on_commitment else None)
    assert (comment.plan, comment.language, comment.email) == (plan, language, EMAIL)
    assert comment.confirmation_sent_at is not None and comment.consent_at is not None

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [EMAIL]
    subjects = {}
    for code in ("ar", "fr"):
        with translation.override(code):
            subjects[code] = gettext("Confirm your comment on “%(plan)s”") % {"plan": plan.title}
    assert subjects["ar"] != subjects["fr"]
    assert message.subject == subjects[language]
    assert f"{settings.SITE_URL}/{language}/comments/confirm/" in message.body
    other = "fr" if language == "ar" else "ar"
    assert f"/{other}/comments/confirm/" not in message.body
    # A neutral message: none of what the commenter typed goes to an unconfirmed address.
    assert comment.body not in message.body and comment.author_name not in message.body
    link = re.search(r"https?://\S+/comments/confirm/\S+/", message.body).group(0)
    assert client.post(link[len(settings.SITE_URL) :]).status_code == 200
    assert fresh(comment).state == Comment.State.CONFIRMED  # plans need moderation by default


def test_confirmation_email_is_plain_text_not_html_escaped(
    client, django_capture_on_commit_callbacks
):
    plan = make_plan(title_fr="Plan d'action de Tanger")
    data = form_data(author_name="Aït O'Brien", body="Budget < 5 & plus")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(plan_post_url(plan, "fr"), data)
    message = mail.outbox[0]
    with translation.override("fr"):
        subject = gettext("Confirm your comment on “%(plan)s”") % {"plan": plan.title}
    assert message.subject == subject
    assert "Plan d'action de Tanger" in message.body and "&#x27;" not in message.body
    assert "O'Brien" not in message.body and "Budget" not in message.body


# --- the confirmation link ------------------------------------------------------------------


@pytest.mark.parametrize("moderation", [True, False])
def test_confirmation_get_shows_button_post_confirms_once(client, moderation):
    plan = make_plan(comments_need_moderation=moderation)
    comment = make_comment(plan, Comment.State.PENDING, body="Mon avis unique")
    url = confirm_url(comment)

    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert gettext("Yes, this comment is mine") in html and '<form method="post"' in html
    assert fresh(comment).state == Comment.State.PENDING and comment.confirmed_at is None

    assert client.post(url).status_code == 200
    assert fresh(comment).confirmed_at is not None
    if moderation:
        assert comment.state == Comment.State.CONFIRMED and comment.published_at is None
        assert "Mon avis unique" not in page(client, plan)
    else:
        assert comment.state == Comment.State.PUBLISHED and comment.published_at is not None
        assert "Mon avis unique" in page(client, plan)

    # Single use: once a moderator has hidden it, the old link does not bring it back.
    confirmed_at = comment.confirmed_at
    services.comment_hide(comment=comment, reason="Hors sujet", by=factories.UserFactory())
    response = client.post(url)
    assert gettext("Already confirmed") in response.content.decode()
    assert fresh(comment).state == Comment.State.HIDDEN and comment.confirmed_at == confirmed_at


def test_tampered_token_is_refused_and_changes_nothing(client):
    comment = make_comment(make_plan(), Comment.State.PENDING)
    good = confirmation.confirmation_token(comment)
    other_salt = signing.dumps({"c": comment.pk, "e": "x"}, salt="other", compress=True)
    last = "A" if good[-1] != "A" else "B"
    for token in [good[:-1] + last, good.replace(":", ":x", 1), other_salt, "not-a-token"]:
        url = reverse("commitments:comment_confirm", args=[token])
        assert client.get(url).status_code == 400, token
        assert client.post(url).status_code == 400, token
    assert fresh(comment).state == Comment.State.PENDING and comment.confirmed_at is None


def test_expired_token_is_refused(client, monkeypatch):
    comment = make_comment(make_plan(), Comment.State.PENDING)
    url = confirm_url(comment)
    now = time.time()
    monkeypatch.setattr(signing, "time", SimpleNamespace(time=lambda: now + 6 * 86400))
    assert client.get(url).status_code == 200  # six days later it still works
    monkeypatch.setattr(signing, "time", SimpleNamespace(time=lambda: now + 8 * 86400))
    assert client.get(url).status_code == 400
    assert client.post(url).status_code == 400
    assert fresh(comment).state == Comment.State.PENDING


def test_token_of_one_comment_does_not_confirm_another(client):
    plan = make_plan()
    first = make_comment(plan, Comment.State.PENDING, email="first@example.org")
    second = make_comment(plan, Comment.State.PENDING, email="second@example.org")
    assert client.post(confirm_url(first)).status_code == 200
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == Comment.State.CONFIRMED and second.state == Comment.State.PENDING

    # A well-signed token naming the second comment but issued for the first one's address.
    key = hashlib.sha256(first.email.encode()).hexdigest()[:16]
    forged = signing.dumps({"c": second.pk, "e": key}, salt=confirmation.CONFIRMATION_SALT)
    url = reverse("commitments:comment_confirm", args=[forged])
    assert client.post(url).status_code == 400
    assert fresh(second).state == Comment.State.PENDING


# --- what the public pages show -------------------------------------------------------------


def test_published_comment_display_is_safe_and_reply_marked(client):
    plan = make_plan()
    published_at = timezone.make_aware(datetime.datetime(2024, 3, 5, 12, 0))
    comment = make_comment(
        plan,
        author_name="Amina <b>T</b>",
        body="Ligne un\nLigne deux <script>alert(1)</script> https://evil.example/x",
        published_at=published_at,
        official_reply="Merci,\nnous étudions.",
    )
    make_comment(plan, parent=comment, body="Réponse publiée", email="r1@example.org")
    make_comment(plan, Comment.State.PENDING, parent=comment, body="Réponse en attente")
    make_comment(plan, Comment.State.HIDDEN, body="Commentaire caché")
    html = page(client, plan, "fr")
    assert "Amina &lt;b&gt;T&lt;/b&gt;" in html and "<b>T</b>" not in html
    assert "Ligne un<br>Ligne deux &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert 'href="https://evil.example' not in html
    with translation.override("fr"):
        assert date_filter(timezone.localtime(published_at), "j F Y") in html
        label = gettext("Official reply of %(council)s") % {"council": plan.council.name}
    assert re.search(
        r'class="official-reply">\s*<p class="response-label">'
        + re.escape(escape(label))
        + r"</p>\s*<div dir=\"auto\">Merci,<br>nous étudions.</div>",
        html,
    )
    assert "Réponse publiée" in html
    assert "Réponse en attente" not in html and "Commentaire caché" not in html


def test_email_never_appears_on_public_pages(client):
    plan = make_plan()
    commitment = factories.CommitmentFactory(plan=plan, reference="TNG-01")
    make_comment(plan, official_reply="Merci")
    make_comment(plan, commitment=commitment)
    pending = make_comment(plan, Comment.State.PENDING)
    for language in ("ar", "fr"):
        assert "Publiez les budgets." in page(client, plan, language)
        assert EMAIL not in page(client, plan, language)
        assert EMAIL not in page(client, commitment, language)
    assert EMAIL not in client.get(confirm_url(pending)).content.decode()
    sent = reverse("commitments:comment_sent") + "?next=" + plan.get_absolute_url()
    assert EMAIL not in client.get(sent).content.decode()


def test_comments_section_appears_once(client):
    plan = make_plan()
    make_comment(plan)
    html = page(client, plan)
    assert html.count('id="comments-heading"') == 1
    assert "comment-form" not in html.split("</title>")[0]


@pytest.mark.parametrize("kind", ["reply", *UNPUBLISHED])
def test_reply_to_a_reply_or_unpublished_comment_is_refused(
    client, django_capture_on_commit_callbacks, kind
):
    plan = make_plan()
    top = make_comment(plan)
    if kind == "reply":
        parent = make_comment(plan, parent=top, body="Première réponse")
        msgid = "Replies go to a comment, not to another reply."
    else:
        parent = make_comment(plan, kind, body="Pas publié")
        msgid = "You can only reply to a published comment."
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(plan_post_url(plan), form_data(parent=str(parent.pk)))
        assert response.status_code == 400
        assert gettext(msgid) in response.context["comment_form"].non_field_errors()
        assert Comment.objects.count() == 2 and mail.outbox == []
        # Replying to a published comment works.
        response = client.post(plan_post_url(plan), form_data(parent=str(top.pk)))
    assert response.status_code == 302
    assert Comment.objects.filter(parent=top, state=Comment.State.PENDING).count() == 1


# --- the consultation window ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("opens", "closes", "stage"),
    [(1, 5, Stage.CONSULTATION), (-5, -1, Stage.CONSULTATION), (-3, 3, Stage.ADOPTED)],
    ids=["before", "after", "adopted"],
)
def test_outside_the_window_no_form_and_post_refused(
    client, django_capture_on_commit_callbacks, opens, closes, stage
):
    today = timezone.localdate()
    dates = (today + opens * DAY, today + closes * DAY)
    plan = make_plan(consultation_opens_on=dates[0], consultation_closes_on=dates[1], stage=stage)
    html = page(client, plan)
    assert 'class="comment-form"' not in html
    notice = gettext(
        "Comments are open only during the consultation, from %(opens)s to %(closes)s."
    )
    notice %= {"opens": date_filter(dates[0], "j F Y"), "closes": date_filter(dates[1], "j F Y")}
    assert escape(notice) in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(plan_post_url(plan), form_data())
    assert response.status_code == 400
    assert Comment.objects.count() == 0 and mail.outbox == []


# --- validation and cleaning ----------------------------------------------------------------


def _max_length_message() -> str:
    try:
        MaxLengthValidator(3000)("a" * 3001)
    except ValidationError as error:
        return error.messages[0]
    raise AssertionError


REQUIRED = "This field is required."
VALIDATION_CASES = [
    ("author_name", "", REQUIRED),
    ("author_name", "\u200b\u2066", "Write your name."),
    ("body", "", REQUIRED),
    ("body", "  \n\t  ", REQUIRED),
    ("body", "\u202e\u200b\ufeff", "Write your comment."),
    ("body", "a" * 3001, None),  # Django's "at most 3000 characters"
    ("email", "not-an-address", "Enter a valid email address."),
    ("consent", None, "Your consent is needed to post a comment."),
]


@pytest.mark.parametrize(("field", "value", "msgid"), VALIDATION_CASES)
def test_validation_errors_are_translated_and_nothing_saved(
    client, django_capture_on_commit_callbacks, field, value, msgid
):
    def message():
        return gettext(msgid) if msgid else _max_length_message()

    plan = make_plan()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(plan_post_url(plan, "fr"), form_data(**{field: value}))
    assert response.status_code == 400
    assert Comment.objects.count() == 0 and mail.outbox == []
    with translation.override("fr"):
        expected = message()
    with translation.override("en"):
        msgid = message()
    assert response.context["comment_form"].errors[field] == [expected]
    assert escape(expected) in response.content.decode()
    assert expected != msgid


def _summary(html: str, prefix: str) -> str:
    start = html.index(f'<div class="error-summary" role="alert" id="errors_{prefix}">')
    return html[start : html.index("</div>", start)]


def test_invalid_comment_comes_back_at_its_form_with_a_linked_summary_and_its_text(client):
    plan = make_plan()
    make_comment(plan)
    # The form posts to the page's comment form (its fragment), so the answer opens there.
    assert f'action="{plan_post_url(plan, "fr")}#comment-form"' in page(client, plan, "fr")
    response = client.post(
        plan_post_url(plan, "fr"), form_data(email="pas-une-adresse", body="Mon avis <b>")
    )
    assert response.status_code == 400
    html = response.content.decode()
    with translation.override("fr"):
        field_error = gettext("Enter a valid email address.")
        label = gettext("Your e-mail")
    summary = _summary(html, "new")
    assert f'<a href="#id_new_email">{label}: {escape(field_error)}</a>' in summary
    # What the reader typed is kept; the field points to its error.
    assert 'value="pas-une-adresse"' in html and "Mon avis &lt;b&gt;</textarea>" in html
    assert 'aria-describedby="help_new_email err_new_email" aria-invalid="true"' in html
    assert 'id="id_new_consent" name="consent" required checked' in html
    # Only the form the post came from shows it: not the reply forms.
    assert html.count('class="error-summary"') == 1


def test_invalid_reply_opens_its_own_reply_form_with_the_summary(client):
    plan = make_plan()
    top = make_comment(plan)
    page_html = page(client, plan, "fr")
    assert f'action="{plan_post_url(plan, "fr")}#reply-{top.pk}"' in page_html
    response = client.post(plan_post_url(plan, "fr"), form_data(parent=str(top.pk), body=" "))
    assert response.status_code == 400
    html = response.content.decode()
    assert f'<details class="reply-form" id="reply-{top.pk}" open>' in html
    assert f'href="#id_{top.pk}_body"' in _summary(html, str(top.pk))
    assert html.count('class="error-summary"') == 1
    # The new-comment form stays empty.
    new_name = 'id="id_new_author_name" name="author_name" maxlength="80" required'
    assert f'{new_name} autocomplete="name" dir="auto" value=""' in html


@pytest.mark.parametrize(
    "char", list("\u202e\u2066\u2067\u2068\u2069\u200b\u2060\ufeff\x00\x07\x1b\x7f")
)
def test_clean_text_removes_invisible_and_control_characters(char):
    assert services.clean_text(f"ab{char}c{char}\nd") == "abc\nd"


def test_clean_text_keeps_line_breaks_and_posted_text_is_cleaned(client):
    assert services.clean_text("  un\r\ndeux\rtrois\n\nquatre  ") == "un\ndeux\ntrois\n\nquatre"
    data = form_data(author_name="\u202eAmina\u200b", body="a\u202eb\u200bc\x07\r\nd")
    assert client.post(plan_post_url(make_plan()), data).status_code == 302
    comment = Comment.objects.get()
    assert (comment.author_name, comment.body) == ("Amina", "abc\nd")


# --- robots, rate limits, reports -----------------------------------------------------------


def test_honeypot_answers_429_and_saves_nothing(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(plan_post_url(make_plan()), form_data(website="http://spam"))
    assert response.status_code == 429
    assert Comment.objects.count() == 0 and mail.outbox == []


def test_rate_limit_per_ip(client, settings):
    settings.COMMENT_RATE_LIMITS = {
        "per_ip": 2,
        "per_email": 100,
        "mails_per_email": 100,
        "window": 3600,
    }
    url = plan_post_url(make_plan())
    for number in range(2):
        assert client.post(url, form_data(email=f"p{number}@example.org")).status_code == 302
    assert client.post(url, form_data(email="p3@example.org")).status_code == 429
    assert Comment.objects.count() == 2
    other = Client(REMOTE_ADDR="10.1.2.3")
    assert other.post(url, form_data(email="p4@example.org")).status_code == 302


def test_rate_limit_per_email_counts_one_mailbox_from_one_address(client, settings):
    settings.COMMENT_RATE_LIMITS = {
        "per_ip": 100,
        "per_email": 2,
        "mails_per_email": 100,
        "window": 3600,
    }
    url = plan_post_url(make_plan())
    assert client.post(url, form_data()).status_code == 302
    assert client.post(url, form_data(email=EMAIL.upper())).status_code == 302
    assert client.post(url, form_data()).status_code == 429
    assert Comment.objects.count() == 2
    assert client.post(url, form_data(email="someone@example.org")).status_code == 302
    # Whoever owns the mailbox still comments from their own address.
    assert Client(REMOTE_ADDR="10.9.9.9").post(url, form_data()).status_code == 302


def test_report_counts_once_per_reader(client):
    plan = make_plan()
    comment = make_comment(plan)
    url = reverse("commitments:comment_report", args=[comment.pk])
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == f"{plan.get_absolute_url()}#comment-{comment.pk}"
    assert client.post(url).status_code == 302
    assert fresh(comment).report_count == 1 and CommentReport.objects.count() == 1
    Client(REMOTE_ADDR="10.0.0.7").post(url)
    assert fresh(comment).report_count == 2


@pytest.mark.parametrize("state", UNPUBLISHED)
def test_reporting_unpublished_comment_is_404(client, state):
    comment = make_comment(make_plan(), state)
    assert client.post(reverse("commitments:comment_report", args=[comment.pk])).status_code == 404
    assert fresh(comment).report_count == 0 and CommentReport.objects.count() == 0


# --- the moderation admin -------------------------------------------------------------------


@pytest.fixture
def councils():
    alpha, bravo = make_plan(), make_plan()
    ns = SimpleNamespace(alpha=alpha, bravo=bravo)
    ns.alpha_comment = make_comment(alpha, Comment.State.CONFIRMED, body="ALPHA-comment")
    ns.bravo_comment = make_comment(bravo, Comment.State.CONFIRMED, body="BRAVO-comment")
    return ns


@pytest.mark.parametrize("group", [MODERATOR, COORDINATOR])
def test_moderators_see_only_their_councils_comments(councils, group):
    client = logged_in(role_user(group, councils.alpha.council, "mod-a"))
    html = client.get(reverse(CHANGELIST)).content.decode()
    assert "ALPHA-comment" in html and "BRAVO-comment" not in html
    change = "admin:commitments_comment_change"
    assert client.get(reverse(change, args=[councils.alpha_comment.pk])).status_code == 200
    assert client.get(reverse(change, args=[councils.bravo_comment.pk])).status_code == 404
    run_action(client, "publish", [councils.bravo_comment])
    assert fresh(councils.bravo_comment).state == Comment.State.CONFIRMED


def test_council_staff_can_view_but_not_moderate(councils):
    client = logged_in(role_user(COUNCIL_STAFF, councils.alpha.council, "staff-a"))
    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 200 and "ALPHA-comment" in response.content.decode()
    offered = {value for value, _ in response.context["action_form"].fields["action"].choices}
    assert {"export_csv", "export_xlsx"} <= offered
    assert not offered & {"publish", "hide"}
    comment = councils.alpha_comment
    run_action(client, "publish", [comment])
    run_action(client, "hide", [comment], apply="1", reason="Spam")
    change = reverse("admin:commitments_comment_change", args=[comment.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"official_reply": "Non", "_save": "1"}).status_code == 403
    assert fresh(comment).state == Comment.State.CONFIRMED and comment.official_reply == ""


def test_publish_action_publishes_confirmed_only(councils):
    moderator = role_user(MODERATOR, councils.alpha.council, "mod-a")
    client = logged_in(moderator)
    confirmed = councils.alpha_comment
    pending = make_comment(councils.alpha, Comment.State.PENDING, body="ALPHA-pending")
    response = run_action(client, "publish", [confirmed, pending])
    assert response.status_code == 302
    confirmed.refresh_from_db()
    pending.refresh_from_db()
    assert confirmed.state == Comment.State.PUBLISHED and confirmed.published_at is not None
    assert confirmed.moderated_by == moderator
    assert pending.state == Comment.State.PENDING and pending.published_at is None
    assert "ALPHA-comment" in page(Client(), councils.alpha)
    assert "ALPHA-pending" not in page(Client(), councils.alpha)


def test_hide_action_needs_a_reason(councils):
    moderator = role_user(MODERATOR, councils.alpha.council, "mod-a")
    client = logged_in(moderator)
    comment = make_comment(councils.alpha, body="ALPHA-published")
    response = run_action(client, "hide", [comment])
    assert response.status_code == 200
    assert "admin/commitments/comment/hide.html" in [t.name for t in response.templates]
    assert 'name="reason"' in response.content.decode()
    assert fresh(comment).state == Comment.State.PUBLISHED

    response = run_action(client, "hide", [comment], apply="1", reason="   ")
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    assert fresh(comment).state == Comment.State.PUBLISHED

    response = run_action(client, "hide", [comment], apply="1", reason="Propos injurieux")
    assert response.status_code == 302
    assert fresh(comment).state == Comment.State.HIDDEN
    assert comment.hidden_reason == "Propos injurieux" and comment.moderated_by == moderator
    assert "ALPHA-published" not in page(Client(), councils.alpha)


def test_official_reply_from_change_form(councils):
    moderator = role_user(MODERATOR, councils.alpha.council, "mod-a")
    comment = make_comment(councils.alpha, body="ALPHA-published")
    change = reverse("admin:commitments_comment_change", args=[comment.pk])
    response = logged_in(moderator).post(
        change, {"official_reply": "Merci, nous étudions.", "_save": "1"}
    )
    assert response.status_code == 302
    assert fresh(comment).official_reply == "Merci, nous étudions."
    assert comment.replied_by == moderator and comment.replied_at is not None
    html = page(Client(), councils.alpha)
    assert re.search(r'class="official-reply">.*Merci, nous étudions\.', html, re.S)


def test_nobody_adds_comments_in_admin(councils, admin_client):
    add = reverse("admin:commitments_comment_add")
    assert admin_client.get(add).status_code == 403
    moderator = role_user(MODERATOR, councils.alpha.council, "mod-a")
    assert Client().get(add).status_code == 302  # to the login page
    client = logged_in(moderator)
    assert client.get(add).status_code == 403
    assert client.post(add, {"official_reply": "x"}).status_code == 403
    assert Comment.objects.count() == 2


# --- exports --------------------------------------------------------------------------------

FORMULAS = ["=1+2", "+33 6", "-1-1", "@SUM(A1)"]


@pytest.fixture
def export_comments():
    plan = make_plan()
    moderator = role_user(MODERATOR, plan.council, "mod-export")
    comments = [make_comment(plan, body=body) for body in [*FORMULAS, "Texte normal"]]
    make_comment(plan, body="Non sélectionné")
    make_comment(make_plan(), body="Autre conseil")
    return logged_in(moderator), comments


def _check_rows(rows):
    header, *data = rows
    with translation.override("ar"):
        assert gettext("Comment") in header and gettext("Name") in header
    for language in ("ar", "fr", "en"):
        with translation.override(language):
            assert gettext("e-mail") not in header and gettext("E-mail") not in header
    bodies = [row[header.index(gettext("Comment"))] for row in data]
    assert bodies == [f"'{body}" for body in FORMULAS] + ["Texte normal"]
    assert EMAIL not in str(rows)
    # When each was posted: ISO 8601 with the offset, as every CSV of the portal writes it.
    posted = [row[header.index(gettext("Date"))] for row in data]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", p) for p in posted)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export(export_comments, fmt):
    client, comments = export_comments
    response = run_action(client, f"export_{fmt}", comments)
    assert response.status_code == 200
    if fmt == "csv":
        assert response.content.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    _check_rows(rows)


# --- moderators' digest and the confirmation sweep ------------------------------------------


def test_moderators_digest():
    alpha, bravo = make_plan(), make_plan()
    moderator = role_user(MODERATOR, alpha.council, "mod-a")
    coordinator = role_user(COORDINATOR, alpha.council, "coord-a")
    role_user(COUNCIL_STAFF, alpha.council, "staff-a")
    role_user(MODERATOR, bravo.council, "mod-b")
    waiting = make_comment(alpha, Comment.State.CONFIRMED, body="ALPHA-waiting")
    reported = make_comment(alpha, body="ALPHA-reported", report_count=1)
    make_comment(alpha, Comment.State.PENDING, body="ALPHA-pending")
    make_comment(alpha, body="ALPHA-quiet")
    make_comment(bravo, body="BRAVO-quiet")

    assert moderators_notify() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([moderator.email, coordinator.email])
    for message in mail.outbox:
        assert len(message.to) == 1
        assert str(waiting) in message.body and str(reported) in message.body
        assert "ALPHA-pending" not in message.body and "ALPHA-quiet" not in message.body
    assert moderators_notify() == 0
    assert len(mail.outbox) == 2


def test_digest_mentions_a_report_made_after_publication(client):
    plan = make_plan()
    role_user(MODERATOR, plan.council, "mod-a")
    comment = make_comment(plan, Comment.State.CONFIRMED, body="ALPHA-later-reported")
    assert moderators_notify() == 1
    comment.refresh_from_db()
    services.comment_publish(comment=comment, by=factories.UserFactory())
    client.post(reverse("commitments:comment_report", args=[comment.pk]))
    assert moderators_notify() == 1
    assert "ALPHA-later-reported" in mail.outbox[-1].body


def test_sweep_resends_only_emails_that_never_went():
    plan = make_plan()
    old = timezone.now() - datetime.timedelta(minutes=10)
    lost = make_comment(plan, Comment.State.PENDING, email="lost@example.org")
    sent = make_comment(plan, Comment.State.PENDING, email="sent@example.org")
    sent.confirmation_sent_at = old
    sent.save()
    recent = make_comment(plan, Comment.State.PENDING, email="recent@example.org")
    Comment.objects.filter(pk__in=[lost.pk, sent.pk]).update(created_at=old)
    assert confirmation.comments_requeue_confirmations() == 1
    assert [m.to for m in mail.outbox] == [["lost@example.org"]]
    assert "/ar/comments/confirm/" in mail.outbox[0].body
    assert fresh(lost).confirmation_sent_at is not None
    assert confirmation.comments_requeue_confirmations() == 0
    assert len(mail.outbox) == 1
    assert fresh(recent).confirmation_sent_at is None
