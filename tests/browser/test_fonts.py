"""The shipped web fonts in a real browser: the commitment page sets its text in them in both
languages, on a machine whose only fonts are DejaVu (wider than Noto) as on one with many, so
a 390-px phone never scrolls sideways; every font comes from the site; the reference line and
the comment box use the text fonts, never a monospace one."""

import os
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>{fonts}</dir><cachedir>{cache}</cachedir></fontconfig>
"""
# The FontFace objects the page's stylesheet declared and the browser loaded.
LOADED_FACES = """async () => {
  await document.fonts.ready;
  return [...document.fonts].filter(f => f.status === "loaded").map(f => `${f.family} ${f.weight}`);
}"""
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _in(url: str, language: str) -> str:
    return f"/{language}/" + url.split("/", 2)[2]


@pytest.fixture
def dejavu_only_page(browser_type, browser_type_launch_args, tmp_path):
    """A page in a Chromium that sees no font of the machine but DejaVu."""
    if not DEJAVU.is_dir():
        pytest.skip(f"needs DejaVu in {DEJAVU} (fonts-dejavu-core)")
    conf = tmp_path / "fonts.conf"
    conf.write_text(FONTS_CONF.format(fonts=DEJAVU, cache=tmp_path / "cache"))
    browser = browser_type.launch(
        **browser_type_launch_args, env={**os.environ, "FONTCONFIG_FILE": str(conf)}
    )
    context = browser.new_context(viewport=PHONE)
    yield context.new_page()
    context.close()
    browser.close()


def _check_commitment_page(page, base_url, url):
    fonts = []
    page.on(
        "request",
        lambda request: fonts.append(request.url) if request.resource_type == "font" else None,
    )
    for language, faces in (
        ("fr", {"Noto Sans 400", "Noto Sans 700"}),
        ("ar", {"Noto Naskh Arabic 400", "Noto Naskh Arabic 700", "Noto Sans 400"}),
    ):
        page.goto(base_url + _in(url, language))
        loaded = set(page.evaluate(LOADED_FACES))
        assert faces <= {face.replace('"', "") for face in loaded}, (language, loaded)
        assert page.evaluate(OVERFLOW) <= 1, language
        reference = page.locator(".reference").first
        family = reference.evaluate("e => getComputedStyle(e).fontFamily")
        assert family.startswith('"Noto Naskh Arabic", "Noto Sans"'), family
        assert "monospace" not in family
    assert fonts
    assert all(
        font.startswith(f"{base_url}/static/fonts/") and font.endswith(".woff2") for font in fonts
    ), fonts


def test_commitment_page_fits_a_phone_in_the_shipped_fonts(live_server, page, demo_urls):
    page.set_viewport_size(PHONE)
    _check_commitment_page(page, live_server.url, demo_urls["commitment"])


def test_commitment_page_fits_a_phone_on_a_machine_with_only_dejavu(
    live_server, dejavu_only_page, demo_urls
):
    _check_commitment_page(dejavu_only_page, live_server.url, demo_urls["commitment"])


def test_comment_box_uses_the_text_fonts(live_server, page, demo_urls):
    page.goto(live_server.url + _in(demo_urls["consultation-plan"], "ar"))
    box = page.locator("textarea").first
    assert box.count()
    body = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert box.evaluate("e => getComputedStyle(e).fontFamily") == body
