"""TEMPORARY shim (delete at merge): the project's URLs plus placeholders for the three follow
routes the subscription side creates (`commitments:follow_confirm`, `follow_manage`,
`follow_unsubscribe`), added only when they are missing, so the delivery's mails can build their
links in this branch. Used as ROOT_URLCONF by the delivery tests, and as DJANGO_SETTINGS_MODULE
by their real worker (the project's settings with ROOT_URLCONF pointing here)."""

from opengov.settings import *  # noqa: F403 (the worker's settings: the project's, plus the line below)

ROOT_URLCONF = __name__
PLACEHOLDERS = ("confirm", "manage", "unsubscribe")


def _placeholder(request, token):
    from django.http import HttpResponse

    return HttpResponse(token)


def _urlpatterns():
    from django.urls import URLResolver, include, path

    from commitments import urls as app
    from opengov import urls as project

    names = {getattr(p, "name", None) for p in app.urlpatterns}
    extra = [
        path(f"follow/{name}/<str:token>/", _placeholder, name=f"follow_{name}")
        for name in PLACEHOLDERS
        if f"follow_{name}" not in names
    ]
    if not extra:
        return project.urlpatterns
    patched = []
    for pattern in project.urlpatterns:
        if isinstance(pattern, URLResolver) and isinstance(pattern.urlconf_name, list):
            inner = [
                path("", include((app.urlpatterns + extra, "commitments")))
                if getattr(p, "namespace", None) == "commitments"
                else p
                for p in pattern.urlconf_name
            ]
            pattern = URLResolver(pattern.pattern, inner)
        patched.append(pattern)
    return patched


def __getattr__(name):
    # Built on first use, once the apps are ready (this module is also a settings module).
    if name == "urlpatterns":
        value = _urlpatterns()
        globals()["urlpatterns"] = value
        return value
    raise AttributeError(name)
