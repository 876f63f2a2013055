"""Pages people share (issue 22), in a real browser: the Open Graph and Twitter meta a shared
link shows, the plan's picture (a 1200x630 PNG), the sitemap (parsed), and the footer's links to
the accessibility statement and the OGP Local page, in Arabic and French on a 390-px phone
without sideways scrolling."""

import gzip
import io
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from PIL import Image

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _in(url: str, language: str) -> str:
    return f"/{language}/" + url.split("/", 2)[2]


def _local(address: str) -> str:
    """The path of an absolute address the portal wrote (under SITE_URL)."""
    assert address.startswith(settings.SITE_URL), address
    parts = urlsplit(address)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _meta(page, key: str) -> str:
    attribute = "name" if key.startswith("twitter:") else "property"
    locator = page.locator(f'meta[{attribute}="{key}"]')
    assert locator.count() == 1, key
    return locator.get_attribute("content")


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_a_shared_plan_shows_its_title_description_and_picture(
    live_server, page, demo_urls, language, screenshots
):
    url = _in(demo_urls["plan"], language)
    page.goto(live_server.url + url)
    title = _meta(page, "og:title")
    assert title and title.removesuffix("…") in page.title()
    assert _meta(page, "og:description")
    assert _meta(page, "og:site_name")
    assert _local(_meta(page, "og:url")) == url
    assert _meta(page, "og:locale") == f"{language}_MA"
    assert _meta(page, "og:locale:alternate") == ("fr_MA" if language == "ar" else "ar_MA")
    assert _meta(page, "twitter:card") == "summary_large_image"
    assert (_meta(page, "og:image:width"), _meta(page, "og:image:height")) == ("1200", "630")
    assert _meta(page, "og:image:alt")
    canonical = page.locator('link[rel="canonical"]').get_attribute("href")
    assert canonical == _meta(page, "og:url")
    hreflangs = {
        link.get_attribute("hreflang"): _local(link.get_attribute("href"))
        for link in page.locator('link[rel="alternate"][hreflang]').all()
    }
    assert hreflangs == {"ar": _in(url, "ar"), "fr": _in(url, "fr"), "x-default": _in(url, "ar")}
    image = page.request.get(live_server.url + _local(_meta(page, "og:image")))
    assert image.status == 200
    assert image.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(image.body())).size == (1200, 630)
    (screenshots / f"share-plan-{language}.png").write_bytes(image.body())


def test_pages_other_than_plans_share_the_sites_picture(live_server, page, demo_urls):
    for language in ("ar", "fr"):
        page.goto(live_server.url + _in(demo_urls["council"], language))
        image = page.request.get(live_server.url + _local(_meta(page, "og:image")))
        assert image.status == 200
        assert image.headers["content-type"] == "image/png"
        assert Image.open(io.BytesIO(image.body())).size == (1200, 630)


def test_sitemap_lists_the_plan_in_both_languages(live_server, page, demo_urls):
    answer = page.request.get(live_server.url + "/sitemap.xml")
    assert answer.status == 200
    assert answer.headers["content-type"].startswith("application/xml")
    index = ET.fromstring(answer.body())  # noqa: S314
    sitemaps = [_local(loc.text) for loc in index.findall("s:sitemap/s:loc", NS)]
    plans = [address for address in sitemaps if "plans" in address]
    assert plans
    entries = {}
    for address in plans:
        answer = page.request.get(live_server.url + address)
        assert answer.status == 200
        assert answer.headers["content-type"] == "application/gzip"
        root = ET.fromstring(gzip.decompress(answer.body()))  # noqa: S314
        for url in root.findall("s:url", NS):
            alternates = {
                link.get("hreflang"): _local(link.get("href")) for link in url.findall("x:link", NS)
            }
            entries[_local(url.find("s:loc", NS).text)] = alternates
    plan = demo_urls["plan"]
    expected = {"ar": _in(plan, "ar"), "fr": _in(plan, "fr"), "x-default": _in(plan, "ar")}
    assert entries[_in(plan, "ar")] == expected
    assert entries[_in(plan, "fr")] == expected
    robots = page.request.get(live_server.url + "/robots.txt").text()
    assert "Sitemap: " in robots and robots.strip().endswith("/sitemap.xml")


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_footer_links_to_the_about_pages_on_a_phone(
    live_server, page, demo_urls, language, screenshots
):
    page.set_viewport_size({"width": 390, "height": 844})
    for start in ("home", "plan", "commitment"):
        page.goto(live_server.url + _in(demo_urls[start], language))
        links = page.locator("footer .footer-links a")
        assert links.count() == 2, start
        assert page.evaluate(OVERFLOW) <= 0, start
    for index in range(2):
        page.goto(live_server.url + _in(demo_urls["home"], language))
        link = page.locator("footer .footer-links a").nth(index)
        link.scroll_into_view_if_needed()
        box = link.bounding_box()
        assert box["height"] >= 24  # a target a thumb can hit (WCAG 2.5.8)
        name = link.inner_text().strip()
        link.click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == language
        heading = page.locator("h1")
        assert heading.is_visible() and heading.inner_text().strip() == name
        assert page.evaluate(OVERFLOW) <= 0, page.url
        page.screenshot(path=str(screenshots / f"about-{language}-{index}.png"), full_page=True)
