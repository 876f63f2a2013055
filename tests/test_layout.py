"""The layout's rules that import-linter cannot see (docs/layout.md; the import contracts are in
.importlinter, run by `make contracts`): no application module over 400 lines, and no module of
the floor (opengov/, but its wiring) reaching an app by name, through apps.get_model,
import_string or a dotted path in a string.

Each rule has a list of the modules that break it today, while the layout moves land: an entry
that no longer breaks the rule (the module was split, moved or cleaned) fails the test until it
is removed, so the lists only shrink."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The packages of the site (those not there yet are skipped).
APPLICATIONS = ("opengov", "consultations", "commitments", "opendata", "sitesearch", "devdata")
APPS = ("consultations", "commitments", "opendata", "sitesearch", "devdata")
MAX_LINES = 400
# Long by nature: every setting in one place, and migrations (generated, never edited).
LONG_BY_NATURE = {"opengov/settings.py"}
# The only floor modules that may name an app (the front door and the project's wiring).
WIRING = {"opengov/urls.py", "opengov/views.py", "opengov/settings.py"}

# Over the limit today, each to be split by sub-domain (issue 16's moves).
OVER_THE_LIMIT_TODAY: set[str] = set()
# Floor modules that name an app today (features that leave opengov/, facts that move to the
# apps' AppConfig.ready()).
FLOOR_NAMING_APPS_TODAY: set[str] = set()


def application_modules() -> dict[str, Path]:
    found = {}
    for package in APPLICATIONS:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "migrations" not in path.parts and relative not in LONG_BY_NATURE:
                found[relative] = path
    return found


def lines_of(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def over_the_limit(modules: dict[str, Path]) -> set[str]:
    return {name for name, path in modules.items() if lines_of(path) > MAX_LINES}


def names_an_app(source: str) -> list[str]:
    """The string constants of `source` that name an app or a dotted path into one
    ("commitments", "consultations.models.Council"); URL names ("commitments:plan") are not."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
            if any(text == app or text.startswith(f"{app}.") for app in APPS):
                found.append(f"line {node.lineno}: {text!r}")
    return found


def floor_naming_apps(modules: dict[str, Path]) -> dict[str, list[str]]:
    return {
        name: hits
        for name, path in modules.items()
        if name.startswith("opengov/")
        and name not in WIRING
        and (hits := names_an_app(path.read_text(encoding="utf-8")))
    }


def test_no_application_module_is_over_400_lines():
    modules = application_modules()
    assert len(modules) > 50
    over = over_the_limit(modules)
    new = sorted(
        f"{name} ({lines_of(modules[name])} lines)" for name in over - OVER_THE_LIMIT_TODAY
    )
    assert not new, f"split by sub-domain (at most {MAX_LINES} lines a module): {new}"
    done = sorted(OVER_THE_LIMIT_TODAY - over)
    assert not done, f"no longer over the limit (or gone): remove from OVER_THE_LIMIT_TODAY {done}"


def test_the_floor_names_no_app_dynamically():
    modules = application_modules()
    naming = floor_naming_apps(modules)
    new = {name: hits for name, hits in naming.items() if name not in FLOOR_NAMING_APPS_TODAY}
    assert not new, f"the floor reaches an app by name (register from the app instead): {new}"
    done = sorted(FLOOR_NAMING_APPS_TODAY - naming.keys())
    assert not done, f"no longer names an app (or gone): remove from FLOOR_NAMING_APPS_TODAY {done}"


def test_the_layout_checks_see_what_they_look_for(tmp_path):
    """The two checks on made-up modules: one line over the limit, and each way of naming an
    app (a label, a dotted path for import_string or get_model), but not a URL name."""
    long = tmp_path / "long.py"
    long.write_text("x = 1\n" * (MAX_LINES + 1))
    short = tmp_path / "short.py"
    short.write_text("x = 1\n" * MAX_LINES)
    assert over_the_limit({"long.py": long, "short.py": short}) == {"long.py"}
    source = (
        "from django.apps import apps\n"
        "from django.utils.module_loading import import_string\n"
        "a = apps.get_model('commitments', 'Comment')\n"
        "b = import_string('consultations.models.Council')\n"
        "c = reverse('commitments:plan')\n"
        "d = 'opengov.cache'\n"
    )
    assert names_an_app(source) == [
        "line 3: 'commitments'",
        "line 4: 'consultations.models.Council'",
    ]
