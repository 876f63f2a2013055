"""What every endpoint of the open-data API shares (opendata.api.views): its two paginations,
and the cached, conditional answers that read only their declared query parameters (see the
views' module docstring)."""

from django.conf import settings
from django.http import Http404
from django.utils.http import parse_header_parameters
from django.utils.translation import gettext
from django_filters import rest_framework as filters
from rest_framework import exceptions
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.request import Request

from opengov.pagecache import Params, conditional, integer, known_query, opaque, use_query, word
from opengov.params import ascii_int
from opengov.urls_absolute import site_links


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class LargeCollectionPagination(CursorPagination):
    """For the collections that run to hundreds of thousands or millions of rows (proposals,
    comments): opaque `cursor` links and no total. A page number would make every uncached page
    count the whole collection (2 million comments: 2-3 s) and skip OFFSET rows to reach page N;
    a cursor page is one index range scan (WHERE id > last seen ORDER BY id LIMIT n) at any
    depth, and rows added while a client walks the list are neither skipped nor repeated."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "id"

    def decode_cursor(self, request):
        """The cursor, or 404 (DRF's answer to a broken cursor) when its position is not an id:
        a forged cursor must not reach the query as `id > 'abc'`."""
        cursor = super().decode_cursor(request)
        position = cursor.position if cursor is not None else None
        if position is not None and ascii_int(position) is None:
            raise NotFound(self.invalid_cursor_message)
        return cursor


def _normaliser(query_filter):
    # Numbers as integers; slugs, choices, booleans and references as words. Any other value
    # (a decimal, Arabic text) is still answered, without the cache.
    return integer if isinstance(query_filter, filters.NumberFilter) else word


class CachedConditionalMixin:
    """Conditional GET and a response cache keyed by the data version (opengov.pagecache), the
    normalised known parameters and the media type chosen, from the renderers' closed set.
    Links built from the request (pagination, DRF's reverse) are under SITE_URL."""

    def known_params(self, kwargs) -> Params:
        params: dict = {"format": word}
        filterset = getattr(self, "filterset_class", None)
        if filterset is not None:
            params |= {name: _normaliser(f) for name, f in filterset.base_filters.items()}
        lookup = self.lookup_url_kwarg or self.lookup_field
        paginator = self.pagination_class
        if lookup not in kwargs and paginator is not None:  # a list: its pagination's too
            for name, normaliser in (
                ("page_query_param", integer),
                ("page_size_query_param", integer),
                ("cursor_query_param", opaque),
            ):
                if getattr(paginator, name, None):
                    params[getattr(paginator, name)] = normaliser
        return params

    def dispatch(self, request, *args, **kwargs):
        response = self._answer(request, *args, **kwargs)
        response["Link"] = licence_link()
        return response

    def _answer(self, request, *args, **kwargs):
        site_links(request)
        if request.method not in ("GET", "HEAD"):
            return super().dispatch(request, *args, **kwargs)
        parent = super()
        query = known_query(request.GET, self.known_params(kwargs))
        media_type = self._plain_media_type(request, kwargs)
        if query is None or media_type is None:  # refused by initial(), or answered uncached
            return parent.dispatch(request, *args, **kwargs)
        use_query(request, query)
        return conditional(
            request,
            "api",
            lambda: parent.dispatch(request, *args, **kwargs),
            query=query,
            variant=media_type,
            vary=("Accept",),
        )

    def _plain_media_type(self, request, kwargs) -> str | None:
        """The media type of the renderer the Accept header chooses, when it asks for nothing
        more (such as `indent`); None otherwise: that answer is not cached."""
        try:
            renderer, accepted = self.get_content_negotiator().select_renderer(
                Request(request), self.get_renderers(), kwargs.get("format")
            )
        except (exceptions.NotAcceptable, Http404, ValueError):
            return None
        _type, options = parse_header_parameters(accepted)
        return None if set(options) - {"q"} else renderer.media_type

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        known = self.known_params(kwargs)
        unknown = sorted(set(request.query_params) - set(known))
        if unknown:
            raise exceptions.ValidationError(
                {
                    "detail": gettext(
                        "Unknown query parameter: %(unknown)s. This endpoint reads: %(known)s."
                    )
                    % {"unknown": ", ".join(unknown), "known": ", ".join(sorted(known))}
                }
            )


def licence_link() -> str:
    """The Link header naming the open data's licence (RFC 8288, rel="license")."""
    return f'<{settings.OPEN_DATA_LICENCE["url"]}>; rel="license"'
