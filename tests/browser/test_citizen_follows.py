"""A citizen follows a commitment by e-mail, in a real browser on a phone, in Arabic and in French
(issue 17): the Follow form on the commitment's page, "check your e-mail", the confirmation link
of the e-mail and its button, the page where the address manages what it follows; then the council
records a milestone update in the admin and exactly one e-mail tells of it, in the language used,
with the other language's link, the one-click unsubscribe headers and a right-to-left HTML part in
Arabic; the unsubscribe link stops it, and the next update sends that address nothing. A commenter
during implementation confirms the comment, follows its thread and is told of the council's
official reply. Every page fits a 390-px screen; screenshots go to artifacts/screenshots/."""

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from commitments.models import Comment, Follow, Milestone
from consultations.models import ActionPlan
from opengov import roles
from tests import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "a-long-browser-password"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def _at_once(settings):
    """Deliveries go as soon as the fan-out is done (the tasks are eager in tests), and the
    budgets of the Follow and comment forms do not carry over from an earlier run in the hour."""
    settings.NOTIFY_BATCH_DELAY = 0
    settings.COMMENT_RATE_LIMITS = {
        **settings.COMMENT_RATE_LIMITS,
        "per_ip": 1000,
        "per_email": 1000,
        "mails_per_email": 1000,
    }


class World:
    """A council whose plan is being implemented: a commitment with a milestone under way."""

    def __init__(self):
        council = factories.CouncilFactory(
            slug="tetouan", name_ar="جماعة تطوان", name_fr="Commune de Tétouan"
        )
        self.plan = factories.ActionPlanFactory(
            council=council,
            start_year=2024,
            stage=ActionPlan.Stage.IMPLEMENTATION,
            comments_need_moderation=False,
        )
        self.commitment = factories.CommitmentFactory(
            plan=self.plan,
            reference="TET-2024-01",
            title_ar="نشر سجل الصفقات العمومية",
            title_fr="Publier le registre des marchés publics",
        )
        self.milestone = factories.MilestoneFactory(
            commitment=self.commitment,
            title_ar="وضع السجل على الإنترنت",
            title_fr="Mettre le registre en ligne",
            status=Milestone.Status.IN_PROGRESS,
        )


@pytest.fixture
def world(db):
    return World()


def _in(path: str, language: str) -> str:
    return f"/{language}/" + path.split("/", 2)[2]


def _fits_a_phone(page, name: str) -> None:
    """Nothing sticks out sideways on a 390-px screen."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.evaluate("window.innerWidth"), (name, width)


def _shot(page, screenshots, name: str) -> None:
    page.screenshot(path=str(screenshots / f"follow-{name}.png"), full_page=True)
    _fits_a_phone(page, name)


def _accessible(page, name: str) -> None:
    """axe-core finds no WCAG 2.1 A/AA violation (as tests/browser/test_public_pages.py)."""
    from axe_playwright_python.sync_playwright import Axe

    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": tags}})
    assert not results.violations_count, f"{name}:\n{results.generate_report()}"


def _say(language: str, text: str) -> str:
    with translation.override(language):
        return gettext(text)


def _links(text: str, pattern: str) -> list[str]:
    """The paths of the links of a mail's text whose path matches `pattern`."""
    paths = [urlsplit(link).path for link in re.findall(r"https?://[^\s<>\"]+", text)]
    return [path for path in paths if re.fullmatch(pattern, path)]


def _to(mailoutbox, address: str) -> list:
    return [message for message in mailoutbox if address in message.to]


@pytest.fixture
def staff_page(browser, live_server, staff_user):
    """A coordinator of the council signed in to the admin (in French), in a browser context of
    its own: the citizen's cookies are not the staff's."""

    def sign_in(council):
        staff_user(roles.COORDINATOR, council, username="coordinatrice", password=PASSWORD)
        context = browser.new_context()
        page = context.new_page()
        page.goto(live_server.url + _in(reverse("admin:login"), "fr"))
        page.fill("#id_username", "coordinatrice")
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(live_server.url + _in(reverse("admin:index"), "fr"))
        return page

    return sign_in


