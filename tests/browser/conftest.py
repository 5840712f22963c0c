"""Chromium, driven by Playwright, against pytest-django's live server.

The browser is the one chromium.py finds: CHROMIUM_PATH, or Chromium or
Chrome on PATH (Debian's chromium package, which .ci/run installs). Without
one the run stops at once, saying how to get one.
"""

import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import chromium
import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.db import connections

ARTIFACTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
WIDE = 1280
# A fixed start keeps a page's timers independent of the day the tests run.
CLOCK_START = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)

# Headless, and nothing that phones home: without the background-networking
# switches Chromium reaches out to Google hosts at start-up.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def _database_connections(django_db_setup):
    return {alias: connections[alias] for alias in connections}


@pytest.fixture(scope="session")
def playwright(_database_connections, playwright):
    # Once Playwright's event loop runs on this thread, asgiref keeps Django's
    # connections per context rather than per thread, and the tests would get
    # fresh ones: without the copy of the migrated database that serialized
    # rollback restores, and not the in-memory SQLite connection the live
    # server shares. Keep the ones the test database was set up on.
    for alias, connection in _database_connections.items():
        connections[alias] = connection
    # Playwright's synchronous API marks its asyncio event loop as running on
    # the main thread from start to stop, and Django refuses ORM calls from a
    # thread with a running loop. That loop only turns while a Playwright call
    # waits for the browser, never during a query, so database work is as safe
    # as without it. The permission lasts exactly as long as the loop: tests
    # pytest-django orders after the browser tests share the session, and so
    # the loop, but a run without browser tests never sees it.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield playwright


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    path = chromium.find()
    if path is None:
        pytest.exit(chromium.missing_message(), returncode=1)
    return {**browser_type_launch_args, "args": CHROMIUM_ARGS, "executable_path": path}


@pytest.fixture(scope="session")
def browser_context_args(live_server):
    return {"base_url": live_server.url}


@pytest.fixture
def site(live_server, transactional_db, django_db_serialized_rollback, loaded_article):
    """The live site with the article loaded.

    The browser talks to a server thread, so each test commits for real and the
    database is flushed afterwards; the serialized rollback brings back what the
    migrations created, such as the Editors and Moderators groups.
    """
    return live_server


@pytest.fixture
def open_page(site, new_context):
    """Open a path of the live site in a fresh browser context.

    Each call is a separate visitor: its own cookies, colour scheme, window
    width, JavaScript setting and browser permissions (such as
    "clipboard-read"). With paused_clock the page's own clock stands still once
    it has loaded, so that the test decides when its timers fire.
    """

    def _open(path, *, color_scheme="light", width=WIDE, javascript=True, permissions=(), paused_clock=False):
        context = new_context(
            color_scheme=color_scheme,
            viewport={"width": width, "height": 900},
            java_script_enabled=javascript,
            permissions=list(permissions),
        )
        page = context.new_page()
        if paused_clock:
            # The page's timers must be the fake ones from its first script;
            # time flows while it loads and then stands still until the test
            # moves it on with page.clock.run_for().
            page.clock.install(time=CLOCK_START)
        page.goto(path)
        if paused_clock:
            page.clock.pause_at(CLOCK_START + timedelta(minutes=1))
        return page

    return _open


@pytest.fixture
def fill_comment():
    """Fill in the comment form on the page; the reader's email is unique to
    the test so that a search of any page for it cannot match by accident."""

    def _fill(page, body=None, *, name="Ada Reader", email=None):
        page.locator("#id_name").fill(name)
        page.locator("#id_email").fill(email or f"ada.{uuid.uuid4().hex[:12]}@example.org")
        # Without a body, the comment the reader has already written stays.
        if body is not None:
            page.locator("#id_body").fill(body)
        return page.locator("#id_email").input_value()

    return _fill


@pytest.fixture
def screenshot():
    """Save a PNG under artifacts/screenshots/ for a person to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def _save(page_or_locator, name):
        path = ARTIFACTS / f"{name}.png"
        page_or_locator.screenshot(path=path)
        return path

    return _save


@pytest.fixture
def admin_page(open_page):
    """Log a staff member in through the admin's own login form."""

    def _log_in(user, password="pw", **options):
        page = open_page("/admin/login/", **options)
        page.get_by_label("Username").fill(user.get_username())
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(re.compile(r"/admin/$"))
        return page

    return _log_in


def describe_violations(violations):
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} — {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['failureSummary']}".replace("\n", " "))
    return "\n".join(lines)


@pytest.fixture(scope="session")
def axe():
    return Axe()


@pytest.fixture
def assert_accessible(axe):
    """Run axe-core on the page; any violation at any impact level fails."""

    def _check(page):
        violations = axe.run(page).response["violations"]
        assert not violations, "axe found accessibility problems:\n" + describe_violations(violations)

    return _check
