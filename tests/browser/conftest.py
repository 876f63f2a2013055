"""Playwright drives Debian's Chromium (CHROMIUM_PATH, /usr/bin/chromium unless told; `make
services` installs it), never a browser of its own: `playwright install` downloads one, which a
machine without that download cannot do. The flags keep it headless and off the network."""

import datetime
import os
from pathlib import Path

import pytest
from django.urls import reverse

from commitments.models import Commitment
from consultations.models import ActionPlan, Workshop
from devdata.demo import load_demo

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def demo_urls():
    load_demo(today=datetime.date.today())
    plan = ActionPlan.objects.get(council__slug="tanger-tetouan-al-hoceima", start_year=2024)
    return {
        "home": reverse("home"),
        "council": plan.council.get_absolute_url(),
        "plan": plan.get_absolute_url(),
        "repository": reverse(
            "commitments:plan_repository", args=[plan.council.slug, plan.start_year]
        ),
        "consultation-plan": ActionPlan.objects.get(council__slug="oriental").get_absolute_url(),
        "commitment": Commitment.objects.get(reference="TTA-2024-01").get_absolute_url(),
        "workshop": Workshop.objects.get(starts_on=datetime.date(2024, 1, 6)).get_absolute_url(),
        "proposals": reverse("consultations:proposals") + "?q=%D9%85%D8%AC%D9%84%D8%B3",
        # The search page's overview: every kind of result the demo has for "budget".
        "search": reverse("sitesearch:search") + "?q=%D9%85%D9%8A%D8%B2%D8%A7%D9%86%D9%8A%D8%A9",
    }
