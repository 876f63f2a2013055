"""Every public page type in both languages, in a real browser: it renders, Arabic pages are
laid out right to left, and the language switch keeps the reader on the same page. Screenshots
are kept under artifacts/screenshots/."""

import pytest

# serialized_rollback: the flush after each test would otherwise also remove the data that
# migrations create (the role groups), which later tests rely on.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _in(url: str, language: str) -> str:
    return f"/{language}/" + url.split("/", 2)[2]


def test_pages_render_in_both_directions(live_server, page, demo_urls, screenshots):
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    for name, url in demo_urls.items():
        for language, direction in (("ar", "rtl"), ("fr", "ltr")):
            response = page.goto(live_server.url + _in(url, language))
            assert response.status == 200, (name, language)
            assert page.locator("html").get_attribute("dir") == direction
            assert page.evaluate("getComputedStyle(document.body).direction") == direction
            heading = page.locator("h1")
            assert heading.count() == 1 and heading.inner_text().strip()
            # The brand sits at the start of the reading direction: right in Arabic.
            brand = page.locator(".brand").bounding_box()
            width = page.viewport_size["width"]
            if direction == "rtl":
                assert brand["x"] > width / 2, (name, brand)
            else:
                assert brand["x"] < width / 2, (name, brand)
            # Nothing sticks out sideways (the usual symptom of a mirrored-layout bug).
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 1, (name, language, overflow)
            page.screenshot(path=str(screenshots / f"{name}-{language}.png"), full_page=True)


def test_language_switch_keeps_the_page(live_server, page, demo_urls):
    url = demo_urls["workshop"]
    page.goto(live_server.url + _in(url, "ar"))
    page.select_option("#language-select", "fr")
    page.click(".language-switch button")
    page.wait_for_load_state()
    assert page.url == live_server.url + _in(url, "fr")
    assert page.locator("html").get_attribute("lang") == "fr"


def test_consultation_banner_and_skip_link(live_server, page, demo_urls):
    page.goto(live_server.url + _in(demo_urls["consultation-plan"], "fr"))
    assert page.locator(".banner").is_visible()
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert "skip-link" in focused
    assert page.locator(".skip-link").is_visible()


def test_no_request_leaves_the_site(live_server, page, demo_urls):
    seen = []
    page.on("request", lambda request: seen.append(request.url))
    for url in demo_urls.values():
        page.goto(live_server.url + _in(url, "ar"))
    assert seen
    assert all(u.startswith(live_server.url) or u.startswith("data:") for u in seen), seen


def test_pages_pass_axe_wcag_aa_checks(live_server, page, demo_urls):
    """axe-core (shipped with axe-playwright-python) finds no WCAG 2.1 A/AA violation."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    options = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    reports = []
    for name, url in demo_urls.items():
        for language in ("ar", "fr"):
            page.goto(live_server.url + _in(url, language))
            results = axe.run(page, options=options)
            if results.violations_count:
                reports.append(f"{name}-{language}:\n{results.generate_report()}")
    assert not reports, "\n".join(reports)


def test_axe_check_does_catch_violations(page):
    """The accessibility check above can fail: a page with an unlabelled image is reported."""
    from axe_playwright_python.sync_playwright import Axe

    page.set_content('<html lang="fr"><body><main><img src="data:,"></main></body></html>')
    assert Axe().run(page).violations_count > 0
