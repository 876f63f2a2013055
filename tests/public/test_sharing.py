"""Pages people share: Open Graph and Twitter meta, canonical and hreflang links, the plan's
picture, the sitemap, robots.txt, and the accessibility and OGP Local pages."""

import gzip
import io
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from PIL import Image

from commitments.models import Milestone
from consultations.models import ActionPlan, Proposal
from sitesearch import sitemap
from tests import factories

pytestmark = pytest.mark.django_db

SITE = "https://portal.infitah.test"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


@pytest.fixture
def site(settings):
    settings.SITE_URL = SITE
    return settings


def _meta(html: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key, value in re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)"', html):
        found.setdefault(key, []).append(value)
    return found


@pytest.fixture
def plan():
    plan = factories.ActionPlanFactory(
        stage=ActionPlan.Stage.IMPLEMENTATION, council__slug="share-region"
    )
    commitment = factories.CommitmentFactory(plan=plan, reference="SHR-2024-01")
    factories.MilestoneFactory(commitment=commitment)
    factories.MilestoneFactory(
        commitment=commitment, status=Milestone.Status.COMPLETED, completed_on="2024-06-01"
    )
    return plan


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_plan_page_names_its_picture_and_language_for_shared_links(client, site, plan, language):
    url = plan.get_absolute_url().replace("/ar/", f"/{language}/", 1)
    meta = _meta(client.get(url).content.decode())
    other = "fr" if language == "ar" else "ar"
    assert meta["og:locale"] == [f"{language}_MA"]
    assert meta["og:locale:alternate"] == [f"{other}_MA"]
    assert meta["og:url"] == [f"{SITE}{url}"]
    image = reverse("commitments:plan_image", args=[plan.council.slug, plan.start_year])
    assert meta["og:image"] == [f"{SITE}{image.replace('/ar/', f'/{language}/', 1)}"]
    assert meta["og:image:width"] == ["1200"]
    assert meta["og:image:height"] == ["630"]
    assert meta["og:image:alt"][0]
    assert meta["twitter:card"] == ["summary_large_image"]
    assert meta["og:site_name"][0]
    assert meta["og:title"][0] and "<" not in meta["og:title"][0]
    description = meta["og:description"][0]
    assert description and "<" not in description and len(description) <= 200


def test_description_is_plain_text_cut_at_a_word(client, site, plan):
    workshop = factories.WorkshopFactory(council=plan.council, plan=plan)
    group = factories.WorkingGroupFactory(workshop=workshop)
    proposal = factories.ProposalFactory(
        working_group=group, status=Proposal.Status.RETAINED, body_ar="كلمة\nطويلة " * 60
    )
    html = client.get(proposal.get_absolute_url()).content.decode()
    (description,) = _meta(html)["description"]
    assert len(description) <= 200
    assert description.endswith("طويلة…") or description.endswith("كلمة…")
    assert "\n" not in description and "  " not in description


def test_other_pages_share_the_sites_picture(client, site):
    meta = _meta(client.get("/fr/").content.decode())
    assert meta["og:image"][0].startswith(SITE)
    assert meta["og:image"][0].endswith(".png")
    assert "infitah-fr" in meta["og:image"][0]


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_plan_picture_is_a_1200_by_630_png_drawn_once_per_version(
    client, plan, language, django_assert_num_queries
):
    url = reverse("commitments:plan_image", args=[plan.council.slug, plan.start_year])
    url = url.replace("/ar/", f"/{language}/", 1)
    first = client.get(url)
    assert first.status_code == 200
    assert first["Content-Type"] == "image/png"
    assert "max-age" in first["Cache-Control"] and "public" in first["Cache-Control"]
    assert first["ETag"]
    assert Image.open(io.BytesIO(first.content)).size == (1200, 630)
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again["X-Cache"] == "hit"
    assert again.content == first.content
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_plan_picture_of_a_private_plan_is_not_found(client):
    plan = factories.ActionPlanFactory(stage=ActionPlan.Stage.PREPARATION)
    url = reverse("commitments:plan_image", args=[plan.council.slug, plan.start_year])
    assert client.get(url).status_code == 404


def test_canonical_keeps_only_page(client, site):
    url = reverse("consultations:proposals")
    html = client.get(url + "?status=merged&page=2").content.decode()
    assert re.findall(r'<link rel="canonical" href="([^"]+)"', html) == [f"{SITE}{url}?page=2"]
    html = client.get(url + "?page=1").content.decode()
    assert re.findall(r'<link rel="canonical" href="([^"]+)"', html) == [f"{SITE}{url}"]


