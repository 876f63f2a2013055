"""The Content-Security-Policy in a real browser: no page of the public site or of the admin
(including the bilingual tabs, date pickers and autocompletes) does anything the policy blocks."""

import pytest
from django.urls import reverse

from commitments.models import Commitment
from consultations.models import ActionPlan

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "a-long-browser-password"


def _violations(page) -> list[str]:
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return blocked


def test_public_pages_break_no_rule_of_the_policy(live_server, page, demo_urls):
    blocked = _violations(page)
    for url in demo_urls.values():
        for language in ("ar", "fr"):
            page.goto(live_server.url + f"/{language}/" + url.split("/", 2)[2])
            page.wait_for_load_state("networkidle")
    assert blocked == []


def test_admin_pages_break_no_rule_of_the_policy(live_server, page, demo_urls, django_user_model):
    django_user_model.objects.create_superuser("csp-admin", "csp@example.org", PASSWORD)
    blocked = _violations(page)
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("#id_username", "csp-admin")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + reverse("admin:index"))
    plan = ActionPlan.objects.get(council__slug="tanger-tetouan-al-hoceima", start_year=2024)
    commitment = Commitment.objects.get(reference="TTA-2024-01")
    for url in (
        reverse("admin:consultations_actionplan_changelist"),
        reverse("admin:consultations_actionplan_change", args=[plan.pk]),
        reverse("admin:commitments_commitment_change", args=[commitment.pk]),
        reverse("admin:consultations_proposal_changelist"),
        reverse("admin:commitments_commitment_add"),
    ):
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
    # The admin's own scripts ran: the translation tabs were built by jQuery UI.
    assert page.locator(".ui-tabs").count() > 0
    assert blocked == []


def test_the_browser_does_report_what_the_policy_blocks(live_server, page, demo_urls):
    """The check above can fail: an inline script injected into a page is refused and reported."""
    blocked = _violations(page)
    page.goto(live_server.url + demo_urls["home"])
    page.set_content(
        page.content().replace("</body>", "<script>document.title='x'</script></body>"),
    )
    page.goto(live_server.url + demo_urls["plan"])
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.pwned = 1';"
        " document.body.appendChild(s); }"
    )
    assert page.evaluate("() => window.pwned") is None
    assert blocked
