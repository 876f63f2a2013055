"""The search as a citizen uses it, in Chromium: typed into the header's box on any page, the
overview, a kind's tab, and the "did you mean" of a misspelt word, in both languages on a phone.
(Every public page's layout, direction and axe checks include the search page: conftest.)"""

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _overflow(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.mark.parametrize(
    ("language", "query", "kind_label"),
    [("ar", "ميزانية", "الالتزامات"), ("fr", "budget", "Engagements")],
)
def test_the_header_box_leads_to_grouped_results(
    live_server, page, demo_urls, screenshots, language, query, kind_label
):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/{language}/")
    page.fill("#header-search-q", query)
    page.press("#header-search-q", "Enter")
    page.wait_for_load_state()
    with translation.override(language):
        assert page.url.startswith(live_server.url + reverse("sitesearch:search"))
    assert page.locator("#id_q").input_value() == query
    hits = page.locator(".search-hit")
    assert hits.count() >= 2
    assert page.locator(".search-hit mark").count() >= 1
    assert _overflow(page) <= 1
    page.screenshot(path=str(screenshots / f"search-overview-{language}.png"), full_page=True)
    # A kind's tab: only that kind, the tab marked as the current one.
    tab = page.locator(".search-kinds a", has_text=kind_label)
    tab.click()
    page.wait_for_load_state()
    assert "kind=commitment" in page.url
    assert page.locator(".search-kinds a[aria-current]").inner_text().startswith(kind_label)
    assert page.locator(".search-hit").count() >= 1
    assert page.locator(".search-hit-commitment").count() == page.locator(".search-hit").count()
    # The first result opens its commitment's page.
    page.locator(".search-hit h3 a").first.click()
    page.wait_for_load_state()
    assert "/commitments/" in page.url
    assert _overflow(page) <= 1
