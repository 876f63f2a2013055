"""The demo's command and fixtures on their own, in a database without the demo (test_demo.py
keeps it loaded for the whole module)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from consultations.models import Council
from devdata.demo import REGIONS_FIXTURE

pytestmark = pytest.mark.django_db


def test_fixture_loads_on_its_own_by_natural_key():
    call_command("loaddata", "regions", verbosity=0)
    call_command("loaddata", "regions", verbosity=0)
    assert Council.objects.filter(kind=Council.Kind.REGION).count() == 12
    assert len(json.loads(REGIONS_FIXTURE.read_text(encoding="utf-8"))) == 12


def test_command_reports_what_it_did():
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "Demo data loaded." in out.getvalue()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "nothing to do" in out.getvalue()