def _record_milestone_update(page, live_server, milestone, note: str) -> None:
    """A new dated entry "in progress" typed in the milestone's admin (its completion level
    does not move: one event, one notification)."""
    change = reverse("admin:commitments_milestone_change", args=[milestone.pk])
    page.goto(live_server.url + _in(change, "fr"))
    # The blank row of the inline (entries are added, never changed).
    blank = page.locator("select[name^='updates-'][name$='-status']:not([name*='__prefix__'])")
    prefix = blank.last.get_attribute("name").removesuffix("-status")
    page.select_option(f"[name='{prefix}-status']", Milestone.Status.IN_PROGRESS)
    page.fill(f"[name='{prefix}-note_fr']", note)
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    assert milestone.updates.filter(note_fr=note).exists()


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_a_citizen_follows_a_commitment_is_told_of_a_milestone_update_and_unsubscribes(
    language, world, live_server, page, staff_page, mailoutbox, screenshots
):
    address = f"citoyen-{language}@example.org"
    other = "fr" if language == "ar" else "ar"
    direction = "rtl" if language == "ar" else "ltr"
    page.set_viewport_size(PHONE)
    commitment_path = _in(world.commitment.get_absolute_url(), language)
    title = getattr(world.commitment, f"title_{language}")

    # 1. The commitment's page: its dialogue during implementation, and the Follow form.
    response = page.goto(live_server.url + commitment_path)
    assert response.status == 200
    assert page.locator("html").get_attribute("dir") == direction
    assert page.locator("#dialogue-heading").is_visible()
    assert page.locator("#id_new_body").is_visible(), "the dialogue takes questions"
    follow = page.locator("details#follow")
    assert not page.locator("#id_follow_email").is_visible(), "closed until asked for"
    follow.locator("summary").click()
    assert page.locator("#id_follow_email").is_visible()
    follow.scroll_into_view_if_needed()
    _shot(page, screenshots, f"form-{language}-390")
    _accessible(page, f"follow form {language}")
    page.locator("#follow").screenshot(path=str(screenshots / f"follow-form-{language}-box.png"))

    page.fill("#id_follow_email", address)
    page.check("#follow input[name=frequency][value=immediate]")
    page.check("#id_follow_consent")
    page.click("#follow button[type=submit]")
    page.wait_for_url(re.compile(r".*/follow/sent/.*"))
    assert page.locator("h1").inner_text() == _say(language, "Check your e-mail")
    _shot(page, screenshots, f"sent-{language}-390")
    followed = Follow.objects.get(subscriber__email=address)
    assert (followed.state, followed.frequency) == (Follow.State.PENDING, "immediate")
    assert followed.subscriber.language == language

    # 2. The confirmation e-mail's link: a page with a button, then confirmed.
    [confirmation] = _to(mailoutbox, address)
    [confirm_path] = _links(confirmation.body, rf"/{language}/follow/confirm/[^/]+/")
    page.goto(live_server.url + confirm_path)
    assert page.locator("h1").inner_text() == _say(language, "Confirm that you follow")
    followed.refresh_from_db()
    assert followed.state == Follow.State.PENDING, "opening the link confirms nothing"
    _shot(page, screenshots, f"confirm-{language}-390")
    _accessible(page, f"confirm {language}")
    page.click("main form button[type=submit]")
    assert page.locator("h1").inner_text() == _say(language, "Thank you")
    assert title in page.locator("main").inner_text()
    _shot(page, screenshots, f"confirmed-{language}-390")
    followed.refresh_from_db()
    assert followed.state == Follow.State.ACTIVE

    # 3. The page where the address manages what it follows.
    page.click(f"main a:has-text('{_say(language, 'Manage what you follow')}')")
    page.wait_for_url(re.compile(rf".*/{language}/follow/manage/.*"))
    assert page.locator(f"#follow-{followed.pk}").is_visible()
    _shot(page, screenshots, f"manage-{language}-390")
    _accessible(page, f"manage {language}")

    # 4. The council records a milestone update in the admin: one e-mail to that address.
    sent_before = len(mailoutbox)
    staff = staff_page(world.plan.council)
    _record_milestone_update(staff, live_server, world.milestone, "Le registre est en ligne.")
    [notification] = _to(mailoutbox[sent_before:], address)
    milestone = getattr(world.milestone, f"title_{language}")
    assert milestone in notification.body and "Le registre est en ligne." in notification.body
    reference = world.commitment.reference
    pages = _links(notification.body, rf"/(ar|fr)/councils/.*/commitments/{reference}/")
    assert {path.split("/")[1] for path in pages} == {language, other}, notification.body
    unsubscribe = notification.extra_headers["List-Unsubscribe"]
    assert re.fullmatch(rf"<https?://\S+/{language}/follow/unsubscribe/\S+/>", unsubscribe)
    assert notification.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html, mimetype = notification.alternatives[0]
    assert mimetype == "text/html"
    assert f'<html lang="{language}" dir="{direction}">' in html

    # 5. The e-mail's unsubscribe link: a page, a button, stopped.
    page.goto(live_server.url + urlsplit(unsubscribe.strip("<>")).path)
    assert title in page.locator("main").inner_text()
    _shot(page, screenshots, f"unsubscribe-{language}-390")
    page.click("main form button[type=submit]")
    assert (
        _say(language, "Done: you will no longer be told about this.")
        in page.locator("main").inner_text()
    )
    _shot(page, screenshots, f"unsubscribed-{language}-390")
    followed.refresh_from_db()
    assert followed.state == Follow.State.ENDED

    # 6. The next update tells that address nothing.
    sent_before = len(mailoutbox)
    _record_milestone_update(staff, live_server, world.milestone, "Le registre est complété.")
    assert _to(mailoutbox[sent_before:], address) == []


