"""What citizens met on the public pages (issue 22), in a real browser, in Arabic (right to left)
and French: a commitment's two statuses each labelled, an invalid comment brought back at its
form with an error summary, periods of years read in one order, a plan without workshops saying
so, and the API's documentation loading nothing from another site."""

import re

import pytest
from django.urls import reverse

from commitments.models import Commitment
from consultations.models import ActionPlan

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LRI, PDI = "\u2066", "\u2069"

# Every period of years drawn on the page: where its first and its last year are drawn.
PERIODS_AS_DRAWN = r"""() => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const period = /(\d{4})\s*[-\u2013]\s*(\d{4})/g;
  let node;
  while ((node = walker.nextNode())) {
    for (const m of node.data.matchAll(period)) {
      const end = m.index + m[0].length;
      const first = document.createRange(), last = document.createRange();
      first.setStart(node, m.index); first.setEnd(node, m.index + 4);
      last.setStart(node, end - 4); last.setEnd(node, end);
      const a = first.getBoundingClientRect(), b = last.getBoundingClientRect();
      if (!a.width || !b.width || Math.abs(a.top - b.top) > 4) continue;  // hidden or wrapped
      found.push({text: m[0], where: node.parentElement.outerHTML.slice(0, 160),
                  first: a.left, last: b.left});
    }
  }
  return found;
}"""


def _in(url: str, language: str) -> str:
    return f"/{language}/" + url.split("/", 2)[2]


def test_commitment_page_labels_completion_and_declared_status(
    live_server, page, demo_urls, screenshots
):
    # The demo's Agadir commitment: a milestone under way, declared "not started".
    commitment = Commitment.objects.get(reference="AGA-2025-01")
    assert commitment.status_disagrees_with_completion()
    for language in ("ar", "fr"):
        page.goto(live_server.url + _in(commitment.get_absolute_url(), language))
        facts = page.locator(".commitment-status > div")
        assert facts.count() == 2
        for fact in (facts.nth(0), facts.nth(1)):
            label, value = fact.locator("dt"), fact.locator("dd")
            assert label.is_visible() and label.inner_text().strip()
            assert value.is_visible() and value.locator("small").inner_text().strip()
        assert page.locator(".status-note").is_visible()
        page.screenshot(path=str(screenshots / f"commitment-statuses-{language}.png"))
    # A commitment whose declared status agrees shows no note.
    agreeing = Commitment.objects.get(reference="TTA-2024-01")
    page.goto(live_server.url + agreeing.get_absolute_url())
    assert page.locator(".commitment-status").is_visible()
    assert page.locator(".status-note").count() == 0


def test_invalid_comment_brings_the_reader_back_to_the_form_with_a_summary(
    live_server, page, demo_urls, screenshots
):
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: the form is far down
    for language in ("ar", "fr"):
        page.goto(live_server.url + _in(demo_urls["consultation-plan"], language))
        page.fill("#id_new_author_name", "Salma")
        page.fill("#id_new_email", "pas-une-adresse")
        page.fill("#id_new_body", "نص التعليق الذي كتبته")
        page.check("#id_new_consent")
        page.click(".comments > form.comment-form button[type=submit]")
        page.wait_for_load_state()
        assert page.url.endswith("#comment-form")
        summary = page.locator(".error-summary[role=alert]")
        assert summary.count() == 1
        # The reader lands at the form, not at the top of the page.
        assert page.evaluate("window.scrollY") > 500
        box = summary.bounding_box()
        assert 0 <= box["y"] < page.viewport_size["height"], box
        # What was typed is still there.
        assert page.input_value("#id_new_author_name") == "Salma"
        assert page.input_value("#id_new_body") == "نص التعليق الذي كتبته"
        assert page.is_checked("#id_new_consent")
        # The summary's link leads to the field, which says it is invalid.
        link = summary.locator("a[href='#id_new_email']")
        assert link.is_visible()
        link.click()
        assert page.url.endswith("#id_new_email")
        email = page.locator("#id_new_email")
        assert email.get_attribute("aria-invalid") == "true"
        assert email.is_visible()
        page.screenshot(path=str(screenshots / f"comment-error-summary-{language}.png"))


def test_periods_of_years_read_in_one_order_in_arabic(live_server, page, demo_urls, screenshots):
    plans = [
        demo_urls["plan"],
        demo_urls["consultation-plan"],
        demo_urls["council"],
        demo_urls["home"],
        demo_urls["commitment"],
        demo_urls["repository"],
    ]
    seen = 0
    for url in plans:
        page.goto(live_server.url + _in(url, "ar"))
        periods = page.evaluate(PERIODS_AS_DRAWN)
        for period in periods:
            # Drawn left to right, first year first, as in French: never "2027-2025".
            assert period["first"] < period["last"], period
        seen += len(periods)
    assert seen >= 6
    # The page's title names the plan's period once, isolated left to right.
    page.goto(live_server.url + _in(demo_urls["consultation-plan"], "ar"))
    title = page.title()
    assert len(re.findall(r"2025-2027", title)) == 1, title
    assert f"{LRI}2025-2027{PDI}" in title
    page.screenshot(path=str(screenshots / "plan-periods-ar.png"))


def test_plan_without_workshops_says_so(live_server, page, demo_urls, screenshots):
    existing = ActionPlan.objects.get(council__slug="tetouan", start_year=2022)
    assert not existing.workshops.exists()
    for language in ("ar", "fr"):
        page.goto(live_server.url + _in(existing.get_absolute_url(), language))
        summary = page.locator(".cocreation-summary")
        text = summary.inner_text()
        assert summary.is_visible() and text.strip()
        assert not re.search(r"\b0\b|0\s?%", text), text
        page.screenshot(path=str(screenshots / f"plan-without-workshops-{language}.png"))
    # A plan with a workshop still counts it.
    page.goto(live_server.url + _in(demo_urls["plan"], "fr"))
    assert re.search(r"\d+\s%", page.locator(".cocreation-summary").inner_text())


def test_api_docs_request_nothing_from_another_site(live_server, page):
    seen, blocked = [], []
    page.on("request", lambda request: seen.append(request.url))
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(live_server.url + reverse("api:docs"))
    page.wait_for_selector("text=councils")
    page.wait_for_load_state("networkidle")
    assert seen
    local = (live_server.url, "data:", "blob:")
    assert all(url.startswith(local) for url in seen), seen
    assert blocked == []
