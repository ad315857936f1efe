"""Look at the built documentation in a real browser: screenshots of three pages.

Serves ``docs/_build/html`` on localhost, opens the front page, one API page and one gallery page
with a figure in headless Chromium (Debian's ``chromium``), and writes full-width screenshots to
``docs/_build/screenshots/``. It fails if a page is missing, if Chromium fails, if a screenshot is
blank, or if an image a page shows (the gallery's figure included) is not served.

    python scripts/check_docs.py [--install]     # make docs-check (after make docs)

``--install`` runs ``apt-get update`` and ``apt-get install -y chromium`` when Chromium is
missing (as root, on Debian).
The screenshots are for a person to look at: this script checks that the pages render, not
that they read well.
"""

from __future__ import annotations

import argparse
import functools
import html.parser
import http.server
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "docs" / "_build" / "html"
OUT = ROOT / "docs" / "_build" / "screenshots"

# (screenshot name, page, window height): the front page, an API page, a gallery page with a figure
PAGES = [
    ("front", "index.html", 1400),
    ("api", "api/generated/kanerva.vsa.BSC.html", 1800),
    ("gallery", "auto_examples/language_identification.html", 2600),
]

# what headless Chromium needs here (root, no network but the package mirrors)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--virtual-time-budget=5000"]


def chromium(install: bool) -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    if not install:
        sys.exit("chromium is not installed: apt-get install -y chromium (or run with --install)")
    subprocess.run(["apt-get", "update", "-qq"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, stdout=subprocess.DEVNULL)
    return shutil.which("chromium") or sys.exit("apt-get installed no chromium")


class Images(html.parser.HTMLParser):
    """The ``src`` of every ``<img>`` in a page."""

    def __init__(self):
        super().__init__()
        self.sources: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            src = dict(attrs).get("src")
            if src and not src.startswith("data:"):
                self.sources.append(src)


def serve() -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(Quiet, directory=str(HTML))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def check_images(base: str, page: str) -> list[str]:
    """Fetch every image the page shows; return the ones that are not served."""
    parser = Images()
    parser.feed((HTML / page).read_text(encoding="utf-8"))
    missing = []
    for src in parser.sources:
        url = urllib.parse.urljoin(base + page, src)
        try:
            with urllib.request.urlopen(url, timeout=10) as reply:
                if reply.status != 200 or len(reply.read()) < 100:
                    missing.append(src)
        except OSError:
            missing.append(src)
    return parser.sources if not missing else [f"MISSING {m}" for m in missing]


def blank(png: Path) -> bool:
    """True when the screenshot is one flat colour (nothing rendered)."""
    from PIL import Image

    with Image.open(png) as image:
        lo, hi = image.convert("L").getextrema()
    return lo == hi


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--install", action="store_true", help="apt-get install chromium if it is missing")
    parser.add_argument("--width", type=int, default=1280)
    args = parser.parse_args()
    if not (HTML / "index.html").exists():
        sys.exit(f"no built docs in {HTML}: run make docs first")
    browser = chromium(args.install)
    OUT.mkdir(parents=True, exist_ok=True)
    server, base = serve()
    failures = []
    try:
        for name, page, height in PAGES:
            if not (HTML / page).exists():
                failures.append(f"{page}: not built")
                continue
            images = check_images(base, page)
            if any(src.startswith("MISSING") for src in images):
                failures.append(f"{page}: images not served: {images}")
            png = OUT / f"{name}.png"
            png.unlink(missing_ok=True)
            with tempfile.TemporaryDirectory() as profile:
                run = subprocess.run(
                    [browser, *FLAGS, f"--user-data-dir={profile}", f"--window-size={args.width},{height}",
                     f"--screenshot={png}", base + page],
                    capture_output=True, text=True, timeout=120)
            if run.returncode != 0 or not png.exists():
                failures.append(f"{page}: chromium exited {run.returncode}: {run.stderr[-2000:]}")
                continue
            if blank(png):
                failures.append(f"{page}: the screenshot is blank")
            print(f"{png.relative_to(ROOT)}  <- {page}  ({len(images)} images, {png.stat().st_size:,} bytes)")
    finally:
        server.shutdown()
    for failure in failures:
        print("FAILED", failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