def test_a_commenter_during_implementation_follows_the_thread_and_is_told_of_the_reply(
    world, live_server, page, staff_page, mailoutbox, screenshots
):
    address = "question@example.org"
    page.set_viewport_size(PHONE)
    commitment_path = world.commitment.get_absolute_url()  # Arabic, the default

    # A question on the commitment's page, during implementation.
    page.goto(live_server.url + commitment_path)
    page.locator("#dialogue-form").scroll_into_view_if_needed()
    _shot(page, screenshots, "dialogue-ar-390")
    page.fill("#id_new_author_name", "فاطمة")
    page.fill("#id_new_email", address)
    page.fill("#id_new_body", "متى سيُنشر سجل الصفقات على الموقع؟")
    page.check("#id_new_consent")
    page.click("form.comment-form:has(#id_new_body) button[type=submit]")
    page.wait_for_url(re.compile(r".*/comments/sent/.*"))
    comment = Comment.objects.get(email=address)
    assert comment.phase == "implementation"

    # Its confirmation: published, and its author now follows the thread.
    [confirmation] = _to(mailoutbox, address)
    [confirm_path] = _links(confirmation.body, r"/ar/comments/confirm/[^/]+/")
    page.goto(live_server.url + confirm_path)
    page.click("main form button[type=submit]")
    assert page.locator("h1").inner_text() == _say("ar", "Thank you")
    note = page.locator(".follow-note")
    assert note.is_visible()
    assert note.locator("a[href*='/ar/follow/manage/']").count() == 1
    _shot(page, screenshots, "comment-confirmed-ar-390")
    thread = Follow.objects.get(comment=comment)
    assert (thread.state, thread.subscriber.email) == (Follow.State.ACTIVE, address)
    comment.refresh_from_db()
    assert comment.state == Comment.State.PUBLISHED

    # The council's official reply, typed in the comments admin: the author is told of it.
    sent_before = len(mailoutbox)
    staff = staff_page(world.plan.council)
    staff.goto(
        live_server.url + _in(reverse("admin:commitments_comment_change", args=[comment.pk]), "fr")
    )
    reply = "سيُنشر السجل في شهر ماي."
    staff.fill("#id_official_reply", reply)
    staff.click("input[name=_save]")
    staff.wait_for_selector(".messagelist .success")
    [told] = _to(mailoutbox[sent_before:], address)
    assert reply in told.body
    assert _links(told.body, r"/fr/councils/.*/commitments/TET-2024-01/")
    assert '<html lang="ar" dir="rtl">' in told.alternatives[0][0]

    # The reply shows under the question on the commitment's page.
    page.goto(live_server.url + commitment_path)
    assert reply in page.locator(f"#comment-{comment.pk}").inner_text()
    _shot(page, screenshots, "dialogue-answered-ar-390")
