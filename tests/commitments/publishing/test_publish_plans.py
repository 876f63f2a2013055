"""`manage.py publish_plans`, what `make demo` runs: publishes the plans without a current PDF,
under SITE_URL; with --again (the demo's address changed) every plan once more, so the PDFs'
links and QR codes point at the address the demo runs at."""

import io
import re

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from consultations.models import ActionPlan
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    plan = factories.ActionPlanFactory(stage=ActionPlan.Stage.ADOPTED)
    factories.CommitmentFactory(plan=plan, reference="TST-2024-01")
    return plan


def _publish(django_capture_on_commit_callbacks, *args):
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("publish_plans", *args, stdout=out)
    return out.getvalue()


def _addresses(plan) -> set[str]:
    """The portal addresses written in the current PDFs (text and link annotations)."""
    found = set()
    for document in plan.documents.filter(is_current=True):
        reader = PdfReader(io.BytesIO(document.file.read()))
        for page in reader.pages:
            text = re.sub(r"\s+", "", page.extract_text())
            found |= set(re.findall(r"https?://[a-z0-9.]+:\d+", text))
            for annotation in page.get("/Annots") or []:
                uri = annotation.get_object().get("/A", {}).get("/URI")
                if uri:
                    found |= set(re.findall(r"https?://[a-z0-9.]+:\d+", str(uri)))
    return found


def test_publish_plans_writes_site_url_and_again_rewrites_it(
    plan, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "http://127.0.0.1:8000"
    _publish(django_capture_on_commit_callbacks)
    assert plan.documents.filter(is_current=True, version=1).count() == 2
    assert _addresses(plan) == {"http://127.0.0.1:8000"}

    # The demo at another port: a plain run keeps the PDFs made for the first address...
    settings.SITE_URL = "http://127.0.0.1:8150"
    assert "already published" in _publish(django_capture_on_commit_callbacks)
    assert plan.documents.filter(is_current=True, version=1).count() == 2

    # ...which `make demo` publishes again when its address changed.
    _publish(django_capture_on_commit_callbacks, "--again")
    assert plan.documents.filter(is_current=True, version=2).count() == 2
    assert _addresses(plan) == {"http://127.0.0.1:8150"}
