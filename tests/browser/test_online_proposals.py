"""A citizen sends a proposal online and another supports it, in a real browser on a phone, in
Arabic (right to left) and in French (issue 18): the Propose form of the plan's page, "check
your e-mail", the confirmation link of the e-mail and its button, the proposal's own page, the
Support form, its e-mailed link and the count. Every page fits a 390-px screen; screenshots go to
artifacts/screenshots/."""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from consultations.models import ActionPlan, Proposal, ProposalSupport
from tests import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
TEXTS = {
    "ar": (
        "نشر محاضر دورات المجلس على الإنترنت",
        "ننشر محاضر الدورات على موقع الجماعة خلال أسبوعين من كل دورة، مع جدول الأعمال قبلها.",
        "جمعية أمل القنيطرة",
        "القنيطرة",
    ),
    "fr": (
        "Un budget participatif pour les quartiers",
        "Réserver chaque année une part du budget d'investissement à des projets choisis par les "
        "habitants de chaque arrondissement.",
        "Collectif des usagers",
        "Kénitra",
    ),
}


@pytest.fixture(autouse=True)
def _people_not_robots(settings):
    """The browser fills the forms at once: no minimum time; budgets from earlier runs do not
    carry over."""
    settings.PROPOSAL_FORM_MIN_SECONDS = 0
    settings.SUPPORT_FORM_MIN_SECONDS = 0
    settings.COMMENT_RATE_LIMITS = {
        **settings.COMMENT_RATE_LIMITS,
        "per_ip": 1000,
        "per_email": 1000,
        "mails_per_email": 1000,
    }


@pytest.fixture
def plan(db):
    today = timezone.localdate()
    council = factories.CouncilFactory(
        slug="kenitra", name_ar="جماعة القنيطرة", name_fr="Commune de Kénitra"
    )
    theme = factories.ThemeFactory(
        name_ar="الشفافية والحكامة الرقمية", name_fr="Transparence et gouvernance numérique"
    )
    assert theme.pk
    return factories.ActionPlanFactory(
        council=council,
        start_year=2026,
        end_year=2028,
        stage=ActionPlan.Stage.PREPARATION,
        title_ar="خطة عمل الحكومة المنفتحة لجماعة القنيطرة",
        title_fr="Plan d'action de gouvernement ouvert de Kénitra",
        proposals_opens_on=today - datetime.timedelta(days=5),
        proposals_closes_on=today + datetime.timedelta(days=25),
        proposals_need_moderation=False,
    )


def _say(language: str, text: str) -> str:
    with translation.override(language):
        return gettext(text)


