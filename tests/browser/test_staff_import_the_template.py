"""Council staff add a working group to a new workshop in the admin, then import the portal's own
template into it, in a real browser (issue 22: the template's example named group 1 while the
admin numbered new groups from 0)."""

import pytest
from django.urls import reverse

from consultations.models import Proposal, WorkingGroup
from opengov import roles
from tests import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "a-long-browser-password"


def _fr(path: str) -> str:
    return path.replace("/ar/", "/fr/", 1)


def test_staff_import_the_template_example_into_a_group_added_in_the_admin(
    live_server, page, staff_user, screenshots
):
    workshop = factories.WorkshopFactory()
    staff_user(roles.COUNCIL_STAFF, workshop.council, username="agent", password=PASSWORD)
    page.goto(live_server.url + _fr(reverse("admin:login")))
    page.fill("#id_username", "agent")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + _fr(reverse("admin:index")))

    # 1. A working group added on the workshop's page, its number left as the form shows it.
    change_url = live_server.url + _fr(
        reverse("admin:consultations_workshop_change", args=[workshop.pk])
    )
    page.goto(change_url)
    page.click("#groups-group .add-row a")
    number = page.locator("#id_groups-0-position")
    assert number.input_value() == ""
    page.fill("#id_groups-0-title_ar", "الشفافية والحكامة الرقمية")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    group = WorkingGroup.objects.get(workshop=workshop)
    assert group.position == 1
    assert page.locator("#id_groups-0-position").input_value() == "1"

    # 2. The template, downloaded from the import page, sent back unchanged: its example row
    # names group 1.
    import_path = _fr(reverse("admin:consultations_workshop_import_proposals", args=[workshop.pk]))
    page.click(f"a[href='{import_path}']")
    template_path = reverse("admin:consultations_workshop_import_template", args=["xlsx"])
    with page.expect_download() as download:
        page.click(f"a[href='{_fr(template_path)}']")
    template = download.value.path().read_bytes()
    page.set_input_files(
        "#id_file",
        files=[
            {
                "name": "modele.xlsx",
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": template,
            }
        ],
    )
    page.click("form[enctype] input[type=submit]")
    page.wait_for_selector("input[name=token]", state="attached")
    assert not page.locator(".errorlist, .import-errors").count(), page.content()
    page.screenshot(path=str(screenshots / "import-template-preview-fr.png"), full_page=True)
    page.click("input[name=token] ~ .submit-row input[type=submit]")
    page.wait_for_url(change_url)
    assert page.locator(".messagelist .success").count() == 1
    proposal = Proposal.objects.get(workshop=workshop)
    assert proposal.working_group == group