def _get_xml(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    content = response.content
    if url.endswith(".gz"):
        assert response["Content-Type"] == "application/gzip"
        content = gzip.decompress(content)
    else:
        assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(content)  # noqa: S314


def test_sitemap_lists_public_pages_in_both_languages_with_alternates(client, site, plan):
    private = factories.ActionPlanFactory(
        stage=ActionPlan.Stage.PREPARATION, council__slug="private-region"
    )
    workshop = factories.WorkshopFactory(council=plan.council, plan=plan)
    group = factories.WorkingGroupFactory(workshop=workshop)
    proposal = factories.ProposalFactory(working_group=group, status=Proposal.Status.RETAINED)
    index = _get_xml(client, "/sitemap.xml")
    sections = [loc.text for loc in index.findall("s:sitemap/s:loc", NS)]
    assert all(location.startswith(f"{SITE}/sitemap-") for location in sections)
    entries = {}
    for location in sections:
        root = _get_xml(client, location.removeprefix(SITE))
        for url in root.findall("s:url", NS):
            links = {link.get("hreflang"): link.get("href") for link in url.findall("x:link", NS)}
            entries[url.find("s:loc", NS).text] = links
    plan_url = f"{SITE}{plan.get_absolute_url()}"
    plan_fr = plan_url.replace("/ar/", "/fr/", 1)
    assert entries[plan_url] == {"ar": plan_url, "fr": plan_fr, "x-default": plan_url}
    assert plan_fr in entries
    commitment = plan.commitments.get()
    assert f"{SITE}{commitment.get_absolute_url()}" in entries
    assert f"{SITE}{workshop.get_absolute_url()}" in entries
    assert f"{SITE}{proposal.get_absolute_url()}" in entries
    assert f"{SITE}{reverse('accessibility')}" in entries
    assert f"{SITE}/fr/ogp-local/" in entries
    assert not any(
        f"/plans/{private.start_year}/" in url and "private-region" in url for url in entries
    )


def test_sitemap_pages_hold_at_most_their_share_and_cost_one_query(
    client, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(sitemap, "MAX_URLS", 4)  # two proposals a page, in two languages
    plan = factories.ActionPlanFactory(stage=ActionPlan.Stage.IMPLEMENTATION)
    workshop = factories.WorkshopFactory(council=plan.council, plan=plan)
    group = factories.WorkingGroupFactory(workshop=workshop)
    for _ in range(5):
        factories.ProposalFactory(working_group=group, status=Proposal.Status.RETAINED)
    index = _get_xml(client, "/sitemap.xml")
    pages = [loc.text for loc in index.findall("s:sitemap/s:loc", NS) if "proposals" in loc.text]
    assert len(pages) == 3
    with django_assert_max_num_queries(1):
        last = _get_xml(client, "/sitemap-proposals-3.xml.gz")
    assert len(last.findall("s:url", NS)) == 2
    assert len(_get_xml(client, "/sitemap-proposals-1.xml.gz").findall("s:url", NS)) == 4
    assert client.get("/sitemap-proposals-4.xml.gz").status_code == 404
    assert client.get("/sitemap-nothing-1.xml.gz").status_code == 404


def test_robots_txt_names_the_sitemap(client, site):
    text = client.get("/robots.txt").content.decode()
    assert f"Sitemap: {SITE}/sitemap.xml" in text


@pytest.mark.parametrize("language", ["ar", "fr"])
@pytest.mark.parametrize("name", ["accessibility", "ogp_local"])
def test_about_pages_are_linked_from_every_footer(client, language, name):
    home = client.get(f"/{language}/").content.decode()
    url = f"/{language}/" + reverse(name).split("/", 2)[2]
    assert f'href="{url}"' in home
    response = client.get(url)
    assert response.status_code == 200
    assert f'lang="{language}"' in response.content.decode()


def test_accessibility_statement_names_the_contact_from_settings(client, settings):
    settings.ACCESSIBILITY_CONTACT = "access@council.example.ma"
    html = client.get(reverse("accessibility")).content.decode()
    assert 'href="mailto:access@council.example.ma"' in html
    assert "WCAG 2.2" in html


def test_accessibility_contact_defaults_to_the_sender_address(monkeypatch):
    import importlib

    from opengov import settings as portal_settings

    monkeypatch.delenv("ACCESSIBILITY_CONTACT", raising=False)
    monkeypatch.setenv("DEFAULT_FROM_EMAIL", "Infitah <contact@infitah.example.ma>")
    try:
        assert importlib.reload(portal_settings).ACCESSIBILITY_CONTACT == (
            "contact@infitah.example.ma"
        )
    finally:
        monkeypatch.undo()
        importlib.reload(portal_settings)


@pytest.mark.parametrize("name", ["accessibility", "ogp_local"])
def test_about_pages_query_count_is_fixed(client, name, django_assert_max_num_queries):
    client.get(reverse(name))
    with django_assert_max_num_queries(2):
        assert client.get(reverse(name)).status_code == 200


def test_a_period_after_arabic_words_is_drawn_in_reading_order():
    """Drawn right to left, "أكادير 2025-2027" shows 2027 at the far left unless the period is
    isolated, as the pages isolate it: the picture's leftmost digits must be 2025's."""
    from PIL import ImageDraw

    from commitments.sharing import image

    if not image.can_shape():
        pytest.skip("Pillow without libraqm here")
    font = image._font("arabic", "regular", 40)

    def ink(canvas):
        return canvas.convert("L").point(lambda p: 0 if p < 160 else 255)

    def title(text):
        canvas = Image.new("RGB", (image.WIDTH, 80), "white")
        image._Writer(ImageDraw.Draw(canvas), rtl=True).line(text, 10, size=40)
        return ink(canvas)

    def digits(text):
        canvas = Image.new("RGB", (image.WIDTH, 80), "white")
        ImageDraw.Draw(canvas).text((10, 10), text, font=font, fill="black")
        return ink(canvas)

    def leftmost(canvas, width):
        box = Image.eval(canvas, lambda p: 255 - p).getbbox()
        return canvas.crop((box[0], 0, box[0] + width, 80)).tobytes()

    def apart(a, b):  # pixels that differ (glyph positions may differ by a subpixel)
        return sum(x != y for x, y in zip(a, b, strict=True))

    width = int(font.getlength("2025"))
    drawn = leftmost(title("أكادير 2025-2027"), width)
    assert apart(drawn, leftmost(digits("2025"), width)) < apart(
        drawn, leftmost(digits("2027"), width)
    )