def _fits_a_phone(page, name: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.evaluate("window.innerWidth"), (name, width)


def _shot(page, screenshots, name: str) -> None:
    page.screenshot(path=str(screenshots / f"proposal-{name}.png"), full_page=True)
    _fits_a_phone(page, name)


def _accessible(page, name: str) -> None:
    """axe-core finds no WCAG 2.1 A/AA violation (as tests/browser/test_public_pages.py)."""
    from axe_playwright_python.sync_playwright import Axe

    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": tags}})
    assert not results.violations_count, f"{name}:\n{results.generate_report()}"


def _link(mailoutbox, address: str, pattern: str) -> str:
    [message] = [m for m in mailoutbox if address in m.to]
    paths = [urlsplit(link).path for link in re.findall(r"https?://\S+", message.body)]
    [path] = [path for path in paths if re.fullmatch(pattern, path)]
    return path


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_a_citizen_proposes_online_and_another_supports_it(
    language, plan, live_server, page, mailoutbox, screenshots
):
    direction = "rtl" if language == "ar" else "ltr"
    author, supporter = f"auteur-{language}@example.org", f"soutien-{language}@example.org"
    title, body, organisation, residence = TEXTS[language]
    page.set_viewport_size(PHONE)

    # 1. The plan's page: the banner and the Propose form.
    response = page.goto(f"{live_server.url}/{language}/councils/kenitra/plans/2026/")
    assert response.status == 200
    assert page.locator("html").get_attribute("dir") == direction
    assert page.locator(".banner a[href='#propose']").is_visible()
    form = page.locator("#propose form")
    box = page.locator("#id_proposal_website").bounding_box()
    assert box["x"] + box["width"] <= 0 or box["x"] >= PHONE["width"], "the honeypot is off screen"
    page.select_option("#id_proposal_kind", Proposal.Kind.RECOMMENDATION)
    page.select_option("#id_proposal_theme", index=1)
    page.fill("#id_proposal_title", title)
    page.fill("#id_proposal_body", body)
    page.fill("#id_proposal_organisation", organisation)
    page.fill("#id_proposal_residence", residence)
    page.fill("#id_proposal_email", author)
    page.check("#id_proposal_consent")
    form.scroll_into_view_if_needed()
    _shot(page, screenshots, f"form-{language}-390")
    _accessible(page, f"propose form {language}")
    page.locator("#propose").screenshot(path=str(screenshots / f"proposal-form-{language}-box.png"))
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/proposals/sent/.*"))
    assert page.locator("h1").inner_text() == _say(language, "Check your e-mail")
    _shot(page, screenshots, f"sent-{language}-390")
    proposal = Proposal.objects.get(email=author)
    assert (proposal.publication, proposal.language) == (Proposal.Publication.PENDING, language)
    assert getattr(proposal, f"title_{language}") == title

    # 2. The e-mail's link: the proposal and a button, then published (no moderation here).
    page.goto(live_server.url + _link(mailoutbox, author, rf"/{language}/proposals/confirm/[^/]+/"))
    assert page.locator("h1").inner_text() == _say(language, "Confirm your proposal")
    assert title in page.locator("main").inner_text()
    _shot(page, screenshots, f"confirm-{language}-390")
    _accessible(page, f"confirm {language}")
    page.click("main form button[type=submit]")
    assert page.locator("h1").inner_text() == _say(language, "Thank you")
    assert page.locator("main a[href*='/follow/manage/']").count() == 1
    _shot(page, screenshots, f"confirmed-{language}-390")
    proposal.refresh_from_db()
    assert proposal.publication == Proposal.Publication.PUBLISHED

    # 3. Its page, and a citizen supports it.
    page.click(f"main a:has-text('{_say(language, 'See your proposal')}')")
    page.wait_for_url(re.compile(rf".*/{language}/proposals/{proposal.pk}/"))
    main = page.locator("main").inner_text()
    assert title in main and organisation in main and residence in main
    assert _say(language, "Sent online") in main
    assert author not in page.content()
    _shot(page, screenshots, f"page-{language}-390")
    _accessible(page, f"proposal page {language}")
    page.fill("#id_support_email", supporter)
    page.check("#id_support_consent")
    page.locator("#support").scroll_into_view_if_needed()
    page.locator("#support").screenshot(path=str(screenshots / f"proposal-support-{language}.png"))
    page.click("#support button[type=submit]")
    page.wait_for_url(re.compile(r".*/proposals/sent/.*"))
    confirm = _link(mailoutbox, supporter, rf"/{language}/proposals/supports/confirm/[^/]+/")
    page.goto(live_server.url + confirm)
    assert page.locator("h1").inner_text() == _say(language, "Confirm your support")
    page.click("main form button[type=submit]")
    assert page.locator("h1").inner_text() == _say(language, "Thank you")
    support = ProposalSupport.objects.get(proposal=proposal)
    assert (support.state, support.email) == (ProposalSupport.State.CONFIRMED, "")

    # 4. Back on its page, the count.
    page.click(f"main a:has-text('{_say(language, 'Back to the proposal')}')")
    with translation.override(language):
        one = ngettext(
            "%(counter)s citizen supports this proposal.",
            "%(counter)s citizens support this proposal.",
            1,
        ) % {"counter": 1}
    assert page.locator(".support-total").inner_text() == one
    _shot(page, screenshots, f"supported-{language}-390")

    # 5. The list: the row says sent online, with its support.
    page.goto(f"{live_server.url}/{language}/proposals/?origin=online&sort=support")
    row = page.locator(f"#proposal-{proposal.pk}")
    assert row.locator("a").get_attribute("href").endswith(f"/proposals/{proposal.pk}/")
    _shot(page, screenshots, f"list-{language}-390")
