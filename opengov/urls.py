from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from sitesearch import views as sitesearch_views

from . import twofactor, views

admin.site.site_header = "Infitah"
admin.site.site_title = "Infitah"
# Optional two-factor sign-in for staff (opengov.twofactor).
admin.site.login_form = twofactor.TwoFactorAuthenticationForm
admin.site.login_template = "admin/twofactor/login.html"

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitesearch_views.sitemap_index, name="sitemap"),
    path(
        "sitemap-<slug:section>-<int:page>.xml.gz",
        sitesearch_views.sitemap_section,
        name="sitemap_section",
    ),
    path(".well-known/security.txt", views.security_txt, name="security_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("api/v1/", include("opendata.api.urls")),
]

urlpatterns += i18n_patterns(
    path("admin/two-factor/", include((twofactor.urlpatterns, "twofactor"))),
    path("admin/", admin.site.urls),
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("ogp-local/", views.ogp_local, name="ogp_local"),
    path("", include("opendata.urls")),
    path("", include("consultations.urls")),
    path("", include("commitments.urls")),
    path("", include("sitesearch.urls")),
    prefix_default_language=True,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "opengov.views.page_not_found"
handler500 = "opengov.views.server_error"
