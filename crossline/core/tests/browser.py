"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Import what a test module needs:

    from crossline.core.tests.browser import browser_page as browser_page  # the fixture
    from crossline.core.tests.browser import check_accessibility, sign_in_browser

`browser_page` is a fresh Playwright page whose base URL is the live server. The page's Content
Security Policy stays in force: a test fails if the browser refused anything under it, hit a
script error, or failed to load one of the page's own files (a stylesheet, script or image).

Live-server tests run in transactional mode, so the database is emptied after each one: the
fixture loads the reference geography and the policing organisations again, and tests create
the people they need (the shared cast's fixtures do).
"""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from crossline.conftest import sign_in

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
AXE = Path(settings.BASE_DIR) / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"
# WCAG 2.0, 2.1 and 2.2 at levels A and AA: what public sector websites must meet.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Runs in every document before its own scripts (DevTools injection, so the CSP does not apply
# to it) and keeps what the CSP refused, which a console listener alone can miss.
_RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(`${event.violatedDirective} refused ${event.blockedURI || 'inline code'}`
    + ` at ${event.sourceFile || document.location.href}:${event.lineNumber}`);
});
"""


@pytest.fixture
def browser_page(live_server, monkeypatch):
    # One fixture, so that a test module imports just this name. A browser per test costs well
    # under a second and leaves nothing behind from one test to the next.
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    from crossline.audit.tests.support import audit_trail_erase_for_tests
    from crossline.organisations.services import organisations_seed_policing
    from crossline.reference.services import refdata_load

    refdata_load()
    organisations_seed_policing()
    # Playwright's sync API runs an event loop in this thread, which makes Django refuse the
    # test's own database calls; they are plain synchronous calls, so that is safe to allow.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield from _page_watched(browser, live_server.url)
        finally:
            browser.close()
            # The audit trail refuses deletes; empty it as a superuser could, or the closing flush fails.
            audit_trail_erase_for_tests()


def _page_watched(browser, base_url):
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    context.add_init_script(script=_RECORD_CSP_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("console", lambda message: _note_console(message, problems))
    page.on("response", lambda response: _note_failed_file(response, problems))
    page.on("requestfailed", lambda request: problems.append(f"request failed: {request.url}"))
    yield page
    problems.extend(csp_violations(page))
    context.close()
    assert not problems, "The browser reported problems:\n" + "\n".join(problems)


def _note_console(message, problems: list[str]) -> None:
    if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
        problems.append(f"CSP: {message.text}")
    elif message.type == "error" and not message.text.startswith("Failed to load resource"):
        # e.g. a module script refused for its MIME type. Failed files are reported by URL below.
        problems.append(f"console error: {message.text}")


def _note_failed_file(response, problems: list[str]) -> None:
    # Pages may answer 403/404 on purpose; the files a page loads never should.
    if response.request.resource_type != "document" and response.status >= 400:
        problems.append(f"{response.status} for {response.url}")


def csp_violations(page) -> list[str]:
    try:
        return [f"CSP: {v}" for v in page.evaluate("() => window.__cspViolations || []")]
    except Exception:  # noqa: BLE001 - the page may already be closed or mid-navigation
        return []


def sign_in_browser(page, user, *, live_server) -> None:
    """Give the browser a signed-in, MFA-verified session for `user`, made as the test client does."""
    client = sign_in(Client(), user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}])


def check_accessibility(page) -> None:
    """Run axe-core on the page as it is now and fail on any WCAG 2.0-2.2 A/AA violation."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` in frontend/")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through DevTools, which the page's CSP does not govern: the page under test
        # keeps its real policy.
        page.evaluate(AXE.read_text(encoding="utf-8"))
    results = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    violations = results["violations"]
    report = [f"{len(violations)} accessibility violation(s) on {page.url}:"]
    for violation in violations:
        report.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            report.append(f"    at {json.dumps(node['target'])}: {node['failureSummary']}".replace("\n", " "))
    assert not violations, "\n".join(report)


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot to screenshots/ (git-ignored) for a person to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
