"""Page sections (opengov.sections): an upper app adds to a lower app's page, in the order of
registration, a provider with nothing to show adds nothing, and a name is registered once."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from opengov import sections
from opengov.sections import Section


@pytest.fixture
def providers(monkeypatch):
    monkeypatch.setattr(sections, "_PROVIDERS", {})


def test_sections_come_in_order_and_empty_ones_are_left_out(providers):
    sections.register("page", "first", lambda *, thing: Section("first.html", {"thing": thing}))
    sections.register("page", "nothing", lambda *, thing: None)
    sections.register("page", "second", lambda *, thing: Section("second.html", {}))
    found = sections.for_page("page", thing=3)
    assert [s.template for s in found] == ["first.html", "second.html"]
    assert found[0].context == {"thing": 3}
    assert sections.for_page("other page", thing=3) == []


def test_a_section_is_registered_once(providers):
    sections.register("page", "forum", lambda **_: None)
    with pytest.raises(ImproperlyConfigured):
        sections.register("page", "forum", lambda **_: None)


def test_the_council_page_has_the_forum_section():
    assert "forum" in sections._PROVIDERS["council"]
