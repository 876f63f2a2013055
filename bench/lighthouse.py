"""Lighthouse scores (performance, accessibility, best practices, SEO) of every public page type,
in Arabic and French, on a phone (Lighthouse's mobile emulation) and on a desktop.

    make demo PORT=8156 &            # or any running server
    npm install --prefix /tmp/lh lighthouse@12
    .venv/bin/python bench/lighthouse.py --base-url http://127.0.0.1:8156 \\
        --lighthouse /tmp/lh/node_modules/.bin/lighthouse

It finds one page of each type by following links from the home page (a council, a plan, a
commitment, a workshop, a proposal, the proposals list, the directory, the search with a word,
the open data, and every page linked from the footer), runs Lighthouse on each with Debian's
Chromium (--chrome, headless, no sandbox, no background networking), and prints a table of the
four scores (0-100) per page, language and form factor, then the audits that cost points. The
target (issue 22) is 100 everywhere. Lighthouse and Node.js are tools of this benchmark only:
nothing at run time needs them. Exits 1 when a score is below --target.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path
from urllib.parse import urljoin, urlsplit

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
# Page types by the shape of their path (after the language prefix), first match wins.
TYPES = (
    ("commitment", re.compile(r"^councils/[^/]+/plans/\d+/commitments/[^/]+/$")),
    ("plan", re.compile(r"^councils/[^/]+/plans/\d+/$")),
    ("council", re.compile(r"^councils/[^/]+/$")),
    ("directory", re.compile(r"^councils/$")),
    ("workshop", re.compile(r"^workshops/\d+/$")),
    ("proposal", re.compile(r"^proposals/\d+/$")),
    ("proposals list", re.compile(r"^proposals/$")),
    ("open data", re.compile(r"^opendata/$")),
)
SEARCH_WORDS = {"ar": "الماء", "fr": "eau"}
_LINK = re.compile(r'href="([^"#]+)"')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=" ".join(__doc__.split("\n\n")[0].split()),
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--lighthouse", default="lighthouse", help="the lighthouse command")
    parser.add_argument("--chrome", default="/usr/bin/chromium")
    parser.add_argument("--languages", nargs="+", default=["ar", "fr"])
    parser.add_argument(
        "--form-factors", nargs="+", default=["mobile", "desktop"], choices=["mobile", "desktop"]
    )
    parser.add_argument("--only", nargs="*", help="page types to run (default: all found)")
    parser.add_argument("--target", type=int, default=100)
    parser.add_argument("--json", help="write every score and failing audit here")
    return parser.parse_args()


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - a local server
        return response.read().decode("utf-8", "replace")


def pages_of(base: str, language: str) -> dict[str, str]:
    """One URL per page type, found by following links from the home page (two levels)."""
    root = f"{base}/{language}/"
    found: dict[str, str] = {"home": root}
    seen, frontier = {root}, [root]
    for _level in range(3):
        following = []
        for url in frontier:
            for href in _LINK.findall(fetch(url)):
                link = urljoin(url, href.replace("&amp;", "&"))
                parts = urlsplit(link)
                if parts.netloc != urlsplit(base).netloc or parts.query:
                    continue
                path = parts.path
                if not path.startswith(f"/{language}/") or link in seen:
                    continue
                seen.add(link)
                rest = path[len(language) + 2 :]
                for name, shape in TYPES:
                    if name not in found and shape.match(rest):
                        found[name] = link
                        following.append(link)
                        break
                else:
                    if rest.endswith("/") and rest.count("/") == 1 and rest not in ("admin/",):
                        # A page of its own at the top level (the footer's pages).
                        found.setdefault(f"/{rest}", link)
        frontier = following
    found["search"] = f"{root}search/?q={urllib.request.quote(SEARCH_WORDS.get(language, 'eau'))}"
    return found


def lighthouse(args, url: str, form_factor: str) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "report.json"
        command = [
            *args.lighthouse.split(),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={out}",
            f"--only-categories={','.join(CATEGORIES)}",
            "--chrome-flags=--headless=new --no-sandbox --disable-background-networking",
        ]
        if form_factor == "desktop":
            command.append("--preset=desktop")
        for attempt in range(3):  # Lighthouse sometimes loses a trace (NO_NAVSTART): again
            done = subprocess.run(  # noqa: S603 - the command the user named
                command, check=False, env={"CHROME_PATH": args.chrome, "PATH": "/usr/bin:/bin"}
            )
            if done.returncode == 0:
                break
            print(f"lighthouse failed on {url} (attempt {attempt + 1})", file=sys.stderr)
        done.check_returncode()
        report = json.loads(out.read_text())
    scores = {name: round(100 * (report["categories"][name]["score"] or 0)) for name in CATEGORIES}
    lost = [
        f"{name}: {ref['id']} ({report['audits'][ref['id']].get('displayValue', '')})".rstrip(" ()")
        for name in CATEGORIES
        for ref in report["categories"][name]["auditRefs"]
        if ref.get("weight")
        and report["audits"][ref["id"]].get("score") is not None
        and report["audits"][ref["id"]]["score"] < 1
    ]
    return {"scores": scores, "lost": lost}


def main() -> int:
    args = parse_args()
    base = args.base_url.rstrip("/")
    rows, below = [], 0
    for language in args.languages:
        for kind, url in pages_of(base, language).items():
            if args.only and kind not in args.only:
                continue
            for form_factor in args.form_factors:
                result = lighthouse(args, url, form_factor)
                rows.append(
                    {"page": kind, "lang": language, "form": form_factor, "url": url, **result}
                )
                below += any(score < args.target for score in result["scores"].values())
    width = max(len(row["page"]) for row in rows)
    print(f"{'page':<{width}}  lang  form     perf  a11y  b.p.   seo")
    for row in rows:
        scores = "  ".join(f"{row['scores'][name]:>4}" for name in CATEGORIES)
        print(f"{row['page']:<{width}}  {row['lang']:<4}  {row['form']:<7}  {scores}")
    for row in rows:
        for audit in row["lost"]:
            print(f"  {row['page']} {row['lang']} {row['form']}: {audit}")
    print(f"\n{len(rows)} runs; {below} with a score below {args.target}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, ensure_ascii=False, indent=1))
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
