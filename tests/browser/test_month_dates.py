"""A coordinator enters a commitment's dates as months in the admin, in a real browser, in
French and in Arabic (right to left), and the public page shows them as months; the admin's
calendar shortcut still fills in a day."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from commitments.models import Commitment
from opengov.dates import DatePrecision, parse_date_or_month

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "a-long-browser-password"


def sign_in(page, live_server, django_user_model):
    django_user_model.objects.create_superuser("dates-admin", "dates@example.org", PASSWORD)
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("#id_username", "dates-admin")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + reverse("admin:index"))


def test_months_typed_in_the_admin_show_as_months(
    live_server, page, demo_urls, django_user_model, screenshots
):
    sign_in(page, live_server, django_user_model)
    commitment = Commitment.objects.get(reference="TTA-2024-01")
    change = reverse("admin:commitments_commitment_change", args=[commitment.pk])

    page.goto(live_server.url + change.replace("/ar/", "/fr/", 1))
    page.fill("#id_start_date", "2024-04")
    page.fill("#id_end_date", "06/2026")
    page.click("input[name=_save]")
    page.wait_for_url("**/commitment/")
    commitment.refresh_from_db()
    assert (commitment.start_date, commitment.start_date_precision) == (
        datetime.date(2024, 4, 1),
        DatePrecision.MONTH,
    )
    assert (commitment.end_date, commitment.end_date_precision) == (
        datetime.date(2026, 6, 30),
        DatePrecision.MONTH,
    )
    page.goto(live_server.url + commitment.get_absolute_url().replace("/ar/", "/fr/", 1))
    assert page.locator("time[datetime='2024-04']").inner_text() == "avril 2024"
    assert page.locator("time[datetime='2026-06']").inner_text() == "juin 2026"

    # In Arabic, right to left: the box stays left to right and a garbled date is refused.
    page.goto(live_server.url + change)
    box = page.locator("#id_end_date")
    assert box.input_value() == "2026-06"
    assert box.evaluate("e => getComputedStyle(e).direction") == "ltr"
    box.fill("يونيو")
    page.click("input[name=_save]")
    page.wait_for_selector(".errorlist")
    page.screenshot(path=str(screenshots / "admin-month-date-error-ar.png"), full_page=True)
    commitment.refresh_from_db()
    assert commitment.end_date == datetime.date(2026, 6, 30)

    # The calendar's "Today" shortcut (JavaScript) types a day the field reads, in each
    # language's input format.
    for language in ("ar", "fr"):
        page.goto(live_server.url + change.replace("/ar/", f"/{language}/", 1))
        page.locator("#id_end_date ~ .datetimeshortcuts a").first.click()
        typed = page.locator("#id_end_date").input_value()
        assert parse_date_or_month(typed, end=True) == (timezone.localdate(), DatePrecision.DAY)
