"""Full-page screenshots of the portal's main pages, in Debian's Chromium driven by Playwright.

    .venv/bin/python bench/screenshots.py [--base-url http://127.0.0.1:8000]
        [--username NAME] [--password PASSWORD] [--out bench/results/screenshots] [--width 1280]

The portal must be running (`make run`, or `manage.py runserver` with DEBUG=true) and have
data (`manage.py import_corpus`). Credentials come from the flags or from LAGEBILD_USERNAME /
LAGEBILD_PASSWORD. The ids of the detail pages (an event, Putin, Kim Jong Un, an article) are
found through the portal's own list pages, so the script needs no database access. Pages that
answer 404 (not built yet) are listed as missing. Never `playwright install`: the browser is
/usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path
from urllib.parse import quote_plus

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def links(page) -> list[tuple[str, str]]:
    return page.eval_on_selector_all(
        "a[href]", "els => els.map(e => [e.getAttribute('href'), (e.textContent || '').trim()])"
    )


def first_link(page, url: str, pattern: str, text: str = "") -> str | None:
    page.goto(url)
    for href, label in links(page):
        path = href.split("#", 1)[0]
        if re.fullmatch(pattern, path.split("?", 1)[0]) and text in label:
            return path
    return None


def discover(page, base: str) -> dict[str, str | None]:
    putin = first_link(page, f"{base}/entities/?q={quote_plus('Wladimir Putin')}", r"/entities/\d+/", "Putin")
    kim = first_link(page, f"{base}/entities/?q={quote_plus('Kim Jong Un')}", r"/entities/\d+/", "Kim")
    # The reference case first (Putin visits Kim in Pjöngjang), any event and article else.
    event = (
        first_link(page, f"{base}/events/?q=Pjöngjang&type=meet", r"/events/\d+/")
        or first_link(page, f"{base}/events/?q=Putin", r"/events/\d+/")
        or first_link(page, f"{base}/events/", r"/events/\d+/")
    )
    article = first_link(page, f"{base}/articles/?q=Putin+Kim+Pjöngjang", r"/articles/\d+/") or (
        first_link(page, base + event, r"/articles/\d+/") if event else None
    )

    def entity_id(path):
        return re.search(r"\d+", path).group() if path else None

    return {
        "putin": putin,
        "event": event,
        "article": article,
        "crossref": f"/crossref/?entity={entity_id(putin)}&entity={entity_id(kim)}"
        if putin and kim
        else None,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--username", default=os.getenv("LAGEBILD_USERNAME"))
    parser.add_argument("--password", default=os.getenv("LAGEBILD_PASSWORD"))
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "screenshots")
    parser.add_argument("--width", type=int, default=1280)
    args = parser.parse_args(argv)
    if not args.username or not args.password:
        parser.error("credentials needed: --username/--password or LAGEBILD_USERNAME/LAGEBILD_PASSWORD")
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing (apt-get install chromium)", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    base = args.base_url.rstrip("/")
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": args.width, "height": 900}, locale="de-DE")
        page.set_default_timeout(60_000)
        page.goto(f"{base}/login/")
        page.fill("#id_username", args.username)
        page.fill("#id_password", args.password)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        if "/login/" in page.url:
            print("login failed: check the credentials", file=sys.stderr)
            return 1
        found = discover(page, base)
        shots = [
            ("dashboard", "/"),
            ("events", "/events/"),
            ("events-q-putin", "/events/?q=Putin"),
            ("events-type-meet", "/events/?type=meet"),
            ("event-detail", found["event"]),
            ("entities", "/entities/"),
            ("entity-putin", found["putin"]),
            ("article-detail", found["article"]),
            ("claims", "/claims/"),
            ("articles-q-sanktionen", "/articles/?q=Sanktionen"),
            ("tags", "/tags/"),
            ("crossref-putin-kim", found["crossref"]),
            ("api-events", "/api/v1/events/"),
        ]
        for number, (name, path) in enumerate(shots, 1):
            if path is None:
                print(f"  {name:24} no link found to it", file=sys.stderr)
                continue
            response = page.goto(base + path)
            page.wait_for_load_state("networkidle")
            status = response.status if response else 0
            if status == 404:
                print(f"  {name:24} missing (404)", file=sys.stderr)
                continue
            target = args.out / f"{number:02d}-{name}.png"
            page.screenshot(path=str(target), full_page=True)
            print(
                f"  {name:24} {status} {path} -> {target.relative_to(REPO) if target.is_relative_to(REPO) else target}"
            )
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
