"""The admin's change pages in a real browser, in both languages, on a 1366-px laptop screen
(issue 22): every page fits the screen's width, and every Arabic or French input is laid out in
its own language's direction, inlines included."""

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse
from modeltranslation.translator import translator

from consultations.models import Workshop
from devdata.demo import load_demo

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "a-long-browser-password"
LAPTOP = {"width": 1366, "height": 768}
DIRECTIONS = {"ar": "rtl", "fr": "ltr"}

# Each input or textarea of the page named like a translation field, with its lang and dir
# attributes and the direction the browser lays it out in.
TRANSLATED_INPUTS = """() => Array.from(document.querySelectorAll("input, textarea"))
    .filter(e => /_(ar|fr)$/.test(e.name) && e.type !== "hidden")
    .map(e => ({name: e.name, lang: e.getAttribute("lang"), dir: e.getAttribute("dir"),
                direction: getComputedStyle(e).direction}))"""


def _translated(model) -> bool:
    return model in translator.get_registered_models(abstract=False)


def _change_pages() -> dict[str, str]:
    """The change page of the first row of each admin that has translated fields, in itself or
    in one of its inlines (the demo's rows)."""
    pages = {}
    for model, model_admin in admin.site._registry.items():
        inlines = [inline.model for inline in model_admin.inlines]
        if not any(_translated(m) for m in (model, *inlines)):
            continue
        row = model._default_manager.order_by("pk").first()
        if row is not None:
            opts = model._meta
            pages[opts.label] = reverse(
                f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk]
            )
    return pages


@pytest.fixture
def signed_in(live_server, page, django_user_model):
    load_demo(today=datetime.date.today())
    django_user_model.objects.create_superuser("network-admin", "admin@example.ma", PASSWORD)
    page.set_viewport_size(LAPTOP)
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("#id_username", "network-admin")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + reverse("admin:index"))
    return page


def _in(path: str, language: str) -> str:
    return f"/{language}/" + path.split("/", 2)[2]


def _open_everything(page) -> None:
    """Collapsed fieldsets and inlines (the workshop's proposals) count too."""
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_workshop_change_page_fits_a_laptop_screen(
    live_server, signed_in, language, screenshots
):
    page = signed_in
    workshop = Workshop.objects.filter(groups__isnull=False).order_by("pk").first()
    url = reverse("admin:consultations_workshop_change", args=[workshop.pk])
    response = page.goto(live_server.url + _in(url, language))
    assert response.status == 200
    _open_everything(page)
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    page.screenshot(path=str(screenshots / f"admin-workshop-{language}.png"), full_page=True)
    assert width[0] <= width[1], width
    # The working groups are there, one row each, not pushed out of sight.
    assert page.locator("#groups-group tbody tr.has_original").count() == workshop.groups.count()


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_every_translated_input_says_its_language_and_every_page_fits(
    live_server, signed_in, language
):
    page = signed_in
    pages = _change_pages()
    # The admins the issue named, and their inlines, are among those checked.
    assert {"consultations.Workshop", "consultations.ActionPlan", "commitments.Commitment"} <= set(
        pages
    )
    wrong, too_wide, checked = [], {}, 0
    for label, url in pages.items():
        response = page.goto(live_server.url + _in(url, language))
        assert response.status == 200, label
        _open_everything(page)
        for field in page.evaluate(TRANSLATED_INPUTS):
            checked += 1
            own = field["name"][-2:]
            expected = {"lang": own, "dir": DIRECTIONS[own], "direction": DIRECTIONS[own]}
            if {key: field[key] for key in expected} != expected:
                wrong.append((label, field))
        scroll, screen = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll > screen:
            too_wide[label] = scroll
    assert checked > 50
    assert not wrong
    assert not too_wide
