"""The picture of a plan (image.py) at a stable address under the language prefix."""

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.templatetags.static import static
from django.utils import translation
from django.views.decorators.http import require_safe

from opengov.pagecache import conditional

from ..views import _plan_or_404
from . import image, selectors

logger = logging.getLogger(__name__)

# Shared links are fetched by crawlers again and again: a day in their caches, revalidated
# against the ETag (the council's data version) after that.
CACHE_CONTROL = "public, max-age=86400"


def default_image_path(language: str | None = None) -> str:
    """The site's own picture (static, 1200x630) in `language` (the current one by default)."""
    code = (language or translation.get_language() or "ar").split("-")[0]
    return f"share/infitah-{'fr' if code == 'fr' else 'ar'}.png"


@require_safe
def plan_image(request: HttpRequest, council_slug: str, start_year: int) -> HttpResponse:
    """The plan's PNG, kept in the page cache under the council's data version (drawn once per
    version, language and day, not per request), with its ETag and Last-Modified. Where Arabic
    cannot be shaped, a redirect to the site's picture instead of a wrong one."""

    def produce() -> HttpResponse:
        # Inside: a cached picture costs no query.
        plan = _plan_or_404(council_slug, start_year)
        try:
            png = image.render(selectors.plan_card(plan))
        except image.NoShaping:
            logger.warning("No libraqm: the plan's picture is the site's default one")
            return HttpResponseRedirect(static(default_image_path()))
        return HttpResponse(png, content_type="image/png")

    return conditional(
        request,
        "plan-image",
        produce,
        query=QueryDict(),
        cache_control=CACHE_CONTROL,
        council=council_slug,
    )
